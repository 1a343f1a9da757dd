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
//
// The visible rows are listed first, then walked in blocks of kBlockRows: a block's key (or
// value) slices fit L1, so every head of the range reads them from there after the first,
// and each head's weighted sum of values stays in registers for the whole block instead of
// going through memory row by row. The list is the same whatever the segments, so paged and
// contiguous caches add in the same order and agree to the bit.
template <int HD>
void attend_heads(const ModelConfig& config, const KvWindow& window, const std::vector<KvSegment>& past, int position,
                  const float* q, const float* k, const float* v, float* out, int head_begin, int head_end) {
    constexpr int kBlockRows = 16;
    const int head_dim = config.head_dim();
    const int kv_dim = config.kv_dim();
    const int group = config.group_size();
    const int n_heads = head_end - head_begin;
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    using HeadVector = Eigen::Matrix<float, HD, 1>;
    using ConstHead = Eigen::Map<const HeadVector>;
    using Head = Eigen::Map<HeadVector>;

    // visible rows in segment order, then the row's own: [n_keys] pointers to each key and
    // value row
    thread_local std::vector<const float*> key_rows, value_rows;
    key_rows.clear();
    value_rows.clear();
    for (const KvSegment& s : past)
        for (int i = 0; i < s.length; ++i)
            if (window.visible(position, s.first_pos + i)) {
                key_rows.push_back(s.keys + static_cast<size_t>(i) * kv_dim);
                value_rows.push_back(s.values + static_cast<size_t>(i) * kv_dim);
            }
    key_rows.push_back(k);
    value_rows.push_back(v);
    const int n_keys = static_cast<int>(key_rows.size());

    // where each head of the range reads its K/V slice in a row: [n_heads]
    thread_local std::vector<int> kv_offsets;
    kv_offsets.resize(n_heads);
    for (int h = 0; h < n_heads; ++h) kv_offsets[h] = ((head_begin + h) / group) * head_dim;

    // scores [n_heads][stride], stride ≥ n_keys; reused by this thread across calls. Every
    // head's row starts on a 64-byte boundary so that the vectorized softmax splits it the
    // same way whatever the call.
    const int stride = (n_keys + 15) / 16 * 16;
    thread_local std::vector<float, Eigen::aligned_allocator<float>> scores_buffer;
    if (scores_buffer.size() < static_cast<size_t>(n_heads) * stride) scores_buffer.resize(static_cast<size_t>(n_heads) * stride);
    float* scores = scores_buffer.data();

    // Walks `rows` in blocks of kBlockRows, calling body(first, last) on each, with the bytes
    // of a row that this head range reads fetched two blocks ahead: the cache sits in L3 or
    // DRAM, and a row's slice is too short for the prefetchers to ramp up.
    const int col_begin = kv_offsets.front(), col_end = kv_offsets.back() + head_dim;
    auto prefetch_block = [&](const std::vector<const float*>& rows, int first) {
        for (int r = first; r < std::min(first + kBlockRows, n_keys); ++r)
            for (int c = col_begin; c < col_end; c += 16) __builtin_prefetch(rows[r] + c);
    };
    auto for_each_block = [&](const std::vector<const float*>& rows, auto&& body) {
        prefetch_block(rows, 0);
        prefetch_block(rows, kBlockRows);
        for (int first = 0; first < n_keys; first += kBlockRows) {
            const int last = std::min(first + kBlockRows, n_keys);
            prefetch_block(rows, last + kBlockRows);
            body(first, last);
        }
    };

    // scores: q·k / √d for every head and visible row
    for_each_block(key_rows, [&](int first, int last) {
        for (int h = 0; h < n_heads; ++h) {
            const ConstHead qh(q + (head_begin + h) * head_dim, head_dim);
            float* head_scores = scores + static_cast<size_t>(h) * stride;
            for (int j = first; j < last; ++j)
                head_scores[j] = qh.dot(ConstHead(key_rows[j] + kv_offsets[h], head_dim)) * scale;
        }
    });

    for (int h = 0; h < n_heads; ++h) softmax(scores + static_cast<size_t>(h) * stride, n_keys);

    // outputs: each head's probability-weighted sum of values
    for (int h = 0; h < n_heads; ++h) Head(out + (head_begin + h) * head_dim, head_dim).setZero();
    for_each_block(value_rows, [&](int first, int last) {
        for (int h = 0; h < n_heads; ++h) {
            const float* head_scores = scores + static_cast<size_t>(h) * stride;
            HeadVector sum = HeadVector::Zero(head_dim);
            for (int j = first; j < last; ++j) sum += head_scores[j] * ConstHead(value_rows[j] + kv_offsets[h], head_dim);
            Head(out + (head_begin + h) * head_dim, head_dim) += sum;
        }
    });
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
