#include "options/engine_parameters.h"

namespace dlab {

std::map<std::string, std::string> engine_parameters(const KvConfig& kv, const AttentionConfig& attention) {
    std::map<std::string, std::string> p;

    // the KV cache
    p["kv"] = kv_kind_name(kv.kind);
    if (kv.max_seq_len > 0) p["max-seq-len"] = std::to_string(kv.max_seq_len);
    if (kv.kind == KvKind::Paged) {
        p["block-size"] = std::to_string(kv.block_size);
        if (kv.num_blocks > 0) p["num-blocks"] = std::to_string(kv.num_blocks);
        p["prefix-caching"] = kv.prefix_caching ? "true" : "false";
    }
    if (kv.kind == KvKind::Sliding) {
        p["window"] = std::to_string(kv.window);
        p["sink-tokens"] = std::to_string(kv.sink_tokens);
    }

    // the attention and the tiles it traces
    p["attention"] = attention_kind_name(attention.kind);
    p["device-preset"] = attention.device_preset;
    if (attention.sram_bytes > 0) p["sram-bytes"] = std::to_string(attention.sram_bytes);
    if (attention.tile_rows > 0) p["tile-rows"] = std::to_string(attention.tile_rows);
    if (attention.tile_cols > 0) p["tile-cols"] = std::to_string(attention.tile_cols);
    p["tile-layer"] = std::to_string(attention.trace_layer);
    p["tile-head"] = std::to_string(attention.trace_head);
    if (attention.highlight_row >= 0) p["highlight-row"] = std::to_string(attention.highlight_row);
    return p;
}

}  // namespace dlab
