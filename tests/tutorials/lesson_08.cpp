// Lesson 08, the same run on a GPU: what the CPU path gives where there is no GPU (this test
// needs none). `--backend auto` with `--attention flash` runs on the CPU with a note (on any
// machine: flash is CPU-only for now); the tiles come from the preset's SRAM per block,
// Bc = ⌈M / 4d⌉ and Br = min(Bc, d) at 4-byte floats (H200 32 × 454, A100 32 × 326,
// 16 KiB 32 × 32); the 96-token prompt's traced pass moves the bytes Algorithm 1's
// accounting gives by hand (76,032 at H200 and A100, 114,432 at 16 KiB, standard attention
// 4(Nd + N²)e = 196,608), which is what the memory view turns into 0.0158 µs on the H200's
// 4.8 TB/s; `io-model --device-preset h200 --csv`'s row N = 1024, d = 64, M = 227 KiB checked
// by hand, and io-model with the engine's settings gives the trace's bytes back.
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <cmath>

#include "attention/device_preset.h"
#include "testing/cli_runner.h"
#include "testing/csv.h"
#include "tutorials/lesson_runner.h"
#include "tutorials/lesson_tests.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

constexpr int kPromptTokens = 96;  // the lesson's prompt, BOS included
constexpr int kHeadDim = 32;       // the embedded target: dim 256 over 8 heads
constexpr long long kFloat = 4;    // the engine's elements: F32
constexpr long long kKiB = 1024;

struct Tiles {
    int rows = 0, cols = 0;
};

// Algorithm 1, line 1, worked by hand: Bc = ⌈M / 4de⌉, Br = min(Bc, d).
Tiles tiles_for(long long sram_bytes, int d, long long e) {
    const long long per_row = 4 * d * e;
    const int cols = int((sram_bytes + per_row - 1) / per_row);
    return {std::min(cols, d), cols};
}

struct Bytes {
    long long read = 0, written = 0, flops = 0;
    int tiles = 0, skipped = 0, masked = 0;
    long long total() const { return read + written; }
};

// Algorithm 1's HBM accounting as a straight loop: O, ℓ, m initialized in HBM; for each
// column j, K_j and V_j read once; for each visible tile Q_i, O_i, ℓ_i, m_i read and
// O_i, ℓ_i, m_i written back; a causal tile wholly above the diagonal is skipped.
Bytes flash_bytes(int n, int d, Tiles t, long long e, bool causal) {
    Bytes b;
    b.written += (1LL * n * d + 2LL * n) * e;
    for (int kv_first = 0; kv_first < n; kv_first += t.cols) {
        const int kv_rows = std::min(t.cols, n - kv_first);
        bool loaded = false;
        for (int q_first = 0; q_first < n; q_first += t.rows) {
            const int q_rows = std::min(t.rows, n - q_first);
            if (causal && q_first + q_rows - 1 < kv_first) {
                ++b.skipped;
                continue;
            }
            ++b.tiles;
            if (causal && q_first < kv_first + kv_rows - 1) ++b.masked;
            if (!loaded) b.read += 2LL * kv_rows * d * e;
            loaded = true;
            b.read += (2LL * q_rows * d + 2LL * q_rows) * e;
            b.written += (1LL * q_rows * d + 2LL * q_rows) * e;
            b.flops += 4LL * q_rows * kv_rows * d;
        }
    }
    return b;
}

// Standard attention: Q, K read, S written; S read, P written; P, V read, O written.
long long naive_bytes(long long n, long long d, long long e) { return 4 * (n * d + n * n) * e; }

Bytes traced(const LessonRun& run) {
    Bytes b;
    for (const TileEvent* t : run.all<TileEvent>()) {
        b.read += t->hbm_read_bytes;
        b.written += t->hbm_write_bytes;
        b.flops += t->flops;
        if (t->kind == "flash_tile") {
            ++b.tiles;
            if (t->masked) ++b.masked;
        }
    }
    return b;
}

QJsonObject json_of(const LessonRun& run) { return QJsonDocument::fromJson(QByteArray::fromStdString(run.text)).object(); }

std::vector<int> tokens_of(const LessonRun& run) { return run.all<StepEvent>().back()->sequences.front().tokens; }

