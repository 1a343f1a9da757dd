#include "engine/speculative_loop.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/error.h"
#include "decoding/sampler_stages.h"
#include "decoding/speculative_rule.h"

namespace dlab {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kRecordedCandidates = 8;  // per verified position and for the residual

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// [≤ kRecordedCandidates] the tokens with the highest max(p, q), highest first, ties by id.
std::vector<SpecCandidate> top_candidates(const std::vector<float>& p, const std::vector<float>* q,
                                          const std::vector<float>* residual) {
    const auto weight = [&](int t) {
        float w = p[t];
        if (q) w = std::max(w, (*q)[t]);
        if (residual) w = std::max(w, (*residual)[t]);
        return w;
    };
    std::vector<int> order(p.size());
    for (size_t t = 0; t < p.size(); ++t) order[t] = static_cast<int>(t);
    const size_t n = std::min<size_t>(kRecordedCandidates, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<long>(n), order.end(), [&](int a, int b) {
        return weight(a) != weight(b) ? weight(a) > weight(b) : a < b;
    });
    std::vector<SpecCandidate> out;
    for (size_t i = 0; i < n; ++i) {
        const int t = order[i];
        if (weight(t) <= 0.0f) break;
        out.push_back({t, {}, p[t], q ? (*q)[t] : 0.0f, residual ? (*residual)[t] : 0.0f});
    }
    return out;
}

}  // namespace

SpeculativeLoop::SpeculativeLoop(Backend& target, Drafter& drafter, const TextCodec& codec,
                                 const GenerationConfig& config)
    : m_target(target),
      m_drafter(drafter),
      m_codec(codec),
      m_config(config),
      m_chain(config),
      m_greedy(config.strategy == StrategyKind::Greedy),
      m_gamma(config.num_draft_tokens) {
    check(target, drafter, config);
}

void SpeculativeLoop::check(const Backend& target, const Drafter& drafter, const GenerationConfig& config) {
    if (config.strategy != StrategyKind::Greedy && config.strategy != StrategyKind::Sample)
        throw InvalidArgument(std::string("speculative sampling: works with --strategy greedy or sample, not ") +
                              strategy_name(config.strategy));
    if (config.num_return_sequences != 1)
        throw InvalidArgument("speculative sampling: decodes one sequence; --num-return-sequences must be 1");
    if (drafter.vocab_size() != target.config().vocab_size)
        throw InvalidArgument("speculative sampling: the drafter's vocabulary has " +
                              std::to_string(drafter.vocab_size()) + " tokens but the target's has " +
                              std::to_string(target.config().vocab_size) + " (they must share a tokenizer)");
}

void SpeculativeLoop::start(int seq_id, const Vector& next_logits) {
    m_seq = seq_id;
    m_gamma = m_config.num_draft_tokens;
    m_pending.clear();
    m_next_logits = next_logits;
    m_drafter.reset();
    m_rounds = m_target_passes = m_draft_passes = m_drafted = m_accepted = m_rejected = m_generated = 0;
    m_proposed.clear();
    m_asked.clear();
    m_draft_ms = m_target_ms = 0.0;
}

