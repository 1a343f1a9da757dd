// The chain runs its stages (decoding/sampler_stages.h) in order over one candidate array
// and snapshots the probabilities after each, then draws one token as sampler_chain.h defines.
#include "decoding/sampler_chain.h"

#include "common/error.h"
#include "decoding/sampler_stages.h"

namespace dlab {

namespace {

// [n_vocab] the float snapshot of one row of probabilities.
std::vector<float> to_float(const std::vector<double>& probs) { return {probs.begin(), probs.end()}; }

}  // namespace

std::vector<float> ChainResult::probs_of(int token) const {
    std::vector<float> column;
    column.reserve(stage_probs.size());
    for (const std::vector<float>& row : stage_probs) column.push_back(row.at(token));
    return column;
}

SamplerChain::SamplerChain(const GenerationConfig& config)
    : m_config(config), m_stages(config.chain_stages()) {
    for (const std::string& stage : m_stages) {
        bool known = false;
        for (const std::string& name : known_chain_stages()) known = known || name == stage;
        if (!known) throw InvalidArgument("--chain: unknown chain stage '" + stage + "'");
    }
}

ChainResult SamplerChain::apply(const float* logits, int n_vocab, const std::vector<int>& context) const {
    if (n_vocab < 1) throw InvalidArgument("sampler chain: the vocabulary is empty");
    ChainResult result;
    result.stages = m_stages;
    StageArray array{{logits, logits + n_vocab}, std::vector<int>(n_vocab, -1)};

    // the model's own distribution
    result.stage_probs.push_back(to_float(kept_softmax(array)));

    // each stage, then the distribution over what it kept
    for (size_t i = 0; i < m_stages.size(); ++i) {
        const std::string& name = m_stages[i];
        array.stage = static_cast<int>(i);
        if (name == "repetition_penalty")
            repetition_penalty_stage(array, m_config.repetition_penalty, context);
        if (name == "no_repeat_ngram") no_repeat_ngram_stage(array, m_config.no_repeat_ngram_size, context);
        if (name == "temperature") temperature_stage(array, m_config.temperature);
        if (name == "top_k") top_k_stage(array, m_config.top_k);
        if (name == "top_p") top_p_stage(array, m_config.top_p);
        if (name == "min_p") min_p_stage(array, m_config.min_p);
        if (name == "typical_p") typical_p_stage(array, m_config.typical_p);
        try {
            result.stage_probs.push_back(to_float(kept_softmax(array)));
        } catch (const InvalidArgument&) {
            // e.g. no_repeat_ngram banned every token of a small vocabulary
            throw InvalidArgument("sampler chain: stage '" + name +
                                  "' left no candidate token with a finite logit");
        }
    }

    // the candidate array as the last stage left it
    result.candidates.resize(n_vocab);
    for (int t = 0; t < n_vocab; ++t)
        result.candidates[t] = {t, array.logits[t], result.stage_probs.back()[t], array.pruned_at[t]};
    return result;
}

int sample_distribution(const std::vector<float>& probs, Rng& rng) {
    const double u = rng.uniform();
    double cumulative = 0.0;
    int last_positive = -1;
    for (size_t t = 0; t < probs.size(); ++t) {
        if (probs[t] <= 0.0f) continue;
        cumulative += probs[t];
        if (cumulative > u) return static_cast<int>(t);
        last_positive = static_cast<int>(t);
    }
    // the probabilities summed to just under u by rounding
    if (last_positive < 0) throw InvalidArgument("sampler: no candidate token to sample");
    return last_positive;
}

int SamplerChain::sample(const ChainResult& result, Rng& rng) { return sample_distribution(result.stage_probs.back(), rng); }

}  // namespace dlab
