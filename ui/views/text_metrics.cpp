#include "text_metrics.h"

#include <cstddef>
#include <set>

namespace {

// How many n-grams `tokens` has, and how many of them differ.
struct NgramCounts {
    int total = 0;
    int distinct = 0;
};

NgramCounts countNgrams(const std::vector<int>& tokens, int n) {
    if (n < 1 || tokens.size() < std::size_t(n)) return {};
    std::set<std::vector<int>> seen;
    for (std::size_t i = 0; i + std::size_t(n) <= tokens.size(); ++i)
        seen.emplace(tokens.begin() + i, tokens.begin() + i + n);
    return {int(tokens.size()) - n + 1, int(seen.size())};
}

}  // namespace

double distinctNgramRatio(const std::vector<int>& tokens, int n) {
    const NgramCounts counts = countNgrams(tokens, n);
    return counts.total == 0 ? 1.0 : double(counts.distinct) / double(counts.total);
}

int repeatedNgramCount(const std::vector<int>& tokens, int n) {
    const NgramCounts counts = countNgrams(tokens, n);
    return counts.total - counts.distinct;
}
