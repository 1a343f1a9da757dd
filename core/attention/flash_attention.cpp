#include "attention/flash_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"

namespace dlab {

namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

struct Inputs {
    const RowMatrix& q;  // [n_queries][d]
    const RowMatrix& k;  // [n_keys][d]
    const RowMatrix& v;  // [n_keys][d]
};

// Algorithm 1 over data when given, else the same walk counting only.
AttentionCost run_flash(const AttentionShape& shape, TileSizes tiles, const Inputs* in, RowMatrix* out,
                        const TileTrace& trace) {
    shape.validate();
    if (tiles.rows < 1 || tiles.cols < 1) throw InvalidArgument("attention: tile sizes must be positive");
    const long long e = shape.element_bytes;
    const int d = shape.head_dim;
    const int n_row_blocks = (shape.n_queries + tiles.rows - 1) / tiles.rows;  // T_r
    const int n_col_blocks = (shape.n_keys + tiles.cols - 1) / tiles.cols;     // T_c
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    AttentionCost cost;
    auto report = [&](TileEvent& event) {
        cost.hbm_read_bytes += event.hbm_read_bytes;
        cost.hbm_write_bytes += event.hbm_write_bytes;
        cost.flops += event.flops;
        cost.sram_peak_bytes = std::max(cost.sram_peak_bytes, event.sram_bytes);
        if (!trace.observer) return;
        event.layer = trace.layer;
        event.head = trace.head;
        trace.observer->on_tile(event);
    };

    // O = 0, ℓ = 0, m = −∞ in HBM   O: [n_queries][d]; ℓ, m: [n_queries]
    std::vector<float> row_sum, row_max;
    if (in) {
        out->setZero(shape.n_queries, d);
        row_sum.assign(shape.n_queries, 0.0f);
        row_max.assign(shape.n_queries, kMinusInfinity);
    }
    TileEvent init;
    init.kind = "flash_init";
    init.q_rows = shape.n_queries;
    init.hbm_write_bytes = (static_cast<long long>(shape.n_queries) * d + 2LL * shape.n_queries) * e;
    report(init);

    RowMatrix scores;  // [Br][Bc] in SRAM: S_ij, then P̃_ij
    for (int j = 0; j < n_col_blocks; ++j) {
        const int kv_first = j * tiles.cols;
        const int kv_rows = std::min(tiles.cols, shape.n_keys - kv_first);
        bool kv_loaded = false;
        for (int i = 0; i < n_row_blocks; ++i) {
            const int q_first = i * tiles.rows;
            const int q_rows = std::min(tiles.rows, shape.n_queries - q_first);
            const int last_query_pos = shape.query_offset + q_first + q_rows - 1;
            // a tile wholly above the diagonal is never loaded
            if (shape.causal && last_query_pos < kv_first) {
                ++cost.n_tiles_skipped;
                continue;
            }
            ++cost.n_tiles;
            TileEvent event;
            event.kind = "flash_tile";
            event.q_block = i;
            event.kv_block = j;
            event.q_first = q_first;
            event.q_rows = q_rows;
            event.kv_first = kv_first;
            event.kv_rows = kv_rows;
            event.masked = shape.causal && shape.query_offset + q_first < kv_first + kv_rows - 1;

            // load K_j, V_j (once per column of tiles), then Q_i, O_i, ℓ_i, m_i
            long long read = 0;
            if (!kv_loaded) read += 2LL * kv_rows * d;
            kv_loaded = true;
            read += 2LL * q_rows * d + 2LL * q_rows;
            event.hbm_read_bytes = read * e;
            event.hbm_write_bytes = (static_cast<long long>(q_rows) * d + 2LL * q_rows) * e;
            event.sram_bytes = (2LL * q_rows * d + 2LL * kv_rows * d + static_cast<long long>(q_rows) * kv_rows +
                                2LL * q_rows) * e;
            event.flops = 4LL * q_rows * kv_rows * d;
            const int highlight = trace.highlight_row - q_first;
            const bool highlighted = highlight >= 0 && highlight < q_rows;
            if (highlighted && in) {
                event.m_before = row_max[trace.highlight_row];
                event.l_before = row_sum[trace.highlight_row];
            }

            if (in) {
                // S_ij = Q_i K_jᵀ / √d, masked above the diagonal   [q_rows][kv_rows]
                scores.noalias() = (in->q.middleRows(q_first, q_rows) * in->k.middleRows(kv_first, kv_rows).transpose()) * scale;
                if (shape.causal)
                    for (int r = 0; r < q_rows; ++r)
                        for (int c = std::max(0, shape.query_offset + q_first + r + 1 - kv_first); c < kv_rows; ++c)
                            scores(r, c) = kMinusInfinity;

                // m̃ = rowmax(S), P̃ = exp(S − m̃), ℓ̃ = rowsum(P̃); then the new running m and ℓ
                std::vector<float> old_scale(q_rows), new_scale(q_rows);
                for (int r = 0; r < q_rows; ++r) {
                    const int row = q_first + r;
                    const float tile_max = scores.row(r).maxCoeff();
                    float tile_sum = 0.0f;
                    for (int c = 0; c < kv_rows; ++c) {
                        const float p = tile_max == kMinusInfinity ? 0.0f : std::exp(scores(r, c) - tile_max);
                        scores(r, c) = p;
                        tile_sum += p;
                    }
                    const float m_new = std::max(row_max[row], tile_max);
                    if (m_new == kMinusInfinity) {  // nothing visible yet in this row
                        old_scale[r] = 1.0f;
                        new_scale[r] = 0.0f;
                        continue;
                    }
                    const float keep_old = std::exp(row_max[row] - m_new);  // e^{m_i − m_new}
                    const float keep_new = std::exp(tile_max - m_new);      // e^{m̃_ij − m_new}
                    const float l_new = keep_old * row_sum[row] + keep_new * tile_sum;
                    // O_i ← diag(ℓ_new)⁻¹ (diag(ℓ_i) e^{m_i − m_new} O_i + e^{m̃ − m_new} P̃ V_j)
                    old_scale[r] = row_sum[row] * keep_old / l_new;
                    new_scale[r] = keep_new / l_new;
                    row_max[row] = m_new;
                    row_sum[row] = l_new;
                }

                // rescale the partial output and add this tile's contribution
                const RowMatrix contribution = scores * in->v.middleRows(kv_first, kv_rows);  // [q_rows][d]
                for (int r = 0; r < q_rows; ++r)
                    out->row(q_first + r) = out->row(q_first + r) * old_scale[r] + contribution.row(r) * new_scale[r];
            }
            if (highlighted && in) {
                event.m_after = row_max[trace.highlight_row];
                event.l_after = row_sum[trace.highlight_row];
            }
            report(event);
        }
    }
    return cost;
}

}  // namespace

AttentionCost flash_attention(const AttentionShape& shape, TileSizes tiles, const RowMatrix& q, const RowMatrix& k,
                              const RowMatrix& v, RowMatrix& out, const TileTrace& trace) {
    if (q.rows() != shape.n_queries || k.rows() != shape.n_keys || v.rows() != shape.n_keys ||
        q.cols() != shape.head_dim || k.cols() != shape.head_dim || v.cols() != shape.head_dim)
        throw InvalidArgument("attention: q, k, v do not match the shape");
    const Inputs in{q, k, v};
    return run_flash(shape, tiles, &in, &out, trace);
}

AttentionCost flash_attention_cost(const AttentionShape& shape, TileSizes tiles, const TileTrace& trace) {
    return run_flash(shape, tiles, nullptr, nullptr, trace);
}

}  // namespace dlab
