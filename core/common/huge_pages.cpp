#include "common/huge_pages.h"

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

// The whole 2 MB pages inside a span; empty (begin ≥ end) when there are none. Widening
// outward could reach a neighbouring mapping.
PageSpan whole_pages(std::uintptr_t begin, std::uintptr_t end) {
    return {(begin + kHugePage - 1) & ~(kHugePage - 1), end & ~(kHugePage - 1)};
}

}  // namespace

void advise_huge_pages(const void* data, std::size_t bytes) {
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const PageSpan pages = whole_pages(begin, begin + bytes);
    if (pages.begin < pages.end) madvise(reinterpret_cast<void*>(pages.begin), pages.end - pages.begin, MADV_HUGEPAGE);
}

std::size_t request_huge_pages(std::vector<MemoryRange> ranges) {
    std::size_t total = 0;
    for (const MemoryRange& r : ranges) total += r.bytes;
    if (total < kHugePageMinimumBytes) return 0;

    // merge ranges less than a page apart (they would share a 2 MB page), then keep the
    // whole 2 MB pages inside each
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
        const PageSpan pages = whole_pages(s.begin, s.end);
        if (pages.begin >= pages.end) continue;
        madvise(reinterpret_cast<void*>(pages.begin), pages.end - pages.begin, MADV_HUGEPAGE);
        for (std::uintptr_t page = pages.begin; page < pages.end; page += kHugePage)
            if (madvise(reinterpret_cast<void*>(page), kHugePage, kMadviseCollapse) == 0) collapsed += kHugePage;
    }
    return collapsed;
}

#else

void advise_huge_pages(const void*, std::size_t) {}

std::size_t request_huge_pages(std::vector<MemoryRange>) { return 0; }

#endif

}  // namespace dlab
