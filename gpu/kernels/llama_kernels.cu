#include "kernels/llama_kernels.h"

namespace dlab::kernels {

namespace {

constexpr int kThreads = 256;  // elementwise and per-row kernels

int blocks_for(long long n) {
    const long long blocks = (n + kThreads - 1) / kThreads;
    return static_cast<int>(blocks < 65535LL * 32 ? blocks : 65535LL * 32);
}

__global__ void embedding_kernel(const int* tokens, const float* embedding, float* x, int dim) {
    const int r = blockIdx.x;
    const float* src = embedding + static_cast<long long>(tokens[r]) * dim;
    float* dst = x + static_cast<long long>(r) * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) dst[i] = src[i];
}

// Sum over the block: warp shuffles, then the warps' partial sums through shared memory.
__device__ float block_sum(float value) {
    __shared__ float partial[32];
    for (int offset = 16; offset > 0; offset >>= 1) value += __shfl_xor_sync(0xffffffffu, value, offset);
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    if (lane == 0) partial[warp] = value;
    __syncthreads();
    const int n_warps = (blockDim.x + 31) / 32;
    value = lane < n_warps ? partial[lane] : 0.0f;
    if (warp == 0)
        for (int offset = 16; offset > 0; offset >>= 1) value += __shfl_xor_sync(0xffffffffu, value, offset);
    if (threadIdx.x == 0) partial[0] = value;
    __syncthreads();
    const float total = partial[0];
    __syncthreads();  // partial may be reused by the next call
    return total;
}

__global__ void rms_norm_kernel(const float* x, const float* weight, float* out, int dim, float eps) {
    const long long r = blockIdx.x;
    const float* row = x + r * dim;
    float sum_squares = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) sum_squares += row[i] * row[i];
    const float mean_square = block_sum(sum_squares) / static_cast<float>(dim);
    const float scale = 1.0f / sqrtf(mean_square + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) out[r * dim + i] = row[i] * scale * weight[i];
}

// one thread per (row, head, pair)
__global__ void rope_kernel(float* x, const int* positions, int n_rows, int n_heads, int head_dim, double freq_base) {
    const int half = head_dim / 2;
    const long long n_items = static_cast<long long>(n_rows) * n_heads * half;
    for (long long item = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; item < n_items;
         item += static_cast<long long>(gridDim.x) * blockDim.x) {
        const int i = static_cast<int>(item % half);
        const long long head_row = item / half;  // r·n_heads + h
        const int r = static_cast<int>(head_row / n_heads);
        const double freq = pow(freq_base, -2.0 * i / head_dim);
        const double angle = positions[r] * freq;
        const float c = static_cast<float>(cos(angle));
        const float s = static_cast<float>(sin(angle));
        float* v = x + head_row * head_dim + 2 * i;
        const float x0 = v[0], x1 = v[1];
        v[0] = x0 * c - x1 * s;
        v[1] = x0 * s + x1 * c;
    }
}

__global__ void swiglu_kernel(float* gate, const float* up, long long n) {
    for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<long long>(gridDim.x) * blockDim.x) {
        const float g = gate[i];
        gate[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

__global__ void residual_add_kernel(float* x, const float* y, long long n) {
    for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<long long>(gridDim.x) * blockDim.x)
        x[i] += y[i];
}

__global__ void f32_to_bf16_kernel(const float* x, __nv_bfloat16* y, long long n) {
    for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<long long>(gridDim.x) * blockDim.x)
        y[i] = __float2bfloat16_rn(x[i]);
}

constexpr int kGemvWarps = 8;  // output elements per CTA of gemv_bf16_kernel

__device__ __forceinline__ float round_bf16(float v) { return __bfloat162float(__float2bfloat16_rn(v)); }

