// Measured read bandwidth: the physical bound on bandwidth-bound decode.
#pragma once

#include <cstddef>
#include <vector>

#include "common/huge_pages.h"

namespace dlab::bench {

// A buffer of a given size read the way a decode step streams the weights: with the
// engine's current thread count, each thread summing its own slice, one parallel region
// per pass. A buffer far larger than the caches gives DRAM bandwidth; one of a model's
// size gives what that model's decode can reach.
class ReadBandwidth {
public:
    // Allocates `bytes` and touches them first from the threads that will read them, so
    // pages sit near those threads; then asks for 2 MB pages, as the CPU backend does for
    // its weights, so that the bound and decode read through the same page size.
    explicit ReadBandwidth(double bytes);

    std::size_t huge_page_bytes() const { return m_huge_page_bytes; }

    // Bytes/s of the fastest of `repeats` single passes: the peak, which a run of many
    // passes does not sustain on a shared host (measured ~10% above the mean pass).
    double best_single_pass(int repeats);

    // Bytes/s over `passes` consecutive passes timed as one run: what a decode of as many
    // tokens, timed the same way, can at best sustain.
    double sustained(int passes);

private:
    void pass();

    std::vector<float> m_buffer;
    std::size_t m_huge_page_bytes = 0;
};

// One plain read of memory that is already there, such as a model's own weights: each
// thread sums an equal share of the ranges' total bytes, one parallel region per pass, as
// ReadBandwidth reads its buffer. Read just before or after a decode token it streams the
// same bytes from the same pages and the same cache state, so the two can be paired token
// by token: a separate buffer of the weights' size would evict them from the cache.
class RangesRead {
public:
    explicit RangesRead(std::vector<MemoryRange> ranges);

    std::size_t bytes() const { return m_bytes; }
    // Seconds one pass takes.
    double pass_seconds() const;

private:
    std::vector<MemoryRange> m_ranges;
    std::size_t m_bytes = 0;
};

}  // namespace dlab::bench