// The one row of an io-model CSV with these n, head_dim and sram_bytes, by column name.
QMap<QString, QString> io_row(const QList<QStringList>& csv, int n, int d, long long m) {
    QMap<QString, QString> row;
    for (qsizetype r = 1; r < csv.size(); ++r) {
        if (csv[r].size() != csv[0].size()) continue;
        for (qsizetype c = 0; c < csv[0].size(); ++c) row[csv[0][c]] = csv[r][c];
        if (row["n"].toInt() == n && row["head_dim"].toInt() == d && row["sram_bytes"].toLongLong() == m) return row;
    }
    return {};
}

bool near(double actual, double expected, double relative = 1e-5) {
    return std::abs(actual - expected) <= relative * std::abs(expected);
}

QList<QStringList> io_model(const QStringList& arguments) {
    const CliResult cli = run_cli(QStringList{"io-model", "--csv"} + arguments);
    if (cli.exit_code != 0) qWarning("io-model: %s", qPrintable(cli.err));
    return parse_csv(cli.out);
}

}  // namespace

class TestLesson08 : public QObject {
    Q_OBJECT
    LessonResult m_lesson;

    const LessonRun& h200() const { return m_lesson.runs.at(0); }
    const LessonRun& a100() const { return m_lesson.runs.at(1); }
    const LessonRun& tiny() const { return m_lesson.runs.at(2); }
    const LessonRun& naive() const { return m_lesson.runs.at(3); }
    const LessonRun& cpu() const { return m_lesson.runs.at(4); }

private slots:
    void initTestCase() { m_lesson = run_lesson("08-gpu-kernels"); }

    void thePromptAndTheHead() {
        const RunEvent& run = *h200().all<RunEvent>().front();
        QCOMPARE(int(run.prompt_tokens.size()), kPromptTokens);
        QCOMPARE(std::stoi(run.model_facts.at("dim")) / std::stoi(run.model_facts.at("n_heads")), kHeadDim);
        QCOMPARE(json_of(h200())["attention"].toObject()["head_dim"].toInt(), kHeadDim);
    }

    void autoFallsBackToTheCpuWithANote() {
        // flash attention is CPU-only, so this holds on a GPU machine too; only the reason differs
        for (const LessonRun* run : {&h200(), &a100(), &tiny(), &cpu()}) {
            QCOMPARE(run->all<RunEvent>().front()->backend, std::string("cpu"));
            QCOMPARE(json_of(*run)["backend"].toString(), QString("cpu"));
        }
        const QString scenario = QString::fromStdString(tutorials_dir() + "/08-gpu-kernels/scenario.json");
        const CliResult with_auto = run_cli({"lesson", scenario, "--run", "1"});
        QCOMPARE(with_auto.exit_code, 0);
        QVERIFY2(with_auto.err.contains("; running on the CPU"), qPrintable(with_auto.err));
        QVERIFY2(with_auto.err.contains("no CUDA device") || with_auto.err.contains("built without CUDA") ||
                     with_auto.err.contains("--attention flash is CPU-only for now"),
                 qPrintable(with_auto.err));
        const CliResult by_name = run_cli({"lesson", scenario, "--run", "5"});
        QCOMPARE(by_name.exit_code, 0);
        QVERIFY2(!by_name.err.contains("running on the CPU"), qPrintable(by_name.err));
        // asking for the GPU by name with flash attention is refused on every machine
        const CliResult cuda = run_cli({"generate", "--prompt", "Once upon a time", "--max-new-tokens", "1",
                                        "--backend", "cuda", "--attention", "flash"});
        QCOMPARE(cuda.exit_code, 2);
        QVERIFY2(cuda.err.contains("--backend cuda: --attention flash is CPU-only for now"), qPrintable(cuda.err));
    }

