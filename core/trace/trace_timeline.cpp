#include "trace/trace_timeline.h"

#include <algorithm>
#include <set>

#include "common/error.h"

namespace dlab {

TraceTimeline::TraceTimeline(const std::vector<Event>& events) {
    for (const Event& event : events) append(event);
}

void TraceTimeline::append(const Event& event) {
    if (m_events.empty() && !std::holds_alternative<RunEvent>(event.body))
        throw FormatError("trace: the first event must be the run event, not a " + std::string(event_type(event)) +
                          " event");
    if (event.step < 0) throw FormatError("trace: event " + std::to_string(event.seq) + " has a negative step");
    // steps count up one by one; a jump would size the step index (and every view's step
    // range) by a number read from the file
    if (event.step > m_last_step + 1)
        throw FormatError("trace: event " + std::to_string(event.seq) + " jumps from step " +
                          std::to_string(m_last_step) + " to step " + std::to_string(event.step));
    if (static_cast<size_t>(event.step) >= m_by_step.size()) m_by_step.resize(event.step + 1);
    m_by_step[event.step].push_back(m_events.size());
    m_events.push_back(event);
    m_last_step = std::max(m_last_step, event.step);
    m_speculative = m_speculative || std::holds_alternative<SpecRoundEvent>(event.body) ||
                    std::holds_alternative<SpecSummaryEvent>(event.body);
}

const RunEvent* TraceTimeline::run() const {
    return m_events.empty() ? nullptr : std::get_if<RunEvent>(&m_events.front().body);
}

std::vector<const Event*> TraceTimeline::events_at(int step) const {
    std::vector<const Event*> found;
    if (step < 0 || static_cast<size_t>(step) >= m_by_step.size()) return found;
    for (size_t index : m_by_step[step]) found.push_back(&m_events[index]);
    return found;
}

const StepEvent* TraceTimeline::step_event(int step) const {
    for (const Event* event : events_at(step))
        if (const auto* record = std::get_if<StepEvent>(&event->body)) return record;
    return nullptr;
}

const PhaseEvent* TraceTimeline::finish() const {
    for (auto it = m_events.rbegin(); it != m_events.rend(); ++it)
        if (const auto* phase = std::get_if<PhaseEvent>(&it->body); phase && phase->phase == "decode" && phase->edge == "end")
            return phase;
    return nullptr;
}

KvSnapshot TraceTimeline::kv_at(int step) const {
    KvSnapshot snapshot;
    // replay every cache operation up to the step: each names the tables it changed
    for (int s = 0; s <= std::min(step, m_last_step); ++s)
        for (const Event* event : events_at(s)) {
            if (const auto* op = std::get_if<KvEvent>(&event->body)) {
                for (const auto& [seq, table] : op->tables) {
                    if (table.empty())
                        snapshot.tables.erase(seq);
                    else
                        snapshot.tables[seq] = table;
                }
                if (s == step) snapshot.operations.push_back(*op);
            } else if (const auto* stats = std::get_if<KvStatsEvent>(&event->body)) {
                snapshot.stats = *stats;
            }
        }
    for (const auto& [seq, table] : snapshot.tables)
        for (int block : table) ++snapshot.ref_counts[block];
    return snapshot;
}

std::vector<const TileEvent*> TraceTimeline::tiles_at(int step) const {
    std::vector<const TileEvent*> tiles;
    for (const Event* event : events_at(step))
        if (const auto* tile = std::get_if<TileEvent>(&event->body)) tiles.push_back(tile);
    return tiles;
}

const SpecRoundEvent* TraceTimeline::spec_round_at(int step) const {
    for (const Event* event : events_at(step))
        if (const auto* round = std::get_if<SpecRoundEvent>(&event->body)) return round;
    return nullptr;
}

const SpecSummaryEvent* TraceTimeline::spec_summary() const {
    // written once, just before the decode end: near the back
    for (auto it = m_events.rbegin(); it != m_events.rend(); ++it)
        if (const auto* summary = std::get_if<SpecSummaryEvent>(&it->body)) return summary;
    return nullptr;
}

namespace {

// What the strategy chose at a step: each live or finished sequence's tokens.
std::vector<std::vector<int>> chosen(const StepEvent& step) {
    std::vector<std::vector<int>> tokens;
    for (const SequenceRecord& s : step.sequences) tokens.push_back(s.tokens);
    std::sort(tokens.begin(), tokens.end());
    return tokens;
}

std::set<int> kept_tokens(const StepEvent* step) {
    std::set<int> tokens;
    if (!step) return tokens;
    for (const CandidateRecord& c : step->candidates)
        if (c.kept) tokens.insert(c.token);
    return tokens;
}

}  // namespace

std::optional<Divergence> first_divergence(const TraceTimeline& left, const TraceTimeline& right) {
    const int last = std::max(left.last_step(), right.last_step());
    for (int step = 1; step <= last; ++step) {
        const StepEvent* a = left.step_event(step);
        const StepEvent* b = right.step_event(step);
        if (!a && !b) continue;
        Divergence d;
        d.step = step;
        if (a) {
            d.left = a->sequences;
            d.left_candidates = a->candidates;
        }
        if (b) {
            d.right = b->sequences;
            d.right_candidates = b->candidates;
        }
        if (!a || !b) {
            d.reason = std::string(a ? "the right" : "the left") + " run has no step " + std::to_string(step);
            return d;
        }
        if (chosen(*a) != chosen(*b)) {
            d.reason = "the runs keep different sequences at step " + std::to_string(step);
            return d;
        }
    }
    return std::nullopt;
}

std::string pause_reason(const PauseCondition& condition, const TraceTimeline& timeline, int step) {
    const StepEvent* now = timeline.step_event(step);
    using Kind = PauseCondition::Kind;
    switch (condition.kind) {
        case Kind::AtStep:
            return step == condition.step ? "step " + std::to_string(step) + " reached" : "";
        case Kind::TokenEnters:
        case Kind::TokenLeaves: {
            if (!now) return {};
            const bool before = kept_tokens(timeline.step_event(step - 1)).count(condition.token) > 0;
            const bool after = kept_tokens(now).count(condition.token) > 0;
            if (condition.kind == Kind::TokenEnters && after && !before)
                return "token " + std::to_string(condition.token) + " entered the candidates";
            if (condition.kind == Kind::TokenLeaves && before && !after)
                return "token " + std::to_string(condition.token) + " left the candidates";
            return {};
        }
        case Kind::BeamPruned:
        case Kind::BeamFinished: {
            if (!now) return {};
            const char* wanted = condition.kind == Kind::BeamPruned ? "drop" : "finish";
            for (const ActionRecord& a : now->actions)
                if (a.kind == wanted)
                    return "sequence " + std::to_string(a.seq) +
                           (condition.kind == Kind::BeamPruned ? " was pruned" : " finished");
            return {};
        }
        case Kind::FreeBlocksBelow: {
            for (const Event* event : timeline.events_at(step))
                if (const auto* stats = std::get_if<KvStatsEvent>(&event->body);
                    stats && stats->kind == "paged" && stats->free_blocks < condition.threshold)
                    return "only " + std::to_string(stats->free_blocks) + " KV blocks free";
            return {};
        }
        case Kind::ChosenProbBelow: {
            if (!now) return {};
            for (const CandidateRecord& c : now->candidates)
                if (c.chosen && !c.probs.empty() && c.probs.back() < condition.threshold)
                    return "chosen token " + std::to_string(c.token) + " had probability " +
                           std::to_string(c.probs.back());
            return {};
        }
    }
    return {};
}

}  // namespace dlab
