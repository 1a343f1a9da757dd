// Sampling (Hugging Face's do_sample=True): every live sequence draws its next token from
// the sampler chain's final distribution over its own context (prompt + its tokens), with
// the session's one generator, sequences in live order.
//
// Parallel sampling: with num_return_sequences n > 1, step 1 forks the root into n
// sequences that draw independently from the same distribution (the root continues in
// place with the first draw, n − 1 forks take new ids with the others); from then on each
// sequence draws on its own. A sequence finishes when it draws EOS.
//
// logprob accumulates log of the drawn token's final (post-chain) probability: what
// Hugging Face's compute_transition_scores(..., normalize_logits=True) gives for sampled
// output, whose scores are the processed logits. With temperature 0 the chain keeps only
// the argmax, so the tokens equal greedy decoding's (and logprob stays 0).
#pragma once

#include "decoding/sampler_chain.h"
#include "decoding/strategy.h"

namespace dlab {

class SampleStrategy final : public Strategy {
public:
    explicit SampleStrategy(const GenerationConfig& config);

    // Records, per source sequence, the trace_top_n highest raw logits plus any drawn
    // token outside them: probs = the chain's columns, kept = survived every stage,
    // reason = the pruning stage's name, chosen = drawn (by the sequence or one of its
    // forks), score = log of the final probability (kImpossibleLogProb when pruned).
    StepDecision step(StepInput& input, const std::vector<ProbeResult>& probe_results) override;
    // Every sequence, finished or live, in id order (the root, then the forks as created),
    // as Hugging Face returns the num_return_sequences samples; score = logprob.
    std::vector<SequenceRecord> results(const std::vector<SequenceState>& live) override;

private:
    SamplerChain m_chain;
    int m_trace_top_n = 0;
    int m_num_return_sequences = 1;
    std::vector<SequenceRecord> m_finished;
};

}  // namespace dlab
