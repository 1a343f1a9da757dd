#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>

#include "common/error.h"
#include "model/dequantize.h"
#include "model/finite_weights.h"
#include "model/gguf_reader.h"
#include "model/llama2c.h"
#include "model/model.h"
#include "tokenizer/tokenizer.h"

namespace dlab {

namespace {

// llama2.c's versioned export ("ak42"); only the legacy headerless format is read.
constexpr uint32_t kLlama2cExportMagic = 0x616b3432;

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

// GGUF drops trailing extents of 1 (a [n, 1] matrix is stored as [n]); compare without them.
std::vector<int64_t> without_trailing_ones(std::vector<int64_t> shape) {
    while (shape.size() > 1 && shape.back() == 1) shape.pop_back();
    return shape;
}

int hparam(const GgufReader& reader, const std::string& key, std::optional<int> fallback = {}) {
    const std::optional<int64_t> value = reader.get_int(key);
    if (!value && !fallback) {
        throw FormatError(reader.path() + ": missing metadata key '" + key + "'");
    }
    if (!value) return *fallback;
    if (*value < std::numeric_limits<int>::min() || *value > std::numeric_limits<int>::max()) {
        throw FormatError(reader.path() + ": metadata key '" + key + "' value " + std::to_string(*value) +
                          " is out of range");
    }
    return static_cast<int>(*value);
}

const GgufTensorInfo& require_tensor(const GgufReader& reader, const std::string& name) {
    const GgufTensorInfo* info = reader.find_tensor(name);
    if (info == nullptr) throw FormatError(reader.path() + ": missing tensor '" + name + "'");
    return *info;
}

// The tensor `name`, after checking that its shape (GGUF order) is `shape`.
const GgufTensorInfo& checked_tensor(const GgufReader& reader, const std::string& name,
                                     const std::vector<int64_t>& shape) {
    const GgufTensorInfo& info = require_tensor(reader, name);
    if (without_trailing_ones(info.shape) != without_trailing_ones(shape)) {
        throw FormatError(reader.path() + ": tensor '" + name + "' has shape " + shape_text(info.shape) +
                          ", expected " + shape_text(shape));
    }
    return info;
}

RowMatrix load_matrix(const GgufReader& reader, const std::string& name, int64_t rows, int64_t cols) {
    // ne = [in, out] is row-major [out][in]: the data is the RowMatrix as it stands
    const GgufTensorInfo& info = checked_tensor(reader, name, {cols, rows});
    RowMatrix matrix(rows, cols);  // [rows][cols]
    advise_huge_pages(matrix);  // before the first write
    dequantize(info.type, info.data, info.n_elements, matrix.data());
    require_finite(matrix.data(), matrix.size(), reader.path(), name);
    return matrix;
}

Vector load_vector(const GgufReader& reader, const std::string& name, int64_t n) {
    const GgufTensorInfo& info = checked_tensor(reader, name, {n});
    Vector vector(n);  // [n]
    dequantize(info.type, info.data, info.n_elements, vector.data());
    require_finite(vector.data(), vector.size(), reader.path(), name);
    return vector;
}

ModelConfig read_llama_config(const GgufReader& reader) {
    const std::string& path = reader.path();
    ModelConfig config;
    config.architecture = "llama";
    config.name = reader.get_string("general.name").value_or(std::filesystem::path(path).stem().string());
    config.context_length = hparam(reader, "llama.context_length");
    config.dim = hparam(reader, "llama.embedding_length");
    config.n_layers = hparam(reader, "llama.block_count");
    config.hidden_dim = hparam(reader, "llama.feed_forward_length");
    config.n_heads = hparam(reader, "llama.attention.head_count");
    config.n_kv_heads = hparam(reader, "llama.attention.head_count_kv", config.n_heads);
    config.rope_freq_base = static_cast<float>(reader.get_float("llama.rope.freq_base").value_or(10000.0));
    config.rms_eps =
        static_cast<float>(reader.get_float("llama.attention.layer_norm_rms_epsilon").value_or(1e-5));
    if (reader.find("llama.vocab_size") != nullptr) {
        config.vocab_size = hparam(reader, "llama.vocab_size");
    } else {
        const GgufTensorInfo& embedding = require_tensor(reader, "token_embd.weight");
        const int64_t n = embedding.shape.size() >= 2 ? embedding.shape[1] : 1;
        config.vocab_size = n <= std::numeric_limits<int>::max() ? static_cast<int>(n) : -1;
    }
    config.tied_output = reader.find_tensor("output.weight") == nullptr;
    config.validate(path);

    // features of llama-architecture files that this engine would silently get wrong
    if (hparam(reader, "llama.expert_count", 0) > 0) {
        throw UnsupportedError(path + ": mixture-of-experts llama models are not supported");
    }
    const int rope_dims = hparam(reader, "llama.rope.dimension_count", config.head_dim());
    if (rope_dims != config.head_dim()) {
        throw UnsupportedError(path + ": llama.rope.dimension_count " + std::to_string(rope_dims) +
                               " differs from head_dim " + std::to_string(config.head_dim()) +
                               " (partial RoPE is not supported)");
    }
    return config;
}

ModelWeights read_llama_weights(const GgufReader& reader, const ModelConfig& c) {
    ModelWeights w;
    w.token_embedding = load_matrix(reader, "token_embd.weight", c.vocab_size, c.dim);
    // layers are appended one by one so that a bogus block_count fails on a missing
    // tensor instead of allocating for it
    for (int i = 0; i < c.n_layers; ++i) {
        const std::string blk = "blk." + std::to_string(i) + ".";
        LayerWeights layer;
        layer.attn_norm = load_vector(reader, blk + "attn_norm.weight", c.dim);
        layer.wq = load_matrix(reader, blk + "attn_q.weight", c.dim, c.dim);
        layer.wk = load_matrix(reader, blk + "attn_k.weight", c.kv_dim(), c.dim);
        layer.wv = load_matrix(reader, blk + "attn_v.weight", c.kv_dim(), c.dim);
        layer.wo = load_matrix(reader, blk + "attn_output.weight", c.dim, c.dim);
        layer.ffn_norm = load_vector(reader, blk + "ffn_norm.weight", c.dim);
        layer.w_gate = load_matrix(reader, blk + "ffn_gate.weight", c.hidden_dim, c.dim);
        layer.w_up = load_matrix(reader, blk + "ffn_up.weight", c.hidden_dim, c.dim);
        layer.w_down = load_matrix(reader, blk + "ffn_down.weight", c.dim, c.hidden_dim);
        w.layers.push_back(std::move(layer));
    }
    w.output_norm = load_vector(reader, "output_norm.weight", c.dim);
    if (!c.tied_output) w.output = load_matrix(reader, "output.weight", c.vocab_size, c.dim);
    return w;
}

// tokenizer.ggml.* of a "llama" (SentencePiece) tokenizer.
Vocab read_llama_vocab(const GgufReader& reader, int vocab_size) {
    const std::string& path = reader.path();
    Vocab vocab;
    std::optional<std::vector<std::string>> tokens = reader.get_string_array("tokenizer.ggml.tokens");
    if (!tokens) throw FormatError(path + ": missing metadata key 'tokenizer.ggml.tokens'");
    vocab.tokens = std::move(*tokens);
    const size_t n = vocab.tokens.size();
    if (n != static_cast<size_t>(vocab_size)) {
        throw FormatError(path + ": tokenizer.ggml.tokens has " + std::to_string(n) +
                          " tokens but the model's vocab_size is " + std::to_string(vocab_size));
    }
    auto check_length = [&](const char* key, size_t length) {
        if (length != n) {
            throw FormatError(path + ": metadata key '" + key + "' has " + std::to_string(length) +
                              " entries for " + std::to_string(n) + " tokens");
        }
    };
    if (auto scores = reader.get_float_array("tokenizer.ggml.scores")) {
        check_length("tokenizer.ggml.scores", scores->size());
        vocab.scores.assign(scores->begin(), scores->end());
    } else {
        vocab.scores.assign(n, 0.0f);
    }
    if (auto types = reader.get_int_array("tokenizer.ggml.token_type")) {
        check_length("tokenizer.ggml.token_type", types->size());
        for (int64_t type : *types) {
            if (type < static_cast<int64_t>(TokenType::Undefined) ||
                type > static_cast<int64_t>(TokenType::Byte)) {
                throw FormatError(path + ": tokenizer.ggml.token_type holds invalid type " +
                                  std::to_string(type));
            }
            vocab.types.push_back(static_cast<TokenType>(type));
        }
    } else {
        vocab.types.assign(n, TokenType::Normal);
    }
    auto special = [&](const char* key, int fallback) {
        const int id = hparam(reader, key, fallback);
        if (id < 0 || id >= vocab_size) {
            throw FormatError(path + ": " + key + " " + std::to_string(id) +
                              " is outside the vocabulary of " + std::to_string(vocab_size));
        }
        return id;
    };
    vocab.bos_id = special("tokenizer.ggml.bos_token_id", vocab.bos_id);
    vocab.eos_id = special("tokenizer.ggml.eos_token_id", vocab.eos_id);
    vocab.unk_id = special("tokenizer.ggml.unknown_token_id", vocab.unk_id);
    vocab.add_bos = reader.get_bool("tokenizer.ggml.add_bos_token").value_or(true);
    vocab.add_space_prefix = reader.get_bool("tokenizer.ggml.add_space_prefix").value_or(true);
    return vocab;
}

Model load_gguf(MappedFile file) {
    const GgufReader reader(std::move(file));
    const std::string& path = reader.path();
    const std::string architecture = reader.require_string("general.architecture");
    if (architecture != "llama") {
        throw UnsupportedError(path + ": unsupported architecture '" + architecture +
                               "' (DecodeLab runs llama)");
    }
    Model model;
    model.path = path;
    model.format = ModelFormat::Gguf;
    model.format_version = reader.version();
    model.config = read_llama_config(reader);
    model.weights = read_llama_weights(reader, model.config);
    for (const GgufTensorInfo& info : reader.tensors()) {
        model.tensors.push_back({info.name, ggml_type_name(info.type), info.shape, info.bytes});
    }
    // other tokenizers ("gpt2" …) keep the model loadable; generation reports them
    model.tokenizer_kind = reader.get_string("tokenizer.ggml.model").value_or("");
    if (model.tokenizer_kind == "llama") {
        model.vocab = read_llama_vocab(reader, model.config.vocab_size);
    }
    return model;
}

Model load_llama2c_checkpoint(const MappedFile& file, const LoadOptions& options) {
    Model model = load_llama2c(file);
    std::string tokenizer_path = options.llama2c_tokenizer_path;
    if (tokenizer_path.empty()) {
        const std::filesystem::path beside =
            std::filesystem::path(file.path()).parent_path() / "tokenizer.bin";
        if (std::filesystem::exists(beside)) tokenizer_path = beside.string();
    }
    if (!tokenizer_path.empty()) {
        model.vocab = load_llama2c_vocab(tokenizer_path, model.config.vocab_size);
        model.tokenizer_kind = "llama";
    }
    return model;
}


Model load_mapped(MappedFile file, const LoadOptions& options) {
    const std::string path = file.path();
    uint32_t magic = 0;
    if (file.size() >= sizeof magic) std::memcpy(&magic, file.data(), sizeof magic);
    if (magic == kGgufMagic) return load_gguf(std::move(file));

    Llama2cHeader header;
    if (read_llama2c_header(file, header) && llama2c_header_plausible(header)) {
        return load_llama2c_checkpoint(file, options);
    }
    if (magic == kLlama2cExportMagic && file.size() >= 2 * sizeof(int32_t)) {
        int32_t version = 0;
        std::memcpy(&version, file.data() + sizeof magic, sizeof version);
        throw UnsupportedError(path + ": llama2.c export version " + std::to_string(version) +
                               " is not supported (export with --version 0, the legacy "
                               "format)");
    }
    if (file.size() < sizeof magic) {
        throw FormatError(path + ": not a GGUF or llama2.c model file (the file has " +
                          std::to_string(file.size()) + " bytes)");
    }
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", magic);
    throw FormatError(path + ": not a GGUF or llama2.c model file (magic " + hex + ")");
}

}  // namespace

Model load_model(const std::string& path, const LoadOptions& options) {
    return load_mapped(MappedFile(path), options);
}

Model load_model_from_memory(const std::string& name, const uint8_t* data, size_t size) {
    uint32_t magic = 0;
    if (size >= sizeof magic) std::memcpy(&magic, data, sizeof magic);
    if (magic != kGgufMagic) throw FormatError(name + ": not a GGUF model");
    return load_gguf(MappedFile::borrow(name, data, size));
}

}  // namespace dlab
