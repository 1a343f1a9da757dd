// The CPU building blocks of the Llama forward pass, on row batches: each row of a
// [n_rows][…] matrix is one token position (of one sequence).
#pragma once

#include <vector>

#include "model/weights.h"

namespace dlab {

// y = x · wᵀ, rows split across the engine's threads by output column.
// x: [n_rows][in], w: [out][in], y: [n_rows][out] (resized).
void matmul_transposed(const RowMatrix& x, const RowMatrix& w, RowMatrix& y);

// out[r] = x[r] / sqrt(mean(x[r]²) + eps) ⊙ weight.   x, out: [n_rows][dim], weight: [dim]
void rms_norm(const RowMatrix& x, const Vector& weight, float eps, RowMatrix& out);

// Rotates adjacent pairs (x[2i], x[2i+1]) of every head by pos · base^(−2i/head_dim), the
// convention of GGUF llama and llama2.c.  x: [n_rows][n_heads·head_dim], positions: [n_rows]
void apply_rope(RowMatrix& x, const std::vector<int>& positions, int head_dim, float freq_base);

// gate ← silu(gate) ⊙ up.   gate, up: [n_rows][hidden_dim]
void swiglu(RowMatrix& gate, const RowMatrix& up);

// Softmax of x[0..n) in place, numerically stable (max subtracted).
void softmax(float* x, int n);

}  // namespace dlab
