// The JSON Lines trace (docs/trace-format.md). Writing: one compact object per event, keys
// in a fixed order (ordered_json), floats printed so they read back bit for bit, strings
// that are not UTF-8 kept as hex, and in a file each sequence's tokens and text written as
// what it adds to its source in the previous step (so a long run grows linearly, not
// quadratically). Reading: every value is type-checked before use, so a damaged file is one
// FormatError "PATH:LINE: …" and never undefined behaviour. The values themselves are
// encoded and checked in jsonl_values.cpp; the KV cache events are written and read in
// jsonl_kv.cpp, the attention tile events in jsonl_tile.cpp, the speculative sampling
// events in jsonl_spec.cpp.
#include "trace/jsonl.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "common/regular_file.h"
#include "trace/jsonl_detail.h"

namespace dlab::jsonl {
namespace {

// ---- writing ----

Json optional_float(const std::optional<float>& value) { return value ? float_value(*value) : Json(nullptr); }

template <typename T, typename F>
Json array_of(const std::vector<T>& values, F convert) {
    Json array = Json::array();
    for (const T& value : values) array.push_back(convert(value));
    return array;
}

Json texts_value(const std::vector<std::string>& texts) { return array_of(texts, text_value); }

// Object keys cannot carry the hex escape, so they must be UTF-8 already.
Json text_map_value(const std::map<std::string, std::string>& map, const char* field) {
    Json object = Json::object();
    for (const auto& [key, value] : map) {
        if (!is_utf8(key)) {
            throw InvalidArgument(std::string("trace event: a key of ") + field + " is not valid UTF-8");
        }
        object[key] = text_value(value);
    }
    return object;
}

void put_run(Json& line, const RunEvent& run) {
    line["format_version"] = run.format_version;
    line["model"] = text_value(run.model);
    line["model_kind"] = text_value(run.model_kind);
    line["model_facts"] = text_map_value(run.model_facts, "model_facts");
    line["backend"] = text_value(run.backend);
    if (!run.device_facts.empty()) line["device_facts"] = text_map_value(run.device_facts, "device_facts");
    line["prompt"] = text_value(run.prompt);
    line["prompt_tokens"] = run.prompt_tokens;
    line["prompt_pieces"] = texts_value(run.prompt_pieces);
    line["strategy"] = text_value(run.strategy);
    line["parameters"] = text_map_value(run.parameters, "parameters");
    line["chain"] = texts_value(run.chain);
    line["seed"] = run.seed;
}

void put_phase(Json& line, const PhaseEvent& phase) {
    line["phase"] = text_value(phase.phase);
    line["edge"] = text_value(phase.edge);
    line["tokens"] = phase.tokens;
    if (phase.duration_ms) line["duration_ms"] = double_value(*phase.duration_ms);
    if (!phase.stop_reason.empty()) line["stop_reason"] = text_value(phase.stop_reason);
    if (!phase.detail.empty()) line["detail"] = text_value(phase.detail);
}

// The sequence of the previous step that `s` continues: its parent when forked this
// step, else itself; null when there is none.
const SequenceRecord* find_source(const std::vector<SequenceRecord>* previous, const SequenceRecord& s) {
    if (previous == nullptr) return nullptr;
    const int source = s.parent >= 0 ? s.parent : s.id;
    for (const SequenceRecord& p : *previous) {
        if (p.id == source) return &p;
    }
    return nullptr;
}

// How many leading elements `a` shares with `b`.
template <typename C>
size_t shared_prefix(const C& a, const C& b) {
    return static_cast<size_t>(std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first - a.begin());
}

// With a source, "prefix" says how many of its tokens and text bytes this sequence starts
// with, and "tokens" / "text" hold only the rest. The text prefix ends on a character
// boundary so that the rest of valid UTF-8 stays valid UTF-8.
Json sequence_value(const SequenceRecord& s, const SequenceRecord* source) {
    size_t n_tokens = 0;
    size_t n_text = 0;
    if (source != nullptr) {
        n_tokens = shared_prefix(s.tokens, source->tokens);
        n_text = shared_prefix(s.text, source->text);
        while (n_text > 0 && n_text < s.text.size() &&
               (static_cast<unsigned char>(s.text[n_text]) & 0xC0) == 0x80) {
            --n_text;
        }
    }
    Json object;
    object["id"] = s.id;
    object["parent"] = s.parent;
    if (n_tokens > 0 || n_text > 0) object["prefix"] = Json{{"tokens", n_tokens}, {"text", n_text}};
    object["tokens"] = std::vector<int>(s.tokens.begin() + std::ptrdiff_t(n_tokens), s.tokens.end());
    object["text"] = text_value(s.text.substr(n_text));
    object["logprob"] = double_value(s.logprob);
    object["score"] = double_value(s.score);
    object["finished"] = s.finished;
    return object;
}

// Candidates are most of a trace's bytes, so each is a positional row instead of an
// object: [seq, token, text, logit, probs, score, kept, reason, chosen] and, when either
// contrastive value is present, [confidence, degeneration_penalty] with null for absent.
Json candidate_value(const CandidateRecord& c) {
    Json row =
        Json::array({c.seq, c.token, text_value(c.text), float_value(c.logit), array_of(c.probs, float_value),
                     double_value(c.score), c.kept, text_value(c.reason), c.chosen});
    if (c.confidence || c.degeneration_penalty) {
        row.push_back(optional_float(c.confidence));
        row.push_back(optional_float(c.degeneration_penalty));
    }
    return row;
}

Json action_value(const ActionRecord& a) {
    Json object;
    object["kind"] = text_value(a.kind);
    object["seq"] = a.seq;
    object["new_seq"] = a.new_seq;
    object["token"] = a.token;
    return object;
}

void put_step(Json& line, const StepEvent& step, const std::vector<SequenceRecord>* previous) {
    line["stages"] = texts_value(step.stages);
    Json sequences = Json::array();
    for (const SequenceRecord& s : step.sequences)
        sequences.push_back(sequence_value(s, find_source(previous, s)));
    line["sequences"] = std::move(sequences);
    line["candidates"] = array_of(step.candidates, candidate_value);
    line["actions"] = array_of(step.actions, action_value);
}

// `previous`: the sequences of the previous step event, or null for a self-contained line.
std::string json_line(const Event& event, const std::vector<SequenceRecord>* previous) {
    Json line;
    line["type"] = event_type(event);
    line["seq"] = event.seq;
    line["step"] = event.step;
    if (const auto* run = std::get_if<RunEvent>(&event.body)) put_run(line, *run);
    if (const auto* phase = std::get_if<PhaseEvent>(&event.body)) put_phase(line, *phase);
    if (const auto* step = std::get_if<StepEvent>(&event.body)) put_step(line, *step, previous);
    if (const auto* kv = std::get_if<KvEvent>(&event.body)) put_kv(line, *kv);
    if (const auto* stats = std::get_if<KvStatsEvent>(&event.body)) put_kv_stats(line, *stats);
    if (const auto* tile = std::get_if<TileEvent>(&event.body)) put_tile(line, *tile);
    if (const auto* round = std::get_if<SpecRoundEvent>(&event.body)) put_spec_round(line, *round);
    if (const auto* summary = std::get_if<SpecSummaryEvent>(&event.body)) put_spec_summary(line, *summary);
    return line.dump();
}

// ---- reading ----

// A line of a file or a self-contained line: the run, phase and step events here, the KV
// cache, tile and speculative sampling events through jsonl_kv.cpp, jsonl_tile.cpp and
// jsonl_spec.cpp.
class LineParser : private ValueReader {
public:
    // `previous`: the sequences of the previous step event; null when the line stands alone.
    LineParser(const std::string& source, int line_number, const std::vector<SequenceRecord>* previous)
        : ValueReader(source, line_number), m_previous(previous) {}

