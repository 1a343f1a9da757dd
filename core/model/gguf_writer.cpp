#include "model/gguf_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <utility>

#include "common/error.h"
#include "model/dequantize.h"

namespace dlab {

namespace {

template <typename T>
void append(std::vector<uint8_t>& out, T value) {
    const size_t at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &value, sizeof(T));
}

void append_string(std::vector<uint8_t>& out, const std::string& text) {
    append<uint64_t>(out, text.size());
    out.insert(out.end(), text.begin(), text.end());
}

void append_type(std::vector<uint8_t>& out, GgufValueType type) {
    append<uint32_t>(out, static_cast<uint32_t>(type));
}

// Appends `value` in integer `type`'s width; InvalidArgument when it does not fit.
void append_int(std::vector<uint8_t>& out, GgufValueType type, int64_t value, const std::string& key) {
    auto fits = [&](int64_t lo, int64_t hi) {
        if (value < lo || value > hi) {
            throw InvalidArgument("GgufWriter: value " + std::to_string(value) + " of '" + key +
                                  "' does not fit in " + gguf_value_type_name(type));
        }
    };
    switch (type) {
        case GgufValueType::Uint8:
            fits(0, UINT8_MAX);
            append<uint8_t>(out, value);
            return;
        case GgufValueType::Int8:
            fits(INT8_MIN, INT8_MAX);
            append<int8_t>(out, value);
            return;
        case GgufValueType::Uint16:
            fits(0, UINT16_MAX);
            append<uint16_t>(out, value);
            return;
        case GgufValueType::Int16:
            fits(INT16_MIN, INT16_MAX);
            append<int16_t>(out, value);
            return;
        case GgufValueType::Uint32:
            fits(0, UINT32_MAX);
            append<uint32_t>(out, value);
            return;
        case GgufValueType::Int32:
            fits(INT32_MIN, INT32_MAX);
            append<int32_t>(out, value);
            return;
        case GgufValueType::Uint64:
            fits(0, INT64_MAX);
            append<uint64_t>(out, value);
            return;
        case GgufValueType::Int64:
            append<int64_t>(out, value);
            return;
        default:
            throw InvalidArgument(std::string("GgufWriter: '") + key + "': " + gguf_value_type_name(type) +
                                  " is not an integer type");
    }
}

void check_shape(const std::string& name, GgmlType type, const std::vector<int64_t>& shape, size_t n_bytes) {
    if (shape.empty() || shape.size() > kGgufMaxDims ||
        std::any_of(shape.begin(), shape.end(), [](int64_t n) { return n <= 0; })) {
        throw InvalidArgument("GgufWriter: tensor '" + name + "' has an invalid shape");
    }
    GgmlTypeTraits traits;
    if (!ggml_type_traits(static_cast<uint32_t>(type), traits) || shape[0] % traits.block_elements != 0) {
        throw InvalidArgument("GgufWriter: tensor '" + name + "' rows do not fill whole " +
                              ggml_type_name(type) + " blocks");
    }
    int64_t n_elements = 1;
    for (int64_t n : shape) n_elements *= n;
    if (ggml_bytes(type, n_elements) != n_bytes) {
        throw InvalidArgument("GgufWriter: tensor '" + name + "' has " + std::to_string(n_bytes) +
                              " bytes, its shape and type need " +
                              std::to_string(ggml_bytes(type, n_elements)));
    }
}

uint64_t align_up(uint64_t n, uint64_t alignment) { return (n + alignment - 1) / alignment * alignment; }

}  // namespace

GgufWriter::GgufWriter(uint32_t version, uint32_t alignment) : m_version(version), m_alignment(alignment) {
    if (version != 2 && version != 3) {
        throw InvalidArgument("GgufWriter: version " + std::to_string(version) + " (2 or 3 expected)");
    }
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        throw InvalidArgument("GgufWriter: alignment " + std::to_string(alignment) +
                              " is not a power of two");
    }
    set_u32("general.alignment", alignment);
}

void GgufWriter::add_kv(const std::string& key, std::vector<uint8_t> typed_value) {
    if (std::find(m_keys.begin(), m_keys.end(), key) != m_keys.end()) {
        throw InvalidArgument("GgufWriter: metadata key '" + key + "' set twice");
    }
    std::vector<uint8_t> kv;
    append_string(kv, key);
    kv.insert(kv.end(), typed_value.begin(), typed_value.end());
    m_keys.push_back(key);
    m_kv.push_back(std::move(kv));
}

