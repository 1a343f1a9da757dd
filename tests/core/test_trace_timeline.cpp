// TraceTimeline: snapshots per step from hand-built events, the divergence of two real
// runs against where their token lists first differ, and each pause-on condition at the
// step where the hand-built trace makes it true (and nowhere else).
#include <QTest>

#include "common/error.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "model/random_model.h"
#include "tokenizer/tokenizer.h"
#include "trace/trace_sink.h"
#include "trace/trace_timeline.h"

using namespace dlab;

namespace {

Event make_event(uint64_t seq, int step, decltype(Event::body) body) { return Event{seq, step, std::move(body)}; }

KvEvent kv(const char* op, int seq, std::map<int, std::vector<int>> tables) {
    KvEvent e = kv_event(op, seq);
    e.tables = std::move(tables);
    return e;
}

CandidateRecord candidate(int seq, int token, float prob, bool kept, bool chosen) {
    CandidateRecord c;
    c.seq = seq;
    c.token = token;
    c.probs = {prob};
    c.kept = kept;
    c.chosen = chosen;
    return c;
}

// A three-step beam-like trace written out by hand:
//   step 1: sequences 1, 2 fork from 0; token 7 kept, token 9 not; chosen p 0.6
//   step 2: token 9 kept (enters), 7 not (leaves); sequence 2 dropped; chosen p 0.05
//   step 3: sequence 1 finishes; the pool falls to 1 free block
std::vector<Event> hand_trace() {
    std::vector<Event> events;
    uint64_t n = 0;
    events.push_back(make_event(n++, 0, RunEvent{}));
    events.push_back(make_event(n++, 0, kv("alloc", 0, {{0, {0}}})));
    KvStatsEvent stats;
    stats.kind = "paged";
    stats.n_blocks = 4;
    stats.free_blocks = 3;
    events.push_back(make_event(n++, 0, stats));

    StepEvent s1;
    s1.candidates = {candidate(0, 7, 0.6f, true, true), candidate(0, 9, 0.3f, false, false)};
    s1.actions = {{"fork", 0, 1, 7}, {"fork", 0, 2, 8}};
    s1.sequences = {{1, 0, {7}, "", -0.5, -0.5, false}, {2, 0, {8}, "", -0.9, -0.9, false}};
    events.push_back(make_event(n++, 1, kv("fork", 0, {{0, {0}}, {1, {0}}})));
    events.push_back(make_event(n++, 1, kv("fork", 0, {{0, {0}}, {2, {0}}})));
    events.push_back(make_event(n++, 1, kv("free", 0, {{0, {}}})));
    events.push_back(make_event(n++, 1, s1));

    StepEvent s2;
    s2.candidates = {candidate(1, 9, 0.05f, true, true), candidate(1, 7, 0.01f, false, false)};
    s2.actions = {{"extend", 1, -1, 9}, {"drop", 2, -1, -1}};
    s2.sequences = {{1, 1, {7, 9}, "", -3.5, -3.5, false}};
    events.push_back(make_event(n++, 2, kv("cow", 1, {{1, {1}}})));
    events.push_back(make_event(n++, 2, kv("free", 2, {{2, {}}})));
    events.push_back(make_event(n++, 2, s2));

    StepEvent s3;
    s3.candidates = {candidate(1, 2, 0.9f, true, true)};
    s3.actions = {{"finish", 1, -1, 2}};
    s3.sequences = {{1, 1, {7, 9, 2}, "", -3.6, -3.6, true}};
    events.push_back(make_event(n++, 3, kv("alloc", 1, {{1, {1, 3}}})));
    stats.free_blocks = 1;
    events.push_back(make_event(n++, 3, s3));
    events.push_back(make_event(n++, 3, stats));
    return events;
}

struct Runs {
    Model model = random_model(small_config(), 5);
    Tokenizer tokenizer{*model.vocab};

    std::pair<TraceTimeline, std::vector<int>> run(GenerationConfig config) {
        CpuBackend backend(model.config, model.weights);
        MemoryTrace trace;
        SessionOptions options;
        options.record_timings = false;
        Session session(backend, tokenizer, config, &trace, options);
        const GenerationResult result = session.run("ab");
        return {TraceTimeline(trace.events()), result.tokens()};
    }
};

}  // namespace

