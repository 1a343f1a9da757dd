// The CUDA backend against the CPU backend (the reference), F32 parity mode: prefill logits
// and hidden states, a multi-token pass on a cached past, batched decode after forks,
// greedy and beam-search sessions on the embedded model (same tokens, and for beams the
// same KV events — one BlockManager serves both), every block back after a run, bad
// tokens refused, and a pool too small stopping the run like the CPU's. BF16 mode: logits
// within a BF16 tolerance of the CPU's and the embedded model's greedy choices. Skipped
// without a CUDA device.
#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"
#include "cuda_backend.h"
#include "device_info.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "model/random_model.h"
#include "tokenizer/tokenizer.h"
#include "trace/trace_sink.h"

using namespace dlab;

namespace {

constexpr double kRelativeTolerance = 1e-4;

// BF16 mode against the F32 CPU: BF16 keeps 8 significant bits, so each weight and each
// product input is off by up to 2⁻⁹ ≈ 2e-3 relative; over a row the errors mostly cancel,
// but they pass through every layer. A CPU emulation with only the weights rounded to BF16
// gives worst row-relative logit errors of 3e-3 (random small, 128 positions) and 6e-3
// (embedded, 512 positions); rounding the activations too adds about as much again. 3e-2
// leaves a margin of ~3× over that while still catching a wrong layout or a missing term
// (those give errors of order 1).
constexpr double kBf16RelativeTolerance = 3e-2;

const Model& story_model() {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    return model;
}

const Model& small_model() {
    static const Model model = random_model(small_config(), 41);  // GQA: 8 query heads over 2 KV heads
    return model;
}

KvConfig paged(int block_size, int num_blocks = 0) {
    KvConfig kv;
    kv.kind = KvKind::Paged;
    kv.block_size = block_size;
    kv.num_blocks = num_blocks;
    return kv;
}

std::vector<int> some_tokens(int n, int vocab_size, int salt = 0) {
    std::vector<int> tokens;
    for (int i = 0; i < n; ++i) tokens.push_back(3 + (i * 37 + salt * 11) % (vocab_size - 3));
    return tokens;
}

// Empty when every row of `actual` is within kRelativeTolerance of `expected`, relative to
// the row's largest magnitude; else where and by how much they differ first.
QString compare_rows(const RowMatrix& actual, const RowMatrix& expected, const QString& what,
                     double tolerance = kRelativeTolerance) {
    if (actual.rows() != expected.rows() || actual.cols() != expected.cols())
        return QString("%1: CUDA shape [%2][%3], CPU shape [%4][%5]")
            .arg(what)
            .arg(actual.rows())
            .arg(actual.cols())
            .arg(expected.rows())
            .arg(expected.cols());
    for (Eigen::Index r = 0; r < expected.rows(); ++r) {
        Eigen::Index col = 0;
        const float diff = (actual.row(r) - expected.row(r)).cwiseAbs().maxCoeff(&col);
        const float scale = std::max(expected.row(r).cwiseAbs().maxCoeff(), 1e-6f);
        if (!(diff / scale <= tolerance))  // also catches NaN
            return QString("%1: row %2, column %3: CUDA %4, CPU %5; max abs diff %6 = %7 of the row's max |x| %8")
                .arg(what)
                .arg(r)
                .arg(col)
                .arg(actual(r, col), 0, 'g', 9)
                .arg(expected(r, col), 0, 'g', 9)
                .arg(diff, 0, 'g', 4)
                .arg(diff / scale, 0, 'g', 4)
                .arg(scale, 0, 'g', 4);
    }
    return {};
}

#define EXPECT_ROWS(actual, expected, what)                        \
    do {                                                           \
        const QString message_ = compare_rows(actual, expected, what); \
        if (!message_.isEmpty()) QFAIL(qPrintable(message_));      \
    } while (0)

// The same batch through both backends; outputs compared row by row.
void forward_both(Backend& gpu, Backend& cpu, const std::vector<SequenceInput>& batch, const ForwardOptions& options,
                  const QString& what, double tolerance = kRelativeTolerance) {
    const std::vector<SequenceOutput> g = gpu.forward(batch, options);
    const std::vector<SequenceOutput> c = cpu.forward(batch, options);
    QCOMPARE(g.size(), c.size());
    for (size_t i = 0; i < c.size(); ++i) {
        QCOMPARE(g[i].seq_id, c[i].seq_id);
        const QString at = QString("%1, sequence %2 (length now %3)").arg(what).arg(c[i].seq_id).arg(cpu.sequence_length(c[i].seq_id));
        const QString logits_message = compare_rows(g[i].logits, c[i].logits, at + " logits", tolerance);
        if (!logits_message.isEmpty()) QFAIL(qPrintable(logits_message));
        if (options.hidden) {
            const QString hidden_message = compare_rows(g[i].hidden, c[i].hidden, at + " hidden", tolerance);
            if (!hidden_message.isEmpty()) QFAIL(qPrintable(hidden_message));
        }
    }
    for (const SequenceInput& input : batch) QCOMPARE(gpu.sequence_length(input.seq_id), cpu.sequence_length(input.seq_id));
}

// forward_both, leaving the test function at the first difference
#define FORWARD_BOTH(...)                                 \
    do {                                                  \
        forward_both(__VA_ARGS__);                        \
        if (QTest::currentTestFailed()) return;           \
    } while (0)

struct Run {
    GenerationResult result;
    std::vector<KvEvent> kv_events;
};

Run run_session(Backend& backend, const GenerationConfig& config, const std::string& prompt) {
    const Model& model = story_model();
    Tokenizer tokenizer(*model.vocab);
    MemoryTrace trace;
    SessionOptions options;
    options.record_timings = false;
    Session session(backend, tokenizer, config, &trace, options);
    Run run;
    run.result = session.run(prompt);
    for (const Event& e : trace.events())
        if (const auto* kv = std::get_if<KvEvent>(&e.body)) run.kv_events.push_back(*kv);
    return run;
}

GenerationConfig generation(StrategyKind kind, int max_new_tokens) {
    GenerationConfig c;
    c.strategy = kind;
    c.max_new_tokens = max_new_tokens;
    c.stop_at_eos = false;
    return c;
}

QString describe(const KvEvent& e) {
    QString s = QString("%1 seq %2").arg(QString::fromStdString(e.op)).arg(e.seq);
    if (e.other_seq >= 0) s += QString("→%1").arg(e.other_seq);
    s += " blocks [";
    for (int b : e.blocks) s += QString::number(b) + " ";
    s += QString("] pos %1+%2 tables {").arg(e.first_pos).arg(e.n_pos);
    for (const auto& [seq, table] : e.tables) {
        s += QString("%1: [").arg(seq);
        for (int b : table) s += QString::number(b) + " ";
        s += "] ";
    }
    return s + "}";
}

void expect_same_tokens(const Run& gpu, const Run& cpu) {
    QCOMPARE(gpu.result.sequences.size(), cpu.result.sequences.size());
    for (size_t i = 0; i < cpu.result.sequences.size(); ++i) {
        const std::vector<int>& g = gpu.result.sequences[i].tokens;
        const std::vector<int>& c = cpu.result.sequences[i].tokens;
        const auto [gi, ci] = std::mismatch(g.begin(), g.end(), c.begin(), c.end());
        if (gi != g.end() || ci != c.end())
            QFAIL(qPrintable(QString("sequence %1: tokens differ first at index %2: CUDA %3, CPU %4 (lengths %5, %6)")
                                 .arg(i)
                                 .arg(gi - g.begin())
                                 .arg(gi == g.end() ? -1 : *gi)
                                 .arg(ci == c.end() ? -1 : *ci)
                                 .arg(g.size())
                                 .arg(c.size())));
    }
    QCOMPARE(gpu.result.stop_reason, cpu.result.stop_reason);
}

int argmax(const RowMatrix& logits, Eigen::Index row) {
    Eigen::Index col = 0;
    logits.row(row).maxCoeff(&col);
    return static_cast<int>(col);
}

void expect_pool_whole(const Backend& backend, const QString& what) {
    const KvStatsEvent stats = *backend.kv_stats();
    if (stats.free_blocks != stats.n_blocks || stats.n_sequences != 0 || stats.slots_reserved != 0)
        QFAIL(qPrintable(QString("%1: after the run %2 of %3 blocks are free, %4 sequences live, %5 slots reserved")
                             .arg(what)
                             .arg(stats.free_blocks)
                             .arg(stats.n_blocks)
                             .arg(stats.n_sequences)
                             .arg(stats.slots_reserved)));
}

}  // namespace