// One warp per output column j: lanes stride over w's row j in chunks of 8 BF16 (16 bytes),
// each chunk multiplied into every row of x; then a warp sum per row.
__global__ void __launch_bounds__(kGemvWarps * 32)
    gemv_bf16_kernel(const float* __restrict__ x, const __nv_bfloat16* __restrict__ w, float* __restrict__ y,
                     int n_rows, int n_out, int n_in) {
    const int lane = threadIdx.x % 32;
    const int j = blockIdx.x * kGemvWarps + threadIdx.x / 32;
    if (j >= n_out) return;  // whole warps leave; no block-wide barrier follows
    const int n_chunks = n_in / 8;
    const uint4* w_row = reinterpret_cast<const uint4*>(w + static_cast<long long>(j) * n_in);
    float acc[kGemvMaxRows];
#pragma unroll
    for (int r = 0; r < kGemvMaxRows; ++r) acc[r] = 0.0f;
#pragma unroll 4
    for (int c = lane; c < n_chunks; c += 32) {
        const uint4 packed = __ldcs(w_row + c);  // streamed once: do not keep it in L2
        const __nv_bfloat162* pairs = reinterpret_cast<const __nv_bfloat162*>(&packed);
        float wf[8];
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            const float2 f = __bfloat1622float2(pairs[k]);
            wf[2 * k] = f.x;
            wf[2 * k + 1] = f.y;
        }
#pragma unroll
        for (int r = 0; r < kGemvMaxRows; ++r) {
            if (r < n_rows) {
                const float4* xr = reinterpret_cast<const float4*>(x + static_cast<long long>(r) * n_in) + 2 * c;
                const float4 a = __ldg(xr), b = __ldg(xr + 1);
                float s = acc[r];
                s = fmaf(wf[0], round_bf16(a.x), s);
                s = fmaf(wf[1], round_bf16(a.y), s);
                s = fmaf(wf[2], round_bf16(a.z), s);
                s = fmaf(wf[3], round_bf16(a.w), s);
                s = fmaf(wf[4], round_bf16(b.x), s);
                s = fmaf(wf[5], round_bf16(b.y), s);
                s = fmaf(wf[6], round_bf16(b.z), s);
                s = fmaf(wf[7], round_bf16(b.w), s);
                acc[r] = s;
            }
        }
    }
#pragma unroll
    for (int r = 0; r < kGemvMaxRows; ++r) {
        if (r < n_rows) {
            float v = acc[r];
            for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
            if (lane == 0) y[static_cast<long long>(r) * n_out + j] = v;
        }
    }
}

}  // namespace

cudaError_t launch_embedding(const int* tokens, const float* embedding, float* x, int n_rows, int dim,
                             cudaStream_t stream) {
    if (n_rows <= 0) return cudaSuccess;
    embedding_kernel<<<n_rows, kThreads, 0, stream>>>(tokens, embedding, x, dim);
    return cudaGetLastError();
}

cudaError_t launch_rms_norm(const float* x, const float* weight, float* out, int n_rows, int dim, float eps,
                            cudaStream_t stream) {
    if (n_rows <= 0) return cudaSuccess;
    rms_norm_kernel<<<n_rows, kThreads, 0, stream>>>(x, weight, out, dim, eps);
    return cudaGetLastError();
}

cudaError_t launch_rope(float* x, const int* positions, int n_rows, int n_heads, int head_dim, float freq_base,
                        cudaStream_t stream) {
    const long long n_items = static_cast<long long>(n_rows) * n_heads * (head_dim / 2);
    if (n_items <= 0) return cudaSuccess;
    rope_kernel<<<blocks_for(n_items), kThreads, 0, stream>>>(x, positions, n_rows, n_heads, head_dim,
                                                              static_cast<double>(freq_base));
    return cudaGetLastError();
}

cudaError_t launch_swiglu(float* gate, const float* up, long long n, cudaStream_t stream) {
    if (n <= 0) return cudaSuccess;
    swiglu_kernel<<<blocks_for(n), kThreads, 0, stream>>>(gate, up, n);
    return cudaGetLastError();
}

cudaError_t launch_residual_add(float* x, const float* y, long long n, cudaStream_t stream) {
    if (n <= 0) return cudaSuccess;
    residual_add_kernel<<<blocks_for(n), kThreads, 0, stream>>>(x, y, n);
    return cudaGetLastError();
}

cudaError_t launch_f32_to_bf16(const float* x, __nv_bfloat16* y, long long n, cudaStream_t stream) {
    if (n <= 0) return cudaSuccess;
    f32_to_bf16_kernel<<<blocks_for(n), kThreads, 0, stream>>>(x, y, n);
    return cudaGetLastError();
}

cudaError_t launch_gemv_bf16(const float* x, const __nv_bfloat16* w, float* y, int n_rows, int n_out, int n_in,
                             cudaStream_t stream) {
    const bool aligned = reinterpret_cast<unsigned long long>(x) % 16 == 0 &&
                         reinterpret_cast<unsigned long long>(w) % 16 == 0;
    if (n_rows < 1 || n_rows > kGemvMaxRows || n_in % 8 != 0 || n_in <= 0 || n_out < 0 || !aligned)
        return cudaErrorInvalidValue;
    if (n_out == 0) return cudaSuccess;
    gemv_bf16_kernel<<<(n_out + kGemvWarps - 1) / kGemvWarps, kGemvWarps * 32, 0, stream>>>(x, w, y, n_rows, n_out,
                                                                                           n_in);
    return cudaGetLastError();
}

}  // namespace dlab::kernels
