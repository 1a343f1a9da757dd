// The JSON Lines trace: every event type round-trips bit for bit through a file (−inf,
// NaN, −0, invalid UTF-8, optionals absent and present, empty vectors); identical events
// give identical bytes; every malformed file is one FormatError "PATH:LINE: …"; random
// damage never crashes the reader; a 1,000-step run stays within the documented size.
// Expected lines are written by hand from docs/trace-format.md, and every written line is
// checked against Qt's JSON parser, which shares no code with the writer.
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <bit>
#include <cfloat>
#include <climits>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

// Qt's `emit` keyword is a macro that would erase TraceSink::emit.

#include "common/error.h"
#include "testing/trace_files.h"
#include "trace/jsonl.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr float kInfF = std::numeric_limits<float>::infinity();

// ---- equality, bit for bit (every NaN equals every NaN: the format keeps no payload) ----

bool same(double a, double b) {
    return std::isnan(a) ? std::isnan(b) : std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}
bool same(float a, float b) {
    return std::isnan(a) ? std::isnan(b) : std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b);
}
bool same(const std::optional<float>& a, const std::optional<float>& b) {
    return a.has_value() == b.has_value() && (!a || same(*a, *b));
}
template <typename T>
bool same(const T& a, const T& b) {
    return a == b;
}
template <typename T>
bool same(const std::vector<T>& a, const std::vector<T>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!same(a[i], b[i])) return false;
    }
    return true;
}

// The first field in which `a` and `b` differ, "" when none does.
std::string difference(const Event& a, const Event& b) {
    std::string first;
    const auto check = [&](const std::string& name, const auto& x, const auto& y) {
        if (first.empty() && !same(x, y)) first = name;
    };
    check("seq", a.seq, b.seq);
    check("step", a.step, b.step);
    check("type", std::string(event_type(a)), std::string(event_type(b)));
    if (!first.empty()) return first;
    if (const auto* x = std::get_if<RunEvent>(&a.body)) {
        const auto& y = std::get<RunEvent>(b.body);
        check("format_version", x->format_version, y.format_version);
        check("model", x->model, y.model);
        check("model_kind", x->model_kind, y.model_kind);
        check("model_facts", x->model_facts, y.model_facts);
        check("backend", x->backend, y.backend);
        check("device_facts", x->device_facts, y.device_facts);
        check("prompt", x->prompt, y.prompt);
        check("prompt_tokens", x->prompt_tokens, y.prompt_tokens);
        check("prompt_pieces", x->prompt_pieces, y.prompt_pieces);
        check("strategy", x->strategy, y.strategy);
        check("parameters", x->parameters, y.parameters);
        check("chain", x->chain, y.chain);
        check("seed", x->seed, y.seed);
    } else if (const auto* p = std::get_if<PhaseEvent>(&a.body)) {
        const auto& q = std::get<PhaseEvent>(b.body);
        check("phase", p->phase, q.phase);
        check("edge", p->edge, q.edge);
        check("tokens", p->tokens, q.tokens);
        check("duration_ms", p->duration_ms.has_value(), q.duration_ms.has_value());
        if (p->duration_ms && q.duration_ms) check("duration_ms", *p->duration_ms, *q.duration_ms);
        check("stop_reason", p->stop_reason, q.stop_reason);
        check("detail", p->detail, q.detail);
    } else {
        const auto& x = std::get<StepEvent>(a.body);
        const auto& y = std::get<StepEvent>(b.body);
        check("stages", x.stages, y.stages);
        check("sequences.size", x.sequences.size(), y.sequences.size());
        check("candidates.size", x.candidates.size(), y.candidates.size());
        check("actions.size", x.actions.size(), y.actions.size());
        if (!first.empty()) return first;
        for (size_t i = 0; i < x.sequences.size(); ++i) {
            const auto &s = x.sequences[i], &t = y.sequences[i];
            const std::string at = "sequences[" + std::to_string(i) + "].";
            check(at + "id", s.id, t.id);
            check(at + "parent", s.parent, t.parent);
            check(at + "tokens", s.tokens, t.tokens);
            check(at + "text", s.text, t.text);
            check(at + "logprob", s.logprob, t.logprob);
            check(at + "score", s.score, t.score);
            check(at + "finished", s.finished, t.finished);
        }
        for (size_t i = 0; i < x.candidates.size(); ++i) {
            const auto &c = x.candidates[i], &d = y.candidates[i];
            const std::string at = "candidates[" + std::to_string(i) + "].";
            check(at + "seq", c.seq, d.seq);
            check(at + "token", c.token, d.token);
            check(at + "text", c.text, d.text);
            check(at + "logit", c.logit, d.logit);
            check(at + "probs", c.probs, d.probs);
            check(at + "score", c.score, d.score);
            check(at + "kept", c.kept, d.kept);
            check(at + "reason", c.reason, d.reason);
            check(at + "chosen", c.chosen, d.chosen);
            check(at + "confidence", c.confidence, d.confidence);
            check(at + "degeneration_penalty", c.degeneration_penalty, d.degeneration_penalty);
        }
        for (size_t i = 0; i < x.actions.size(); ++i) {
            const auto &p = x.actions[i], &q = y.actions[i];
            const std::string at = "actions[" + std::to_string(i) + "].";
            check(at + "kind", p.kind, q.kind);
            check(at + "seq", p.seq, q.seq);
            check(at + "new_seq", p.new_seq, q.new_seq);
            check(at + "token", p.token, q.token);
        }
    }
    return first;
}

