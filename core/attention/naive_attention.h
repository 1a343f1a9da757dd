// Standard attention as three kernels that keep their intermediates in HBM (the
// FlashAttention paper's Algorithm 0): S = QKᵀ/√d is written out, read back for
// P = softmax(S), which is written out and read back for O = PV. Θ(Nd + N²) HBM traffic.
#pragma once

#include "attention/attention_cost.h"
#include "model/weights.h"

namespace dlab {

// q: [n_queries][head_dim]; k, v: [n_keys][head_dim]; out: [n_queries][head_dim]
AttentionCost naive_attention(const AttentionShape& shape, const RowMatrix& q, const RowMatrix& k,
                              const RowMatrix& v, RowMatrix& out, const TileTrace& trace = {});

// The same accounting without data.
AttentionCost naive_attention_cost(const AttentionShape& shape, const TileTrace& trace = {});

}  // namespace dlab
