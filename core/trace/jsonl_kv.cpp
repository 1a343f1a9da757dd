// The KV cache events of the JSON Lines trace (docs/trace-format.md, "Event: kv" and
// "Event: kv_stats"). Optional keys are left out at their defaults, because a run emits
// one kv event per cache operation and most operations use few of the fields. Reading
// checks every value, including that the names are known ones and that the counts are
// consistent, so the views never have to.
#include <array>
#include <charconv>
#include <limits>
#include <string_view>

#include "trace/jsonl_detail.h"

namespace dlab::jsonl {
namespace {

constexpr std::array<std::string_view, 9> kOps = {"alloc", "append",     "fork",    "cow",     "free",
                                                  "evict", "prefix_hit", "preempt", "truncate"};
constexpr std::array<std::string_view, 3> kKinds = {"contiguous", "sliding", "paged"};
constexpr int64_t kMaxCount = std::numeric_limits<long long>::max();

// Object keys are strings, so each sequence id is written in decimal. Only the canonical
// form reads back ("03" does not), so that two keys never name the same sequence.
std::map<int, std::vector<int>> read_tables(const ValueReader& reader, const Value& v) {
    if (!v.json.is_object()) reader.wrong_type(v, "an object");
    std::map<int, std::vector<int>> tables;
    for (const auto& [key, table] : v.json.items()) {
        int id = -1;
        std::from_chars(key.data(), key.data() + key.size(), id);  // leaves -1 unless it parses
        if (id < 0 || std::to_string(id) != key) {
            reader.fail(v.where, "key \"" + key + "\" is not a sequence id (a decimal integer >= 0)");
        }
        tables[id] = reader.to_ints({table, v.where.at(key.c_str())}, 0);
    }
    return tables;
}

}  // namespace

void put_kv(Json& line, const KvEvent& kv) {
    line["op"] = text_value(kv.op);
    line["seq_id"] = kv.seq;  // "seq" is the event's number
    if (kv.other_seq != -1) line["other_seq"] = kv.other_seq;
    line["blocks"] = kv.blocks;
    if (kv.first_pos != -1 || kv.n_pos != 0) {
        line["first_pos"] = kv.first_pos;
        line["n_pos"] = kv.n_pos;
    }
    if (!kv.tables.empty()) {
        Json tables = Json::object();
        for (const auto& [id, table] : kv.tables) tables[std::to_string(id)] = table;
        line["tables"] = std::move(tables);
    }
    if (!kv.detail.empty()) line["detail"] = text_value(kv.detail);
}

void put_kv_stats(Json& line, const KvStatsEvent& stats) {
    line["kind"] = text_value(stats.kind);
    line["block_size"] = stats.block_size;
    line["n_blocks"] = stats.n_blocks;
    line["free_blocks"] = stats.free_blocks;
    line["n_sequences"] = stats.n_sequences;
    line["slots_reserved"] = stats.slots_reserved;
    line["slots_used"] = stats.slots_used;
    line["shared_blocks"] = stats.shared_blocks;
    line["bytes_per_slot"] = stats.bytes_per_slot;
    // derived from the counts above, for people reading the file; readers recompute them
    line["fragmentation"] = double_value(stats.fragmentation());
    line["utilization"] = double_value(stats.utilization());
}

KvEvent read_kv(const ValueReader& reader, const Value& line) {
    KvEvent kv;
    const Value op = reader.field(line, "op");
    kv.op = reader.to_text(op);
    expect_name(reader, op, kv.op, kOps);
    kv.seq = reader.to_int(reader.field(line, "seq_id"), -1);
    if (line.json.contains("other_seq")) kv.other_seq = reader.to_int(reader.field(line, "other_seq"), -1);
    kv.blocks = reader.to_ints(reader.field(line, "blocks"), 0);
    if (line.json.contains("first_pos") || line.json.contains("n_pos")) {
        kv.first_pos = reader.to_int(reader.field(line, "first_pos"), -1);
        kv.n_pos = reader.to_int(reader.field(line, "n_pos"), 0);
    }
    if (line.json.contains("tables")) kv.tables = read_tables(reader, reader.field(line, "tables"));
    if (line.json.contains("detail")) kv.detail = reader.to_text(reader.field(line, "detail"));
    return kv;
}

KvStatsEvent read_kv_stats(const ValueReader& reader, const Value& line) {
    KvStatsEvent stats;
    const Value kind = reader.field(line, "kind");
    stats.kind = reader.to_text(kind);
    expect_name(reader, kind, stats.kind, kKinds);
    stats.block_size = reader.to_int(reader.field(line, "block_size"), 0);
    stats.n_blocks = reader.to_int(reader.field(line, "n_blocks"), 0);
    // free_blocks <= n_blocks and slots_used <= slots_reserved keep the derived
    // fractions within [0, 1]
    stats.free_blocks =
        static_cast<int>(reader.integer(reader.field(line, "free_blocks"), 0, stats.n_blocks));
    stats.n_sequences = reader.to_int(reader.field(line, "n_sequences"), 0);
    stats.slots_reserved = reader.integer(reader.field(line, "slots_reserved"), 0, kMaxCount);
    stats.slots_used = reader.integer(reader.field(line, "slots_used"), 0, stats.slots_reserved);
    stats.shared_blocks =
        static_cast<int>(reader.integer(reader.field(line, "shared_blocks"), 0, stats.n_blocks));
    stats.bytes_per_slot = reader.integer(reader.field(line, "bytes_per_slot"), 0, kMaxCount);
    return stats;
}

}  // namespace dlab::jsonl
