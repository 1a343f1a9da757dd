// Lesson 05, PagedAttention: on the story model with the prompt "Once upon a time" (5
// tokens) the paged cache of block size 4 holds the prompt in 2 blocks; in step 1 the beam
// (and the parallel samples) fork three times, share both blocks, and copy-on-write the
// half-filled block three times (position 4) while the last owner writes in place; the full
// prompt block stays shared. With block size 16 all 5 prompt positions are copied three
// times and nothing stays shared. No block leaks: the pool is whole again at the end. The
// contiguous cache reserves sequences × max_seq_len × bytes_per_slot (4 × 512 × 2,560 =
// 5,242,880 bytes), the paged one at most 204,800 bytes even without sharing (under a
// twentieth of that) and less in fact, the beams sharing their common prefix; paged waste
// is under one block per sequence at every step. Parallel sampling follows a closed form (52 slots, 133,120 bytes at its peak). A
// contiguous cache of 16 positions stops after 12 tokens with kv_exhausted. Paged and
// contiguous beam search print the same text.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <stdexcept>
#include <string>

#include "tutorials/lesson_runner.h"
#include "tutorials/lesson_tests.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

enum Run { kBeamPaged4 = 0, kBeamContiguous = 1, kSamplePaged4 = 2, kBeamPaged16 = 3, kContiguous16 = 4 };

constexpr int kPromptTokens = 5;   // <s> Once upon a time
constexpr int kBeams = 4;
constexpr int kBeamNewTokens = 16;
constexpr int kSampleNewTokens = 12;

int ceil_div(long long a, long long b) { return static_cast<int>((a + b - 1) / b); }

// The KV cache events of one step, in order.
std::vector<KvEvent> kv_at(const LessonRun& run, int step) {
    std::vector<KvEvent> found;
    for (const Event& e : run.events)
        if (const auto* kv = std::get_if<KvEvent>(&e.body); kv && e.step == step) found.push_back(*kv);
    return found;
}

// The pool after `step`: the first kv_stats event of that step (the one that follows the
// step's operations; the run's last step has a second one, after everything was freed).
KvStatsEvent stats_at(const LessonRun& run, int step) {
    for (const Event& e : run.events)
        if (const auto* s = std::get_if<KvStatsEvent>(&e.body); s && e.step == step) return *s;
    throw std::runtime_error("no kv_stats event at step " + std::to_string(step));
}

int count_op(const LessonRun& run, const std::string& op) {
    int n = 0;
    for (const KvEvent* kv : run.all<KvEvent>()) n += kv->op == op;
    return n;
}

long long peak_reserved_bytes(const LessonRun& run) {
    long long peak = 0;
    for (const KvStatsEvent* s : run.all<KvStatsEvent>()) peak = std::max(peak, s->slots_reserved * s->bytes_per_slot);
    return peak;
}

QJsonObject json_of(const LessonRun& run) { return QJsonDocument::fromJson(QByteArray::fromStdString(run.text)).object(); }

int fact(const LessonRun& run, const char* key) {
    return std::stoi(run.all<RunEvent>().front()->model_facts.at(key));
}

}  // namespace

class TestLesson05 : public QObject {
    Q_OBJECT
    LessonResult m_lesson;
    long long m_bytes_per_slot = 0;
    int m_context = 0;

    const LessonRun& run(Run r) const { return m_lesson.runs.at(r); }

private slots:
    void initTestCase() {
        m_lesson = run_lesson("05-paged-attention");
        QCOMPARE(m_lesson.runs.size(), size_t(5));
        // bytes per slot from the model facts: layers × (K and V) × kv_dim × 4-byte floats
        const LessonRun& r = run(kBeamPaged4);
        const int head_dim = fact(r, "dim") / fact(r, "n_heads");
        const int kv_dim = fact(r, "n_kv_heads") * head_dim;
        m_bytes_per_slot = static_cast<long long>(fact(r, "n_layers")) * 2 * kv_dim * 4;
        m_context = fact(r, "context_length");
        QCOMPARE(m_bytes_per_slot, 5LL * 2 * 64 * 4);  // 2,560: the lesson's figure
        QCOMPARE(m_context, 512);
    }

