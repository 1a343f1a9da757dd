// decodelab-cli generate: one prompt through any strategy, on a model or a table model;
// optionally a trace file, or several configurations side by side (--compare).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "attention/device_preset.h"
#include "backend_options.h"
#include "commands.h"
#include "common/error.h"
#include "draft_loader.h"
#include "embedded_models.h"
#include "engine/threads.h"
#include "engine_setup.h"
#include "kv_stats_recorder.h"
#include "options/args.h"
#include "options/attention_options.h"
#include "options/decoding_options.h"
#include "options/draft_options.h"
#include "options/kv_options.h"
#include "tile_stats_recorder.h"
#include "trace/jsonl.h"

namespace dlab::cli {

namespace {

std::string dump(const nlohmann::json& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

// Share of distinct n-grams among all n-grams of `tokens` (1 when there are none).
double distinct_ngrams(const std::vector<int>& tokens, size_t n) {
    if (tokens.size() < n) return 1.0;
    std::set<std::vector<int>> seen;
    for (size_t i = 0; i + n <= tokens.size(); ++i) seen.insert({tokens.begin() + i, tokens.begin() + i + n});
    return static_cast<double>(seen.size()) / static_cast<double>(tokens.size() - n + 1);
}

nlohmann::json sequences_json(const GenerationResult& result) {
    nlohmann::json list = nlohmann::json::array();
    for (const SequenceRecord& s : result.sequences)
        list.push_back({{"id", s.id},
                        {"text", s.text},
                        {"tokens", s.tokens},
                        {"score", s.score},
                        {"logprob", s.logprob},
                        {"finished", s.finished}});
    return list;
}

// The KV pool when it held the most slots, and the mean share of reserved slots that held
// no token; absent for a backend without a KV cache (table models).
void add_kv_json(const KvStatsRecorder& kv, nlohmann::json& j) {
    if (!kv.peak()) return;
    const KvStatsEvent& peak = *kv.peak();
    j["kv"] = {{"kind", peak.kind},
               {"block_size", peak.block_size},
               {"bytes_per_slot", peak.bytes_per_slot},
               {"peak_sequences", peak.n_sequences},
               {"peak_slots_reserved", peak.slots_reserved},
               {"peak_slots_used", peak.slots_used},
               {"peak_bytes_reserved", peak.slots_reserved * peak.bytes_per_slot},
               {"peak_shared_blocks", peak.shared_blocks},
               {"mean_fragmentation", kv.mean_fragmentation()}};
}

// The attention the prefill used, FlashAttention's tiles for this model's head dimension
// in the engine's F32, and the HBM bytes the traced layer and head moved during the run's
// prefill passes (summed over the tile events the backend passed on); absent for a table
// model, which has no attention.
void add_attention_json(const AttentionConfig& attention, const ModelConfig* model, const TileStatsRecorder& tiles,
                        nlohmann::json& j) {
    if (!model) return;
    const int head_dim = model->head_dim();
    const int element_bytes = sizeof(float);
    const TileSizes t = attention.tiles(head_dim, element_bytes);
    const long long sram =
        attention.sram_bytes > 0 ? attention.sram_bytes : device_preset(attention.device_preset).sram_per_block;
    j["attention"] = {{"kind", attention_kind_name(attention.kind)},
                      {"device_preset", attention.device_preset},
                      {"sram_bytes", sram},
                      {"head_dim", head_dim},
                      {"element_bytes", element_bytes},
                      {"tiles", {{"rows", t.rows}, {"cols", t.cols}}},
                      {"traced", {{"layer", attention.trace_layer},
                                  {"head", attention.trace_head},
                                  {"prefill_passes", tiles.passes()},
                                  {"tile_events", tiles.events()},
                                  {"hbm_read_bytes", tiles.hbm_read_bytes()},
                                  {"hbm_write_bytes", tiles.hbm_write_bytes()},
                                  {"complete", tiles.complete()}}}};
}

nlohmann::json result_json(const GenerationConfig& config, const GenerationResult& result, const KvStatsRecorder& kv) {
    nlohmann::json j = {{"strategy", strategy_name(config.strategy)},
                        {"prompt_tokens", result.prompt_tokens},
                        {"tokens", result.tokens()},
                        {"text", result.text()},
                        {"sequences", sequences_json(result)},
                        {"stop_reason", result.stop_reason},
                        {"prefill_seconds", result.prefill_seconds},
                        {"decode_seconds", result.decode_seconds},
                        {"prefill_tokens_per_s", result.prefill_tokens_per_s()},
                        {"decode_tokens_per_s", result.decode_tokens_per_s()}};
    if (!result.stop_detail.empty()) j["stop_detail"] = result.stop_detail;
    add_kv_json(kv, j);
    return j;
}

// Every field of speculative sampling's summary; the timings are null with --no-trace-timing.
nlohmann::json speculative_json(const SpecSummaryEvent& s) {
    const auto optional = [](const std::optional<double>& ms) { return ms ? nlohmann::json(*ms) : nlohmann::json(); };
    return {{"drafter", s.drafter},
            {"schedule", s.schedule},
            {"rounds", s.rounds},
            {"target_passes", s.target_passes},
            {"draft_passes", s.draft_passes},
            {"drafted", s.drafted},
            {"accepted", s.accepted},
            {"rejected", s.rejected},
            {"generated", s.generated},
            {"alpha", s.alpha},
            {"mean_gamma", s.mean_gamma},
            {"tokens_per_target_pass", s.tokens_per_target_pass},
            {"expected_tokens_per_target_pass", s.expected_tokens_per_target_pass},
            {"target_passes_saved", s.target_passes_saved},
            {"draft_ms", optional(s.draft_ms)},
            {"target_ms", optional(s.target_ms)}};
}

// A run the KV cache cut short is still a result: what was generated is printed, and this
// line says why it is shorter than asked.
void report_early_stop(const GenerationResult& result, const std::string& label = {}) {
    if (result.stop_reason != "kv_exhausted") return;
    const std::string which = label.empty() ? "" : " (" + label + ")";
    std::fprintf(stderr, "decodelab-cli: stopped early%s: %s\n", which.c_str(), result.stop_detail.c_str());
}

// A table model has no KV cache to lay out and no attention to choose.
void refuse_model_options_for_table(const Args& args, bool table) {
    if (!table) return;
    const std::string kv_option = first_kv_option(args);
    if (!kv_option.empty())
        throw InvalidArgument(kv_option + " lays out a neural model's KV cache; a table model (--table) has none");
    const std::string attention_option = first_attention_option(args);
    if (!attention_option.empty())
        throw InvalidArgument(attention_option + " configures a neural model's attention; a table model (--table) has none");
}

// Auto's fallback to the CPU, said once on stderr after the run (before it, a run that then
// fails would print more than its one line of error).
void report_backend_note(const BackendResolution& resolution) {
    const std::string note = backend_note(resolution);
    if (!note.empty()) std::fprintf(stderr, "%s\n", note.c_str());
}

int run_single(LoadedEngine& engine, const Args& args, const std::string& prompt, const AttentionConfig& attention,
               const BackendResolution& resolution) {
    const GenerationConfig config = draft_config(args, decoding_config(args));
    // the drafter runs where the target does; declared before the session, which uses it
    const std::unique_ptr<LoadedDrafter> drafter = LoadedDrafter::load(args, engine, config, resolution.cuda);
    std::unique_ptr<JsonlTraceWriter> trace;
    if (args.has("trace")) trace = std::make_unique<JsonlTraceWriter>(args.value("trace"));
    SessionOptions options = engine.session_options();
    options.record_timings = !args.flag("no-trace-timing");
    if (drafter) options.drafter = &drafter->drafter();
    // only --json reports the KV pool and the attention's HBM bytes; without it the session
    // needs no sink of its own
    KvStatsRecorder kv(trace.get());
    TileStatsRecorder tiles(attention.max_tile_events, &kv);
    TraceSink* sink = args.flag("json") ? &tiles : static_cast<TraceSink*>(trace.get());
    Session session(engine.backend(), engine.codec(), config, sink, options);
    const GenerationResult result = session.run(prompt);
    report_backend_note(resolution);
    report_early_stop(result);

    if (args.flag("json")) {
        nlohmann::json j = result_json(config, result, kv);
        add_attention_json(attention, engine.model_config(), tiles, j);
        j["model"] = options.model_name;
        j["backend"] = engine.backend().name();
        j["threads"] = thread_count();
        j["prompt"] = prompt;
        if (result.speculative) j["speculative"] = speculative_json(*result.speculative);
        std::printf("%s\n", dump(j).c_str());
        return 0;
    }
    if (result.sequences.size() == 1) {
        std::printf("%s%s\n", prompt.c_str(), result.text().c_str());
    } else {
        for (const SequenceRecord& s : result.sequences)
            std::printf("[%d] score %.4f  %s%s\n", s.id, s.score, prompt.c_str(), s.text.c_str());
    }
    std::fprintf(stderr, "prefill: %zu tokens, %.1f tok/s | decode: %d tokens, %.1f tok/s | stop: %s\n",
                 result.prompt_tokens.size(), result.prefill_tokens_per_s(), result.decode_tokens,
                 result.decode_tokens_per_s(), result.stop_reason.c_str());
    if (result.speculative) {
        const SpecSummaryEvent& s = *result.speculative;
        std::fprintf(stderr,
                     "speculative (%s, %s γ, mean %.2f): %d rounds, α %.3f (%d of %d verified drafts) | "
                     "%.2f tokens per target pass, theory %.2f | target passes saved %d\n",
                     s.drafter.c_str(), s.schedule.c_str(), s.mean_gamma, s.rounds, s.alpha, s.accepted,
                     s.accepted + s.rejected, s.tokens_per_target_pass, s.expected_tokens_per_target_pass,
                     s.target_passes_saved);
    }
    return 0;
}

// Each --compare SPEC ("strategy=beam,num-beams=4", "kv=paged,block-size=4",
// "attention=flash", "backend=cpu") overrides the shared options; a spec that changes the
// KV cache, the attention or the backend runs on a backend of its own, resolved like
// --backend (auto falls back to the CPU for what the GPU does not run).
int run_compare(LoadedEngine& engine, const Args& args, const std::string& prompt,
                const BackendResolution& base_resolution) {
    const GenerationConfig base = decoding_config(args);
    const KvConfig base_kv = kv_config(args);
    const AttentionConfig base_attention = attention_config(args);
    const BackendChoice base_backend = backend_choice(args);
    const bool table = args.has("table");
    std::set<std::string> spec_options = decoding_option_names();
    spec_options.insert(kv_option_names().begin(), kv_option_names().end());
    spec_options.insert(attention_option_names().begin(), attention_option_names().end());
    spec_options.insert("backend");
    // each fallback note once, after every row has run
    std::set<std::string> notes;
    if (!table) notes.insert(backend_note(base_resolution));
    nlohmann::json rows = nlohmann::json::array();
    for (const std::string& spec : args.values("compare")) {
        const Args spec_args = Args::from_pairs(spec, spec_options, kv_flag_names());
        const GenerationConfig config = decoding_config(spec_args, base);
        refuse_model_options_for_table(spec_args, table);
        const KvConfig spec_kv = kv_config(spec_args, base_kv);
        const AttentionConfig spec_attention = attention_config(spec_args, base_attention);
        check_attention_with_kv(spec_attention, spec_kv);
        const BackendChoice spec_backend = backend_choice(spec_args, base_backend);
        if (table && spec_backend == BackendChoice::Cuda)
            throw InvalidArgument("--compare " + spec + ": a table model (--table) runs on its table backend, not cuda");
        std::unique_ptr<Backend> own_backend;
        if (!table && (!first_kv_option(spec_args).empty() || !first_attention_option(spec_args).empty() ||
                       spec_args.has("backend"))) {
            const BackendResolution resolution = resolve_backend_here(spec_backend, spec_kv, spec_attention);
            own_backend = engine.make_backend(spec_kv, spec_attention, resolution.cuda);
            notes.insert(backend_note(resolution));
        }
        KvStatsRecorder kv;
        TileStatsRecorder tiles(spec_attention.max_tile_events, &kv);
        Session session(own_backend ? *own_backend : engine.backend(), engine.codec(), config, &tiles,
                        engine.session_options());
        const GenerationResult result = session.run(prompt);
        report_early_stop(result, spec);
        const SequenceRecord* best = result.sequences.empty() ? nullptr : &result.sequences.front();
        nlohmann::json row = result_json(config, result, kv);
        add_attention_json(spec_attention, engine.model_config(), tiles, row);
        row["config"] = spec;
        row["backend"] = (own_backend ? *own_backend : engine.backend()).name();
        row["length"] = best ? best->tokens.size() : 0;
        row["score"] = best ? best->score : 0.0;
        row["distinct_1"] = distinct_ngrams(result.tokens(), 1);
        row["distinct_2"] = distinct_ngrams(result.tokens(), 2);
        rows.push_back(std::move(row));
    }
    for (const std::string& note : notes)
        if (!note.empty()) std::fprintf(stderr, "%s\n", note.c_str());
    if (args.flag("json")) {
        std::printf("%s\n", dump({{"prompt", prompt}, {"compare", rows}}).c_str());
        return 0;
    }
    std::printf("%-36s %9s %6s %6s %6s %8s  %s\n", "configuration", "score", "length", "dist-1", "dist-2", "KV MB",
                "text");
    for (const nlohmann::json& row : rows) {
        // one row per configuration: newlines in the text shown as ⏎
        std::string text = row["text"].get<std::string>();
        for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) text.replace(at, 1, " ⏎ ");
        // the most KV cache memory the run reserved; "-" without a KV cache
        char kv_mb[32] = "-";
        if (row.contains("kv"))
            std::snprintf(kv_mb, sizeof kv_mb, "%.2f", row["kv"]["peak_bytes_reserved"].get<double>() / 1e6);
        std::printf("%-36s %9.4f %6d %6.2f %6.2f %8s  %s\n", row["config"].get<std::string>().c_str(),
                    row["score"].get<double>(), row["length"].get<int>(), row["distinct_1"].get<double>(),
                    row["distinct_2"].get<double>(), kv_mb, text.c_str());
    }
    return 0;
}

}  // namespace

int run_generate(int argc, char** argv) {
    std::set<std::string> options = decoding_option_names();
    options.insert(kv_option_names().begin(), kv_option_names().end());
    options.insert(attention_option_names().begin(), attention_option_names().end());
    options.insert(draft_option_names().begin(), draft_option_names().end());
    options.insert({"model", "table", "prompt", "threads", "tokenizer", "trace", "compare", "backend"});
    std::set<std::string> flags = kv_flag_names();
    flags.insert({"json", "no-trace-timing"});
    Args args(argc, argv, 2, flags, options);
    if (!args.positional().empty()) throw InvalidArgument("generate: unexpected argument '" + args.positional()[0] + "'");
    if (args.has("model") && args.has("table")) throw InvalidArgument("give --model or --table, not both");
    const std::string prompt = args.required("prompt");
    set_thread_count(args.integer("threads", 0, 0, 1024));
    // refuse bad parameters before loading anything
    const std::string drafter = drafter_option(args);
    if (!drafter.empty() && !args.values("compare").empty())
        throw InvalidArgument("--compare runs plain decoding side by side; it cannot be combined with a drafter (" +
                              drafter + ")");
    draft_config(args, decoding_config(args));
    refuse_model_options_for_table(args, args.has("table"));
    const KvConfig kv = kv_config(args);
    const AttentionConfig attention = attention_config(args);
    check_attention_with_kv(attention, kv);
    // a table model runs on its table backend; a neural model where --backend resolves
    const BackendChoice backend = backend_choice(args);
    const bool table = args.has("table");
    if (table && backend == BackendChoice::Cuda)
        throw InvalidArgument("--backend cuda: a table model (--table) runs on its table backend");
    const BackendResolution resolution = table ? BackendResolution{} : resolve_backend_here(backend, kv, attention);

    auto engine = LoadedEngine::load(args.value("model", std::string(kEmbeddedPrefix) + kDefaultModelName),
                                     args.value("table"), args.value("tokenizer"), kv, attention, resolution.cuda);
    if (!args.values("compare").empty()) {
        if (args.has("trace")) throw InvalidArgument("--trace records one run; it cannot be combined with --compare");
        return run_compare(*engine, args, prompt, resolution);
    }
    return run_single(*engine, args, prompt, attention, resolution);
}

}  // namespace dlab::cli