// ---- events ----

Event make_event(uint64_t seq, int step, decltype(Event::body) body) {
    Event event;
    event.seq = seq;
    event.step = step;
    event.body = std::move(body);
    return event;
}

PhaseEvent phase_event(std::string phase, std::string edge, int tokens, std::optional<double> duration_ms) {
    PhaseEvent p;
    p.phase = std::move(phase), p.edge = std::move(edge), p.tokens = tokens, p.duration_ms = duration_ms;
    return p;
}

CandidateRecord candidate(int seq, int token, std::string text, float logit, std::vector<float> probs,
                          double score, bool kept, std::string reason, bool chosen) {
    CandidateRecord c;
    c.seq = seq, c.token = token, c.text = std::move(text), c.logit = logit, c.probs = std::move(probs);
    c.score = score, c.kept = kept, c.reason = std::move(reason), c.chosen = chosen;
    return c;
}

// Every field set, with the values that stress the encoding: non-finite numbers, −0,
// extremes and subnormals, text that is not UTF-8, a NUL, quotes and control characters,
// empty vectors, optionals in every combination, and sequences that continue, fork from,
// or have no counterpart in the previous step.
std::vector<Event> tricky_trace() {
    std::vector<Event> events;
    RunEvent run;
    run.model = "embedded:tiny-stories ✓";
    run.model_kind = "llama";
    run.model_facts = {{"dim", "64"}, {"vocab_size", "2048"}, {"名前", "値"}, {"bytes", "\xE4\xBD"}};
    run.backend = "cuda";
    run.device_facts = {{"name", "NVIDIA H200"}, {"sm_count", "132"}, {"bandwidth_bytes_per_s", "4814000000000"}};
    run.prompt = std::string("Once \"upon\" a\\time\t\n 你好 🙂 \x01 nul:") + '\0' + "!";
    run.prompt_tokens = {1, 2047, 0, INT_MAX, INT_MIN};
    run.prompt_pieces = {"Once", "\xE4\xBD", "\xA0", " 🙂", ""};
    run.strategy = "sample";
    run.parameters = {{"top-p", "0.9"}, {"temperature", "0.7"}};
    run.chain = {"temperature", "top_k", "top_p"};
    run.seed = UINT64_MAX;
    events.push_back(make_event(0, 0, run));
    events.push_back(make_event(1, 0, phase_event("prefill", "begin", 5, std::nullopt)));
    events.push_back(make_event(2, 0, phase_event("prefill", "end", 5, 0.1 + 0.2)));

    StepEvent first;
    first.stages = {"temperature", "top_k", "top_p"};
    first.sequences = {{0, -1, {17}, " Once", -1.25, -0.0, false},
                       {1, 0, {18}, "\xF0\x9F\x99", -kInf, kNan, false},
                       {2, -1, {}, "", 0.0, DBL_MIN, true}};
    CandidateRecord a = candidate(0, 17, " Once", 0.1f, {0.1f, 1.0f / 3, 0.0f, -0.0f}, -kInf, true, "", true);
    CandidateRecord b =
        candidate(0, 2047, "\xFF\xFE", FLT_MAX, {FLT_MIN, 1e-45f, std::nextafter(1.0f, 0.0f), NAN}, kNan,
                  false, "top_p", false);
    b.confidence = 0.25f;
    CandidateRecord c = candidate(1, 0, "\xC0\x80", -FLT_MAX, {}, DBL_MAX, false, "\xED\xA0\x80", false);
    c.degeneration_penalty = -0.5f;
    CandidateRecord d = candidate(1, 5, "\xF4\x90\x80\x80", kInfF, {-kInfF}, 5e-324, true, "", true);
    d.confidence = kInfF;
    d.degeneration_penalty = -kInfF;
    CandidateRecord e =
        candidate(1, 6, "é \"x\" \\ \u2028", -kInfF, {0.5f}, -1e300, false, "beam_rank", false);
    first.candidates = {a, b, c, d, e};
    first.actions = {{"extend", 0, -1, 17}, {"fork", 0, 1, 18}, {"finish", 2, -1, 2}, {"drop", 3, -1, -1}};
    events.push_back(make_event(3, 1, first));

    StepEvent second;  // 0 extends, 1 completes the emoji, 3 forks from 0, 4's parent is unknown
    second.sequences = {{0, -1, {17, 19}, " Once upon", -2.5, -1.25, false},
                        {1, -1, {18, 20}, "\xF0\x9F\x99\x82 and", -kInf, kNan, false},
                        {3, 0, {17, 21}, " Once more", -3.0, -1.5, true},
                        {4, 9, {5}, "x", -1.0, -1.0, false},
                        {5, 0, {}, "", 0.0, 0.0, false}};
    events.push_back(make_event(4, 2, second));
    events.push_back(make_event(5, 3, StepEvent{}));
    StepEvent fourth;  // the previous step had no sequences
    fourth.sequences = {{0, -1, {17, 19, 22}, " Once upon a", -3.5, -1.1666666666666667, false}};
    events.push_back(make_event(6, 4, fourth));
    events.push_back(make_event(7, 4, phase_event("decode", "begin", 0, 0.0)));
    PhaseEvent end = phase_event("decode", "end", 4, kNan);
    end.stop_reason = "eos";
    end.detail = "stopped \"early\" \xFF";
    events.push_back(make_event(9, 4, end));
    return events;
}

