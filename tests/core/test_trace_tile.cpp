// The attention tile events of the JSON Lines trace: tile events round-trip through a file
// and as single lines, with every field set, with every optional key at its default, and
// with the non-finite m and ℓ values (m is −∞ before a row's first tile); lines have the
// form docs/trace-format.md shows (expected lines written by hand, so a renamed key
// fails); the events FlashAttention and naive attention emit read back as they were;
// every malformed tile line is one FormatError "PATH:LINE: …" and random damage is never
// anything worse; a version 1 file with a tile event is refused.
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "attention/flash_attention.h"
#include "attention/naive_attention.h"
#include "common/error.h"
#include "testing/trace_files.h"
#include "trace/jsonl.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

Event make_event(uint64_t seq, int step, decltype(Event::body) body) {
    Event event;
    event.seq = seq;
    event.step = step;
    event.body = std::move(body);
    return event;
}

// The examples of docs/trace-format.md: layer 0, head 0 of a causal 128-token prefill, head
// dimension 64, F32, Br = Bc = 64, query row 100 highlighted.

// O = 0, ℓ = 0, m = −∞ written for 128 rows.
TileEvent flash_init() {
    TileEvent tile;
    tile.kind = "flash_init";
    tile.layer = 0;
    tile.head = 0;
    tile.q_rows = 128;
    tile.hbm_write_bytes = (128 * 64 + 2 * 128) * 4;
    return tile;
}

// Tile (i=1, j=0): below the diagonal; K_0 and V_0 were loaded by tile (0, 0), so it reads
// Q_1, O_1, ℓ_1, m_1 only. Row 100 meets its first keys: m goes from −∞, ℓ from 0.
TileEvent first_tile() {
    TileEvent tile;
    tile.kind = "flash_tile";
    tile.layer = 0;
    tile.head = 0;
    tile.q_block = 1;
    tile.kv_block = 0;
    tile.q_first = 64;
    tile.q_rows = 64;
    tile.kv_first = 0;
    tile.kv_rows = 64;
    tile.hbm_read_bytes = (2 * 64 * 64 + 2 * 64) * 4;
    tile.hbm_write_bytes = (64 * 64 + 2 * 64) * 4;
    tile.sram_bytes = (2 * 64 * 64 + 2 * 64 * 64 + 64 * 64 + 2 * 64) * 4;
    tile.flops = 4LL * 64 * 64 * 64;
    tile.m_before = -kInf;
    tile.m_after = 2.5f;
    tile.l_before = 0.0f;
    tile.l_after = 7.125f;
    return tile;
}

// Tile (i=1, j=1): the first tile computed in column 1 (tile (0, 1) lies wholly above the
// diagonal and is skipped), so it loads K_1 and V_1 as well; it straddles the diagonal.
TileEvent flash_tile() {
    TileEvent tile;
    tile.kind = "flash_tile";
    tile.layer = 0;
    tile.head = 0;
    tile.q_block = 1;
    tile.kv_block = 1;
    tile.q_first = 64;
    tile.q_rows = 64;
    tile.kv_first = 64;
    tile.kv_rows = 64;
    tile.hbm_read_bytes = (2 * 64 * 64 + 2 * 64 * 64 + 2 * 64) * 4;
    tile.hbm_write_bytes = (64 * 64 + 2 * 64) * 4;
    tile.sram_bytes = (2 * 64 * 64 + 2 * 64 * 64 + 64 * 64 + 2 * 64) * 4;
    tile.flops = 4LL * 64 * 64 * 64;
    tile.masked = true;
    tile.m_before = 2.5f;
    tile.m_after = 3.25f;
    tile.l_before = 7.125f;
    tile.l_after = 10.1f;
    return tile;
}

