// Lesson 06, FlashAttention: for the lesson's 95-token prompt on the story model (head
// dimension d = 32, 4-byte floats) layer 0, head 0's prefill moves (4Nd + 4N²)·4 = 193,040
// bytes between HBM and SRAM with standard attention, 144,400 of them for S and P. With
// M = 8 KiB FlashAttention uses Bc = ⌈M/4d⌉ = 16, Br = min(Bc, d) = 16: 6 × 6 blocks, 21
// tiles on or below the diagonal, 169,240 bytes; 16 KiB: 32 × 32, 6 tiles, 112,840 bytes;
// the A100's 163 KiB: 32 × 326, 3 tiles, 75,240 bytes; but 4 KiB: 8 × 8, 78 tiles, 282,040
// bytes, more than standard attention. Every tile's bytes follow from its rows, d and the
// element size. The highlighted row 94's running max m never falls, ℓ falls when m jumps,
// and after each tile m and ℓ equal the max and Σ exp(s − m) of the scores seen so far,
// recomputed here from the model file by straight loops in double precision. All runs
// print the same text. `io-model` (d = 64, M = 100 KiB, FP16, causal) gives naive/flash
// ≈ 2.9 at N = 256 rising to ≈ 7.9 at N = 16,384.
#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>
#include <string>

#include "model/model.h"
#include "testing/cli_runner.h"
#include "testing/csv.h"
#include "tutorials/lesson_runner.h"
#include "tutorials/lesson_tests.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

enum Run { kNaive = 0, kFlash8k = 1, kFlash16k = 2, kFlash4k = 3, kFlashA100 = 4 };

constexpr int kPromptTokens = 95;
constexpr int kHighlight = 94;  // the prompt's last position
constexpr int kElement = 4;     // the engine's floats

long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }

// Algorithm 1, line 1: Bc = ⌈M / 4d⌉ key rows (elements of `e` bytes), Br = min(Bc, d).
struct Tiles {
    long long rows, cols;
};
Tiles tiles_for(long long sram_bytes, int d, int e) {
    const long long cols = ceil_div(sram_bytes, 4LL * d * e);
    return {std::min<long long>(cols, d), cols};
}

// One tile of Algorithm 1 and its HBM traffic, from the IO argument: K_j and V_j are
// loaded by the first tile of their column, every tile loads Q_i, O_i, ℓ_i, m_i and writes
// O_i, ℓ_i, m_i back. Causal: a tile wholly above the diagonal is skipped.
struct Tile {
    int i, j, q_rows, kv_rows;
    long long read, write;
};
struct Walk {
    std::vector<Tile> tiles;
    long long init_write = 0;
    long long total() const {
        long long t = init_write;
        for (const Tile& x : tiles) t += x.read + x.write;
        return t;
    }
};
Walk walk_flash(int n, int d, Tiles b, int e) {
    Walk w;
    w.init_write = (1LL * n * d + 2LL * n) * e;  // O = 0, ℓ = 0, m = −∞
    for (int j = 0; j * b.cols < n; ++j) {
        const int kv_first = static_cast<int>(j * b.cols);
        const int kv_rows = static_cast<int>(std::min<long long>(b.cols, n - kv_first));
        bool first_in_column = true;
        for (int i = 0; i * b.rows < n; ++i) {
            const int q_first = static_cast<int>(i * b.rows);
            const int q_rows = static_cast<int>(std::min<long long>(b.rows, n - q_first));
            if (q_first + q_rows - 1 < kv_first) continue;
            long long read = 2LL * q_rows * d + 2LL * q_rows;
            if (first_in_column) read += 2LL * kv_rows * d;
            first_in_column = false;
            w.tiles.push_back({i, j, q_rows, kv_rows, read * e, (1LL * q_rows * d + 2LL * q_rows) * e});
        }
    }
    return w;
}

// Standard attention: QKᵀ reads Q, K and writes S; softmax reads S, writes P; PV reads P,
// V and writes O.
long long naive_bytes(long long n, long long d, int e) { return (4 * n * d + 4 * n * n) * e; }

int fact(const LessonRun& run, const char* key) { return std::stoi(run.all<RunEvent>().front()->model_facts.at(key)); }

