// FlashAttention inside the engine: on the embedded model the prefill gives the logits of
// naive attention (and of the independent double-precision forward) at every prompt
// position, also for a multi-token pass on top of a cached past; greedy runs pick the same
// tokens; the traced layer's and head's tile events reach the Session's trace and add up to
// the dry-run cost; configurations the engine cannot honour are refused by name.
#include <QTest>

#include "attention/attention_config.h"
#include "attention/flash_attention.h"
#include "attention/naive_attention.h"
#include "common/error.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "testing/reference_forward.h"
#include "tokenizer/tokenizer.h"
#include "trace/trace_sink.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

const Model& story_model() {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    return model;
}

const char* const kPrompt =
    "Once upon a time, there was a little girl named Lily. She loved to play with her red ball in the park. "
    "One day, she saw a big dog under a tree.";

const std::vector<int>& prompt_tokens() {
    static const std::vector<int> tokens = Tokenizer(*story_model().vocab).encode_prompt(kPrompt);
    return tokens;
}

// The independent straight-loop forward (double, no cache) over the whole prompt: [n][vocab]
const std::vector<std::vector<double>>& reference() {
    static const std::vector<std::vector<double>> logits =
        reference_logits(story_model().config, story_model().weights, prompt_tokens());
    return logits;
}

AttentionConfig flash(int tile_rows = 0, int tile_cols = 0, long long sram = 0) {
    AttentionConfig a;
    a.kind = AttentionKind::Flash;
    a.tile_rows = tile_rows;
    a.tile_cols = tile_cols;
    a.sram_bytes = sram;
    return a;
}

KvConfig kv_of(const QString& kind) {
    KvConfig kv;
    if (kind == "paged4") {
        kv.kind = KvKind::Paged;
        kv.block_size = 4;
    }
    return kv;
}

int argmax(const RowMatrix& m, int row) {
    Eigen::Index at = 0;
    m.row(row).maxCoeff(&at);
    return static_cast<int>(at);
}

// Row by row: max |a − b| / max |b| ≤ 1e-5 and the same argmax.
void expect_same_rows(const RowMatrix& actual, const RowMatrix& expected, const QString& what) {
    QCOMPARE(actual.rows(), expected.rows());
    QCOMPARE(actual.cols(), expected.cols());
    for (int r = 0; r < expected.rows(); ++r) {
        const double err = double((actual.row(r) - expected.row(r)).cwiseAbs().maxCoeff()) /
                           double(expected.row(r).cwiseAbs().maxCoeff());
        QVERIFY2(err <= 1e-5, qPrintable(QString("%1 row %2: relative error %3").arg(what).arg(r).arg(err)));
        QVERIFY2(argmax(actual, r) == argmax(expected, r), qPrintable(QString("%1 row %2: argmax").arg(what).arg(r)));
    }
}

RowMatrix forward_all(CpuBackend& backend, const std::vector<int>& tokens) {
    ForwardOptions all;
    all.all_logits = true;
    return backend.forward({{0, tokens}}, all)[0].logits;
}

GenerationConfig greedy(int max_new_tokens) {
    GenerationConfig c;
    c.strategy = StrategyKind::Greedy;
    c.max_new_tokens = max_new_tokens;
    c.stop_at_eos = false;
    return c;
}

struct Run {
    GenerationResult result;
    std::vector<TileEvent> tiles;
};

Run run_session(const AttentionConfig& attention, int max_new_tokens) {
    const Model& model = story_model();
    CpuBackend backend(model.config, model.weights, {}, attention);
    Tokenizer tokenizer(*model.vocab);
    MemoryTrace trace;
    SessionOptions options;
    options.record_timings = false;
    Session session(backend, tokenizer, greedy(max_new_tokens), &trace, options);
    Run run;
    run.result = session.run(kPrompt);
    for (const Event& e : trace.events())
        if (const auto* tile = std::get_if<TileEvent>(&e.body)) {
            if (e.step != 0) qWarning() << "tile event at step" << e.step;
            run.tiles.push_back(*tile);
        }
    return run;
}

void add_tiling_columns() {
    QTest::addColumn<int>("tile_rows");
    QTest::addColumn<int>("tile_cols");
    QTest::addColumn<int>("sram");
}