// Kernel 1 of standard attention over the same 128 rows: read Q and K, write S.
TileEvent naive_qk() {
    TileEvent tile;
    tile.kind = "naive_qk";
    tile.layer = 0;
    tile.head = 0;
    tile.q_rows = 128;
    tile.kv_rows = 128;
    tile.hbm_read_bytes = (128 * 64 + 128 * 64) * 4;
    tile.hbm_write_bytes = 128 * 128 * 4;
    tile.flops = 2LL * 128 * 128 * 64;
    return tile;
}

// Equal, or both NaN (a NaN's sign and payload are not kept); −0 and +0 differ.
bool same_float(const std::optional<float>& a, const std::optional<float>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    if (std::isnan(*a) || std::isnan(*b)) return std::isnan(*a) && std::isnan(*b);
    return std::memcmp(&*a, &*b, sizeof(float)) == 0;
}

// The first field in which `a` and `b` differ, "" when none does. Tile and run events only.
std::string difference(const Event& a, const Event& b) {
    std::string first;
    const auto check = [&](const std::string& name, bool same) {
        if (first.empty() && !same) first = name;
    };
    check("seq", a.seq == b.seq);
    check("step", a.step == b.step);
    check("type", std::string(event_type(a)) == event_type(b));
    if (!first.empty()) return first;
    if (const auto* r = std::get_if<RunEvent>(&a.body)) {
        check("format_version", r->format_version == std::get<RunEvent>(b.body).format_version);
        return first;
    }
    const auto& t = std::get<TileEvent>(a.body);
    const auto& u = std::get<TileEvent>(b.body);
    check("kind", t.kind == u.kind);
    check("layer", t.layer == u.layer);
    check("head", t.head == u.head);
    check("q_block", t.q_block == u.q_block);
    check("kv_block", t.kv_block == u.kv_block);
    check("q_first", t.q_first == u.q_first);
    check("q_rows", t.q_rows == u.q_rows);
    check("kv_first", t.kv_first == u.kv_first);
    check("kv_rows", t.kv_rows == u.kv_rows);
    check("hbm_read_bytes", t.hbm_read_bytes == u.hbm_read_bytes);
    check("hbm_write_bytes", t.hbm_write_bytes == u.hbm_write_bytes);
    check("sram_bytes", t.sram_bytes == u.sram_bytes);
    check("flops", t.flops == u.flops);
    check("masked", t.masked == u.masked);
    check("m_before", same_float(t.m_before, u.m_before));
    check("m_after", same_float(t.m_after, u.m_after));
    check("l_before", same_float(t.l_before, u.l_before));
    check("l_after", same_float(t.l_after, u.l_after));
    return first;
}

std::string run_line(int version) {
    RunEvent run;
    run.format_version = version;
    return event_to_json_line(make_event(0, 0, run));
}

// A run event, then tile events with every field set, at their defaults, and at extremes.
std::vector<Event> tile_trace() {
    std::vector<Event> events;
    events.push_back(make_event(0, 0, RunEvent{}));
    TileEvent defaults;  // every key at its default but the kind (an empty one does not read)
    defaults.kind = "flash_init";
    events.push_back(make_event(1, 0, defaults));
    events.push_back(make_event(2, 0, naive_qk()));
    events.push_back(make_event(3, 0, flash_init()));
    events.push_back(make_event(4, 0, first_tile()));
    events.push_back(make_event(5, 0, flash_tile()));
    TileEvent extremes = flash_tile();
    extremes.layer = -1;
    extremes.head = -1;
    extremes.q_block = 0;
    extremes.kv_block = INT_MAX;
    extremes.q_first = INT_MAX;
    extremes.hbm_read_bytes = LLONG_MAX;
    extremes.hbm_write_bytes = LLONG_MAX;
    extremes.sram_bytes = LLONG_MAX;
    extremes.flops = LLONG_MAX;
    extremes.m_before = kInf;
    extremes.m_after = std::numeric_limits<float>::quiet_NaN();
    extremes.l_before = -0.0f;
    extremes.l_after = std::numeric_limits<float>::max();
    events.push_back(make_event(7, 3, extremes));
    TileEvent some = naive_qk();  // some m and ℓ present, others absent
    some.kind = "naive_softmax";
    some.m_after = std::numeric_limits<float>::denorm_min();
    some.l_before = -1.5f;
    some.l_after = 0.1f;
    events.push_back(make_event(8, 3, some));
    return events;
}

