// The generation loop. start() encodes the prompt and prefills it in one pass; each step()
// asks the strategy what to do with the live sequences (beams are sequences), applies its
// decision to the backend's sequences (forks, frees), runs one decode pass for every
// sequence that lives on, and records the step in the trace. step() advances exactly one
// decode step so a front end can single-step; run() loops. With a drafter (SessionOptions)
// a step is one round of speculative sampling and may add several tokens.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decoding/generation_config.h"
#include "decoding/rng.h"
#include "decoding/strategy.h"
#include "engine/backend.h"
#include "engine/drafter.h"
#include "engine/speculative_loop.h"
#include "tokenizer/text_codec.h"
#include "trace/trace_sink.h"

namespace dlab {

struct SessionOptions {
    std::string model_name;    // for the run event: path, "embedded:NAME" or table file
    std::string model_kind = "llama";
    bool record_timings = true;  // phase durations (the only nondeterministic trace fields)
    // More settings for the run event's parameters (the KV cache's and the attention's,
    // options/engine_parameters.h); the decoding parameters come from the config.
    std::map<std::string, std::string> run_parameters;
    // Speculative sampling when set: each step is a round in which this drafter proposes
    // and the backend verifies (greedy or sample, one sequence). Must outlive the session.
    Drafter* drafter = nullptr;
};

struct GenerationResult {
    std::vector<int> prompt_tokens;           // including BOS when the vocabulary adds it
    std::vector<SequenceRecord> sequences;    // returned sequences, best first (samples: in order)
    std::string stop_reason;                  // "eos" | "max_new_tokens" | "done" | "kv_exhausted"
    std::string stop_detail;                  // kv_exhausted: what the cache was short of
    double prefill_seconds = 0.0;
    double decode_seconds = 0.0;
    int decode_passes = 0;                    // forward passes after the prefill
    int decode_tokens = 0;                    // token positions computed by those passes (speculative: tokens added)
    std::optional<SpecSummaryEvent> speculative;  // speculative sampling's tallies (α, tokens per pass)

    double prefill_tokens_per_s() const;
    double decode_tokens_per_s() const;
    // The best sequence's generated tokens and text.
    const std::vector<int>& tokens() const;
    const std::string& text() const;
};

class Session final : private KvObserver, private TileObserver {
public:
    // `backend`, `codec` and `sink` must outlive the session. Throws InvalidArgument for
    // an invalid config or a codec that does not match the backend's vocabulary.
    Session(Backend& backend, const TextCodec& codec, GenerationConfig config, TraceSink* sink = nullptr,
            SessionOptions options = {});
    ~Session() override;

    // Encodes and prefills the prompt. Throws InvalidArgument when prompt plus
    // max_new_tokens do not fit the model's context.
    void start(const std::string& prompt);
    // One decode step; returns false once the generation has finished.
    bool step();
    bool finished() const { return !m_result.stop_reason.empty(); }
    int current_step() const { return m_step; }
    const GenerationResult& result() const { return m_result; }
    const std::vector<SequenceState>& live() const { return m_live; }

    // start() and step() until finished.
    GenerationResult run(const std::string& prompt);

private:
    void emit(int step, decltype(Event::body) body);
    void on_kv_event(const KvEvent& event) override;
    void on_tile(const TileEvent& event) override;
    void observe_backend(bool on);
    void emit_kv_stats();
    std::string text_of(const std::vector<int>& tokens) const;
    std::vector<ProbeResult> run_probes(const std::vector<Probe>& probes);
    void apply(const StepDecision& decision, std::vector<ProbeResult>& probe_results);
    bool speculative_step();
    void finish(const std::string& reason, const std::string& detail = {});
    void release_all();

    Backend& m_backend;
    const TextCodec& m_codec;
    GenerationConfig m_config;
    TraceSink* m_sink;
    SessionOptions m_options;
    std::unique_ptr<Strategy> m_strategy;
    std::unique_ptr<SpeculativeLoop> m_speculative;  // set while a drafter decodes
    Rng m_rng;
    uint64_t m_event_seq = 0;
    int m_step = 0;
    int m_next_sequence_id = 1;
    std::vector<int> m_prompt;
    std::vector<SequenceState> m_live;
    GenerationResult m_result;
    std::string m_kv_shortage;  // set when the cache cannot hold the next pass
};

}  // namespace dlab
