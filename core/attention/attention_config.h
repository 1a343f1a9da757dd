// Which attention the prefill uses and how FlashAttention is tiled and traced: the choice
// behind --attention, --sram-bytes, --device-preset and the tile-trace options.
#pragma once

#include <string>

#include "attention/tile_sizes.h"

namespace dlab {

enum class AttentionKind { Naive, Flash };

struct AttentionConfig {
    AttentionKind kind = AttentionKind::Naive;
    std::string device_preset = "a100";  // supplies M when sram_bytes is 0, and the modeled times
    long long sram_bytes = 0;            // M, the SRAM budget of one thread block (0: the preset's)
    int tile_rows = 0;                   // explicit Br and Bc (0: from M)
    int tile_cols = 0;
    int trace_layer = 0;                 // the layer and head whose tiles go into the trace
    int trace_head = 0;
    int highlight_row = -1;              // query row whose m and ℓ the tile events carry
    int max_tile_events = 4096;          // per prefill pass; the rest are counted, not recorded

    // Throws InvalidArgument naming the option out of range for a model of n_layers × n_heads.
    void validate(int n_layers, int n_heads) const;
    // Br × Bc for a head dimension, computing in elements of element_bytes.
    TileSizes tiles(int head_dim, int element_bytes) const;
};

const char* attention_kind_name(AttentionKind kind);
// Throws InvalidArgument listing the accepted names.
AttentionKind parse_attention_kind(const std::string& name);

}  // namespace dlab