    Event parse(const std::string& line) const;

private:
    RunEvent run(const Value& line) const;
    PhaseEvent phase(const Value& line) const;
    StepEvent step(const Value& line) const;
    SequenceRecord sequence(const Value& v) const;
    CandidateRecord candidate(const Value& v) const;
    ActionRecord action(const Value& v) const;

    const std::vector<SequenceRecord>* m_previous;
};

Event LineParser::parse(const std::string& text) const {
    const Where root;

    // JSON
    if (text.find_first_not_of(" \t\r") == std::string::npos) fail(root, "empty line, expected an event");
    Json json;
    try {
        json = Json::parse(text);
    } catch (const Json::exception& e) {
        // "[json.exception…] parse error at line 1, column C: why; last read: 'bytes'"
        const std::string what = e.what();
        const size_t column = what.find("column");
        const std::string why = column == std::string::npos ? "" : " at " + what.substr(column);
        fail(root, "invalid JSON" + why.substr(0, why.find("; last read")));
    }
    const Value line{json, root};
    if (!json.is_object()) wrong_type(line, "a JSON object");

    // header
    Event event;
    const Value type = field(line, "type");
    if (!type.json.is_string()) wrong_type(type, "a string");
    event.seq = to_u64(field(line, "seq"));
    event.step = to_int(field(line, "step"), 0);

    // body
    const std::string& tag = type.json.get_ref<const std::string&>();
    if (tag == "run") {
        event.body = run(line);
    } else if (tag == "phase") {
        event.body = phase(line);
    } else if (tag == "step") {
        event.body = step(line);
    } else if (tag == "kv") {
        event.body = read_kv(*this, line);
    } else if (tag == "kv_stats") {
        event.body = read_kv_stats(*this, line);
    } else if (tag == "tile") {
        event.body = read_tile(*this, line);
    } else if (tag == "spec_round") {
        event.body = read_spec_round(*this, line);
    } else if (tag == "spec_summary") {
        event.body = read_spec_summary(*this, line);
    } else {
        fail(type.where, "unknown event type \"" + tag + "\"");
    }
    return event;
}

RunEvent LineParser::run(const Value& line) const {
    RunEvent run;
    // the version first: a newer file may differ in every other field
    const Value version = field(line, "format_version");
    run.format_version = to_int(version);
    if (run.format_version > kTraceFormatVersion) {
        fail(version.where, std::to_string(run.format_version) + " is newer than this reader supports (" +
                                std::to_string(kTraceFormatVersion) + ")");
    }
    if (run.format_version < 1) fail(version.where, std::to_string(run.format_version) + " is not a version");

    run.model = to_text(field(line, "model"));
    run.model_kind = to_text(field(line, "model_kind"));
    run.model_facts = to_text_map(field(line, "model_facts"));
    run.backend = to_text(field(line, "backend"));
    if (line.json.contains("device_facts")) run.device_facts = to_text_map(field(line, "device_facts"));
    run.prompt = to_text(field(line, "prompt"));
    run.prompt_tokens = to_ints(field(line, "prompt_tokens"));
    run.prompt_pieces = to_texts(field(line, "prompt_pieces"));
    run.strategy = to_text(field(line, "strategy"));
    run.parameters = to_text_map(field(line, "parameters"));
    run.chain = to_texts(field(line, "chain"));
    run.seed = to_u64(field(line, "seed"));
    return run;
}

PhaseEvent LineParser::phase(const Value& line) const {
    PhaseEvent phase;
    phase.phase = to_text(field(line, "phase"));
    phase.edge = to_text(field(line, "edge"));
    phase.tokens = to_int(field(line, "tokens"));
    if (line.json.contains("duration_ms")) phase.duration_ms = to_double(field(line, "duration_ms"));
    if (line.json.contains("stop_reason")) phase.stop_reason = to_text(field(line, "stop_reason"));
    if (line.json.contains("detail")) phase.detail = to_text(field(line, "detail"));
    return phase;
}

SequenceRecord LineParser::sequence(const Value& v) const {
    SequenceRecord s;
    s.id = to_int(field(v, "id"));
    s.parent = to_int(field(v, "parent"));
    s.tokens = to_ints(field(v, "tokens"));
    s.text = to_text(field(v, "text"));
    s.logprob = to_double(field(v, "logprob"));
    s.score = to_double(field(v, "score"));
    s.finished = to_bool(field(v, "finished"));
    if (!v.json.contains("prefix")) return s;

    // the start that the source sequence of the previous step holds
    const Value prefix = field(v, "prefix");
    if (m_previous == nullptr) fail(prefix.where, "refers to the previous step: read the whole file");
    const SequenceRecord* source = find_source(m_previous, s);
    if (source == nullptr) {
        fail(prefix.where,
             "the previous step has no sequence " + std::to_string(s.parent >= 0 ? s.parent : s.id));
    }
    const Value n_tokens = field(prefix, "tokens");
    const Value n_text = field(prefix, "text");
    const auto head_tokens = integer(n_tokens, 0, static_cast<int64_t>(source->tokens.size()));
    const auto head_text = integer(n_text, 0, static_cast<int64_t>(source->text.size()));
    s.tokens.insert(s.tokens.begin(), source->tokens.begin(), source->tokens.begin() + head_tokens);
    s.text.insert(0, source->text, 0, static_cast<size_t>(head_text));
    return s;
}

CandidateRecord LineParser::candidate(const Value& v) const {
    if (array(v).size() != 9 && v.json.size() != 11) {
        fail(v.where, "expected a row of 9 or 11 values, got " + std::to_string(v.json.size()));
    }
    const auto item = [&](size_t i) { return Value{v.json[i], v.where.at(i)}; };
    CandidateRecord c;
    c.seq = to_int(item(0));
    c.token = to_int(item(1));
    c.text = to_text(item(2));
    c.logit = to_float(item(3));
    c.probs = to_vector(item(4), [this](const Value& p) { return to_float(p); });
    c.score = to_double(item(5));
    c.kept = to_bool(item(6));
    c.reason = to_text(item(7));
    c.chosen = to_bool(item(8));
    if (v.json.size() == 11) {
        c.confidence = to_optional_float(item(9));
        c.degeneration_penalty = to_optional_float(item(10));
    }
    return c;
}

ActionRecord LineParser::action(const Value& v) const {
    ActionRecord a;
    a.kind = to_text(field(v, "kind"));
    a.seq = to_int(field(v, "seq"));
    a.new_seq = to_int(field(v, "new_seq"));
    a.token = to_int(field(v, "token"));
    return a;
}

StepEvent LineParser::step(const Value& line) const {
    StepEvent step;
    step.stages = to_texts(field(line, "stages"));
    step.sequences = to_vector(field(line, "sequences"), [this](const Value& v) { return sequence(v); });
    step.candidates = to_vector(field(line, "candidates"), [this](const Value& v) { return candidate(v); });
    step.actions = to_vector(field(line, "actions"), [this](const Value& v) { return action(v); });
    return step;
}

}  // namespace
}  // namespace dlab::jsonl