    void thePresetSizesTheTiles() {
        const Tiles h = tiles_for(227 * kKiB, kHeadDim, kFloat), a = tiles_for(163 * kKiB, kHeadDim, kFloat),
                    s = tiles_for(16 * kKiB, kHeadDim, kFloat);
        // the lesson's numbers, worked by hand: ⌈232448 / 512⌉ = 454, ⌈166912 / 512⌉ = 326, 16384 / 512 = 32
        QCOMPARE(h.cols, 454);
        QCOMPARE(a.cols, 326);
        QCOMPARE(s.cols, 32);
        QCOMPARE(h.rows, 32);
        QCOMPARE(a.rows, 32);
        QCOMPARE(s.rows, 32);
        // quiz 2: d = 64, F32, the H200: ⌈232448 / 1024⌉ = 227, Br = 64
        QCOMPARE(tiles_for(227 * kKiB, 64, kFloat).cols, 227);
        QCOMPARE(tiles_for(227 * kKiB, 64, kFloat).rows, 64);
        // the presets hold the shared memory per block the lesson quotes
        QCOMPARE(device_preset("h200").sram_per_block, 227 * kKiB);
        QCOMPARE(device_preset("a100").sram_per_block, 163 * kKiB);
        const std::pair<const LessonRun*, Tiles> runs[] = {{&h200(), h}, {&a100(), a}, {&tiny(), s}, {&cpu(), h}};
        for (const auto& [run, t] : runs) {
            const QJsonObject tiles = json_of(*run)["attention"].toObject()["tiles"].toObject();
            QCOMPARE(tiles["rows"].toInt(), t.rows);
            QCOMPARE(tiles["cols"].toInt(), t.cols);
            // the trace's tiles: Br query rows (the last block may be shorter), at most Bc keys
            for (const TileEvent* e : run->all<TileEvent>()) {
                if (e->kind != "flash_tile") continue;
                QCOMPARE(e->q_first % t.rows, 0);
                QCOMPARE(e->kv_first % t.cols, 0);
                QCOMPARE(e->q_rows, std::min(t.rows, kPromptTokens - e->q_first));
                QCOMPARE(e->kv_rows, std::min(t.cols, kPromptTokens - e->kv_first));
            }
        }
        QCOMPARE(json_of(h200())["attention"].toObject()["sram_bytes"].toInteger(), 227 * kKiB);
        QCOMPARE(json_of(a100())["attention"].toObject()["sram_bytes"].toInteger(), 163 * kKiB);
    }

