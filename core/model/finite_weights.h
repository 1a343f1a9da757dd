// Loaders refuse weights that are NaN or infinite. One such value makes every logit NaN,
// and decoding then goes on without a word: greedy picks token 0 each step, beam search
// returns nothing, sampling reports that no candidate is left.
#pragma once

#include <cstdint>
#include <string>

namespace dlab {

// Throws FormatError("PATH: tensor 'NAME' holds NaN at element I") for the first value of
// data[0 … n) that is not finite; `first_element` is data[0]'s index in the whole tensor.
void require_finite(const float* data, int64_t n, const std::string& path, const std::string& tensor,
                    int64_t first_element = 0);

}  // namespace dlab
