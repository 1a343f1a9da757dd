// The joint sampler as a chain of stages over one candidate array (llama.cpp's design):
// each stage rewrites the logits or removes candidates; the probabilities over the kept
// candidates are recomputed after every stage and snapshotted for the trace, so a lesson
// can show what each stage did and that the order matters.
#pragma once

#include <string>
#include <vector>

#include "decoding/generation_config.h"
#include "decoding/rng.h"

namespace dlab {

struct ChainCandidate {
    int token = 0;
    float logit = 0.0f;   // after the stages (temperature and penalties rewrite it)
    float prob = 0.0f;    // softmax over the kept candidates after the last stage; 0 when pruned
    int pruned_at = -1;   // index of the stage that removed it, -1 while kept
};

struct ChainResult {
    std::vector<std::string> stages;         // stage names in order
    std::vector<ChainCandidate> candidates;  // [n_vocab], indexed by token id
    std::vector<std::vector<float>> stage_probs;  // [stages + 1][n_vocab]: raw softmax, then after each stage

    // [stages + 1] probabilities of one token through the chain.
    std::vector<float> probs_of(int token) const;
};

// A multinomial draw: one uniform number u from `rng`, then the first token (in token-id
// order) whose cumulative probability exceeds u; the last token with probability > 0 when
// rounding leaves the sum below u. Defined exactly so a GPU backend can reproduce it; the
// chain and speculative sampling's rule both draw this way.  probs: [n_vocab]
int sample_distribution(const std::vector<float>& probs, Rng& rng);

class SamplerChain {
public:
    // Builds the stages of config.chain_stages() with config's parameters.
    explicit SamplerChain(const GenerationConfig& config);

    const std::vector<std::string>& stages() const { return m_stages; }

    // Runs every stage over logits [n_vocab]. `context` is the prompt and the generated
    // tokens (repetition penalty, n-gram bans).
    ChainResult apply(const float* logits, int n_vocab, const std::vector<int>& context) const;

    // A multinomial draw from the kept candidates' final probabilities (sample_distribution).
    static int sample(const ChainResult& result, Rng& rng);

private:
    GenerationConfig m_config;
    std::vector<std::string> m_stages;
};

}  // namespace dlab
