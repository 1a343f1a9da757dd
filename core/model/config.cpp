#include "model/config.h"

#include <cmath>
#include <string>

#include "common/error.h"

namespace dlab {

void ModelConfig::validate(const std::string& source) const {
    auto fail = [&](const std::string& problem) {
        throw FormatError(source + ": invalid model hyper-parameters: " + problem);
    };
    auto require_positive = [&](const char* what, int value) {
        if (value <= 0) fail(std::string(what) + " is " + std::to_string(value));
    };
    require_positive("dim", dim);
    require_positive("hidden_dim", hidden_dim);
    require_positive("n_layers", n_layers);
    require_positive("n_heads", n_heads);
    require_positive("n_kv_heads", n_kv_heads);
    require_positive("vocab_size", vocab_size);
    require_positive("context_length", context_length);
    if (dim % n_heads != 0) {
        fail("dim " + std::to_string(dim) + " is not divisible by n_heads " + std::to_string(n_heads));
    }
    if (n_heads % n_kv_heads != 0) {
        fail("n_heads " + std::to_string(n_heads) + " is not divisible by n_kv_heads " +
             std::to_string(n_kv_heads));
    }
    // RoPE rotates adjacent pairs of each head's channels
    if (head_dim() % 2 != 0) fail("head_dim " + std::to_string(head_dim()) + " is odd");
    if (!(rope_freq_base > 0.0f) || !std::isfinite(rope_freq_base)) {
        fail("rope_freq_base is " + std::to_string(rope_freq_base));
    }
    if (!(rms_eps >= 0.0f) || !std::isfinite(rms_eps)) {
        fail("rms_eps is " + std::to_string(rms_eps));
    }
}

}  // namespace dlab
