#include "decoding/contrastive_search.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/error.h"

namespace dlab {

namespace {

// Softmax of logits [n_vocab] in double, for probabilities that sum to 1.
std::vector<double> softmax(const Vector& logits) {
    const double max_logit = logits.maxCoeff();
    std::vector<double> p(logits.size());
    double sum = 0.0;
    for (Eigen::Index i = 0; i < logits.size(); ++i) sum += (p[i] = std::exp(double(logits[i]) - max_logit));
    for (double& v : p) v /= sum;
    return p;
}

// max_j cos(h, context_j) over the rows of context [n][dim].
float degeneration_penalty(const Vector& h, const RowMatrix& context) {
    const float h_norm = h.norm();
    float best = -1.0f;
    for (Eigen::Index j = 0; j < context.rows(); ++j) {
        const float denom = h_norm * context.row(j).norm();
        const float cosine = denom > 0.0f ? context.row(j).dot(h) / denom : 0.0f;
        best = std::max(best, cosine);
    }
    return best;
}

}  // namespace

ContrastiveSearchStrategy::ContrastiveSearchStrategy(const GenerationConfig& config) : m_config(config) {
    if (m_config.top_k < 1) throw InvalidArgument("--top-k: contrastive search needs at least 1 candidate");
}

std::vector<Probe> ContrastiveSearchStrategy::probes(StepInput& input) {
    // the top_k most probable next tokens of the one live sequence
    const SequenceState& s = input.live->front();
    const std::vector<double> p = softmax(s.logits);
    const int k = std::min<int>(m_config.top_k, static_cast<int>(p.size()));
    std::vector<int> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int a, int b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
    std::vector<Probe> probes;
    m_probs.clear();
    for (int i = 0; i < k; ++i) {
        probes.push_back({s.id, order[i]});
        m_probs.push_back(static_cast<float>(p[order[i]]));
    }
    return probes;
}

StepDecision ContrastiveSearchStrategy::step(StepInput& input, const std::vector<ProbeResult>& probe_results) {
    const SequenceState& s = input.live->front();
    const float alpha = m_config.penalty_alpha;

    // score every probe: model confidence against degeneration penalty
    StepDecision decision;
    int best = 0;
    std::vector<float> scores(probe_results.size());
    std::vector<float> penalties(probe_results.size());
    for (size_t i = 0; i < probe_results.size(); ++i) {
        penalties[i] = degeneration_penalty(probe_results[i].hidden, s.context_hidden);
        scores[i] = (1.0f - alpha) * m_probs[i] - alpha * penalties[i];
        if (scores[i] > scores[best]) best = static_cast<int>(i);
    }
    for (size_t i = 0; i < probe_results.size(); ++i) {
        CandidateRecord c;
        c.seq = s.id;
        c.token = probe_results[i].probe.token;
        c.logit = s.logits[c.token];
        c.probs = {m_probs[i]};
        c.score = scores[i];
        c.kept = c.chosen = static_cast<int>(i) == best;
        if (!c.kept) c.reason = "not_chosen";
        c.confidence = m_probs[i];
        c.degeneration_penalty = penalties[i];
        decision.candidates.push_back(std::move(c));
    }

    // the winner lives on as its probe (already run), or ends the sequence at EOS
    const int token = probe_results[best].probe.token;
    const double logprob = s.logprob + std::log(double(m_probs[best]));
    if (token == input.eos_id) {
        decision.finished.push_back({s.id, s.id, token, logprob, logprob, -1});
        SequenceRecord done{s.id, s.id, s.tokens, {}, logprob, logprob, true};
        done.tokens.push_back(token);
        m_finished.push_back(std::move(done));
    } else {
        decision.extensions.push_back({s.id, probe_results[best].probe_seq, token, logprob, logprob, best});
    }
    return decision;
}

std::vector<SequenceRecord> ContrastiveSearchStrategy::results(const std::vector<SequenceState>& live) {
    std::vector<SequenceRecord> out = m_finished;
    for (const SequenceState& s : live) out.push_back({s.id, s.parent, s.tokens, {}, s.logprob, s.score, false});
    return out;
}

}  // namespace dlab
