// The IO model behind FlashAttention's claim: HBM bytes of standard attention, Θ(Nd + N²),
// against FlashAttention's, Θ(N²d²/M), counted by walking both algorithms without data, for
// sequence lengths and SRAM budgets far beyond what this machine would compute.
#pragma once

#include <vector>

#include "attention/attention_cost.h"
#include "attention/tile_sizes.h"

namespace dlab {

struct IoModelPoint {
    int n = 0;                // sequence length (queries = keys)
    int head_dim = 0;
    long long sram_bytes = 0;  // M
    int element_bytes = 0;
    bool causal = false;
    TileSizes tiles;
    AttentionCost naive;
    AttentionCost flash;
    double naive_closed_form_bytes = 0;  // (N·d + N²) · element size
    double flash_closed_form_bytes = 0;  // N²·d² / M_elements · element size

    double ratio() const { return double(naive.hbm_bytes()) / double(flash.hbm_bytes()); }
};

IoModelPoint io_model_point(int n, int head_dim, long long sram_bytes, int element_bytes, bool causal);

// Every combination, in the order n (inner), sram, head_dim (outer).
std::vector<IoModelPoint> io_model_series(const std::vector<int>& ns, const std::vector<int>& head_dims,
                                          const std::vector<long long>& sram_sizes, int element_bytes, bool causal);

}  // namespace dlab
