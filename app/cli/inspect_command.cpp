// decodelab-cli inspect MODEL: what a model file holds.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "common/error.h"
#include "embedded_models.h"
#include "model/model.h"
#include "options/args.h"

namespace dlab::cli {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string text;
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? " x " : "") + std::to_string(shape[i]);
    return text;
}

std::string piece_or_empty(const Model& model, int id) {
    if (!model.vocab || id < 0 || id >= model.vocab->size()) return "";
    return model.vocab->tokens[id];
}

nlohmann::json to_json(const Model& model) {
    const ModelConfig& c = model.config;
    nlohmann::json j;
    j["path"] = model.path;
    j["format"] = model.format == ModelFormat::Gguf ? "gguf" : "llama2c";
    j["format_version"] = model.format_version;
    j["architecture"] = c.architecture;
    j["name"] = c.name;
    j["dim"] = c.dim;
    j["hidden_dim"] = c.hidden_dim;
    j["n_layers"] = c.n_layers;
    j["n_heads"] = c.n_heads;
    j["n_kv_heads"] = c.n_kv_heads;
    j["head_dim"] = c.head_dim();
    j["vocab_size"] = c.vocab_size;
    j["context_length"] = c.context_length;
    j["rope_freq_base"] = c.rope_freq_base;
    j["rms_eps"] = c.rms_eps;
    j["tied_output"] = c.tied_output;
    nlohmann::json tok = nullptr;
    if (model.vocab) {
        const Vocab& v = *model.vocab;
        tok = {{"kind", model.tokenizer_kind}, {"size", v.size()},       {"bos_id", v.bos_id},
               {"bos", piece_or_empty(model, v.bos_id)}, {"eos_id", v.eos_id},
               {"eos", piece_or_empty(model, v.eos_id)}, {"unk_id", v.unk_id},
               {"add_bos", v.add_bos}, {"add_space_prefix", v.add_space_prefix}};
    } else if (!model.tokenizer_kind.empty()) {
        tok = {{"kind", model.tokenizer_kind}, {"supported", false}};
    }
    j["tokenizer"] = tok;
    uint64_t total = 0;
    nlohmann::json tensors = nlohmann::json::array();
    for (const TensorSummary& t : model.tensors) {
        tensors.push_back({{"name", t.name}, {"type", t.type}, {"shape", t.shape}, {"bytes", t.bytes}});
        total += t.bytes;
    }
    j["tensors"] = tensors;
    j["tensor_bytes"] = total;
    return j;
}

void print_text(const Model& model) {
    const ModelConfig& c = model.config;
    std::printf("file          %s\n", model.path.c_str());
    if (model.format == ModelFormat::Gguf)
        std::printf("format        GGUF v%u\n", model.format_version);
    else
        std::printf("format        llama2.c checkpoint\n");
    std::printf("architecture  %s\n", c.architecture.c_str());
    std::printf("name          %s\n", c.name.c_str());
    std::printf("dimensions    dim %d, hidden %d, layers %d, heads %d, kv heads %d, head dim %d\n", c.dim,
                c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads, c.head_dim());
    std::printf("vocabulary    %d tokens, context %d\n", c.vocab_size, c.context_length);
    std::printf("rope / norm   freq base %g, rms eps %g, output %s\n", c.rope_freq_base, c.rms_eps,
                c.tied_output ? "tied to the embedding" : "separate matrix");
    if (model.vocab) {
        const Vocab& v = *model.vocab;
        std::printf("tokenizer     %s (SentencePiece BPE), %d tokens, bos %d '%s', eos %d '%s', unk %d\n",
                    model.tokenizer_kind.c_str(), v.size(), v.bos_id, piece_or_empty(model, v.bos_id).c_str(),
                    v.eos_id, piece_or_empty(model, v.eos_id).c_str(), v.unk_id);
    } else if (!model.tokenizer_kind.empty()) {
        std::printf("tokenizer     %s (not supported)\n", model.tokenizer_kind.c_str());
    } else {
        std::printf("tokenizer     none\n");
    }
    uint64_t total = 0;
    for (const TensorSummary& t : model.tensors) total += t.bytes;
    std::printf("tensors       %zu, %.2f MB stored\n", model.tensors.size(), total / 1e6);
    for (const TensorSummary& t : model.tensors)
        std::printf("  %-28s %-5s %-16s %12llu bytes\n", t.name.c_str(), t.type.c_str(), shape_text(t.shape).c_str(),
                    static_cast<unsigned long long>(t.bytes));
}

}  // namespace

int run_inspect(int argc, char** argv) {
    Args args(argc, argv, 2, {"json"}, {"tokenizer"});
    if (args.positional().size() > 1) throw InvalidArgument("inspect: give at most one MODEL");
    LoadOptions options;
    options.llama2c_tokenizer_path = args.value("tokenizer");
    const std::string path = args.positional().empty() ? std::string(kEmbeddedPrefix) + kDefaultModelName
                                                       : args.positional()[0];
    const Model model = load_model_or_embedded(path, options);
    if (args.flag("json"))
        std::printf("%s\n", to_json(model).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    else
        print_text(model);
    return 0;
}

}  // namespace dlab::cli
