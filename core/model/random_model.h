// Llama models with seeded random weights: test subjects, and benchmark models of a
// real model's shape when its weights are not at hand.
#pragma once

#include <cstdint>

#include "model/model.h"

namespace dlab {

// A config with grouped-query attention and an untied output unless changed by the caller.
ModelConfig small_config();

// The shapes of llama2.c's stories15M (dim 288, 6 layers) and stories110M (dim 768, 12 layers).
ModelConfig stories15m_config();
ModelConfig stories110m_config();

// Weights drawn uniformly from ±scale/√fan_in (norm weights around 1), deterministic in seed.
ModelWeights random_weights(const ModelConfig& config, uint32_t seed);

// A vocabulary of config.vocab_size tokens: <unk>, <s>, </s>, the 256 byte tokens, then
// "▁" and the letters a–z, padded with unused pieces. Needs vocab_size ≥ 286.
Vocab simple_vocab(int vocab_size);

Model random_model(const ModelConfig& config, uint32_t seed, bool with_vocab = true);

}  // namespace dlab
