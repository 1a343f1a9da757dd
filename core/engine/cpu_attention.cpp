#include "engine/cpu_attention.h"

#include <cmath>
#include <limits>

#include "engine/cpu_kernels.h"

namespace dlab {

void prefill_attention(const ModelConfig& config, const KvCache& cache, int layer, int seq,
                       int start_pos, const RowMatrix& q, RowMatrix& out) {
    const int head_dim = config.head_dim();
    const int n_queries = static_cast<int>(q.rows());
    const int n_keys = start_pos + n_queries;
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    out.resize(n_queries, config.n_heads * head_dim);

    // gather K, V of this sequence into contiguous matrices
    RowMatrix keys(n_keys, config.kv_dim());    // [n_keys][kv_dim]
    RowMatrix values(n_keys, config.kv_dim());  // [n_keys][kv_dim]
    for (int p = 0; p < n_keys; ++p) {
        keys.row(p) = Eigen::Map<const Eigen::RowVectorXf>(cache.key(layer, seq, p), config.kv_dim());
        values.row(p) = Eigen::Map<const Eigen::RowVectorXf>(cache.value(layer, seq, p), config.kv_dim());
    }

#pragma omp parallel for schedule(static)
    for (int h = 0; h < config.n_heads; ++h) {
        const int kv_col = (h / config.group_size()) * head_dim;
        // scores S = Q Kᵀ / √d with the causal mask   [n_queries][n_keys]
        RowMatrix scores = (q.middleCols(h * head_dim, head_dim) *
                            keys.middleCols(kv_col, head_dim).transpose()) * scale;
        for (int i = 0; i < n_queries; ++i) {
            const int visible = start_pos + i + 1;
            for (int j = visible; j < n_keys; ++j) scores(i, j) = -std::numeric_limits<float>::infinity();
            softmax(scores.row(i).data(), n_keys);
        }
        // O = P V   [n_queries][head_dim]
        out.middleCols(h * head_dim, head_dim).noalias() = scores * values.middleCols(kv_col, head_dim);
    }
}

void decode_attention(const ModelConfig& config, const KvCache& cache, int layer,
                      const std::vector<int>& seqs, const std::vector<int>& positions,
                      const RowMatrix& q, RowMatrix& out) {
    const int head_dim = config.head_dim();
    const int n_rows = static_cast<int>(q.rows());
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    out.resize(n_rows, config.n_heads * head_dim);

#pragma omp parallel for collapse(2) schedule(static)
    for (int r = 0; r < n_rows; ++r) {
        for (int h = 0; h < config.n_heads; ++h) {
            const int n_keys = positions[r] + 1;
            const int kv_col = (h / config.group_size()) * head_dim;
            const Eigen::Map<const Eigen::VectorXf> query(q.row(r).data() + h * head_dim, head_dim);
            // scores over every cached position of this sequence
            std::vector<float> scores(n_keys);
            for (int p = 0; p < n_keys; ++p) {
                const Eigen::Map<const Eigen::VectorXf> key(cache.key(layer, seqs[r], p) + kv_col, head_dim);
                scores[p] = query.dot(key) * scale;
            }
            softmax(scores.data(), n_keys);
            // weighted sum of values
            Eigen::Map<Eigen::VectorXf> head_out(out.row(r).data() + h * head_dim, head_dim);
            head_out.setZero();
            for (int p = 0; p < n_keys; ++p)
                head_out += scores[p] *
                            Eigen::Map<const Eigen::VectorXf>(cache.value(layer, seqs[r], p) + kv_col, head_dim);
        }
    }
}

}  // namespace dlab
