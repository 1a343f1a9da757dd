// Small helpers the benchmarks share.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "options/args.h"

namespace dlab::bench {

// A benchmark's options, named as the CLI names them; a benchmark takes no positional
// arguments, so a stray word is refused rather than ignored.
inline Args parse_options(int argc, char** argv, std::set<std::string> flags, std::set<std::string> options) {
    Args args(argc, argv, 1, std::move(flags), std::move(options));
    if (!args.positional().empty())
        throw InvalidArgument("unexpected argument '" + args.positional().front() + "'");
    return args;
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The greedy pick: the first position of the highest value (ties: the lowest id). Found as
// the maximum, then its first position: both passes vectorize, where Eigen's
// maxCoeff(&index) is a scalar loop, 44 µs over 32,000 logits on the development machine,
// 3% of a stories15M token that would be charged to decode.
inline int first_argmax(const float* values, int n) {  // values: [n]
    const float highest = Eigen::Map<const Eigen::VectorXf>(values, n).maxCoeff();
    return static_cast<int>(std::find(values, values + n, highest) - values);
}

// The q-quantile of `values` (0.5: the median), interpolated between neighbours.
inline double quantile(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const double at = q * static_cast<double>(values.size() - 1);
    const size_t below = static_cast<size_t>(at);
    const size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (at - static_cast<double>(below)) * (values[above] - values[below]);
}

inline double median(std::vector<double> values) { return quantile(std::move(values), 0.5); }

}  // namespace dlab::bench
