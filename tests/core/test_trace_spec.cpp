// The speculative sampling events of the JSON Lines trace (version 3): spec_round and
// spec_summary events round-trip through a file and as single lines, with every field set
// (extremes, text that is not UTF-8) and with every optional key unset; lines have the form
// docs/trace-format.md shows (expected lines written by hand, so a renamed key fails);
// every malformed spec line is one FormatError "PATH:LINE: …" naming the field, and random
// damage is never anything worse; version 1 and 2 files still read, but not with spec
// events in them; what real runs emit reads back as it was. Then TraceTimeline's
// speculative accessors and the Chrome trace export on a hand-built trace.
#include <QTemporaryDir>
#include <QTest>
#include <climits>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "engine/cpu_backend.h"
#include "engine/model_drafter.h"
#include "engine/ngram_drafter.h"
#include "engine/session.h"
#include "model/random_model.h"
#include "testing/trace_files.h"
#include "tokenizer/tokenizer.h"
#include "trace/chrome_trace.h"
#include "trace/jsonl.h"
#include "trace/trace_timeline.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

Event make_event(uint64_t seq, int step, decltype(Event::body) body) {
    Event event;
    event.seq = seq;
    event.step = step;
    event.body = std::move(body);
    return event;
}

// The examples of docs/trace-format.md. Round 3 of a model drafter with γ = 3: " the"
// stands (r = 0.25 < p/q = 1.25), " cat" falls (r = 0.5 ≥ p/q = 1/3), " sat" is never
// judged; " dog" is drawn from the residual norm(max(0, p − q)) at the second position,
// where p − q is 0.375 for " dog" and 0.125 for " cow", so 0.75 and 0.25 after norming.
// The target ran the pending token and the 3 drafts (4 positions) on a cache of 11 and
// keeps 11 + 1 + 1 accepted: 13, 2 dropped.
SpecRoundEvent example_round() {
    SpecRoundEvent e;
    e.round = 3;
    e.seq = 0;
    e.drafter = "model";
    e.gamma = 3;
    e.context_before = 12;
    e.drafts = {{17, " the", 0.5f, 0.625f, 0.25, "accepted"},
                {42, " cat", 0.75f, 0.25f, 0.5, "rejected"},
                {9, " sat", 0.5f, 0.125f, std::nullopt, "unverified"}};
    e.accepted = 1;
    e.token = 51;
    e.token_text = " dog";
    e.token_kind = "resampled";
    e.positions = {{{17, " the", 0.625f, 0.5f, 0.0f}},
                   {{42, " cat", 0.25f, 0.75f, 0.0f}, {51, " dog", 0.5f, 0.125f, 0.75f}}};
    e.residual = {{51, " dog", 0.5f, 0.125f, 0.75f}, {60, " cow", 0.125f, 0.0f, 0.25f}};
    e.emitted = 2;
    e.target_tokens = 4;
    e.target_length = 13;
    e.target_dropped = 2;
    e.draft_length = 13;
    e.draft_dropped = 2;
    e.draft_passes = 3;
    e.draft_ms = 0.5;
    e.verify_ms = 1.25;
    return e;
}

const std::string kExampleRoundLine =
    R"({"type":"spec_round","seq":30,"step":3,"round":3,"seq_id":0,"drafter":"model","gamma":3,)"
    R"("context_before":12,"drafts":[{"token":17,"text":" the","q":0.5,"p":0.625,"r":0.25,"outcome":"accepted"},)"
    R"({"token":42,"text":" cat","q":0.75,"p":0.25,"r":0.5,"outcome":"rejected"},)"
    R"({"token":9,"text":" sat","q":0.5,"p":0.125,"outcome":"unverified"}],"accepted":1,"token":51,)"
    R"("token_text":" dog","token_kind":"resampled","positions":[[[17," the",0.625,0.5,0]],)"
    R"([[42," cat",0.25,0.75,0],[51," dog",0.5,0.125,0.75]]],)"
    R"("residual":[[51," dog",0.5,0.125,0.75],[60," cow",0.125,0,0.25]],"emitted":2,"target_tokens":4,)"
    R"("target_length":13,"target_dropped":2,"draft_length":13,"draft_dropped":2,"draft_passes":3,)"
    R"("draft_ms":0.5,"verify_ms":1.25})";

