#include "training_manifest.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <vector>

#include "common/error.h"

namespace dlab {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "decodelab-train-manifest";
constexpr int kVersion = 1;

// Where one named tensor goes in the Model, with the shape it must have: {rows, cols}
// for a matrix ([out][in], PyTorch's nn.Linear layout), {n} for a vector.
struct Destination {
    std::vector<int64_t> shape;
    RowMatrix* matrix = nullptr;
    Vector* vector = nullptr;
};

std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json parse_json(const std::string& path) {
    const std::vector<uint8_t> bytes = read_file(path);
    try {
        return json::parse(bytes.begin(), bytes.end());
    } catch (const json::exception& e) {
        throw FormatError(path + ": not valid JSON: " + e.what());
    }
}

// A field of an object, with a message naming the manifest and the field when it is
// missing or of the wrong type.
template <typename T>
T field(const json& object, const char* key, const std::string& where) {
    if (!object.is_object() || !object.contains(key)) {
        throw FormatError(where + ": missing field '" + key + "'");
    }
    try {
        return object.at(key).get<T>();
    } catch (const json::exception&) {
        throw FormatError(where + ": field '" + key + "' has the wrong type");
    }
}

ModelConfig read_config(const json& manifest, const std::string& path) {
    const json config_json = field<json>(manifest, "config", path);
    const std::string where = path + ": config";
    ModelConfig config;
    config.architecture = "llama";
    config.name = field<std::string>(manifest, "name", path);
    config.dim = field<int>(config_json, "dim", where);
    config.hidden_dim = field<int>(config_json, "hidden_dim", where);
    config.n_layers = field<int>(config_json, "n_layers", where);
    config.n_heads = field<int>(config_json, "n_heads", where);
    config.n_kv_heads = field<int>(config_json, "n_kv_heads", where);
    config.vocab_size = field<int>(config_json, "vocab_size", where);
    config.context_length = field<int>(config_json, "context_length", where);
    config.rope_freq_base = field<float>(config_json, "rope_freq_base", where);
    config.rms_eps = field<float>(config_json, "rms_eps", where);
    config.tied_output = field<bool>(config_json, "tied_output", where);
    config.validate(path);
    return config;
}

void size_matrix(RowMatrix& m, int rows, int cols) { m.resize(rows, cols); }

// Every tensor the config calls for, by its GGUF name, sized and pointing into weights.
std::map<std::string, Destination> destinations(const ModelConfig& c, ModelWeights& w) {
    std::map<std::string, Destination> out;
    auto matrix = [&](const std::string& name, RowMatrix& m, int rows, int cols) {
        size_matrix(m, rows, cols);
        out[name] = Destination{{rows, cols}, &m, nullptr};
    };
    auto vector = [&](const std::string& name, Vector& v, int n) {
        v.resize(n);
        out[name] = Destination{{n}, nullptr, &v};
    };
    const int q_dim = c.n_heads * c.head_dim();
    matrix("token_embd.weight", w.token_embedding, c.vocab_size, c.dim);
    w.layers.resize(c.n_layers);
    for (int i = 0; i < c.n_layers; ++i) {
        LayerWeights& l = w.layers[i];
        const std::string p = "blk." + std::to_string(i) + ".";
        vector(p + "attn_norm.weight", l.attn_norm, c.dim);
        matrix(p + "attn_q.weight", l.wq, q_dim, c.dim);
        matrix(p + "attn_k.weight", l.wk, c.kv_dim(), c.dim);
        matrix(p + "attn_v.weight", l.wv, c.kv_dim(), c.dim);
        matrix(p + "attn_output.weight", l.wo, c.dim, q_dim);
        vector(p + "ffn_norm.weight", l.ffn_norm, c.dim);
        matrix(p + "ffn_gate.weight", l.w_gate, c.hidden_dim, c.dim);
        matrix(p + "ffn_up.weight", l.w_up, c.hidden_dim, c.dim);
        matrix(p + "ffn_down.weight", l.w_down, c.dim, c.hidden_dim);
    }
    vector("output_norm.weight", w.output_norm, c.dim);
    if (!c.tied_output) matrix("output.weight", w.output, c.vocab_size, c.dim);
    return out;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// Decodes n little-endian float32 values (independent of the host's byte order).
void decode_f32(const uint8_t* bytes, size_t n, float* out) {
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* b = bytes + 4 * i;
        const uint32_t bits = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 |
                              uint32_t(b[3]) << 24;
        std::memcpy(out + i, &bits, sizeof(float));
    }
}

void read_tensors(const json& manifest, const std::string& path, const std::string& blob_path,
                  const ModelConfig& config, ModelWeights& weights) {
    const std::vector<uint8_t> blob = read_file(blob_path);
    std::map<std::string, Destination> wanted = destinations(config, weights);
    std::set<std::string> seen;
    const json tensors = field<json>(manifest, "tensors", path);
    if (!tensors.is_array()) throw FormatError(path + ": 'tensors' is not an array");
    for (const json& tensor : tensors) {
        const std::string name = field<std::string>(tensor, "name", path + ": tensor");
        const std::string where = path + ": tensor '" + name + "'";
        const auto shape = field<std::vector<int64_t>>(tensor, "shape", where);
        const auto offset = field<uint64_t>(tensor, "offset", where);
        const auto it = wanted.find(name);
        if (it == wanted.end()) throw FormatError(where + " is not part of this model");
        if (!seen.insert(name).second) throw FormatError(where + " appears twice");
        const Destination& dest = it->second;
        if (shape != dest.shape) {
            throw FormatError(where + " has shape " + shape_text(shape) + ", the config needs " +
                              shape_text(dest.shape));
        }
        const size_t count = dest.matrix ? static_cast<size_t>(dest.matrix->size())
                                         : static_cast<size_t>(dest.vector->size());
        if (offset % 4 != 0 || offset > blob.size() || blob.size() - offset < 4 * count) {
            throw FormatError(where + ": bytes " + std::to_string(offset) + "+" +
                              std::to_string(4 * count) + " are outside " + blob_path + " (" +
                              std::to_string(blob.size()) + " bytes)");
        }
        float* out = dest.matrix ? dest.matrix->data() : dest.vector->data();
        decode_f32(blob.data() + offset, count, out);
    }
    for (const auto& [name, dest] : wanted) {
        if (!seen.count(name)) throw FormatError(path + ": tensor '" + name + "' is missing");
    }
}

TokenType token_type(int value, const std::string& where) {
    switch (value) {
        case 1: return TokenType::Normal;
        case 2: return TokenType::Unknown;
        case 3: return TokenType::Control;
        case 4: return TokenType::UserDefined;
        case 5: return TokenType::Unused;
        case 6: return TokenType::Byte;
        default: throw FormatError(where + ": token type " + std::to_string(value) + " is not 1-6");
    }
}

Vocab read_vocab(const json& manifest, const std::string& path, int vocab_size) {
    const json vocab_json = field<json>(manifest, "vocab", path);
    const std::string where = path + ": vocab";
    Vocab vocab;
    vocab.tokens = field<std::vector<std::string>>(vocab_json, "tokens", where);
    vocab.scores = field<std::vector<float>>(vocab_json, "scores", where);
    const auto types = field<std::vector<int>>(vocab_json, "types", where);
    for (int t : types) vocab.types.push_back(token_type(t, where));
    vocab.bos_id = field<int>(vocab_json, "bos_id", where);
    vocab.eos_id = field<int>(vocab_json, "eos_id", where);
    vocab.unk_id = field<int>(vocab_json, "unk_id", where);
    vocab.add_bos = field<bool>(vocab_json, "add_bos", where);
    vocab.add_space_prefix = field<bool>(vocab_json, "add_space_prefix", where);
    const auto n = static_cast<size_t>(vocab_size);
    if (vocab.tokens.size() != n || vocab.scores.size() != n || vocab.types.size() != n) {
        throw FormatError(where + ": " + std::to_string(vocab.tokens.size()) + " tokens, " +
                          std::to_string(vocab.scores.size()) + " scores, " +
                          std::to_string(vocab.types.size()) + " types; vocab_size is " +
                          std::to_string(vocab_size));
    }
    for (int id : {vocab.bos_id, vocab.eos_id, vocab.unk_id}) {
        if (id < 0 || id >= vocab_size) {
            throw FormatError(where + ": special token id " + std::to_string(id) + " is out of range");
        }
    }
    return vocab;
}

}  // namespace

Model read_training_manifest(const std::string& manifest_path) {
    const json manifest = parse_json(manifest_path);
    if (!manifest.is_object() || manifest.value("format", "") != kFormat) {
        throw FormatError(manifest_path + ": not a " + kFormat + " file");
    }
    const int version = field<int>(manifest, "version", manifest_path);
    if (version != kVersion) {
        throw UnsupportedError(manifest_path + ": manifest version " + std::to_string(version) +
                               " (this exporter reads " + std::to_string(kVersion) + ")");
    }
    Model model;
    model.path = manifest_path;
    model.format = ModelFormat::Gguf;
    model.config = read_config(manifest, manifest_path);
    const std::filesystem::path blob_name = field<std::string>(manifest, "blob", manifest_path);
    const std::string blob_path =
        (std::filesystem::path(manifest_path).parent_path() / blob_name).string();
    read_tensors(manifest, manifest_path, blob_path, model.config, model.weights);
    model.vocab = read_vocab(manifest, manifest_path, model.config.vocab_size);
    model.tokenizer_kind = "llama";
    return model;
}

}  // namespace dlab
