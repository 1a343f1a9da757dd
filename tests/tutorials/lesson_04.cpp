// Lesson 04, the KV cache: the prefill writes the whole prompt (5 positions) in one pass,
// each decode step one position per sequence (none after the last step); the cache holds
// 2 · n_layers · n_kv_heads · head_dim · 4 bytes per position (2560 for the story model,
// 768 for the draft model), computed here from the run event's model facts; the sliding
// window (W = 8, S = 2) never holds more than S + W positions, keeps the sinks, and evicts
// positions 2, 3, … from step 6 on — counts, positions and steps worked out in closed form
// here and checked against a replay of the kv events and the kv_stats events.
#include <QTest>
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "tutorials/lesson_runner.h"
#include "tutorials/lesson_tests.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

const RunEvent& run_event(const LessonRun& run) { return std::get<RunEvent>(run.events.front().body); }

int fact(const LessonRun& run, const std::string& key) { return std::stoi(run_event(run).model_facts.at(key)); }

// 2 (K and V) · layers · KV heads · head dimension · 4 bytes (F32)
long long bytes_per_position(const LessonRun& run) {
    const int head_dim = fact(run, "dim") / fact(run, "n_heads");
    return 2LL * fact(run, "n_layers") * fact(run, "n_kv_heads") * head_dim * 4;
}

int prompt_length(const LessonRun& run) { return static_cast<int>(run_event(run).prompt_tokens.size()); }

std::vector<const KvEvent*> kv_ops(const LessonRun& run, const std::string& op, int step = -1) {
    std::vector<const KvEvent*> found;
    for (const Event& e : run.events)
        if (const auto* kv = std::get_if<KvEvent>(&e.body); kv && kv->op == op && (step < 0 || e.step == step))
            found.push_back(kv);
    return found;
}

// The first kv_stats event of each step (the last step has a second one, after the free).
std::map<int, KvStatsEvent> stats_by_step(const LessonRun& run) {
    std::map<int, KvStatsEvent> stats;
    for (const Event& e : run.events)
        if (const auto* s = std::get_if<KvStatsEvent>(&e.body)) stats.emplace(e.step, *s);
    return stats;
}

int n_steps(const LessonRun& run) { return static_cast<int>(run.all<StepEvent>().size()); }

std::vector<int> tokens(const LessonRun& run) { return run.all<StepEvent>().back()->sequences.front().tokens; }

// Replays append and evict of sequence 0: the positions it holds after each step.
std::map<int, std::set<int>> held_after_each_step(const LessonRun& run) {
    std::map<int, std::set<int>> held;
    std::set<int> now;
    for (const Event& e : run.events) {
        if (const auto* kv = std::get_if<KvEvent>(&e.body)) {
            if (kv->seq != 0) continue;
            for (int p = kv->first_pos; p < kv->first_pos + kv->n_pos; ++p) {
                if (kv->op == "append") QTest::qVerify(now.insert(p).second, "append", "a position written twice", __FILE__, __LINE__);
                if (kv->op == "evict") QTest::qVerify(now.erase(p) == 1, "evict", "a position not held evicted", __FILE__, __LINE__);
            }
        }
        if (std::holds_alternative<KvStatsEvent>(e.body) && !held.count(e.step)) held[e.step] = now;
    }
    return held;
}

// The sliding window, checked against its closed form: S sinks, a ring of S + W slots.
void check_window(const LessonRun& run, int window, int sinks) {
    const int n_prompt = prompt_length(run);
    const int steps = n_steps(run);
    const int written = n_prompt + steps - 1;  // the last token is never fed back
    const int ring = sinks + window;

    // evictions: one position per step once the ring is full, the oldest non-sink first
    const std::vector<const KvEvent*> evicts = kv_ops(run, "evict");
    QCOMPARE(int(evicts.size()), std::max(0, written - ring));
    for (size_t i = 0; i < evicts.size(); ++i) {
        QCOMPARE(evicts[i]->first_pos, sinks + int(i));
        QCOMPARE(evicts[i]->n_pos, 1);
    }
    if (!evicts.empty()) {
        const int first_step = ring - n_prompt + 1;  // the step that writes position `ring`
        QCOMPARE(kv_ops(run, "evict", first_step).size(), size_t(1));
        QCOMPARE(kv_ops(run, "evict", first_step - 1).size(), size_t(0));
    }

    // what the cache holds, replayed from the events and as kv_stats counts it
    const std::map<int, KvStatsEvent> stats = stats_by_step(run);
    for (const auto& [step, held] : held_after_each_step(run)) {
        QCOMPARE(stats.at(step).kind, std::string("sliding"));
        QCOMPARE(stats.at(step).block_size, ring);
        QCOMPARE(stats.at(step).slots_used, (long long)held.size());
        QVERIFY(int(held.size()) <= ring);
        const int recent = static_cast<int>(std::count_if(held.begin(), held.end(), [&](int p) { return p >= sinks; }));
        QVERIFY(recent <= window);
        // every sink position is still there; the rest is the last positions written
        const int n_written = std::min(n_prompt + step, written);
        for (int p = 0; p < std::min(sinks, n_written); ++p) QVERIFY(held.count(p));
        for (int p = std::max(sinks, n_written - window); p < n_written; ++p) QVERIFY(held.count(p));
        QCOMPARE(int(held.size()), std::min(n_written, ring));
    }
}

}  // namespace

