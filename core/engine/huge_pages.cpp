#include "engine/huge_pages.h"

#include <algorithm>
#include <cstdint>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace dlab {

#ifdef __linux__

namespace {

constexpr std::uintptr_t kHugePage = std::uintptr_t(2) << 20;
// MADV_COLLAPSE (Linux 6.1), missing from older C library headers; an older kernel
// answers EINVAL and khugepaged collapses the advised ranges later instead.
constexpr int kMadviseCollapse = 25;

struct PageSpan {
    std::uintptr_t begin, end;
};

}  // namespace

std::size_t request_huge_pages(std::vector<MemoryRange> ranges) {
    std::size_t total = 0;
    for (const MemoryRange& r : ranges) total += r.bytes;
    if (total < kHugePageMinimumBytes) return 0;

    // merge ranges less than a page apart (they would share a 2 MB page), then keep the
    // whole 2 MB pages inside each: widening outward could reach a neighbouring mapping
    std::sort(ranges.begin(), ranges.end(),
              [](const MemoryRange& a, const MemoryRange& b) { return a.data < b.data; });
    std::vector<PageSpan> merged;
    for (const MemoryRange& r : ranges) {
        const auto begin = reinterpret_cast<std::uintptr_t>(r.data), end = begin + r.bytes;
        if (!merged.empty() && begin < merged.back().end + kHugePage)
            merged.back().end = std::max(merged.back().end, end);
        else
            merged.push_back({begin, end});
    }

    // advise each span, then collapse it page by page now rather than waiting for
    // khugepaged; a page still holding a pinned or locked small page stays as it is
    std::size_t collapsed = 0;
    for (const PageSpan& s : merged) {
        const std::uintptr_t begin = (s.begin + kHugePage - 1) & ~(kHugePage - 1), end = s.end & ~(kHugePage - 1);
        if (begin >= end) continue;
        madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
        for (std::uintptr_t page = begin; page < end; page += kHugePage)
            if (madvise(reinterpret_cast<void*>(page), kHugePage, kMadviseCollapse) == 0) collapsed += kHugePage;
    }
    return collapsed;
}

#else

std::size_t request_huge_pages(std::vector<MemoryRange>) { return 0; }

#endif

}  // namespace dlab