void add_tiling_rows() {
    add_tiling_columns();
    QTest::newRow("a100 preset (32×326)") << 0 << 0 << 0;
    QTest::newRow("7×5 tiles") << 7 << 5 << 0;
    QTest::newRow("sram 2 KB (4×4)") << 0 << 0 << 2048;
}

}  // namespace

class TestAttentionEngine : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        const ModelConfig& c = story_model().config;
        QCOMPARE(c.n_layers, 5);
        QCOMPARE(c.n_heads, 8);
        QCOMPARE(c.head_dim(), 32);
        const int n = static_cast<int>(prompt_tokens().size());
        QVERIFY2(n >= 35 && n <= 50, qPrintable(QString("prompt of %1 tokens").arg(n)));
    }

    void prefill_logits_match_data() { add_tiling_rows(); }

    // Every prompt position's logits equal naive attention's and the reference forward's.
    void prefill_logits_match() {
        QFETCH(int, tile_rows);
        QFETCH(int, tile_cols);
        QFETCH(int, sram);
        const Model& model = story_model();
        CpuBackend naive(model.config, model.weights);
        CpuBackend flashed(model.config, model.weights, {}, flash(tile_rows, tile_cols, sram));
        const RowMatrix expected = forward_all(naive, prompt_tokens());
        const RowMatrix actual = forward_all(flashed, prompt_tokens());
        QCOMPARE(int(actual.rows()), int(prompt_tokens().size()));
        expect_same_rows(actual, expected, "flash vs naive");
        for (int r = 0; r < actual.rows(); ++r) {
            const double err = relative_error(actual.row(r).data(), reference()[r]);
            QVERIFY2(err <= 1e-5, qPrintable(QString("flash vs reference row %1: %2").arg(r).arg(err)));
        }
    }

    void cached_past_pass_matches_data() {
        add_tiling_columns();
        QTest::addColumn<QString>("kv");
        // the same tilings, each over the contiguous cache and over 4-slot pages
        for (const char* kv : {"contiguous", "paged4"}) {
            QTest::newRow(qPrintable(QString("a100 preset, %1").arg(kv))) << 0 << 0 << 0 << QString(kv);
            QTest::newRow(qPrintable(QString("7×5 tiles, %1").arg(kv))) << 7 << 5 << 0 << QString(kv);
            QTest::newRow(qPrintable(QString("sram 2 KB, %1").arg(kv))) << 0 << 0 << 2048 << QString(kv);
        }
    }

    // Forward 10 tokens, then 6 more in one pass: queries at positions 10 … 15 over 16 keys
    // (query_offset 10) — the same logits as naive attention and the reference forward.
    void cached_past_pass_matches() {
        QFETCH(int, tile_rows);
        QFETCH(int, tile_cols);
        QFETCH(int, sram);
        QFETCH(QString, kv);
        const Model& model = story_model();
        const std::vector<int>& tokens = prompt_tokens();
        const std::vector<int> first(tokens.begin(), tokens.begin() + 10), second(tokens.begin() + 10, tokens.begin() + 16);
        CpuBackend naive(model.config, model.weights, kv_of(kv));
        CpuBackend flashed(model.config, model.weights, kv_of(kv), flash(tile_rows, tile_cols, sram));
        expect_same_rows(forward_all(flashed, first), forward_all(naive, first), "first 10");
        const RowMatrix actual = forward_all(flashed, second);
        expect_same_rows(actual, forward_all(naive, second), "6 on a cached past");
        QCOMPARE(flashed.sequence_length(0), 16);
        for (int r = 0; r < actual.rows(); ++r) {
            const double err = relative_error(actual.row(r).data(), reference()[10 + r]);
            QVERIFY2(err <= 1e-5, qPrintable(QString("position %1 vs reference: %2").arg(10 + r).arg(err)));
        }
    }

    void greedy_tokens_match_data() { add_tiling_rows(); }

    // Decode is the same code either way; the prefill's KV and logits must be close enough
    // that 20 greedy steps pick the same tokens.
    void greedy_tokens_match() {
        QFETCH(int, tile_rows);
        QFETCH(int, tile_cols);
        QFETCH(int, sram);
        static const Run naive = run_session({}, 20);
        const Run flashed = run_session(flash(tile_rows, tile_cols, sram), 20);
        QCOMPARE(flashed.result.tokens().size(), size_t(20));
        QCOMPARE(flashed.result.tokens(), naive.result.tokens());
        QCOMPARE(flashed.result.prompt_tokens, prompt_tokens());
    }

    // With prefix caching the second run's prefill attends from past the stored prefix
    // blocks (a pass over a cached past that the cache, not the caller, chose).
    void prefix_caching_with_flash() {
        const Model& model = story_model();
        KvConfig kv = kv_of("paged4");
        kv.prefix_caching = true;
        static const Run naive = run_session({}, 8);
        CpuBackend backend(model.config, model.weights, kv, flash(7, 5));
        Tokenizer tokenizer(*model.vocab);
        for (int run = 0; run < 2; ++run) {
            MemoryTrace trace;
            Session session(backend, tokenizer, greedy(8), &trace);
            QCOMPARE(session.run(kPrompt).tokens(), naive.result.tokens());
            int hits = 0;
            for (const Event& e : trace.events())
                if (const auto* k = std::get_if<KvEvent>(&e.body); k && k->op == "prefix_hit") ++hits;
            QCOMPARE(hits, run);  // the second run found the prompt's full blocks stored
        }
    }

    void tile_events_reach_the_trace_data() {
        QTest::addColumn<int>("tile_rows");
        QTest::addColumn<int>("tile_cols");
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("head");
        QTest::addColumn<int>("max_events");
        QTest::addColumn<int>("highlight");
        QTest::newRow("7×5, layer 2 head 5, all") << 7 << 5 << 2 << 5 << 4096 << 20;
        QTest::newRow("4×4, layer 4 head 7, all") << 4 << 4 << 4 << 7 << 4096 << -1;
        QTest::newRow("7×5, layer 0 head 0, budget 10") << 7 << 5 << 0 << 0 << 10 << 3;
        QTest::newRow("3×5, budget 0") << 3 << 5 << 1 << 1 << 0 << -1;
    }

    // Only the configured layer and head report, at most max_tile_events per prefill, and
    // (unbounded) their bytes and FLOPs are the dry run's for the prompt's shape.
    void tile_events_reach_the_trace() {
        QFETCH(int, tile_rows);
        QFETCH(int, tile_cols);
        QFETCH(int, layer);
        QFETCH(int, head);
        QFETCH(int, max_events);
        QFETCH(int, highlight);
        AttentionConfig attention = flash(tile_rows, tile_cols);
        attention.trace_layer = layer;
        attention.trace_head = head;
        attention.max_tile_events = max_events;
        attention.highlight_row = highlight;
        const Run run = run_session(attention, 3);

        // the prompt's one head: N × N keys, d = 32, causal from position 0, F32
        const int n = static_cast<int>(prompt_tokens().size());
        AttentionShape shape;
        shape.n_queries = n;
        shape.n_keys = n;
        shape.head_dim = 32;
        shape.causal = true;
        shape.element_bytes = 4;
        const AttentionCost cost = flash_attention_cost(shape, {tile_rows, tile_cols});
        const int all_events = 1 + cost.n_tiles;  // flash_init + one per computed tile
        QCOMPARE(int(run.tiles.size()), std::min(max_events, all_events));

        AttentionCost sum;
        for (const TileEvent& e : run.tiles) {
            QCOMPARE(e.layer, layer);
            QCOMPARE(e.head, head);
            QVERIFY(e.kind == "flash_init" || e.kind == "flash_tile");
            sum.hbm_read_bytes += e.hbm_read_bytes;
            sum.hbm_write_bytes += e.hbm_write_bytes;
            sum.flops += e.flops;
            const bool holds = e.kind == "flash_tile" && e.q_first <= highlight && highlight < e.q_first + e.q_rows;
            QCOMPARE(e.m_after.has_value(), holds);
        }
        if (max_events >= all_events) {
            QCOMPARE(sum.hbm_read_bytes, cost.hbm_read_bytes);
            QCOMPARE(sum.hbm_write_bytes, cost.hbm_write_bytes);
            QCOMPARE(sum.flops, cost.flops);
        } else {
            QVERIFY(sum.hbm_read_bytes <= cost.hbm_read_bytes);
        }
    }

    // Naive attention reports its three kernels for the traced layer, costed like the dry run.
    void naive_reports_its_kernels() {
        AttentionConfig attention;
        attention.trace_layer = 3;
        attention.trace_head = 2;
        const Run run = run_session(attention, 2);
        QCOMPARE(run.tiles.size(), size_t(3));
        const int n = static_cast<int>(prompt_tokens().size());
        AttentionShape shape;
        shape.n_queries = n;
        shape.n_keys = n;
        shape.head_dim = 32;
        shape.causal = true;
        const AttentionCost cost = naive_attention_cost(shape);
        long long read = 0, written = 0;
        const char* kinds[] = {"naive_qk", "naive_softmax", "naive_pv"};
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(run.tiles[i].kind, std::string(kinds[i]));
            QCOMPARE(run.tiles[i].layer, 3);
            QCOMPARE(run.tiles[i].head, 2);
            read += run.tiles[i].hbm_read_bytes;
            written += run.tiles[i].hbm_write_bytes;
        }
        QCOMPARE(read, cost.hbm_read_bytes);
        QCOMPARE(written, cost.hbm_write_bytes);
    }

    // A sliding window hides early keys, which Algorithm 1's causal walk cannot express.
    void flash_with_sliding_window_is_refused() {
        KvConfig kv;
        kv.kind = KvKind::Sliding;
        kv.window = 8;
        try {
            CpuBackend backend(story_model().config, story_model().weights, kv, flash());
            QFAIL("expected InvalidArgument");
        } catch (const InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("flash") != std::string::npos, e.what());
        }
        // naive attention over the same window is fine
        CpuBackend naive(story_model().config, story_model().weights, kv);
    }

    void out_of_range_config_is_refused_data() {
        QTest::addColumn<int>("field");
        QTest::addColumn<QString>("option");
        QTest::newRow("trace_layer 5 of 5 layers") << 0 << "--tile-layer";
        QTest::newRow("trace_layer -1") << 1 << "--tile-layer";
        QTest::newRow("trace_head 8 of 8 heads") << 2 << "--tile-head";
        QTest::newRow("tile_rows without tile_cols") << 3 << "--tile-rows";
        QTest::newRow("tile_cols without tile_rows") << 4 << "--tile-cols";
        QTest::newRow("unknown preset") << 5 << "--device-preset";
        QTest::newRow("negative sram") << 6 << "--sram-bytes";
        QTest::newRow("highlight_row -2") << 7 << "--highlight-row";
        QTest::newRow("max_tile_events -1") << 8 << "--max-tile-events";
    }

    void out_of_range_config_is_refused() {
        QFETCH(int, field);
        QFETCH(QString, option);
        for (AttentionKind kind : {AttentionKind::Flash, AttentionKind::Naive}) {
            AttentionConfig a;
            a.kind = kind;
            switch (field) {
            case 0: a.trace_layer = 5; break;
            case 1: a.trace_layer = -1; break;
            case 2: a.trace_head = 8; break;
            case 3: a.tile_rows = 3; break;
            case 4: a.tile_cols = 3; break;
            case 5: a.device_preset = "x"; break;
            case 6: a.sram_bytes = -1; break;
            case 7: a.highlight_row = -2; break;
            case 8: a.max_tile_events = -1; break;
            }
            try {
                CpuBackend backend(story_model().config, story_model().weights, {}, a);
                QFAIL(qPrintable("expected InvalidArgument naming " + option));
            } catch (const InvalidArgument& e) {
                QVERIFY2(std::string(e.what()).find(option.toStdString()) != std::string::npos, e.what());
            }
        }
        // the largest values in range are accepted
        AttentionConfig edge = flash();
        edge.trace_layer = 4;
        edge.trace_head = 7;
        CpuBackend backend(story_model().config, story_model().weights, {}, edge);
    }
};

QTEST_APPLESS_MAIN(TestAttentionEngine)
#include "test_attention_engine.moc"