class TestLesson04 : public QObject {
    Q_OBJECT
    LessonResult m_lesson;

    const LessonRun& run(int n) const { return m_lesson.runs.at(n - 1); }

private slots:
    void initTestCase() { m_lesson = run_lesson("04-kv-cache"); }

    void bytesPerPositionFromTheModelFacts() {
        // the story model: 2 · 5 layers · 2 KV heads · (256 / 8 = 32) · 4 bytes = 2560
        const LessonRun& story = run(1);
        QCOMPARE(fact(story, "n_layers"), 5);
        QCOMPARE(fact(story, "n_kv_heads"), 2);
        QCOMPARE(fact(story, "n_heads"), 8);
        QCOMPARE(fact(story, "dim"), 256);
        QCOMPARE(bytes_per_position(story), 2LL * 5 * 2 * 32 * 4);
        QCOMPARE(bytes_per_position(story), 2560LL);
        for (int n = 1; n <= 6; ++n)
            for (const KvStatsEvent* s : run(n).all<KvStatsEvent>()) QCOMPARE(s->bytes_per_slot, bytes_per_position(run(n)));
        // the draft model (run 6): 2 · 3 · 2 · (64 / 4 = 16) · 4 = 768
        QCOMPARE(bytes_per_position(run(6)), 2LL * 3 * 2 * 16 * 4);
        QCOMPARE(bytes_per_position(run(6)), 768LL);
        // GQA: a full set of 8 heads would need 4 times as much, 10240 bytes
        QCOMPARE(2LL * 5 * 8 * 32 * 4, 4 * bytes_per_position(story));
        QCOMPARE(4 * bytes_per_position(story), 10240LL);
        // the quiz: 32 layers, 32 KV heads, head dimension 128, FP16: 512 KiB a position, 2 GiB for 4096
        QCOMPARE(2LL * 32 * 32 * 128 * 2, 524288LL);
        QCOMPARE(524288LL, 512LL * 1024);
        QCOMPARE(524288LL * 4096, 2LL * 1024 * 1024 * 1024);
    }

    void prefillIsOnePassOverThePrompt() {
        const LessonRun& r = run(1);
        const int n_prompt = prompt_length(r);
        QCOMPARE(n_prompt, 5);  // <s> Once upon a time
        int prefills = 0;
        for (const PhaseEvent* p : r.all<PhaseEvent>())
            if (p->phase == "prefill") {
                ++prefills;
                QCOMPARE(p->tokens, n_prompt);
            }
        QCOMPARE(prefills, 2);  // begin and end, once
        const std::vector<const KvEvent*> appends = kv_ops(r, "append", 0);
        QCOMPARE(appends.size(), size_t(1));
        QCOMPARE(appends[0]->first_pos, 0);
        QCOMPARE(appends[0]->n_pos, n_prompt);
        QCOMPARE(stats_by_step(r).at(0).slots_used, (long long)n_prompt);
        // the prefill's attention is the only one traced as tiles: 5 queries × 5 keys
        for (const Event& e : r.events)
            if (const auto* t = std::get_if<TileEvent>(&e.body)) {
                QCOMPARE(e.step, 0);
                if (t->kind == "naive_qk") {
                    QCOMPARE(t->q_rows, n_prompt);
                    QCOMPARE(t->kv_rows, n_prompt);
                }
            }
    }

    void decodeWritesOnePositionPerStep() {
        const LessonRun& r = run(1);
        const int n_prompt = prompt_length(r), steps = n_steps(r);
        QCOMPARE(steps, 24);
        const std::map<int, KvStatsEvent> stats = stats_by_step(r);
        for (int s = 1; s <= steps; ++s) {
            const std::vector<const KvEvent*> appends = kv_ops(r, "append", s);
            if (s < steps) {
                QCOMPARE(appends.size(), size_t(1));
                QCOMPARE(appends[0]->first_pos, n_prompt + s - 1);
                QCOMPARE(appends[0]->n_pos, 1);
            } else {
                QCOMPARE(appends.size(), size_t(0));  // the last token is never fed back
            }
            QCOMPARE(stats.at(s).slots_used, (long long)(n_prompt + std::min(s, steps - 1)));
            // the contiguous cache reserves the model's whole context up front
            QCOMPARE(stats.at(s).kind, std::string("contiguous"));
            QCOMPARE(stats.at(s).slots_reserved, (long long)fact(r, "context_length"));
        }
        // the numbers the lesson quotes: 28 positions = 71,680 bytes = 70 KiB held,
        // 512 reserved = 1,310,720 bytes = 1.25 MiB
        QCOMPARE(stats.at(steps).slots_used * bytes_per_position(r), 28LL * 2560);
        QCOMPARE(28LL * 2560, 70LL * 1024);
        QCOMPARE(stats.at(steps).slots_reserved * bytes_per_position(r), 1310720LL);
        QCOMPARE(1310720LL, 5LL * 1024 * 1024 / 4);
        // phase events: decode ends after 24 tokens
        const PhaseEvent* end = r.all<PhaseEvent>().back();
        QCOMPARE(end->phase, std::string("decode"));
        QCOMPARE(end->tokens, 24);
    }