// Collects what an attention computation reports.
class Collector final : public TileObserver {
public:
    void on_tile(const TileEvent& event) override { events.push_back(event); }
    std::vector<TileEvent> events;
};

}  // namespace

class TestTraceTile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string file(const std::string& name) const {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

    void expect_same(const std::vector<Event>& expected, const std::vector<Event>& actual) {
        QCOMPARE(actual.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            const std::string diff = difference(expected[i], actual[i]);
            QVERIFY2(diff.empty(), ("event " + std::to_string(i) + " differs in " + diff).c_str());
        }
    }

    // Writes the events to a file, reads it back, and reads each line alone.
    void expect_round_trip(const std::string& name, const std::vector<Event>& events) {
        const std::string path = file(name + ".jsonl");
        {
            JsonlTraceWriter writer(path);
            for (const Event& event : events) writer.emit(event);
        }
        expect_same(events, read_jsonl_trace(path));
        for (size_t i = 0; i < events.size(); ++i) {
            const Event back = event_from_json_line(event_to_json_line(events[i]), "x", int(i) + 1);
            const std::string diff = difference(events[i], back);
            QVERIFY2(diff.empty(), (name + ": line " + std::to_string(i) + " differs in " + diff).c_str());
        }
    }

    // Reading the lines as a file must throw FormatError "PATH:LINE: …" containing `needle`.
    void expect_format_error(const std::string& name, const std::vector<std::string>& lines, int line,
                             const std::string& needle) {
        const std::string path = file(name + ".jsonl");
        std::string bytes;
        for (const std::string& l : lines) bytes += l + "\n";
        write_bytes(path, bytes);
        try {
            (void)read_jsonl_trace(path);
            QFAIL(qPrintable(QString::fromStdString(name + ": read without an error")));
        } catch (const FormatError& e) {
            const std::string what = e.what();
            const std::string prefix = path + ":" + std::to_string(line) + ": ";
            QVERIFY2(what.rfind(prefix, 0) == 0,
                     (name + ": " + what + "  [expected prefix " + prefix + "]").c_str());
            QVERIFY2(what.find(needle) != std::string::npos,
                     (name + ": " + what + "  [missing: " + needle + "]").c_str());
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString::fromStdString(name + ": wrong exception type: " + e.what())));
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void eventType() {
        QCOMPARE(std::string(event_type(make_event(0, 0, TileEvent{}))), std::string("tile"));
        QCOMPARE(kTraceFormatVersion, 3);
    }

    void roundTripsThroughAFileAndAsLines() { expect_round_trip("tiles", tile_trace()); }