class TestCudaBackend : public QObject {
    Q_OBJECT

private slots:
    void init() {
        if (cuda_device_count() == 0) QSKIP("no CUDA device");
    }

    void prefill_matches_cpu_data() {
        QTest::addColumn<bool>("embedded");
        QTest::addColumn<int>("n_tokens");
        QTest::addColumn<int>("kv");  // 0 contiguous, else the paged block size
        QTest::newRow("random GQA, 16 tokens, contiguous") << false << 16 << 0;
        QTest::newRow("random GQA, 37 tokens, paged bs4") << false << 37 << 4;
        QTest::newRow("random GQA, whole context, paged bs16") << false << 128 << 16;
        QTest::newRow("embedded, 40 tokens, contiguous") << true << 40 << 0;
        QTest::newRow("embedded, whole context, paged bs16") << true << 512 << 16;
    }

    // Every position's logits and final-normed hidden state of a prompt.
    void prefill_matches_cpu() {
        QFETCH(bool, embedded);
        QFETCH(int, n_tokens);
        QFETCH(int, kv);
        const Model& model = embedded ? story_model() : small_model();
        QVERIFY(n_tokens <= model.config.context_length);
        const KvConfig config = kv ? paged(kv) : KvConfig{};
        CudaBackend gpu(model.config, model.weights, config);
        CpuBackend cpu(model.config, model.weights, config);
        QCOMPARE(gpu.name(), std::string("cuda"));
        ForwardOptions all;
        all.all_logits = true;
        all.hidden = true;
        FORWARD_BOTH(gpu, cpu, {{0, some_tokens(n_tokens, model.config.vocab_size)}}, all, "prefill");
        // and the last-position-only default
        FORWARD_BOTH(gpu, cpu, {{1, some_tokens(n_tokens, model.config.vocab_size, 1)}}, {}, "prefill (last logits)");
    }

