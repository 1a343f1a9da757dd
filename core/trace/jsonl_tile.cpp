// The attention tile events of the JSON Lines trace (docs/trace-format.md, "Event: tile").
// A prefill pass can emit thousands of them, so the keys that are usually at their
// defaults (q_block and kv_block outside FlashAttention's tiles, masked, the highlighted
// row's m and ℓ) are left out then. Reading checks every value: the kind is a known one,
// the counts and byte counts are not negative, and an m or ℓ that is present is a number
// (or "nan", "inf", "-inf": m is −∞ before the first tile).
#include <array>
#include <limits>
#include <string_view>

#include "trace/jsonl_detail.h"

namespace dlab::jsonl {
namespace {

constexpr std::array<std::string_view, 5> kKinds = {"naive_qk", "naive_softmax", "naive_pv", "flash_init",
                                                    "flash_tile"};
constexpr int64_t kMaxCount = std::numeric_limits<long long>::max();

void put_optional_float(Json& line, const char* key, const std::optional<float>& value) {
    if (value) line[key] = float_value(*value);
}

// Left out when absent; when present, a number or a non-finite one's string, never null.
void read_optional_float(const ValueReader& reader, const Value& line, const char* key,
                         std::optional<float>& value) {
    if (line.json.contains(key)) value = reader.to_float(reader.field(line, key));
}

}  // namespace

void put_tile(Json& line, const TileEvent& tile) {
    line["kind"] = text_value(tile.kind);
    line["layer"] = tile.layer;
    line["head"] = tile.head;
    if (tile.q_block != -1) line["q_block"] = tile.q_block;
    if (tile.kv_block != -1) line["kv_block"] = tile.kv_block;
    line["q_first"] = tile.q_first;
    line["q_rows"] = tile.q_rows;
    line["kv_first"] = tile.kv_first;
    line["kv_rows"] = tile.kv_rows;
    line["hbm_read_bytes"] = tile.hbm_read_bytes;
    line["hbm_write_bytes"] = tile.hbm_write_bytes;
    line["sram_bytes"] = tile.sram_bytes;
    line["flops"] = tile.flops;
    if (tile.masked) line["masked"] = true;
    put_optional_float(line, "m_before", tile.m_before);
    put_optional_float(line, "m_after", tile.m_after);
    put_optional_float(line, "l_before", tile.l_before);
    put_optional_float(line, "l_after", tile.l_after);
}

TileEvent read_tile(const ValueReader& reader, const Value& line) {
    TileEvent tile;
    const Value kind = reader.field(line, "kind");
    tile.kind = reader.to_text(kind);
    expect_name(reader, kind, tile.kind, kKinds);
    tile.layer = reader.to_int(reader.field(line, "layer"), -1);
    tile.head = reader.to_int(reader.field(line, "head"), -1);
    if (line.json.contains("q_block")) tile.q_block = reader.to_int(reader.field(line, "q_block"), -1);
    if (line.json.contains("kv_block")) tile.kv_block = reader.to_int(reader.field(line, "kv_block"), -1);
    tile.q_first = reader.to_int(reader.field(line, "q_first"), 0);
    tile.q_rows = reader.to_int(reader.field(line, "q_rows"), 0);
    tile.kv_first = reader.to_int(reader.field(line, "kv_first"), 0);
    tile.kv_rows = reader.to_int(reader.field(line, "kv_rows"), 0);
    tile.hbm_read_bytes = reader.integer(reader.field(line, "hbm_read_bytes"), 0, kMaxCount);
    tile.hbm_write_bytes = reader.integer(reader.field(line, "hbm_write_bytes"), 0, kMaxCount);
    tile.sram_bytes = reader.integer(reader.field(line, "sram_bytes"), 0, kMaxCount);
    tile.flops = reader.integer(reader.field(line, "flops"), 0, kMaxCount);
    if (line.json.contains("masked")) tile.masked = reader.to_bool(reader.field(line, "masked"));
    read_optional_float(reader, line, "m_before", tile.m_before);
    read_optional_float(reader, line, "m_after", tile.m_after);
    read_optional_float(reader, line, "l_before", tile.l_before);
    read_optional_float(reader, line, "l_after", tile.l_after);
    return tile;
}

}  // namespace dlab::jsonl