// 8 rounds of γ = 3: 3 fully accepted, 5 ended by a rejection after 2, 2, 1, 1, 0 accepted
// drafts: 15 accepted, 5 rejected, 4 never judged; 15 + 8 tokens in 8 target passes.
// α = 15 / 20; the theory's (1 − α⁴) / (1 − α) = 2.734375; saved (23 − 1) − 8 = 14.
SpecSummaryEvent example_summary() {
    SpecSummaryEvent s;
    s.drafter = "model";
    s.schedule = "constant";
    s.rounds = 8;
    s.target_passes = 8;
    s.draft_passes = 24;
    s.drafted = 24;
    s.accepted = 15;
    s.rejected = 5;
    s.generated = 23;
    s.alpha = 0.75;
    s.mean_gamma = 3.0;
    s.tokens_per_target_pass = 2.875;
    s.expected_tokens_per_target_pass = 2.734375;
    s.target_passes_saved = 14;
    s.draft_ms = 12.5;
    s.target_ms = 20.25;
    return s;
}

const std::string kExampleSummaryLine =
    R"({"type":"spec_summary","seq":61,"step":8,"drafter":"model","schedule":"constant","rounds":8,)"
    R"("target_passes":8,"draft_passes":24,"drafted":24,"accepted":15,"rejected":5,"generated":23,)"
    R"("alpha":0.75,"mean_gamma":3.0,"tokens_per_target_pass":2.875,)"
    R"("expected_tokens_per_target_pass":2.734375,"target_passes_saved":14,"draft_ms":12.5,"target_ms":20.25})";

// Every field away from its default: extremes, floats that need all their digits, text
// that is not UTF-8.
SpecRoundEvent full_round() {
    SpecRoundEvent e;
    e.round = INT_MAX;
    e.seq = INT_MAX;
    e.drafter = "ngram";
    e.gamma = INT_MAX;
    e.context_before = INT_MAX;
    e.drafts = {{INT_MAX, "\xFF\xE4", 0.1f, std::nextafter(1.0f, 0.0f), 1.0 / 3.0, "accepted"},
                {0, "", 1e-38f, 1.0f, 0.0, "rejected"},
                {5, "\"q\"\n", 0.0f, 0.0f, std::nullopt, "unverified"}};
    e.accepted = 1;
    e.token = INT_MAX;
    e.token_text = "\xE4\xBD";
    e.token_kind = "resampled";
    e.positions = {{{1, "a", 0.3f, 0.7f, 0.0f}, {2, "\xC0", 1e-30f, 0.0f, 0.0f}},
                   {{3, "b", 0.2f, 0.1f, 1.0f}}};
    e.residual = {{3, "b", 0.2f, 0.1f, 1.0f}, {INT_MAX, "\x80", 0.0f, 0.0f, 1e-7f}};
    e.emitted = 2;
    e.target_tokens = INT_MAX;
    e.target_length = INT_MAX;
    e.target_dropped = INT_MAX;
    e.draft_length = INT_MAX;
    e.draft_dropped = INT_MAX;
    e.draft_passes = INT_MAX;
    e.draft_ms = 1e-9;
    e.verify_ms = 12345.678901234567;
    return e;
}

// Every optional key unset: no draws (greedy), no timings, no drafts, no residual.
SpecRoundEvent bare_round() {
    SpecRoundEvent e;
    e.round = 1;
    e.drafter = "table";
    e.token = 0;
    e.token_kind = "bonus";
    e.positions = {{}};
    e.emitted = 1;
    return e;
}

SpecSummaryEvent full_summary() {
    SpecSummaryEvent s;
    s.drafter = "table";
    s.schedule = "heuristic";
    s.rounds = INT_MAX;
    s.target_passes = INT_MAX;
    s.draft_passes = INT_MAX;
    s.drafted = INT_MAX;
    s.accepted = INT_MAX;
    s.rejected = INT_MAX;
    s.generated = INT_MAX;
    s.alpha = 2.0 / 3.0;
    s.mean_gamma = 1e300;
    s.tokens_per_target_pass = 0.1;
    s.expected_tokens_per_target_pass = 65.0;
    s.target_passes_saved = INT_MIN;  // more passes than a plain decode would have needed
    s.draft_ms = 0.0;
    s.target_ms = 1.0 / 7.0;
    return s;
}

SpecSummaryEvent bare_summary() {
    SpecSummaryEvent s;
    s.drafter = "model";
    s.schedule = "constant";
    return s;
}

