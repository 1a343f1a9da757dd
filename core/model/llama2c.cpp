#include "model/llama2c.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <type_traits>
#include <vector>

#include "common/error.h"
#include "model/finite_weights.h"
#include "model/gguf_writer.h"

namespace dlab {

namespace {

// One run of float32 values in the checkpoint. Layer-stacked tensors (wq for every layer,
// then wk for every layer …) have one part per layer; freq_cis tables have no part, as
// DecodeLab recomputes RoPE and only skips (reading) or regenerates (writing) them.
template <typename Float>  // float when reading into weights, const float when writing them
struct Llama2cTensor {
    std::string name;                     // llama2.c's TransformerWeights member
    std::vector<int64_t> shape;           // GGUF order: contiguous first, layers last
    std::vector<std::span<Float>> parts;  // [n_layers] or [1]; empty for freq_cis_*

    int64_t n_elements() const {
        int64_t n = 1;
        for (int64_t extent : shape) n *= extent;
        return n;
    }
};

// The checkpoint's tensors in file order, pointing into `weights` (ModelWeights or
// const ModelWeights), which must already have n_layers layers.
template <typename Weights>
auto llama2c_layout(const ModelConfig& config, Weights& weights) {
    using Float = std::conditional_t<std::is_const_v<Weights>, const float, float>;
    using Tensor = Llama2cTensor<Float>;
    const int64_t dim = config.dim, hidden = config.hidden_dim, kv_dim = config.kv_dim();
    const int64_t n_layers = config.n_layers, vocab = config.vocab_size;
    const int64_t half_head = config.head_dim() / 2, seq_len = config.context_length;

    auto whole = [](auto& array) { return std::span<Float>(array.data(), array.size()); };
    auto per_layer = [&](auto member) {
        std::vector<std::span<Float>> parts;
        for (auto& layer : weights.layers) parts.push_back(whole(layer.*member));
        return parts;
    };
    std::vector<Tensor> tensors;
    tensors.push_back({"token_embedding_table", {dim, vocab}, {whole(weights.token_embedding)}});
    tensors.push_back({"rms_att_weight", {dim, n_layers}, per_layer(&LayerWeights::attn_norm)});
    tensors.push_back({"wq", {dim, dim, n_layers}, per_layer(&LayerWeights::wq)});
    tensors.push_back({"wk", {dim, kv_dim, n_layers}, per_layer(&LayerWeights::wk)});
    tensors.push_back({"wv", {dim, kv_dim, n_layers}, per_layer(&LayerWeights::wv)});
    tensors.push_back({"wo", {dim, dim, n_layers}, per_layer(&LayerWeights::wo)});
    tensors.push_back({"rms_ffn_weight", {dim, n_layers}, per_layer(&LayerWeights::ffn_norm)});
    tensors.push_back({"w1", {dim, hidden, n_layers}, per_layer(&LayerWeights::w_gate)});
    tensors.push_back({"w2", {hidden, dim, n_layers}, per_layer(&LayerWeights::w_down)});
    tensors.push_back({"w3", {dim, hidden, n_layers}, per_layer(&LayerWeights::w_up)});
    tensors.push_back({"rms_final_weight", {dim}, {whole(weights.output_norm)}});
    tensors.push_back({"freq_cis_real", {half_head, seq_len}, {}});
    tensors.push_back({"freq_cis_imag", {half_head, seq_len}, {}});
    if (!config.tied_output) {
        tensors.push_back({"wcls", {dim, vocab}, {whole(weights.output)}});
    }
    return tensors;
}

void size_weights(const ModelConfig& c, ModelWeights& w) {
    w.token_embedding.resize(c.vocab_size, c.dim);
    w.layers.resize(c.n_layers);
    for (LayerWeights& layer : w.layers) {
        layer.attn_norm.resize(c.dim);
        layer.wq.resize(c.dim, c.dim);
        layer.wk.resize(c.kv_dim(), c.dim);
        layer.wv.resize(c.kv_dim(), c.dim);
        layer.wo.resize(c.dim, c.dim);
        layer.ffn_norm.resize(c.dim);
        layer.w_gate.resize(c.hidden_dim, c.dim);
        layer.w_up.resize(c.hidden_dim, c.dim);
        layer.w_down.resize(c.dim, c.hidden_dim);
    }
    w.output_norm.resize(c.dim);
    if (!c.tied_output) w.output.resize(c.vocab_size, c.dim);

    // before the first write
    advise_huge_pages(w.token_embedding);
    for (const LayerWeights& l : w.layers)
        for (const RowMatrix* m : l.matrices()) advise_huge_pages(*m);
    advise_huge_pages(w.output);
}

// llama2.c's RoPE tables: for pair i of a head, frequency base^(-2i/head_size).
float rope_angle(int pos, int i, int head_size, float freq_base) {
    return pos * std::pow(freq_base, -2.0f * i / head_size);
}

void write_floats(std::ofstream& out, const float* values, size_t n) {
    out.write(reinterpret_cast<const char*>(values), n * sizeof(float));
}

void write_int(std::ofstream& out, int32_t value) {
    out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

std::string with_plain_spaces(const std::string& token) {
    static const std::string kSpaceMarker = "\xE2\x96\x81";  // U+2581 "▁"
    std::string piece;
    for (size_t i = 0; i < token.size();) {
        if (token.compare(i, kSpaceMarker.size(), kSpaceMarker) == 0) {
            piece += ' ';
            i += kSpaceMarker.size();
        } else {
            piece += token[i++];
        }
    }
    return piece;
}

// tokenizer.bin: int32 max_token_length, then per token float score, int32 length and
// the piece's bytes, written as llama2.c's tokenizer.py does: "▁" as a plain space, BOS
// and EOS as "\n<s>\n" and "\n</s>\n".
void write_llama2c_tokenizer(const Vocab& vocab, const std::string& path) {
    std::vector<std::string> pieces;
    size_t max_length = 1;  // readers reject a non-positive maximum
    for (int id = 0; id < vocab.size(); ++id) {
        if (id == vocab.bos_id) {
            pieces.push_back("\n<s>\n");
        } else if (id == vocab.eos_id) {
            pieces.push_back("\n</s>\n");
        } else {
            pieces.push_back(with_plain_spaces(vocab.tokens[id]));
        }
        max_length = std::max(max_length, pieces.back().size());
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot create: " + std::strerror(errno));
    write_int(out, static_cast<int32_t>(max_length));
    for (size_t i = 0; i < pieces.size(); ++i) {
        const float score = i < vocab.scores.size() ? vocab.scores[i] : 0.0f;
        write_floats(out, &score, 1);
        write_int(out, static_cast<int32_t>(pieces[i].size()));
        out.write(pieces[i].data(), static_cast<std::streamsize>(pieces[i].size()));
    }
    out.close();
    if (!out) throw Error(path + ": cannot write: " + std::strerror(errno));
}

}  // namespace

bool read_llama2c_header(const MappedFile& file, Llama2cHeader& header) {
    if (file.size() < kLlama2cHeaderBytes) return false;
    static_assert(sizeof(Llama2cHeader) == kLlama2cHeaderBytes);
    std::memcpy(&header, file.data(), kLlama2cHeaderBytes);
    return true;
}

bool llama2c_header_plausible(const Llama2cHeader& h) {
    auto within = [](int32_t value, int32_t max) { return value >= 1 && value <= max; };
    return within(h.dim, 1 << 16) && within(h.hidden_dim, 1 << 20) && within(h.n_layers, 1024) &&
           within(h.n_heads, h.dim) && within(h.n_kv_heads, h.n_heads) && h.vocab_size != INT32_MIN &&
           within(std::abs(h.vocab_size), 1 << 22) && within(h.seq_len, 1 << 22);
}

Model load_llama2c(const MappedFile& file) {
    const std::string& path = file.path();
    Llama2cHeader header;
    if (!read_llama2c_header(file, header) || !llama2c_header_plausible(header)) {
        throw FormatError(path + ": not a llama2.c checkpoint (implausible header)");
    }
    Model model;
    model.path = path;
    model.format = ModelFormat::Llama2c;
    model.format_version = 0;
    ModelConfig& config = model.config;
    config.name = std::filesystem::path(path).stem().string();
    config.dim = header.dim;
    config.hidden_dim = header.hidden_dim;
    config.n_layers = header.n_layers;
    config.n_heads = header.n_heads;
    config.n_kv_heads = header.n_kv_heads;
    config.vocab_size = std::abs(header.vocab_size);
    config.context_length = header.seq_len;
    config.tied_output = header.vocab_size > 0;
    config.rope_freq_base = 10000.0f;
    config.rms_eps = 1e-5f;
    config.validate(path);

    // the header fixes the file size exactly; check it before allocating anything
    model.weights.layers.resize(config.n_layers);
    uint64_t expected = kLlama2cHeaderBytes;
    for (const auto& tensor : llama2c_layout(config, model.weights)) {
        expected += static_cast<uint64_t>(tensor.n_elements()) * sizeof(float);
    }
    if (file.size() != expected) {
        throw FormatError(path + ": " +
                          (file.size() < expected ? "truncated llama2.c checkpoint"
                                                  : "trailing data after llama2.c checkpoint") +
                          ": expected " + std::to_string(expected) + " bytes, found " +
                          std::to_string(file.size()));
    }

    size_weights(config, model.weights);
    const uint8_t* cursor = file.data() + kLlama2cHeaderBytes;
    for (const auto& tensor : llama2c_layout(config, model.weights)) {
        const uint64_t bytes = static_cast<uint64_t>(tensor.n_elements()) * sizeof(float);
        int64_t first_element = 0;  // of the part, in the whole tensor
        for (const std::span<float>& part : tensor.parts) {
            std::memcpy(part.data(), cursor, part.size_bytes());
            require_finite(part.data(), static_cast<int64_t>(part.size()), path, tensor.name, first_element);
            first_element += static_cast<int64_t>(part.size());
            cursor += part.size_bytes();
        }
        if (tensor.parts.empty()) cursor += bytes;
        model.tensors.push_back({tensor.name, "F32", tensor.shape, bytes});
    }
    return model;
}

void write_model_llama2c(const Model& model, const std::string& path, const std::string& tokenizer_path) {
    ModelConfig config = model.config;
    config.tied_output = model.weights.output.size() == 0;
    config.validate(path);
    if (model.weights.layers.size() != static_cast<size_t>(config.n_layers)) {
        throw InvalidArgument(path + ": the model has " + std::to_string(model.weights.layers.size()) +
                              " layers, its config " + std::to_string(config.n_layers));
    }
    const auto tensors = llama2c_layout(config, model.weights);
    // the format has no shapes, so a mis-sized matrix would shift every later one
    for (const auto& tensor : tensors) {
        for (const std::span<const float>& part : tensor.parts) {
            const auto per_part = static_cast<size_t>(tensor.n_elements() / tensor.parts.size());
            if (part.size() != per_part) {
                throw InvalidArgument(path + ": llama2.c tensor '" + tensor.name + "' has " +
                                      std::to_string(part.size()) + " values per part, the config needs " +
                                      std::to_string(per_part));
            }
        }
    }

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot create: " + std::strerror(errno));
    for (int32_t field :
         {config.dim, config.hidden_dim, config.n_layers, config.n_heads, config.n_kv_heads,
          config.tied_output ? config.vocab_size : -config.vocab_size, config.context_length}) {
        write_int(out, field);
    }
    const int head_size = config.head_dim();
    for (const auto& tensor : tensors) {
        for (const std::span<const float>& part : tensor.parts) {
            write_floats(out, part.data(), part.size());
        }
        if (!tensor.parts.empty()) continue;
        // freq_cis_real / freq_cis_imag [seq_len][head_size / 2]
        const bool real = tensor.name == "freq_cis_real";
        for (int pos = 0; pos < config.context_length; ++pos) {
            for (int i = 0; i < head_size / 2; ++i) {
                const float angle = rope_angle(pos, i, head_size, config.rope_freq_base);
                const float value = real ? std::cos(angle) : std::sin(angle);
                write_floats(out, &value, 1);
            }
        }
    }
    out.close();
    if (!out) throw Error(path + ": cannot write: " + std::strerror(errno));
    if (!tokenizer_path.empty() && model.vocab) {
        write_llama2c_tokenizer(*model.vocab, tokenizer_path);
    }
}

}  // namespace dlab
