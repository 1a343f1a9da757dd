#include "engine/session.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "common/error.h"

namespace dlab {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

// The parameters that matter for the chosen strategy, under their CLI names.
std::map<std::string, std::string> parameters_of(const GenerationConfig& c) {
    std::map<std::string, std::string> p = {{"max-new-tokens", std::to_string(c.max_new_tokens)},
                                            {"stop-at-eos", c.stop_at_eos ? "true" : "false"}};
    switch (c.strategy) {
        case StrategyKind::Greedy:
            break;
        case StrategyKind::Beam:
            p["num-beams"] = std::to_string(c.num_beams);
            p["length-penalty"] = number(c.length_penalty);
            p["early-stopping"] = early_stopping_name(c.early_stopping);
            p["num-return-sequences"] = std::to_string(c.num_return_sequences);
            break;
        case StrategyKind::Contrastive:
            p["penalty-alpha"] = number(c.penalty_alpha);
            p["top-k"] = std::to_string(c.top_k);
            break;
        case StrategyKind::Sample:
            p["temperature"] = number(c.temperature);
            p["top-k"] = std::to_string(c.top_k);
            p["top-p"] = number(c.top_p);
            p["min-p"] = number(c.min_p);
            p["typical-p"] = number(c.typical_p);
            p["repetition-penalty"] = number(c.repetition_penalty);
            p["no-repeat-ngram-size"] = std::to_string(c.no_repeat_ngram_size);
            p["num-return-sequences"] = std::to_string(c.num_return_sequences);
            p["chain-order"] = c.chain_order;
            break;
    }
    return p;
}

PhaseEvent phase_event(const char* phase, const char* edge, int tokens, std::optional<double> duration_ms = {}) {
    PhaseEvent event;
    event.phase = phase;
    event.edge = edge;
    event.tokens = tokens;
    event.duration_ms = duration_ms;
    return event;
}

// [rows + 1][dim]: `matrix` with `row` appended.
RowMatrix append_row(const RowMatrix& matrix, const Vector& row) {
    RowMatrix out(matrix.rows() + 1, row.size());
    if (matrix.rows() > 0) out.topRows(matrix.rows()) = matrix;
    out.bottomRows(1) = row.transpose();
    return out;
}

}  // namespace

double GenerationResult::prefill_tokens_per_s() const {
    return prefill_seconds > 0 ? prompt_tokens.size() / prefill_seconds : 0.0;
}

double GenerationResult::decode_tokens_per_s() const {
    return decode_seconds > 0 ? decode_tokens / decode_seconds : 0.0;
}

const std::vector<int>& GenerationResult::tokens() const {
    static const std::vector<int> kNone;
    return sequences.empty() ? kNone : sequences.front().tokens;
}

const std::string& GenerationResult::text() const {
    static const std::string kNone;
    return sequences.empty() ? kNone : sequences.front().text;
}

Session::Session(Backend& backend, const TextCodec& codec, GenerationConfig config, TraceSink* sink,
                 SessionOptions options)
    : m_backend(backend),
      m_codec(codec),
      m_config(std::move(config)),
      m_sink(sink),
      m_options(std::move(options)),
      m_rng(m_config.seed) {
    m_config.validate();
    if (m_codec.vocab_size() != m_backend.config().vocab_size)
        throw InvalidArgument("the vocabulary has " + std::to_string(m_codec.vocab_size()) +
                              " tokens but the model's has " + std::to_string(m_backend.config().vocab_size));
    if (m_options.drafter) SpeculativeLoop::check(m_backend, *m_options.drafter, m_config);
}

Session::~Session() {
    release_all();
    observe_backend(false);
}

void Session::emit(int step, decltype(Event::body) body) {
    if (m_sink) m_sink->emit(Event{m_event_seq++, step, std::move(body)});
}

void Session::on_kv_event(const KvEvent& event) { emit(m_step, event); }

void Session::on_tile(const TileEvent& event) { emit(m_step, event); }