namespace dlab {

using jsonl::fail_line;
using jsonl::json_line;
using jsonl::line_prefix;
using jsonl::LineParser;

std::string event_to_json_line(const Event& event) { return json_line(event, nullptr); }

Event event_from_json_line(const std::string& line, const std::string& source, int line_number) {
    return LineParser(source, line_number, nullptr).parse(line);
}

JsonlTraceWriter::JsonlTraceWriter(const std::string& path) : m_path(path) {
    m_out.open(path, std::ios::binary | std::ios::trunc);
    if (!m_out) throw Error(path + ": cannot write: " + std::strerror(errno));
}

void JsonlTraceWriter::emit(const Event& event) {
    m_out << json_line(event, &m_last_sequences) << '\n';
    m_out.flush();
    if (!m_out) throw Error(m_path + ": cannot write: " + std::strerror(errno));
    if (const auto* step = std::get_if<StepEvent>(&event.body)) m_last_sequences = step->sequences;
}

std::vector<Event> read_jsonl_trace(const std::string& path) {
    require_regular_file(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot read: " + std::strerror(errno));

    std::vector<Event> events;
    std::optional<size_t> last_step;  // index in events of the last step event
    const std::vector<SequenceRecord> none;
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        // getline stops at the end of the file only when the last line has no newline:
        // the writer ends every event with one, so that line was cut mid-write.
        const bool complete = !in.eof();
        Event event;
        try {
            const auto* previous =
                last_step ? &std::get<StepEvent>(events[*last_step].body).sequences : &none;
            event = LineParser(path, line_number, previous).parse(line);
        } catch (const FormatError& e) {
            if (complete) throw;
            const std::string problem = std::string(e.what()).substr(line_prefix(path, line_number).size());
            fail_line(path, line_number,
                      "truncated last line (no newline: the writer stopped mid-event): " + problem);
        }

        // trace order: one run event first, then strictly increasing seq; the KV, tile and
        // speculative sampling events only from the version that introduced them
        const bool is_run = std::holds_alternative<RunEvent>(event.body);
        if (events.empty() && !is_run) {
            fail_line(path, line_number,
                      std::string("the first event must be a run event, got \"") + event_type(event) + "\"");
        }
        if (!events.empty() && is_run)
            fail_line(path, line_number, "a second run event (a trace holds one run)");
        // such an event is never first, so events.front() is the run
        if (const jsonl::Introduced since = jsonl::introduced_in(event); since.family != nullptr) {
            const int version = std::get<RunEvent>(events.front().body).format_version;
            if (version < since.version) {
                fail_line(path, line_number,
                          std::string("a \"") + event_type(event) + "\" event in a version " +
                              std::to_string(version) + " trace (" + since.family + " came in version " +
                              std::to_string(since.version) + ")");
            }
        }
        if (!events.empty() && event.seq <= events.back().seq) {
            fail_line(path, line_number,
                      "seq " + std::to_string(event.seq) + " does not increase (previous " +
                          std::to_string(events.back().seq) + ")");
        }
        if (std::holds_alternative<StepEvent>(event.body)) last_step = events.size();
        events.push_back(std::move(event));
    }
    if (in.bad()) throw Error(path + ": cannot read: " + std::strerror(errno));
    if (events.empty()) fail_line(path, 1, "empty trace: expected a run event");
    return events;
}

}  // namespace dlab
