// How repetitive a generated text is, measured on its tokens: the share of distinct
// n-grams (distinct-n, Li et al. 2016; 1 means no n-gram repeats) and the number of
// n-gram occurrences that repeat an earlier one (greedy and beam search loop — the
// textbook's 重复/退化 problem that contrastive search and sampling avoid).
#pragma once

#include <vector>

// Distinct n-grams over all n-grams of `tokens` (n ≥ 1); 1 when `tokens` has no n-gram.
double distinctNgramRatio(const std::vector<int>& tokens, int n);

// N-gram occurrences that repeat one seen earlier: all n-grams minus the distinct ones.
int repeatedNgramCount(const std::vector<int>& tokens, int n);