    void promptAndPool() {
        for (const LessonRun& r : m_lesson.runs) {
            QCOMPARE(int(r.all<RunEvent>().front()->prompt_tokens.size()), kPromptTokens);
            QCOMPARE(r.all<RunEvent>().front()->backend, std::string("cpu"));
            for (const KvStatsEvent* s : r.all<KvStatsEvent>()) QCOMPARE(s->bytes_per_slot, m_bytes_per_slot);
        }
        // the default pool: enough blocks for 8 sequences of the model's context
        QCOMPARE(stats_at(run(kBeamPaged4), 0).n_blocks, 8 * m_context / 4);    // 1,024
        QCOMPARE(stats_at(run(kBeamPaged16), 0).n_blocks, 8 * m_context / 16);  // 256
        // after the prefill: ⌈5 / B⌉ blocks hold the 5 prompt positions
        for (auto [r, block] : {std::pair{kBeamPaged4, 4}, {kSamplePaged4, 4}, {kBeamPaged16, 16}}) {
            const KvStatsEvent s = stats_at(run(r), 0);
            QCOMPARE(s.slots_reserved, static_cast<long long>(ceil_div(kPromptTokens, block) * block));
            QCOMPARE(s.slots_used, static_cast<long long>(kPromptTokens));
            QCOMPARE(s.n_blocks - s.free_blocks, ceil_div(kPromptTokens, block));
        }
        QCOMPARE(stats_at(run(kBeamContiguous), 0).slots_reserved, static_cast<long long>(m_context));
    }

    // Step 1 with block size 4: three forks share [b0, b1]; three of the four sequences copy
    // the half-filled block b1 (position 4 only) before writing position 5, the last owner
    // writes into b1 itself; b0 (positions 0–3, full) stays shared by all four.
    void stepOneForksAndCopiesOnWrite() {
        for (Run r : {kBeamPaged4, kSamplePaged4}) {
            const std::vector<KvEvent> ops = kv_at(run(r), 1);
            std::vector<KvEvent> forks, cows, appends;
            for (const KvEvent& e : ops) {
                if (e.op == "fork") forks.push_back(e);
                if (e.op == "cow") cows.push_back(e);
                if (e.op == "append") appends.push_back(e);
            }
            // sequence 0's block table after the prefill
            const std::vector<int> prompt_table = kv_at(run(r), 0).back().tables.at(0);
            QCOMPARE(forks.size(), size_t(kBeams - 1));
            QCOMPARE(int(prompt_table.size()), ceil_div(kPromptTokens, 4));
            for (const KvEvent& f : forks) {
                QCOMPARE(f.seq, 0);
                QCOMPARE(f.blocks, prompt_table);
                QCOMPARE(f.tables.at(f.other_seq), prompt_table);  // shared, nothing copied
            }
            QCOMPARE(cows.size(), size_t(kBeams - 1));
            for (const KvEvent& c : cows) {
                QCOMPARE(c.blocks.at(0), prompt_table.at(1));
                QCOMPARE(c.first_pos, (kPromptTokens / 4) * 4);   // 4: the block's first position
                QCOMPARE(c.n_pos, kPromptTokens % 4);             // 1: what it held so far
                QCOMPARE(c.tables.at(c.seq).at(0), prompt_table.at(0));
            }
            // one sequence writes position 5 into the old block itself, no copy
            int in_place = 0;
            for (const KvEvent& a : appends) {
                QCOMPARE(a.first_pos, kPromptTokens);
                in_place += a.blocks == std::vector<int>{prompt_table.at(1)};
            }
            QCOMPARE(in_place, 1);
            const KvStatsEvent s = stats_at(run(r), 1);
            QCOMPARE(s.shared_blocks, 1);
            QCOMPARE(s.slots_reserved, 4LL + kBeams * 4);  // b0 once + one block of their own each
            QCOMPARE(s.slots_used, 4LL + kBeams * 2);      // positions 0–3 once, 4 and 5 per sequence
        }
        // b0, full, is never written again: every table of a live sequence starts with it,
        // to the end of the run
        for (Run r : {kBeamPaged4, kSamplePaged4}) {
            const int b0 = kv_at(run(r), 0).back().tables.at(0).at(0);
            for (const Event& e : run(r).events)
                if (const auto* kv = std::get_if<KvEvent>(&e.body); kv && e.step >= 1)
                    for (const auto& [seq, table] : kv->tables)
                        if (!table.empty()) QCOMPARE(table.front(), b0);
            for (const Event& e : run(r).events)
                if (const auto* s = std::get_if<KvStatsEvent>(&e.body); s && e.step >= 1 && s->n_sequences == kBeams)
                    QVERIFY(s->shared_blocks >= 1);
        }
        QCOMPARE(stats_at(run(kBeamContiguous), 1).slots_reserved, static_cast<long long>(kBeams) * m_context);
        // block size 16: the prompt's only block is partly filled, so all 5 positions are
        // copied three times and no block stays shared
        int cows = 0;
        for (const KvEvent& e : kv_at(run(kBeamPaged16), 1))
            if (e.op == "cow") {
                ++cows;
                QCOMPARE(e.first_pos, 0);
                QCOMPARE(e.n_pos, kPromptTokens);
            }
        QCOMPARE(cows, kBeams - 1);
        QCOMPARE(stats_at(run(kBeamPaged16), 1).shared_blocks, 0);
        QCOMPARE(stats_at(run(kBeamPaged16), 1).slots_reserved, static_cast<long long>(kBeams * 16));
    }

