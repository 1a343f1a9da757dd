// An independent Llama forward pass: straight loops in double precision, no Eigen, no
// KV cache, recomputing every position from scratch. Written from the architecture's
// definition, separately from core/engine, so that the engine can be checked against it.
#pragma once

#include <vector>

#include "model/config.h"
#include "model/weights.h"

namespace dlab::testing {

// Logits of every position of `tokens`: [n_tokens][vocab_size]. With a window, position t
// attends only to positions s with t − s < window, plus the first `sinks` positions.
std::vector<std::vector<double>> reference_logits(const ModelConfig& config, const ModelWeights& weights,
                                                  const std::vector<int>& tokens, int window = 0, int sinks = 0);

// Greedy continuation by full recomputation at every step (no EOS stop).
std::vector<int> reference_greedy(const ModelConfig& config, const ModelWeights& weights,
                                  std::vector<int> prompt, int n_new);

// max |a − b| over max |b|: the error of `actual` relative to the reference's scale.
double relative_error(const float* actual, const std::vector<double>& reference);

}  // namespace dlab::testing
