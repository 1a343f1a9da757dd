// The KV cache events and the version 2 additions of the JSON Lines trace: kv and kv_stats
// events and the decode end's stop reason round-trip through a file and as single lines,
// with every field set and with every optional key at its default; lines have the form
// docs/trace-format.md shows (expected lines written by hand, so a renamed key fails);
// every malformed kv line is one FormatError "PATH:LINE: …" and random damage is never
// anything worse; version 1 files still read, but not with kv events in them, and a newer
// version is refused.
#include <QTemporaryDir>
#include <QTest>
#include <climits>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "testing/trace_files.h"
#include "trace/jsonl.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

Event make_event(uint64_t seq, int step, decltype(Event::body) body) {
    Event event;
    event.seq = seq;
    event.step = step;
    event.body = std::move(body);
    return event;
}

KvStatsEvent paged_stats() {
    KvStatsEvent stats;
    stats.kind = "paged";
    stats.block_size = 16;
    stats.n_blocks = 64;
    stats.free_blocks = 58;
    stats.n_sequences = 2;
    stats.slots_reserved = 96;
    stats.slots_used = 70;
    stats.shared_blocks = 1;
    stats.bytes_per_slot = 4096;
    return stats;
}

PhaseEvent decode_end(int tokens, std::string stop_reason, std::string detail) {
    PhaseEvent phase;
    phase.phase = "decode";
    phase.edge = "end";
    phase.tokens = tokens;
    phase.stop_reason = std::move(stop_reason);
    phase.detail = std::move(detail);
    return phase;
}

// The first field in which `a` and `b` differ, "" when none does. Only the event types
// this file writes: run and step events are test_trace.cpp's.
std::string difference(const Event& a, const Event& b) {
    std::string first;
    const auto check = [&](const std::string& name, const auto& x, const auto& y) {
        if (first.empty() && !(x == y)) first = name;
    };
    check("seq", a.seq, b.seq);
    check("step", a.step, b.step);
    check("type", std::string(event_type(a)), std::string(event_type(b)));
    if (!first.empty()) return first;
    if (const auto* k = std::get_if<KvEvent>(&a.body)) {
        const auto& l = std::get<KvEvent>(b.body);
        check("op", k->op, l.op);
        check("seq_id", k->seq, l.seq);
        check("other_seq", k->other_seq, l.other_seq);
        check("blocks", k->blocks, l.blocks);
        check("first_pos", k->first_pos, l.first_pos);
        check("n_pos", k->n_pos, l.n_pos);
        check("tables", k->tables, l.tables);
        check("detail", k->detail, l.detail);
    } else if (const auto* s = std::get_if<KvStatsEvent>(&a.body)) {
        const auto& t = std::get<KvStatsEvent>(b.body);
        check("kind", s->kind, t.kind);
        check("block_size", s->block_size, t.block_size);
        check("n_blocks", s->n_blocks, t.n_blocks);
        check("free_blocks", s->free_blocks, t.free_blocks);
        check("n_sequences", s->n_sequences, t.n_sequences);
        check("slots_reserved", s->slots_reserved, t.slots_reserved);
        check("slots_used", s->slots_used, t.slots_used);
        check("shared_blocks", s->shared_blocks, t.shared_blocks);
        check("bytes_per_slot", s->bytes_per_slot, t.bytes_per_slot);
    } else if (const auto* p = std::get_if<PhaseEvent>(&a.body)) {
        const auto& q = std::get<PhaseEvent>(b.body);
        check("phase", p->phase, q.phase);
        check("edge", p->edge, q.edge);
        check("tokens", p->tokens, q.tokens);
        check("duration_ms", p->duration_ms, q.duration_ms);
        check("stop_reason", p->stop_reason, q.stop_reason);
        check("detail", p->detail, q.detail);
    } else {
        const auto& x = std::get<RunEvent>(a.body);
        const auto& y = std::get<RunEvent>(b.body);
        check("format_version", x.format_version, y.format_version);
        check("model", x.model, y.model);
    }
    return first;
}