    void multi_token_pass_on_cached_past_data() {
        QTest::addColumn<int>("kv");
        QTest::newRow("contiguous") << 0;
        QTest::newRow("paged bs1") << 1;
        QTest::newRow("paged bs4") << 4;
    }

    // Prefill, single-token decodes, then multi-token passes (query_offset > 0) on the cached past.
    void multi_token_pass_on_cached_past() {
        QFETCH(int, kv);
        const Model& model = small_model();
        const KvConfig config = kv ? paged(kv) : KvConfig{};
        CudaBackend gpu(model.config, model.weights, config);
        CpuBackend cpu(model.config, model.weights, config);
        const std::vector<int> tokens = some_tokens(40, model.config.vocab_size, 2);
        ForwardOptions all;
        all.all_logits = true;
        int pos = 0;
        for (int n : {7, 1, 1, 5, 1, 3, 2, 1, 9}) {
            const std::vector<int> chunk(tokens.begin() + pos, tokens.begin() + pos + n);
            FORWARD_BOTH(gpu, cpu, {{0, chunk}}, all, QString("pass of %1 tokens at position %2").arg(n).arg(pos));
            pos += n;
        }
        gpu.truncate_sequence(0, 20);
        cpu.truncate_sequence(0, 20);
        FORWARD_BOTH(gpu, cpu, {{0, {5, 6, 7}}}, all, "3 tokens after a truncation to 20");
    }

    // Forked sequences decoded together, each with its own token (copy-on-write when paged).
    void batched_decode_after_forks_data() { multi_token_pass_on_cached_past_data(); }
    void batched_decode_after_forks() {
        QFETCH(int, kv);
        for (bool embedded : {false, true}) {
            const Model& model = embedded ? story_model() : small_model();
            const QString which = embedded ? "embedded" : "random";
            const KvConfig config = kv ? paged(kv) : KvConfig{};
            CudaBackend gpu(model.config, model.weights, config);
            CpuBackend cpu(model.config, model.weights, config);
            FORWARD_BOTH(gpu, cpu, {{0, some_tokens(9, model.config.vocab_size, 3)}}, {}, which + " prefill");
            for (int dst : {1, 2}) {
                gpu.fork_sequence(0, dst);
                cpu.fork_sequence(0, dst);
            }
            ForwardOptions with_hidden;
            with_hidden.hidden = true;
            for (int step = 0; step < 6; ++step) {
                std::vector<SequenceInput> batch;
                for (int seq : {2, 0, 1}) batch.push_back({seq, {10 + 7 * seq + step}});
                FORWARD_BOTH(gpu, cpu, batch, with_hidden, QString("%1 decode step %2").arg(which).arg(step));
                if (step == 2) {  // one more fork mid-run, and a sequence leaves
                    gpu.fork_sequence(1, 3);
                    cpu.fork_sequence(1, 3);
                    FORWARD_BOTH(gpu, cpu, {{3, {42}}, {1, {43}}}, {}, which + " decode after the second fork");
                    gpu.free_sequence(3);
                    cpu.free_sequence(3);
                }
            }
            for (int seq : {0, 1, 2}) {
                gpu.free_sequence(seq);
                cpu.free_sequence(seq);
            }
            expect_pool_whole(gpu, which);
        }
    }