void Session::observe_backend(bool on) {
    m_backend.set_kv_observer(on && m_sink ? this : nullptr);
    m_backend.set_tile_observer(on && m_sink ? this : nullptr);
}

void Session::emit_kv_stats() {
    if (std::optional<KvStatsEvent> stats = m_backend.kv_stats()) emit(m_step, std::move(*stats));
}

std::string Session::text_of(const std::vector<int>& tokens) const {
    std::string text;
    int prev = m_prompt.empty() ? -1 : m_prompt.back();
    for (int token : tokens) {
        text += m_codec.piece(prev, token);
        prev = token;
    }
    return text;
}

void Session::start(const std::string& prompt) {
    // a fresh run: same seed, same draws; what a previous run left is freed unreported
    observe_backend(false);
    release_all();
    m_result = {};
    m_kv_shortage.clear();
    m_step = 0;
    m_event_seq = 0;
    m_next_sequence_id = 1;
    m_rng = Rng(m_config.seed);
    m_strategy = make_strategy(m_config);
    m_speculative.reset();

    // encode and check the prompt against the context
    m_prompt = m_codec.encode_prompt(prompt);
    const int n_prompt = static_cast<int>(m_prompt.size());
    const int context = m_backend.config().context_length;
    if (n_prompt == 0) throw InvalidArgument("prompt: empty, and the vocabulary adds no start token");
    if (n_prompt + m_config.max_new_tokens > context)
        throw InvalidArgument("prompt: " + std::to_string(n_prompt) + " tokens plus " +
                              std::to_string(m_config.max_new_tokens) +
                              " new tokens exceed the model's context length of " + std::to_string(context));
    m_result.prompt_tokens = m_prompt;

    // the run header
    const ModelConfig& mc = m_backend.config();
    RunEvent run;
    run.model = m_options.model_name;
    run.model_kind = m_options.model_kind;
    run.model_facts = {{"dim", std::to_string(mc.dim)},
                       {"n_layers", std::to_string(mc.n_layers)},
                       {"n_heads", std::to_string(mc.n_heads)},
                       {"n_kv_heads", std::to_string(mc.n_kv_heads)},
                       {"vocab_size", std::to_string(mc.vocab_size)},
                       {"context_length", std::to_string(mc.context_length)}};
    run.backend = m_backend.name();
    run.device_facts = m_backend.device_facts();
    run.prompt = prompt;
    run.prompt_tokens = m_prompt;
    int prev = -1;
    for (int token : m_prompt) {
        run.prompt_pieces.push_back(m_codec.piece(prev, token));
        prev = token;
    }
    run.strategy = strategy_name(m_config.strategy);
    run.parameters = parameters_of(m_config);
    run.parameters.insert(m_options.run_parameters.begin(), m_options.run_parameters.end());
    if (m_config.strategy == StrategyKind::Sample) run.chain = m_config.chain_stages();
    run.seed = m_config.seed;
    if (m_options.drafter) {
        run.parameters["draft"] = m_options.drafter->kind();
        run.parameters["num-draft-tokens"] = std::to_string(m_config.num_draft_tokens);
        run.parameters["draft-schedule"] = draft_schedule_name(m_config.draft_schedule);
        if (m_options.drafter->kind() == "ngram")
            run.parameters["max-matching-ngram-size"] = std::to_string(m_config.max_matching_ngram_size);
    }
    emit(0, run);
    observe_backend(true);

    // the prompt must fit the KV cache before anything is computed
    const std::string shortage = m_backend.check_forward({{0, m_prompt}});
    if (!shortage.empty()) throw InvalidArgument("prompt of " + std::to_string(n_prompt) + " tokens: " + shortage);

    // prefill: the whole prompt in one batched pass
    emit(0, phase_event("prefill", "begin", n_prompt));
    ForwardOptions options;
    options.hidden = m_strategy->needs_hidden();
    const auto start = Clock::now();
    std::vector<SequenceOutput> out = m_backend.forward({{0, m_prompt}}, options);
    m_result.prefill_seconds = seconds_since(start);

    SequenceState root;
    root.id = 0;
    root.logits = out[0].logits.bottomRows(1).transpose();
    if (options.hidden) {
        root.context_hidden = std::move(out[0].hidden);
        root.hidden = root.context_hidden.bottomRows(1).transpose();
    }
    if (m_options.drafter) {
        m_speculative = std::make_unique<SpeculativeLoop>(m_backend, *m_options.drafter, m_codec, m_config);
        m_speculative->start(root.id, root.logits);
    }
    m_live = {std::move(root)};
    std::optional<double> duration;
    if (m_options.record_timings) duration = m_result.prefill_seconds * 1e3;
    emit(0, phase_event("prefill", "end", n_prompt, duration));
    emit_kv_stats();
    emit(0, phase_event("decode", "begin", 0));
}

