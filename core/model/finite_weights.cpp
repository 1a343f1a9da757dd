#include "model/finite_weights.h"

#include <Eigen/Core>
#include <cmath>

#include "common/error.h"

namespace dlab {

void require_finite(const float* data, int64_t n, const std::string& path, const std::string& tensor,
                    int64_t first_element) {
    // the vectorized test first: the loaders call this on every weight
    if (Eigen::Map<const Eigen::ArrayXf>(data, n).allFinite()) return;
    for (int64_t i = 0; i < n; ++i) {
        if (std::isfinite(data[i])) continue;
        const std::string what = std::isnan(data[i]) ? "NaN" : data[i] > 0 ? "+infinity" : "-infinity";
        throw FormatError(path + ": tensor '" + tensor + "' holds " + what + " at element " +
                          std::to_string(first_element + i));
    }
}

}  // namespace dlab
