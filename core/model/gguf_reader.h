// A memory-mapped GGUF v2/v3 reader. Parsing validates every count, length, shape and
// offset against the file before use, so a malformed file raises FormatError (or
// UnsupportedError for a well-formed file using something DecodeLab does not decode)
// whose message starts with the path; tensor data is never copied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "model/ggml_type.h"
#include "model/gguf_format.h"
#include "model/mapped_file.h"

namespace dlab {

// A scalar metadata value widened to its family: unsigned integers, signed integers,
// floats, bool or string.
using GgufScalar = std::variant<uint64_t, int64_t, double, bool, std::string>;

struct GgufValue {
    GgufValueType type = GgufValueType::Uint8;          // as stored
    GgufValueType element_type = GgufValueType::Uint8;  // arrays: the elements' stored type
    GgufScalar scalar;                                  // when type != Array
    std::vector<GgufScalar> elements;                   // [n] when type == Array
};

struct GgufKeyValue {
    std::string key;
    GgufValue value;
};

struct GgufTensorInfo {
    std::string name;
    GgmlType type = GgmlType::F32;
    std::vector<int64_t> shape;  // GGUF order: shape[0] is the contiguous dimension
    int64_t n_elements = 0;
    uint64_t offset = 0;            // from the start of the data section; aligned
    uint64_t bytes = 0;             // as stored
    const uint8_t* data = nullptr;  // [bytes], inside the mapping
};

class GgufReader {
public:
    // Maps and parses the file. Throws Error (cannot open), FormatError (malformed,
    // including a missing "GGUF" magic) or UnsupportedError (version 1 or > 3, big-endian,
    // nested arrays, a tensor type DecodeLab does not decode).
    explicit GgufReader(const std::string& path);
    // Parses a file the caller has already mapped (to sniff its magic first).
    explicit GgufReader(MappedFile file);

    const std::string& path() const { return m_file.path(); }
    uint32_t version() const { return m_version; }
    uint32_t alignment() const { return m_alignment; }
    uint64_t data_offset() const { return m_data_offset; }  // where the data section starts
    uint64_t file_size() const { return m_file.size(); }

    const std::vector<GgufKeyValue>& metadata() const { return m_metadata; }  // file order
    const GgufValue* find(std::string_view key) const;                        // null when absent

    // Typed getters: nullopt when the key is absent; FormatError naming the path and the
    // key when it holds another type.
    // Any integer width, signed or unsigned (a uint64 above INT64_MAX is a FormatError).
    std::optional<int64_t> get_int(std::string_view key) const;
    // float32 or float64; integers are accepted and converted.
    std::optional<double> get_float(std::string_view key) const;
    std::optional<bool> get_bool(std::string_view key) const;
    std::optional<std::string> get_string(std::string_view key) const;
    std::optional<std::vector<int64_t>> get_int_array(std::string_view key) const;
    std::optional<std::vector<double>> get_float_array(std::string_view key) const;
    std::optional<std::vector<std::string>> get_string_array(std::string_view key) const;

    // Like get_*, but a missing key is a FormatError "PATH: missing metadata key 'K'".
    int64_t require_int(std::string_view key) const;
    std::string require_string(std::string_view key) const;

    const std::vector<GgufTensorInfo>& tensors() const { return m_tensors; }  // file order
    const GgufTensorInfo* find_tensor(std::string_view name) const;           // null when absent

private:
    void parse();

    MappedFile m_file;
    uint32_t m_version = 0;
    uint32_t m_alignment = kGgufDefaultAlignment;
    uint64_t m_data_offset = 0;
    std::vector<GgufKeyValue> m_metadata;
    std::unordered_map<std::string, size_t> m_key_index;  // key -> m_metadata index
    std::vector<GgufTensorInfo> m_tensors;
    std::unordered_map<std::string, size_t> m_tensor_index;  // name -> m_tensors index
};

}  // namespace dlab