RoundResult SpeculativeLoop::round(const std::vector<int>& prompt, const std::vector<int>& generated, int remaining,
                                   int eos_id, Rng& rng) {
    RoundResult result;
    std::vector<int> context = prompt;
    context.insert(context.end(), generated.begin(), generated.end());
    const SamplerChain* chain = m_greedy ? nullptr : &m_chain;
    const int vocab = m_target.config().vocab_size;

    // 1. draft: γ tokens at most, fewer near the end so the target never runs past the budget
    const int gamma = std::max(0, std::min(m_gamma, remaining - 1));
    auto clock = Clock::now();
    DraftProposal draft = gamma > 0 ? m_drafter.propose(context, gamma, chain, rng) : DraftProposal{};
    result.event.draft_ms = ms_since(clock);
    const int n = static_cast<int>(draft.tokens.size());

    // 2. verify: one target pass over the pending token and the drafts gives p_1 … p_{n+1}
    std::vector<int> feed = m_pending;
    feed.insert(feed.end(), draft.tokens.begin(), draft.tokens.end());
    const int length_before = m_target.sequence_length(m_seq);
    RowMatrix rows;  // [feed][vocab]
    clock = Clock::now();
    if (!feed.empty()) {
        result.kv_shortage = m_target.check_forward({{m_seq, feed}});
        if (!result.kv_shortage.empty()) {
            m_drafter.commit(context);
            return result;
        }
        ForwardOptions options;
        options.all_logits = true;
        rows = std::move(m_target.forward({{m_seq, feed}}, options).front().logits);
        result.target_passes = 1;
        result.target_tokens = static_cast<int>(feed.size());
    }
    result.event.verify_ms = ms_since(clock);
    std::vector<PositionDistribution> p;  // [n + 1]
    std::vector<int> choice;              // [n + 1] the target's argmax at each position
    std::vector<const float*> logit_rows;  // [n + 1][vocab] the target's raw logits
    std::vector<int> position_context = context;
    for (int i = 0; i <= n; ++i) {
        const int row = static_cast<int>(m_pending.size()) - 1 + i;  // row −1: the logits kept from before
        const float* logits = row < 0 ? m_next_logits.data() : rows.row(row).data();
        logit_rows.push_back(logits);
        p.push_back(position_distribution(logits, vocab, chain, position_context));
        choice.push_back(p.back().argmax);
        if (i < n) position_context.push_back(draft.tokens[i]);
    }
    std::vector<std::vector<float>> p_rows;
    for (const PositionDistribution& d : p) p_rows.push_back(d.probs);

    // 3. the rule: a prefix of the drafts stands, then one token from p or the residual
    const RoundVerdict verdict = verify_drafts(draft.tokens, draft.q, p_rows, rng, m_greedy ? &choice : nullptr);
    const int accepted = verdict.accepted;

    // 4. the tokens the round adds, cut at EOS and at the budget
    std::vector<int> added(draft.tokens.begin(), draft.tokens.begin() + accepted);
    added.push_back(verdict.token);
    for (size_t i = 0; i < added.size() && static_cast<int>(result.tokens.size()) < remaining; ++i) {
        result.tokens.push_back(added[i]);
        result.logprob += std::log(static_cast<double>(std::max(p_rows[i][added[i]], 1e-30f)));
        if (added[i] == eos_id) {
            result.eos = true;
            break;
        }
    }

    // 5. both caches keep what stands: the pending token and the accepted drafts
    const int keep = length_before + static_cast<int>(m_pending.size()) + accepted;
    const int length_after_pass = m_target.sequence_length(m_seq);
    if (keep < length_after_pass) m_target.truncate_sequence(m_seq, keep);
    std::vector<int> context_after = context;
    context_after.insert(context_after.end(), added.begin(), added.end());
    const int draft_dropped = m_drafter.commit(context_after);
    m_pending = {verdict.token};

    // 6. the schedule: Hugging Face's heuristic grows γ after a fully accepted round
    m_asked.push_back(gamma);
    m_proposed.push_back(n);
    if (m_config.draft_schedule == DraftSchedule::Heuristic)
        m_gamma = (n > 0 && accepted == n) ? std::min(m_gamma + 2, kMaxDraftTokens) : std::max(1, m_gamma - 1);

    // 7. the run's tallies
    ++m_rounds;
    m_target_passes += result.target_passes;
    m_draft_passes += draft.forward_passes;
    m_drafted += n;
    m_accepted += accepted;
    m_rejected += accepted < n ? 1 : 0;
    m_generated += static_cast<int>(result.tokens.size());
    m_draft_ms += *result.event.draft_ms;
    m_target_ms += *result.event.verify_ms;

    // 8. the record
    SpecRoundEvent& e = result.event;
    e.round = m_rounds;
    e.seq = m_seq;
    e.drafter = m_drafter.kind();
    e.gamma = gamma;
    e.context_before = static_cast<int>(context.size());
    int prev = context.back();
    for (int i = 0; i < n; ++i) {
        const DraftVerdict& v = verdict.drafts[i];
        const char* outcome = !v.verified ? "unverified" : v.accepted ? "accepted" : "rejected";
        e.drafts.push_back({draft.tokens[i], m_codec.piece(prev, draft.tokens[i]), v.q, v.p, v.r, outcome});
        prev = draft.tokens[i];
    }
    e.accepted = accepted;
    e.token = verdict.token;
    const int before_token = accepted > 0 ? draft.tokens[accepted - 1] : context.back();
    e.token_text = m_codec.piece(before_token, verdict.token);
    e.token_kind = verdict.bonus ? "bonus" : "resampled";
    int position_prev = context.back();
    for (int i = 0; i <= accepted; ++i) {
        const std::vector<float>* q = i < n ? &draft.q[i] : nullptr;
        const std::vector<float>* residual = (i == accepted && !verdict.residual.empty()) ? &verdict.residual : nullptr;
        std::vector<SpecCandidate> candidates = top_candidates(p_rows[i], q, residual);
        for (SpecCandidate& c : candidates) c.text = m_codec.piece(position_prev, c.token);
        e.positions.push_back(std::move(candidates));
        if (i < n) position_prev = draft.tokens[i];
    }
    if (!verdict.residual.empty()) {
        std::vector<SpecCandidate> residual = top_candidates(verdict.residual, nullptr, nullptr);
        for (SpecCandidate& c : residual) {
            c.residual = c.p;
            c.p = p_rows[accepted][c.token];
            c.q = draft.q[accepted][c.token];
            c.text = m_codec.piece(before_token, c.token);
        }
        e.residual = std::move(residual);
    }
    e.emitted = static_cast<int>(result.tokens.size());
    e.target_tokens = result.target_tokens;
    e.target_length = m_target.sequence_length(m_seq);
    e.target_dropped = length_after_pass - e.target_length;
    e.draft_length = m_drafter.cache_length();
    e.draft_dropped = draft_dropped;
    e.draft_passes = draft.forward_passes;

    // the target's candidates for the round's last token, as a strategy records them
    const PositionDistribution& last = p[accepted];
    if (last.chain) result.stages = last.chain->stages;
    // the same ranking as the strategies' records, over the probabilities the token was drawn from
    std::vector<int> recorded = top_tokens_by_logit(last.probs.data(), vocab, m_config.trace_top_n);
    if (std::find(recorded.begin(), recorded.end(), verdict.token) == recorded.end()) recorded.push_back(verdict.token);
    for (int t : recorded) {
        CandidateRecord c;
        c.seq = m_seq;
        c.token = t;
        c.logit = logit_rows[accepted][t];
        c.probs = last.chain ? last.chain->probs_of(t) : std::vector<float>{last.probs[t]};
        c.score = log_prob_score(last.probs[t]);
        c.kept = last.chain ? last.chain->candidates[t].pruned_at < 0 : true;
        if (!c.kept) c.reason = last.chain->stages[last.chain->candidates[t].pruned_at];
        c.chosen = t == verdict.token;
        result.candidates.push_back(std::move(c));
    }
    m_next_logits = Vector();  // the pending token's pass will give the next position's logits
    return result;
}