void GgufWriter::set_int(const std::string& key, GgufValueType type, int64_t value) {
    std::vector<uint8_t> typed;
    append_type(typed, type);
    append_int(typed, type, value, key);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_u32(const std::string& key, uint32_t value) {
    set_int(key, GgufValueType::Uint32, value);
}

void GgufWriter::set_i32(const std::string& key, int32_t value) { set_int(key, GgufValueType::Int32, value); }

void GgufWriter::set_u64(const std::string& key, uint64_t value) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::Uint64);
    append<uint64_t>(typed, value);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_f32(const std::string& key, float value) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::Float32);
    append<float>(typed, value);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_f64(const std::string& key, double value) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::Float64);
    append<double>(typed, value);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_bool(const std::string& key, bool value) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::Bool);
    append<uint8_t>(typed, value ? 1 : 0);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_string(const std::string& key, const std::string& value) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::String);
    append_string(typed, value);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_string_array(const std::string& key, const std::vector<std::string>& values) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::Array);
    append_type(typed, GgufValueType::String);
    append<uint64_t>(typed, values.size());
    for (const std::string& value : values) append_string(typed, value);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_f32_array(const std::string& key, const std::vector<float>& values) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::Array);
    append_type(typed, GgufValueType::Float32);
    append<uint64_t>(typed, values.size());
    for (float value : values) append<float>(typed, value);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_f64_array(const std::string& key, const std::vector<double>& values) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::Array);
    append_type(typed, GgufValueType::Float64);
    append<uint64_t>(typed, values.size());
    for (double value : values) append<double>(typed, value);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_bool_array(const std::string& key, const std::vector<bool>& values) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::Array);
    append_type(typed, GgufValueType::Bool);
    append<uint64_t>(typed, values.size());
    for (bool value : values) append<uint8_t>(typed, value ? 1 : 0);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_int_array(const std::string& key, GgufValueType element_type,
                               const std::vector<int64_t>& values) {
    std::vector<uint8_t> typed;
    append_type(typed, GgufValueType::Array);
    append_type(typed, element_type);
    append<uint64_t>(typed, values.size());
    for (int64_t value : values) append_int(typed, element_type, value, key);
    add_kv(key, std::move(typed));
}

void GgufWriter::set_i32_array(const std::string& key, const std::vector<int32_t>& values) {
    set_int_array(key, GgufValueType::Int32, std::vector<int64_t>(values.begin(), values.end()));
}

void GgufWriter::add_tensor(const std::string& name, GgmlType type, std::vector<int64_t> shape,
                            std::vector<uint8_t> data) {
    check_shape(name, type, shape, data.size());
    for (const TensorRecord& tensor : m_tensors) {
        if (tensor.name == name) {
            throw InvalidArgument("GgufWriter: tensor '" + name + "' added twice");
        }
    }
    m_tensors.push_back({name, type, std::move(shape), std::move(data)});
}

void GgufWriter::add_tensor_f32(const std::string& name, GgmlType type, std::vector<int64_t> shape,
                                const float* values) {
    int64_t n_elements = 1;
    for (int64_t n : shape) n_elements *= std::max<int64_t>(n, 0);
    std::vector<uint8_t> data;
    switch (type) {
        case GgmlType::F32:
            data.resize(n_elements * sizeof(float));
            std::memcpy(data.data(), values, data.size());
            break;
        case GgmlType::F16:
        case GgmlType::BF16:
            data.reserve(n_elements * sizeof(uint16_t));
            for (int64_t i = 0; i < n_elements; ++i) {
                append<uint16_t>(data,
                                 type == GgmlType::F16 ? f32_to_f16(values[i]) : f32_to_bf16(values[i]));
            }
            break;
        default:
            throw InvalidArgument(std::string("GgufWriter: tensor '") + name +
                                  "': cannot convert F32 values to " + ggml_type_name(type));
    }
    add_tensor(name, type, std::move(shape), std::move(data));
}

void GgufWriter::write(const std::string& path) const {
    // header, metadata and tensor infos, with each tensor's offset in the data section
    std::vector<uint8_t> head;
    append<uint32_t>(head, kGgufMagic);
    append<uint32_t>(head, m_version);
    append<uint64_t>(head, m_tensors.size());
    append<uint64_t>(head, m_kv.size());
    for (const std::vector<uint8_t>& kv : m_kv) head.insert(head.end(), kv.begin(), kv.end());
    uint64_t offset = 0;
    std::vector<uint64_t> offsets;  // [n_tensors]
    for (const TensorRecord& tensor : m_tensors) {
        append_string(head, tensor.name);
        append<uint32_t>(head, static_cast<uint32_t>(tensor.shape.size()));
        for (int64_t n : tensor.shape) append<uint64_t>(head, static_cast<uint64_t>(n));
        append<uint32_t>(head, static_cast<uint32_t>(tensor.type));
        append<uint64_t>(head, offset);
        offsets.push_back(offset);
        offset = align_up(offset + tensor.data.size(), m_alignment);
    }
    head.resize(align_up(head.size(), m_alignment), 0);

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot create: " + std::strerror(errno));
    out.write(reinterpret_cast<const char*>(head.data()), head.size());
    const std::vector<char> padding(m_alignment, 0);
    uint64_t written = 0;
    for (size_t i = 0; i < m_tensors.size(); ++i) {
        out.write(padding.data(), offsets[i] - written);
        const std::vector<uint8_t>& data = m_tensors[i].data;
        out.write(reinterpret_cast<const char*>(data.data()), data.size());
        written = offsets[i] + data.size();
    }
    out.write(padding.data(), offset - written);
    out.close();
    if (!out) throw Error(path + ": cannot write: " + std::strerror(errno));
}