    // Greedy on the embedded model: the very same 24 tokens.
    void greedy_session_gives_identical_tokens() {
        const Model& model = story_model();
        for (bool use_paged : {false, true}) {
            const KvConfig config = use_paged ? paged(4) : KvConfig{};
            CudaBackend gpu(model.config, model.weights, config);
            CpuBackend cpu(model.config, model.weights, config);
            const GenerationConfig greedy = generation(StrategyKind::Greedy, 24);
            const Run g = run_session(gpu, greedy, "Once upon a time");
            const Run c = run_session(cpu, greedy, "Once upon a time");
            QCOMPARE(int(c.result.tokens().size()), 24);
            expect_same_tokens(g, c);
            expect_pool_whole(gpu, use_paged ? "greedy, paged" : "greedy, contiguous");
        }
    }

    // Beam search k=4 over a paged pool of blocks of 4: the same tokens and the very same
    // KV events (op, sequences, blocks, positions, tables) as the CPU backend.
    void beam_search_gives_identical_tokens_and_kv_events() {
        const Model& model = story_model();
        const int n_blocks = 64;
        CudaBackend gpu(model.config, model.weights, paged(4, n_blocks));
        CpuBackend cpu(model.config, model.weights, paged(4, n_blocks));
        GenerationConfig beam = generation(StrategyKind::Beam, 32);
        beam.num_beams = 4;
        const Run g = run_session(gpu, beam, "Once upon a time");
        const Run c = run_session(cpu, beam, "Once upon a time");
        expect_same_tokens(g, c);
        bool saw_cow = false;
        for (size_t i = 0; i < std::min(g.kv_events.size(), c.kv_events.size()); ++i) {
            const KvEvent &a = g.kv_events[i], &b = c.kv_events[i];
            const bool same = a.op == b.op && a.seq == b.seq && a.other_seq == b.other_seq && a.blocks == b.blocks &&
                              a.first_pos == b.first_pos && a.n_pos == b.n_pos && a.tables == b.tables &&
                              a.detail == b.detail;
            if (!same)
                QFAIL(qPrintable(QString("KV event %1 differs:\n  CUDA %2\n  CPU  %3").arg(i).arg(describe(a)).arg(describe(b))));
            saw_cow = saw_cow || a.op == "cow";
        }
        QCOMPARE(g.kv_events.size(), c.kv_events.size());
        QVERIFY2(saw_cow, "the beams never copied a shared block: the test lost its copy-on-write coverage");
        expect_pool_whole(gpu, "beam search");
        QCOMPARE(gpu.kv_stats()->free_blocks, n_blocks);
    }

