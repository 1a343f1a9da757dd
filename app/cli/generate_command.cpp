// decodelab-cli generate: one prompt through any strategy, on a model or a table model;
// optionally a trace file, or several configurations side by side (--compare).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "args.h"
#include "commands.h"
#include "common/error.h"
#include "decoding_options.h"
#include "embedded_models.h"
#include "engine/threads.h"
#include "engine_setup.h"
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

nlohmann::json result_json(const GenerationConfig& config, const GenerationResult& result) {
    return {{"strategy", strategy_name(config.strategy)},
            {"prompt_tokens", result.prompt_tokens},
            {"tokens", result.tokens()},
            {"text", result.text()},
            {"sequences", sequences_json(result)},
            {"stop_reason", result.stop_reason},
            {"prefill_seconds", result.prefill_seconds},
            {"decode_seconds", result.decode_seconds},
            {"prefill_tokens_per_s", result.prefill_tokens_per_s()},
            {"decode_tokens_per_s", result.decode_tokens_per_s()}};
}

int run_single(LoadedEngine& engine, const Args& args, const std::string& prompt) {
    const GenerationConfig config = decoding_config(args);
    std::unique_ptr<JsonlTraceWriter> trace;
    if (args.has("trace")) trace = std::make_unique<JsonlTraceWriter>(args.value("trace"));
    SessionOptions options = engine.session_options();
    options.record_timings = !args.flag("no-trace-timing");
    Session session(engine.backend(), engine.codec(), config, trace.get(), options);
    const GenerationResult result = session.run(prompt);

    if (args.flag("json")) {
        nlohmann::json j = result_json(config, result);
        j["model"] = options.model_name;
        j["backend"] = engine.backend().name();
        j["threads"] = thread_count();
        j["prompt"] = prompt;
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
    return 0;
}

// Each --compare SPEC ("strategy=beam,num-beams=4") overrides the shared options.
int run_compare(LoadedEngine& engine, const Args& args, const std::string& prompt) {
    const GenerationConfig base = decoding_config(args);
    nlohmann::json rows = nlohmann::json::array();
    for (const std::string& spec : args.values("compare")) {
        const GenerationConfig config = decoding_config(Args::from_pairs(spec, decoding_option_names()), base);
        Session session(engine.backend(), engine.codec(), config, nullptr, engine.session_options());
        const GenerationResult result = session.run(prompt);
        const SequenceRecord* best = result.sequences.empty() ? nullptr : &result.sequences.front();
        nlohmann::json row = result_json(config, result);
        row["config"] = spec;
        row["length"] = best ? best->tokens.size() : 0;
        row["score"] = best ? best->score : 0.0;
        row["distinct_1"] = distinct_ngrams(result.tokens(), 1);
        row["distinct_2"] = distinct_ngrams(result.tokens(), 2);
        rows.push_back(std::move(row));
    }
    if (args.flag("json")) {
        std::printf("%s\n", dump({{"prompt", prompt}, {"compare", rows}}).c_str());
        return 0;
    }
    std::printf("%-36s %9s %6s %6s %6s  %s\n", "configuration", "score", "length", "dist-1", "dist-2", "text");
    for (const nlohmann::json& row : rows) {
        // one row per configuration: newlines in the text shown as ⏎
        std::string text = row["text"].get<std::string>();
        for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) text.replace(at, 1, " ⏎ ");
        std::printf("%-36s %9.4f %6d %6.2f %6.2f  %s\n", row["config"].get<std::string>().c_str(),
                    row["score"].get<double>(), row["length"].get<int>(), row["distinct_1"].get<double>(),
                    row["distinct_2"].get<double>(), text.c_str());
    }
    return 0;
}

}  // namespace

int run_generate(int argc, char** argv) {
    std::set<std::string> options = decoding_option_names();
    options.insert({"model", "table", "prompt", "threads", "tokenizer", "trace", "compare"});
    Args args(argc, argv, 2, {"json", "no-trace-timing"}, options);
    if (!args.positional().empty()) throw InvalidArgument("generate: unexpected argument '" + args.positional()[0] + "'");
    if (args.has("model") && args.has("table")) throw InvalidArgument("give --model or --table, not both");
    const std::string prompt = args.required("prompt");
    set_thread_count(args.integer("threads", 0, 0, 1024));
    decoding_config(args);  // refuse bad parameters before loading anything

    auto engine = LoadedEngine::load(args.value("model", std::string(kEmbeddedPrefix) + kDefaultModelName),
                                     args.value("table"), args.value("tokenizer"));
    if (!args.values("compare").empty()) {
        if (args.has("trace")) throw InvalidArgument("--trace records one run; it cannot be combined with --compare");
        return run_compare(*engine, args, prompt);
    }
    return run_single(*engine, args, prompt);
}

}  // namespace dlab::cli
