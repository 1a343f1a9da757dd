#include "decoding/beam_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "common/error.h"

namespace dlab {

namespace {

// What became of a listed candidate.
enum class Fate { Pruned, Beam, Finished, BelowWorst };

// One live beam's next tokens, best first.
struct BeamCandidates {
    std::vector<double> logprobs;  // [vocab] log-softmax of the beam's logits
    std::vector<int> order;        // [n_listed] token ids by log-prob, best first (ties: lower id)
    std::vector<Fate> fates;       // [n_listed]
    int n_ranked = 0;              // how many of `order` reached the overall ranking
};

// A (beam, token) pair in the overall ranking.
struct Ranked {
    double score = 0.0;  // the beam's log-prob + log p(token)
    int beam = 0;        // index into the live beams
    int slot = 0;        // index into that beam's order
};

std::vector<double> log_softmax(const Vector& logits) {
    double max = -std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < logits.size(); ++i) max = std::max(max, double(logits[i]));
    double sum = 0.0;
    for (Eigen::Index i = 0; i < logits.size(); ++i) sum += std::exp(double(logits[i]) - max);
    const double log_z = max + std::log(sum);
    std::vector<double> out(logits.size());
    for (Eigen::Index i = 0; i < logits.size(); ++i) out[i] = double(logits[i]) - log_z;
    return out;
}

}  // namespace

BeamSearchStrategy::BeamSearchStrategy(const GenerationConfig& config) : m_config(config) {
    if (config.num_beams < 1)
        throw InvalidArgument("--num-beams: must be at least 1, got " + std::to_string(config.num_beams));
    if (config.num_return_sequences < 1 || config.num_return_sequences > config.num_beams)
        throw InvalidArgument(
            "--num-return-sequences: must be in [1, num-beams = " + std::to_string(config.num_beams) +
            "], got " + std::to_string(config.num_return_sequences));
}

double BeamSearchStrategy::penalized_score(double sum_logprobs, int length, double length_penalty) {
    return sum_logprobs / std::pow(double(length), length_penalty);
}

bool BeamSearchStrategy::Hypotheses::accepts(double score, int capacity) const {
    return int(records.size()) < capacity || score > worst_score;
}

void BeamSearchStrategy::Hypotheses::add(SequenceRecord record, int capacity) {
    if (!accepts(record.score, capacity)) return;
    const double score = record.score;
    records.push_back(std::move(record));
    if (int(records.size()) <= capacity) {
        worst_score = std::min(worst_score, score);
        return;
    }
    // over capacity: drop the worst (the earliest added among equals); the next worst remains
    auto worst = records.begin();
    for (auto it = records.begin(); it != records.end(); ++it)
        if (it->score < worst->score) worst = it;
    records.erase(worst);
    worst_score = records.front().score;
    for (const SequenceRecord& r : records) worst_score = std::min(worst_score, r.score);
}

bool BeamSearchStrategy::is_done(double best_sum_logprobs, int generated_length, int max_new_tokens) const {
    if (int(m_hypotheses.records.size()) < m_config.num_beams) return false;
    const double lp = m_config.length_penalty;
    switch (m_config.early_stopping) {
        case EarlyStopping::True:
            return true;
        case EarlyStopping::False:
            // a heuristic: the best candidate scored at the current length
            return m_hypotheses.worst_score >= penalized_score(best_sum_logprobs, generated_length, lp);
        case EarlyStopping::Never: {
            // the best attainable score: at max length when longer is better (lp > 0)
            const int length = lp > 0.0 ? max_new_tokens : generated_length;
            return m_hypotheses.worst_score >= penalized_score(best_sum_logprobs, length, lp);
        }
    }
    return false;
}