    void forksCopiesAndNoLeaks() {
        for (Run r : {kBeamPaged4, kSamplePaged4, kBeamPaged16}) {
            QVERIFY(count_op(run(r), "fork") > 0);
            QVERIFY(count_op(run(r), "cow") > 0);
            const KvStatsEvent last = *run(r).all<KvStatsEvent>().back();
            QCOMPARE(last.free_blocks, last.n_blocks);
            QCOMPARE(last.n_sequences, 0);
            QCOMPARE(last.slots_reserved, 0LL);
        }
        // dropped beams give their blocks back; a fork shares the source's whole table; beams
        // with a common history share more than the prompt's block
        QVERIFY(count_op(run(kBeamPaged4), "free") > 0);
        for (Run r : {kBeamPaged4, kSamplePaged4, kBeamPaged16})
            for (const KvEvent* kv : run(r).all<KvEvent>())
                if (kv->op == "fork") QCOMPARE(kv->tables.at(kv->other_seq), kv->tables.at(kv->seq));
        int most_shared = 0;
        for (const KvStatsEvent* s : run(kBeamPaged4).all<KvStatsEvent>()) most_shared = std::max(most_shared, s->shared_blocks);
        QVERIFY(most_shared > 1);
        // the contiguous cache never shares, so it never copies on write
        QCOMPARE(count_op(run(kBeamContiguous), "cow"), 0);
        QVERIFY(count_op(run(kBeamContiguous), "fork") > 0);
        // larger blocks: each copy takes the whole partly-filled block, so more positions move
        const auto copied = [](const LessonRun& r) {
            int n = 0;
            for (const KvEvent* kv : r.all<KvEvent>())
                if (kv->op == "cow") n += kv->n_pos;
            return n;
        };
        QVERIFY(copied(run(kBeamPaged16)) > copied(run(kBeamPaged4)));
    }

    // Paged: only a sequence's last block can be partly empty, so at every step the empty
    // reserved slots are fewer than a block per sequence. Contiguous: max_seq_len each.
    void wasteUnderOneBlockPerSequence() {
        for (Run r : {kBeamPaged4, kSamplePaged4, kBeamPaged16})
            for (const KvStatsEvent* s : run(r).all<KvStatsEvent>()) {
                QCOMPARE(s->kind, std::string("paged"));
                QVERIFY(s->slots_reserved - s->slots_used <= static_cast<long long>(s->n_sequences) * (s->block_size - 1));
            }
        for (const KvStatsEvent* s : run(kBeamContiguous).all<KvStatsEvent>()) {
            QCOMPARE(s->kind, std::string("contiguous"));
            QCOMPARE(s->slots_reserved, static_cast<long long>(s->n_sequences) * m_context);
            // each beam writes at most 5 + 16 − 1 = 20 positions: ≥ 1 − 80/2048 ≈ 96.1 % empty
            QVERIFY(s->slots_used <= static_cast<long long>(s->n_sequences) * (kPromptTokens + kBeamNewTokens - 1));
            if (s->n_sequences == kBeams) QVERIFY(s->fragmentation() >= 1.0 - 80.0 / 2048.0);
        }
    }

