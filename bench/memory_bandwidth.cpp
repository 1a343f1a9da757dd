#include "memory_bandwidth.h"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <utility>

#include "bench_util.h"
#include "common/huge_pages.h"

namespace dlab::bench {

ReadBandwidth::ReadBandwidth(double bytes) : m_buffer(static_cast<size_t>(bytes / sizeof(float))) {
    const size_t n = m_buffer.size();
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; ++i) m_buffer[i] = static_cast<float>(i % 7);
    m_huge_page_bytes = request_huge_pages({{m_buffer.data(), n * sizeof(float)}});
}

void ReadBandwidth::pass() {
    const size_t n = m_buffer.size();
    float total = 0.0f;
#pragma omp parallel reduction(+ : total)
    {
        const size_t n_threads = omp_get_num_threads();
        const size_t t = omp_get_thread_num();
        const size_t begin = n * t / n_threads;
        const size_t end = n * (t + 1) / n_threads;
        total += Eigen::Map<const Eigen::VectorXf>(m_buffer.data() + begin, end - begin).sum();
    }
    volatile float sink = total;  // keeps the reads
    (void)sink;
}

double ReadBandwidth::best_single_pass(int repeats) {
    double best_s = 1e300;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        pass();
        best_s = std::min(best_s, seconds_since(start));
    }
    return m_buffer.size() * sizeof(float) / best_s;
}

double ReadBandwidth::sustained(int passes) {
    const auto start = std::chrono::steady_clock::now();
    for (int p = 0; p < passes; ++p) pass();
    return passes * m_buffer.size() * sizeof(float) / seconds_since(start);
}

RangesRead::RangesRead(std::vector<MemoryRange> ranges) : m_ranges(std::move(ranges)) {
    for (const MemoryRange& r : m_ranges) m_bytes += r.bytes;
}

double RangesRead::pass_seconds() const {
    const size_t n = m_bytes / sizeof(float);  // every range holds whole floats
    const auto start = std::chrono::steady_clock::now();
    float total = 0.0f;
#pragma omp parallel reduction(+ : total)
    {
        // this thread's floats [begin, end) of the ranges laid end to end
        const size_t n_threads = omp_get_num_threads();
        const size_t t = omp_get_thread_num();
        const size_t begin = n * t / n_threads, end = n * (t + 1) / n_threads;
        size_t first = 0;  // index of the current range's first float
        for (const MemoryRange& r : m_ranges) {
            const size_t count = r.bytes / sizeof(float);
            const size_t lo = std::max(begin, first), hi = std::min(end, first + count);
            if (lo < hi)
                total += Eigen::Map<const Eigen::VectorXf>(static_cast<const float*>(r.data) + (lo - first), hi - lo).sum();
            first += count;
        }
    }
    volatile float sink = total;  // keeps the reads
    (void)sink;
    return seconds_since(start);
}

}  // namespace dlab::bench