// A run as the Session records it: `n_seq` sequences over a 2048-token vocabulary, each
// growing by one token per step (every 7th step sequence 1 is replaced by a fork of 0),
// `n_cand` candidates per sequence with probabilities through `n_stages` chain stages
// (0: beam search, one probability per candidate).
std::vector<Event> synthetic_run(uint64_t seed, int n_steps, int n_seq, int n_cand, int n_stages) {
    static const char* const kStages[] = {"repetition_penalty", "no_repeat_ngram", "temperature", "top_k",
                                          "typical_p",          "top_p",           "min_p",       "top_a"};
    const auto piece = [](int token) {  // 1–6 letters, most with a leading space (≈ 4.2 bytes)
        std::string text = token % 3 != 0 ? " " : "";
        for (int i = 0; i < 1 + token % 6; ++i) text += char('a' + (token * 7 + i) % 26);
        return text;
    };
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::exponential_distribution<float> gap(4.0f);

    std::vector<Event> events;
    RunEvent run;
    run.model = "embedded:tiny";
    run.model_kind = "llama";
    run.model_facts = {{"vocab_size", "2048"}};
    run.backend = "cpu";
    run.prompt = "Once upon a time";
    run.prompt_tokens = {1, 400, 401, 402, 403};
    for (int t : run.prompt_tokens) run.prompt_pieces.push_back(piece(t));
    run.strategy = n_stages == 0 ? "beam" : "sample";
    run.chain.assign(kStages, kStages + n_stages);
    run.seed = seed;
    uint64_t seq = 0;
    events.push_back(make_event(seq++, 0, run));
    events.push_back(make_event(seq++, 0, phase_event("prefill", "begin", 5, std::nullopt)));
    events.push_back(make_event(seq++, 0, phase_event("prefill", "end", 5, std::nullopt)));

    std::vector<SequenceRecord> live(n_seq);
    for (int s = 0; s < n_seq; ++s) live[s].id = s;
    int next_id = n_seq;
    for (int step = 1; step <= n_steps; ++step) {
        StepEvent event;
        event.stages.assign(kStages, kStages + n_stages);
        const std::vector<SequenceRecord> before = live;
        for (int s = 0; s < n_seq; ++s) {
            // candidates: descending logits, the raw softmax over the whole vocabulary
            // (the unrecorded tail holds ~20% of the mass), then each stage
            std::vector<float> logits(n_cand);
            float logit = 8.0f + gauss(rng);
            for (float& l : logits) l = (logit -= gap(rng));
            double total = 0.0;
            for (float l : logits) total += std::exp(double(l));
            std::vector<std::vector<float>> probs(n_cand);
            for (int k = 0; k < n_cand; ++k) probs[k].push_back(float(std::exp(logits[k]) / (total * 1.25)));
            int n_kept = n_cand;
            std::vector<int> pruned_at(n_cand, -1);
            for (int stage = 0; stage < n_stages; ++stage) {
                if (stage == 2) {
                    for (float& l : logits) l /= 0.7f;  // temperature
                } else if (stage >= 3) {
                    n_kept = std::max(1, n_kept * 3 / 4);  // a filter drops the tail
                }
                for (int k = n_kept; k < n_cand; ++k) {
                    if (pruned_at[k] < 0) pruned_at[k] = stage;
                }
                double kept_total = 0.0;
                for (int k = 0; k < n_kept; ++k) kept_total += std::exp(double(logits[k]));
                for (int k = 0; k < n_cand; ++k) {
                    probs[k].push_back(k < n_kept ? float(std::exp(double(logits[k])) / kept_total) : 0.0f);
                }
            }
            for (int k = 0; k < n_cand; ++k) {
                const int token = int((uint64_t(s) * 131 + uint64_t(k) * 37 + uint64_t(step) * 11) % 2048);
                const double logp = std::log(double(probs[k][0]));
                const double score =
                    n_stages == 0 ? before[s].logprob + logp : std::log(double(probs[k].back()));
                const bool kept = n_stages == 0 ? k < 2 : pruned_at[k] < 0;
                const std::string reason = kept ? "" : n_stages == 0 ? "beam_rank" : kStages[pruned_at[k]];
                event.candidates.push_back(
                    candidate(s, token, piece(token), logits[k], probs[k], score, kept, reason, k == 0));
            }
            // the sequence lives on with its best candidate, or sequence 1 forks from 0
            SequenceRecord next = before[s];
            next.parent = -1;
            if (s == 1 && step % 7 == 0) {
                next = before[0];
                next.id = next_id++;
                next.parent = before[0].id;
            }
            const CandidateRecord& best = event.candidates[size_t(s) * n_cand];
            next.tokens.push_back(best.token);
            next.text += best.text;
            next.logprob += std::log(double(best.probs[0]));
            next.score = next.logprob / double(next.tokens.size());
            live[s] = next;
            event.sequences.push_back(next);
            const bool fork = next.parent >= 0;
            event.actions.push_back(
                {fork ? "fork" : "extend", fork ? next.parent : next.id, fork ? next.id : -1, best.token});
        }
        events.push_back(make_event(seq++, step, event));
    }
    events.push_back(make_event(seq++, n_steps, phase_event("decode", "end", n_steps, std::nullopt)));
    return events;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_trace(const std::string& path, const std::vector<Event>& events) {
    JsonlTraceWriter writer(path);
    for (const Event& event : events) writer.emit(event);
}

std::vector<std::string> split_lines(const std::string& bytes) {
    std::vector<std::string> lines;
    std::istringstream in(bytes);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string bytes;
    for (const std::string& line : lines) bytes += line + "\n";
    return bytes;
}

}  // namespace

