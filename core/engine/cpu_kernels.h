// The CPU building blocks of the Llama forward pass, on row batches: each row of a
// [n_rows][…] matrix is one token position (of one sequence).
#pragma once

#include <initializer_list>
#include <utility>
#include <vector>

#include "model/weights.h"

namespace dlab {

// One product of a stacked matmul: out = x · weightᵀ.
// weight: [n_out][in], out: [n_rows][n_out] (resized)
struct Projection {
    const RowMatrix* weight;
    RowMatrix* out;
};

// Every projection's out = x · weightᵀ, in one parallel region: the weights are streamed as
// if stacked into one [Σ n_out][in] matrix whose rows are split evenly across the threads,
// so that short matrices (wk, wv) cost no fork/join and no ramp-up of their own.
// x: [n_rows][in]
void matmul_transposed(const RowMatrix& x, std::initializer_list<Projection> projections);

// y = x · wᵀ.   x: [n_rows][in], w: [out][in], y: [n_rows][out] (resized)
void matmul_transposed(const RowMatrix& x, const RowMatrix& w, RowMatrix& y);

// hidden = silu(x · w_gateᵀ) ⊙ (x · w_upᵀ), in one parallel region: each thread owns one
// slice of hidden's columns and streams the matching rows of both matrices, so the gating
// needs neither a barrier nor a serial pass.
// x: [n_rows][dim], w_gate, w_up: [hidden_dim][dim], hidden, up_scratch: [n_rows][hidden_dim]
void swiglu_projection(const RowMatrix& x, const RowMatrix& w_gate, const RowMatrix& w_up,
                       RowMatrix& hidden, RowMatrix& up_scratch);

// Building blocks for a caller inside a parallel region (each thread its own part, no
// region of their own).
// The rows [begin, end) of an n_rows matrix that the calling thread streams: one contiguous
// slice per thread (measured ~10% faster at batch 1 than many small chunks); edges fall on
// multiples of 16 rows.
std::pair<Eigen::Index, Eigen::Index> thread_slice(Eigen::Index n_rows);
// y[:, r0:r1] (+)= x · w[r0:r1]ᵀ
void matmul_transposed_rows(const RowMatrix& x, const RowMatrix& w, RowMatrix& y, Eigen::Index r0, Eigen::Index r1,
                            bool accumulate = false);
// swiglu_projection's columns [r0, r1)
void swiglu_rows(const RowMatrix& x, const RowMatrix& w_gate, const RowMatrix& w_up, RowMatrix& hidden,
                 RowMatrix& up_scratch, Eigen::Index r0, Eigen::Index r1);

// out[r] = x[r] / sqrt(mean(x[r]²) + eps) ⊙ weight.   x, out: [n_rows][dim], weight: [dim]
void rms_norm(const RowMatrix& x, const Vector& weight, float eps, RowMatrix& out);

// RoPE's rotation for each row's position: angle(r, i) = positions[r] · frequencies[i],
// computed once per forward pass and shared by every layer's queries and keys.
struct RopeTable {
    RowMatrix cos;  // [n_rows][head_dim/2]
    RowMatrix sin;  // [n_rows][head_dim/2]
};
// base^(−2i/head_dim) for i < head_dim/2, in double; computed once per model (24 pow calls
// were 3–4 µs of every decode pass).
std::vector<double> rope_frequencies(int head_dim, float freq_base);
void make_rope_table(const std::vector<int>& positions, const std::vector<double>& frequencies, RopeTable& table);

// Rotates adjacent pairs (x[2i], x[2i+1]) of every head by the table's angle i, the
// convention of GGUF llama and llama2.c.  x: [n_rows][n_heads·head_dim]
void apply_rope(RowMatrix& x, const RopeTable& table);

// apply_rope on heads [head_begin, head_end) of one row.
void apply_rope_heads(RowMatrix& x, Eigen::Index row, const RopeTable& table, int head_begin, int head_end);

// Softmax of x[0..n) in place, numerically stable (max subtracted).
void softmax(float* x, int n);

}  // namespace dlab