    void linesHaveTheDocumentedForm() {
        // the examples of docs/trace-format.md
        QCOMPARE(event_to_json_line(make_event(10, 0, flash_init())),
                 std::string(R"({"type":"tile","seq":10,"step":0,"kind":"flash_init","layer":0,"head":0,)"
                             R"("q_first":0,"q_rows":128,"kv_first":0,"kv_rows":0,"hbm_read_bytes":0,)"
                             R"("hbm_write_bytes":33792,"sram_bytes":0,"flops":0})"));
        QCOMPARE(
            event_to_json_line(make_event(12, 0, first_tile())),
            std::string(R"({"type":"tile","seq":12,"step":0,"kind":"flash_tile","layer":0,"head":0,)"
                        R"("q_block":1,"kv_block":0,"q_first":64,"q_rows":64,"kv_first":0,"kv_rows":64,)"
                        R"("hbm_read_bytes":33280,"hbm_write_bytes":16896,"sram_bytes":82432,)"
                        R"("flops":1048576,"m_before":"-inf","m_after":2.5,"l_before":0,"l_after":7.125})"));
        QCOMPARE(
            event_to_json_line(make_event(13, 0, flash_tile())),
            std::string(R"({"type":"tile","seq":13,"step":0,"kind":"flash_tile","layer":0,"head":0,)"
                        R"("q_block":1,"kv_block":1,"q_first":64,"q_rows":64,"kv_first":64,"kv_rows":64,)"
                        R"("hbm_read_bytes":66048,"hbm_write_bytes":16896,"sram_bytes":82432,)"
                        R"("flops":1048576,"masked":true,"m_before":2.5,"m_after":3.25,)"
                        R"("l_before":7.125,"l_after":10.1})"));
        QCOMPARE(event_to_json_line(make_event(3, 0, naive_qk())),
                 std::string(R"({"type":"tile","seq":3,"step":0,"kind":"naive_qk","layer":0,"head":0,)"
                             R"("q_first":0,"q_rows":128,"kv_first":0,"kv_rows":128,"hbm_read_bytes":65536,)"
                             R"("hbm_write_bytes":65536,"sram_bytes":0,"flops":2097152})"));

        // a whole number is written as a float, with ".0"
        TileEvent whole = first_tile();
        whole.l_after = 1.0f;
        QVERIFY(event_to_json_line(make_event(12, 0, whole)).ends_with(R"("l_before":0,"l_after":1.0})"));

        // defaults: q_block, kv_block, masked and every m and ℓ are left out
        TileEvent defaults;
        defaults.kind = "flash_init";
        QCOMPARE(event_to_json_line(make_event(1, 0, defaults)),
                 std::string(R"({"type":"tile","seq":1,"step":0,"kind":"flash_init","layer":-1,"head":-1,)"
                             R"("q_first":0,"q_rows":0,"kv_first":0,"kv_rows":0,"hbm_read_bytes":0,)"
                             R"("hbm_write_bytes":0,"sram_bytes":0,"flops":0})"));
        // … and only the absent ones
        TileEvent partial = flash_tile();
        partial.masked = false;
        partial.m_before.reset();
        partial.l_after.reset();
        QVERIFY(event_to_json_line(make_event(2, 0, partial))
                    .ends_with(R"("flops":1048576,"m_after":3.25,"l_before":7.125})"));
    }

    void documentedNumbersAreTheModels() {
        // the examples' bytes and FLOPs are what the attention model counts for that shape
        AttentionShape shape;
        shape.n_queries = 128;
        shape.n_keys = 128;
        shape.head_dim = 64;
        shape.causal = true;
        Collector flash, naive;
        (void)flash_attention_cost(shape, TileSizes{64, 64}, TileTrace{&flash, 0, 0, 100});
        (void)naive_attention_cost(shape, TileTrace{&naive, 0, 0, -1});
        // flash_init, (0, 0), (1, 0), (1, 1): (0, 1) lies above the diagonal
        QCOMPARE(flash.events.size(), size_t(4));
        QCOMPARE(naive.events.size(), size_t(3));
        const auto without_statistics = [](TileEvent tile) {  // a dry run computes no m or ℓ
            tile.m_before = tile.m_after = tile.l_before = tile.l_after = std::nullopt;
            return make_event(1, 0, tile);
        };
        QVERIFY(difference(without_statistics(flash_init()), make_event(1, 0, flash.events[0])).empty());
        QVERIFY(difference(without_statistics(first_tile()), make_event(1, 0, flash.events[2])).empty());
        QVERIFY(difference(without_statistics(flash_tile()), make_event(1, 0, flash.events[3])).empty());
        QVERIFY(difference(without_statistics(naive_qk()), make_event(1, 0, naive.events[0])).empty());
    }