SpecSummaryEvent SpeculativeLoop::summary() const {
    SpecSummaryEvent s;
    s.drafter = m_drafter.kind();
    s.schedule = draft_schedule_name(m_config.draft_schedule);
    s.rounds = m_rounds;
    s.target_passes = m_target_passes;
    s.draft_passes = m_draft_passes;
    s.drafted = m_drafted;
    s.accepted = m_accepted;
    s.rejected = m_rejected;
    s.generated = m_generated;
    const int verified = m_accepted + m_rejected;
    s.alpha = verified > 0 ? static_cast<double>(m_accepted) / verified : 0.0;
    double asked = 0.0, expected = 0.0;
    for (size_t r = 0; r < m_proposed.size(); ++r) {
        asked += m_asked[r];
        const int g = m_proposed[r];
        expected += s.alpha < 1.0 ? (1.0 - std::pow(s.alpha, g + 1)) / (1.0 - s.alpha) : g + 1.0;
    }
    if (m_rounds > 0) {
        s.mean_gamma = asked / m_rounds;
        s.tokens_per_target_pass = static_cast<double>(m_generated) / m_rounds;
        s.expected_tokens_per_target_pass = expected / m_rounds;
    }
    s.target_passes_saved = std::max(0, m_generated - 1) - m_target_passes;
    s.draft_ms = m_draft_ms;
    s.target_ms = m_target_ms;
    return s;
}

}  // namespace dlab
