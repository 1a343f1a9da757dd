#include "engine/cpu_kernels.h"

#include <omp.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <utility>

namespace dlab {

std::pair<Eigen::Index, Eigen::Index> thread_slice(Eigen::Index n_rows) {
    const Eigen::Index n_threads = omp_get_num_threads();
    const Eigen::Index thread = omp_get_thread_num();
    const Eigen::Index n_blocks = (n_rows + 15) / 16;
    return {std::min(n_rows, n_blocks * thread / n_threads * 16),
            std::min(n_rows, n_blocks * (thread + 1) / n_threads * 16)};
}

namespace {

// Up to this many rows of x go through few_rows_product instead of Eigen's GEMM (measured
// on the embedded model, 1 thread: faster at 2–5 rows, e.g. beam 4 and sample n=4 decode
// +10–50%; slower at 8, where the GEMM's register blocking wins back its packing).
constexpr Eigen::Index kFewRows = 6;
// The weight chunk few_rows_product keeps in cache while every row of x passes over it.
constexpr Eigen::Index kChunkBytes = 64 * 1024;

// How far ahead of its reads matvec_rows prefetches: 4 KB, about 160 ns of streaming at a
// core's read rate here, which covers the latency of the L3 or DRAM the weights come from.
// Measured against 2 and 8 KB and against none (PERFORMANCE.md, sixth session).
constexpr std::ptrdiff_t kPrefetchBytes = 4096;

// y[r0:r1] (+)= w[r0:r1] · x for one row x, the decode pass's product. Each row of w is read
// front to back with four accumulators while the lines kPrefetchBytes ahead are requested,
// never past r1: a thread's slice is a few hundred KB, too short for the hardware
// prefetchers to reach full rate on their own, and Eigen's matrix-vector kernel, which reads
// several rows at once, was 2–3% slower than this at 2 threads. Without AVX-512, Eigen's.
// x: [in], w: [out][in], y: [out]
void matvec_rows(const float* x, const RowMatrix& w, float* y, Eigen::Index r0, Eigen::Index r1, bool accumulate) {
    const Eigen::Index in = w.cols();
#if defined(__AVX512F__)
    const char* slice_end = reinterpret_cast<const char*>(w.data() + r1 * in);
    for (Eigen::Index r = r0; r < r1; ++r) {
        const float* row = w.data() + r * in;
        __m512 sum0 = _mm512_setzero_ps(), sum1 = sum0, sum2 = sum0, sum3 = sum0;
        Eigen::Index i = 0;
        for (; i + 64 <= in; i += 64) {
            const char* ahead = reinterpret_cast<const char*>(row + i) + kPrefetchBytes;
            if (ahead < slice_end)
                for (int line = 0; line < 4; ++line) _mm_prefetch(ahead + 64 * line, _MM_HINT_T0);
            sum0 = _mm512_fmadd_ps(_mm512_loadu_ps(row + i), _mm512_loadu_ps(x + i), sum0);
            sum1 = _mm512_fmadd_ps(_mm512_loadu_ps(row + i + 16), _mm512_loadu_ps(x + i + 16), sum1);
            sum2 = _mm512_fmadd_ps(_mm512_loadu_ps(row + i + 32), _mm512_loadu_ps(x + i + 32), sum2);
            sum3 = _mm512_fmadd_ps(_mm512_loadu_ps(row + i + 48), _mm512_loadu_ps(x + i + 48), sum3);
        }
        for (; i + 16 <= in; i += 16) sum0 = _mm512_fmadd_ps(_mm512_loadu_ps(row + i), _mm512_loadu_ps(x + i), sum0);
        float dot = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(sum0, sum1), _mm512_add_ps(sum2, sum3)));
        for (; i < in; ++i) dot += row[i] * x[i];
        y[r] = accumulate ? y[r] + dot : dot;
    }
#else
    const Eigen::Map<const Eigen::RowVectorXf> x_row(x, in);
    Eigen::Map<Eigen::RowVectorXf> out(y + r0, r1 - r0);
    if (accumulate)
        out.noalias() += x_row * w.middleRows(r0, r1 - r0).transpose();
    else
        out.noalias() = x_row * w.middleRows(r0, r1 - r0).transpose();
#endif
}