    void pagedReservesFarLessThanContiguous() {
        const long long contiguous = peak_reserved_bytes(run(kBeamContiguous));
        QCOMPARE(contiguous, static_cast<long long>(kBeams) * m_context * m_bytes_per_slot);  // 5,242,880
        QCOMPARE(contiguous, 5242880LL);
        // without any sharing: 4 beams × ⌈(5 + 16 − 1) / 4⌉ blocks × 4 slots
        const long long unshared = static_cast<long long>(kBeams) * ceil_div(kPromptTokens + kBeamNewTokens - 1, 4) * 4 *
                                   m_bytes_per_slot;
        QCOMPARE(unshared, 204800LL);
        const long long paged = peak_reserved_bytes(run(kBeamPaged4));
        QVERIFY(paged < unshared);  // the beams share their common prefix's blocks
        QVERIFY(unshared * 20 < contiguous);
        // block size 16 reserves more than block size 4
        QVERIFY(peak_reserved_bytes(run(kBeamPaged16)) > paged);
        // the CLI's own summary agrees with the events
        QCOMPARE(static_cast<long long>(json_of(run(kBeamPaged4))["kv"].toObject()["peak_bytes_reserved"].toDouble()),
                 paged);
    }

    // Four samples of 12 tokens: after step t each has written p = 5 + min(t, 11) positions
    // (the last token is never fed back); positions 0–3 sit in one shared block, the other
    // p − 4 in ⌈(p − 4) / 4⌉ blocks of its own.
    void parallelSamplingClosedForm() {
        const LessonRun& r = run(kSamplePaged4);
        const QJsonObject json = json_of(r);
        QCOMPARE(json["stop_reason"].toString(), QString("max_new_tokens"));
        QCOMPARE(json["sequences"].toArray().size(), kBeams);
        long long peak = 0;
        for (int t = 1; t <= kSampleNewTokens; ++t) {
            const KvStatsEvent s = stats_at(r, t);
            const int own = kPromptTokens + std::min(t, kSampleNewTokens - 1) - 4;
            QCOMPARE(s.n_sequences, kBeams);
            QCOMPARE(s.shared_blocks, 1);
            QCOMPARE(s.slots_used, 4LL + kBeams * own);
            QCOMPARE(s.slots_reserved, 4LL + kBeams * 4LL * ceil_div(own, 4));
            peak = std::max(peak, s.slots_reserved);
        }
        QCOMPARE(peak, 52LL);
        QCOMPARE(peak_reserved_bytes(r), 52LL * m_bytes_per_slot);  // 133,120
        QCOMPARE(count_op(r, "cow"), kBeams - 1);                   // only in step 1
    }

    void sameTextAnyLayout() {
        const QString paged = json_of(run(kBeamPaged4))["text"].toString();
        QVERIFY(!paged.isEmpty());
        QCOMPARE(json_of(run(kBeamContiguous))["text"].toString(), paged);
        QCOMPARE(json_of(run(kBeamPaged16))["text"].toString(), paged);
    }

    // max-seq-len 16: 5 prompt positions leave room for 11 fed-back tokens, so the run
    // stops after 16 − 5 + 1 = 12 tokens with kv_exhausted; it reserves 4 × 16 slots.
    void tooSmallContiguousStopsEarly() {
        const LessonRun& r = run(kContiguous16);
        const QJsonObject json = json_of(r);
        QCOMPARE(json["stop_reason"].toString(), QString("kv_exhausted"));
        int generated = -1;
        for (const PhaseEvent* p : r.all<PhaseEvent>())
            if (p->phase == "decode" && p->edge == "end") generated = p->tokens;
        QCOMPARE(generated, 16 - kPromptTokens + 1);
        QCOMPARE(peak_reserved_bytes(r), static_cast<long long>(kBeams) * 16 * m_bytes_per_slot);  // 163,840
    }
};

static const bool registered = register_lesson_test<TestLesson05>();

#include "lesson_05.moc"