std::vector<const TileEvent*> flash_tiles(const LessonRun& run) {
    std::vector<const TileEvent*> found;
    for (const TileEvent* t : run.all<TileEvent>())
        if (t->kind == "flash_tile") found.push_back(t);
    return found;
}

long long traced_bytes(const LessonRun& run) {
    long long total = 0;
    for (const TileEvent* t : run.all<TileEvent>()) total += t->hbm_read_bytes + t->hbm_write_bytes;
    return total;
}

// Layer 0, head 0: the scaled scores s_j = q_94 · k_j / √d of the highlighted row against
// every prompt position, by straight loops in double precision from the model file
// (the one compiled into the program as embedded:stories-target): embedding, RMS norm,
// the head's rows of W_q and of its KV head's W_k, rotary embedding on adjacent pairs.
std::vector<double> layer0_head0_scores(const std::vector<int>& tokens, int row) {
    const Model model = load_model(std::string(DECODELAB_SOURCE_DIR) + "/assets/models/stories-target.gguf");
    const ModelConfig& c = model.config;
    const LayerWeights& l0 = model.weights.layers.at(0);
    const int d = c.dim / c.n_heads;
    const int kv_head = 0 / (c.n_heads / c.n_kv_heads);  // query head 0's KV head
    const auto project = [&](int token, const RowMatrix& w, int first_row, int pos) {
        std::vector<double> x(c.dim), h(c.dim), out(d);
        double mean_square = 0;
        for (int i = 0; i < c.dim; ++i) {
            x[i] = model.weights.token_embedding(token, i);
            mean_square += x[i] * x[i];
        }
        mean_square /= c.dim;
        for (int i = 0; i < c.dim; ++i) h[i] = x[i] / std::sqrt(mean_square + c.rms_eps) * l0.attn_norm[i];
        for (int r = 0; r < d; ++r) {
            double sum = 0;
            for (int i = 0; i < c.dim; ++i) sum += double(w(first_row + r, i)) * h[i];
            out[r] = sum;
        }
        for (int i = 0; i < d / 2; ++i) {
            const double angle = pos * std::pow(double(c.rope_freq_base), -2.0 * i / d);
            const double a = out[2 * i], b = out[2 * i + 1];
            out[2 * i] = a * std::cos(angle) - b * std::sin(angle);
            out[2 * i + 1] = a * std::sin(angle) + b * std::cos(angle);
        }
        return out;
    };
    const std::vector<double> q = project(tokens.at(row), l0.wq, 0, row);
    std::vector<double> scores;
    for (int j = 0; j <= row; ++j) {
        const std::vector<double> k = project(tokens.at(j), l0.wk, kv_head * d, j);
        double dot = 0;
        for (int r = 0; r < d; ++r) dot += q[r] * k[r];
        scores.push_back(dot / std::sqrt(double(d)));
    }
    return scores;
}

}  // namespace

class TestLesson06 : public QObject {
    Q_OBJECT
    LessonResult m_lesson;
    int m_n = 0, m_d = 0;

    const LessonRun& run(Run r) const { return m_lesson.runs.at(r); }

private slots:
    void initTestCase() {
        m_lesson = run_lesson("06-flash-attention");
        QCOMPARE(m_lesson.runs.size(), size_t(5));
        const LessonRun& r = run(kNaive);
        m_n = static_cast<int>(r.all<RunEvent>().front()->prompt_tokens.size());
        m_d = fact(r, "dim") / fact(r, "n_heads");
        QCOMPARE(m_n, kPromptTokens);
        QCOMPARE(m_d, 32);
        for (const LessonRun& run : m_lesson.runs) QCOMPARE(run.all<RunEvent>().front()->backend, std::string("cpu"));
    }

    void naiveMovesTheWholeScoreMatrix() {
        const LessonRun& r = run(kNaive);
        const std::vector<const TileEvent*> events = r.all<TileEvent>();
        QCOMPARE(events.size(), size_t(3));
        QCOMPARE(events[0]->kind, std::string("naive_qk"));
        QCOMPARE(events[1]->kind, std::string("naive_softmax"));
        QCOMPARE(events[2]->kind, std::string("naive_pv"));
        for (const TileEvent* t : events) {
            QCOMPARE(t->layer, 0);
            QCOMPARE(t->head, 0);
        }
        const long long n = m_n, d = m_d;
        QCOMPARE(events[0]->hbm_write_bytes, n * n * kElement);  // S
        QCOMPARE(events[1]->hbm_read_bytes, n * n * kElement);   // S back
        QCOMPARE(events[1]->hbm_write_bytes, n * n * kElement);  // P
        QCOMPARE(traced_bytes(r), naive_bytes(n, d, kElement));
        QCOMPARE(traced_bytes(r), 193040LL);
        QCOMPARE(4 * n * n * kElement, 144400LL);  // S and P, each written once and read once
    }

