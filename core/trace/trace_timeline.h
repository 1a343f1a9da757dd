// A trace folded into what each step shows: the step's record, the KV cache's block tables
// and pool after it, the attention tiles it ran, its speculative round. Built once from a
// file or grown event by event during a live run; the views and `decodelab-cli render` read
// snapshots from it and never see engine state. Also the debugging questions asked of a
// trace: where two traces first diverge, and whether a pause-on condition holds at a step.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trace/events.h"

namespace dlab {

// The KV cache after a step (or after the prefill, at step 0).
struct KvSnapshot {
    std::map<int, std::vector<int>> tables;  // live sequence → its blocks, logical order
    std::map<int, int> ref_counts;           // block → owners among the live tables
    std::optional<KvStatsEvent> stats;       // the last pool statistics at or before the step
    std::vector<KvEvent> operations;         // what happened to the cache during this step
};

class TraceTimeline {
public:
    TraceTimeline() = default;
    // Throws FormatError when the first event is not a run event.
    explicit TraceTimeline(const std::vector<Event>& events);

    // Adds the next event of a live run (same rule for the first one).
    void append(const Event& event);

    bool empty() const { return m_events.empty(); }
    const std::vector<Event>& events() const { return m_events; }
    const RunEvent* run() const;
    // Steps are 0 (run header and prefill) … last_step() (the final decode step).
    int last_step() const { return m_last_step; }
    // The step record of a decode step, nullptr for step 0 or a step not (yet) seen.
    const StepEvent* step_event(int step) const;
    // Every event stamped with `step`, in order.
    std::vector<const Event*> events_at(int step) const;
    // The decode end phase event once the run has finished (stop reason and detail).
    const PhaseEvent* finish() const;

    KvSnapshot kv_at(int step) const;
    // The attention tile events recorded during `step` (prefill passes), in order.
    std::vector<const TileEvent*> tiles_at(int step) const;

    // Speculative sampling: whether the trace has its events, the round a decode step ran
    // (nullptr when the step has none) and the run's summary (nullptr until it is written).
    bool speculative() const { return m_speculative; }
    const SpecRoundEvent* spec_round_at(int step) const;
    const SpecSummaryEvent* spec_summary() const;

private:
    std::vector<Event> m_events;
    std::vector<std::vector<size_t>> m_by_step;  // [step] → indices into m_events
    int m_last_step = 0;
    bool m_speculative = false;  // a spec_round or spec_summary event was appended
};

// Where two runs part ways: the first decode step whose chosen sequences differ, with what
// each side had there. Runs that agree on every common step but differ in length diverge
// at the first step one of them lacks.
struct Divergence {
    int step = 0;
    std::string reason;                        // one sentence naming the difference
    std::vector<SequenceRecord> left, right;   // the step's sequences on each side
    std::vector<CandidateRecord> left_candidates, right_candidates;
};
std::optional<Divergence> first_divergence(const TraceTimeline& left, const TraceTimeline& right);

// Pause-on conditions for live runs and replays.
struct PauseCondition {
    enum class Kind {
        AtStep,             // `step` reached
        TokenEnters,        // `token` kept among a step's candidates, not kept the step before
        TokenLeaves,        // `token` kept the step before, not now
        BeamPruned,         // a sequence dropped
        BeamFinished,       // a sequence finished
        FreeBlocksBelow,    // the KV pool's free blocks fall below `threshold`
        ChosenProbBelow,    // a chosen token's final probability below `threshold`
    };
    Kind kind = Kind::AtStep;
    int step = 0;
    int token = -1;
    double threshold = 0.0;
};
// Whether the condition holds at `step` (a sentence saying why, empty when it does not).
std::string pause_reason(const PauseCondition& condition, const TraceTimeline& timeline, int step);

}  // namespace dlab
