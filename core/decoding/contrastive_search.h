// Contrastive search (Su et al. 2022, as in Hugging Face generate): among the top_k most
// probable next tokens, choose v maximizing
//     (1 − α)·p(v) − α·max_j cos(h_v, h_j)
// where h_v is the final hidden state the model computes for v (a one-token probe) and h_j
// runs over the hidden states of every earlier position, prompt included. The second term,
// the degeneration penalty, punishes tokens whose representation repeats the context.
#pragma once

#include "decoding/strategy.h"

namespace dlab {

class ContrastiveSearchStrategy final : public Strategy {
public:
    explicit ContrastiveSearchStrategy(const GenerationConfig& config);

    bool needs_hidden() const override { return true; }
    std::vector<Probe> probes(StepInput& input) override;
    StepDecision step(StepInput& input, const std::vector<ProbeResult>& probe_results) override;
    std::vector<SequenceRecord> results(const std::vector<SequenceState>& live) override;

private:
    GenerationConfig m_config;
    std::vector<float> m_probs;       // [top_k] p(v) of this step's probes
    std::vector<SequenceRecord> m_finished;
};

}  // namespace dlab