bool same(const DraftTokenRecord& a, const DraftTokenRecord& b) {
    return a.token == b.token && a.text == b.text && a.q == b.q && a.p == b.p && a.r == b.r &&
           a.outcome == b.outcome;
}

bool same(const SpecCandidate& a, const SpecCandidate& b) {
    return a.token == b.token && a.text == b.text && a.p == b.p && a.q == b.q && a.residual == b.residual;
}

template <typename T>
bool same(const std::vector<T>& a, const std::vector<T>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i])) return false;
    return true;
}

// The first field in which `a` and `b` differ, "" when none does. Only the event types
// this file writes: the run event is checked by test_trace.cpp.
std::string difference(const Event& a, const Event& b) {
    std::string first;
    const auto check = [&](const std::string& name, bool equal) {
        if (first.empty() && !equal) first = name;
    };
    check("seq", a.seq == b.seq);
    check("step", a.step == b.step);
    check("type", std::string(event_type(a)) == event_type(b));
    if (!first.empty()) return first;
    if (const auto* x = std::get_if<SpecRoundEvent>(&a.body)) {
        const auto& y = std::get<SpecRoundEvent>(b.body);
        check("round", x->round == y.round);
        check("seq_id", x->seq == y.seq);
        check("drafter", x->drafter == y.drafter);
        check("gamma", x->gamma == y.gamma);
        check("context_before", x->context_before == y.context_before);
        check("drafts", same(x->drafts, y.drafts));
        check("accepted", x->accepted == y.accepted);
        check("token", x->token == y.token);
        check("token_text", x->token_text == y.token_text);
        check("token_kind", x->token_kind == y.token_kind);
        check("positions", x->positions.size() == y.positions.size());
        for (size_t i = 0; first.empty() && i < x->positions.size(); ++i)
            check("positions[" + std::to_string(i) + "]", same(x->positions[i], y.positions[i]));
        check("residual", same(x->residual, y.residual));
        check("emitted", x->emitted == y.emitted);
        check("target_tokens", x->target_tokens == y.target_tokens);
        check("target_length", x->target_length == y.target_length);
        check("target_dropped", x->target_dropped == y.target_dropped);
        check("draft_length", x->draft_length == y.draft_length);
        check("draft_dropped", x->draft_dropped == y.draft_dropped);
        check("draft_passes", x->draft_passes == y.draft_passes);
        check("draft_ms", x->draft_ms == y.draft_ms);
        check("verify_ms", x->verify_ms == y.verify_ms);
    } else if (const auto* s = std::get_if<SpecSummaryEvent>(&a.body)) {
        const auto& t = std::get<SpecSummaryEvent>(b.body);
        check("drafter", s->drafter == t.drafter);
        check("schedule", s->schedule == t.schedule);
        check("rounds", s->rounds == t.rounds);
        check("target_passes", s->target_passes == t.target_passes);
        check("draft_passes", s->draft_passes == t.draft_passes);
        check("drafted", s->drafted == t.drafted);
        check("accepted", s->accepted == t.accepted);
        check("rejected", s->rejected == t.rejected);
        check("generated", s->generated == t.generated);
        check("alpha", s->alpha == t.alpha);
        check("mean_gamma", s->mean_gamma == t.mean_gamma);
        check("tokens_per_target_pass", s->tokens_per_target_pass == t.tokens_per_target_pass);
        check("expected_tokens_per_target_pass",
              s->expected_tokens_per_target_pass == t.expected_tokens_per_target_pass);
        check("target_passes_saved", s->target_passes_saved == t.target_passes_saved);
        check("draft_ms", s->draft_ms == t.draft_ms);
        check("target_ms", s->target_ms == t.target_ms);
    } else {
        check("format_version",
              std::get<RunEvent>(a.body).format_version == std::get<RunEvent>(b.body).format_version);
    }
    return first;
}

std::vector<Event> spec_trace() {
    return {make_event(0, 0, RunEvent{}),        make_event(1, 1, example_round()),
            make_event(2, 2, full_round()),      make_event(3, 3, bare_round()),
            make_event(4, 3, example_summary()), make_event(5, 3, full_summary()),
            make_event(6, 3, bare_summary())};
}

std::string run_line(int version) {
    RunEvent run;
    run.format_version = version;
    return event_to_json_line(make_event(0, 0, run));
}

// Both sinks see every event.
class Tee final : public TraceSink {
public:
    Tee(TraceSink& a, TraceSink& b) : m_a(a), m_b(b) {}
    void emit(const Event& event) override {
        m_a.emit(event);
        m_b.emit(event);
    }

private:
    TraceSink& m_a;
    TraceSink& m_b;
};

