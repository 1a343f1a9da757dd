// Greedy decoding: every live sequence continues with its most likely next token (the
// highest raw logit; ties go to the lowest id). No penalties or warpers are applied: the
// choice is the model's own argmax. A sequence that draws EOS finishes with it.
#pragma once

#include "decoding/strategy.h"

namespace dlab {

class GreedyStrategy final : public Strategy {
public:
    explicit GreedyStrategy(const GenerationConfig& config);

    // Records, per sequence, the trace_top_n highest logits with probs = {softmax}, score
    // log p, the argmax chosen and kept, the others reason "not_chosen".
    StepDecision step(StepInput& input, const std::vector<ProbeResult>& probe_results) override;
    // The finished sequences, then the live ones (one in all); score = logprob.
    std::vector<SequenceRecord> results(const std::vector<SequenceState>& live) override;

private:
    int m_trace_top_n = 0;
    int m_num_return_sequences = 1;
    std::vector<SequenceRecord> m_finished;
};

}  // namespace dlab