std::vector<ProbeResult> Session::run_probes(const std::vector<Probe>& probes) {
    if (probes.empty()) return {};
    std::vector<ProbeResult> results(probes.size());
    std::vector<SequenceInput> batch;
    for (size_t i = 0; i < probes.size(); ++i) {
        results[i].probe = probes[i];
        results[i].probe_seq = m_next_sequence_id++;
        m_backend.fork_sequence(probes[i].seq, results[i].probe_seq);
        batch.push_back({results[i].probe_seq, {probes[i].token}});
    }
    m_kv_shortage = m_backend.check_forward(batch);
    if (!m_kv_shortage.empty()) {
        for (const ProbeResult& probe : results) m_backend.free_sequence(probe.probe_seq);
        return {};
    }
    ForwardOptions options;
    options.hidden = true;
    const auto start = Clock::now();
    std::vector<SequenceOutput> out = m_backend.forward(batch, options);
    m_result.decode_seconds += seconds_since(start);
    ++m_result.decode_passes;
    m_result.decode_tokens += static_cast<int>(batch.size());
    for (size_t i = 0; i < probes.size(); ++i) {
        results[i].logits = out[i].logits.row(0).transpose();
        results[i].hidden = out[i].hidden.row(0).transpose();
    }
    return results;
}

bool Session::step() {
    if (finished() || m_live.empty()) return false;
    if (m_speculative) return speculative_step();
    ++m_step;
    StepInput input;
    input.step = m_step;
    input.prompt = &m_prompt;
    input.live = &m_live;
    input.eos_id = m_config.stop_at_eos ? m_codec.eos_id() : -1;
    input.max_new_tokens = m_config.max_new_tokens;
    input.rng = &m_rng;
    input.next_sequence_id = &m_next_sequence_id;

    // look-ahead probes (contrastive search), then the strategy's decision
    std::vector<ProbeResult> probe_results = run_probes(m_strategy->probes(input));
    if (!m_kv_shortage.empty()) {
        --m_step;
        finish("kv_exhausted", m_kv_shortage);
        return false;
    }
    const StepDecision decision = m_strategy->step(input, probe_results);
    apply(decision, probe_results);

    if (!m_kv_shortage.empty())
        finish("kv_exhausted", m_kv_shortage);
    else if (m_live.empty())
        finish("eos");
    else if (decision.done)
        finish("done");
    else if (m_step >= m_config.max_new_tokens)
        finish("max_new_tokens");
    return !finished();
}

