// What every backend does with a forward batch before and around its own kernels: refuse
// a bad batch before anything changes, say whether the context and the KV cache have room,
// and run prompts (several new tokens) one by one and single tokens together.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/backend.h"

namespace dlab {

// Throws InvalidArgument for a sequence with no new tokens, a token outside the
// vocabulary, or a sequence that appears twice.
void validate_batch(const std::vector<SequenceInput>& batch, int vocab_size);

// Empty when every sequence stays within the context and the cache's check_append accepts
// the batch, else a sentence saying what is short.
std::string check_batch_room(const std::vector<SequenceInput>& batch, int context_length,
                             const std::function<int(int)>& sequence_length,
                             const std::function<std::string(const std::vector<std::pair<int, int>>&)>& check_append);

// Outputs in the order of `batch`: each multi-token input through `prefill`, the
// single-token ones through one `decode` call.
std::vector<SequenceOutput> run_by_phase(
    const std::vector<SequenceInput>& batch, const std::function<SequenceOutput(const SequenceInput&)>& prefill,
    const std::function<std::vector<SequenceOutput>(const std::vector<SequenceInput>&)>& decode);

}  // namespace dlab
