// Prompt lookup decoding (Saxena 2023; Hugging Face's prompt_lookup_num_tokens): no second
// model. The context's last n tokens (n from max_ngram_size down to 1) are searched for
// earlier in the context; the tokens that followed the most recent earlier match are the
// draft. The draft is deterministic, so each q is one-hot and the target accepts a draft
// token with probability p(x) — exact, like any other drafter.
#pragma once

#include "engine/drafter.h"

namespace dlab {

class NgramDrafter final : public Drafter {
public:
    NgramDrafter(int vocab_size, int max_ngram_size);

    std::string kind() const override { return "ngram"; }
    int vocab_size() const override { return m_vocab_size; }
    DraftProposal propose(const std::vector<int>& context, int gamma, const SamplerChain* chain,
                          Rng& rng) override;

private:
    int m_vocab_size;
    int m_max_ngram_size;
};

}  // namespace dlab
