// 2 MB pages under memory that is streamed every token.
//
// Decode reads every weight once per token. With 4 KB pages a 61 MB model spans 15,000
// pages, far beyond the 2,048 entries of the second-level TLB, so each page of the stream
// costs a page walk; with 2 MB pages it spans 31. Measured on the stories15M shape at 2
// threads this raised decode ~10% and its fraction of the bandwidth bound ~4%; at 1 thread
// it made no measurable difference (docs/PERFORMANCE.md).
//
// Two calls. The loaders advise each weight matrix between allocating and filling it
// (advise_huge_pages), so its whole 2 MB pages fault in as 2 MB pages, with no copy. The
// backend then asks for the rest (request_huge_pages): pages of small matrices that share
// 2 MB with their neighbours, and memory that was already written. That collapse is a copy:
// 87 ms for stories15M's 61 MB and 570 ms for stories110M's 438 MB on the development VM
// when nothing was advised first (docs/PERFORMANCE.md).
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

// Marks the whole 2 MB pages inside [data, data + bytes) for 2 MB pages
// (MADV_HUGEPAGE) and nothing else: called before the memory is first written, its page
// faults then take 2 MB pages directly. Best effort; a no-op elsewhere.
void advise_huge_pages(const void* data, std::size_t bytes);

// Below this many bytes the second-level TLB (2,048 entries × 4 KB) already covers the
// ranges with small pages, and a collapse would copy them for nothing.
inline constexpr std::size_t kHugePageMinimumBytes = std::size_t(8) << 20;

}  // namespace dlab
