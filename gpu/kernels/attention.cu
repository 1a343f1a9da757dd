#include "kernels/attention.h"

#include <cfloat>

namespace dlab::kernels {

namespace {

constexpr int kStoreThreads = 128;
constexpr int kAttentionThreads = 128;

__global__ void store_kv_kernel(const float* k, const float* v, const int* slots, float* key_cache,
                                float* value_cache, int kv_dim) {
    const long long r = blockIdx.x;
    const long long slot = slots[r];
    for (int i = threadIdx.x; i < kv_dim; i += blockDim.x) {
        key_cache[slot * kv_dim + i] = k[r * kv_dim + i];
        value_cache[slot * kv_dim + i] = v[r * kv_dim + i];
    }
}

// Reduction over the block (max or sum): warp shuffles, then the warps through shared memory.
template <bool kMax>
__device__ float block_reduce(float value) {
    __shared__ float partial[32];
    for (int offset = 16; offset > 0; offset >>= 1) {
        const float other = __shfl_xor_sync(0xffffffffu, value, offset);
        value = kMax ? fmaxf(value, other) : value + other;
    }
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    if (lane == 0) partial[warp] = value;
    __syncthreads();
    const int n_warps = (blockDim.x + 31) / 32;
    value = lane < n_warps ? partial[lane] : (kMax ? -FLT_MAX : 0.0f);
    if (warp == 0)
        for (int offset = 16; offset > 0; offset >>= 1) {
            const float other = __shfl_xor_sync(0xffffffffu, value, offset);
            value = kMax ? fmaxf(value, other) : value + other;
        }
    if (threadIdx.x == 0) partial[0] = value;
    __syncthreads();
    const float total = partial[0];
    __syncthreads();  // partial is reused by the next reduction
    return total;
}

// grid (n_rows, n_heads); dynamic shared memory: scores [max_position + 1], then q [head_dim]
__global__ void paged_attention_kernel(const float* q, const float* key_cache, const float* value_cache,
                                       const int* tables, int table_stride, const int* positions, float* out,
                                       int n_heads, int n_kv_heads, int head_dim, int block_size, int max_position) {
    extern __shared__ float shared[];
    const int r = blockIdx.x;
    const int h = blockIdx.y;
    const int n_keys = positions[r] + 1;  // positions 0 … positions[r], its own included
    float* scores = shared;                   // [n_keys]
    float* q_head = shared + max_position + 1;  // [head_dim]
    const int kv_dim = n_kv_heads * head_dim;
    const int kv_head = h / (n_heads / n_kv_heads);
    const int* table = tables + static_cast<long long>(r) * table_stride;
    const float scale = 1.0f / sqrtf(static_cast<float>(head_dim));

    // the query head into shared memory
    const float* q_row = q + (static_cast<long long>(r) * n_heads + h) * head_dim;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) q_head[d] = q_row[d];
    __syncthreads();

    // scores through the block table: logical block t / block_size → physical table[…]
    float local_max = -FLT_MAX;
    for (int t = threadIdx.x; t < n_keys; t += blockDim.x) {
        const long long slot = static_cast<long long>(table[t / block_size]) * block_size + t % block_size;
        const float* key = key_cache + slot * kv_dim + kv_head * head_dim;
        float dot = 0.0f;
        for (int d = 0; d < head_dim; ++d) dot += q_head[d] * key[d];
        scores[t] = dot * scale;
        local_max = fmaxf(local_max, scores[t]);
    }

    // softmax with the maximum subtracted
    const float max_score = block_reduce<true>(local_max);
    float local_sum = 0.0f;
    for (int t = threadIdx.x; t < n_keys; t += blockDim.x) {
        scores[t] = expf(scores[t] - max_score);
        local_sum += scores[t];
    }
    const float inv_sum = 1.0f / block_reduce<false>(local_sum);  // ends with a barrier: scores are visible

    // weighted sum of the values, one output dimension per thread
    float* out_head = out + (static_cast<long long>(r) * n_heads + h) * head_dim;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        float acc = 0.0f;
        for (int t = 0; t < n_keys; ++t) {
            const long long slot = static_cast<long long>(table[t / block_size]) * block_size + t % block_size;
            acc += scores[t] * value_cache[slot * kv_dim + kv_head * head_dim + d];
        }
        out_head[d] = acc * inv_sum;
    }
}

}  // namespace

cudaError_t launch_store_kv(const float* k, const float* v, const int* slots, float* key_cache, float* value_cache,
                            int n_rows, int kv_dim, cudaStream_t stream) {
    if (n_rows <= 0) return cudaSuccess;
    store_kv_kernel<<<n_rows, kStoreThreads, 0, stream>>>(k, v, slots, key_cache, value_cache, kv_dim);
    return cudaGetLastError();
}

cudaError_t launch_paged_attention(const float* q, const float* key_cache, const float* value_cache,
                                   const int* tables, int table_stride, const int* positions, float* out, int n_rows,
                                   int n_heads, int n_kv_heads, int head_dim, int block_size, int max_position,
                                   cudaStream_t stream) {
    if (n_rows <= 0) return cudaSuccess;
    if (n_kv_heads <= 0 || n_heads % n_kv_heads != 0 || head_dim <= 0 || block_size <= 0 || max_position < 0)
        return cudaErrorInvalidValue;
    const long long shared_bytes = attention_shared_bytes(max_position + 1, head_dim);
    if (shared_bytes > kAttentionMaxSharedBytes) return cudaErrorInvalidValue;
    const dim3 grid(static_cast<unsigned>(n_rows), static_cast<unsigned>(n_heads));
    paged_attention_kernel<<<grid, kAttentionThreads, static_cast<size_t>(shared_bytes), stream>>>(
        q, key_cache, value_cache, tables, table_stride, positions, out, n_heads, n_kv_heads, head_dim, block_size,
        max_position);
    return cudaGetLastError();
}

}  // namespace dlab::kernels