// A version 2 trace of KV events: every field set (extremes, text that is not UTF-8, an
// empty block table, positions with only one of first_pos / n_pos away from its default)
// and every optional key at its default.
std::vector<Event> kv_trace() {
    RunEvent run;
    run.model = "embedded:tiny", run.model_kind = "llama", run.backend = "cpu", run.strategy = "beam";
    std::vector<Event> events = {make_event(0, 0, run)};

    KvEvent full = kv_event("fork", 3);
    full.other_seq = INT_MAX;
    full.blocks = {0, 7, INT_MAX};
    full.first_pos = 31;
    full.n_pos = INT_MAX;
    full.tables = {{3, {7, 8}}, {10, {}}, {INT_MAX, {0}}, {0, {1, 2, 3}}};
    full.detail = "no free block: \"pool\" of 64 \xFF";
    events.push_back(make_event(1, 0, full));
    events.push_back(make_event(2, 0, kv_event("alloc", -1)));
    KvEvent only_first = kv_event("evict", 0);
    only_first.first_pos = 5;
    events.push_back(make_event(3, 1, only_first));
    KvEvent only_n = kv_event("truncate", 0);
    only_n.n_pos = 3;
    events.push_back(make_event(4, 1, only_n));
    for (const char* op : {"append", "cow", "free", "prefix_hit", "preempt"})
        events.push_back(make_event(events.back().seq + 1, 2, kv_event(op, 1)));

    events.push_back(make_event(20, 2, paged_stats()));
    KvStatsEvent empty;
    empty.kind = "contiguous";
    events.push_back(make_event(21, 2, empty));
    KvStatsEvent extremes;
    extremes.kind = "sliding";
    extremes.block_size = INT_MAX, extremes.n_blocks = INT_MAX, extremes.free_blocks = INT_MAX;
    extremes.n_sequences = INT_MAX, extremes.shared_blocks = INT_MAX;
    extremes.slots_reserved = LLONG_MAX, extremes.slots_used = LLONG_MAX, extremes.bytes_per_slot = LLONG_MAX;
    events.push_back(make_event(22, 2, extremes));
    events.push_back(make_event(23, 2, decode_end(2, "kv_exhausted", "preempted \xE4\xBD")));
    return events;
}

}  // namespace

class TestTraceKv : public QObject {
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

