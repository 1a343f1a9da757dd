// What one attention computation costs in the GPU's memory hierarchy: bytes read from and
// written to HBM, the most SRAM held at once, and the FLOPs of its matrix products. Both
// algorithms count as they move data, and can also be walked without data (dry run) to
// model shapes too large to compute here.
#pragma once

#include "trace/tile_events.h"

namespace dlab {

// One head's attention: queries at key positions query_offset … query_offset+n_queries−1
// (causal: a query sees keys at its own position and before).
struct AttentionShape {
    int n_queries = 0;
    int n_keys = 0;
    int head_dim = 0;
    bool causal = false;
    int query_offset = 0;
    int element_bytes = 4;  // 4 = F32 (the CPU engine), 2 = FP16/BF16 (the paper's setting)

    // Throws InvalidArgument naming the field out of range.
    void validate() const;
};

struct AttentionCost {
    long long hbm_read_bytes = 0;
    long long hbm_write_bytes = 0;
    long long sram_peak_bytes = 0;
    long long flops = 0;
    int n_tiles = 0;          // flash: tiles computed
    int n_tiles_skipped = 0;  // flash: tiles wholly above the causal diagonal

    long long hbm_bytes() const { return hbm_read_bytes + hbm_write_bytes; }
};

class TileObserver {
public:
    virtual ~TileObserver() = default;
    virtual void on_tile(const TileEvent& event) = 0;
};

// Where tile events go and how they are labelled.
struct TileTrace {
    TileObserver* observer = nullptr;
    int layer = -1;
    int head = -1;
    int highlight_row = -1;  // query row whose m and ℓ each tile reports (-1: none)
};

}  // namespace dlab