    // Bad input is refused before anything changes.
    void bad_tokens_are_refused() {
        const Model& model = small_model();
        CudaBackend gpu(model.config, model.weights, paged(4));
        const int vocab = model.config.vocab_size;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, gpu.forward({{0, {1, vocab}}}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, gpu.forward({{0, {-1}}}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, gpu.forward({{0, {}}}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, gpu.forward({{0, {1}}, {0, {2}}}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 gpu.forward({{0, some_tokens(model.config.context_length + 1, vocab)}}));
        QCOMPARE(gpu.sequence_length(0), 0);
        expect_pool_whole(gpu, "after refused batches");
        // and still works
        CpuBackend cpu(model.config, model.weights, paged(4));
        FORWARD_BOTH(gpu, cpu, {{0, {1, 2, 3}}}, {}, "after refused batches");
    }

    void bf16_matches_cpu_within_tolerance_data() {
        QTest::addColumn<bool>("embedded");
        QTest::addColumn<int>("kv");  // 0 contiguous, else the paged block size
        QTest::newRow("random GQA, contiguous") << false << 0;
        QTest::newRow("random GQA, paged bs4") << false << 4;
        QTest::newRow("embedded, contiguous") << true << 0;
        QTest::newRow("embedded, paged bs16") << true << 16;
    }

    // BF16 mode: a prefill (GemmEx: more rows than the matrix-vector kernel takes), decode
    // steps of 1 and of 3 forked sequences (the BF16 matrix-vector kernel), logits and hidden
    // states within kBf16RelativeTolerance of the F32 CPU.
    void bf16_matches_cpu_within_tolerance() {
        QFETCH(bool, embedded);
        QFETCH(int, kv);
        const Model& model = embedded ? story_model() : small_model();
        const KvConfig config = kv ? paged(kv) : KvConfig{};
        CudaBackend gpu(model.config, model.weights, config, 0, CudaPrecision::BF16);
        CpuBackend cpu(model.config, model.weights, config);
        QCOMPARE(gpu.precision(), CudaPrecision::BF16);
        const double tol = kBf16RelativeTolerance;
        ForwardOptions all;
        all.all_logits = true;
        all.hidden = true;
        FORWARD_BOTH(gpu, cpu, {{0, some_tokens(40, model.config.vocab_size, 5)}}, all, "bf16 prefill", tol);
        ForwardOptions with_hidden;
        with_hidden.hidden = true;
        for (int step = 0; step < 4; ++step)
            FORWARD_BOTH(gpu, cpu, {{0, {20 + step}}}, with_hidden, QString("bf16 decode step %1").arg(step), tol);
        for (int dst : {1, 2}) {
            gpu.fork_sequence(0, dst);
            cpu.fork_sequence(0, dst);
        }
        for (int step = 0; step < 3; ++step) {
            std::vector<SequenceInput> batch;
            for (int seq : {2, 0, 1}) batch.push_back({seq, {30 + 5 * seq + step}});
            FORWARD_BOTH(gpu, cpu, batch, with_hidden, QString("bf16 batched decode step %1").arg(step), tol);
        }
        // a 12-row pass on the cached past: GemmEx again, at a query offset > 0
        FORWARD_BOTH(gpu, cpu, {{0, some_tokens(12, model.config.vocab_size, 6)}}, all, "bf16 12-token pass", tol);
        for (int seq : {0, 1, 2}) {
            gpu.free_sequence(seq);
            cpu.free_sequence(seq);
        }
        expect_pool_whole(gpu, "bf16");
    }

    // BF16 mode on the embedded model, greedy. Two criteria, because exact equality of a
    // long free-running generation would be a wish, not a property: where the CPU's two best
    // logits are closer than the BF16 error the argmax may flip, and from there on the two
    // runs continue from different text.
    //  1. Free-running greedy sessions from "Once upon a time": the first 8 tokens equal.
    //  2. Teacher-forced top-1 over 64 positions: the CPU's own 64-token greedy continuation
    //     fed to both backends in one pass; the GPU's argmax equals the CPU's at ≥ 95% of the
    //     positions, and at every position where the CPU's top-1 leads its top-2 by more than
    //     twice the tolerated error (2 · kBf16RelativeTolerance · the row's max |logit|).
    void bf16_greedy_agrees_with_cpu() {
        const Model& model = story_model();
        CudaBackend gpu(model.config, model.weights, paged(16), 0, CudaPrecision::BF16);
        CpuBackend cpu(model.config, model.weights, paged(16));
        const Run g = run_session(gpu, generation(StrategyKind::Greedy, 24), "Once upon a time");
        const Run c = run_session(cpu, generation(StrategyKind::Greedy, 64), "Once upon a time");
        const std::vector<int>& gt = g.result.tokens();  // generated tokens only
        const std::vector<int>& ct = c.result.tokens();
        QCOMPARE(int(ct.size()), 64);
        QVERIFY(gt.size() >= 8 && ct.size() >= 8);
        const auto first_difference = std::mismatch(gt.begin(), gt.end(), ct.begin()).first - gt.begin();
        if (first_difference < 8)
            QFAIL(qPrintable(QString("free-running greedy: CUDA BF16 and CPU differ at token %1 (CUDA %2, CPU %3)")
                                 .arg(first_difference)
                                 .arg(gt[first_difference])
                                 .arg(ct[first_difference])));
        qInfo("free-running greedy: the first %d of %d tokens equal", int(first_difference), int(gt.size()));
        expect_pool_whole(gpu, "bf16 greedy");

        // teacher-forced: the prompt and the CPU's 64 tokens in one pass each; rows
        // first … first + 63 are the positions that predict the 64 generated tokens
        std::vector<int> forced = c.result.prompt_tokens;
        const Eigen::Index first = static_cast<Eigen::Index>(forced.size()) - 1;
        forced.insert(forced.end(), ct.begin(), ct.end() - 1);
        const int seq = 7;
        ForwardOptions all;
        all.all_logits = true;
        const RowMatrix gl = gpu.forward({{seq, forced}}, all).at(0).logits;
        const RowMatrix cl = cpu.forward({{seq, forced}}, all).at(0).logits;
        QCOMPARE(gl.rows(), cl.rows());
        QCOMPARE(cl.rows() - first, Eigen::Index(64));
        for (int i = 0; i < 64; ++i)  // the CPU's pass reproduces its own greedy choices
            QCOMPARE(argmax(cl, first + i), ct[i]);
        int agree = 0, n = 0;
        for (Eigen::Index r = first; r < cl.rows(); ++r, ++n) {
            const int c_top = argmax(cl, r), g_top = argmax(gl, r);
            if (c_top == g_top) {
                ++agree;
                continue;
            }
            RowMatrix rest = cl.row(r);
            const float top = rest(0, c_top);
            rest(0, c_top) = -std::numeric_limits<float>::infinity();
            const float margin = top - rest.row(0).maxCoeff();
            const float allowed = 2.0f * float(kBf16RelativeTolerance) * cl.row(r).cwiseAbs().maxCoeff();
            if (margin > allowed)
                QFAIL(qPrintable(QString("position %1: CPU top-1 %2 leads by %3 > %4, yet CUDA BF16 chose %5")
                                     .arg(r)
                                     .arg(c_top)
                                     .arg(margin)
                                     .arg(allowed)
                                     .arg(g_top)));
        }
        qInfo("teacher-forced top-1 agreement: %d of %d positions", agree, n);
        QVERIFY2(agree * 100 >= 95 * n, qPrintable(QString("top-1 agreement %1 of %2 < 95%").arg(agree).arg(n)));
    }

    // The F32 default is unchanged by the precision option.
    void default_precision_is_f32() {
        const Model& model = small_model();
        CudaBackend gpu(model.config, model.weights);
        QCOMPARE(gpu.precision(), CudaPrecision::F32);
        QCOMPARE(std::string(to_string(CudaPrecision::BF16)), std::string("bf16"));
        CudaBackend bf16(model.config, model.weights, {}, 0, CudaPrecision::BF16);
        // BF16 matrices: about half the bytes per token of F32 (norms and the embedding row stay F32)
        QVERIFY(bf16.weight_bytes_per_token() < 0.6 * gpu.weight_bytes_per_token());
    }

    void sliding_window_is_unsupported() {
        const Model& model = small_model();
        KvConfig kv;
        kv.kind = KvKind::Sliding;
        kv.window = 8;
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, CudaBackend(model.config, model.weights, kv));
    }

    // A pool that runs dry mid-run stops the session with the CPU's reason, tokens and detail.
    void exhausted_pool_stops_like_the_cpu() {
        const Model& model = story_model();
        const int n_blocks = 12;
        CudaBackend gpu(model.config, model.weights, paged(4, n_blocks));
        CpuBackend cpu(model.config, model.weights, paged(4, n_blocks));
        GenerationConfig beam = generation(StrategyKind::Beam, 60);
        beam.num_beams = 4;
        const Run g = run_session(gpu, beam, "Once upon a time");
        const Run c = run_session(cpu, beam, "Once upon a time");
        QCOMPARE(c.result.stop_reason, std::string("kv_exhausted"));
        QCOMPARE(g.result.stop_reason, std::string("kv_exhausted"));
        QCOMPARE(g.result.stop_detail, c.result.stop_detail);
        expect_same_tokens(g, c);
        expect_pool_whole(gpu, "exhausted pool");
        // the backend is still sound: a short greedy run like the CPU's
        const GenerationConfig greedy = generation(StrategyKind::Greedy, 8);
        expect_same_tokens(run_session(gpu, greedy, "Once upon a time"), run_session(cpu, greedy, "Once upon a time"));
    }
};

QTEST_APPLESS_MAIN(TestCudaBackend)
#include "test_cuda_backend.moc"
