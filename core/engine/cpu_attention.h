// Causal grouped-query attention in its two phases: prefill (one sequence, a block of
// queries, matrix form) and decode (one query per sequence for several sequences). Both
// attend to the positions stored in the KV cache before this pass — given as segments,
// which for the paged cache is the walk along the block table — and to this pass's own
// keys and values, which are stored only afterwards. The window decides visibility.
#pragma once

#include <vector>

#include "attention/attention_config.h"
#include "attention/attention_cost.h"
#include "kv/kv_cache.h"
#include "model/config.h"
#include "model/weights.h"

namespace dlab {

// How the prefill computes attention (naive or FlashAttention) and whose tiles it reports.
struct PrefillAttentionMode {
    const AttentionConfig* config = nullptr;  // nullptr: naive, untraced
    int layer = 0;
    TileObserver* observer = nullptr;         // receives the traced head's tile events
};

// Queries at positions first_pos … first_pos+n−1 of one sequence.
// q, out: [n][n_heads·head_dim]; k, v: [n][kv_dim] (this block's); past: stored positions < first_pos
void prefill_attention(const ModelConfig& config, const KvWindow& window, const std::vector<KvSegment>& past,
                       int first_pos, const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, RowMatrix& out,
                       const PrefillAttentionMode& mode = {});

// Attention of one decode row for heads [head_begin, head_end): reads each visible stored
// key and value row once (segment order, then the row's own k, v) for all those heads.
// q, out: [n_heads·head_dim] (only those heads' columns written); k, v: [kv_dim]
void decode_attention_heads(const ModelConfig& config, const KvWindow& window, const std::vector<KvSegment>& past,
                            int position, const float* q, const float* k, const float* v, float* out, int head_begin,
                            int head_end);

}  // namespace dlab