class TestTrace : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string file(const std::string& name) const {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

    void expect_same(const std::vector<Event>& expected, const std::vector<Event>& actual) {
        QCOMPARE(actual.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            const std::string diff = difference(expected[i], actual[i]);
            QVERIFY2(diff.empty(), ("event " + std::to_string(i) + " differs in " + diff).c_str());
        }
    }

    // Reading `bytes` must throw FormatError "PATH:LINE: …" containing `needle`.
    void expect_format_error(const std::string& name, const std::string& bytes, int line,
                             const std::string& needle) {
        const std::string path = file(name + ".jsonl");
        write_bytes(path, bytes);
        try {
            (void)read_jsonl_trace(path);
            QFAIL(qPrintable(QString::fromStdString(name + ": read without an error")));
        } catch (const FormatError& e) {
            const std::string what = e.what();
            const std::string prefix = path + ":" + std::to_string(line) + ": ";
            QVERIFY2(what.rfind(prefix, 0) == 0,
                     (name + ": " + what + "  [expected prefix " + prefix + "]").c_str());
            QVERIFY2(what.find(needle) != std::string::npos,
                     (name + ": " + what + "  [missing: " + needle + "]").c_str());
            QVERIFY2(what.find('\n') == std::string::npos, what.c_str());
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString::fromStdString(name + ": wrong exception type: " + e.what())));
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void eventTypes() {
        QCOMPARE(std::string(event_type(make_event(0, 0, RunEvent{}))), std::string("run"));
        QCOMPARE(std::string(event_type(make_event(0, 0, PhaseEvent{}))), std::string("phase"));
        QCOMPARE(std::string(event_type(make_event(0, 0, StepEvent{}))), std::string("step"));
    }

