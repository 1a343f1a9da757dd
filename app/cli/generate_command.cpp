// decodelab-cli generate: greedy decoding of a prompt with the CPU backend.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "args.h"
#include "commands.h"
#include "common/error.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "engine/threads.h"
#include "model/model.h"
#include "tokenizer/tokenizer.h"

namespace dlab::cli {

namespace {

Tokenizer require_tokenizer(const Model& model) {
    if (!model.vocab) {
        if (!model.tokenizer_kind.empty())
            throw UnsupportedError(model.path + ": unsupported tokenizer '" + model.tokenizer_kind +
                                   "' (DecodeLab reads SentencePiece 'llama' vocabularies)");
        throw FormatError(model.path + ": the model has no tokenizer" +
                          (model.format == ModelFormat::Llama2c ? " (put tokenizer.bin beside it or pass --tokenizer)"
                                                                : ""));
    }
    return Tokenizer(*model.vocab);
}

}  // namespace

int run_generate(int argc, char** argv) {
    Args args(argc, argv, 2, {"json"}, {"model", "prompt", "max-new-tokens", "threads", "tokenizer"});
    if (!args.positional().empty()) throw InvalidArgument("generate: unexpected argument '" + args.positional()[0] + "'");
    const std::string model_path = args.required("model");
    const std::string prompt = args.required("prompt");
    GenerationConfig generation;
    generation.max_new_tokens = args.integer("max-new-tokens", 64, 1, 1 << 20);
    set_thread_count(args.integer("threads", 0, 0, 1024));

    LoadOptions options;
    options.llama2c_tokenizer_path = args.value("tokenizer");
    const Model model = load_model(model_path, options);
    const Tokenizer tokenizer = require_tokenizer(model);
    CpuBackend backend(model.config, model.weights);
    Session session(backend, tokenizer, generation);
    const GenerationResult result = session.run(prompt);

    if (args.flag("json")) {
        nlohmann::json j;
        j["model"] = model.path;
        j["backend"] = backend.name();
        j["threads"] = thread_count();
        j["prompt"] = prompt;
        j["prompt_tokens"] = result.prompt_tokens;
        j["tokens"] = result.tokens;
        j["text"] = result.text;
        j["stop_reason"] = result.stop_reason;
        j["prefill_seconds"] = result.prefill_seconds;
        j["decode_seconds"] = result.decode_seconds;
        j["prefill_tokens_per_s"] = result.prefill_tokens_per_s();
        j["decode_tokens_per_s"] = result.decode_tokens_per_s();
        std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
        std::printf("%s%s\n", prompt.c_str(), result.text.c_str());
        std::fprintf(stderr, "prefill: %zu tokens, %.1f tok/s | decode: %zu tokens, %.1f tok/s | stop: %s\n",
                     result.prompt_tokens.size(), result.prefill_tokens_per_s(), result.tokens.size(),
                     result.decode_tokens_per_s(), result.stop_reason.c_str());
    }
    return 0;
}

}  // namespace dlab::cli
