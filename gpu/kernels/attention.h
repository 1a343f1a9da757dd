// Launchers of the paged KV cache and attention kernels (F32). Plain C++17 with CUDA
// runtime types only; each enqueues on `stream` and returns cudaGetLastError().
//
// Cache layout of one layer: [n_blocks][block_size][kv_dim] keys (and the same for
// values); a slot index is block · block_size + slot (vLLM's slot_mapping).
#pragma once

#include <cuda_runtime.h>

namespace dlab::kernels {

// Shared memory one attention CTA needs for rows whose longest span is n_keys positions:
// the scores [n_keys] and the query [head_dim].
inline long long attention_shared_bytes(int n_keys, int head_dim) {
    return (static_cast<long long>(n_keys) + head_dim) * static_cast<long long>(sizeof(float));
}
// What the kernels are launched with at most (the default without an opt-in).
constexpr long long kAttentionMaxSharedBytes = 48 * 1024;

// key_cache[slots[r]][:] = k[r][:] and the same for values, for one layer.
// k, v: [n_rows][kv_dim]; slots: [n_rows]; key_cache, value_cache: [n_blocks·block_size][kv_dim]
cudaError_t launch_store_kv(const float* k, const float* v, const int* slots, float* key_cache, float* value_cache,
                            int n_rows, int kv_dim, cudaStream_t stream);

// Causal grouped-query attention of n_rows queries over keys and values already in the
// cache (each row's own included: the caller stores before it attends). Row r is at
// position positions[r] and attends to positions 0 … positions[r] of its sequence, read
// through the block table tables + r·table_stride (table_stride 0: every row shares one
// table — the prefill of one sequence). One CTA per (row, query head); head h reads KV
// head h / (n_heads / n_kv_heads). F32 softmax with the maximum subtracted.
// q, out: [n_rows][n_heads·head_dim]; positions: [n_rows]; tables: [n_rows or 1][table_stride]
// max_position: the largest of positions (sizes the shared memory)
cudaError_t launch_paged_attention(const float* q, const float* key_cache, const float* value_cache,
                                   const int* tables, int table_stride, const int* positions, float* out, int n_rows,
                                   int n_heads, int n_kv_heads, int head_dim, int block_size, int max_position,
                                   cudaStream_t stream);

}  // namespace dlab::kernels
