// The rounds of speculative sampling for one sequence: the drafter proposes γ tokens, the
// target scores them all (and the position after them) in one forward pass, the rule of
// decoding/speculative_rule.h keeps a prefix and adds one token, and both KV caches are cut
// back to what stands. The Session runs a round per step and records what it returns.
#pragma once

#include <string>
#include <vector>

#include "decoding/generation_config.h"
#include "engine/backend.h"
#include "engine/drafter.h"
#include "tokenizer/text_codec.h"
#include "trace/events.h"

namespace dlab {

struct RoundResult {
    std::vector<int> tokens;         // the tokens the round adds, cut at EOS and the token budget
    double logprob = 0.0;            // their log-probability under the target's (chained) distributions
    bool eos = false;                // the last token is EOS
    SpecRoundEvent event;
    std::vector<std::string> stages;           // the chain's stage names (sampling)
    std::vector<CandidateRecord> candidates;   // the target's candidates for the round's last token
    std::string kv_shortage;         // non-empty: the target cache could not hold the pass; nothing changed
    int target_passes = 0;           // 0 or 1
    int target_tokens = 0;           // positions that pass ran
};

class SpeculativeLoop {
public:
    // `target`, `drafter` and `codec` must outlive the loop; `config` is validated.
    SpeculativeLoop(Backend& target, Drafter& drafter, const TextCodec& codec, const GenerationConfig& config);
    // Throws InvalidArgument unless the pair and the config can decode speculatively.
    static void check(const Backend& target, const Drafter& drafter, const GenerationConfig& config);

    // After the prefill of sequence `seq_id`: the target's logits [vocab] for the next position.
    void start(int seq_id, const Vector& next_logits);
    // One round over prompt + generated; `remaining` ≥ 1 tokens may still be added.
    RoundResult round(const std::vector<int>& prompt, const std::vector<int>& generated, int remaining, int eos_id,
                      Rng& rng);
    // The run so far: α, tokens per target pass and the theory's expectation.
    SpecSummaryEvent summary() const;

private:
    Backend& m_target;
    Drafter& m_drafter;
    const TextCodec& m_codec;
    GenerationConfig m_config;
    SamplerChain m_chain;
    bool m_greedy;
    int m_seq = 0;
    int m_gamma = 1;                 // γ for the next round
    std::vector<int> m_pending;      // generated tokens the target has not yet run
    Vector m_next_logits;            // [vocab] the target's logits after everything it ran, when m_pending is empty

    // the run's tallies
    int m_rounds = 0;
    int m_target_passes = 0;
    int m_draft_passes = 0;
    int m_drafted = 0;
    int m_accepted = 0;
    int m_rejected = 0;
    int m_generated = 0;
    std::vector<int> m_proposed;     // [rounds] drafts proposed per round
    std::vector<int> m_asked;        // [rounds] γ asked for per round
    double m_draft_ms = 0.0;
    double m_target_ms = 0.0;
};

}  // namespace dlab
