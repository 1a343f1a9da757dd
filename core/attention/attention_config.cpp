#include "attention/attention_config.h"

#include "attention/device_preset.h"
#include "common/error.h"

namespace dlab {

void AttentionConfig::validate(int n_layers, int n_heads) const {
    (void)dlab::device_preset(device_preset);
    if (sram_bytes < 0) throw InvalidArgument("--sram-bytes must be ≥ 0 (0: the device preset's), got " + std::to_string(sram_bytes));
    if (tile_rows < 0 || tile_cols < 0 || (tile_rows > 0) != (tile_cols > 0))
        throw InvalidArgument("--tile-rows and --tile-cols must be given together, both positive");
    if (trace_layer < 0 || trace_layer >= n_layers)
        throw InvalidArgument("--tile-layer must be between 0 and " + std::to_string(n_layers - 1) + ", got " +
                              std::to_string(trace_layer));
    if (trace_head < 0 || trace_head >= n_heads)
        throw InvalidArgument("--tile-head must be between 0 and " + std::to_string(n_heads - 1) + ", got " +
                              std::to_string(trace_head));
    if (highlight_row < -1) throw InvalidArgument("--highlight-row must be ≥ 0 (or -1 for none)");
    if (max_tile_events < 0) throw InvalidArgument("--max-tile-events must be ≥ 0");
}

TileSizes AttentionConfig::tiles(int head_dim, int element_bytes) const {
    if (tile_rows > 0 && tile_cols > 0) return {tile_rows, tile_cols};
    const long long budget = sram_bytes > 0 ? sram_bytes : dlab::device_preset(device_preset).sram_per_block;
    return flash_tile_sizes(head_dim, budget, element_bytes);
}

const char* attention_kind_name(AttentionKind kind) { return kind == AttentionKind::Flash ? "flash" : "naive"; }

AttentionKind parse_attention_kind(const std::string& name) {
    if (name == "naive") return AttentionKind::Naive;
    if (name == "flash") return AttentionKind::Flash;
    throw InvalidArgument("--attention must be naive or flash, got '" + name + "'");
}

}  // namespace dlab