    void decodeWritesOnePositionPerSequence() {
        // run 5: three samples; the prompt is prefilled once and copied into each
        const LessonRun& r = run(5);
        const int n_prompt = prompt_length(r), steps = n_steps(r), n_seq = 3;
        QCOMPARE(kv_ops(r, "append", 0).size(), size_t(1));
        QCOMPARE(kv_ops(r, "append", 0)[0]->n_pos, n_prompt);
        QCOMPARE(kv_ops(r, "fork", 1).size(), size_t(n_seq - 1));
        const std::map<int, KvStatsEvent> stats = stats_by_step(r);
        for (int s = 1; s < steps; ++s) {
            const std::vector<const KvEvent*> appends = kv_ops(r, "append", s);
            QCOMPARE(int(appends.size()), n_seq);
            std::set<int> seqs;
            for (const KvEvent* a : appends) {
                seqs.insert(a->seq);
                QCOMPARE(a->n_pos, 1);
                QCOMPARE(a->first_pos, n_prompt + s - 1);
            }
            QCOMPARE(int(seqs.size()), n_seq);
            QCOMPARE(stats.at(s).n_sequences, n_seq);
            QCOMPARE(stats.at(s).slots_used, (long long)(n_seq * (n_prompt + s)));
        }
        // the sequence the lesson quotes
        const std::vector<long long> used = {18, 21, 24, 27, 30};
        for (int s = 1; s <= 5; ++s) QCOMPARE(stats.at(s).slots_used, used[s - 1]);
        QCOMPARE(steps, 6);
        // the three samples differ by the end
        const std::vector<SequenceRecord> last = r.all<StepEvent>().back()->sequences;
        QCOMPARE(int(last.size()), n_seq);
        QVERIFY(last[0].tokens != last[1].tokens || last[1].tokens != last[2].tokens);
    }

    void slidingWindowEvicts() {
        // run 2: W = 8, S = 2: a ring of 10; position 10 (step 6) evicts position 2; 28
        // positions written, 18 evicted (2 … 19); at the end 0, 1 and 20 … 27 remain
        check_window(run(2), 8, 2);
        QCOMPARE(kv_ops(run(2), "evict").size(), size_t(18));
        QCOMPARE(kv_ops(run(2), "evict", 6).size(), size_t(1));
        QCOMPARE(kv_ops(run(2), "evict", 6)[0]->first_pos, 2);
        std::set<int> end = {0, 1};
        for (int p = 20; p <= 27; ++p) end.insert(p);
        QCOMPARE(held_after_each_step(run(2)).at(24), end);
        // however long the text: at most 10 positions, 25,600 bytes = 25 KiB
        long long most = 0;
        for (const KvStatsEvent* s : run(2).all<KvStatsEvent>()) most = std::max(most, s->slots_used * s->bytes_per_slot);
        QCOMPARE(most, 10LL * bytes_per_position(run(2)));
        QCOMPARE(most, 25LL * 1024);
        // run 3: W = 8, no sinks: from step 4 on, positions 0, 1, … go; 20 evicted
        check_window(run(3), 8, 0);
        QCOMPARE(kv_ops(run(3), "evict").size(), size_t(20));
        QCOMPARE(kv_ops(run(3), "evict", 4)[0]->first_pos, 0);
        // run 4: W = 32 holds all 28 positions: nothing evicted
        check_window(run(4), 32, 0);
        QCOMPARE(kv_ops(run(4), "evict").size(), size_t(0));
    }

    void theWindowChangesWhatTheModelSees() {
        // greedy on the CPU: until the first eviction the model saw the same keys, so the
        // tokens chosen in steps 1 … 6 (the last computed with the full prompt) agree;
        // by the end of this run the texts differ
        const std::vector<int> full = tokens(run(1)), window = tokens(run(2));
        QCOMPARE(full.size(), size_t(24));
        QCOMPARE(window.size(), size_t(24));
        QVERIFY(std::equal(full.begin(), full.begin() + 6, window.begin()));
        QVERIFY(full != window);
        QVERIFY(run(1).final_text() != run(2).final_text());
        // a window longer than the sequence never evicts: the same tokens as the full cache
        QCOMPARE(tokens(run(4)), full);
    }
};

static const bool registered = register_lesson_test<TestLesson04>();

#include "lesson_04.moc"
