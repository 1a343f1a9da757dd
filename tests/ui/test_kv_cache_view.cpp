// The KV cache view on a real paged run (embedded model, blocks of 4 slots, beam k = 4, 12
// tokens): a copy-on-write leaves the new block to the copying sequence and takes one owner
// from the old block; every drawn block shows the owners and the reference-count badge of
// the trace's block tables; fill levels are the hand-counted slots; the chart has one point
// per step equal to the kv_stats events; the last step shows every block free; the view
// renders the owners' colours. Expected values come from the events and from kv_at, never
// from the view.
#include <QChart>
#include <QFile>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QTest>
#include <set>

#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "tokenizer/tokenizer.h"
#include "trace/jsonl.h"
#include "trace/trace_sink.h"
#include "views/kv_cache_view.h"

using namespace dlab;

namespace {

const Model& story_model() {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    return model;
}

std::vector<Event> run_trace(const KvConfig& kv, StrategyKind strategy, int beams, int max_new_tokens) {
    CpuBackend backend(story_model().config, story_model().weights, kv);
    Tokenizer tokenizer(*story_model().vocab);
    GenerationConfig config;
    config.strategy = strategy;
    config.num_beams = beams;
    config.max_new_tokens = max_new_tokens;
    MemoryTrace trace;
    SessionOptions options;
    options.record_timings = false;
    Session session(backend, tokenizer, config, &trace, options);
    session.run("Once upon a time");
    return trace.events();
}

// The paged beam run of tests/data/traces/paged-beam.jsonl, made here.
const TraceTimeline& paged_beam() {
    static const TraceTimeline timeline = [] {
        KvConfig kv;
        kv.kind = KvKind::Paged;
        kv.block_size = 4;
        return TraceTimeline(run_trace(kv, StrategyKind::Beam, 4, 12));
    }();
    return timeline;
}

std::vector<int> owners_shown(const QGraphicsItem* cell) {
    std::vector<int> owners;
    for (const QGraphicsItem* child : cell->childItems())
        if (child->data(KvBlockGrid::kRoleKey).toString() == "owner")
            owners.push_back(child->data(KvBlockGrid::kSeqKey).toInt());
    return owners;
}

QString badge_shown(const QGraphicsItem* cell) {
    for (const QGraphicsItem* child : cell->childItems())
        if (child->data(KvBlockGrid::kRoleKey).toString() == "badge")
            return static_cast<const QGraphicsSimpleTextItem*>(child)->text();
    return {};
}

// The fill rectangle's height as a fraction of the cell (slots holding a token / block size).
double fill_shown(const QGraphicsRectItem* cell) {
    for (const QGraphicsItem* child : cell->childItems())
        if (child->data(KvBlockGrid::kRoleKey).toString() == "fill")
            return static_cast<const QGraphicsRectItem*>(child)->rect().height() / cell->rect().height();
    return 0.0;
}

std::vector<int> owners_in(const KvSnapshot& snapshot, int block) {
    std::vector<int> owners;
    for (const auto& [seq, table] : snapshot.tables)
        if (std::find(table.begin(), table.end(), block) != table.end()) owners.push_back(seq);
    return owners;
}

// The last pool statistics recorded at each step, straight from the events.
std::map<int, KvStatsEvent> stats_by_step(const TraceTimeline& timeline) {
    std::map<int, KvStatsEvent> stats;
    for (const Event& e : timeline.events())
        if (const auto* s = std::get_if<KvStatsEvent>(&e.body)) stats[e.step] = *s;
    return stats;
}

}  // namespace