    void aPassMovesWhatTheClosedFormSays() {
        const int n = kPromptTokens, d = kHeadDim;
        // one column (Bc ≥ N): reads K, V once and Q, O, ℓ, m once: (4Nd + 2N)e; writes O, ℓ, m
        // twice (initialization and the tile): 2(Nd + 2N)e
        const long long one_column_read = (4LL * n * d + 2LL * n) * kFloat;
        const long long one_column_written = 2 * (1LL * n * d + 2LL * n) * kFloat;
        QCOMPARE(one_column_read, 49920LL);
        QCOMPARE(one_column_written, 26112LL);
        for (const LessonRun* run : {&h200(), &a100(), &cpu()}) {
            const Bytes b = traced(*run);
            QCOMPARE(b.read, one_column_read);
            QCOMPARE(b.written, one_column_written);
            QCOMPARE(b.tiles, 3);   // ⌈96 / 32⌉ query blocks in the one column
            QCOMPARE(b.masked, 3);  // the diagonal crosses every one of them
            const QJsonObject t = json_of(*run)["attention"].toObject()["traced"].toObject();
            QCOMPARE(t["hbm_read_bytes"].toInteger(), one_column_read);
            QCOMPARE(t["hbm_write_bytes"].toInteger(), one_column_written);
            QCOMPARE(t["prefill_passes"].toInt(), 1);
        }
        // 32 × 32 tiles: a 3 × 3 grid, 3 tiles above the diagonal skipped
        const Bytes small = flash_bytes(n, d, tiles_for(16 * kKiB, d, kFloat), kFloat, true);
        QCOMPARE(small.tiles, 6);
        QCOMPARE(small.skipped, 3);
        QCOMPARE(small.total(), 114432LL);
        const Bytes tiny_traced = traced(tiny());
        QCOMPARE(tiny_traced.read, small.read);
        QCOMPARE(tiny_traced.written, small.written);
        QCOMPARE(tiny_traced.tiles, 6);
        QCOMPARE(tiny_traced.masked, 3);
        QCOMPARE(tiny_traced.flops, small.flops);
        // tile by tile at the H200: flash_init writes O, ℓ, m; the first tile reads K_0, V_0 too
        const std::vector<const TileEvent*> events = h200().all<TileEvent>();
        QCOMPARE(int(events.size()), 4);
        QCOMPARE(events[0]->kind, std::string("flash_init"));
        QCOMPARE(events[0]->hbm_write_bytes, (1LL * n * d + 2LL * n) * kFloat);
        QCOMPARE(events[0]->hbm_write_bytes, 13056LL);
        const long long kv_once = 2LL * n * d * kFloat, q_o_stats = (2LL * 32 * d + 2LL * 32) * kFloat;
        QCOMPARE(kv_once, 24576LL);
        QCOMPARE(q_o_stats, 8448LL);
        QCOMPARE(events[1]->hbm_read_bytes, kv_once + q_o_stats);
        QCOMPARE(events[1]->hbm_read_bytes, 33024LL);
        for (int i = 1; i <= 3; ++i) {
            if (i > 1) QCOMPARE(events[i]->hbm_read_bytes, q_o_stats);
            QCOMPARE(events[i]->hbm_write_bytes, (32LL * d + 2LL * 32) * kFloat);
            QCOMPARE(events[i]->hbm_write_bytes, 4352LL);
            // resident: Q_i, O_i [32][d], K_j, V_j [96][d], S_ij [32][96], ℓ_i, m_i [32]
            QCOMPARE(events[i]->sram_bytes, (2LL * 32 * d + 2LL * n * d + 32LL * n + 2LL * 32) * kFloat);
            QCOMPARE(events[i]->sram_bytes, 45312LL);
        }
        // at 16 KiB the four Q, K, V, O tiles fill M exactly; S_ij, ℓ and m come on top
        QCOMPARE(4LL * 32 * d * kFloat, 16 * kKiB);
        for (const TileEvent* e : tiny().all<TileEvent>())
            if (e->kind == "flash_tile") QCOMPARE(e->sram_bytes, 20736LL);
        // the straight loop agrees with the one-column closed form
        QCOMPARE(flash_bytes(n, d, tiles_for(227 * kKiB, d, kFloat), kFloat, true).total(),
                 one_column_read + one_column_written);
    }

    void standardAttentionWritesSAndP() {
        const std::vector<const TileEvent*> kernels = naive().all<TileEvent>();
        if (naive().all<RunEvent>().front()->backend == "cuda") {
            // on a GPU machine the naive run goes to the GPU, whose backend records no tiles
            QVERIFY(kernels.empty());
            return;
        }
        QCOMPARE(int(kernels.size()), 3);
        QCOMPARE(kernels[0]->kind, std::string("naive_qk"));
        QCOMPARE(kernels[1]->kind, std::string("naive_softmax"));
        QCOMPARE(kernels[2]->kind, std::string("naive_pv"));
        const Bytes b = traced(naive());
        QCOMPARE(b.total(), naive_bytes(kPromptTokens, kHeadDim, kFloat));
        QCOMPARE(b.total(), 196608LL);
        QVERIFY(std::abs(double(b.total()) / traced(h200()).total() - 2.59) < 0.005);
        // the N × N matrices: S written by kernel 1, read and P written by kernel 2
        QCOMPARE(kernels[1]->hbm_read_bytes, 1LL * kPromptTokens * kPromptTokens * kFloat);
        QCOMPARE(kernels[1]->hbm_write_bytes, 1LL * kPromptTokens * kPromptTokens * kFloat);
    }

