// A drafter proposes the next few tokens of a context for speculative sampling, each with
// the distribution q it was drawn from, so the target can verify them all in one pass.
// Model drafters run a smaller model (or a draft table) through its own Backend; prompt
// lookup copies what followed an earlier occurrence of the context's last n-gram.
#pragma once

#include <string>
#include <vector>

#include "decoding/rng.h"
#include "decoding/sampler_chain.h"

namespace dlab {

struct DraftProposal {
    std::vector<int> tokens;             // [n ≤ γ]
    std::vector<std::vector<float>> q;   // [n][vocab] the distribution each token came from
    int forward_passes = 0;              // the drafter's model passes (0 for prompt lookup)
};

class Drafter {
public:
    virtual ~Drafter() = default;

    virtual std::string kind() const = 0;  // "model" | "table" | "ngram"
    virtual int vocab_size() const = 0;

    // Up to `gamma` tokens continuing `context` (prompt + generated). `chain` is the
    // session's sampler chain (nullptr: greedy, each token the argmax); draws come from `rng`.
    virtual DraftProposal propose(const std::vector<int>& context, int gamma, const SamplerChain* chain,
                                  Rng& rng) = 0;
    // The context after the target's verdict: the drafter drops the positions it no longer
    // shares with it. Returns how many it dropped.
    virtual int commit(const std::vector<int>& context) {
        (void)context;
        return 0;
    }
    // Positions the drafter's own KV cache holds (0 without one).
    virtual int cache_length() const { return 0; }
    // Forgets the previous run.
    virtual void reset() {}
};

}  // namespace dlab
