#include "engine/ngram_drafter.h"

#include <algorithm>

#include "common/error.h"

namespace dlab {

NgramDrafter::NgramDrafter(int vocab_size, int max_ngram_size)
    : m_vocab_size(vocab_size), m_max_ngram_size(max_ngram_size) {
    if (vocab_size < 1) throw InvalidArgument("prompt lookup: a vocabulary of " + std::to_string(vocab_size) + " tokens");
    if (max_ngram_size < 1)
        throw InvalidArgument("--max-matching-ngram-size: " + std::to_string(max_ngram_size) + " must be at least 1");
}

DraftProposal NgramDrafter::propose(const std::vector<int>& context, int gamma, const SamplerChain* chain, Rng& rng) {
    (void)chain;
    (void)rng;
    DraftProposal proposal;
    const int length = static_cast<int>(context.size());

    // the longest suffix n-gram with an earlier occurrence; its most recent one wins
    for (int n = std::min(m_max_ngram_size, length - 1); n >= 1 && proposal.tokens.empty(); --n) {
        const auto suffix = context.end() - n;
        for (int start = length - n - 1; start >= 0; --start) {
            if (!std::equal(suffix, context.end(), context.begin() + start)) continue;
            const int first = start + n;  // the continuation, clipped to what the context holds
            const int count = std::min(gamma, length - first);
            proposal.tokens.assign(context.begin() + first, context.begin() + first + count);
            break;
        }
    }

    // a deterministic draft: q is one-hot on each token
    for (int token : proposal.tokens) {
        if (token < 0 || token >= m_vocab_size)
            throw InvalidArgument("prompt lookup: token " + std::to_string(token) + " is outside the vocabulary");
        std::vector<float> q(m_vocab_size, 0.0f);
        q[token] = 1.0f;
        proposal.q.push_back(std::move(q));
    }
    return proposal;
}

}  // namespace dlab