void Session::apply(const StepDecision& decision, std::vector<ProbeResult>& probe_results) {
    std::map<int, const SequenceState*> source;
    for (const SequenceState& s : m_live) source[s.id] = &s;
    auto source_of = [&](int id) -> const SequenceState& {
        auto it = source.find(id);
        if (it == source.end()) throw Error("strategy: sequence " + std::to_string(id) + " is not live");
        return *it->second;
    };
    const bool last_step = decision.done || m_step >= m_config.max_new_tokens;
    const bool keep_hidden = m_strategy->needs_hidden();

    StepEvent event;
    event.stages = decision.stages;

    // finished sequences end here and are never run again
    std::set<int> continuing;  // sources with at least one continuation or ending
    for (const Extension& f : decision.finished) {
        const SequenceState& src = source_of(f.seq);
        SequenceRecord record{f.new_seq, f.seq, src.tokens, {}, f.logprob, f.score, true};
        record.tokens.push_back(f.token);
        record.text = text_of(record.tokens);
        event.sequences.push_back(std::move(record));
        event.actions.push_back({"finish", f.seq, f.new_seq == f.seq ? -1 : f.new_seq, f.token});
        continuing.insert(f.seq);
    }

    // forks first, while every source still holds exactly its own positions
    for (const Extension& e : decision.extensions)
        if (e.probe < 0 && e.new_seq != e.seq) m_backend.fork_sequence(e.seq, e.new_seq);

    // the sequences that live on, and the batch that advances them
    std::vector<SequenceState> next;
    std::vector<SequenceInput> batch;
    std::vector<size_t> batch_slot;
    std::set<int> in_place, adopted;
    for (const Extension& e : decision.extensions) {
        const SequenceState& src = source_of(e.seq);
        SequenceState s;
        s.parent = e.seq;
        s.tokens = src.tokens;
        s.tokens.push_back(e.token);
        s.logprob = e.logprob;
        s.score = e.score;
        continuing.insert(e.seq);
        if (e.probe >= 0) {
            ProbeResult& probe = probe_results.at(e.probe);
            s.id = probe.probe_seq;
            s.logits = std::move(probe.logits);
            s.hidden = std::move(probe.hidden);
            adopted.insert(s.id);
            event.actions.push_back({"fork", e.seq, s.id, e.token});
        } else {
            s.id = e.new_seq;
            if (e.new_seq == e.seq) in_place.insert(e.seq);
            event.actions.push_back({e.new_seq == e.seq ? "extend" : "fork", e.seq, e.new_seq == e.seq ? -1 : e.new_seq,
                                     e.token});
            batch_slot.push_back(next.size());
            batch.push_back({s.id, {e.token}});
        }
        if (keep_hidden) s.context_hidden = src.context_hidden;
        next.push_back(std::move(s));
    }

    // release what does not live on: sources not extended in place, unadopted probes
    for (const SequenceState& s : m_live) {
        if (in_place.count(s.id)) continue;
        m_backend.free_sequence(s.id);
        if (!continuing.count(s.id)) event.actions.push_back({"drop", s.id, -1, -1});
    }
    for (const ProbeResult& probe : probe_results)
        if (!adopted.count(probe.probe_seq)) m_backend.free_sequence(probe.probe_seq);

    // decode: one pass for every sequence that lives on (not needed after the last step),
    // unless the KV cache cannot hold it: then the run stops here with what it has
    if (!last_step && !batch.empty()) m_kv_shortage = m_backend.check_forward(batch);
    if (!last_step && !batch.empty() && m_kv_shortage.empty()) {
        ForwardOptions options;
        options.hidden = keep_hidden;
        const auto start = Clock::now();
        std::vector<SequenceOutput> out = m_backend.forward(batch, options);
        m_result.decode_seconds += seconds_since(start);
        ++m_result.decode_passes;
        m_result.decode_tokens += static_cast<int>(batch.size());
        for (size_t i = 0; i < batch.size(); ++i) {
            SequenceState& s = next[batch_slot[i]];
            s.logits = out[i].logits.row(0).transpose();
            if (keep_hidden) s.hidden = out[i].hidden.row(0).transpose();
        }
    }
    if (keep_hidden)
        for (SequenceState& s : next)
            if (s.hidden.size()) s.context_hidden = append_row(s.context_hidden, s.hidden);

    // the step's record: candidates with their text, then the live sequences
    for (CandidateRecord c : decision.candidates) {
        const SequenceState& src = source_of(c.seq);
        const int prev = src.tokens.empty() ? (m_prompt.empty() ? -1 : m_prompt.back()) : src.tokens.back();
        c.text = m_codec.piece(prev, c.token);
        event.candidates.push_back(std::move(c));
    }
    for (const SequenceState& s : next)
        event.sequences.push_back({s.id, s.parent, s.tokens, text_of(s.tokens), s.logprob, s.score, false});
    m_live = std::move(next);
    emit(m_step, std::move(event));
    emit_kv_stats();
}