    void minusInfinityBeforeTheFirstTileRoundTrips() {
        const TileEvent first = first_tile();
        const Event back = event_from_json_line(event_to_json_line(make_event(4, 0, first)), "x", 1);
        const auto& tile = std::get<TileEvent>(back.body);
        QVERIFY(tile.m_before.has_value());
        QVERIFY(std::isinf(*tile.m_before) && *tile.m_before < 0);
        QVERIFY(tile.l_before.has_value() && *tile.l_before == 0.0f && !std::signbit(*tile.l_before));
        QVERIFY(difference(make_event(4, 0, first), back).empty());
    }

    void attentionEventsRoundTrip() {
        // what the two algorithms report over a small causal prefill, highlighted row included
        const int n = 11, d = 4;
        std::mt19937 rng(7);
        std::normal_distribution<float> normal;
        RowMatrix q(n, d), k(n, d), v(n, d), out;
        for (RowMatrix* m : {&q, &k, &v})
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < d; ++j) (*m)(i, j) = normal(rng);
        AttentionShape shape;
        shape.n_queries = n;
        shape.n_keys = n;
        shape.head_dim = d;
        shape.causal = true;
        Collector flash, naive;
        (void)flash_attention(shape, TileSizes{4, 3}, q, k, v, out, TileTrace{&flash, 2, 1, 9});
        (void)naive_attention(shape, q, k, v, out, TileTrace{&naive, 2, 1, 9});
        QCOMPARE(naive.events.size(), size_t(3));
        QVERIFY(flash.events.size() > 4);

        std::vector<Event> events{make_event(0, 0, RunEvent{})};
        for (const auto* source : {&naive, &flash})
            for (const TileEvent& tile : source->events) events.push_back(make_event(events.size(), 0, tile));
        expect_round_trip("attention", events);