    void theMemoryViewsRoofline() {
        // the H200's figures the lesson quotes
        const DevicePreset& h = device_preset("h200");
        QCOMPARE(h.hbm_bandwidth, 4.8e12);
        QCOMPARE(h.sram_bandwidth, 33.4e12);
        QCOMPARE(h.n_sms, 132);
        QCOMPARE(h.peak_flops, 989e12);
        QCOMPARE(h.sram_bytes, 132 * 228 * kKiB);
        QVERIFY(std::abs(h.sram_bytes / double(kKiB * kKiB) - 29.4) < 0.05);
        QCOMPARE(h.hbm_bytes, 141 * kKiB * kKiB * kKiB);
        QCOMPARE(h.dram_bandwidth, 64e9);
        const DevicePreset& a = device_preset("a100");
        QCOMPARE(a.hbm_bandwidth, 1.5e12);
        QCOMPARE(a.sram_bandwidth, 19e12);
        // quiz 5: HBM 3.2× the book's, SRAM about 1.76×; SRAM/HBM from about 12.7× to about 7×
        QVERIFY(std::abs(h.hbm_bandwidth / a.hbm_bandwidth - 3.2) < 1e-9);
        QVERIFY(std::abs(h.sram_bandwidth / a.sram_bandwidth - 1.76) < 0.005);
        QVERIFY(std::abs(a.sram_bandwidth / a.hbm_bandwidth - 12.7) < 0.05);
        QVERIFY(std::abs(h.sram_bandwidth / h.hbm_bandwidth - 7.0) < 0.05);
        // step 0: 76,032 bytes and 4·96·96·32 FLOPs; the bytes take longer: 15.84 ns
        const Bytes b = traced(h200());
        QCOMPARE(b.flops, 4LL * kPromptTokens * kPromptTokens * kHeadDim);
        const double seconds = std::max(double(b.total()) / 4.8e12, double(b.flops) / 989e12);
        QVERIFY(near(seconds, 76032 / 4.8e12));
        QVERIFY(std::abs(seconds * 1e6 - 0.0158) < 0.00005);
        const double tiny_seconds = std::max(double(traced(tiny()).total()) / 4.8e12, double(traced(tiny()).flops) / 989e12);
        QVERIFY(std::abs(tiny_seconds * 1e6 - 0.0238) < 0.00005);
        const double naive_seconds = double(naive_bytes(kPromptTokens, kHeadDim, kFloat)) / 4.8e12;
        QVERIFY(std::abs(naive_seconds * 1e6 - 0.041) < 0.0005);
        // decode steps attend row by row: every tile event belongs to the prefill, step 0
        for (const Event& e : h200().events)
            if (std::holds_alternative<TileEvent>(e.body)) QCOMPARE(e.step, 0);
    }

    void theSameTokensEverywhere() {
        const std::vector<int> tokens = tokens_of(h200());
        QCOMPARE(int(tokens.size()), 4);
        for (const LessonRun* run : {&a100(), &tiny(), &naive(), &cpu()}) QCOMPARE(tokens_of(*run), tokens);
    }