// y[:, r0:r1] (+)= x · w[r0:r1]ᵀ for a few rows of x (a verification pass, a handful of
// beams). Eigen's GEMM would first copy (pack) the whole weight slice, which for a few rows
// costs more than the products (measured: a third of a 9-row pass); here each cache-sized
// chunk of w is streamed from memory once and reused from cache for every row, each row's
// product being the kernel a one-row decode pass uses, so a sequence's logits are the same
// to the bit whether it is decoded alone or beside others (beam width 1 is greedy exactly).
void few_rows_product(const RowMatrix& x, const RowMatrix& w, RowMatrix& y, Eigen::Index r0, Eigen::Index r1,
                      bool accumulate) {
    const Eigen::Index row_bytes = w.cols() * static_cast<Eigen::Index>(sizeof(float));
    const Eigen::Index chunk = std::max<Eigen::Index>(16, kChunkBytes / row_bytes / 16 * 16);
    for (Eigen::Index c0 = r0; c0 < r1; c0 += chunk) {
        const Eigen::Index c1 = std::min(c0 + chunk, r1);
        for (Eigen::Index r = 0; r < x.rows(); ++r) matvec_rows(x.row(r).data(), w, y.row(r).data(), c0, c1, accumulate);
    }
}

}  // namespace

void matmul_transposed_rows(const RowMatrix& x, const RowMatrix& w, RowMatrix& y, Eigen::Index r0, Eigen::Index r1,
                            bool accumulate) {
    if (r1 <= r0) return;
    if (x.rows() == 1) {
        matvec_rows(x.data(), w, y.data(), r0, r1, accumulate);
        return;
    }
    if (x.rows() <= kFewRows) {
        few_rows_product(x, w, y, r0, r1, accumulate);
        return;
    }
    if (accumulate)
        y.middleCols(r0, r1 - r0).noalias() += x * w.middleRows(r0, r1 - r0).transpose();
    else
        y.middleCols(r0, r1 - r0).noalias() = x * w.middleRows(r0, r1 - r0).transpose();
}

void swiglu_rows(const RowMatrix& x, const RowMatrix& w_gate, const RowMatrix& w_up, RowMatrix& hidden,
                 RowMatrix& up_scratch, Eigen::Index r0, Eigen::Index r1) {
    if (r1 <= r0) return;
    auto gate = hidden.middleCols(r0, r1 - r0);    // [n_rows][r1 - r0]
    auto up = up_scratch.middleCols(r0, r1 - r0);  // [n_rows][r1 - r0]
    if (x.rows() == 1) {
        matvec_rows(x.data(), w_gate, hidden.data(), r0, r1, false);
        matvec_rows(x.data(), w_up, up_scratch.data(), r0, r1, false);
    } else if (x.rows() <= kFewRows) {
        few_rows_product(x, w_gate, hidden, r0, r1, false);
        few_rows_product(x, w_up, up_scratch, r0, r1, false);
    } else {
        gate.noalias() = x * w_gate.middleRows(r0, r1 - r0).transpose();
        up.noalias() = x * w_up.middleRows(r0, r1 - r0).transpose();
    }
    gate = gate.array() / (1.0f + (-gate.array()).exp());
    gate.array() *= up.array();
}

void matmul_transposed(const RowMatrix& x, std::initializer_list<Projection> projections) {
    Eigen::Index n_stacked = 0;
    for (const Projection& p : projections) {
        p.out->resize(x.rows(), p.weight->rows());
        n_stacked += p.weight->rows();
    }
#pragma omp parallel
    {
        const auto [begin, end] = thread_slice(n_stacked);
        Eigen::Index first = 0;  // stacked index of the current projection's first row
        for (const Projection& p : projections) {
            const Eigen::Index n_out = p.weight->rows();
            const Eigen::Index r0 = std::clamp(begin - first, Eigen::Index(0), n_out);
            const Eigen::Index r1 = std::clamp(end - first, Eigen::Index(0), n_out);
            matmul_transposed_rows(x, *p.weight, *p.out, r0, r1);
            first += n_out;
        }
    }
}