    void tileSizesFromTheSramBudget() {
        const std::pair<Run, long long> budgets[] = {
            {kFlash8k, 8 * 1024}, {kFlash16k, 16 * 1024}, {kFlash4k, 4 * 1024}, {kFlashA100, 163 * 1024}};
        const long long expected_rows[] = {16, 32, 8, 32}, expected_cols[] = {16, 32, 8, 326};
        const size_t expected_tiles[] = {21, 6, 78, 3};
        for (size_t k = 0; k < 4; ++k) {
            const auto [run_id, sram] = budgets[k];
            const Tiles b = tiles_for(sram, m_d, kElement);
            QCOMPARE(b.rows, expected_rows[k]);
            QCOMPARE(b.cols, expected_cols[k]);
            const Walk walk = walk_flash(m_n, m_d, b, kElement);
            QCOMPARE(walk.tiles.size(), expected_tiles[k]);
            // the trace holds exactly these tiles, in this order, with these bytes
            const std::vector<const TileEvent*> traced = flash_tiles(run(run_id));
            QCOMPARE(traced.size(), walk.tiles.size());
            for (size_t t = 0; t < traced.size(); ++t) {
                QCOMPARE(traced[t]->q_block, walk.tiles[t].i);
                QCOMPARE(traced[t]->kv_block, walk.tiles[t].j);
                QCOMPARE(traced[t]->q_rows, walk.tiles[t].q_rows);
                QCOMPARE(traced[t]->kv_rows, walk.tiles[t].kv_rows);
                QCOMPARE(traced[t]->hbm_read_bytes, walk.tiles[t].read);
                QCOMPARE(traced[t]->hbm_write_bytes, walk.tiles[t].write);
            }
            QCOMPARE(traced_bytes(run(run_id)), walk.total());
        }
    }

    // Two tiles of the 8 KiB run worked by hand (d = 32, 4 bytes, Br = Bc = 16).
    void oneTileByHand() {
        const std::vector<const TileEvent*> tiles = flash_tiles(run(kFlash8k));
        const auto find = [&](int i, int j) -> const TileEvent* {
            for (const TileEvent* t : tiles)
                if (t->q_block == i && t->kv_block == j) return t;
            return nullptr;
        };
        // (1, 1): the first tile of column 1 loads K_1 and V_1 (16 rows × 32 each), then
        // Q_1 and O_1 (16 × 32 each) and ℓ, m (16 each); writes O_1, ℓ, m
        const TileEvent* diag = find(1, 1);
        QVERIFY(diag);
        QCOMPARE(diag->hbm_read_bytes, (2LL * 16 * 32 + 2LL * 16 * 32 + 2LL * 16) * 4);  // 8,320
        QCOMPARE(diag->hbm_write_bytes, (16LL * 32 + 2LL * 16) * 4);                      // 2,176
        QVERIFY(diag->masked);
        // (5, 0): the last query block holds rows 80–94, 15 rows; K_0, V_0 are already in SRAM
        const TileEvent* last = find(5, 0);
        QVERIFY(last);
        QCOMPARE(last->q_first, 80);
        QCOMPARE(last->q_rows, 15);
        QCOMPARE(last->hbm_read_bytes, (2LL * 15 * 32 + 2LL * 15) * 4);  // 3,960
        QCOMPARE(last->hbm_write_bytes, (15LL * 32 + 2LL * 15) * 4);     // 2,040
        // (0, 1) lies wholly above the diagonal: never loaded, never recorded
        QVERIFY(!find(0, 1));
    }

