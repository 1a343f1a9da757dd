// The KV caches' bookkeeping against numbers worked out by hand: the block pool (LRU free
// queue, reference counts, the prefix table), the block manager (tables, forks,
// copy-on-write, truncation, prefix hits, statistics, exhaustion), the paged cache's stored
// values through a copy-on-write, the sliding window's ring and evictions, the contiguous
// regions and the --kv options. Every expected table, event, message and count is written
// out in the test with the reasoning beside it, never taken from the code under test.
#include <QTest>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "kv/block_manager.h"
#include "kv/block_pool.h"
#include "kv/contiguous_kv_cache.h"
#include "kv/kv_config.h"
#include "kv/make_kv_cache.h"
#include "kv/paged_kv_cache.h"
#include "kv/sliding_kv_cache.h"
#include "model/config.h"

using namespace dlab;

namespace {

// n consecutive token ids from `first`
std::vector<int> tokens_from(int first, int n) {
    std::vector<int> tokens(n);
    for (int i = 0; i < n; ++i) tokens[i] = first + i;
    return tokens;
}

QString ids(const std::vector<int>& values) {
    QStringList parts;
    for (int v : values) parts << QString::number(v);
    return parts.join(',');
}

// the next n allocations, "-" for none
QString allocate(BlockPool& pool, int n) {
    QStringList parts;
    for (int i = 0; i < n; ++i) {
        const std::optional<int> b = pool.allocate();
        parts << (b ? QString::number(*b) : QString("-"));
    }
    return parts.join(',');
}

// every block's reference count
QString refs(const BlockPool& pool) {
    QStringList parts;
    for (int b = 0; b < pool.n_blocks(); ++b) parts << QString::number(pool.ref_count(b));
    return parts.join(',');
}

// "op sSEQ[->sOTHER] [blocks][ @first+n]": one line per event, compared as lists
QString describe(const KvEvent& e) {
    QString s = QString::fromStdString(e.op) + " s" + QString::number(e.seq);
    if (e.other_seq >= 0) s += "->s" + QString::number(e.other_seq);
    s += " [" + ids(e.blocks) + "]";
    if (e.first_pos >= 0) s += QString(" @%1+%2").arg(e.first_pos).arg(e.n_pos);
    return s;
}

// "free/blocks free, sequences, reserved, used, shared" in one line to compare
QString usage(const KvStatsEvent& s) {
    return QString("%1/%2 free, %3 seqs, %4 reserved, %5 used, %6 shared")
        .arg(s.free_blocks).arg(s.n_blocks).arg(s.n_sequences).arg(s.slots_reserved).arg(s.slots_used)
        .arg(s.shared_blocks);
}

// "first+length" per segment
QString spans(const std::vector<KvSegment>& segments) {
    QStringList parts;
    for (const KvSegment& s : segments) parts << QString("%1+%2").arg(s.first_pos).arg(s.length);
    return parts.join(',');
}

class Recorder : public KvObserver {
public:
    void on_kv_event(const KvEvent& event) override { events.push_back(event); }
    // the events so far, described, optionally only those of one op; clears the record
    QStringList take(const std::string& only_op = {}) {
        QStringList out;
        for (const KvEvent& e : events)
            if (only_op.empty() || e.op == only_op) out << describe(e);
        events.clear();
        return out;
    }
    std::vector<KvEvent> events;
};

// A BlockManager whose events go to a Recorder, with the copies of the last append.
struct Manager {
    Manager(int n_blocks, int block_size, bool prefix_caching)
        : m(n_blocks, block_size, prefix_caching, [this](const KvEvent& e) { rec.on_kv_event(e); }) {}
    KvAppendResult append(int seq, const std::vector<int>& tokens, bool reuse_prefix = false) {
        copies.clear();
        return m.append(seq, tokens, reuse_prefix, copies);
    }
    Recorder rec;
    BlockManager m;
    std::vector<BlockCopy> copies;
};

template <class E = InvalidArgument, class F>
QString error_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    }
    return "(no exception)";
}

// Distinct in every (tag, layer, position, dim), so a misplaced or stale read shows.
float key_of(int tag, int layer, int pos, int d) { return float(tag * 10000 + layer * 1000 + pos * 10 + d); }
float value_of(int tag, int layer, int pos, int d) { return -key_of(tag, layer, pos, d) - 0.5f; }

void write_position(KvCache& cache, int seq, int pos, int n_layers, int kv_dim, int tag) {
    for (int layer = 0; layer < n_layers; ++layer) {
        float* k = cache.key_slot(layer, seq, pos);
        float* v = cache.value_slot(layer, seq, pos);
        QVERIFY(k && v);
        for (int d = 0; d < kv_dim; ++d) {
            k[d] = key_of(tag, layer, pos, d);
            v[d] = value_of(tag, layer, pos, d);
        }
    }
}

// Empty when every position the segments cover holds what write_position stored for it
// with tag_of(pos); else the first difference.
QString mismatch(const std::vector<KvSegment>& segments, int layer, int kv_dim,
                 const std::function<int(int)>& tag_of = [](int) { return 0; }) {
    for (const KvSegment& s : segments)
        for (int i = 0; i < s.length; ++i)
            for (int d = 0; d < kv_dim; ++d) {
                const int pos = s.first_pos + i;
                const float k = s.keys[i * kv_dim + d], v = s.values[i * kv_dim + d];
                if (k != key_of(tag_of(pos), layer, pos, d) || v != value_of(tag_of(pos), layer, pos, d))
                    return QString("layer %1 pos %2 dim %3: key %4 value %5").arg(layer).arg(pos).arg(d).arg(k).arg(v);
            }
    return {};
}

}  // namespace

// the pool's own consistency check, as a test failure rather than an uncaught exception
#define CHECK_POOL(pool) \
    do { try { (pool).check_invariants(); } catch (const Error& e) { QFAIL(e.what()); } } while (0)

class TestKvCache : public QObject {
    Q_OBJECT

private slots:
    // ---------------------------------------------------------------- BlockPool