namespace {

void add_matrix(GgufWriter& writer, const std::string& name, GgmlType type,
                const RowMatrix& matrix /* [out][in] */) {
    // GGUF lists the contiguous dimension first: ne = [in, out]
    writer.add_tensor_f32(name, type, {matrix.cols(), matrix.rows()}, matrix.data());
}

void add_vector(GgufWriter& writer, const std::string& name, const Vector& vector /* [n] */) {
    writer.add_tensor_f32(name, GgmlType::F32, {vector.size()}, vector.data());
}

}  // namespace

void write_model_gguf(const Model& model, const std::string& path, GgmlType type) {
    if (type != GgmlType::F32 && type != GgmlType::F16 && type != GgmlType::BF16) {
        throw InvalidArgument(std::string("write_model_gguf: matrices cannot be written as ") +
                              ggml_type_name(type) + " (F32, F16 or BF16)");
    }
    const ModelConfig& config = model.config;
    config.validate(path);
    GgufWriter writer;
    writer.set_string("general.architecture", "llama");
    writer.set_string("general.name", config.name.empty() ? "decodelab" : config.name);
    writer.set_u32("llama.context_length", config.context_length);
    writer.set_u32("llama.embedding_length", config.dim);
    writer.set_u32("llama.block_count", config.n_layers);
    writer.set_u32("llama.feed_forward_length", config.hidden_dim);
    writer.set_u32("llama.rope.dimension_count", config.head_dim());
    writer.set_u32("llama.attention.head_count", config.n_heads);
    writer.set_u32("llama.attention.head_count_kv", config.n_kv_heads);
    writer.set_f32("llama.rope.freq_base", config.rope_freq_base);
    writer.set_f32("llama.attention.layer_norm_rms_epsilon", config.rms_eps);
    writer.set_u32("llama.vocab_size", config.vocab_size);

    if (model.vocab) {
        const Vocab& vocab = *model.vocab;
        std::vector<int32_t> types;
        types.reserve(vocab.types.size());
        for (TokenType t : vocab.types) types.push_back(static_cast<int32_t>(t));
        writer.set_string("tokenizer.ggml.model", "llama");
        writer.set_string_array("tokenizer.ggml.tokens", vocab.tokens);
        writer.set_f32_array("tokenizer.ggml.scores", vocab.scores);
        writer.set_i32_array("tokenizer.ggml.token_type", types);
        writer.set_u32("tokenizer.ggml.bos_token_id", vocab.bos_id);
        writer.set_u32("tokenizer.ggml.eos_token_id", vocab.eos_id);
        writer.set_u32("tokenizer.ggml.unknown_token_id", vocab.unk_id);
        writer.set_bool("tokenizer.ggml.add_bos_token", vocab.add_bos);
        writer.set_bool("tokenizer.ggml.add_space_prefix", vocab.add_space_prefix);
    }

    const ModelWeights& weights = model.weights;
    add_matrix(writer, "token_embd.weight", type, weights.token_embedding);
    for (size_t i = 0; i < weights.layers.size(); ++i) {
        const LayerWeights& layer = weights.layers[i];
        const std::string prefix = "blk." + std::to_string(i) + ".";
        add_vector(writer, prefix + "attn_norm.weight", layer.attn_norm);
        add_matrix(writer, prefix + "attn_q.weight", type, layer.wq);
        add_matrix(writer, prefix + "attn_k.weight", type, layer.wk);
        add_matrix(writer, prefix + "attn_v.weight", type, layer.wv);
        add_matrix(writer, prefix + "attn_output.weight", type, layer.wo);
        add_vector(writer, prefix + "ffn_norm.weight", layer.ffn_norm);
        add_matrix(writer, prefix + "ffn_gate.weight", type, layer.w_gate);
        add_matrix(writer, prefix + "ffn_up.weight", type, layer.w_up);
        add_matrix(writer, prefix + "ffn_down.weight", type, layer.w_down);
    }
    add_vector(writer, "output_norm.weight", weights.output_norm);
    if (weights.output.size()) add_matrix(writer, "output.weight", type, weights.output);
    writer.write(path);
}

}  // namespace dlab
