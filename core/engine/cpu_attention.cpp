#include "engine/cpu_attention.h"


#include <algorithm>
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

namespace {

// decode_attention_heads for a head size known at compile time (HD = head_dim), which lets
// Eigen unroll each head's dot product and update into a few AVX registers; Eigen::Dynamic
// for any other size.
template <int HD>
void attend_heads(const ModelConfig& config, const KvWindow& window, const std::vector<KvSegment>& past, int position,
                  const float* q, const float* k, const float* v, float* out, int head_begin, int head_end) {
    const int head_dim = config.head_dim();
    const int kv_dim = config.kv_dim();
    const int group = config.group_size();
    const int n_heads = head_end - head_begin;
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    using HeadVector = Eigen::Matrix<float, HD, 1>;
    using ConstHead = Eigen::Map<const HeadVector>;
    using Head = Eigen::Map<HeadVector>;

    // scores [n_heads][stride], stride ≥ the visible positions; reused by this thread across
    // calls. Every head's row starts on a 64-byte boundary so that the vectorized softmax
    // splits it the same way whatever the call (paged and contiguous agree to the bit).
    int stride = 1;
    for (const KvSegment& s : past) stride += s.length;
    stride = (stride + 15) / 16 * 16;
    thread_local std::vector<float, Eigen::aligned_allocator<float>> scores_buffer;
    if (scores_buffer.size() < static_cast<size_t>(n_heads) * stride) scores_buffer.resize(static_cast<size_t>(n_heads) * stride);
    float* scores = scores_buffer.data();

    // one pass over the stored keys, each row read once for every head of this range:
    // visible positions in segment order, then the row's own key
    auto score_row = [&](const float* key_row, int j) {
        for (int h = head_begin; h < head_end; ++h)
            scores[static_cast<size_t>(h - head_begin) * stride + j] =
                ConstHead(q + h * head_dim, head_dim).dot(ConstHead(key_row + (h / group) * head_dim, head_dim)) * scale;
    };
    // the bytes of a stored row that this head range reads, fetched a few rows ahead: the
    // cache sits in L3 or DRAM, and a row's slice is too short for the prefetchers to ramp up
    const int col_begin = (head_begin / group) * head_dim, col_end = ((head_end - 1) / group + 1) * head_dim;
    constexpr int ahead = 4;  // rows
    auto prefetch_row = [&](const float* row) {
        for (int c = col_begin; c < col_end; c += 16) __builtin_prefetch(row + c);
    };
    int n_keys = 0;
    for (const KvSegment& s : past)
        for (int i = 0; i < s.length; ++i) {
            if (i + ahead < s.length) prefetch_row(s.keys + static_cast<size_t>(i + ahead) * kv_dim);
            if (window.visible(position, s.first_pos + i)) score_row(s.keys + static_cast<size_t>(i) * kv_dim, n_keys++);
        }
    score_row(k, n_keys++);

    for (int h = 0; h < n_heads; ++h) softmax(scores + static_cast<size_t>(h) * stride, n_keys);

    // one pass over the stored values: the weighted sum of every head of this range
    for (int h = head_begin; h < head_end; ++h) Head(out + h * head_dim, head_dim).setZero();
    auto accumulate_row = [&](const float* value_row, int j) {
        for (int h = head_begin; h < head_end; ++h)
            Head(out + h * head_dim, head_dim) += scores[static_cast<size_t>(h - head_begin) * stride + j] *
                                                  ConstHead(value_row + (h / group) * head_dim, head_dim);
    };
    int j = 0;
    for (const KvSegment& s : past)
        for (int i = 0; i < s.length; ++i) {
            if (i + ahead < s.length) prefetch_row(s.values + static_cast<size_t>(i + ahead) * kv_dim);
            if (window.visible(position, s.first_pos + i)) accumulate_row(s.values + static_cast<size_t>(i) * kv_dim, j++);
        }
    accumulate_row(v, j);
}

}  // namespace

void decode_attention_heads(const ModelConfig& config, const KvWindow& window, const std::vector<KvSegment>& past,
                            int position, const float* q, const float* k, const float* v, float* out, int head_begin,
                            int head_end) {
    if (head_end <= head_begin) return;
    switch (config.head_dim()) {
        case 32: return attend_heads<32>(config, window, past, position, q, k, v, out, head_begin, head_end);
        case 48: return attend_heads<48>(config, window, past, position, q, k, v, out, head_begin, head_end);
        case 64: return attend_heads<64>(config, window, past, position, q, k, v, out, head_begin, head_end);
        case 128: return attend_heads<128>(config, window, past, position, q, k, v, out, head_begin, head_end);
        default: return attend_heads<Eigen::Dynamic>(config, window, past, position, q, k, v, out, head_begin, head_end);
    }
}

}  // namespace dlab
