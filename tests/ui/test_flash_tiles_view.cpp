// The FlashAttention view on a real prefill (embedded model, a 20-token prompt, 4 × 4 tiles,
// query row 13 highlighted): 5 × 5 tiles drawn, the 10 wholly above the causal diagonal
// marked skipped; the tile cursor lights exactly the first k tiles of the events' order and
// the running HBM totals are those events' bytes; m and ℓ of the highlighted row are the
// events'; the IO chart has the io-model's bytes for N = 256 … 16384; a naive prefill shows
// its three kernels; the scene renders the lit tiles.
#include <QChart>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QLineSeries>
#include <QSlider>
#include <QTest>
#include <QToolButton>
#include <set>

#include "attention/device_preset.h"
#include "attention/io_model.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "options/engine_parameters.h"
#include "tokenizer/tokenizer.h"
#include "trace/trace_sink.h"
#include "views/flash_tiles_view.h"
#include "views/io_model_chart.h"

using namespace dlab;

namespace {

const char* const kPrompt =
    "Once upon a time, there was a little girl named Lily. She loved to play outside.";
constexpr int kHighlight = 13;

TraceTimeline prefill_trace(const AttentionConfig& attention) {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    CpuBackend backend(model.config, model.weights, {}, attention);
    Tokenizer tokenizer(*model.vocab);
    GenerationConfig config;
    config.max_new_tokens = 2;
    MemoryTrace trace;
    SessionOptions options;
    options.record_timings = false;
    Session session(backend, tokenizer, config, &trace, options);
    session.run(kPrompt);
    return TraceTimeline(trace.events());
}

const TraceTimeline& flash_trace() {
    static const TraceTimeline timeline = [] {
        AttentionConfig attention;
        attention.kind = AttentionKind::Flash;
        attention.tile_rows = 4;
        attention.tile_cols = 4;
        attention.highlight_row = kHighlight;
        return prefill_trace(attention);
    }();
    return timeline;
}

std::vector<TileEvent> events_of(const TraceTimeline& timeline, const std::string& kind) {
    std::vector<TileEvent> found;
    for (const TileEvent* e : timeline.tiles_at(0))
        if (e->kind == kind || kind.empty()) found.push_back(*e);
    return found;
}

std::vector<QGraphicsItem*> items_with(const QGraphicsScene* scene, const QString& role) {
    std::vector<QGraphicsItem*> found;
    for (QGraphicsItem* item : scene->items())
        if (item->data(FlashTilesView::kRoleKey).toString() == role) found.push_back(item);
    return found;
}

QGraphicsItem* one(const QGraphicsScene* scene, const QString& role) {
    const std::vector<QGraphicsItem*> found = items_with(scene, role);
    return found.size() == 1 ? found.front() : nullptr;
}

qlonglong value_of(const QGraphicsScene* scene, const QString& role) {
    QGraphicsItem* item = one(scene, role);
    return item ? item->data(FlashTilesView::kValueKey).toLongLong() : -1;
}

QColor pixel_at(const QGraphicsView* view, const QImage& image, QPointF scene_point) {
    return image.pixelColor(view->mapFromScene(scene_point) * image.devicePixelRatio());
}

int distance(const QColor& a, const QColor& b) {
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

}  // namespace

class TestFlashTilesView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QCOMPARE(int(flash_trace().run()->prompt_tokens.size()), 20);
        QCOMPARE(int(events_of(flash_trace(), "flash_init").size()), 1);
    }

    // ⌈20/4⌉² = 25 tiles; those with j > i lie wholly above the diagonal: 10 skipped, 15 computed.
    void tiles_and_skipped_ones() {
        FlashTilesView view;
        view.setTimeline(&flash_trace());
        view.showStep(0, false);
        const std::vector<QGraphicsItem*> tiles = items_with(view.scene(), "tile");
        QCOMPARE(int(tiles.size()), 25);
        int skipped = 0;
        for (QGraphicsItem* tile : tiles) {
            const int i = tile->data(FlashTilesView::kQBlockKey).toInt();
            const int j = tile->data(FlashTilesView::kKvBlockKey).toInt();
            const QString state = tile->data(FlashTilesView::kStateKey).toString();
            QCOMPARE(state == "skipped", j > i);
            skipped += state == "skipped";
        }
        QCOMPARE(skipped, 10);
        QCOMPARE(view.tileCount(), 15);
        QCOMPARE(int(events_of(flash_trace(), "flash_tile").size()), 15);
        QCOMPARE(view.tileCursor(), 15);                            // a step opens with its pass complete
        QCOMPARE(view.csv().trimmed().split('\n').size(), 1 + 16);  // header, flash_init, 15 tiles
    }

    // The cursor at k lights the first k tiles of the events' order; the totals are the
    // initialisation's bytes plus those k tiles' bytes; the arrows show the k-th tile's.
    void cursor_lights_tiles_and_sums_bytes() {
        FlashTilesView view;
        view.setTimeline(&flash_trace());
        view.showStep(0, false);
        const TileEvent init = events_of(flash_trace(), "flash_init").front();
        const std::vector<TileEvent> tiles = events_of(flash_trace(), "flash_tile");
        auto* slider = view.findChild<QSlider*>();
        QVERIFY(slider);
        for (int k : {0, 1, 2, 6, 11, 15}) {
            slider->setValue(k);
            QCOMPARE(view.tileCursor(), k);
            std::set<std::pair<int, int>> expected_lit, lit;
            long long read = init.hbm_read_bytes, written = init.hbm_write_bytes;
            for (int t = 0; t < k; ++t) {
                expected_lit.insert({tiles[t].q_block, tiles[t].kv_block});
                read += tiles[t].hbm_read_bytes;
                written += tiles[t].hbm_write_bytes;
            }
            int current = 0;
            for (QGraphicsItem* tile : items_with(view.scene(), "tile")) {
                const QString state = tile->data(FlashTilesView::kStateKey).toString();
                if (state == "done" || state == "current")
                    lit.insert({tile->data(FlashTilesView::kQBlockKey).toInt(),
                                tile->data(FlashTilesView::kKvBlockKey).toInt()});
                current += state == "current";
            }
            QCOMPARE(lit, expected_lit);
            QCOMPARE(current, k > 0 ? 1 : 0);
            QCOMPARE(value_of(view.scene(), "total-read"), read);
            QCOMPARE(value_of(view.scene(), "total-write"), written);
            QCOMPARE(value_of(view.scene(), "total"), read + written);
            QCOMPARE(value_of(view.scene(), "tile-read"), k > 0 ? tiles[k - 1].hbm_read_bytes : 0);
            QCOMPARE(value_of(view.scene(), "tile-write"), k > 0 ? tiles[k - 1].hbm_write_bytes : 0);
            QCOMPARE(value_of(view.scene(), "sram"), k > 0 ? tiles[k - 1].sram_bytes : 0);
            const auto* total = static_cast<QGraphicsSimpleTextItem*>(one(view.scene(), "total"));
            QVERIFY(total->text().contains(QString("%1 of 15").arg(k)));
        }
    }

    // Row 13 lies in query block 3; its tiles carry m and ℓ before and after, shown as such.
    void online_softmax_of_the_highlighted_row() {
        FlashTilesView view;
        view.setTimeline(&flash_trace());
        view.showStep(0, false);
        const std::vector<TileEvent> tiles = events_of(flash_trace(), "flash_tile");
        int with_row = 0;
        float last_m = 0, last_l = 0;
        for (int k = 1; k <= int(tiles.size()); ++k) {
            view.setTileCursor(k);
            const TileEvent& t = tiles[k - 1];
            const auto* m = static_cast<QGraphicsSimpleTextItem*>(one(view.scene(), "m"));
            const auto* l = static_cast<QGraphicsSimpleTextItem*>(one(view.scene(), "l"));
            QVERIFY(m && l);
            QCOMPARE(t.m_after.has_value(), t.q_block == kHighlight / 4);
            if (t.m_after) {
                ++with_row;
                QCOMPARE(m->data(FlashTilesView::kValueKey).toDouble(), double(*t.m_after));
                QCOMPARE(l->data(FlashTilesView::kValueKey).toDouble(), double(*t.l_after));
                QVERIFY(m->text().contains("→"));
                QVERIFY(l->text().contains("→"));
                last_m = *t.m_after;
                last_l = *t.l_after;
            } else if (with_row > 0) {
                QCOMPARE(m->data(FlashTilesView::kValueKey).toDouble(), double(last_m));
                QCOMPARE(l->data(FlashTilesView::kValueKey).toDouble(), double(last_l));
            }
        }
        QCOMPARE(with_row, 4);  // block 3 meets key blocks 0 … 3
    }

    // The IO model for the run's head dimension (256 / 8 = 32) and the preset's M, FP16.
    void io_chart_has_the_model_points() {
        FlashTilesView view;
        view.setTimeline(&flash_trace());
        for (const char* name : {"a100", "h200"}) {
            view.setDevicePreset(name);
            const long long m = device_preset(name).sram_per_block;
            const QList<QPointF> naive = view.ioChart()->naiveSeries()->points();
            const QList<QPointF> flash = view.ioChart()->flashSeries()->points();
            QCOMPARE(naive.size(), 7);
            QCOMPARE(flash.size(), 7);
            int n = 256;
            for (int i = 0; i < 7; ++i, n *= 2) {
                const IoModelPoint point = io_model_point(n, 32, m, 2, false);
                QCOMPARE(naive[i], QPointF(n, double(point.naive.hbm_bytes())));
                QCOMPARE(flash[i], QPointF(n, double(point.flash.hbm_bytes())));
                QVERIFY(flash[i].y() < naive[i].y());
            }
            QCOMPARE(n, 32768);
            QVERIFY(view.ioChart()->chart()->title().contains(name));
        }
    }

    // Playing advances the cursor to the last tile and stops there.
    void play_runs_to_the_end() {
        FlashTilesView view;
        view.setTimeline(&flash_trace());
        view.showStep(0, false);
        view.setTileCursor(12);
        auto* play = view.findChild<QToolButton*>();
        QVERIFY(play);
        play->setChecked(true);
        QTRY_COMPARE_WITH_TIMEOUT(view.tileCursor(), 15, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!play->isChecked(), 2000);
    }

    // A naive prefill: three kernels, each writing a whole matrix; the totals their bytes.
    void naive_kernels() {
        const TraceTimeline timeline = prefill_trace(AttentionConfig{});
        const std::vector<TileEvent> kernels = events_of(timeline, "");
        QCOMPARE(int(kernels.size()), 3);
        FlashTilesView view;
        view.setTimeline(&timeline);
        view.showStep(2, false);  // a decode step shows the prefill's tiles
        QCOMPARE(view.tileCount(), 3);
        QVERIFY(items_with(view.scene(), "tile").empty());
        for (int k = 0; k <= 3; ++k) {
            view.setTileCursor(k);
            long long read = 0, written = 0;
            for (int t = 0; t < k; ++t) {
                read += kernels[t].hbm_read_bytes;
                written += kernels[t].hbm_write_bytes;
            }
            QCOMPARE(value_of(view.scene(), "total"), read + written);
            int done = 0;
            for (QGraphicsItem* item : items_with(view.scene(), "kernel"))
                if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item))
                    done += text->data(FlashTilesView::kValueKey).toBool();
            QCOMPARE(done, k);
        }
    }

    // Rendered: the current tile is drawn in the highlight colour, a pending one is not.
    void renders_the_lit_tiles() {
        FlashTilesView view;
        view.resize(1400, 1000);
        view.setTimeline(&flash_trace());
        view.showStep(0, false);
        view.setTileCursor(1);  // tile (0, 0) current, (1, 0) pending
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QGraphicsView* graphics = nullptr;
        for (QGraphicsView* candidate : view.findChildren<QGraphicsView*>())
            if (candidate->scene() == view.scene()) graphics = candidate;
        QVERIFY(graphics);
        const QImage image = graphics->viewport()->grab().toImage();
        QRectF current, pending;
        for (QGraphicsItem* tile : items_with(view.scene(), "tile")) {
            const int i = tile->data(FlashTilesView::kQBlockKey).toInt();
            const int j = tile->data(FlashTilesView::kKvBlockKey).toInt();
            if (i == 0 && j == 0) current = tile->sceneBoundingRect();
            if (i == 1 && j == 0) pending = tile->sceneBoundingRect();
        }
        const QPointF inside(current.width() / 4, current.height() / 4);
        const QColor base = view.palette().color(QPalette::Base);
        QVERIFY(distance(pixel_at(graphics, image, current.topLeft() + inside), base) > 100);
        QVERIFY(distance(pixel_at(graphics, image, pending.topLeft() + inside), base) < 12);
    }

    // A dark palette: the matrix is drawn on its dark base, the text in its light colour.
    void follows_a_dark_palette() {
        FlashTilesView view;
        QPalette dark = view.palette();
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
        view.setPalette(dark);
        view.resize(1200, 900);
        view.setTimeline(&flash_trace());
        view.showStep(0, false);
        view.setTileCursor(1);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QGraphicsView* graphics = nullptr;
        for (QGraphicsView* candidate : view.findChildren<QGraphicsView*>())
            if (candidate->scene() == view.scene()) graphics = candidate;
        const QImage image = graphics->viewport()->grab().toImage();
        for (QGraphicsItem* tile : items_with(view.scene(), "tile"))
            if (tile->data(FlashTilesView::kStateKey).toString() == "pending" &&
                tile->data(FlashTilesView::kKvBlockKey).toInt() <
                    tile->data(FlashTilesView::kQBlockKey).toInt()) {
                const QRectF r = tile->sceneBoundingRect();
                QVERIFY(
                    distance(pixel_at(graphics, image, r.topLeft() + QPointF(r.width() / 4, r.height() / 4)),
                             QColor(0x20, 0x20, 0x20)) < 12);
            }
        const auto* total = static_cast<QGraphicsSimpleTextItem*>(one(view.scene(), "total"));
        QCOMPARE(total->brush().color(), QColor(0xee, 0xee, 0xee));
    }

    void follows_the_traces_device_preset() {
        // a run through the CLI's and the app's session options records its attention
        // settings; the view then models the preset the run used
        static const Model model = load_model_or_embedded("embedded:stories-target");
        AttentionConfig attention;
        attention.kind = AttentionKind::Flash;
        attention.device_preset = "h100";
        CpuBackend backend(model.config, model.weights, {}, attention);
        Tokenizer tokenizer(*model.vocab);
        GenerationConfig config;
        config.max_new_tokens = 1;
        MemoryTrace trace;
        SessionOptions options;
        options.run_parameters = engine_parameters(KvConfig{}, attention);
        Session session(backend, tokenizer, config, &trace, options);
        session.run("Once");
        const TraceTimeline timeline(trace.events());
        FlashTilesView view;
        view.setDevicePreset("h200");
        view.setTimeline(&timeline);
        QCOMPARE(view.devicePreset(), QString("h100"));
    }

    void no_tiles() {
        FlashTilesView view;
        view.setTimeline(nullptr);
        view.showStep(0, false);
        QCOMPARE(view.tileCount(), 0);
        QVERIFY(!items_with(view.scene(), "note").empty());
    }
};

QTEST_MAIN(TestFlashTilesView)
#include "test_flash_tiles_view.moc"