        // the first tile holding row 9 starts from m = −∞, ℓ = 0
        const auto highlighted = std::find_if(flash.events.begin(), flash.events.end(),
                                              [](const TileEvent& t) { return t.m_before.has_value(); });
        QVERIFY(highlighted != flash.events.end());
        QCOMPARE(*highlighted->m_before, -kInf);
        QCOMPARE(*highlighted->l_before, 0.0f);
        QVERIFY(event_to_json_line(make_event(1, 0, *highlighted)).find(R"("m_before":"-inf")") !=
                std::string::npos);
    }

    void malformedTileLinesNameTheLine() {
        const std::string run = run_line(2);
        const std::string good = event_to_json_line(make_event(1, 0, flash_tile()));
        const auto edit = [&](const std::string& from, const std::string& to) {
            return replaced(good, from, to);
        };

        expect_format_error("bad_kind", {run, edit(R"("kind":"flash_tile")", R"("kind":"flash_block")")}, 2,
                            "kind: unknown \"flash_block\" (expected naive_qk|naive_softmax|naive_pv|"
                            "flash_init|flash_tile)");
        expect_format_error("kind_not_text", {run, edit(R"("kind":"flash_tile")", R"("kind":4)")}, 2,
                            "kind: expected a string or {\"hex\": …}, got number");
        expect_format_error("missing_kind", {run, edit(R"("kind":"flash_tile",)", "")}, 2,
                            "missing field \"kind\"");
        expect_format_error("negative_read",
                            {run, edit(R"("hbm_read_bytes":66048)", R"("hbm_read_bytes":-1)")}, 2,
                            "hbm_read_bytes: -1 is out of range");
        expect_format_error("negative_write",
                            {run, edit(R"("hbm_write_bytes":16896)", R"("hbm_write_bytes":-16896)")}, 2,
                            "hbm_write_bytes: -16896 is out of range");
        expect_format_error("negative_sram", {run, edit(R"("sram_bytes":82432)", R"("sram_bytes":-5)")}, 2,
                            "sram_bytes: -5 is out of range");
        expect_format_error("flops_beyond_64_bits",
                            {run, edit(R"("flops":1048576)", R"("flops":9223372036854775808)")}, 2,
                            "flops: 9223372036854775808 is out of range");
        expect_format_error("flops_fraction", {run, edit(R"("flops":1048576)", R"("flops":1.5)")}, 2,
                            "flops: expected an integer, got number");
        expect_format_error("missing_flops", {run, edit(R"("flops":1048576,)", "")}, 2,
                            "missing field \"flops\"");
        expect_format_error("m_before_object", {run, edit(R"("m_before":2.5)", R"("m_before":{"v":2.5})")}, 2,
                            "m_before: expected a number, \"nan\", \"inf\" or \"-inf\", got object");
        expect_format_error("m_after_null", {run, edit(R"("m_after":3.25)", R"("m_after":null)")}, 2,
                            "m_after: expected a number, \"nan\", \"inf\" or \"-inf\", got null");
        expect_format_error("l_before_word", {run, edit(R"("l_before":7.125)", R"("l_before":"-Infinity")")},
                            2, "l_before: expected a number, \"nan\", \"inf\" or \"-inf\", got string");
        expect_format_error("l_after_range", {run, edit(R"("l_after":10.1)", R"("l_after":1e39)")}, 2,
                            "l_after: out of float range");
        expect_format_error("q_block_range", {run, edit(R"("q_block":1)", R"("q_block":-2)")}, 2,
                            "q_block: -2 is out of range");
        expect_format_error("kv_block_text", {run, edit(R"("kv_block":1)", R"("kv_block":"1")")}, 2,
                            "kv_block: expected an integer, got string");
        expect_format_error("layer_range", {run, edit(R"("layer":0)", R"("layer":-2)")}, 2,
                            "layer: -2 is out of range");
        expect_format_error("missing_head", {run, edit(R"("head":0,)", "")}, 2, "missing field \"head\"");
        expect_format_error("q_rows_negative", {run, edit(R"("q_rows":64)", R"("q_rows":-64)")}, 2,
                            "q_rows: -64 is out of range");
        expect_format_error("kv_first_negative", {run, edit(R"("kv_first":64)", R"("kv_first":-1)")}, 2,
                            "kv_first: -1 is out of range");
        expect_format_error("masked_not_bool", {run, edit(R"("masked":true)", R"("masked":1)")}, 2,
                            "masked: expected true or false, got number");
        // the line number counts: a bad event after good ones
        expect_format_error("third_line",
                            {run, good,
                             replaced(event_to_json_line(make_event(2, 0, naive_qk())),
                                      R"("kind":"naive_qk")", R"("kind":"naive_qkv")")},
                            3, "kind: unknown \"naive_qkv\"");

        // a single line names the source and line it was given
        try {
            (void)event_from_json_line(edit(R"("sram_bytes":82432)", R"("sram_bytes":-1)"), "one-line", 7);
            QFAIL("negative SRAM bytes parsed");
        } catch (const FormatError& e) {
            QVERIFY2(std::string(e.what()).rfind("one-line:7: sram_bytes: -1 is out of range", 0) == 0,
                     e.what());
        }
    }

    void damagedTileLinesNeverCrash() {
        // seeded mutations of tile lines: accepted when harmless, else FormatError
        std::string base;
        for (const Event& event : tile_trace()) base += event_to_json_line(event) + "\n";
        const DamageResult damage = damage_trace(base, file("damaged.jsonl"), 2026);
        QVERIFY2(damage.problem.empty(), damage.problem.c_str());
        QVERIFY(damage.refused > 150);
    }

    void versionOneRefusesTileEvents() {
        const std::string tile = event_to_json_line(make_event(1, 0, naive_qk()));
        write_bytes(file("v2.jsonl"), run_line(2) + "\n" + tile + "\n");
        QCOMPARE(read_jsonl_trace(file("v2.jsonl")).size(), size_t(2));
        expect_format_error("v1_with_tile", {run_line(1), tile}, 2,
                            "a \"tile\" event in a version 1 trace (tile events came in version 2)");
    }
};

QTEST_APPLESS_MAIN(TestTraceTile)
#include "test_trace_tile.moc"
