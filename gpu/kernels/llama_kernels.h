// Launchers of the elementwise kernels of the Llama forward pass (F32), and of the two
// BF16 helpers of the backend's BF16 mode (conversion, matrix-vector product). Plain C++17
// with the CUDA runtime (and cuda_bf16.h) types only: no Eigen, no core headers, so the .cu files stay free of
// them. Every launcher enqueues on `stream` and returns cudaGetLastError() for the caller
// to check (DLAB_CUDA_CHECK); shapes are the caller's to validate. Row r of a [n_rows][…]
// matrix is one token position.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

namespace dlab::kernels {

// x[r][:] = embedding[tokens[r]][:].   tokens: [n_rows], embedding: [vocab][dim], x: [n_rows][dim]
cudaError_t launch_embedding(const int* tokens, const float* embedding, float* x, int n_rows, int dim,
                             cudaStream_t stream);

// out[r] = x[r] / sqrt(mean(x[r]²) + eps) ⊙ weight, one block per row, F32 sums.
// x, out: [n_rows][dim], weight: [dim]
cudaError_t launch_rms_norm(const float* x, const float* weight, float* out, int n_rows, int dim, float eps,
                            cudaStream_t stream);

// RoPE in place on adjacent pairs (x[2i], x[2i+1]) of every head of row r, by the angle
// positions[r] · base^(−2i/head_dim), computed in double like the CPU's make_rope_table.
// x: [n_rows][n_heads·head_dim], positions: [n_rows]
cudaError_t launch_rope(float* x, const int* positions, int n_rows, int n_heads, int head_dim, float freq_base,
                        cudaStream_t stream);

// gate = silu(gate) ⊙ up.   gate, up: [n] (n = n_rows·hidden_dim)
cudaError_t launch_swiglu(float* gate, const float* up, long long n, cudaStream_t stream);

// x += y.   x, y: [n]
cudaError_t launch_residual_add(float* x, const float* y, long long n, cudaStream_t stream);

// y[i] = x[i] rounded to BF16, round-to-nearest-even (__float2bfloat16_rn).   x, y: [n]
cudaError_t launch_f32_to_bf16(const float* x, __nv_bfloat16* y, long long n, cudaStream_t stream);

// The most rows launch_gemv_bf16 takes in one launch (decode: one row per live sequence).
constexpr int kGemvMaxRows = 8;

// y = x · wᵀ for a few rows, BF16 weights with F32 accumulation: one warp per output
// element column j reads w's row j once (16-byte loads) for all n_rows rows of x. Each x
// value is rounded to BF16 before the product, so that the result is the one cuBLAS gives
// with BF16 activations (the backend's prefill path), up to summation order.
// x: [n_rows][n_in] F32, w: [n_out][n_in] BF16, y: [n_rows][n_out] F32.
// Needs 1 ≤ n_rows ≤ kGemvMaxRows, n_in % 8 == 0 and 16-byte aligned x and w (cudaMalloc's
// are); returns cudaErrorInvalidValue otherwise, launching nothing.
cudaError_t launch_gemv_bf16(const float* x, const __nv_bfloat16* w, float* y, int n_rows, int n_out, int n_in,
                             cudaStream_t stream);

}  // namespace dlab::kernels
