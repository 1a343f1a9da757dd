// Trace events: value types the engine emits and the UI, the CLI and files consume.
// Nothing here points into engine state. docs/trace-format.md describes their JSON form;
// kTraceFormatVersion changes whenever that form does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "trace/kv_events.h"
#include "trace/speculative_events.h"
#include "trace/tile_events.h"

namespace dlab {

constexpr int kTraceFormatVersion = 3;

// The run: what was decoded with what. Parameters are strings as given (kebab-case keys).
struct RunEvent {
    int format_version = kTraceFormatVersion;
    std::string model;          // path, "embedded:NAME" or the table file
    std::string model_kind;     // "llama" | "table"
    std::map<std::string, std::string> model_facts;  // dim, layers, heads, vocab_size …
    std::string backend;        // "cpu" | "cuda" | "table"
    // The device the passes ran on, when the backend can say (CUDA: name, sm_count,
    // shared_memory_per_block, shared_memory_per_sm, l2_bytes, memory_clock_khz,
    // memory_bus_width_bits, bandwidth_bytes_per_s); empty on the CPU.
    std::map<std::string, std::string> device_facts;
    std::string prompt;
    std::vector<int> prompt_tokens;
    std::vector<std::string> prompt_pieces;  // text of each prompt token
    std::string strategy;       // "greedy" | "beam" | "contrastive" | "sample"
    std::map<std::string, std::string> parameters;
    std::vector<std::string> chain;  // sampler stages in order (sampling only)
    uint64_t seed = 0;
};

// Prefill and decode boundaries. duration_ms is absent unless timings are recorded
// (timings are the one thing that differs between two runs with the same seed).
struct PhaseEvent {
    std::string phase;  // "prefill" | "decode"
    std::string edge;   // "begin" | "end"
    int tokens = 0;     // prefill: prompt tokens; decode end: tokens generated
    std::optional<double> duration_ms;
    std::string stop_reason;  // decode end: "eos" | "max_new_tokens" | "done" | "kv_exhausted"
    std::string detail;       // decode end: a sentence on why, when the run stopped early
};

// A live or just-finished sequence (a beam is a sequence).
struct SequenceRecord {
    int id = 0;
    int parent = -1;            // the sequence it continues this step (its own id in place)
    std::vector<int> tokens;    // generated tokens (prompt excluded)
    std::string text;           // their text
    double logprob = 0.0;       // cumulative log-probability of `tokens`
    double score = 0.0;         // the strategy's normalized score (beam: length-penalized)
    bool finished = false;
};

// One candidate next token of one sequence.
struct CandidateRecord {
    int seq = 0;
    int token = 0;
    std::string text;
    float logit = 0.0f;           // raw model logit
    std::vector<float> probs;     // [stages + 1]: softmax of the raw logits, then after each stage
    double score = 0.0;           // the strategy's ranking score for this candidate
    bool kept = false;            // survived every stage / was selected as a beam
    std::string reason;           // why it was pruned: a stage name, "beam_rank", "not_chosen" …
    bool chosen = false;          // became (part of) the next step's sequences
    std::optional<float> confidence;            // contrastive: p(v)
    std::optional<float> degeneration_penalty;  // contrastive: max_j cos(h_v, h_j)
};

// What the strategy did to a sequence this step.
struct ActionRecord {
    std::string kind;  // "extend" | "fork" | "finish" | "drop"
    int seq = 0;       // the sequence acted on
    int new_seq = -1;  // fork: the new sequence
    int token = -1;    // extend / fork / finish: the token appended
};

struct StepEvent {
    std::vector<std::string> stages;        // names behind CandidateRecord::probs[1..]
    std::vector<SequenceRecord> sequences;  // after the step: live ones and those finished now
    std::vector<CandidateRecord> candidates;
    std::vector<ActionRecord> actions;
};

struct Event {
    uint64_t seq = 0;  // monotonic within a trace
    int step = 0;      // decode step (0 during the run header and prefill)
    std::variant<RunEvent, PhaseEvent, StepEvent, KvEvent, KvStatsEvent, TileEvent, SpecRoundEvent, SpecSummaryEvent>
        body;
};

// The type tag used in JSON ("run", "phase", "step", "kv", "kv_stats", "tile", "spec_round",
// "spec_summary").
const char* event_type(const Event& event);

}  // namespace dlab
