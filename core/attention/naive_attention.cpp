#include "attention/naive_attention.h"

#include <cmath>
#include <limits>

#include "common/error.h"
#include "engine/cpu_kernels.h"

namespace dlab {

namespace {

// Runs the three kernels on data when given, else only counts.
AttentionCost run_naive(const AttentionShape& shape, const RowMatrix* q, const RowMatrix* k, const RowMatrix* v,
                        RowMatrix* out, const TileTrace& trace) {
    shape.validate();
    const long long e = shape.element_bytes;
    const long long nq = shape.n_queries, nk = shape.n_keys, d = shape.head_dim;
    AttentionCost cost;
    auto step = [&](const char* kind, long long read, long long written, long long flops) {
        cost.hbm_read_bytes += read * e;
        cost.hbm_write_bytes += written * e;
        cost.flops += flops;
        if (!trace.observer) return;
        TileEvent event;
        event.kind = kind;
        event.layer = trace.layer;
        event.head = trace.head;
        event.q_rows = shape.n_queries;
        event.kv_rows = shape.n_keys;
        event.hbm_read_bytes = read * e;
        event.hbm_write_bytes = written * e;
        event.flops = flops;
        trace.observer->on_tile(event);
    };
    RowMatrix scores;  // [n_queries][n_keys]: S, then P, held in "HBM"

    // kernel 1: read Q and K, write S = QKᵀ/√d with the causal mask
    if (q) {
        scores = (*q * k->transpose()) / std::sqrt(static_cast<float>(d));
        if (shape.causal)
            for (int i = 0; i < shape.n_queries; ++i)
                for (int j = shape.query_offset + i + 1; j < shape.n_keys; ++j)
                    scores(i, j) = -std::numeric_limits<float>::infinity();
    }
    step("naive_qk", nq * d + nk * d, nq * nk, 2 * nq * nk * d);

    // kernel 2: read S, write P = softmax(S) row by row
    if (q)
        for (int i = 0; i < shape.n_queries; ++i) softmax(scores.row(i).data(), shape.n_keys);
    step("naive_softmax", nq * nk, nq * nk, 0);

    // kernel 3: read P and V, write O = PV
    if (q) *out = scores * *v;
    step("naive_pv", nq * nk + nk * d, nq * d, 2 * nq * nk * d);
    return cost;
}

}  // namespace

AttentionCost naive_attention(const AttentionShape& shape, const RowMatrix& q, const RowMatrix& k,
                              const RowMatrix& v, RowMatrix& out, const TileTrace& trace) {
    if (q.rows() != shape.n_queries || k.rows() != shape.n_keys || v.rows() != shape.n_keys ||
        q.cols() != shape.head_dim || k.cols() != shape.head_dim || v.cols() != shape.head_dim)
        throw InvalidArgument("attention: q, k, v do not match the shape");
    return run_naive(shape, &q, &k, &v, &out, trace);
}

AttentionCost naive_attention_cost(const AttentionShape& shape, const TileTrace& trace) {
    return run_naive(shape, nullptr, nullptr, nullptr, nullptr, trace);
}

}  // namespace dlab
