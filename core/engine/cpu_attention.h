// Causal grouped-query attention over the KV cache, in its two phases:
// prefill (one sequence, a block of queries, matrix form) and decode (one query per
// sequence for several sequences, read position by position through the cache).
#pragma once

#include <vector>

#include "kv/kv_cache.h"
#include "model/config.h"
#include "model/weights.h"

namespace dlab {

// Queries at positions start_pos … start_pos+n−1 of `seq` attend to cache positions
// 0 … their own. q, out: [n][n_heads·head_dim]; the cache already holds this block's K, V.
void prefill_attention(const ModelConfig& config, const KvCache& cache, int layer, int seq,
                       int start_pos, const RowMatrix& q, RowMatrix& out);

// Row r is the newest position of sequence seqs[r], at positions[r].
// q, out: [n_rows][n_heads·head_dim]; seqs, positions: [n_rows]
void decode_attention(const ModelConfig& config, const KvCache& cache, int layer,
                      const std::vector<int>& seqs, const std::vector<int>& positions,
                      const RowMatrix& q, RowMatrix& out);

}  // namespace dlab
