// Model weights in F32, owned (dequantized at load), laid out for row-wise streaming:
// every matrix is row-major [out][in], so y = W x reads each row once, in order.
#pragma once

#include <Eigen/Core>
#include <array>
#include <vector>

#include "common/huge_pages.h"

namespace dlab {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;

struct LayerWeights {
    Vector attn_norm;   // [dim]
    RowMatrix wq;       // [n_heads * head_dim][dim]
    RowMatrix wk;       // [n_kv_heads * head_dim][dim]
    RowMatrix wv;       // [n_kv_heads * head_dim][dim]
    RowMatrix wo;       // [dim][n_heads * head_dim]
    Vector ffn_norm;    // [dim]
    RowMatrix w_gate;   // [hidden_dim][dim]
    RowMatrix w_up;     // [hidden_dim][dim]
    RowMatrix w_down;   // [dim][hidden_dim]

    // The seven matrices, in the order a pass reads them.
    std::array<const RowMatrix*, 7> matrices() const { return {&wq, &wk, &wv, &wo, &w_gate, &w_up, &w_down}; }
};

struct ModelWeights {
    RowMatrix token_embedding;         // [vocab_size][dim]
    std::vector<LayerWeights> layers;  // [n_layers]
    Vector output_norm;                // [dim]
    RowMatrix output;                  // [vocab_size][dim]; empty when the output is tied

    const RowMatrix& classifier() const { return output.size() ? output : token_embedding; }
};

// Asks for 2 MB pages under a weight matrix that is allocated but not yet written, so that
// filling it faults them in directly (common/huge_pages.h). Every loader calls it.
inline void advise_huge_pages(const RowMatrix& m) {
    advise_huge_pages(m.data(), static_cast<std::size_t>(m.size()) * sizeof(float));
}

}  // namespace dlab
