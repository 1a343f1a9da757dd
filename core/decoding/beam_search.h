// Beam search with Hugging Face generate()'s semantics, reproducing transformers 4.38.2
// (BeamSearchScorer.process / finalize and BeamHypotheses, the loop-based implementation
// that newer releases replaced with a vectorized _beam_search):
//   - each step ranks (beam, token) pairs by beam log-prob + log p(token) and walks the
//     best 2·num_beams in rank order;
//   - an EOS ranked among the first num_beams becomes a finished hypothesis scored
//     sum log p / generated_length^length_penalty (generated_length counts the EOS); one
//     ranked lower is skipped; other tokens fill the next beams until num_beams are kept;
//   - finished hypotheses live in a bounded best-num_beams set with a running worst score;
//   - the done test after each step: early_stopping true once num_beams hypotheses exist;
//     false when the best candidate's log-prob over the current length^length_penalty
//     cannot beat the worst hypothesis; never the same at max_new_tokens when
//     length_penalty > 0;
//   - at the end, unless done, every live beam joins the hypotheses, scored by its own
//     length; the best num_return_sequences are returned.
// Beams are the session's sequences: the first kept continuation of a beam extends it in
// place, any further one forks it, so KV caches are copied only where beams branch.
#pragma once

#include <vector>

#include "decoding/strategy.h"

namespace dlab {

class BeamSearchStrategy final : public Strategy {
public:
    // Throws InvalidArgument for num_beams < 1 or num_return_sequences outside [1, num_beams].
    explicit BeamSearchStrategy(const GenerationConfig& config);

    StepDecision step(StepInput& input, const std::vector<ProbeResult>& probe_results) override;
    std::vector<SequenceRecord> results(const std::vector<SequenceState>& live) override;

    // sum_logprobs / length^length_penalty, Hugging Face's hypothesis score.
    static double penalized_score(double sum_logprobs, int length, double length_penalty);

private:
    // The bounded set of finished hypotheses (BeamHypotheses): at most num_beams, in the
    // order they were added (ties are broken by that order, as in transformers).
    struct Hypotheses {
        std::vector<SequenceRecord> records;  // [≤ num_beams]
        double worst_score = 1e9;

        bool accepts(double score, int capacity) const;
        void add(SequenceRecord record, int capacity);
    };

    bool is_done(double best_sum_logprobs, int generated_length, int max_new_tokens) const;

    GenerationConfig m_config;
    Hypotheses m_hypotheses;
    bool m_done = false;
};

}  // namespace dlab
