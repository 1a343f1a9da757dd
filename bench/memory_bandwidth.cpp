#include "memory_bandwidth.h"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <vector>

namespace dlab::bench {

double measure_read_bandwidth(double bytes, int repeats) {
    const size_t n = static_cast<size_t>(bytes / sizeof(float));
    std::vector<float> buffer(n);
    // first touch from the threads that will read, so pages sit near them
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; ++i) buffer[i] = static_cast<float>(i % 7);

    double best = 0.0;
    volatile float sink = 0.0f;
    for (int r = 0; r < repeats; ++r) {
        float total = 0.0f;
        const auto start = std::chrono::steady_clock::now();
#pragma omp parallel reduction(+ : total)
        {
            const size_t n_threads = omp_get_num_threads();
            const size_t t = omp_get_thread_num();
            const size_t begin = n * t / n_threads;
            const size_t end = n * (t + 1) / n_threads;
            total += Eigen::Map<const Eigen::VectorXf>(buffer.data() + begin, end - begin).sum();
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        sink = total;
        best = std::max(best, n * sizeof(float) / seconds);
    }
    (void)sink;
    return best;
}

}  // namespace dlab::bench
