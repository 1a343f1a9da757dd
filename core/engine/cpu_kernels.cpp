#include "engine/cpu_kernels.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

namespace dlab {

void matmul_transposed(const RowMatrix& x, const RowMatrix& w, RowMatrix& y) {
    const Eigen::Index n_out = w.rows();
    y.resize(x.rows(), n_out);
    // One contiguous slice of w per thread, streamed once by one Eigen product: measured
    // ~10% faster at batch 1 than many small chunks (fewer product set-ups, longer
    // sequential reads). Slice edges fall on multiples of 16 rows.
#pragma omp parallel
    {
        const Eigen::Index n_threads = omp_get_num_threads();
        const Eigen::Index thread = omp_get_thread_num();
        const Eigen::Index n_blocks = (n_out + 15) / 16;
        const Eigen::Index r0 = std::min(n_out, n_blocks * thread / n_threads * 16);
        const Eigen::Index r1 = std::min(n_out, n_blocks * (thread + 1) / n_threads * 16);
        if (r1 > r0) y.middleCols(r0, r1 - r0).noalias() = x * w.middleRows(r0, r1 - r0).transpose();
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

void apply_rope(RowMatrix& x, const std::vector<int>& positions, int head_dim, float freq_base) {
    const int half = head_dim / 2;
    const int n_heads = static_cast<int>(x.cols()) / head_dim;
    std::vector<float> cos_table(half), sin_table(half);
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        for (int i = 0; i < half; ++i) {
            const double freq = std::pow(static_cast<double>(freq_base), -2.0 * i / head_dim);
            const double angle = positions[r] * freq;
            cos_table[i] = static_cast<float>(std::cos(angle));
            sin_table[i] = static_cast<float>(std::sin(angle));
        }
        float* row = x.row(r).data();
        for (int h = 0; h < n_heads; ++h) {
            float* v = row + h * head_dim;
            for (int i = 0; i < half; ++i) {
                const float x0 = v[2 * i];
                const float x1 = v[2 * i + 1];
                v[2 * i] = x0 * cos_table[i] - x1 * sin_table[i];
                v[2 * i + 1] = x0 * sin_table[i] + x1 * cos_table[i];
            }
        }
    }
}

void swiglu(RowMatrix& gate, const RowMatrix& up) {
    gate = gate.array() / (1.0f + (-gate.array()).exp());
    gate.array() *= up.array();
}

void softmax(float* x, int n) {
    const float max_value = *std::max_element(x, x + n);
    float sum = 0.0f;
    for (int i = 0; i < n; ++i) {
        x[i] = std::exp(x[i] - max_value);
        sum += x[i];
    }
    const float inv = 1.0f / sum;
    for (int i = 0; i < n; ++i) x[i] *= inv;
}

}  // namespace dlab
