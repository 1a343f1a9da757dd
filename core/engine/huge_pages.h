// 2 MB pages under memory that is streamed every token.
//
// Decode reads every weight once per token. With 4 KB pages a 61 MB model spans 15,000
// pages, far beyond the 2,048 entries of the second-level TLB, so each page of the stream
// costs a page walk; with 2 MB pages it spans 31. Measured on the stories15M shape at 2
// threads this raised decode ~10% and its fraction of the bandwidth bound ~4%; at 1 thread
// it made no measurable difference (docs/PERFORMANCE.md).
//
// The cost is paid once, by the first backend over a set of weights: the kernel copies the
// weights into new 2 MB pages, 87 ms for 61 MB and 570 ms for 438 MB on the development VM
// (later calls find them collapsed and return in under a millisecond). Advising before the
// loaders first write the weights would avoid the copy; see docs/PERFORMANCE.md.
#pragma once

#include <cstddef>
#include <vector>

namespace dlab {

struct MemoryRange {
    const void* data;
    std::size_t bytes;
};

// Asks the kernel to back `ranges` with 2 MB pages now (Linux transparent huge pages:
// MADV_HUGEPAGE, then MADV_COLLAPSE where the kernel has it, ≥ 6.1). Ranges less than 2 MB
// apart are treated as one, so small matrices allocated side by side share pages; what
// lies between them changes page size only, never contents. The partial 2 MB pages at the
// two ends of each merged range are left alone. Best effort: returns the bytes the kernel
// collapsed; 0 on other systems, where THP is off, or below `kHugePageMinimumBytes` in all.
std::size_t request_huge_pages(std::vector<MemoryRange> ranges);

// Below this many bytes the second-level TLB (2,048 entries × 4 KB) already covers the
// ranges with small pages, and a collapse would copy them for nothing.
inline constexpr std::size_t kHugePageMinimumBytes = std::size_t(8) << 20;

}  // namespace dlab