    void poolAllocatesInOrderThenLeastRecentlyReleased() {
        BlockPool pool(4);
        CHECK_POOL(pool);
        // a fresh pool's free queue is 0,1,2,3; a fifth allocation finds nothing
        QCOMPARE(allocate(pool, 5), QString("0,1,2,3,-"));
        CHECK_POOL(pool);
        QCOMPARE(refs(pool), QString("1,1,1,1"));
        // released blocks join the tail: release order 2,0,3 is the next allocation order
        for (int b : {2, 0, 3}) {
            pool.release(b);
            CHECK_POOL(pool);
        }
        QCOMPARE(refs(pool), QString("0,1,0,0"));
        QCOMPARE(pool.n_free(), 3);
        QCOMPARE(allocate(pool, 3), QString("2,0,3"));
        CHECK_POOL(pool);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, BlockPool(0));
    }

    void poolRetainOfFreeBlockLeavesQueue() {
        BlockPool pool(4);
        // a prefix hit on block 2 while it sits in the middle of the queue 0,1,2,3
        pool.retain(2);
        CHECK_POOL(pool);
        QCOMPARE(refs(pool), QString("0,0,1,0"));
        QCOMPARE(pool.n_free(), 3);
        // the queue is now 0,1,3: block 2 is never handed out twice
        QCOMPARE(allocate(pool, 4), QString("0,1,3,-"));
        // a second owner of an allocated block: free only when both have released it
        pool.retain(0);
        QCOMPARE(refs(pool), QString("2,1,1,1"));
        pool.release(0);
        CHECK_POOL(pool);
        QCOMPARE(pool.n_free(), 0);
        pool.release(0);
        CHECK_POOL(pool);
        QCOMPARE(allocate(pool, 1), QString("0"));
    }

    void poolReleaseOfFreeBlockThrows() {
        BlockPool pool(2);
        QCOMPARE(error_of<Error>([&] { pool.release(0); }), QString("kv pool: block 0 released while free"));
        const int b = *pool.allocate();
        pool.release(b);
        // a double release must not put block 0 in the queue twice
        QVERIFY_THROWS_EXCEPTION(Error, pool.release(b));
        CHECK_POOL(pool);
        QCOMPARE(pool.n_free(), 2);
    }

    void poolPrefixTableVerifiesContent() {
        BlockPool pool(4);
        const int b0 = *pool.allocate();  // 0; queue now 1,2,3
        // the hash is a plain field here: lookups go by it, then confirm parent and tokens
        const BlockContent stored{0x1234, 0, {1, 2, 3, 4}};
        pool.remember(b0, stored);
        CHECK_POOL(pool);
        QVERIFY(pool.remembered(b0));
        QCOMPARE(pool.find(stored), std::optional<int>(b0));
        // a collision: equal hash, different tokens (or different parent) is not a hit
        QVERIFY(!pool.find(BlockContent{0x1234, 0, {1, 2, 3, 5}}));
        QVERIFY(!pool.find(BlockContent{0x1234, 7, {1, 2, 3, 4}}));
        QVERIFY(!pool.find(BlockContent{0x9999, 0, {1, 2, 3, 4}}));
        // the hash is taken: a second block with the same content is not recorded
        const int b1 = *pool.allocate();  // 1
        pool.remember(b1, stored);
        CHECK_POOL(pool);
        QVERIFY(!pool.remembered(b1));
        QCOMPARE(pool.find(stored), std::optional<int>(b0));
        // freeing keeps the content findable (that is the point of the cache) ...
        pool.release(b0);  // queue 2,3,0
        CHECK_POOL(pool);
        QCOMPARE(pool.find(stored), std::optional<int>(b0));
        // ... until the block is handed out again: 2 and 3 first, then 0 loses its content
        QCOMPARE(allocate(pool, 2), QString("2,3"));
        QCOMPARE(pool.find(stored), std::optional<int>(b0));
        QCOMPARE(allocate(pool, 1), QString("0"));
        CHECK_POOL(pool);
        QVERIFY(!pool.remembered(0));
        QVERIFY(!pool.find(stored));
        // forget frees the hash for another block
        pool.remember(b1, stored);
        QCOMPARE(pool.find(stored), std::optional<int>(b1));
        pool.forget(b1);
        CHECK_POOL(pool);
        QVERIFY(!pool.find(stored));
    }

    // ------------------------------------------------------------- BlockManager

    void managerAppendForkCopyOnWrite() {
        Manager t(10, 4, false);
        // 6 tokens, block size 4: positions 0-3 in block 0, 4-5 in block 1
        t.append(0, tokens_from(1, 6));
        CHECK_POOL(t.m.pool());
        QCOMPARE(t.rec.take(), QStringList({"alloc s0 [0,1]", "append s0 [0,1] @0+6"}));
        QCOMPARE(ids(t.m.table(0)), QString("0,1"));
        QCOMPARE(t.m.length(0), 6);

        // a fork shares every block
        t.m.fork(0, 1);
        CHECK_POOL(t.m.pool());
        QCOMPARE(t.rec.events.back().tables.at(0), std::vector<int>({0, 1}));
        QCOMPARE(t.rec.events.back().tables.at(1), std::vector<int>({0, 1}));
        QCOMPARE(t.rec.take(), QStringList({"fork s0->s1 [0,1]"}));
        QCOMPARE(refs(t.m.pool()), QString("2,2,0,0,0,0,0,0,0,0"));

        // seq 1 writes position 6 into block 1, partly filled (2 slots) and shared:
        // copy it to the next free block (2), 2 slots, then write there
        t.append(1, {7});
        CHECK_POOL(t.m.pool());
        QCOMPARE(t.copies.size(), size_t(1));
        QVERIFY(t.copies[0].src == 1 && t.copies[0].dst == 2 && t.copies[0].n_slots == 2);
        QCOMPARE(t.rec.events.front().tables.at(1), std::vector<int>({0, 2}));
        QCOMPARE(t.rec.take(), QStringList({"cow s1 [1,2] @4+2", "append s1 [2] @6+1"}));
        QCOMPARE(ids(t.m.table(1)) + " | " + ids(t.m.table(0)), QString("0,2 | 0,1"));
        // full block 0 stays shared, block 1 back to one owner, block 2 the copy
        QCOMPARE(refs(t.m.pool()), QString("2,1,1,0,0,0,0,0,0,0"));

        // seq 0 is now block 1's only owner: it writes in place
        t.append(0, {7});
        QVERIFY(t.copies.empty());
        QCOMPARE(t.rec.take(), QStringList({"append s0 [1] @6+1"}));
        QCOMPARE(ids(t.m.table(0)), QString("0,1"));
        QCOMPARE(t.m.pool().n_free(), 7);  // blocks 0,1,2 in use
    }

    void managerCheckAppendCountsCopies() {
        // seq 0 with 6 tokens ([0,1], block 1 holding 2) forked into 1,2,3: block 1 has 4 owners
        auto fork_four = [](Manager& t) {
            t.append(0, tokens_from(1, 6));
            for (int dst : {1, 2, 3}) t.m.fork(0, dst);
            QCOMPARE(t.m.pool().ref_count(1), 4);
        };
        const std::vector<std::pair<int, int>> all_one = {{0, 1}, {1, 1}, {2, 1}, {3, 1}};

        // all four write into block 1: three copy, the last owner writes in place → 3 blocks;
        // a pool of 4 has 2 free
        Manager small(4, 4, false);
        fork_four(small);
        QCOMPARE(QString::fromStdString(small.m.check_append(all_one)),
                 QString("KV pool exhausted: the next pass needs 3 new blocks of 4 slots but only 2 of 4 are free"));
        // three writers while seq 0 keeps the original: all three copy → still 3
        QVERIFY(QString::fromStdString(small.m.check_append({{1, 1}, {2, 1}, {3, 1}})).contains("needs 3 new blocks"));
        // two writers → 2 copies = exactly the 2 free blocks
        QCOMPARE(small.m.check_append({{1, 1}, {2, 1}}), std::string());
        // 3 tokens each (6 → 9) also spill into a third block: 4 new + 3 copies = 7
        QVERIFY(QString::fromStdString(small.m.check_append({{0, 3}, {1, 3}, {2, 3}, {3, 3}}))
                    .contains("needs 7 new blocks of 4 slots but only 2 of 4 are free"));

        // a pool of 5 has exactly 3 free: the pass fits, and carrying it out uses all 3
        Manager fits(5, 4, false);
        fork_four(fits);
        QCOMPARE(fits.m.check_append(all_one), std::string());
        fits.rec.take();
        for (int seq = 0; seq < 4; ++seq) fits.append(seq, {7});
        CHECK_POOL(fits.m.pool());
        // free queue was 2,3,4: seqs 0,1,2 copy into them; seq 3 is then block 1's only owner
        QCOMPARE(fits.rec.take("cow"), QStringList({"cow s0 [1,2] @4+2", "cow s1 [1,3] @4+2", "cow s2 [1,4] @4+2"}));
        QStringList tables;
        for (int seq = 0; seq < 4; ++seq) tables << ids(fits.m.table(seq));
        QCOMPARE(tables, QStringList({"0,2", "0,3", "0,4", "0,1"}));
        QCOMPARE(refs(fits.m.pool()), QString("4,1,1,1,1"));  // no block free
    }

    void managerTruncateReleasesTail() {
        Manager t(10, 4, false);
        t.append(0, tokens_from(1, 10));  // [0,1,2]: 4 + 4 + 2 positions
        t.rec.take();
        // keep 3 positions: one block; blocks 2 then 1 go back (tail first)
        t.m.truncate(0, 3);
        CHECK_POOL(t.m.pool());
        QCOMPARE(t.rec.take(), QStringList({"truncate s0 [2,1] @3+7"}));
        QCOMPARE(ids(t.m.table(0)), QString("0"));
        QCOMPARE(t.m.length(0), 3);
        QCOMPARE(t.m.pool().n_free(), 9);
        // the queue is now 3..9,2,1: 8 blocks are the never-used 3..9, then 2 (released before 1)
        t.append(1, tokens_from(1, 32));
        QCOMPARE(ids(t.m.table(1)), QString("3,4,5,6,7,8,9,2"));
        // same length is a no-op truncation, longer is refused, unknown sequence too
        t.m.truncate(0, 3);
        QCOMPARE(t.rec.take("truncate"), QStringList({"truncate s0 [] @3+0"}));
        QCOMPARE(error_of([&] { t.m.truncate(0, 4); }), QString("kv cache: cannot truncate sequence 0 of length 3 to 4"));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, t.m.truncate(7, 0));
    }

    void managerFreeReturnsTailFirst() {
        Manager t(10, 4, false);
        t.append(0, tokens_from(1, 10));  // [0,1,2]
        t.rec.take();
        t.m.free(0);
        CHECK_POOL(t.m.pool());
        QCOMPARE(t.rec.events.front().tables.at(0), std::vector<int>());
        QCOMPARE(t.rec.take(), QStringList({"free s0 [2,1,0]"}));
        QVERIFY(!t.m.contains(0));
        QCOMPARE(t.m.pool().n_free(), 10);
        // queue: the never-used 3..9, then 2,1,0 in release order
        t.append(1, tokens_from(1, 40));
        QCOMPARE(ids(t.m.table(1)), QString("3,4,5,6,7,8,9,2,1,0"));
        // freeing an unknown sequence does nothing and says nothing
        t.rec.take();
        t.m.free(5);
        QVERIFY(t.rec.events.empty());
    }

    void managerStatsByHand() {
        Manager t(10, 4, false);
        t.append(0, tokens_from(1, 6));  // [0,1]
        t.m.fork(0, 1);
        // blocks 0 (4 tokens) and 1 (2 tokens) shared by both: counted once each
        // reserved 2 blocks × 4 = 8; used 4 + 2 = 6, not 12
        KvStatsEvent s = t.m.stats();
        QCOMPARE(s.kind, std::string("paged"));
        QCOMPARE(s.block_size, 4);
        QCOMPARE(usage(s), QString("8/10 free, 2 seqs, 8 reserved, 6 used, 2 shared"));
        QCOMPARE(s.fragmentation(), 0.25);  // 2 empty of 8
        QCOMPARE(s.utilization(), 0.2);     // 2 of 10

        // seq 1 appends: copy of block 1 → seq 0 [0,1] length 6, seq 1 [0,2] length 7
        t.append(1, {7});
        // reserved: blocks 0,1,2; used: block 0 4, block 1 2, block 2 3; shared: block 0
        s = t.m.stats();
        QCOMPARE(usage(s), QString("7/10 free, 2 seqs, 12 reserved, 9 used, 1 shared"));
        QCOMPARE(s.fragmentation(), 0.25);  // 3 empty of 12
        QCOMPARE(s.utilization(), 0.3);     // 3 of 10

        // a shared partly filled block holds as many tokens as its fullest owner sees:
        // fork seq 1 (7) into 2, cut 2 back to 5 → block 2 is seen as 3 and 1 → 3
        t.m.fork(1, 2);
        t.m.truncate(2, 5);
        // shared: block 0 (three owners), block 2 (two)
        QCOMPARE(usage(t.m.stats()), QString("7/10 free, 3 seqs, 12 reserved, 9 used, 2 shared"));
    }

    void managerPrefixHitReusesFreedBlocks() {
        Manager t(10, 4, true);
        const std::vector<int> prompt = tokens_from(11, 9);
        // 9 tokens: blocks 0,1 full (remembered), block 2 holds one token (not remembered)
        t.append(0, prompt);
        QVERIFY(t.m.pool().remembered(0) && t.m.pool().remembered(1) && !t.m.pool().remembered(2));
        t.m.free(0);  // queue 3..9,2,1,0, contents kept
        CHECK_POOL(t.m.pool());
        t.rec.take();

        // the same 9 tokens: blocks 0,1 come back off the free queue, 8 positions cached,
        // the 9th needs a block: the queue's front, 3
        const KvAppendResult r = t.append(1, prompt, true);
        CHECK_POOL(t.m.pool());
        QCOMPARE(r.first_pos + r.n_cached, 0 + 8);
        QCOMPARE(t.rec.take(), QStringList({"prefix_hit s1 [0,1] @0+8", "alloc s1 [3]", "append s1 [3] @8+1"}));
        QCOMPARE(ids(t.m.table(1)), QString("0,1,3"));
        QCOMPARE(t.m.length(1), 9);
        QCOMPARE(refs(t.m.pool()), QString("1,1,0,1,0,0,0,0,0,0"));

        // a hit on blocks a live sequence holds shares them
        const KvAppendResult shared = t.append(2, prompt, true);
        QCOMPARE(shared.n_cached, 8);
        QCOMPARE(ids(t.m.table(2)), QString("0,1,4"));
        QCOMPARE(refs(t.m.pool()), QString("2,2,0,1,1,0,0,0,0,0"));

        // without reuse_prefix nothing is taken over
        QCOMPARE(t.append(3, prompt, false).n_cached, 0);
        QCOMPARE(ids(t.m.table(3)), QString("5,6,7"));
    }

    void managerPrefixLastTokenIsComputed() {
        Manager t(10, 4, true);
        const std::vector<int> prompt = tokens_from(11, 8);
        t.append(0, prompt);  // [0,1], both full and remembered
        t.m.free(0);          // queue 2..9,1,0
        t.rec.take();
        // 8 identical tokens: only blocks ending before the last token are eligible,
        // (8 - 1) / 4 = 1 block; positions 4-7 are computed again in the front block, 2
        const KvAppendResult r = t.append(1, prompt, true);
        QCOMPARE(r.n_cached, 4);
        QCOMPARE(t.rec.take(), QStringList({"prefix_hit s1 [0] @0+4", "alloc s1 [2]", "append s1 [2] @4+4"}));
        QCOMPARE(ids(t.m.table(1)), QString("0,2"));

        // a different first token: no hit, no prefix_hit event
        std::vector<int> other = tokens_from(11, 9);
        other[0] = 99;
        QCOMPARE(t.append(2, other, true).n_cached, 0);
        QVERIFY(t.rec.take("prefix_hit").isEmpty());
        // same first block, different second: the chain stops after block 0
        other = tokens_from(11, 9);
        other[5] = 99;
        QCOMPARE(t.append(3, other, true).n_cached, 4);
    }

    void managerPrefixBlockReallocatedIsNotFound() {
        Manager t(10, 4, true);
        const std::vector<int> prompt = tokens_from(11, 9);
        t.append(0, prompt);  // [0,1,2]
        t.m.free(0);          // queue 3,4,5,6,7,8,9,2,1,0
        // 36 other tokens need 9 blocks: 3..9, 2 and 1 — block 1 loses A's content (LRU)
        t.append(1, tokens_from(1000, 36));
        QCOMPARE(ids(t.m.table(1)), QString("3,4,5,6,7,8,9,2,1"));
        t.m.free(1);  // queue 0, then 1,2,9,8,7,6,5,4,3
        CHECK_POOL(t.m.pool());
        t.rec.take();
        // block 0 still answers for the first 4 tokens; the second block is gone
        const KvAppendResult r = t.append(2, prompt, true);
        QCOMPARE(r.n_cached, 4);
        QCOMPARE(t.rec.take(), QStringList({"prefix_hit s2 [0] @0+4", "alloc s2 [1,2]", "append s2 [1,2] @4+5"}));
    }

    void managerTruncateForgetsCutBlock() {
        Manager t(10, 4, true);
        t.append(0, tokens_from(11, 8));  // [0,1], both remembered
        // cutting into full block 1 (only owner): its slots 2,3 will be overwritten
        t.m.truncate(0, 6);
        CHECK_POOL(t.m.pool());
        QVERIFY(t.m.pool().remembered(0) && !t.m.pool().remembered(1));
        QCOMPARE(t.rec.take("truncate"), QStringList({"truncate s0 [] @6+2"}));
        // down to a block boundary: block 1 released, block 0 untouched and still remembered
        t.m.truncate(0, 4);
        QCOMPARE(t.rec.take("truncate"), QStringList({"truncate s0 [1] @4+2"}));
        QVERIFY(t.m.pool().remembered(0));
        QCOMPARE(t.m.pool().n_free(), 9);
        // the original 9-token prompt now hits block 0 only
        QCOMPARE(t.append(1, tokens_from(11, 9), true).n_cached, 4);
    }

    void managerSharedTruncatedBlockForgottenBeforeInPlaceWrite() {
        Manager t(10, 4, true);
        t.append(0, tokens_from(11, 8));  // [0,1]; block 1 remembered as tokens 15,16,17,18
        t.m.fork(0, 1);
        // cut seq 1 into block 1 while it is shared: kept remembered, seq 0 still holds it
        t.m.truncate(1, 6);
        // seq 0 goes away: seq 1 is now block 1's only owner
        t.m.free(0);
        // so seq 1 writes position 6 (token 99) in place over slot 2 of block 1 — no copy
        t.append(1, {99});
        CHECK_POOL(t.m.pool());
        QVERIFY(t.copies.empty());
        QCOMPARE(ids(t.m.table(1)), QString("0,1"));
        // block 1 no longer holds 15,16,17,18, so it must not answer for that prefix: a
        // prompt 11..19 may take over block 0 only (a hit on block 1 would hand it the keys
        // of token 99 at position 6)
        const bool stale = t.m.pool().remembered(1);
        const int n_cached = t.append(2, tokens_from(11, 9), true).n_cached;
        QVERIFY2(!stale, qPrintable(QString("block 1 was overwritten in place but is still remembered; "
                                            "prompt 11..19 then reuses %1 tokens instead of 4").arg(n_cached)));
        QCOMPARE(n_cached, 4);
    }

    void managerExhaustionChangesNothing() {
        Manager t(10, 4, false);
        t.append(0, tokens_from(1, 6));  // [0,1]
        t.m.fork(0, 1);                  // 8 free
        t.rec.take();
        const KvStatsEvent before = t.m.stats();
        // 6 + 40 = 46 positions = 12 blocks, 2 held → 10 new, plus a copy of block 1 → 11
        QCOMPARE(error_of([&] { t.append(1, tokens_from(1, 40)); }),
                 QString("KV pool exhausted: the next pass needs 11 new blocks of 4 slots but only 8 of 10 are free"));
        // a new sequence of 33 tokens needs 9 blocks
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, t.append(2, tokens_from(1, 33)));
        CHECK_POOL(t.m.pool());
        QVERIFY(t.rec.events.empty());
        QVERIFY(!t.m.contains(2));
        QCOMPARE(ids(t.m.table(0)) + " | " + ids(t.m.table(1)), QString("0,1 | 0,1"));
        QVERIFY(t.m.length(0) == 6 && t.m.length(1) == 6);
        QCOMPARE(usage(t.m.stats()), usage(before));
        QCOMPARE(usage(before), QString("8/10 free, 2 seqs, 8 reserved, 6 used, 2 shared"));
        // 32 tokens need exactly the 8 free blocks: the boundary fits
        t.append(2, tokens_from(1, 32));
        QCOMPARE(t.m.pool().n_free(), 0);
    }

    // ------------------------------------------------------------- PagedKvCache

    void pagedCopyOnWriteKeepsEveryLayer() {
        constexpr int kLayers = 2, kDim = 3;
        PagedKvCache cache(kLayers, kDim, 6, 4, false);
        Recorder rec;
        cache.set_observer(&rec);
        cache.append(0, tokens_from(1, 6));  // [0,1]
        for (int pos = 0; pos < 6; ++pos) write_position(cache, 0, pos, kLayers, kDim, 0);
        std::vector<KvSegment> seg0, seg1;
        for (int layer = 0; layer < kLayers; ++layer) {
            cache.past(layer, 0, 6, seg0);
            QCOMPARE(spans(seg0), QString("0+4,4+2"));
            QCOMPARE(mismatch(seg0, layer, kDim), QString());
        }

        cache.fork(0, 1);
        cache.append(1, {7});  // block 1 (2 slots) shared → copied to block 2
        QCOMPARE(rec.take("cow"), QStringList({"cow s1 [1,2] @4+2"}));
        for (int layer = 0; layer < kLayers; ++layer) {
            // read before write: the fork's past is block 0 (shared) and its copy, block 2
            cache.past(layer, 1, 6, seg1);
            cache.past(layer, 0, 6, seg0);
            QCOMPARE(spans(seg1), QString("0+4,4+2"));
            QCOMPARE(seg1[0].keys, seg0[0].keys);
            QVERIFY(seg1[1].keys != seg0[1].keys);
            QCOMPARE(seg1[1].keys, static_cast<const float*>(cache.key_slot(layer, 1, 4)));
            QCOMPARE(seg1[1].values, static_cast<const float*>(cache.value_slot(layer, 1, 4)));
            QCOMPARE(mismatch(seg1, layer, kDim), QString());
        }
        // each writes its own position 6: seq 1 into the copy, seq 0 in place into block 1
        write_position(cache, 1, 6, kLayers, kDim, 1);
        cache.append(0, {8});
        QVERIFY(rec.take("cow").isEmpty());
        write_position(cache, 0, 6, kLayers, kDim, 2);
        for (int layer = 0; layer < kLayers; ++layer) {
            cache.past(layer, 0, 7, seg0);
            cache.past(layer, 1, 7, seg1);
            QCOMPARE(spans(seg0) + " | " + spans(seg1), QString("0+4,4+3 | 0+4,4+3"));
            QCOMPARE(mismatch(seg0, layer, kDim, [](int pos) { return pos == 6 ? 2 : 0; }), QString());
            QCOMPARE(mismatch(seg1, layer, kDim, [](int pos) { return pos == 6 ? 1 : 0; }), QString());
        }
        // stats: blocks 0,1,2; 2 layers × (K + V) × 3 floats × 4 bytes per slot
        QCOMPARE(cache.stats().bytes_per_slot, 48LL);
        QCOMPARE(cache.stats().slots_used, 4LL + 3 + 3);
    }

    void pagedSegmentsFollowBlockTable() {
        PagedKvCache cache(1, 2, 8, 4, false);
        cache.append(0, tokens_from(1, 3));  // seq 0: [0]
        cache.append(1, tokens_from(1, 5));  // seq 1: [1,2]
        cache.append(0, tokens_from(4, 7));  // seq 0 reaches 10: [0,3,4]
        QCOMPARE(ids(cache.blocks().table(0)), QString("0,3,4"));
        for (int pos = 0; pos < 10; ++pos) write_position(cache, 0, pos, 1, 2, 0);
        for (int pos = 0; pos < 5; ++pos) write_position(cache, 1, pos, 1, 2, 5);
        std::vector<KvSegment> out;
        cache.past(0, 0, 10, out);
        // one segment per logical block, first_pos a multiple of 4, each where the table says
        QCOMPARE(spans(out), QString("0+4,4+4,8+2"));
        for (const KvSegment& s : out) QCOMPARE(s.keys, static_cast<const float*>(cache.key_slot(0, 0, s.first_pos)));
        // block 3 does not follow block 0 in storage: the walk is not one run
        QVERIFY(out[1].keys != out[0].keys + 4 * 2);
        QCOMPARE(mismatch(out, 0, 2), QString());
        cache.past(0, 0, 9, out);
        QCOMPARE(spans(out), QString("0+4,4+4,8+1"));
        cache.past(0, 0, 8, out);
        QCOMPARE(spans(out), QString("0+4,4+4"));
        cache.past(0, 0, 0, out);
        QVERIFY(out.empty());
        cache.past(0, 1, 5, out);
        QCOMPARE(mismatch(out, 0, 2, [](int) { return 5; }), QString());
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, cache.past(0, 0, 11, out));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, cache.key_slot(0, 0, 10));
    }

    // ------------------------------------------------------------ SlidingKvCache

    void slidingStepwiseKeepsSinksAndWindow() {
        // window 4, sinks 2 → ring of 6 slots: positions 0,1 in slots 0,1; position p ≥ 2
        // in slot 2 + (p - 2) % 4
        constexpr int kLayers = 2, kDim = 3;
        SlidingKvCache cache(kLayers, kDim, 64, 4, 2);
        Recorder rec;
        cache.set_observer(&rec);
        // what a query at p reads: sinks, then max(2, p - 3) … p - 1 split where the ring wraps
        const QStringList expected = {
            "",             // p 0
            "0+1",          // p 1
            "0+2",          // p 2
            "0+2,2+1",      // p 3
            "0+2,2+2",      // p 4
            "0+2,2+3",      // p 5: 2,3,4 in slots 2,3,4
            "0+2,3+3",      // p 6: 3,4,5 in slots 3,4,5
            "0+2,4+2,6+1",  // p 7: 4,5 in slots 4,5; 6 wrapped to slot 2
            "0+2,5+1,6+2",  // p 8: 5 in slot 5; 6,7 in slots 2,3
            "0+2,6+3",      // p 9: 6,7,8 in slots 2,3,4
        };
        std::vector<KvSegment> out;
        for (int p = 0; p < 10; ++p) {
            cache.append(0, {p});
            // the protocol: read the past, then write the new position over an evicted slot
            for (int layer = 0; layer < kLayers; ++layer) {
                cache.past(layer, 0, p, out);
                QCOMPARE(spans(out), expected[p]);
                QCOMPARE(mismatch(out, layer, kDim), QString());
            }
            write_position(cache, 0, p, kLayers, kDim, 0);
        }
        // lengths 7..10 push 2,3,4,5 out of the window one at a time
        QCOMPARE(rec.take("evict"), QStringList({"evict s0 [0] @2+1", "evict s0 [0] @3+1", "evict s0 [0] @4+1",
                                                 "evict s0 [0] @5+1"}));
        QCOMPARE(cache.first_kept(0), 6);
        // a query at 10 sees {0,1} ∪ {7,8,9}; 7,8,9 are slots 3,4,5: one run
        for (int layer = 0; layer < kLayers; ++layer) {
            cache.past(layer, 0, 10, out);
            QCOMPARE(spans(out), QString("0+2,7+3"));
            QCOMPARE(mismatch(out, layer, kDim), QString());
        }
        QVERIFY(cache.window().size == 4 && cache.window().sinks == 2);
    }

    void slidingBatchReadsBeforeOverwrite() {
        SlidingKvCache cache(1, 2, 64, 4, 2);
        Recorder rec;
        cache.set_observer(&rec);
        cache.append(0, tokens_from(1, 7));  // length 7: window starts at 3, position 2 evicted
        QCOMPARE(rec.take("evict"), QStringList({"evict s0 [0] @2+1"}));
        for (int pos : {0, 1, 3, 4, 5, 6}) write_position(cache, 0, pos, 1, 2, 0);
        // three more at once: length 10 keeps 6..9, so 3,4,5 leave
        cache.append(0, tokens_from(8, 3));
        QCOMPARE(rec.take("evict"), QStringList({"evict s0 [0] @3+3"}));
        // yet the pass still reads 4,5,6 (the window of its first query, at 7) intact:
        // 8 and 9 will reuse the slots of 4 and 5 only when written
        std::vector<KvSegment> out;
        cache.past(0, 0, 7, out);
        QCOMPARE(spans(out), QString("0+2,4+2,6+1"));
        QCOMPARE(mismatch(out, 0, 2), QString());
        QCOMPARE(cache.key_slot(0, 0, 4), static_cast<float*>(nullptr));
        QCOMPARE(static_cast<const float*>(cache.key_slot(0, 0, 8)), out[1].keys);  // slot 4
        for (int pos : {7, 8, 9}) write_position(cache, 0, pos, 1, 2, 0);
        cache.past(0, 0, 10, out);
        QCOMPARE(spans(out), QString("0+2,7+3"));
        QCOMPARE(mismatch(out, 0, 2), QString());
    }

    void slidingPrefillSkipsEvictedPositions() {
        SlidingKvCache cache(2, 3, 64, 4, 2);
        Recorder rec;
        cache.set_observer(&rec);
        // ten at once: 2..5 are out of the window before they are ever stored
        cache.append(0, tokens_from(1, 10));
        QCOMPARE(rec.take(), QStringList({"alloc s0 [0]", "evict s0 [0] @2+4", "append s0 [0] @0+10"}));
        std::set<const float*> kept_slots;
        for (int layer = 0; layer < 2; ++layer)
            for (int pos = 0; pos < 10; ++pos) {
                const bool kept = pos < 2 || pos >= 6;
                QCOMPARE(cache.key_slot(layer, 0, pos) != nullptr, kept);
                QCOMPARE(cache.value_slot(layer, 0, pos) != nullptr, kept);
                if (kept) kept_slots.insert(cache.key_slot(layer, 0, pos));
            }
        QCOMPARE(kept_slots.size(), size_t(12));  // 6 kept positions × 2 layers, no slot twice
    }

    void slidingTruncateOnlyWithinKeptWindow() {
        SlidingKvCache cache(1, 2, 64, 4, 2);
        Recorder rec;
        cache.set_observer(&rec);
        cache.append(0, tokens_from(1, 10));  // keeps 0,1 and 6..9
        // back to 7: a query at 7 sees 4..6, but 4 and 5 are gone
        QCOMPARE(error_of([&] { cache.truncate(0, 7); }),
                 QString("kv cache: cannot truncate sequence 0 to 7: the sliding window already evicted positions "
                         "4…5 that position 7 attends to"));
        // back to 8 needs 5..7: 5 is gone
        QVERIFY(error_of([&] { cache.truncate(0, 8); }).contains("evicted positions 5…5"));
        QCOMPARE(cache.length(0), 10);
        rec.take();
        // back to 9 needs 6..8: all kept
        cache.truncate(0, 9);
        QCOMPARE(rec.take(), QStringList({"truncate s0 [0] @9+1"}));
        std::vector<KvSegment> out;
        cache.past(0, 0, 9, out);
        QCOMPARE(spans(out), QString("0+2,6+3"));
        // appending position 9 again evicts nothing (window 6..9)
        cache.append(0, {9});
        QVERIFY(rec.take("evict").isEmpty());
        // down to the sinks: nothing evicted is needed, and position 2 is kept again
        cache.truncate(0, 2);
        cache.append(0, {3});
        QVERIFY(cache.key_slot(0, 0, 2) != nullptr);
    }

    void slidingStatsCountKept() {
        SlidingKvCache cache(2, 3, 64, 4, 2);
        cache.append(0, tokens_from(1, 10));  // keeps 2 sinks + 4 = 6
        cache.append(1, tokens_from(1, 3));   // keeps 3
        const KvStatsEvent s = cache.stats();
        QCOMPARE(s.kind, std::string("sliding"));
        QCOMPARE(s.block_size, 6);
        // one ring of 6 per sequence, none free; used = kept positions, 6 + 3
        QCOMPARE(usage(s), QString("0/2 free, 2 seqs, 12 reserved, 9 used, 0 shared"));
        QCOMPARE(s.bytes_per_slot, 48LL);  // 2 layers × 2 × 3 floats × 4 bytes
        QCOMPARE(s.fragmentation(), 0.25);
    }

    // --------------------------------------------------------- ContiguousKvCache

    void contiguousRegionIdsReuseLowest() {
        ContiguousKvCache cache(1, 2, 8);
        Recorder rec;
        cache.set_observer(&rec);
        for (int seq : {10, 11, 12}) cache.append(seq, {1});
        QCOMPARE(rec.take("alloc"), QStringList({"alloc s10 [0]", "alloc s11 [1]", "alloc s12 [2]"}));
        cache.free(11);
        cache.free(10);
        QCOMPARE(rec.take("free"), QStringList({"free s11 [1]", "free s10 [0]"}));
        // 0 and 1 returned (in that order of preference), then a fresh 3
        for (int seq : {13, 14, 15}) cache.append(seq, {1});
        QCOMPARE(rec.take("alloc"), QStringList({"alloc s13 [0]", "alloc s14 [1]", "alloc s15 [3]"}));
    }

    void contiguousForkCopies() {
        ContiguousKvCache cache(2, 2, 8);
        Recorder rec;
        cache.set_observer(&rec);
        cache.append(0, tokens_from(1, 3));
        for (int pos = 0; pos < 3; ++pos) write_position(cache, 0, pos, 2, 2, 0);
        cache.fork(0, 1);
        QCOMPARE(rec.take("fork"), QStringList({"fork s0->s1 [0,1]"}));
        QCOMPARE(cache.length(1), 3);
        // the fork owns a copy: overwriting it leaves the source alone
        write_position(cache, 1, 1, 2, 2, 7);
        std::vector<KvSegment> out;
        for (int layer = 0; layer < 2; ++layer) {
            cache.past(layer, 0, 3, out);
            QCOMPARE(spans(out), QString("0+3"));
            QCOMPARE(mismatch(out, layer, 2), QString());
            cache.past(layer, 1, 3, out);
            QCOMPARE(mismatch(out, layer, 2, [](int pos) { return pos == 1 ? 7 : 0; }), QString());
        }
        // two regions of 8; the copy's 3 positions count again: nothing is shared
        QCOMPARE(usage(cache.stats()), QString("0/2 free, 2 seqs, 16 reserved, 6 used, 0 shared"));
    }

    void contiguousCheckAppendAtMaxSeqLen() {
        ContiguousKvCache cache(1, 2, 8);
        cache.append(0, tokens_from(1, 6));
        QCOMPARE(cache.check_append({{0, 2}}), std::string());  // exactly 8
        const QString why = "sequence 0 at length 6 has no room for 3 more positions in its 8-slot KV region";
        QCOMPARE(QString::fromStdString(cache.check_append({{0, 2}, {0, 3}})), why);
        QCOMPARE(error_of([&] { cache.append(0, tokens_from(1, 3)); }), "kv cache: " + why);
        QCOMPARE(cache.length(0), 6);
        cache.append(0, tokens_from(1, 2));
        QCOMPARE(cache.length(0), 8);
    }

    // ------------------------------------------------------------------ KvConfig

    void configValidate() {
        auto error = [](KvConfig c) { return error_of([&] { c.validate(); }); };
        KvConfig paged;
        paged.kind = KvKind::Paged;
        for (int size : {1, 128}) {
            paged.block_size = size;
            QCOMPARE(error(paged), QString("(no exception)"));
        }
        paged.block_size = 0;
        QCOMPARE(error(paged), QString("--block-size must be between 1 and 128, got 0"));
        paged.block_size = 129;
        QCOMPARE(error(paged), QString("--block-size must be between 1 and 128, got 129"));
        paged.block_size = 16;
        paged.prefix_caching = true;
        QCOMPARE(error(paged), QString("(no exception)"));
        paged.window = 4;
        QVERIFY(error(paged).startsWith("--window and --sink-tokens apply only to --kv sliding"));

        KvConfig sliding;
        sliding.kind = KvKind::Sliding;
        QVERIFY(error(sliding).startsWith("--kv sliding needs --window"));
        sliding.window = 4;
        QCOMPARE(error(sliding), QString("(no exception)"));

        KvConfig contiguous;
        contiguous.prefix_caching = true;
        QCOMPARE(error(contiguous), QString("--prefix-caching applies only to --kv paged"));
    }

    void parseKvKindNamesAccepted() {
        QCOMPARE(parse_kv_kind("paged"), KvKind::Paged);
        QCOMPARE(parse_kv_kind("sliding"), KvKind::Sliding);
        QCOMPARE(parse_kv_kind("contiguous"), KvKind::Contiguous);
        QCOMPARE(error_of([] { parse_kv_kind("foo"); }), QString("--kv must be contiguous, sliding or paged, got 'foo'"));
    }

    void makeKvCacheChecksContext() {
        ModelConfig model;
        model.dim = 8;
        model.n_heads = 2;
        model.n_kv_heads = 1;  // kv_dim = 1 × 8 / 2 = 4
        model.n_layers = 2;
        model.context_length = 32;
        KvConfig config;
        config.kind = KvKind::Paged;
        config.max_seq_len = 33;
        QCOMPARE(error_of([&] { make_kv_cache(config, model); }),
                 QString("--max-seq-len 33 exceeds the model's context length of 32"));
        config.max_seq_len = 32;
        const auto paged = make_kv_cache(config, model);
        QCOMPARE(paged->kind(), std::string("paged"));
        // default pool: ceil(32 / 16) = 2 blocks per sequence × 8 sequences
        QCOMPARE(paged->stats().n_blocks, 16);
        QCOMPARE(paged->stats().bytes_per_slot, 64LL);  // 2 layers × 2 × 4 floats × 4 bytes

        KvConfig contiguous;  // max_seq_len 0 = the model's 32
        QCOMPARE(make_kv_cache(contiguous, model)->stats().block_size, 32);
        KvConfig sliding;
        sliding.kind = KvKind::Sliding;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, make_kv_cache(sliding, model));  // no window
        sliding.window = 4;
        sliding.sink_tokens = 1;
        QCOMPARE(make_kv_cache(sliding, model)->window().size, 4);
    }

    void regionsLargerThanTheMachineAreRefused() {
        ModelConfig model;
        model.dim = 8;
        model.n_heads = 2;
        model.n_kv_heads = 1;  // kv_dim 4: one position of both layers is 2 × 2 × 4 floats = 64 bytes
        model.n_layers = 2;
        model.context_length = 32;
        // one 32-slot region is 2,048 bytes; a machine of 2,000 bytes cannot hold it
        QCOMPARE(
            error_of([&] { make_kv_cache(KvConfig{}, model, 2000); }),
            QString(
                "kv cache: one sequence's region of 32 positions would take 2 KiB, more than the KV "
                "cache's budget of 1.95 KiB (half this machine's memory); the model's context length is 32: "
                "give a smaller --max-seq-len"));
        KvConfig shorter;
        shorter.max_seq_len = 16;  // 1,024 bytes
        QCOMPARE(make_kv_cache(shorter, model, 2000)->kind(), std::string("contiguous"));

        // the default pool holds 8 sequences: 16 blocks of 16 positions, 16,384 bytes
        KvConfig paged;
        paged.kind = KvKind::Paged;
        QCOMPARE(
            error_of([&] { make_kv_cache(paged, model, 10000); }),
            QString(
                "kv cache: a pool of 16 blocks of 16 positions would take 16 KiB, more than the KV "
                "cache's budget of 9.77 KiB (half this machine's memory); by default it holds 8 sequences "
                "of --max-seq-len (the model's context length is 32): give --num-blocks or --max-seq-len"));
        paged.num_blocks = 12;
        QVERIFY(
            error_of([&] { make_kv_cache(paged, model, 10000); }).endsWith("give a smaller --num-blocks"));
        paged.num_blocks = 8;  // 8,192 bytes
        QCOMPARE(make_kv_cache(paged, model, 10000)->stats().n_blocks, 8);

        // a context length no machine holds, against this machine's memory: a message, not
        // std::bad_alloc or a wrapped block count
        model.context_length = std::numeric_limits<int>::max();
        QVERIFY(error_of([&] { make_kv_cache(KvConfig{}, model); }).endsWith("give a smaller --max-seq-len"));
        paged.num_blocks = 0;
        QVERIFY(
            error_of([&] { make_kv_cache(paged, model); }).endsWith("give --num-blocks or --max-seq-len"));
        // window plus sinks past int's range: compared without wrapping
        KvConfig sliding;
        sliding.kind = KvKind::Sliding;
        sliding.window = std::numeric_limits<int>::max();
        sliding.sink_tokens = 1;
        model.context_length = 32;
        QVERIFY(error_of([&] {
                    make_kv_cache(sliding, model);
                }).startsWith("--window 2147483647 plus --sink-tokens 1"));
    }

    void regionsPastTheMemoryBudgetAreRefusedOneByOne() {
        // 2 layers × 8 slots × 4 floats × 2 × 4 bytes = 512 bytes a region; room for three
        ContiguousKvCache cache(2, 4, 8, 1536);
        cache.append(0, {1, 2});
        cache.fork(0, 1);
        cache.fork(0, 2);
        QCOMPARE(
            error_of([&] { cache.fork(0, 3); }),
            QString("kv cache: sequence 3 needs its own region of 8 positions (512 B), and 4 such regions "
                    "(2 KiB) exceed the KV cache's budget of 1.5 KiB (half this machine's memory): use fewer "
                    "beams or returned sequences, a smaller --max-seq-len, or --kv paged"));
        QVERIFY(
            error_of([&] { cache.append(4, {1}); }).startsWith("kv cache: sequence 4 needs its own region"));
        QCOMPARE(cache.length(3), 0);  // nothing was reserved for the refused sequences
        cache.free(1);
        cache.fork(0, 3);
        QCOMPARE(cache.length(3), 2);

        SlidingKvCache ring(2, 4, 64, 4, 0, 256);  // 4-slot rings of 256 bytes: room for one
        ring.append(0, {1});
        QVERIFY(error_of([&] {
                    ring.fork(0, 1);
                }).startsWith("kv cache: sequence 1 needs its own region of 4 positions (256 B)"));
    }
};

QTEST_APPLESS_MAIN(TestKvCache)
#include "test_kv_cache.moc"
