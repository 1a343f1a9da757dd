// Writes GGUF v2/v3 files: metadata key/values, tensor infos, aligned tensor data.
// Used by the tests and the model tools (tools/export) to make real model files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/ggml_type.h"
#include "model/gguf_format.h"
#include "model/model.h"

namespace dlab {

// Keys are unique: setting a key twice throws InvalidArgument. general.alignment is
// written by the constructor.
class GgufWriter {
public:
    // Throws InvalidArgument unless version is 2 or 3 and alignment a power of two.
    explicit GgufWriter(uint32_t version = 3, uint32_t alignment = 32);

    void set_u32(const std::string& key, uint32_t value);
    void set_i32(const std::string& key, int32_t value);
    void set_u64(const std::string& key, uint64_t value);
    void set_f32(const std::string& key, float value);
    void set_bool(const std::string& key, bool value);
    void set_string(const std::string& key, const std::string& value);
    void set_string_array(const std::string& key, const std::vector<std::string>& values);
    void set_f32_array(const std::string& key, const std::vector<float>& values);
    void set_i32_array(const std::string& key, const std::vector<int32_t>& values);

    // Any integer type (uint8 … int64); throws InvalidArgument when value does not fit.
    void set_int(const std::string& key, GgufValueType type, int64_t value);
    void set_f64(const std::string& key, double value);
    // Arrays of any integer element type; throws InvalidArgument when a value does not fit.
    void set_int_array(const std::string& key, GgufValueType element_type,
                       const std::vector<int64_t>& values);
    void set_f64_array(const std::string& key, const std::vector<double>& values);
    void set_bool_array(const std::string& key, const std::vector<bool>& values);

    // Adds a tensor whose bytes are already in `type`'s layout. shape is in GGUF order
    // (shape[0] is the contiguous dimension). Throws InvalidArgument when data's size
    // does not match shape and type.
    void add_tensor(const std::string& name, GgmlType type, std::vector<int64_t> shape,
                    std::vector<uint8_t> data);
    // Adds F32 values converted to F32, F16 or BF16.
    void add_tensor_f32(const std::string& name, GgmlType type, std::vector<int64_t> shape,
                        const float* values);

    // Throws Error naming the path when it cannot be written.
    void write(const std::string& path) const;

private:
    void add_kv(const std::string& key, std::vector<uint8_t> typed_value);

    uint32_t m_version;
    uint32_t m_alignment;
    std::vector<std::vector<uint8_t>> m_kv;  // serialized key/value pairs, in order
    std::vector<std::string> m_keys;
    struct TensorRecord {
        std::string name;
        GgmlType type;
        std::vector<int64_t> shape;  // GGUF order
        std::vector<uint8_t> data;   // [ggml_bytes(type, product of shape)]
    };
    std::vector<TensorRecord> m_tensors;
};

// Writes a Model as a GGUF llama file: llama.* hyper-parameters, tokenizer.ggml.* when the
// model has a vocabulary, and tensors under llama.cpp's names (token_embd, blk.N.attn_q …,
// output only when untied) in `type` (F32, F16 or BF16; norms always F32).
void write_model_gguf(const Model& model, const std::string& path,
                      GgmlType type = GgmlType::F32);

// Writes a Model as a llama2.c checkpoint (.bin, 7×int32 header; negative vocab_size when
// the classifier is separate) and, when it has a vocabulary, tokenizer.bin at
// `tokenizer_path`.
void write_model_llama2c(const Model& model, const std::string& path,
                         const std::string& tokenizer_path = {});

}  // namespace dlab
