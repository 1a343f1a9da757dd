#include "engine/forward_batch.h"

#include <set>

#include "common/error.h"

namespace dlab {

void validate_batch(const std::vector<SequenceInput>& batch, int vocab_size) {
    std::set<int> seen;
    for (const SequenceInput& input : batch) {
        if (input.tokens.empty())
            throw InvalidArgument("forward: sequence " + std::to_string(input.seq_id) + " has no new tokens");
        for (int t : input.tokens)
            if (t < 0 || t >= vocab_size)
                throw InvalidArgument("forward: token id " + std::to_string(t) + " is outside the vocabulary of " +
                                      std::to_string(vocab_size) + " tokens");
        if (!seen.insert(input.seq_id).second)
            throw InvalidArgument("forward: sequence " + std::to_string(input.seq_id) + " appears twice in one batch");
    }
}

std::string check_batch_room(const std::vector<SequenceInput>& batch, int context_length,
                             const std::function<int(int)>& sequence_length,
                             const std::function<std::string(const std::vector<std::pair<int, int>>&)>& check_append) {
    std::vector<std::pair<int, int>> appends;
    for (const SequenceInput& input : batch) {
        const int n_new = static_cast<int>(input.tokens.size());
        const int length = sequence_length(input.seq_id);
        if (length + n_new > context_length)
            return "sequence " + std::to_string(input.seq_id) + " at length " + std::to_string(length) +
                   " has no room for " + std::to_string(n_new) + " more positions in the model's context of " +
                   std::to_string(context_length);
        appends.emplace_back(input.seq_id, n_new);
    }
    return check_append(appends);
}

std::vector<SequenceOutput> run_by_phase(
    const std::vector<SequenceInput>& batch, const std::function<SequenceOutput(const SequenceInput&)>& prefill,
    const std::function<std::vector<SequenceOutput>(const std::vector<SequenceInput>&)>& decode) {
    std::vector<SequenceOutput> outputs(batch.size());
    std::vector<SequenceInput> decode_inputs;
    std::vector<size_t> decode_slots;
    for (size_t i = 0; i < batch.size(); ++i) {
        if (batch[i].tokens.size() > 1) {
            outputs[i] = prefill(batch[i]);
        } else {
            decode_inputs.push_back(batch[i]);
            decode_slots.push_back(i);
        }
    }
    if (!decode_inputs.empty()) {
        std::vector<SequenceOutput> decoded = decode(decode_inputs);
        for (size_t i = 0; i < decoded.size(); ++i) outputs[decode_slots[i]] = std::move(decoded[i]);
    }
    return outputs;
}

}  // namespace dlab