StepDecision BeamSearchStrategy::step(StepInput& input, const std::vector<ProbeResult>& probe_results) {
    (void)probe_results;
    StepDecision decision;
    decision.done = m_done;
    const std::vector<SequenceState>& live = *input.live;
    if (m_done || live.empty()) return decision;
    const int n_beams = m_config.num_beams;
    const int n_ranked_max = 2 * n_beams;
    const int eos = m_config.stop_at_eos ? input.eos_id : -1;
    const int n_vocab = int(live.front().logits.size());
    const int n_listed = std::min(n_vocab, std::max(n_ranked_max, m_config.trace_top_n));

    // log-probabilities and each beam's best tokens
    std::vector<BeamCandidates> beams(live.size());
    for (size_t b = 0; b < live.size(); ++b) {
        BeamCandidates& c = beams[b];
        c.logprobs = log_softmax(live[b].logits);
        std::vector<int> tokens(n_vocab);
        std::iota(tokens.begin(), tokens.end(), 0);
        std::partial_sort(tokens.begin(), tokens.begin() + n_listed, tokens.end(), [&](int x, int y) {
            return c.logprobs[x] > c.logprobs[y] || (c.logprobs[x] == c.logprobs[y] && x < y);
        });
        c.order.assign(tokens.begin(), tokens.begin() + n_listed);
        c.fates.assign(n_listed, Fate::Pruned);
    }

    // the overall ranking: the best 2·num_beams (beam, token) pairs; ties go to the
    // lower flattened index (beam, then token), a fixed order where torch's topk has none
    std::vector<Ranked> ranking;
    for (size_t b = 0; b < live.size(); ++b)
        for (int slot = 0; slot < std::min(n_listed, n_ranked_max); ++slot)
            ranking.push_back({live[b].logprob + beams[b].logprobs[beams[b].order[slot]], int(b), slot});
    std::sort(ranking.begin(), ranking.end(), [](const Ranked& x, const Ranked& y) {
        if (x.score != y.score) return x.score > y.score;
        return x.beam != y.beam ? x.beam < y.beam : x.slot < y.slot;
    });
    if (int(ranking.size()) > n_ranked_max) ranking.resize(n_ranked_max);
    for (const Ranked& r : ranking) beams[r.beam].n_ranked = std::max(beams[r.beam].n_ranked, r.slot + 1);
    auto token_of = [&](const Ranked& r) { return beams[r.beam].order[r.slot]; };

    // the rank walk: EOS among the first num_beams ends a hypothesis, any other token
    // continues a beam, until num_beams beams are collected
    std::vector<const Ranked*> continuations, endings;
    for (size_t rank = 0; rank < ranking.size() && int(continuations.size()) < n_beams; ++rank) {
        if (token_of(ranking[rank]) != eos)
            continuations.push_back(&ranking[rank]);
        else if (int(rank) < n_beams)
            endings.push_back(&ranking[rank]);
    }

    // continuations: a beam's first extends it in place, the others fork it
    std::vector<bool> continued(live.size(), false);
    for (const Ranked* r : continuations) {
        const SequenceState& source = live[r->beam];
        Extension e;
        e.seq = source.id;
        e.new_seq = continued[r->beam] ? input.new_sequence_id() : source.id;
        e.token = token_of(*r);
        e.logprob = r->score;
        e.score = penalized_score(r->score, int(source.tokens.size()) + 1, m_config.length_penalty);
        continued[r->beam] = true;
        beams[r->beam].fates[r->slot] = Fate::Beam;
        decision.extensions.push_back(e);
    }

    // endings join the bounded hypothesis set, in rank order; one whose source lives on
    // gets an id of its own
    for (const Ranked* r : endings) {
        const SequenceState& source = live[r->beam];
        const int length = int(source.tokens.size()) + 1;  // the EOS counts
        const double score = penalized_score(r->score, length, m_config.length_penalty);
        if (!m_hypotheses.accepts(score, n_beams)) {
            beams[r->beam].fates[r->slot] = Fate::BelowWorst;
            continue;
        }
        Extension f;
        f.seq = source.id;
        f.new_seq = continued[r->beam] ? input.new_sequence_id() : source.id;
        f.token = eos;
        f.logprob = r->score;
        f.score = score;
        SequenceRecord record{f.new_seq, source.id, source.tokens, {}, f.logprob, f.score, true};
        record.tokens.push_back(eos);
        m_hypotheses.add(std::move(record), n_beams);
        beams[r->beam].fates[r->slot] = Fate::Finished;
        decision.finished.push_back(f);
    }

    // the done test, with the best ranked score at the length after this step
    if (!ranking.empty()) {
        const int length = int(live[ranking.front().beam].tokens.size()) + 1;
        m_done = is_done(ranking.front().score, length, input.max_new_tokens);
    }
    decision.done = m_done;

    // the trace: per beam its ranked candidates and at least its top trace_top_n
    for (size_t b = 0; b < live.size(); ++b) {
        const BeamCandidates& c = beams[b];
        const int n_records = std::max(std::min(m_config.trace_top_n, n_listed), c.n_ranked);
        for (int slot = 0; slot < n_records; ++slot) {
            const int token = c.order[slot];
            const Fate fate = c.fates[slot];
            CandidateRecord record;
            record.seq = live[b].id;
            record.token = token;
            record.logit = live[b].logits[token];
            record.probs = {float(std::exp(c.logprobs[token]))};
            record.score = live[b].logprob + c.logprobs[token];
            record.kept = fate == Fate::Beam || fate == Fate::Finished;
            record.chosen = record.kept;
            if (fate == Fate::BelowWorst)
                record.reason = "below_worst_hypothesis";
            else if (!record.kept)
                record.reason = token == eos ? "eos_rank" : "beam_rank";
            decision.candidates.push_back(std::move(record));
        }
    }
    return decision;
}

std::vector<SequenceRecord> BeamSearchStrategy::results(const std::vector<SequenceState>& live) {
    // unless stopped early, every live beam becomes a hypothesis scored at its own length
    Hypotheses all = m_hypotheses;
    if (!m_done)
        for (const SequenceState& s : live) {
            const double score = penalized_score(s.logprob, int(s.tokens.size()), m_config.length_penalty);
            all.add(SequenceRecord{s.id, s.parent, s.tokens, {}, s.logprob, score, false},
                    m_config.num_beams);
        }

    // best first; among equal scores the later added first (transformers pops a stable sort)
    std::vector<SequenceRecord> sorted = std::move(all.records);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const SequenceRecord& x, const SequenceRecord& y) { return x.score < y.score; });
    std::reverse(sorted.begin(), sorted.end());
    if (int(sorted.size()) > m_config.num_return_sequences) sorted.resize(m_config.num_return_sequences);
    return sorted;
}

}  // namespace dlab
