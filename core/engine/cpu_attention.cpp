#include "engine/cpu_attention.h"

#include <cmath>
#include <limits>

#include "attention/flash_attention.h"
#include "attention/naive_attention.h"
#include "common/error.h"
#include "engine/cpu_kernels.h"

namespace dlab {

namespace {

// FlashAttention per head over keys at positions 0 … n_keys−1 (a plain causal cache).
// q, out: [n_queries][n_heads·head_dim]; keys, values: [n_keys][kv_dim]
void flash_prefill(const ModelConfig& config, int first_pos, const RowMatrix& q, const RowMatrix& keys,
                   const RowMatrix& values, RowMatrix& out, const PrefillAttentionMode& mode) {
    const int head_dim = config.head_dim();
    AttentionShape shape;
    shape.n_queries = static_cast<int>(q.rows());
    shape.n_keys = static_cast<int>(keys.rows());
    shape.head_dim = head_dim;
    shape.causal = true;
    shape.query_offset = first_pos;
    shape.element_bytes = sizeof(float);
    const TileSizes tiles = mode.config->tiles(head_dim, shape.element_bytes);

#pragma omp parallel for schedule(static)
    for (int h = 0; h < config.n_heads; ++h) {
        const int kv_col = (h / config.group_size()) * head_dim;
        const RowMatrix q_head = q.middleCols(h * head_dim, head_dim);          // [n_queries][head_dim]
        const RowMatrix k_head = keys.middleCols(kv_col, head_dim);             // [n_keys][head_dim]
        const RowMatrix v_head = values.middleCols(kv_col, head_dim);           // [n_keys][head_dim]
        TileTrace trace;
        if (mode.observer && mode.layer == mode.config->trace_layer && h == mode.config->trace_head)
            trace = {mode.observer, mode.layer, h, mode.config->highlight_row};
        RowMatrix o_head;  // [n_queries][head_dim]
        flash_attention(shape, tiles, q_head, k_head, v_head, o_head, trace);
        out.middleCols(h * head_dim, head_dim) = o_head;
    }
}

}  // namespace

void prefill_attention(const ModelConfig& config, const KvWindow& window, const std::vector<KvSegment>& past,
                       int first_pos, const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, RowMatrix& out,
                       const PrefillAttentionMode& mode) {
    const int head_dim = config.head_dim();
    const int kv_dim = config.kv_dim();
    const int n_queries = static_cast<int>(q.rows());
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    out.resize(n_queries, config.n_heads * head_dim);

    // gather the stored past and this block into contiguous K, V   [n_keys][kv_dim]
    int n_past = 0;
    for (const KvSegment& s : past) n_past += s.length;
    const int n_keys = n_past + n_queries;
    RowMatrix keys(n_keys, kv_dim), values(n_keys, kv_dim);
    std::vector<int> key_pos(n_keys);  // [n_keys]
    int row = 0;
    for (const KvSegment& s : past)
        for (int i = 0; i < s.length; ++i, ++row) {
            keys.row(row) = Eigen::Map<const Eigen::RowVectorXf>(s.keys + static_cast<size_t>(i) * kv_dim, kv_dim);
            values.row(row) = Eigen::Map<const Eigen::RowVectorXf>(s.values + static_cast<size_t>(i) * kv_dim, kv_dim);
            key_pos[row] = s.first_pos + i;
        }
    keys.bottomRows(n_queries) = k;
    values.bottomRows(n_queries) = v;
    for (int i = 0; i < n_queries; ++i) key_pos[n_past + i] = first_pos + i;

    // FlashAttention: the tiles of Algorithm 1
    const bool flash = mode.config && mode.config->kind == AttentionKind::Flash;
    if (flash) {
        if (window.size > 0 || n_past != first_pos)
            throw InvalidArgument("--attention flash needs every earlier position visible (use --kv contiguous or paged)");
        flash_prefill(config, first_pos, q, keys, values, out, mode);
        return;
    }

    // naive: S and P materialized whole; the traced head reports what that costs in HBM
    if (mode.observer && mode.config && mode.layer == mode.config->trace_layer) {
        AttentionShape shape;
        shape.n_queries = n_queries;
        shape.n_keys = n_keys;
        shape.head_dim = head_dim;
        shape.causal = true;
        shape.query_offset = first_pos;
        shape.element_bytes = sizeof(float);
        naive_attention_cost(shape, {mode.observer, mode.layer, mode.config->trace_head, -1});
    }

#pragma omp parallel for schedule(static)
    for (int h = 0; h < config.n_heads; ++h) {
        const int kv_col = (h / config.group_size()) * head_dim;
        // scores S = Q Kᵀ / √d, masked to what each query's window shows   [n_queries][n_keys]
        RowMatrix scores = (q.middleCols(h * head_dim, head_dim) * keys.middleCols(kv_col, head_dim).transpose()) * scale;
        for (int i = 0; i < n_queries; ++i) {
            for (int j = 0; j < n_keys; ++j)
                if (!window.visible(first_pos + i, key_pos[j])) scores(i, j) = -std::numeric_limits<float>::infinity();
            softmax(scores.row(i).data(), n_keys);
        }
        // O = P V   [n_queries][head_dim]
        out.middleCols(h * head_dim, head_dim).noalias() = scores * values.middleCols(kv_col, head_dim);
    }
}

void decode_attention(const ModelConfig& config, const KvWindow& window,
                      const std::vector<std::vector<KvSegment>>& past, const std::vector<int>& positions,
                      const RowMatrix& q, const RowMatrix& k, const RowMatrix& v, RowMatrix& out) {
    const int head_dim = config.head_dim();
    const int kv_dim = config.kv_dim();
    const int n_rows = static_cast<int>(q.rows());
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    out.resize(n_rows, config.n_heads * head_dim);
    using ConstVector = Eigen::Map<const Eigen::VectorXf>;

#pragma omp parallel for collapse(2) schedule(static)
    for (int r = 0; r < n_rows; ++r) {
        for (int h = 0; h < config.n_heads; ++h) {
            const int kv_col = (h / config.group_size()) * head_dim;
            const ConstVector query(q.row(r).data() + h * head_dim, head_dim);
            // scores over the visible stored positions, segment by segment (block by block), then its own key
            std::vector<float> scores;
            std::vector<const float*> value_rows;
            for (const KvSegment& s : past[r])
                for (int i = 0; i < s.length; ++i) {
                    if (!window.visible(positions[r], s.first_pos + i)) continue;
                    const size_t at = static_cast<size_t>(i) * kv_dim + kv_col;
                    scores.push_back(query.dot(ConstVector(s.keys + at, head_dim)) * scale);
                    value_rows.push_back(s.values + at);
                }
            scores.push_back(query.dot(ConstVector(k.row(r).data() + kv_col, head_dim)) * scale);
            value_rows.push_back(v.row(r).data() + kv_col);
            softmax(scores.data(), static_cast<int>(scores.size()));
            // weighted sum of values
            Eigen::Map<Eigen::VectorXf> head_out(out.row(r).data() + h * head_dim, head_dim);
            head_out.setZero();
            for (size_t p = 0; p < scores.size(); ++p) head_out += scores[p] * ConstVector(value_rows[p], head_dim);
        }
    }
}

}  // namespace dlab