bool Session::speculative_step() {
    ++m_step;
    SequenceState& seq = m_live.front();
    const int eos_id = m_config.stop_at_eos ? m_codec.eos_id() : -1;
    const int remaining = m_config.max_new_tokens - static_cast<int>(seq.tokens.size());

    // one round: draft, verify, keep what stands
    const auto start = Clock::now();
    RoundResult round = m_speculative->round(m_prompt, seq.tokens, remaining, eos_id, m_rng);
    m_result.decode_seconds += seconds_since(start);
    if (!round.kv_shortage.empty()) {
        --m_step;
        finish("kv_exhausted", round.kv_shortage);
        return false;
    }
    // tokens per second count what the run gained, not the drafts the target computed and rejected
    m_result.decode_passes += round.target_passes;
    m_result.decode_tokens += static_cast<int>(round.tokens.size());

    // the round's record, then the step as every view reads it: the tokens appended in order
    if (!m_options.record_timings) round.event.draft_ms = round.event.verify_ms = std::nullopt;
    emit(m_step, std::move(round.event));
    StepEvent event;
    event.stages = round.stages;
    const int prev = seq.tokens.empty() ? m_prompt.back() : seq.tokens.back();
    const int last_prev = round.tokens.size() > 1 ? round.tokens[round.tokens.size() - 2] : prev;
    for (CandidateRecord c : round.candidates) {
        c.text = m_codec.piece(last_prev, c.token);
        event.candidates.push_back(std::move(c));
    }
    for (size_t i = 0; i < round.tokens.size(); ++i) {
        const bool ends = round.eos && i + 1 == round.tokens.size();
        event.actions.push_back({ends ? "finish" : "extend", seq.id, -1, round.tokens[i]});
    }
    seq.parent = seq.id;
    seq.tokens.insert(seq.tokens.end(), round.tokens.begin(), round.tokens.end());
    seq.logprob += round.logprob;
    seq.score = seq.logprob;
    event.sequences.push_back({seq.id, seq.parent, seq.tokens, text_of(seq.tokens), seq.logprob, seq.score, round.eos});
    emit(m_step, std::move(event));
    emit_kv_stats();

    if (round.eos)
        finish("eos");
    else if (static_cast<int>(seq.tokens.size()) >= m_config.max_new_tokens)
        finish("max_new_tokens");
    return !finished();
}

void Session::finish(const std::string& reason, const std::string& detail) {
    m_result.stop_reason = reason;
    m_result.stop_detail = detail;
    if (m_speculative) {
        const SequenceState& seq = m_live.front();
        m_result.sequences = {{seq.id, seq.parent, seq.tokens, {}, seq.logprob, seq.score, reason == "eos"}};
        m_result.speculative = m_speculative->summary();
        if (!m_options.record_timings) m_result.speculative->draft_ms = m_result.speculative->target_ms = std::nullopt;
        emit(m_step, *m_result.speculative);
        m_options.drafter->reset();
    } else {
        m_result.sequences = m_strategy->results(m_live);
    }
    for (SequenceRecord& r : m_result.sequences) r.text = text_of(r.tokens);
    int generated = 0;
    for (const SequenceRecord& r : m_result.sequences) generated += static_cast<int>(r.tokens.size());
    release_all();
    emit_kv_stats();
    observe_backend(false);
    std::optional<double> duration;
    if (m_options.record_timings) duration = m_result.decode_seconds * 1e3;
    PhaseEvent end = phase_event("decode", "end", generated, duration);
    end.stop_reason = reason;
    end.detail = detail;
    emit(m_step, std::move(end));
}

void Session::release_all() {
    for (const SequenceState& s : m_live) m_backend.free_sequence(s.id);
    m_live.clear();
}

GenerationResult Session::run(const std::string& prompt) {
    start(prompt);
    while (step()) {
    }
    return m_result;
}

}  // namespace dlab
