#include "engine/model_drafter.h"

#include <algorithm>

#include "common/error.h"
#include "decoding/speculative_rule.h"

namespace dlab {

namespace {

constexpr int kDraftSequence = 0;

}  // namespace

ModelDrafter::ModelDrafter(Backend& backend, std::string kind) : m_backend(backend), m_kind(std::move(kind)) {}

ModelDrafter::~ModelDrafter() { reset(); }

void ModelDrafter::reset() {
    if (m_open) m_backend.free_sequence(kDraftSequence);
    m_open = false;
    m_cached.clear();
}

int ModelDrafter::truncate_to_shared(const std::vector<int>& context) {
    const auto mismatch = std::mismatch(m_cached.begin(), m_cached.end(), context.begin(), context.end());
    const int shared = static_cast<int>(mismatch.first - m_cached.begin());
    const int dropped = static_cast<int>(m_cached.size()) - shared;
    if (dropped > 0) {
        m_backend.truncate_sequence(kDraftSequence, shared);
        m_cached.resize(shared);
    }
    return dropped;
}

int ModelDrafter::commit(const std::vector<int>& context) { return truncate_to_shared(context); }

DraftProposal ModelDrafter::propose(const std::vector<int>& context, int gamma, const SamplerChain* chain,
                                    Rng& rng) {
    DraftProposal proposal;
    if (context.empty()) throw InvalidArgument("draft model: an empty context");

    // room: the draft model's context bounds how far it can look ahead
    const int room = m_backend.config().context_length - static_cast<int>(context.size());
    gamma = std::min(gamma, room);
    if (gamma <= 0) return proposal;

    // catch up: feed what the cache lacks, at least the last token, whose logits start the draft
    truncate_to_shared(context);
    if (m_cached.size() == context.size()) {
        m_backend.truncate_sequence(kDraftSequence, static_cast<int>(context.size()) - 1);
        m_cached.pop_back();
    }
    std::vector<int> feed(context.begin() + static_cast<long>(m_cached.size()), context.end());
    std::vector<int> draft_context = context;  // context + drafts so far, for the chain's penalties

    for (int i = 0; i < gamma; ++i) {
        // one pass of the draft model over what it has not seen, unless its cache is full
        std::vector<SequenceInput> batch(1);
        batch[0] = {kDraftSequence, feed};
        if (!m_backend.check_forward(batch).empty()) break;
        const std::vector<SequenceOutput> out = m_backend.forward(batch);
        m_open = true;
        m_cached.insert(m_cached.end(), feed.begin(), feed.end());
        ++proposal.forward_passes;

        // q_i and the draft token drawn from it
        const RowMatrix& logits = out[0].logits;  // [1][vocab]
        PositionDistribution q = position_distribution(logits.data(), static_cast<int>(logits.cols()), chain,
                                                       draft_context);
        const int token = chain ? sample_distribution(q.probs, rng) : q.argmax;
        proposal.tokens.push_back(token);
        proposal.q.push_back(std::move(q.probs));
        draft_context.push_back(token);
        feed = {token};
    }
    return proposal;
}

}  // namespace dlab
