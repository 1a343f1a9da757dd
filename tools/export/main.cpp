// decodelab-export: turns a model trained by tools/train into the files DecodeLab ships.
//
//   decodelab-export --manifest DIR/stories-target.manifest.json --gguf OUT.gguf
//                    [--type f16|f32|bf16] [--llama2c OUT.bin [--tokenizer-bin tokenizer.bin]]
//
// Errors print one line to stderr and exit with status 2.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "common/error.h"
#include "model/ggml_type.h"
#include "model/gguf_writer.h"
#include "training_manifest.h"

namespace {

struct Options {
    std::string manifest;
    std::string gguf;
    std::string type = "f16";
    std::string llama2c;
    std::string tokenizer_bin;
};

constexpr const char* kUsage =
    "usage: decodelab-export --manifest M.json --gguf OUT.gguf [--type f16|f32|bf16] "
    "[--llama2c OUT.bin [--tokenizer-bin tokenizer.bin]]";

Options parse_options(const std::vector<std::string>& args) {
    Options options;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (flag == "--help" || flag == "-h") throw dlab::InvalidArgument(kUsage);
        if (i + 1 >= args.size()) throw dlab::InvalidArgument(flag + " needs a value; " + kUsage);
        const std::string& value = args[++i];
        if (flag == "--manifest") options.manifest = value;
        else if (flag == "--gguf") options.gguf = value;
        else if (flag == "--type") options.type = value;
        else if (flag == "--llama2c") options.llama2c = value;
        else if (flag == "--tokenizer-bin") options.tokenizer_bin = value;
        else throw dlab::InvalidArgument("unknown option " + flag + "; " + kUsage);
    }
    if (options.manifest.empty() || options.gguf.empty()) throw dlab::InvalidArgument(kUsage);
    if (!options.tokenizer_bin.empty() && options.llama2c.empty()) {
        throw dlab::InvalidArgument("--tokenizer-bin needs --llama2c");
    }
    return options;
}

dlab::GgmlType matrix_type(const std::string& name) {
    if (name == "f16") return dlab::GgmlType::F16;
    if (name == "f32") return dlab::GgmlType::F32;
    if (name == "bf16") return dlab::GgmlType::BF16;
    throw dlab::InvalidArgument("--type must be f16, f32 or bf16, not '" + name + "'");
}

void run(const Options& options) {
    const dlab::Model model = dlab::read_training_manifest(options.manifest);
    const dlab::ModelConfig& c = model.config;
    dlab::write_model_gguf(model, options.gguf, matrix_type(options.type));
    std::printf("%s: %s, dim %d, %d layers, %d heads (%d KV), hidden %d, vocab %d, context %d -> %s (%s)\n",
                options.manifest.c_str(), c.name.c_str(), c.dim, c.n_layers, c.n_heads, c.n_kv_heads,
                c.hidden_dim, c.vocab_size, c.context_length, options.gguf.c_str(), options.type.c_str());
    if (!options.llama2c.empty()) {
        dlab::write_model_llama2c(model, options.llama2c, options.tokenizer_bin);
        std::printf("%s: llama2.c checkpoint -> %s%s%s\n", options.manifest.c_str(), options.llama2c.c_str(),
                    options.tokenizer_bin.empty() ? "" : ", tokenizer -> ", options.tokenizer_bin.c_str());
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        run(parse_options(std::vector<std::string>(argv + 1, argv + argc)));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "decodelab-export: %s\n", e.what());
        return 2;
    }
}
