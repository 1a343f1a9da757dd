#include "decoding/greedy_strategy.h"

#include <algorithm>
#include <cmath>

#include "decoding/sampler_stages.h"

namespace dlab {

GreedyStrategy::GreedyStrategy(const GenerationConfig& config)
    : m_trace_top_n(config.trace_top_n), m_num_return_sequences(config.num_return_sequences) {}

StepDecision GreedyStrategy::step(StepInput& input, const std::vector<ProbeResult>& probe_results) {
    (void)probe_results;
    StepDecision decision;
    for (const SequenceState& seq : *input.live) {
        const float* logits = seq.logits.data();  // [n_vocab]
        const int n_vocab = static_cast<int>(seq.logits.size());

        // log-softmax normalizer, in double
        const double max = *std::max_element(logits, logits + n_vocab);
        double sum = 0.0;
        for (int t = 0; t < n_vocab; ++t) sum += std::exp(logits[t] - max);
        const double log_sum = std::log(sum) + max;

        // the argmax (the first of the top list: ties go to the lowest id)
        const std::vector<int> top = top_tokens_by_logit(logits, n_vocab, std::max(m_trace_top_n, 1));
        const int token = top.front();
        const double logprob = seq.logprob + (logits[token] - log_sum);
        const Extension extension{seq.id, seq.id, token, logprob, logprob};
        if (token == input.eos_id) {
            decision.finished.push_back(extension);
            SequenceRecord record{seq.id, seq.id, seq.tokens, {}, logprob, logprob, true};
            record.tokens.push_back(token);
            m_finished.push_back(std::move(record));
        } else {
            decision.extensions.push_back(extension);
        }

        // the trace: the highest logits of this sequence
        for (int t : top) {
            CandidateRecord c;
            c.seq = seq.id;
            c.token = t;
            c.logit = logits[t];
            const double log_p = logits[t] - log_sum;
            c.probs = {static_cast<float>(std::exp(log_p))};
            c.score = std::isfinite(log_p) ? log_p : kImpossibleLogProb;
            c.chosen = c.kept = t == token;
            if (!c.chosen) c.reason = "not_chosen";
            decision.candidates.push_back(std::move(c));
        }
    }
    return decision;
}

std::vector<SequenceRecord> GreedyStrategy::results(const std::vector<SequenceState>& live) {
    std::vector<SequenceRecord> out = m_finished;
    for (const SequenceState& s : live)
        out.push_back({s.id, s.parent, s.tokens, {}, s.logprob, s.logprob, false});
    if (static_cast<int>(out.size()) > m_num_return_sequences) out.resize(m_num_return_sequences);
    return out;
}

}  // namespace dlab
