// A decoding strategy turns the live sequences' next-token logits into actions: which
// sequences live on with which token (in place, or forked into a new sequence), which
// finish. Strategies never touch the backend or the cache; the Session applies what they
// decide and records it. Strategies that must look one token ahead (contrastive search)
// first ask for probes: the Session forks, runs and returns them within the same step.
#pragma once

#include <memory>
#include <vector>

#include "decoding/generation_config.h"
#include "decoding/rng.h"
#include "model/weights.h"
#include "trace/events.h"

namespace dlab {

// A live sequence at the start of a step.
struct SequenceState {
    int id = 0;
    int parent = -1;
    std::vector<int> tokens;     // generated so far (prompt excluded)
    double logprob = 0.0;        // cumulative log-probability of `tokens`
    double score = 0.0;          // the strategy's score
    Vector logits;               // [vocab] next-token logits
    Vector hidden;               // [dim] last position's final hidden state (needs_hidden), else empty
    RowMatrix context_hidden;    // [prompt + generated][dim] every position's (needs_hidden), else empty
};

struct StepInput {
    int step = 0;                            // 1-based decode step
    const std::vector<int>* prompt = nullptr;  // prompt tokens
    std::vector<SequenceState>* live = nullptr;
    int eos_id = -1;
    int max_new_tokens = 0;
    Rng* rng = nullptr;
    int* next_sequence_id = nullptr;         // take ids for forks and probes from here: (*next_sequence_id)++

    int new_sequence_id() const { return (*next_sequence_id)++; }
};

// A one-token look-ahead: fork `seq`, append `token`, run it.
struct Probe {
    int seq = 0;
    int token = 0;
};

struct ProbeResult {
    Probe probe;
    int probe_seq = 0;   // the sequence that holds the probe
    Vector logits;       // [vocab] logits after the probe token
    Vector hidden;       // [dim] hidden state of the probe token
};

// A sequence that lives on (or finishes) with `token`.
struct Extension {
    int seq = 0;         // the source sequence
    int new_seq = 0;     // == seq: extended in place; else a fork of seq
    int token = 0;
    double logprob = 0.0;  // cumulative, including token
    double score = 0.0;
    int probe = -1;      // ≥ 0: adopt probe_results[probe] (already run) as this extension
};

struct StepDecision {
    std::vector<Extension> extensions;  // live after the step
    // End with this token (EOS) and are never run again. new_seq == seq ends the sequence
    // itself; a fresh id records a hypothesis branching off a sequence that lives on.
    std::vector<Extension> finished;
    std::vector<std::string> stages;    // names behind CandidateRecord::probs[1..]
    std::vector<CandidateRecord> candidates;  // text is filled in by the Session
    bool done = false;                  // the strategy stops (beam early stopping)
};

class Strategy {
public:
    virtual ~Strategy() = default;

    // Whether the session must keep final hidden states (contrastive search).
    virtual bool needs_hidden() const { return false; }
    // Look-ahead probes for this step; none by default.
    virtual std::vector<Probe> probes(StepInput& input) {
        (void)input;
        return {};
    }
    // Decides the step; `probe_results` answers probes() in order.
    virtual StepDecision step(StepInput& input, const std::vector<ProbeResult>& probe_results) = 0;
    // After the last step: the sequences to return, best first — except parallel sampling,
    // which returns its samples in sequence order as Hugging Face does (at most
    // num_return_sequences); `live` holds the sequences still running.
    virtual std::vector<SequenceRecord> results(const std::vector<SequenceState>& live) = 0;
};

// The strategy for config.strategy (config already validated).
std::unique_ptr<Strategy> make_strategy(const GenerationConfig& config);

}  // namespace dlab