    void everyFieldRoundTripsThroughAFile() {
        const std::vector<Event> events = tricky_trace();
        const std::string path = file("tricky.jsonl");
        write_trace(path, events);
        expect_same(events, read_jsonl_trace(path));

        // every line is one JSON object to an independent parser; the file form of step 2
        // writes only what each sequence adds to the previous step
        const std::vector<std::string> lines = split_lines(read_bytes(path));
        QCOMPARE(lines.size(), events.size());
        for (const std::string& line : lines) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(line), &error);
            QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), line.c_str());
        }
        QVERIFY(lines[4].find(
                    R"("id":0,"parent":-1,"prefix":{"tokens":1,"text":5},"tokens":[19],"text":" upon")") !=
                std::string::npos);
        // the emoji completed in step 2 is not split: its text restarts at the character
        QVERIFY(lines[4].find(R"("id":1,"parent":-1,"prefix":{"tokens":1,"text":0},"tokens":[20])") !=
                std::string::npos);
        QVERIFY(lines[4].find(
                    R"("id":3,"parent":0,"prefix":{"tokens":1,"text":5},"tokens":[21],"text":" more")") !=
                std::string::npos);
        QVERIFY(lines[4].find(R"("id":4,"parent":9,"tokens":[5],"text":"x")") != std::string::npos);

        // each line alone (the self-contained form) round-trips too
        for (size_t i = 0; i < events.size(); ++i) {
            const std::string line = event_to_json_line(events[i]);
            QVERIFY(line.find("\"prefix\"") == std::string::npos);
            const std::string diff = difference(events[i], event_from_json_line(line, "x", int(i) + 1));
            QVERIFY2(diff.empty(), ("event " + std::to_string(i) + " differs in " + diff).c_str());
        }
        // an empty run event
        const Event empty = make_event(0, 0, RunEvent{});
        QVERIFY(difference(empty, event_from_json_line(event_to_json_line(empty), "x", 1)).empty());
    }

    void linesHaveTheDocumentedForm() {
        RunEvent run;
        run.model = "m.gguf", run.model_kind = "llama", run.model_facts = {{"dim", "64"}},
        run.backend = "cpu";
        run.prompt = "Hi", run.prompt_tokens = {1, 9}, run.prompt_pieces = {"", "Hi"},
        run.strategy = "greedy";
        run.parameters = {{"max-new-tokens", "8"}}, run.seed = 42;
        QCOMPARE(
            event_to_json_line(make_event(0, 0, run)),
            std::string(R"({"type":"run","seq":0,"step":0,"format_version":3,"model":"m.gguf",)"
                        R"("model_kind":"llama","model_facts":{"dim":"64"},"backend":"cpu","prompt":"Hi",)"
                        R"("prompt_tokens":[1,9],"prompt_pieces":["","Hi"],"strategy":"greedy",)"
                        R"("parameters":{"max-new-tokens":"8"},"chain":[],"seed":42})"));
        QCOMPARE(event_to_json_line(make_event(2, 0, phase_event("prefill", "end", 2, 1.5))),
                 std::string(R"({"type":"phase","seq":2,"step":0,"phase":"prefill","edge":"end","tokens":2,)"
                             R"("duration_ms":1.5})"));
        StepEvent step;
        step.stages = {"top_k"};
        step.sequences = {{0, -1, {7}, " a", -0.5, -0.5, false}};
        CandidateRecord kept = candidate(0, 7, " a", 2.5f, {0.75f, 1.0f}, -0.5, true, "", true);
        CandidateRecord pruned = candidate(0, 9, "\xFF", -1.0f, {0.1f, 0.0f}, -kInf, false, "top_k", false);
        pruned.confidence = 0.3f;
        step.candidates = {kept, pruned};
        step.actions = {{"extend", 0, -1, 7}};
        QCOMPARE(event_to_json_line(make_event(3, 1, step)),
                 std::string(R"({"type":"step","seq":3,"step":1,"stages":["top_k"],)"
                             R"("sequences":[{"id":0,"parent":-1,"tokens":[7],"text":" a","logprob":-0.5,)"
                             R"("score":-0.5,"finished":false}],)"
                             R"("candidates":[[0,7," a",2.5,[0.75,1.0],-0.5,true,"",true],)"
                             R"([0,9,{"text":")"
                             "\xEF\xBF\xBD"
                             R"(","hex":"ff"},-1.0,[0.1,0],"-inf",false,"top_k",false,0.3,null]],)"
                             R"("actions":[{"kind":"extend","seq":0,"new_seq":-1,"token":7}]})"));
    }

    void floatsReadBackBitForBit() {
        // random bit patterns cover subnormals, extremes and NaNs
        std::mt19937 rng(7);
        for (int line = 0; line < 200; ++line) {
            CandidateRecord c = candidate(0, 0, "", 0.0f, {}, 0.0, false, "", false);
            for (int i = 0; i < 1000; ++i) c.probs.push_back(std::bit_cast<float>(uint32_t(rng())));
            c.logit = std::bit_cast<float>(uint32_t(rng()));
            c.score = std::bit_cast<double>((uint64_t(rng()) << 32) | rng());
            StepEvent step;
            step.candidates = {c};
            const Event event = make_event(0, 1, step);
            const std::string text = event_to_json_line(event);
            const std::string diff = difference(event, event_from_json_line(text, "x", 1));
            QVERIFY2(diff.empty(), diff.c_str());
            // 9 significant digits, not the 17 of a double: under 17 characters a float on average
            QVERIFY2(text.size() < 1000 * 17 + 200, text.substr(0, 300).c_str());
        }
    }

    void textClassification() {
        // well-formed UTF-8 stays a string; anything else becomes {"text", "hex"} (Unicode 3-7)
        const std::vector<std::string> valid = {"\x7F",         "\xC3\xA9",         "\xE4\xBD\xA0",
                                                "\xEF\xBF\xBF", "\xF0\x9F\x99\x82", "\xF4\x8F\xBF\xBF",
                                                "\xED\x9F\xBF", "\xEE\x80\x80"};
        const std::vector<std::string> invalid = {"\x80",
                                                  "\xC3",
                                                  "\xC0\xAF",
                                                  "\xC1\xBF",
                                                  "\xE0\x80\xAF",
                                                  "\xED\xA0\x80",
                                                  "\xF0\x80\x80\x80",
                                                  "\xF4\x90\x80\x80",
                                                  "\xF5\x80\x80\x80",
                                                  "\xE4\xBD",
                                                  "a\xFF"
                                                  "b"};
        for (const auto& [texts, escaped] : {std::pair{valid, false}, std::pair{invalid, true}}) {
            for (const std::string& text : texts) {
                StepEvent step;
                step.stages = {text};
                const std::string line = event_to_json_line(make_event(0, 1, step));
                QCOMPARE(line.find("\"hex\"") != std::string::npos, escaped);
                QCOMPARE(std::get<StepEvent>(event_from_json_line(line, "x", 1).body).stages[0], text);
            }
        }
        // every string of one or two bytes and random longer ones: exact, and valid JSON
        std::vector<std::string> texts;
        for (int a = 0; a < 256; ++a) {
            texts.push_back(std::string(1, char(a)));
            for (int b = 0; b < 256; ++b) texts.push_back(std::string{char(a), char(b)});
        }
        std::mt19937 rng(11);
        for (int i = 0; i < 20000; ++i) {
            std::string text(1 + rng() % 8, '\0');
            for (char& ch : text) ch = char(rng() % 4 == 0 ? 0x80 + rng() % 0x40 : rng() % 256);
            texts.push_back(text);
        }
        for (size_t at = 0; at < texts.size(); at += 1000) {
            StepEvent step;
            step.stages.assign(texts.begin() + at, texts.begin() + std::min(texts.size(), at + 1000));
            const std::string line = event_to_json_line(make_event(0, 1, step));
            QJsonParseError error;
            QJsonDocument::fromJson(QByteArray::fromStdString(line), &error);
            QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
            QVERIFY(std::get<StepEvent>(event_from_json_line(line, "x", 1).body).stages == step.stages);
        }
    }

    void identicalEventsGiveIdenticalBytes() {
        write_trace(file("a.jsonl"), synthetic_run(5, 40, 4, 20, 3));
        write_trace(file("b.jsonl"), synthetic_run(5, 40, 4, 20, 3));
        write_trace(file("c.jsonl"), synthetic_run(6, 40, 4, 20, 3));
        const std::string a = read_bytes(file("a.jsonl"));
        QVERIFY(a.size() > 10000);
        QVERIFY(a == read_bytes(file("b.jsonl")));
        QVERIFY(a != read_bytes(file("c.jsonl")));  // the comparison can fail
        expect_same(synthetic_run(5, 40, 4, 20, 3), read_jsonl_trace(file("a.jsonl")));

        // keys in the documented order
        const std::string run = split_lines(a)[0];
        size_t previous = 0;
        for (const char* key :
             {"type", "seq", "step", "format_version", "model", "model_kind", "model_facts", "backend",
              "prompt", "prompt_tokens", "prompt_pieces", "strategy", "parameters", "chain", "seed"}) {
            const size_t at = run.find("\"" + std::string(key) + "\":");
            QVERIFY2(at != std::string::npos && at >= previous, key);
            previous = at;
        }
    }

    void eachReaderErrorNamesPathAndLine() {
        RunEvent run;
        run.model = "m", run.strategy = "greedy";
        StepEvent step;
        step.sequences = {{0, -1, {7}, " a", -0.5, -0.5, false}};
        step.candidates = {candidate(0, 7, " a", 2.5f, {0.75f}, -0.5, true, "", true)};
        const std::string l1 = event_to_json_line(make_event(0, 0, run));
        const std::string l2 =
            event_to_json_line(make_event(1, 0, phase_event("prefill", "end", 2, std::nullopt)));
        const std::string l3 = event_to_json_line(make_event(2, 1, step));
        StepEvent next = step;
        next.sequences = {{0, -1, {7, 8}, " a b", -1.0, -0.5, false}};
        const std::string l4 = event_to_json_line(make_event(3, 2, next));
        write_trace(file("valid.jsonl"),
                    {make_event(0, 0, run), make_event(2, 1, step), make_event(3, 2, next)});
        const std::vector<std::string> file_lines = split_lines(read_bytes(file("valid.jsonl")));
        const std::string l4_delta = file_lines.at(2);
        QVERIFY(l4_delta.find("\"prefix\"") != std::string::npos);
        (void)read_jsonl_trace(file("valid.jsonl"));  // the base is sound

        expect_format_error("empty", "", 1, "empty trace");
        expect_format_error("invalid_json", join_lines({l1, l2.substr(0, 20) + "}"}), 2,
                            "invalid JSON at column");
        expect_format_error("not_object", join_lines({l1, "[1,2]"}), 2, "expected a JSON object, got array");
        expect_format_error("no_type", join_lines({l1, replaced(l2, R"("type":"phase",)", "")}), 2,
                            "missing field \"type\"");
        expect_format_error("no_tokens", join_lines({l1, replaced(l2, R"(,"tokens":2)", "")}), 2,
                            "missing field \"tokens\"");
        expect_format_error("wrong_type", join_lines({l1, replaced(l2, R"("tokens":2)", R"("tokens":"2")")}),
                            2, "tokens: expected an integer, got string");
        expect_format_error("nested_type",
                            join_lines({l1, l2, replaced(l3, R"("logprob":-0.5)", R"("logprob":true)")}), 3,
                            "sequences[0].logprob: expected a number");
        expect_format_error("short_row",
                            join_lines({l1, l2, replaced(l3, R"(,true,"",true])", R"(,true,""])")}), 3,
                            "candidates[0]: expected a row of 9 or 11 values, got 8");
        expect_format_error("bad_hex",
                            join_lines({l1, l2, replaced(l3, R"([0,7," a")", R"([0,7,{"hex":"4g"})")}), 3,
                            "candidates[0][2].hex: not a hex digit");
        expect_format_error("odd_hex",
                            join_lines({l1, l2, replaced(l3, R"([0,7," a")", R"([0,7,{"hex":"414"})")}), 3,
                            "candidates[0][2].hex: odd number of hex digits");
        expect_format_error("float_range",
                            join_lines({l1, l2, replaced(l3, R"(2.5,[0.75])", R"(1e39,[0.75])")}), 3,
                            "candidates[0][3]: out of float range");
        expect_format_error("bad_nan",
                            join_lines({l1, l2, replaced(l3, R"("score":-0.5)", R"("score":"NaN")")}), 3,
                            "sequences[0].score: expected a number, \"nan\"");
        expect_format_error("int_range",
                            join_lines({l1, replaced(l2, R"("tokens":2)", R"("tokens":4294967296)")}), 2,
                            "tokens: 4294967296 is out of range");
        expect_format_error("negative_seq", join_lines({l1, replaced(l2, R"("seq":1)", R"("seq":-1)")}), 2,
                            "seq: -1 is negative");
        expect_format_error("unknown_type", join_lines({l1, replaced(l2, R"("phase")", R"("kernel")")}), 2,
                            "type: unknown event type \"kernel\"");
        expect_format_error("first_not_run", join_lines({l2, l1}), 1,
                            "the first event must be a run event, got \"phase\"");
        expect_format_error("second_run", join_lines({l1, l2, replaced(l1, R"("seq":0)", R"("seq":5)")}), 3,
                            "a second run event");
        expect_format_error("newer",
                            join_lines({replaced(l1, R"("format_version":3)", R"("format_version":4)")}), 1,
                            "format_version: 4 is newer than this reader supports (3)");
        expect_format_error("version_0",
                            join_lines({replaced(l1, R"("format_version":3)", R"("format_version":0)")}), 1,
                            "format_version: 0 is not a version");
        expect_format_error("seq_repeats", join_lines({l1, l2, replaced(l3, R"("seq":2)", R"("seq":1)")}), 3,
                            "seq 1 does not increase (previous 1)");
        expect_format_error("empty_line", join_lines({l1, "", l2}), 2, "empty line");
        const std::string whole = join_lines({l1, l2, l3});
        expect_format_error("truncated", whole.substr(0, whole.size() - 12), 3, "truncated last line");
        expect_format_error("prefix_orphan", join_lines({l1, l2, l4_delta}), 3,
                            "sequences[0].prefix: the previous step has no sequence 0");
        expect_format_error("prefix_long",
                            join_lines({l1, l3, replaced(l4_delta, R"("tokens":1,)", R"("tokens":2,)")}), 3,
                            "sequences[0].prefix.tokens: 2 is out of range");
        // a complete last line without its newline is accepted
        write_bytes(file("no_newline.jsonl"), l1 + "\n" + l2);
        QCOMPARE(read_jsonl_trace(file("no_newline.jsonl")).size(), size_t(2));
        // a self-contained reader cannot resolve a prefix
        try {
            (void)event_from_json_line(l4_delta, "one-line", 7);
            QFAIL("a prefix line parsed alone");
        } catch (const FormatError& e) {
            QVERIFY2(std::string(e.what()).rfind("one-line:7: sequences[0].prefix: ", 0) == 0, e.what());
        }
        QVERIFY(difference(make_event(3, 2, next), event_from_json_line(l4, "x", 4)).empty());
    }

    void unreadableAndUnwritableFiles() {
        const std::string missing = file("missing.jsonl");
        try {
            (void)read_jsonl_trace(missing);
            QFAIL("read a missing file");
        } catch (const FormatError&) {
            QFAIL("a missing file is not a format error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).rfind(missing + ": cannot read: ", 0) == 0, e.what());
        }
        const std::string nowhere = file("no/such/dir/t.jsonl");
        try {
            JsonlTraceWriter writer(nowhere);
            QFAIL("opened a file in a missing directory");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).rfind(nowhere + ": cannot write: ", 0) == 0, e.what());
        }
    }

    void damagedFilesNeverCrash() {
        // seeded mutations of a valid trace: the reader may accept a harmless one, and
        // otherwise throws FormatError naming the file (ASan builds check the reads)
        write_trace(file("base.jsonl"), synthetic_run(3, 6, 3, 4, 2));
        const std::string base = read_bytes(file("base.jsonl"));
        const std::string path = file("damaged.jsonl");
        std::mt19937 rng(2024);
        int n_rejected = 0;
        for (int trial = 0; trial < 400; ++trial) {
            std::string bytes = base;
            const size_t at = rng() % bytes.size();
            switch (trial % 6) {
                case 0:
                    bytes[at] = char(rng());
                    break;
                case 1:
                    bytes.insert(at, std::string(1 + rng() % 8, char(rng())));
                    break;
                case 2:
                    bytes.erase(at, 1 + rng() % 40);
                    break;
                case 3:
                    bytes.resize(at);
                    break;
                case 4:
                    bytes[at] = "{}[]\",:0-.e\\"[rng() % 12];
                    break;
                default:
                    for (size_t i = at; i < std::min(bytes.size(), at + 64); ++i) bytes[i] = char(rng());
            }
            write_bytes(path, bytes);
            try {
                (void)read_jsonl_trace(path);
            } catch (const FormatError& e) {
                ++n_rejected;
                QVERIFY2(std::string(e.what()).rfind(path + ":", 0) == 0, e.what());
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString("trial %1: wrong exception type: %2").arg(trial).arg(e.what())));
            }
        }
        QVERIFY(n_rejected > 300);
        for (int trial = 0; trial < 500; ++trial) {  // random bytes as one line
            std::string line(rng() % 200, '\0');
            for (char& ch : line) ch = char(rng());
            try {
                (void)event_from_json_line(line, "garbage", 1);
            } catch (const FormatError&) {
            }
        }
    }

    void longRunsStaySmall() {
        // docs/trace-format.md: 1,000 steps over a 2048-token vocabulary stay under 20 MB with
        // 4 beams or one sampled sequence at the default 50 candidates; 4 sampled sequences
        // through 8 stages need the bound lowered to 30
        struct Case {
            int n_seq, n_cand, n_stages;
        };
        for (const Case& c : {Case{4, 50, 0}, Case{1, 50, 7}, Case{4, 30, 8}}) {
            const std::vector<Event> events = synthetic_run(1, 1000, c.n_seq, c.n_cand, c.n_stages);
            const std::string path = file("long-" + std::to_string(c.n_seq) + "x" + std::to_string(c.n_cand) +
                                          "x" + std::to_string(c.n_stages) + ".jsonl");
            write_trace(path, events);
            const double mb = double(QFileInfo(QString::fromStdString(path)).size()) / 1e6;
            qInfo("%d sequences, %d candidates each, %d stages: %.2f MB", c.n_seq, c.n_cand, c.n_stages, mb);
            QVERIFY2(mb < 20.0, qPrintable(QString::number(mb)));
            if (c.n_stages == 0) expect_same(events, read_jsonl_trace(path));
        }
    }
};

QTEST_APPLESS_MAIN(TestTrace)
#include "test_trace.moc"
