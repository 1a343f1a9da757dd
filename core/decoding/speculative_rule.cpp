#include "decoding/speculative_rule.h"

#include <algorithm>
#include <string>

#include "common/error.h"
#include "decoding/sampler_stages.h"

namespace dlab {

PositionDistribution position_distribution(const float* logits, int n_vocab, const SamplerChain* chain,
                                           const std::vector<int>& context) {
    PositionDistribution out;
    out.argmax = top_tokens_by_logit(logits, n_vocab, 1).front();
    if (chain) {
        out.chain = chain->apply(logits, n_vocab, context);
        out.probs = out.chain->stage_probs.back();
    } else {
        StageArray array{{logits, logits + n_vocab}, std::vector<int>(n_vocab, -1)};
        const std::vector<double> softmax = kept_softmax(array);
        out.probs.assign(softmax.begin(), softmax.end());
    }
    return out;
}

std::vector<float> residual_distribution(const std::vector<float>& p, const std::vector<float>& q) {
    if (p.size() != q.size())
        throw InvalidArgument("speculative sampling: p has " + std::to_string(p.size()) + " entries but q has " +
                              std::to_string(q.size()));
    std::vector<float> residual(p.size());
    double total = 0.0;
    for (size_t t = 0; t < p.size(); ++t) {
        residual[t] = std::max(0.0f, p[t] - q[t]);
        total += residual[t];
    }
    if (total <= 0.0) return p;
    for (float& r : residual) r = static_cast<float>(r / total);
    return residual;
}

RoundVerdict verify_drafts(const std::vector<int>& drafts, const std::vector<std::vector<float>>& q,
                           const std::vector<std::vector<float>>& p, Rng& rng,
                           const std::vector<int>* greedy_choice) {
    const size_t gamma = drafts.size();
    const bool greedy = greedy_choice != nullptr;
    if (q.size() != gamma || p.size() != gamma + 1 || (greedy && greedy_choice->size() != gamma + 1))
        throw InvalidArgument("speculative sampling: " + std::to_string(gamma) + " drafts need as many q rows and " +
                              std::to_string(gamma + 1) + " p rows (got " + std::to_string(q.size()) + " and " +
                              std::to_string(p.size()) + ")");
    RoundVerdict verdict;
    verdict.drafts.resize(gamma);

    // each draft in order, until the first that does not stand
    for (size_t i = 0; i < gamma; ++i) {
        const int x = drafts[i];
        DraftVerdict& d = verdict.drafts[i];
        d.q = q[i].at(x);
        d.p = p[i].at(x);
        d.verified = true;
        if (greedy) {
            d.accepted = x == (*greedy_choice)[i];
        } else {
            d.r = rng.uniform();
            d.accepted = d.q > 0.0f && *d.r < static_cast<double>(d.p) / d.q;
        }
        if (!d.accepted) break;
        ++verdict.accepted;
    }
    // the drafts after a rejection keep their probabilities for the record
    for (size_t i = verdict.accepted + 1; i < gamma; ++i) {
        verdict.drafts[i].q = q[i].at(drafts[i]);
        verdict.drafts[i].p = p[i].at(drafts[i]);
    }

    // the token after the accepted drafts: a bonus from p_{γ+1}, or the rejected position's replacement
    const size_t at = verdict.accepted;
    verdict.bonus = at == gamma;
    if (greedy) {
        verdict.token = (*greedy_choice)[at];
    } else if (verdict.bonus) {
        verdict.token = sample_distribution(p[at], rng);
    } else {
        verdict.residual = residual_distribution(p[at], q[at]);
        verdict.token = sample_distribution(verdict.residual, rng);
    }
    return verdict;
}

}  // namespace dlab
