// The accept/reject rule of speculative sampling (Leviathan et al. 2023, Chen et al. 2023),
// apart from any model: given the drafter's distributions q_1…q_γ, its tokens x_1…x_γ and
// the target's distributions p_1…p_{γ+1} at the same positions, decide how many drafts
// stand and which token follows them. Sampling keeps the target's distribution exactly:
// x_i stands with probability min(1, p_i(x_i) / q_i(x_i)); the first rejected position draws
// its replacement from norm(max(0, p_i − q_i)); if every draft stands, one more token is
// drawn from p_{γ+1}. Greedy (temperature 0) accepts while x_i is the target's argmax.
#pragma once

#include <optional>
#include <vector>

#include "decoding/rng.h"
#include "decoding/sampler_chain.h"

namespace dlab {

// One position's distribution as a round uses it: the sampler chain's final probabilities
// when sampling, the plain softmax when greedy (for the record; greedy decides by argmax).
struct PositionDistribution {
    std::vector<float> probs;          // [vocab]
    int argmax = -1;                   // the highest logit (ties: the lowest id)
    std::optional<ChainResult> chain;  // sampling: every stage's probabilities, for the trace
};

// logits [n_vocab]; `chain` nullptr means greedy; `context` feeds the chain's penalties.
PositionDistribution position_distribution(const float* logits, int n_vocab, const SamplerChain* chain,
                                           const std::vector<int>& context);

struct DraftVerdict {
    float q = 0.0f;             // q_i(x_i)
    float p = 0.0f;             // p_i(x_i)
    std::optional<double> r;    // the uniform draw (sampling; verified positions only)
    bool verified = false;      // false after an earlier rejection
    bool accepted = false;
};

struct RoundVerdict {
    std::vector<DraftVerdict> drafts;  // [γ]
    int accepted = 0;                  // leading drafts that stand
    int token = -1;                    // the token after them
    bool bonus = false;                // drawn from p_{γ+1} (every draft stood), else a replacement
    std::vector<float> residual;       // [vocab] norm(max(0, p − q)) at the rejected position; empty otherwise
};

// drafts [γ], q [γ][vocab], p [γ+1][vocab]; each row a distribution. `greedy_choice`
// [γ+1], when given, is the target's argmax at each position (taken from its logits, where
// near ties are not rounded together) and makes the round greedy. Draws from `rng` only
// when sampling: one uniform per verified draft, then one for the final token.
RoundVerdict verify_drafts(const std::vector<int>& drafts, const std::vector<std::vector<float>>& q,
                           const std::vector<std::vector<float>>& p, Rng& rng,
                           const std::vector<int>* greedy_choice = nullptr);

// [vocab] norm(max(0, p − q)); p itself when p ≤ q everywhere (p = q up to rounding, where
// a rejection has probability zero).
std::vector<float> residual_distribution(const std::vector<float>& p, const std::vector<float>& q);


}  // namespace dlab