    void flashBeatsNaiveOnlyWithEnoughSram() {
        const long long naive = traced_bytes(run(kNaive));
        QCOMPARE(traced_bytes(run(kFlash8k)), 169240LL);
        QCOMPARE(traced_bytes(run(kFlash16k)), 112840LL);
        QCOMPARE(traced_bytes(run(kFlashA100)), 75240LL);
        QCOMPARE(traced_bytes(run(kFlash4k)), 282040LL);
        QVERIFY(traced_bytes(run(kFlash8k)) < naive);
        QVERIFY(traced_bytes(run(kFlash16k)) < traced_bytes(run(kFlash8k)));
        QVERIFY(traced_bytes(run(kFlashA100)) < traced_bytes(run(kFlash16k)));
        QVERIFY(traced_bytes(run(kFlash4k)) > naive);
        // the A100's Bc = 326 ≥ 95: one column, so K and V are read exactly once
        for (const TileEvent* t : flash_tiles(run(kFlashA100))) QCOMPARE(t->kv_block, 0);
    }

    void onlineSoftmaxOfTheHighlightedRow() {
        const std::vector<double> s =
            layer0_head0_scores(run(kFlash8k).all<RunEvent>().front()->prompt_tokens, kHighlight);
        const double m_final = *std::max_element(s.begin(), s.end());
        double l_final = 0;
        for (double x : s) l_final += std::exp(x - m_final);

        for (Run r : {kFlash8k, kFlash16k, kFlash4k, kFlashA100}) {
            std::vector<const TileEvent*> row;
            for (const TileEvent* t : flash_tiles(run(r)))
                if (t->m_after) row.push_back(t);
            // one tile per key block, all in the highlighted row's query block
            QVERIFY(!row.empty());
            for (const TileEvent* t : row) QVERIFY(t->q_first <= kHighlight && kHighlight < t->q_first + t->q_rows);
            QCOMPARE(int(row.size()), static_cast<int>(ceil_div(kHighlight + 1, row.front()->kv_rows)));
            QCOMPARE(*row.front()->m_before, -std::numeric_limits<float>::infinity());
            QCOMPARE(*row.front()->l_before, 0.0f);
            bool l_fell = false;
            for (size_t k = 0; k < row.size(); ++k) {
                const TileEvent* t = row[k];
                if (k > 0) {  // the running values carry from tile to tile
                    QCOMPARE(*t->m_before, *row[k - 1]->m_after);
                    QCOMPARE(*t->l_before, *row[k - 1]->l_after);
                }
                QVERIFY(*t->m_after >= *t->m_before);  // m never decreases
                if (*t->l_after < *t->l_before) {
                    l_fell = true;
                    QVERIFY(*t->m_after > *t->m_before);  // only a larger m rescales ℓ down
                }
                // m and ℓ of the scores seen so far, recomputed
                const int seen = std::min(t->kv_first + t->kv_rows, kHighlight + 1);
                const double m = *std::max_element(s.begin(), s.begin() + seen);
                double l = 0;
                for (int j = 0; j < seen; ++j) l += std::exp(s[j] - m);
                QVERIFY2(std::abs(*t->m_after - m) < 1e-4, qPrintable(QString("m %1 vs %2").arg(*t->m_after).arg(m)));
                QVERIFY2(std::abs(*t->l_after - l) < 1e-4 * l, qPrintable(QString("l %1 vs %2").arg(*t->l_after).arg(l)));
            }
            QCOMPARE(l_fell, r != kFlashA100);  // with one tile there is nothing to rescale
            QVERIFY(std::abs(*row.back()->m_after - m_final) < 1e-4);
            QVERIFY(std::abs(*row.back()->l_after - l_final) < 1e-4 * l_final);
        }
        // the 8 KiB run: ℓ falls once, at tile (5, 4), where keys 64–79 raise m; the
        // lesson's rounded figures before and after it
        const auto running = [&](int seen) {
            const double m = *std::max_element(s.begin(), s.begin() + seen);
            double l = 0;
            for (int j = 0; j < seen; ++j) l += std::exp(s[j] - m);
            return std::pair{std::round(m * 100) / 100, std::round(l * 100) / 100};
        };
        QCOMPARE(running(64), (std::pair{2.27, 12.13}));
        QCOMPARE(running(80), (std::pair{3.56, 5.94}));
        for (const TileEvent* t : flash_tiles(run(kFlash8k)))
            if (t->l_after && t->l_before) QCOMPARE(*t->l_after < *t->l_before, t->kv_block == 4);
        // the lesson's rounded figures
        QCOMPARE(std::round(m_final * 100) / 100, 3.56);
        QCOMPARE(std::round(l_final * 100) / 100, 7.66);
    }