class TestKvCacheView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(paged_beam().last_step() >= 2); }

    // A copy-on-write: the new block belongs to the copying sequence, the old one has one
    // owner fewer than just before the copy, and its badge says so.
    void copy_on_write_moves_the_block() {
        const TraceTimeline& timeline = paged_beam();
        KvCacheView view;
        view.setTimeline(&timeline);
        int checked = 0;
        for (int step = 1; step <= timeline.last_step(); ++step) {
            const KvSnapshot after = timeline.kv_at(step);
            // the tables as the step's operations leave them, op by op, from the step before
            std::map<int, std::vector<int>> tables = timeline.kv_at(step - 1).tables;
            for (const KvEvent& op : after.operations) {
                if (op.op == "cow") {
                    QCOMPARE(op.blocks.size(), size_t(2));
                    const int old_block = op.blocks[0], new_block = op.blocks[1];
                    int owners_before = 0;
                    for (const auto& [seq, table] : tables)
                        owners_before += int(std::count(table.begin(), table.end(), old_block));
                    QVERIFY(owners_before > 1);  // only a shared block is copied
                    const auto& copier = after.tables.find(op.seq);
                    if (copier == after.tables.end() ||
                        std::find(copier->second.begin(), copier->second.end(), new_block) ==
                            copier->second.end())
                        continue;  // the copier moved on later in the step
                    view.showStep(step, false);
                    const QGraphicsRectItem* fresh = view.grid()->blockCell(new_block);
                    const QGraphicsRectItem* old = view.grid()->blockCell(old_block);
                    QVERIFY(fresh && old);
                    const std::vector<int> fresh_owners = owners_shown(fresh);
                    QVERIFY(std::find(fresh_owners.begin(), fresh_owners.end(), op.seq) !=
                            fresh_owners.end());
                    QCOMPARE(fresh_owners, owners_in(after, new_block));
                    const int refs_after =
                        after.ref_counts.count(old_block) ? after.ref_counts.at(old_block) : 0;
                    QVERIFY(refs_after < owners_before);
                    QCOMPARE(badge_shown(old), refs_after > 1 ? QString("×%1").arg(refs_after) : QString());
                    QCOMPARE(int(owners_shown(old).size()), refs_after);
                    ++checked;
                }
                for (const auto& [seq, table] : op.tables) {
                    if (table.empty())
                        tables.erase(seq);
                    else
                        tables[seq] = table;
                }
            }
        }
        QVERIFY(checked >= 3);
    }

    // Every drawn block: owners and badge as kv_at's tables and reference counts say.
    void badges_and_owners_match_the_tables() {
        const TraceTimeline& timeline = paged_beam();
        KvCacheView view;
        view.setTimeline(&timeline);
        int shared_seen = 0;
        for (int step = 0; step <= timeline.last_step(); ++step) {
            view.showStep(step, false);
            const KvSnapshot snapshot = timeline.kv_at(step);
            for (const auto& [block, refs] : snapshot.ref_counts) {
                const QGraphicsRectItem* cell = view.grid()->blockCell(block);
                QVERIFY2(cell, qPrintable(QString("block %1 not drawn at step %2").arg(block).arg(step)));
                QCOMPARE(owners_shown(cell), owners_in(snapshot, block));
                QCOMPARE(badge_shown(cell), refs > 1 ? QString("×%1").arg(refs) : QString());
                if (refs > 1) ++shared_seen;
            }
            // the block tables beside the grid: one entry per logical block
            std::map<int, std::vector<int>> shown;
            for (QGraphicsItem* item : view.grid()->items(Qt::AscendingOrder))
                if (item->data(KvBlockGrid::kRoleKey).toString() == "entry") {
                    auto& table = shown[item->data(KvBlockGrid::kSeqKey).toInt()];
                    const int index = item->data(KvBlockGrid::kIndexKey).toInt();
                    if (int(table.size()) <= index) table.resize(index + 1, -1);
                    table[index] = item->data(KvBlockGrid::kBlockKey).toInt();
                }
            QCOMPARE(shown, snapshot.tables);
        }
        QVERIFY(shared_seen > 0);
    }

    // After the prefill: the 5 prompt tokens fill block 0 (4 of 4 slots) and 1 slot of block 1.
    void fill_levels_are_the_slots_used() {
        KvCacheView view;
        view.setTimeline(&paged_beam());
        view.showStep(0, false);
        QCOMPARE(int(paged_beam().run()->prompt_tokens.size()), 5);
        QCOMPARE(fill_shown(view.grid()->blockCell(0)), 1.0);
        QCOMPARE(fill_shown(view.grid()->blockCell(1)), 0.25);
        QCOMPARE(fill_shown(view.grid()->blockCell(2)), 0.0);
        QVERIFY(view.statsLabel()->text().contains("1022 of 1024"));
    }

    // One point per step, each the step's last kv_stats event; CSV the same numbers.
    void chart_follows_the_stats_events() {
        const TraceTimeline& timeline = paged_beam();
        KvCacheView view;
        view.setTimeline(&timeline);
        const std::map<int, KvStatsEvent> stats = stats_by_step(timeline);
        QCOMPARE(int(stats.size()), timeline.last_step() + 1);
        const QList<QPointF> reserved = view.reservedSeries()->points();
        const QList<QPointF> used = view.usedSeries()->points();
        QCOMPARE(reserved.size(), timeline.last_step() + 1);
        QCOMPARE(used.size(), timeline.last_step() + 1);
        const QStringList csv = view.csv().trimmed().split('\n');
        QCOMPARE(csv.front(), QString("step,reserved,used,free,shared"));
        // beside it, what the contiguous baseline would hold: the embedded model's 512-slot
        // context for every live sequence
        const QList<QPointF> contiguous = view.contiguousSeries()->points();
        QCOMPARE(contiguous.size(), timeline.last_step() + 1);
        for (const auto& [step, s] : stats) {
            QCOMPARE(reserved[step], QPointF(step, s.slots_reserved));
            QCOMPARE(used[step], QPointF(step, s.slots_used));
            QCOMPARE(contiguous[step], QPointF(step, 512.0 * s.n_sequences));
            QCOMPARE(csv[step + 1], QString("%1,%2,%3,%4,%5")
                                        .arg(step)
                                        .arg(s.slots_reserved)
                                        .arg(s.slots_used)
                                        .arg(s.free_blocks)
                                        .arg(s.shared_blocks));
        }
    }

    // The run ends by freeing every sequence: no owner, no badge, the whole pool free.
    void last_step_frees_every_block() {
        const TraceTimeline& timeline = paged_beam();
        KvCacheView view;
        view.setTimeline(&timeline);
        view.showStep(timeline.last_step(), false);
        int cells = 0;
        for (QGraphicsItem* item : view.grid()->items())
            if (item->data(KvBlockGrid::kRoleKey).toString() == "block") {
                ++cells;
                QVERIFY(owners_shown(item).empty());
                QVERIFY(badge_shown(item).isEmpty());
            }
        QVERIFY(cells >= 16);
        QVERIFY(view.statsLabel()->text().contains("1024 of 1024 blocks free"));
        bool frees = false;
        for (int i = 0; i < view.operationList()->count(); ++i)
            frees |= view.operationList()->item(i)->data(Qt::UserRole).toString() == "free";
        QVERIFY(frees);
    }

    // The step's operations are listed in the order the cache performed them.
    void operations_are_listed_in_order() {
        const TraceTimeline& timeline = paged_beam();
        KvCacheView view;
        view.setTimeline(&timeline);
        view.showStep(1, false);
        const KvSnapshot snapshot = timeline.kv_at(1);
        QCOMPARE(view.operationList()->count(), int(snapshot.operations.size()));
        for (int i = 0; i < view.operationList()->count(); ++i)
            QCOMPARE(view.operationList()->item(i)->data(Qt::UserRole).toString(),
                     QString::fromStdString(snapshot.operations[i].op));
        for (const KvEvent& op : snapshot.operations)
            if (op.op == "cow") QVERIFY(KvCacheView::describe(op).contains(QString::number(op.blocks[1])));
    }

    // Animated stepping plays and ends; the next redraw stops a running animation safely.
    void animation_plays_and_ends() {
        KvCacheView view;
        view.setTimeline(&paged_beam());
        view.showStep(0, false);
        view.showStep(1, true);
        QVERIFY(view.grid()->animating());
        view.showStep(2, true);  // interrupts step 1's animation
        QTRY_VERIFY_WITH_TIMEOUT(!view.grid()->animating(), 5000);
        view.showStep(1, false);
        QVERIFY(!view.grid()->animating());
    }

    // Rendered: block 0's cell, wholly filled by sequence 0 after the prefill, shows its colour.
    void renders_the_owner_colour() {
        KvCacheView view;
        view.resize(1400, 900);
        view.setTimeline(&paged_beam());
        view.showStep(0, false);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QGraphicsView* graphics = nullptr;
        for (QGraphicsView* candidate : view.findChildren<QGraphicsView*>())
            if (candidate->scene() == view.grid()) graphics = candidate;
        QVERIFY(graphics);
        const QImage image = graphics->viewport()->grab().toImage();
        const QRectF cell = view.grid()->blockCell(0)->sceneBoundingRect();
        const QPoint at = graphics->mapFromScene(cell.center() + QPointF(0, cell.height() / 4));
        const QColor expected = KvBlockGrid::sequenceColor(0, view.palette());
        const QColor seen = image.pixelColor(at * image.devicePixelRatio());
        QVERIFY2(std::abs(seen.red() - expected.red()) + std::abs(seen.green() - expected.green()) +
                         std::abs(seen.blue() - expected.blue()) <
                     12,
                 qPrintable(QString("pixel %1, expected %2").arg(seen.name(), expected.name())));
        const QImage whole = view.grab().toImage();
        std::set<QRgb> colours;
        for (int y = 0; y < whole.height(); y += 4)
            for (int x = 0; x < whole.width(); x += 4) colours.insert(whole.pixel(x, y));
        QVERIFY(colours.size() > 10);
    }

    // The golden file replays with no model: the same checks on the pool's last step and chart.
    void replays_the_golden_file() {
        const QString path = QStringLiteral(DECODELAB_SOURCE_DIR "/tests/data/traces/paged-beam.jsonl");
        if (!QFile::exists(path)) QSKIP("tests/data/traces/paged-beam.jsonl not written yet");
        const TraceTimeline timeline(read_jsonl_trace(path.toStdString()));
        KvCacheView view;
        view.setTimeline(&timeline);
        const std::map<int, KvStatsEvent> stats = stats_by_step(timeline);
        QCOMPARE(view.usedSeries()->points().size(), int(stats.size()));
        for (const auto& [step, s] : stats)
            QCOMPARE(view.usedSeries()->points()[step].y(), double(s.slots_used));
        view.showStep(timeline.last_step(), false);
        for (QGraphicsItem* item : view.grid()->items())
            if (item->data(KvBlockGrid::kRoleKey).toString() == "block") QVERIFY(owners_shown(item).empty());
    }

    // A dark palette: free blocks on its dark base, owners in colours lighter than it.
    void follows_a_dark_palette() {
        KvCacheView view;
        QPalette dark = view.palette();
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
        view.setPalette(dark);
        view.resize(1200, 800);
        view.setTimeline(&paged_beam());
        view.showStep(0, false);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QGraphicsView* graphics = nullptr;
        for (QGraphicsView* candidate : view.findChildren<QGraphicsView*>())
            if (candidate->scene() == view.grid()) graphics = candidate;
        const QImage image = graphics->viewport()->grab().toImage();
        auto pixel = [&](int block) {
            const QRectF cell = view.grid()->blockCell(block)->sceneBoundingRect();
            return image.pixelColor(graphics->mapFromScene(cell.center() + QPointF(0, cell.height() / 4)) *
                                    image.devicePixelRatio());
        };
        QCOMPARE(pixel(5), QColor(0x20, 0x20, 0x20));  // free
        QVERIFY(pixel(0).lightness() > 100);           // sequence 0's colour
    }

    // The contiguous cache: one cell per sequence region of max_seq_len slots.
    void contiguous_regions() {
        KvConfig kv;
        kv.max_seq_len = 64;
        const TraceTimeline timeline(run_trace(kv, StrategyKind::Greedy, 1, 3));
        KvCacheView view;
        view.setTimeline(&timeline);
        view.showStep(0, false);
        const QGraphicsRectItem* region = view.grid()->blockCell(0);
        QVERIFY(region);
        QCOMPARE(owners_shown(region), std::vector<int>{0});
        QCOMPARE(fill_shown(region), 5.0 / 64.0);
        QVERIFY(!view.grid()->blockCell(1));
    }

    void no_kv_events() {
        KvCacheView view;
        view.setTimeline(nullptr);
        view.showStep(0, false);
        QVERIFY(view.csv().trimmed() == "step,reserved,used,free,shared");
    }
};

QTEST_MAIN(TestKvCacheView)
#include "test_kv_cache_view.moc"