StepEvent step_adding(int seq, std::vector<int> tokens) {
    StepEvent step;
    for (int token : tokens) step.actions.push_back({"extend", seq, -1, token});
    step.sequences.push_back({seq, seq, tokens, "", -1.0, -1.0, false});
    return step;
}

}  // namespace

class TestTraceSpec : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string file(const std::string& name) const {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

    // Reading the lines as a file must throw FormatError "PATH:LINE: …" containing `needle`.
    void expect_format_error(const std::string& name, const std::vector<std::string>& lines, int line,
                             const std::string& needle) {
        const std::string path = file(name + ".jsonl");
        std::string bytes;
        for (const std::string& l : lines) bytes += l + "\n";
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
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString::fromStdString(name + ": wrong exception type: " + e.what())));
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void eventTypes() {
        QCOMPARE(std::string(event_type(make_event(0, 0, SpecRoundEvent{}))), std::string("spec_round"));
        QCOMPARE(std::string(event_type(make_event(0, 0, SpecSummaryEvent{}))), std::string("spec_summary"));
        QCOMPARE(kTraceFormatVersion, 3);
    }

    void roundTripsThroughAFileAndAsLines() {
        const std::vector<Event> events = spec_trace();
        const std::string path = file("spec.jsonl");
        {
            JsonlTraceWriter writer(path);
            for (const Event& event : events) writer.emit(event);
        }
        const std::vector<Event> back = read_jsonl_trace(path);
        QCOMPARE(back.size(), events.size());
        for (size_t i = 0; i < events.size(); ++i) {
            const std::string diff = difference(events[i], back[i]);
            QVERIFY2(diff.empty(), ("file: event " + std::to_string(i) + " differs in " + diff).c_str());
        }
        for (size_t i = 0; i < events.size(); ++i) {
            const Event line = event_from_json_line(event_to_json_line(events[i]), "x", int(i) + 1);
            const std::string diff = difference(events[i], line);
            QVERIFY2(diff.empty(), ("line: event " + std::to_string(i) + " differs in " + diff).c_str());
        }
    }

    void linesHaveTheDocumentedForm() {
        QCOMPARE(event_to_json_line(make_event(30, 3, example_round())), kExampleRoundLine);
        QCOMPARE(event_to_json_line(make_event(61, 8, example_summary())), kExampleSummaryLine);

        // unset optionals are left out, empty lists are written
        QCOMPARE(
            event_to_json_line(make_event(5, 1, bare_round())),
            std::string(R"({"type":"spec_round","seq":5,"step":1,"round":1,"seq_id":0,"drafter":"table",)"
                        R"("gamma":0,"context_before":0,"drafts":[],"accepted":0,"token":0,"token_text":"",)"
                        R"("token_kind":"bonus","positions":[[]],"residual":[],"emitted":1,)"
                        R"("target_tokens":0,"target_length":0,"target_dropped":0,"draft_length":0,)"
                        R"("draft_dropped":0,"draft_passes":0})"));
        QCOMPARE(
            event_to_json_line(make_event(6, 1, bare_summary())),
            std::string(R"({"type":"spec_summary","seq":6,"step":1,"drafter":"model","schedule":"constant",)"
                        R"("rounds":0,"target_passes":0,"draft_passes":0,"drafted":0,"accepted":0,)"
                        R"("rejected":0,"generated":0,"alpha":0,"mean_gamma":0,"tokens_per_target_pass":0,)"
                        R"("expected_tokens_per_target_pass":0,"target_passes_saved":0})"));
        // a draw is left out on its own, not with the draft
        const std::string full = event_to_json_line(make_event(2, 2, full_round()));
        QVERIFY(full.find(R"("q":0,"p":0,"outcome":"unverified")") != std::string::npos);
    }

    void malformedSpecLinesNameTheField() {
        const std::string run = run_line(3);
        const std::string& round = kExampleRoundLine;
        const std::string& summary = kExampleSummaryLine;
        const auto bad_round = [&](const std::string& name, const std::string& from, const std::string& to,
                                   const std::string& needle) {
            expect_format_error(name, {run, replaced(round, from, to)}, 2, needle);
        };
        const auto bad_summary = [&](const std::string& name, const std::string& from, const std::string& to,
                                     const std::string& needle) {
            expect_format_error(name, {run, replaced(summary, from, to)}, 2, needle);
        };

        // names
        bad_round("outcome", R"("outcome":"rejected")", R"("outcome":"maybe")",
                  "drafts[1].outcome: unknown \"maybe\" (expected accepted|rejected|unverified)");
        bad_round("token_kind", R"("token_kind":"resampled")", R"("token_kind":"extra")",
                  "token_kind: unknown \"extra\" (expected resampled|bonus)");
        bad_round("drafter", R"("drafter":"model")", R"("drafter":"oracle")",
                  "drafter: unknown \"oracle\" (expected model|ngram|table)");
        bad_summary("schedule", R"("schedule":"constant")", R"("schedule":"adaptive")",
                    "schedule: unknown \"adaptive\" (expected constant|heuristic)");

        // missing fields and wrong types
        bad_round("missing_token_kind", R"("token_kind":"resampled",)", "", "missing field \"token_kind\"");
        bad_round("missing_target_length", R"("target_length":13,)", "", "missing field \"target_length\"");
        bad_round("missing_outcome", R"(,"outcome":"unverified")", "",
                  "drafts[2]: missing field \"outcome\"");
        bad_round("missing_residual", R"("residual":[[51," dog",0.5,0.125,0.75],[60," cow",0.125,0,0.25]],)",
                  "", "missing field \"residual\"");
        bad_summary("missing_alpha", R"("alpha":0.75,)", "", "missing field \"alpha\"");
        bad_round("accepted_text", R"("accepted":1)", R"("accepted":"1")",
                  "accepted: expected an integer, got string");
        bad_round("seq_id_bool", R"("seq_id":0)", R"("seq_id":true)",
                  "seq_id: expected an integer, got boolean");
        bad_round("draft_text", R"("text":" the")", R"("text":5)",
                  "drafts[0].text: expected a string or {\"hex\": …}, got number");
        bad_round("r_text", R"("r":0.25)", R"("r":"x")",
                  "drafts[0].r: expected a number, \"nan\", \"inf\" or \"-inf\", got string");
        bad_round("draft_not_object",
                  R"({"token":17,"text":" the","q":0.5,"p":0.625,"r":0.25,"outcome":"accepted"})", "17",
                  "drafts[0]: expected an object, got number");
        bad_round("short_row", R"([[17," the",0.625,0.5,0]])", R"([[17," the",0.625,0.5]])",
                  "positions[0][0]: expected a row of 5 values, got 4");
        bad_summary("ms_text", R"("target_ms":20.25)", R"("target_ms":null)",
                    "target_ms: expected a number, \"nan\", \"inf\" or \"-inf\", got null");

        // negative counts
        bad_round("emitted_negative", R"("emitted":2)", R"("emitted":-1)", "emitted: -1 is out of range");
        bad_round("passes_negative", R"("draft_passes":3)", R"("draft_passes":-3)",
                  "draft_passes: -3 is out of range");
        bad_round("round_zero", R"("round":3)", R"("round":0)", "round: 0 is out of range");
        bad_round("token_negative", R"("token":51)", R"("token":-1)", "token: -1 is out of range");
        bad_round("draft_token_negative", R"("token":17)", R"("token":-17)",
                  "drafts[0].token: -17 is out of range");
        bad_summary("rounds_negative", R"("rounds":8)", R"("rounds":-8)", "rounds: -8 is out of range");
        bad_summary("generated_negative", R"("generated":23)", R"("generated":-23)",
                    "generated: -23 is out of range");

        // probabilities, draws and times outside their range
        bad_round("p_above_one", R"("p":0.625)", R"("p":1.5)",
                  "drafts[0].p: 1.5 is out of range (expected 0 … 1)");
        bad_round("q_negative", R"("q":0.5)", R"("q":-0.5)",
                  "drafts[0].q: -0.5 is out of range (expected 0 … 1)");
        bad_round("p_nan", R"("p":0.625)", R"("p":"nan")", "drafts[0].p: \"nan\" is out of range");
        bad_round("r_above_one", R"("r":0.25)", R"("r":2)",
                  "drafts[0].r: 2 is out of range (expected 0 … 1)");
        bad_round("candidate_p", R"([[17," the",0.625,0.5,0]])", R"([[17," the",1.625,0.5,0]])",
                  "positions[0][0][2]: 1.625 is out of range (expected 0 … 1)");
        bad_round("residual_value", R"([60," cow",0.125,0,0.25])", R"([60," cow",0.125,0,1.25])",
                  "residual[1][4]: 1.25 is out of range (expected 0 … 1)");
        bad_round("draft_ms_negative", R"("draft_ms":0.5)", R"("draft_ms":-0.5)",
                  "draft_ms: -0.5 is out of range (expected >= 0)");
        bad_summary("alpha_above_one", R"("alpha":0.75)", R"("alpha":1.25)",
                    "alpha: 1.25 is out of range (expected 0 … 1)");
        bad_summary("mean_gamma_negative", R"("mean_gamma":3.0)", R"("mean_gamma":-3)",
                    "mean_gamma: -3 is out of range (expected >= 0)");

        // counts that contradict each other
        bad_round("accepted_beyond_drafts", R"("accepted":1)", R"("accepted":4)",
                  "accepted: 4 is out of range");
        bad_round("drafts_beyond_gamma", R"("gamma":3)", R"("gamma":2)",
                  "drafts: 3 drafts, more than gamma (2)");
        bad_round("positions_count", R"(,[[42," cat",0.25,0.75,0],[51," dog",0.5,0.125,0.75]]])", "]",
                  "positions: 1 positions, expected accepted + 1 (2)");
        bad_round("emitted_beyond_round", R"("emitted":2)", R"("emitted":3)", "emitted: 3 is out of range");
        bad_summary("accepted_beyond_drafted", R"("accepted":15)", R"("accepted":25)",
                    "accepted: 25 is out of range");
        bad_summary("rejected_beyond_rounds", R"("rejected":5)", R"("rejected":9)",
                    "rejected: 9 is out of range");

        // the line number counts; a single line names the source and line it was given
        expect_format_error("third_line",
                            {run, round, replaced(summary, R"("drafted":24)", R"("drafted":-1)")}, 3,
                            "drafted: -1 is out of range");
        try {
            (void)event_from_json_line(replaced(round, R"("outcome":"accepted")", R"("outcome":"")"),
                                       "one-line", 7);
            QFAIL("an empty outcome parsed");
        } catch (const FormatError& e) {
            QVERIFY2(std::string(e.what()).rfind("one-line:7: drafts[0].outcome: unknown \"\"", 0) == 0,
                     e.what());
        }
        // a negative saving is a real one (every round verified, none accepted)
        const Event saved = event_from_json_line(
            replaced(summary, R"("target_passes_saved":14)", R"("target_passes_saved":-1)"), "x", 1);
        QCOMPARE(std::get<SpecSummaryEvent>(saved.body).target_passes_saved, -1);
    }

    void realRunsReadBackAsWritten() {
        // what the engine emits passes the reader's checks: a drafter that agrees with the
        // target (bonus rounds), one that does not (residuals), prompt lookup; greedy and
        // sampling; timings on
        const Model target_model = random_model(small_config(), 5);
        const Model other_model = random_model(small_config(), 6);
        const Tokenizer tokenizer(*target_model.vocab);
        std::set<std::string> seen;  // token kinds, outcomes, "r" and "draft_ms" where present
        for (const bool sample : {false, true}) {
            for (int drafter_kind = 0; drafter_kind < 3; ++drafter_kind) {
                CpuBackend target(target_model.config, target_model.weights);
                const Model& draft_model = drafter_kind == 0 ? target_model : other_model;
                CpuBackend draft_backend(draft_model.config, draft_model.weights);
                ModelDrafter model_drafter(draft_backend, "model");
                NgramDrafter ngram_drafter(target_model.config.vocab_size, 2);
                SessionOptions options;
                options.drafter = drafter_kind < 2 ? static_cast<Drafter*>(&model_drafter) : &ngram_drafter;
                GenerationConfig config;
                config.strategy = sample ? StrategyKind::Sample : StrategyKind::Greedy;
                config.top_k = sample ? 20 : 0;
                config.max_new_tokens = 24;
                config.stop_at_eos = false;
                config.num_draft_tokens = 3;
                config.seed = 11;
                const std::string path = file("run.jsonl");
                MemoryTrace memory;
                {
                    JsonlTraceWriter writer(path);
                    Tee both(memory, writer);
                    Session(target, tokenizer, config, &both, options).run("abc abc abc");
                }
                const std::vector<Event> back = read_jsonl_trace(path);
                QCOMPARE(back.size(), memory.events().size());
                int rounds = 0, summaries = 0;
                for (size_t i = 0; i < back.size(); ++i) {
                    rounds += std::holds_alternative<SpecRoundEvent>(back[i].body);
                    summaries += std::holds_alternative<SpecSummaryEvent>(back[i].body);
                    if (!std::holds_alternative<SpecRoundEvent>(back[i].body) &&
                        !std::holds_alternative<SpecSummaryEvent>(back[i].body))
                        continue;
                    const std::string diff = difference(memory.events()[i], back[i]);
                    QVERIFY2(diff.empty(), ("event " + std::to_string(i) + " differs in " + diff).c_str());
                    if (const auto* round = std::get_if<SpecRoundEvent>(&back[i].body)) {
                        seen.insert(round->token_kind);
                        if (round->draft_ms) seen.insert("draft_ms");
                        for (const DraftTokenRecord& d : round->drafts) {
                            seen.insert(d.outcome);
                            if (d.r) seen.insert("r");
                        }
                    }
                }
                QVERIFY(rounds > 0);
                QCOMPARE(summaries, 1);
            }
        }
        QCOMPARE(seen, (std::set<std::string>{"accepted", "bonus", "draft_ms", "r", "rejected", "resampled",
                                              "unverified"}));
    }

    void damagedSpecLinesNeverCrash() {
        // seeded mutations of spec lines: accepted when harmless, else FormatError
        std::string base;
        for (const Event& event : spec_trace()) base += event_to_json_line(event) + "\n";
        const DamageResult damage = damage_trace(base, file("damaged.jsonl"), 2026);
        QVERIFY2(damage.problem.empty(), damage.problem.c_str());
        QVERIFY(damage.refused > 150);
    }

    void specEventsOnlyFromVersion3() {
        const std::string phase =
            R"({"type":"phase","seq":1,"step":0,"phase":"prefill","edge":"begin","tokens":2})";
        // versions 1 and 2 without spec events still read, version 3 with them
        for (int version : {1, 2}) {
            const std::string path = file("v" + std::to_string(version) + ".jsonl");
            write_bytes(path, run_line(version) + "\n" + phase + "\n");
            const std::vector<Event> events = read_jsonl_trace(path);
            QCOMPARE(events.size(), size_t(2));
            QCOMPARE(std::get<RunEvent>(events[0].body).format_version, version);
        }
        write_bytes(file("v3.jsonl"), run_line(3) + "\n" + phase + "\n" + kExampleRoundLine + "\n" +
                                          kExampleSummaryLine + "\n");
        QCOMPARE(read_jsonl_trace(file("v3.jsonl")).size(), size_t(4));

        expect_format_error(
            "v2_with_round", {run_line(2), phase, kExampleRoundLine}, 3,
            "a \"spec_round\" event in a version 2 trace (speculative sampling events came in "
            "version 3)");
        expect_format_error(
            "v2_with_summary", {run_line(2), kExampleSummaryLine}, 2,
            "a \"spec_summary\" event in a version 2 trace (speculative sampling events came in "
            "version 3)");
        expect_format_error("v1_with_round", {run_line(1), kExampleRoundLine}, 2,
                            "a \"spec_round\" event in a version 1 trace");
        // the version 2 families are still gated at 2
        KvEvent kv;
        kv.op = "alloc";
        expect_format_error("v1_with_kv", {run_line(1), event_to_json_line(make_event(1, 0, kv))}, 2,
                            "a \"kv\" event in a version 1 trace (KV cache events came in version 2)");
        expect_format_error("v4", {run_line(4), phase}, 1,
                            "format_version: 4 is newer than this reader supports (3)");
    }

    void timelineFindsRoundsAndSummary() {
        // run, prefill, two speculative steps (the second with a KV operation between the
        // round and the step), the summary and the decode end
        SpecRoundEvent first = bare_round();
        first.token = 7;
        SpecRoundEvent second = example_round();
        second.round = 2;
        PhaseEvent end;
        end.phase = "decode";
        end.edge = "end";
        end.tokens = 3;
        KvEvent truncate;
        truncate.op = "truncate";
        const std::vector<Event> events = {make_event(0, 0, RunEvent{}),
                                           make_event(1, 1, first),
                                           make_event(2, 1, step_adding(0, {7})),
                                           make_event(3, 2, second),
                                           make_event(4, 2, truncate),
                                           make_event(5, 2, step_adding(0, {7, 17, 51})),
                                           make_event(6, 2, example_summary()),
                                           make_event(7, 2, end)};

        const TraceTimeline timeline(events);
        QVERIFY(timeline.speculative());
        QVERIFY(timeline.spec_round_at(0) == nullptr);
        QVERIFY(timeline.spec_round_at(3) == nullptr);
        QVERIFY(timeline.spec_round_at(-1) == nullptr);
        const SpecRoundEvent* r1 = timeline.spec_round_at(1);
        const SpecRoundEvent* r2 = timeline.spec_round_at(2);
        QVERIFY(r1 != nullptr && r2 != nullptr);
        QCOMPARE(r1->round, 1);
        QCOMPARE(r1->token, 7);
        QCOMPARE(r1->token_kind, std::string("bonus"));
        QCOMPARE(r2->round, 2);
        QCOMPARE(r2->accepted, 1);
        QCOMPARE(r2->drafts.size(), size_t(3));
        QCOMPARE(r2->drafts[1].outcome, std::string("rejected"));
        QCOMPARE(r2->residual[1].residual, 0.25f);
        QVERIFY(difference(make_event(3, 2, *r2), make_event(3, 2, second)).empty());
        const SpecSummaryEvent* summary = timeline.spec_summary();
        QVERIFY(summary != nullptr);
        QCOMPARE(summary->alpha, 0.75);
        QCOMPARE(summary->target_passes_saved, 14);

        // a live run: nothing speculative until the first round, no summary until the end
        TraceTimeline live;
        live.append(events[0]);
        QVERIFY(!live.speculative());
        live.append(events[1]);
        QVERIFY(live.speculative());
        QVERIFY(live.spec_round_at(1) != nullptr);
        QVERIFY(live.spec_round_at(2) == nullptr);
        QVERIFY(live.spec_summary() == nullptr);
        for (size_t i = 2; i < events.size(); ++i) live.append(events[i]);
        QVERIFY(live.spec_summary() != nullptr);
        QCOMPARE(live.spec_summary()->rounds, 8);

        // a plain run has none of them
        const TraceTimeline plain({events[0], events[2], events[5], events[7]});
        QVERIFY(!plain.speculative());
        QVERIFY(plain.spec_round_at(1) == nullptr);
        QVERIFY(plain.spec_summary() == nullptr);
    }

    void chromeTraceShowsRounds() {
        SpecRoundEvent untimed = bare_round();
        untimed.round = 4;
        const std::vector<Event> events = {make_event(0, 0, RunEvent{}), make_event(30, 3, example_round()),
                                           make_event(40, 4, untimed), make_event(61, 4, example_summary())};
        const nlohmann::json chrome = nlohmann::json::parse(chrome_trace_json(events));
        std::vector<nlohmann::json> rounds, counters, summaries;
        for (const auto& e : chrome.at("traceEvents")) {
            if (e.at("ph") == "M") continue;
            const std::string name = e.at("name");
            if (name.rfind("round ", 0) == 0) rounds.push_back(e);
            if (name == "draft tokens") counters.push_back(e);
            if (name == "speculative summary") summaries.push_back(e);
        }
        QCOMPARE(rounds.size(), size_t(2));
        QCOMPARE(rounds[0].at("name").get<std::string>(), std::string("round 3"));
        QCOMPARE(rounds[0].at("ts").get<int>(), 30);
        QCOMPARE(rounds[0].at("args").at("accepted").get<int>(), 1);
        QCOMPARE(rounds[0].at("args").at("drafted").get<int>(), 3);
        QCOMPARE(rounds[0].at("args").at("draft_ms").get<double>(), 0.5);
        QCOMPARE(rounds[0].at("args").at("verify_ms").get<double>(), 1.25);
        QCOMPARE(rounds[1].at("name").get<std::string>(), std::string("round 4"));
        QVERIFY(!rounds[1].at("args").contains("draft_ms"));
        QVERIFY(!rounds[1].at("args").contains("verify_ms"));
        QCOMPARE(counters.size(), size_t(2));
        QCOMPARE(counters[0].at("ph").get<std::string>(), std::string("C"));
        QCOMPARE(counters[0].at("args").at("drafted").get<int>(), 3);
        QCOMPARE(summaries.size(), size_t(1));
        QCOMPARE(summaries[0].at("args").at("alpha").get<double>(), 0.75);
        QCOMPARE(summaries[0].at("args").at("target_ms").get<double>(), 20.25);
    }
};

QTEST_APPLESS_MAIN(TestTraceSpec)
#include "test_trace_spec.moc"