    std::string run_line(int version) const {
        RunEvent run;
        run.format_version = version;
        return event_to_json_line(make_event(0, 0, run));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void eventTypes() {
        QCOMPARE(std::string(event_type(make_event(0, 0, KvEvent{}))), std::string("kv"));
        QCOMPARE(std::string(event_type(make_event(0, 0, KvStatsEvent{}))), std::string("kv_stats"));
        QCOMPARE(RunEvent{}.format_version, 3);
    }

    void roundTripsThroughAFileAndAsLines() {
        const std::vector<Event> events = kv_trace();
        const std::string path = file("kv.jsonl");
        {
            JsonlTraceWriter writer(path);
            for (const Event& event : events) writer.emit(event);
        }
        expect_same(events, read_jsonl_trace(path));
        for (size_t i = 0; i < events.size(); ++i) {
            const Event back = event_from_json_line(event_to_json_line(events[i]), "x", int(i) + 1);
            const std::string diff = difference(events[i], back);
            QVERIFY2(diff.empty(), ("event " + std::to_string(i) + " differs in " + diff).c_str());
        }
    }

    void linesHaveTheDocumentedForm() {
        // the examples of docs/trace-format.md
        KvEvent fork = kv_event("fork", 3);
        fork.other_seq = 5;
        fork.blocks = {7, 8};
        fork.tables = {{3, {7, 8}}, {5, {7, 8}}};
        QCOMPARE(event_to_json_line(make_event(40, 7, fork)),
                 std::string(R"({"type":"kv","seq":40,"step":7,"op":"fork","seq_id":3,"other_seq":5,)"
                             R"("blocks":[7,8],"tables":{"3":[7,8],"5":[7,8]}})"));
        KvEvent cow = kv_event("cow", 5);
        cow.blocks = {8, 12};
        cow.tables = {{5, {7, 12}}};
        QCOMPARE(event_to_json_line(make_event(41, 7, cow)),
                 std::string(R"({"type":"kv","seq":41,"step":7,"op":"cow","seq_id":5,"blocks":[8,12],)"
                             R"("tables":{"5":[7,12]}})"));
        KvEvent evict = kv_event("evict", 0);
        evict.blocks = {0};
        evict.first_pos = 0;
        evict.n_pos = 1;
        QCOMPARE(event_to_json_line(make_event(55, 9, evict)),
                 std::string(R"({"type":"kv","seq":55,"step":9,"op":"evict","seq_id":0,"blocks":[0],)"
                             R"("first_pos":0,"n_pos":1})"));
        KvEvent preempt = kv_event("preempt", 4);
        preempt.blocks = {2, 9};
        preempt.tables = {{4, {}}};
        preempt.detail = "no free block for sequence 1";
        QCOMPARE(event_to_json_line(make_event(90, 12, preempt)),
                 std::string(R"({"type":"kv","seq":90,"step":12,"op":"preempt","seq_id":4,"blocks":[2,9],)"
                             R"("tables":{"4":[]},"detail":"no free block for sequence 1"})"));
        QCOMPARE(event_to_json_line(make_event(42, 7, paged_stats())),
                 std::string(R"({"type":"kv_stats","seq":42,"step":7,"kind":"paged","block_size":16,)"
                             R"("n_blocks":64,"free_blocks":58,"n_sequences":2,"slots_reserved":96,)"
                             R"("slots_used":70,"shared_blocks":1,"bytes_per_slot":4096,)"
                             R"("fragmentation":0.2708333333333333,"utilization":0.09375})"));
        QCOMPARE(
            event_to_json_line(
                make_event(60, 12, decode_end(12, "kv_exhausted", "no free KV block for sequence 0"))),
            std::string(R"({"type":"phase","seq":60,"step":12,"phase":"decode","edge":"end","tokens":12,)"
                        R"("stop_reason":"kv_exhausted","detail":"no free KV block for sequence 0"})"));

        // defaults: the optional keys are left out; an empty pool is 0 % fragmented and used
        QCOMPARE(event_to_json_line(make_event(1, 0, kv_event("free", 2))),
                 std::string(R"({"type":"kv","seq":1,"step":0,"op":"free","seq_id":2,"blocks":[]})"));
        KvStatsEvent empty;
        empty.kind = "contiguous";
        QCOMPARE(
            event_to_json_line(make_event(2, 0, empty)),
            std::string(R"({"type":"kv_stats","seq":2,"step":0,"kind":"contiguous","block_size":0,)"
                        R"("n_blocks":0,"free_blocks":0,"n_sequences":0,"slots_reserved":0,"slots_used":0,)"
                        R"("shared_blocks":0,"bytes_per_slot":0,"fragmentation":0,"utilization":0})"));
        QCOMPARE(
            event_to_json_line(make_event(3, 0, decode_end(4, "", ""))),
            std::string(R"({"type":"phase","seq":3,"step":0,"phase":"decode","edge":"end","tokens":4})"));
    }

    void derivedStatsAreIgnoredOnRead() {
        const std::string line = event_to_json_line(make_event(42, 7, paged_stats()));
        const std::string edited =
            replaced(replaced(line, R"("fragmentation":0.2708333333333333)", R"("fragmentation":"anything")"),
                     R"(,"utilization":0.09375)", "");
        const Event back = event_from_json_line(edited, "x", 1);
        QVERIFY(difference(make_event(42, 7, paged_stats()), back).empty());
        QCOMPARE(std::get<KvStatsEvent>(back.body).fragmentation(), 26.0 / 96.0);
    }

    void malformedKvLinesNameTheLine() {
        const std::string run = run_line(2);
        KvEvent kv = kv_event("cow", 5);
        kv.blocks = {8, 12};
        kv.first_pos = 31;
        kv.n_pos = 1;
        kv.tables = {{5, {7, 12}}};
        const std::string good = event_to_json_line(make_event(1, 7, kv));
        const std::string stats = event_to_json_line(make_event(2, 7, paged_stats()));
        const auto edit = [&](const std::string& from, const std::string& to) {
            return replaced(good, from, to);
        };
        const auto edit_stats = [&](const std::string& from, const std::string& to) {
            return replaced(stats, from, to);
        };

        expect_format_error("bad_op", {run, edit(R"("op":"cow")", R"("op":"swap")")}, 2,
                            "op: unknown \"swap\" (expected alloc|append|fork|cow|free|evict|prefix_hit|"
                            "preempt|truncate)");
        expect_format_error("op_not_text", {run, edit(R"("op":"cow")", R"("op":3)")}, 2,
                            "op: expected a string or {\"hex\": …}, got number");
        expect_format_error("missing_op", {run, edit(R"("op":"cow",)", "")}, 2, "missing field \"op\"");
        expect_format_error("missing_seq_id", {run, edit(R"("seq_id":5,)", "")}, 2,
                            "missing field \"seq_id\"");
        expect_format_error("seq_id_range", {run, edit(R"("seq_id":5)", R"("seq_id":-2)")}, 2,
                            "seq_id: -2 is out of range");
        expect_format_error("block_not_int", {run, edit(R"("blocks":[8,12])", R"("blocks":[8,"12"])")}, 2,
                            "blocks[1]: expected an integer, got string");
        expect_format_error("block_fraction", {run, edit(R"("blocks":[8,12])", R"("blocks":[8.5,12])")}, 2,
                            "blocks[0]: expected an integer, got number");
        expect_format_error("block_negative", {run, edit(R"("blocks":[8,12])", R"("blocks":[-1,12])")}, 2,
                            "blocks[0]: -1 is out of range");
        expect_format_error("blocks_missing", {run, edit(R"("blocks":[8,12],)", "")}, 2,
                            "missing field \"blocks\"");
        expect_format_error("n_pos_negative", {run, edit(R"("n_pos":1)", R"("n_pos":-1)")}, 2,
                            "n_pos: -1 is out of range");
        expect_format_error("first_pos_range", {run, edit(R"("first_pos":31)", R"("first_pos":-5)")}, 2,
                            "first_pos: -5 is out of range");
        expect_format_error("n_pos_alone", {run, edit(R"("first_pos":31,)", "")}, 2,
                            "missing field \"first_pos\"");
        expect_format_error("table_key_x", {run, edit(R"({"5":)", R"({"x":)")}, 2,
                            "tables: key \"x\" is not a sequence id");
        expect_format_error("table_key_padded", {run, edit(R"({"5":)", R"({"05":)")}, 2,
                            "tables: key \"05\" is not a sequence id");
        expect_format_error("table_key_negative", {run, edit(R"({"5":)", R"({"-5":)")}, 2,
                            "tables: key \"-5\" is not a sequence id");
        expect_format_error("table_not_object", {run, edit(R"({"5":[7,12]})", R"([[7,12]])")}, 2,
                            "tables: expected an object, got array");
        expect_format_error("table_entry", {run, edit(R"([7,12])", R"([7,true])")}, 2,
                            "tables.5[1]: expected an integer, got boolean");
        expect_format_error("bad_kind", {run, edit_stats(R"("kind":"paged")", R"("kind":"radix")")}, 2,
                            "kind: unknown \"radix\" (expected contiguous|sliding|paged)");
        expect_format_error("free_beyond_pool",
                            {run, edit_stats(R"("free_blocks":58)", R"("free_blocks":65)")}, 2,
                            "free_blocks: 65 is out of range");
        expect_format_error("used_beyond_reserved",
                            {run, edit_stats(R"("slots_used":70)", R"("slots_used":97)")}, 2,
                            "slots_used: 97 is out of range");
        expect_format_error("missing_bytes", {run, edit_stats(R"(,"bytes_per_slot":4096)", "")}, 2,
                            "missing field \"bytes_per_slot\"");
        // the line number counts: a bad event after good ones
        expect_format_error("third_line",
                            {run, good, replaced(stats, R"("block_size":16)", R"("block_size":-16)")}, 3,
                            "block_size: -16 is out of range");

        // a single line names the source and line it was given
        try {
            (void)event_from_json_line(edit(R"("op":"cow")", R"("op":"move")"), "one-line", 7);
            QFAIL("a bad op parsed");
        } catch (const FormatError& e) {
            QVERIFY2(std::string(e.what()).rfind("one-line:7: op: unknown \"move\"", 0) == 0, e.what());
        }
    }

    void damagedKvLinesNeverCrash() {
        // seeded mutations of kv lines: accepted when harmless, else FormatError
        std::string base;
        for (const Event& event : kv_trace()) base += event_to_json_line(event) + "\n";
        const DamageResult damage = damage_trace(base, file("damaged.jsonl"), 2025);
        QVERIFY2(damage.problem.empty(), damage.problem.c_str());
        QVERIFY(damage.refused > 150);
    }

    void versionsOneAndTwoReadNewerIsRefused() {
        // version 1: the same lines without kv events, read as written
        const std::string phase =
            R"({"type":"phase","seq":1,"step":0,"phase":"prefill","edge":"begin","tokens":2})";
        write_bytes(file("v1.jsonl"), run_line(1) + "\n" + phase + "\n");
        const std::vector<Event> v1 = read_jsonl_trace(file("v1.jsonl"));
        QCOMPARE(v1.size(), size_t(2));
        QCOMPARE(std::get<RunEvent>(v1[0].body).format_version, 1);

        const std::string kv = event_to_json_line(make_event(2, 0, kv_event("alloc", 0)));
        const std::string stats = event_to_json_line(make_event(2, 0, paged_stats()));
        write_bytes(file("v2.jsonl"), run_line(2) + "\n" + phase + "\n" + kv + "\n");
        QCOMPARE(read_jsonl_trace(file("v2.jsonl")).size(), size_t(3));

        expect_format_error("v1_with_kv", {run_line(1), phase, kv}, 3,
                            "a \"kv\" event in a version 1 trace (KV cache events came in version 2)");
        expect_format_error("v1_with_kv_stats", {run_line(1), stats}, 2,
                            "a \"kv_stats\" event in a version 1 trace");
        expect_format_error("v4", {run_line(4), phase}, 1,
                            "format_version: 4 is newer than this reader supports (3)");
    }
};

QTEST_APPLESS_MAIN(TestTraceKv)
#include "test_trace_kv.moc"