void matmul_transposed(const RowMatrix& x, const RowMatrix& w, RowMatrix& y) { matmul_transposed(x, {{&w, &y}}); }

void swiglu_projection(const RowMatrix& x, const RowMatrix& w_gate, const RowMatrix& w_up,
                       RowMatrix& hidden, RowMatrix& up_scratch) {
    hidden.resize(x.rows(), w_gate.rows());
    up_scratch.resize(x.rows(), w_up.rows());
#pragma omp parallel
    {
        const auto [r0, r1] = thread_slice(w_gate.rows());
        swiglu_rows(x, w_gate, w_up, hidden, up_scratch, r0, r1);
    }
}

void rms_norm(const RowMatrix& x, const Vector& weight, float eps, RowMatrix& out) {
    out.resize(x.rows(), x.cols());
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const float mean_square = x.row(r).squaredNorm() / static_cast<float>(x.cols());
        const float scale = 1.0f / std::sqrt(mean_square + eps);
        out.row(r) = (x.row(r) * scale).cwiseProduct(weight.transpose());
    }
}

std::vector<double> rope_frequencies(int head_dim, float freq_base) {
    std::vector<double> frequencies(head_dim / 2);
    for (int i = 0; i < head_dim / 2; ++i) frequencies[i] = std::pow(static_cast<double>(freq_base), -2.0 * i / head_dim);
    return frequencies;
}

void make_rope_table(const std::vector<int>& positions, const std::vector<double>& frequencies, RopeTable& table) {
    const Eigen::Index half = static_cast<Eigen::Index>(frequencies.size());
    const Eigen::Index n_rows = static_cast<Eigen::Index>(positions.size());
    table.cos.resize(n_rows, half);
    table.sin.resize(n_rows, half);
    for (Eigen::Index r = 0; r < n_rows; ++r) {
        for (Eigen::Index i = 0; i < half; ++i) {
            const double angle = positions[r] * frequencies[i];
            table.cos(r, i) = static_cast<float>(std::cos(angle));
            table.sin(r, i) = static_cast<float>(std::sin(angle));
        }
    }
}

void apply_rope(RowMatrix& x, const RopeTable& table) {
    const int half = static_cast<int>(table.cos.cols());
    const int head_dim = 2 * half;
    const int n_heads = static_cast<int>(x.cols()) / head_dim;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const float* cos_row = table.cos.row(r).data();
        const float* sin_row = table.sin.row(r).data();
        float* row = x.row(r).data();
        for (int h = 0; h < n_heads; ++h) {
            float* v = row + h * head_dim;
            for (int i = 0; i < half; ++i) {
                const float x0 = v[2 * i];
                const float x1 = v[2 * i + 1];
                v[2 * i] = x0 * cos_row[i] - x1 * sin_row[i];
                v[2 * i + 1] = x0 * sin_row[i] + x1 * cos_row[i];
            }
        }
    }
}

void apply_rope_heads(RowMatrix& x, Eigen::Index row, const RopeTable& table, int head_begin, int head_end) {
    const int half = static_cast<int>(table.cos.cols());
    const int head_dim = 2 * half;
    const float* cos_row = table.cos.row(row).data();
    const float* sin_row = table.sin.row(row).data();
    float* data = x.row(row).data();
    for (int h = head_begin; h < head_end; ++h) {
        float* v = data + h * head_dim;
        for (int i = 0; i < half; ++i) {
            const float x0 = v[2 * i];
            const float x1 = v[2 * i + 1];
            v[2 * i] = x0 * cos_row[i] - x1 * sin_row[i];
            v[2 * i + 1] = x0 * sin_row[i] + x1 * cos_row[i];
        }
    }
}

void softmax(float* x, int n) {
    // Eigen's vectorized exp: 16 lanes at a time instead of one std::exp per element
    auto a = Eigen::Map<Eigen::ArrayXf>(x, n);
    a = (a - a.maxCoeff()).exp();
    a *= 1.0f / a.sum();
}

}  // namespace dlab