    // Only the prefill's pass is tiled: decode steps attend one row at a time.
    void tilesOnlyInThePrefill() {
        for (const LessonRun& r : m_lesson.runs) {
            int tiles = 0;
            for (const Event& e : r.events)
                if (std::holds_alternative<TileEvent>(e.body)) {
                    QCOMPARE(e.step, 0);
                    ++tiles;
                }
            QVERIFY(tiles > 0);
            QVERIFY(!r.all<StepEvent>().empty());
        }
    }

    void sameTextEitherWay() {
        const std::string text = run(kNaive).final_text();
        QVERIFY(!text.empty());
        for (Run r : {kFlash8k, kFlash16k, kFlash4k, kFlashA100}) QCOMPARE(run(r).final_text(), text);
    }

    // decodelab-cli io-model --head-dims 64 --sram 100k --causal: the paper's setting
    // (d = 64, M = 100 KiB, FP16) from N = 256 to 16,384.
    // io-model without arguments: every d in {64, 128} with every M in {100k, 227k, 20m},
    // N = 256 … 16,384
    void ioModelDefaults() {
        const CliResult cli = run_cli({"io-model", "--csv"});
        QCOMPARE(cli.exit_code, 0);
        const QList<QStringList> rows = parse_csv(cli.out);
        QVERIFY(rows.size() > 1);
        const QStringList head = rows.front();
        std::set<std::tuple<long long, long long, long long>> seen;
        for (qsizetype k = 1; k < rows.size(); ++k)
            seen.insert({rows[k][head.indexOf("head_dim")].toLongLong(), rows[k][head.indexOf("sram_bytes")].toLongLong(),
                         rows[k][head.indexOf("n")].toLongLong()});
        std::set<std::tuple<long long, long long, long long>> expected;
        for (long long d : {64, 128})
            for (long long m : {100LL * 1024, 227LL * 1024, 20LL * 1024 * 1024})
                for (long long n = 256; n <= 16384; n *= 2) expected.insert({d, m, n});
        QCOMPARE(seen, expected);
    }

    void ioModelRatioGrowsWithN() {
        const CliResult cli = run_cli({"io-model", "--head-dims", "64", "--sram", "100k", "--causal", "--csv"});
        QCOMPARE(cli.exit_code, 0);
        const QList<QStringList> rows = parse_csv(cli.out);
        QVERIFY(rows.size() > 1);
        const QStringList head = rows.front();
        const auto col = [&](const char* name) { return head.indexOf(QString(name)); };
        const Tiles b = tiles_for(100 * 1024, 64, 2);
        QCOMPARE(b.rows, 64LL);
        QCOMPARE(b.cols, 200LL);
        double previous = 0, first = 0, last = 0;
        long long n_last = 0;
        for (qsizetype k = 1; k < rows.size(); ++k) {
            const QStringList& row = rows[k];
            const long long n = row[col("n")].toLongLong();
            const long long naive = naive_bytes(n, 64, 2);
            const long long flash = walk_flash(static_cast<int>(n), 64, b, 2).total();
            QCOMPARE(row[col("br")].toLongLong(), b.rows);
            QCOMPARE(row[col("bc")].toLongLong(), b.cols);
            QCOMPARE(static_cast<long long>(row[col("naive_hbm_bytes")].toDouble()), naive);
            QCOMPARE(static_cast<long long>(row[col("flash_hbm_bytes")].toDouble()), flash);
            const double ratio = double(naive) / double(flash);
            QVERIFY(ratio > previous);
            if (k == 1) first = ratio;
            previous = last = ratio;
            n_last = n;
        }
        QCOMPARE(rows[1][col("n")].toLongLong(), 256LL);
        QCOMPARE(n_last, 16384LL);
        QCOMPARE(std::round(first * 10) / 10, 2.9);
        QCOMPARE(std::round(last * 10) / 10, 7.9);
    }
};

static const bool registered = register_lesson_test<TestLesson06>();

#include "lesson_06.moc"
