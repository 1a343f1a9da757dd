#include "decoding/sample_strategy.h"

#include <algorithm>
#include <cmath>

#include "decoding/sampler_stages.h"

namespace dlab {

SampleStrategy::SampleStrategy(const GenerationConfig& config)
    : m_chain(config),
      m_trace_top_n(config.trace_top_n),
      m_num_return_sequences(config.num_return_sequences) {}

StepDecision SampleStrategy::step(StepInput& input, const std::vector<ProbeResult>& probe_results) {
    (void)probe_results;
    StepDecision decision;
    decision.stages = m_chain.stages();
    const bool fork_root = input.step == 1 && m_num_return_sequences > 1;

    for (const SequenceState& seq : *input.live) {
        const float* logits = seq.logits.data();  // [n_vocab]
        const int n_vocab = static_cast<int>(seq.logits.size());

        // the chain over this sequence's own context
        std::vector<int> context = *input.prompt;
        context.insert(context.end(), seq.tokens.begin(), seq.tokens.end());
        const ChainResult chain = m_chain.apply(logits, n_vocab, context);

        // one draw per resulting sequence: the source in place, then its forks
        std::vector<Extension> draws;
        const int n_draws = fork_root ? m_num_return_sequences : 1;
        for (int i = 0; i < n_draws; ++i) {
            const int token = SamplerChain::sample(chain, *input.rng);
            const double logprob = seq.logprob + std::log(static_cast<double>(chain.candidates[token].prob));
            const int new_seq = i == 0 ? seq.id : input.new_sequence_id();
            draws.push_back({seq.id, new_seq, token, logprob, logprob});
        }
        for (const Extension& draw : draws) {
            if (draw.token != input.eos_id) {
                decision.extensions.push_back(draw);
                continue;
            }
            decision.finished.push_back(draw);
            SequenceRecord record{draw.new_seq, seq.id, seq.tokens, {}, draw.logprob, draw.score, true};
            record.tokens.push_back(draw.token);
            m_finished.push_back(std::move(record));
        }

        // the trace: the highest raw logits, plus drawn tokens outside them
        std::vector<int> recorded = top_tokens_by_logit(logits, n_vocab, m_trace_top_n);
        for (const Extension& draw : draws)
            if (std::find(recorded.begin(), recorded.end(), draw.token) == recorded.end())
                recorded.push_back(draw.token);
        for (int t : recorded) {
            const ChainCandidate& after = chain.candidates[t];
            CandidateRecord c;
            c.seq = seq.id;
            c.token = t;
            c.logit = logits[t];
            c.probs = chain.probs_of(t);
            c.score = log_prob_score(after.prob);
            c.kept = after.pruned_at < 0;
            if (!c.kept) c.reason = chain.stages[after.pruned_at];
            c.chosen =
                std::any_of(draws.begin(), draws.end(), [&](const Extension& d) { return d.token == t; });
            decision.candidates.push_back(std::move(c));
        }
    }
    return decision;
}

std::vector<SequenceRecord> SampleStrategy::results(const std::vector<SequenceState>& live) {
    std::vector<SequenceRecord> out = m_finished;
    for (const SequenceState& s : live)
        out.push_back({s.id, s.parent, s.tokens, {}, s.logprob, s.logprob, false});
    std::stable_sort(out.begin(), out.end(),
                     [](const SequenceRecord& a, const SequenceRecord& b) { return a.id < b.id; });
    if (static_cast<int>(out.size()) > m_num_return_sequences) out.resize(m_num_return_sequences);
    return out;
}

}  // namespace dlab
