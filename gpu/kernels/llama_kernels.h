// Launchers of the elementwise kernels of the Llama forward pass (F32). Plain C++17 with
// the CUDA runtime types only: no Eigen, no core headers, so the .cu files stay free of
// them. Every launcher enqueues on `stream` and returns cudaGetLastError() for the caller
// to check (DLAB_CUDA_CHECK); shapes are the caller's to validate. Row r of a [n_rows][…]
// matrix is one token position.
#pragma once

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

}  // namespace dlab::kernels
