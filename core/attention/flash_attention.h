// FlashAttention, Algorithm 1 of Dao et al. 2022: K and V are walked in blocks of Bc rows
// (outer loop), Q in blocks of Br rows (inner loop); each tile's scores live only in SRAM,
// and the output is kept exact by a running row max m and row sum ℓ with which earlier
// partial outputs are rescaled (online softmax). Tiles wholly above the causal diagonal are
// skipped. Θ(N²d²/M) HBM traffic for an SRAM budget of M.
#pragma once

#include "attention/attention_cost.h"
#include "attention/tile_sizes.h"
#include "model/weights.h"

namespace dlab {

// q: [n_queries][head_dim]; k, v: [n_keys][head_dim]; out: [n_queries][head_dim]
AttentionCost flash_attention(const AttentionShape& shape, TileSizes tiles, const RowMatrix& q, const RowMatrix& k,
                              const RowMatrix& v, RowMatrix& out, const TileTrace& trace = {});

// The same tile walk and accounting without data.
AttentionCost flash_attention_cost(const AttentionShape& shape, TileSizes tiles, const TileTrace& trace = {});

}  // namespace dlab