class TestTraceTimeline : public QObject {
    Q_OBJECT

private slots:
    void snapshots_follow_the_hand_built_trace() {
        const TraceTimeline timeline(hand_trace());
        QCOMPARE(timeline.last_step(), 3);
        QVERIFY(timeline.run());
        QVERIFY(!timeline.step_event(0));
        QCOMPARE(timeline.step_event(2)->sequences.size(), size_t(1));

        // step 1: sequence 0 freed, 1 and 2 share block 0
        const KvSnapshot one = timeline.kv_at(1);
        QCOMPARE(one.tables, (std::map<int, std::vector<int>>{{1, {0}}, {2, {0}}}));
        QCOMPARE(one.ref_counts, (std::map<int, int>{{0, 2}}));
        QCOMPARE(one.operations.size(), size_t(3));
        QCOMPARE(one.stats->free_blocks, 3);  // the last statistics at or before step 1
        // step 2: 1 copied block 0 into block 1, 2 freed
        const KvSnapshot two = timeline.kv_at(2);
        QCOMPARE(two.tables, (std::map<int, std::vector<int>>{{1, {1}}}));
        QCOMPARE(two.ref_counts, (std::map<int, int>{{1, 1}}));
        QCOMPARE(two.operations.front().op, std::string("cow"));
        QCOMPARE(timeline.kv_at(3).stats->free_blocks, 1);
        QCOMPARE(timeline.kv_at(3).tables.at(1), (std::vector<int>{1, 3}));
    }

    void first_event_must_be_the_run() {
        TraceTimeline timeline;
        QVERIFY_THROWS_EXCEPTION(FormatError, timeline.append(make_event(0, 0, PhaseEvent{})));
    }

    void steps_may_not_jump() {
        // a step read from a file sizes the step index: a jump of 10^8 hung `render` for minutes
        TraceTimeline timeline;
        timeline.append(make_event(0, 0, RunEvent{}));
        timeline.append(make_event(1, 1, PhaseEvent{}));
        try {
            timeline.append(make_event(2, 100000001, PhaseEvent{}));
            QFAIL("a step jump was accepted");
        } catch (const FormatError& e) {
            QCOMPARE(QString(e.what()), QString("trace: event 2 jumps from step 1 to step 100000001"));
        }
        timeline.append(make_event(2, 2, PhaseEvent{}));
        QCOMPARE(timeline.last_step(), 2);
    }

    void pause_conditions_hold_exactly_where_the_trace_says() {
        const TraceTimeline timeline(hand_trace());
        using Kind = PauseCondition::Kind;
        auto steps_where = [&](PauseCondition c) {
            std::vector<int> steps;
            for (int s = 0; s <= timeline.last_step(); ++s)
                if (!pause_reason(c, timeline, s).empty()) steps.push_back(s);
            return steps;
        };
        QCOMPARE(steps_where({Kind::AtStep, 2, -1, 0}), std::vector<int>{2});
        QCOMPARE(steps_where({Kind::TokenEnters, 0, 9, 0}), std::vector<int>{2});
        QCOMPARE(steps_where({Kind::TokenEnters, 0, 7, 0}), std::vector<int>{1});
        QCOMPARE(steps_where({Kind::TokenLeaves, 0, 7, 0}), std::vector<int>{2});
        QCOMPARE(steps_where({Kind::TokenLeaves, 0, 9, 0}), std::vector<int>{3});
        QCOMPARE(steps_where({Kind::BeamPruned, 0, -1, 0}), std::vector<int>{2});
        QCOMPARE(steps_where({Kind::BeamFinished, 0, -1, 0}), std::vector<int>{3});
        QCOMPARE(steps_where({Kind::FreeBlocksBelow, 0, -1, 2}), std::vector<int>{3});
        QCOMPARE(steps_where({Kind::ChosenProbBelow, 0, -1, 0.1}), std::vector<int>{2});
    }

    // Two real runs part at the first position where their generated tokens differ.
    void divergence_of_two_real_runs() {
        Runs runs;
        GenerationConfig greedy;
        greedy.max_new_tokens = 12;
        greedy.stop_at_eos = false;
        GenerationConfig sampled = greedy;
        sampled.strategy = StrategyKind::Sample;
        sampled.temperature = 1.5;
        sampled.seed = 11;
        const auto [a, a_tokens] = runs.run(greedy);
        const auto [b, b_tokens] = runs.run(sampled);
        size_t first_difference = 0;
        while (first_difference < a_tokens.size() && a_tokens[first_difference] == b_tokens[first_difference])
            ++first_difference;
        QVERIFY2(first_difference < a_tokens.size(), "the seeded sample should leave the greedy path");
        const std::optional<Divergence> d = first_divergence(a, b);
        QVERIFY(d);
        QCOMPARE(d->step, static_cast<int>(first_difference) + 1);
        QCOMPARE(d->left.front().tokens.back(), a_tokens[first_difference]);
        QCOMPARE(d->right.front().tokens.back(), b_tokens[first_difference]);
        QVERIFY(!first_divergence(a, a));
    }

    void a_shorter_run_diverges_where_it_ends() {
        Runs runs;
        GenerationConfig c;
        c.stop_at_eos = false;
        c.max_new_tokens = 6;
        const auto [longer, t1] = runs.run(c);
        c.max_new_tokens = 4;
        const auto [shorter, t2] = runs.run(c);
        const std::optional<Divergence> d = first_divergence(longer, shorter);
        QVERIFY(d);
        QCOMPARE(d->step, 5);
        QVERIFY(d->right.empty());
    }
};

QTEST_APPLESS_MAIN(TestTraceTimeline)
#include "test_trace_timeline.moc"