    void ioModelRowByHand() {
        // io-model --device-preset h200 --csv, the row N = 1024, d = 64, M = 227 KiB (FP16, non-causal)
        const QList<QStringList> csv = io_model({"--device-preset", "h200"});
        const long long n = 1024, d = 64, e = 2, m = 227 * kKiB;
        const QMap<QString, QString> row = io_row(csv, int(n), int(d), m);
        QVERIFY(!row.isEmpty());
        const Tiles t = tiles_for(m, int(d), e);
        QCOMPARE(t.rows, 64);
        QCOMPARE(t.cols, 454);  // 232448 / (4 · 64 · 2) = 454 exactly
        QCOMPARE(row["br"].toInt(), t.rows);
        QCOMPARE(row["bc"].toInt(), t.cols);
        QCOMPARE(row["element_bytes"].toInt(), 2);
        QCOMPARE(row["causal"].toInt(), 0);
        // naive: 4(Nd + N²)e = 8,912,896
        QCOMPARE(row["naive_hbm_bytes"].toLongLong(), naive_bytes(n, d, e));
        QCOMPARE(naive_bytes(n, d, e), 8912896LL);
        // flash: ⌈1024 / 454⌉ = 3 columns, 16 query blocks each, none skipped:
        // read 2Nd + 3·(2Nd + 2N), written 4·(Nd + 2N), ×2 bytes = 1,601,536
        const long long flash = (2 * n * d + 3 * (2 * n * d + 2 * n) + 4 * (n * d + 2 * n)) * e;
        QCOMPARE(flash, 1601536LL);
        QCOMPARE(flash_bytes(int(n), int(d), t, e, false).total(), flash);
        QCOMPARE(row["flash_hbm_bytes"].toLongLong(), flash);
        QVERIFY(near(row["ratio"].toDouble(), double(naive_bytes(n, d, e)) / flash));
        QVERIFY(near(row["ratio"].toDouble(), 5.56522));
        // the closed forms: (Nd + N²)e and N²d²/(M/e)·e
        QVERIFY(near(row["naive_closed_form_bytes"].toDouble(), double(n * d + n * n) * e));
        const double flash_closed = double(n * d) * double(n * d) / (double(m) / e) * e;
        QVERIFY(near(row["flash_closed_form_bytes"].toDouble(), flash_closed));
        QVERIFY(near(row["flash_factor"].toDouble(), flash / flash_closed));
        QVERIFY(std::abs(flash / flash_closed - 21.67) < 0.005);
        QCOMPARE(row["naive_factor"].toDouble(), 4.0);
        // the H200's roofline: both memory-bound (4N²d FLOPs take 0.271 µs at 989 TFLOP/s)
        const double flops = 4.0 * n * n * d;
        QCOMPARE(row["device"], QString("h200"));
        QVERIFY(near(row["naive_modeled_s"].toDouble(), std::max(naive_bytes(n, d, e) / 4.8e12, flops / 989e12)));
        QVERIFY(near(row["flash_modeled_s"].toDouble(), std::max(flash / 4.8e12, flops / 989e12)));
        QVERIFY(near(row["flash_modeled_s"].toDouble(), flash / 4.8e12));
        QVERIFY(std::abs(row["naive_modeled_s"].toDouble() * 1e6 - 1.857) < 0.0005);
        QVERIFY(std::abs(row["flash_modeled_s"].toDouble() * 1e6 - 0.334) < 0.0005);
    }

    void ioModelWithTheEnginesSettings() {
        // d = 32, F32, causal: io-model's dry walk gives the trace's bytes back at N = 96, and
        // shows where the A100's and the H200's M part: only once N passes the A100's Bc = 326
        const QList<QStringList> csv = io_model({"--head-dims", "32", "--sram", "163k,227k", "--element-bytes", "4",
                                                 "--causal", "--n-min", "96", "--n-max", "384"});
        for (const long long m : {163 * kKiB, 227 * kKiB}) {
            const QMap<QString, QString> at96 = io_row(csv, kPromptTokens, kHeadDim, m);
            QCOMPARE(at96["flash_hbm_bytes"].toLongLong(), traced(h200()).total());
            QCOMPARE(at96["naive_hbm_bytes"].toLongLong(), 196608LL);
            for (const int n : {96, 192, 384}) {
                const QMap<QString, QString> row = io_row(csv, n, kHeadDim, m);
                QCOMPARE(row["flash_hbm_bytes"].toLongLong(),
                         flash_bytes(n, kHeadDim, tiles_for(m, kHeadDim, kFloat), kFloat, true).total());
                QCOMPARE(row["naive_hbm_bytes"].toLongLong(), naive_bytes(n, kHeadDim, kFloat));
            }
        }
        const auto flash_at = [&](int n, long long m) { return io_row(csv, n, kHeadDim, m)["flash_hbm_bytes"].toLongLong(); };
        QCOMPARE(flash_at(192, 163 * kKiB), flash_at(192, 227 * kKiB));
        QVERIFY(flash_at(384, 163 * kKiB) > flash_at(384, 227 * kKiB));
        // 384 rows: A100 two columns (326 + 58), H200 one
        const Bytes a = flash_bytes(384, kHeadDim, tiles_for(163 * kKiB, kHeadDim, kFloat), kFloat, true);
        const Bytes h = flash_bytes(384, kHeadDim, tiles_for(227 * kKiB, kHeadDim, kFloat), kFloat, true);
        QCOMPARE(a.total(), flash_at(384, 163 * kKiB));
        QCOMPARE(h.total(), flash_at(384, 227 * kKiB));
        QVERIFY(std::abs(a.total() / 1024.0 - 322) < 0.5);
        QVERIFY(std::abs(h.total() / 1024.0 - 297) < 0.5);
    }
};

static const bool registered = register_lesson_test<TestLesson08>();

#include "lesson_08.moc"
