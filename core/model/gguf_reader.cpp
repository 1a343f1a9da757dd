#include "model/gguf_reader.h"

#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "common/error.h"

namespace dlab {

namespace {

// Fewest bytes one tensor info can take: name length, n_dims, one dimension, type, offset.
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;
// Fewest bytes one key/value pair can take: key length, value type, a 1-byte value.
constexpr uint64_t kMinKeyValueBytes = 8 + 4 + 1;

std::string end_description(uint64_t start, uint64_t n) {
    if (n > std::numeric_limits<uint64_t>::max() - start) {
        return "ends beyond byte " + std::to_string(std::numeric_limits<uint64_t>::max());
    }
    return "ends at byte " + std::to_string(start + n);
}

std::string hex32(uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", value);
    return text;
}

// Reads little-endian fields front to back, checking each against the end of the file
// before touching it. `describe` callables name what is being read; they only run when
// an error message needs them.
class Cursor {
public:
    Cursor(const std::string& path, const uint8_t* data, uint64_t size)
        : m_path(path), m_data(data), m_size(size) {}

    uint64_t position() const { return m_pos; }
    uint64_t remaining() const { return m_size - m_pos; }

    template <typename Describe>
    void need(uint64_t n, Describe&& describe) const {
        if (n > remaining()) {
            throw FormatError(m_path + ": truncated: " + describe() + " " + end_description(m_pos, n) +
                              " but the file has " + std::to_string(m_size) + " bytes");
        }
    }

    template <typename T, typename Describe>
    T read(Describe&& describe) {
        need(sizeof(T), describe);
        T value;
        std::memcpy(&value, m_data + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return value;
    }

    template <typename Describe>
    std::string read_string(Describe&& describe) {
        const uint64_t length = read<uint64_t>(describe);
        need(length, [&] { return describe() + " (a string of " + std::to_string(length) + " bytes)"; });
        std::string text(reinterpret_cast<const char*>(m_data + m_pos), length);
        m_pos += length;
        return text;
    }

private:
    const std::string& m_path;
    const uint8_t* m_data;  // [m_size]
    uint64_t m_size;
    uint64_t m_pos = 0;
};

template <typename Describe>
GgufScalar read_scalar(Cursor& cursor, GgufValueType type, Describe&& describe) {
    switch (type) {
        case GgufValueType::Uint8:
            return uint64_t{cursor.read<uint8_t>(describe)};
        case GgufValueType::Int8:
            return int64_t{cursor.read<int8_t>(describe)};
        case GgufValueType::Uint16:
            return uint64_t{cursor.read<uint16_t>(describe)};
        case GgufValueType::Int16:
            return int64_t{cursor.read<int16_t>(describe)};
        case GgufValueType::Uint32:
            return uint64_t{cursor.read<uint32_t>(describe)};
        case GgufValueType::Int32:
            return int64_t{cursor.read<int32_t>(describe)};
        case GgufValueType::Uint64:
            return uint64_t{cursor.read<uint64_t>(describe)};
        case GgufValueType::Int64:
            return int64_t{cursor.read<int64_t>(describe)};
        case GgufValueType::Float32:
            return double{cursor.read<float>(describe)};
        case GgufValueType::Float64:
            return cursor.read<double>(describe);
        case GgufValueType::Bool:
            return cursor.read<uint8_t>(describe) != 0;
        case GgufValueType::String:
            return cursor.read_string(describe);
        case GgufValueType::Array:
            break;
    }
    return uint64_t{0};  // arrays are read by read_value; unreachable for scalars
}

GgufValueType checked_value_type(const std::string& path, uint32_t id, const std::string& key) {
    if (id >= kGgufValueTypeCount) {
        throw FormatError(path + ": metadata key '" + key + "' has invalid value type " + std::to_string(id));
    }
    return static_cast<GgufValueType>(id);
}

GgufValue read_value(Cursor& cursor, const std::string& path, const std::string& key) {
    auto describe = [&] { return "value of metadata key '" + key + "'"; };
    GgufValue value;
    value.type = checked_value_type(path, cursor.read<uint32_t>(describe), key);
    if (value.type != GgufValueType::Array) {
        value.scalar = read_scalar(cursor, value.type, describe);
        return value;
    }
    value.element_type = checked_value_type(path, cursor.read<uint32_t>(describe), key);
    if (value.element_type == GgufValueType::Array) {
        throw UnsupportedError(path + ": metadata key '" + key +
                               "' is an array of arrays, which DecodeLab does not read");
    }
    const uint64_t count = cursor.read<uint64_t>(describe);
    // bound the count by the bytes left before allocating anything for it
    const uint64_t min_bytes = gguf_value_min_bytes(value.element_type);
    if (count > cursor.remaining() / min_bytes) {
        throw FormatError(path + ": metadata key '" + key + "' claims " + std::to_string(count) + " " +
                          gguf_value_type_name(value.element_type) + " elements but only " +
                          std::to_string(cursor.remaining()) + " bytes remain in the file");
    }
    value.elements.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
        value.elements.push_back(read_scalar(cursor, value.element_type, [&] {
            return "element " + std::to_string(i) + " of metadata key '" + key + "'";
        }));
    }
    return value;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

constexpr const char* kSupportedTypes = "F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K";

// Integer value of a scalar, or nullopt when it is not an integer or does not fit.
std::optional<int64_t> scalar_to_int(const GgufScalar& scalar) {
    if (const auto* u = std::get_if<uint64_t>(&scalar)) {
        if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return {};
        return static_cast<int64_t>(*u);
    }
    if (const auto* i = std::get_if<int64_t>(&scalar)) return *i;
    return {};
}

std::optional<double> scalar_to_float(const GgufScalar& scalar) {
    if (const auto* d = std::get_if<double>(&scalar)) return *d;
    if (const auto* u = std::get_if<uint64_t>(&scalar)) return static_cast<double>(*u);
    if (const auto* i = std::get_if<int64_t>(&scalar)) return static_cast<double>(*i);
    return {};
}

std::string value_type_text(const GgufValue& value) {
    if (value.type != GgufValueType::Array) return gguf_value_type_name(value.type);
    return std::string("array of ") + gguf_value_type_name(value.element_type);
}

}  // namespace

GgufReader::GgufReader(const std::string& path) : m_file(path) { parse(); }

GgufReader::GgufReader(MappedFile file) : m_file(std::move(file)) { parse(); }

void GgufReader::parse() {
    const std::string& file = path();
    Cursor cursor(file, m_file.data(), m_file.size());

    // header
    auto header = [] { return std::string("header"); };
    const uint32_t magic = cursor.read<uint32_t>(header);
    if (magic != kGgufMagic) {
        throw FormatError(file + ": not a GGUF file (magic " + hex32(magic) + ")");
    }
    m_version = cursor.read<uint32_t>(header);
    if (m_version == 1) {
        throw UnsupportedError(file +
                               ": GGUF version 1 is not supported "
                               "(DecodeLab reads versions 2 and 3)");
    }
    if ((m_version & 0xFFFF) == 0 && (m_version >> 16) != 0) {
        throw UnsupportedError(file + ": big-endian GGUF files are not supported");
    }
    if (m_version != 2 && m_version != 3) {
        throw UnsupportedError(file + ": GGUF version " + std::to_string(m_version) +
                               " is not supported (DecodeLab reads versions 2 and 3)");
    }
    const uint64_t n_tensors = cursor.read<uint64_t>(header);
    const uint64_t n_kv = cursor.read<uint64_t>(header);
    if (n_kv > cursor.remaining() / kMinKeyValueBytes) {
        throw FormatError(file + ": metadata count " + std::to_string(n_kv) + " is impossible: only " +
                          std::to_string(cursor.remaining()) + " bytes remain in the file");
    }

    // metadata
    m_metadata.reserve(n_kv);
    for (uint64_t i = 0; i < n_kv; ++i) {
        std::string key = cursor.read_string([&] { return "key of metadata entry " + std::to_string(i); });
        if (m_key_index.count(key)) {
            throw FormatError(file + ": duplicate metadata key '" + key + "'");
        }
        GgufValue value = read_value(cursor, file, key);
        m_key_index.emplace(key, m_metadata.size());
        m_metadata.push_back({std::move(key), std::move(value)});
    }
    if (const GgufValue* value = find("general.alignment")) {
        const std::optional<int64_t> alignment =
            gguf_is_integer(value->type) ? scalar_to_int(value->scalar) : std::nullopt;
        if (!alignment || *alignment <= 0 || *alignment > (int64_t{1} << 30) ||
            (*alignment & (*alignment - 1)) != 0) {
            throw FormatError(file + ": general.alignment must be a power of two, not " +
                              (alignment ? std::to_string(*alignment) : "a " + value_type_text(*value)));
        }
        m_alignment = static_cast<uint32_t>(*alignment);
    }

    // tensor infos
    if (n_tensors > cursor.remaining() / kMinTensorInfoBytes) {
        throw FormatError(file + ": tensor count " + std::to_string(n_tensors) + " is impossible: only " +
                          std::to_string(cursor.remaining()) + " bytes remain in the file");
    }
    m_tensors.reserve(n_tensors);
    for (uint64_t i = 0; i < n_tensors; ++i) {
        GgufTensorInfo info;
        info.name = cursor.read_string([&] { return "name of tensor info " + std::to_string(i); });
        auto describe = [&] { return "info of tensor '" + info.name + "'"; };
        const uint32_t n_dims = cursor.read<uint32_t>(describe);
        if (n_dims == 0 || n_dims > kGgufMaxDims) {
            throw FormatError(file + ": tensor '" + info.name + "' has " + std::to_string(n_dims) +
                              " dimensions (1 to " + std::to_string(kGgufMaxDims) + " allowed)");
        }
        info.n_elements = 1;
        for (uint32_t d = 0; d < n_dims; ++d) {
            const uint64_t extent = cursor.read<uint64_t>(describe);
            if (extent == 0 ||
                extent > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / info.n_elements)) {
                throw FormatError(file + ": tensor '" + info.name + "' has invalid dimension " +
                                  std::to_string(d) + " = " + std::to_string(extent) +
                                  " (zero, or too many elements in all)");
            }
            info.shape.push_back(static_cast<int64_t>(extent));
            info.n_elements *= static_cast<int64_t>(extent);
        }
        const uint32_t type_id = cursor.read<uint32_t>(describe);
        GgmlTypeTraits traits;
        if (!ggml_type_traits(type_id, traits)) {
            throw UnsupportedError(file + ": tensor '" + info.name + "' has type " +
                                   ggml_type_id_name(type_id) + " (type id " + std::to_string(type_id) +
                                   "), which DecodeLab does not decode (it reads " + kSupportedTypes + ")");
        }
        info.type = static_cast<GgmlType>(type_id);
        if (info.shape[0] % traits.block_elements != 0) {
            throw FormatError(file + ": tensor '" + info.name + "' of type " + traits.name + " has rows of " +
                              std::to_string(info.shape[0]) + " elements, not a multiple of its block size " +
                              std::to_string(traits.block_elements));
        }
        const uint64_t n_blocks = static_cast<uint64_t>(info.n_elements / traits.block_elements);
        if (n_blocks > std::numeric_limits<uint64_t>::max() / traits.block_bytes) {
            throw FormatError(file + ": tensor '" + info.name + "' shape " + shape_text(info.shape) +
                              " is too large");
        }
        info.bytes = n_blocks * traits.block_bytes;
        info.offset = cursor.read<uint64_t>(describe);
        if (m_tensor_index.count(info.name)) {
            throw FormatError(file + ": duplicate tensor '" + info.name + "'");
        }
        m_tensor_index.emplace(info.name, m_tensors.size());
        m_tensors.push_back(std::move(info));
    }

    // data section: starts at the next multiple of the alignment
    const uint64_t size = m_file.size();
    m_data_offset = (cursor.position() + m_alignment - 1) / m_alignment * m_alignment;
    for (GgufTensorInfo& info : m_tensors) {
        if (info.offset % m_alignment != 0) {
            throw FormatError(file + ": tensor '" + info.name + "' offset " + std::to_string(info.offset) +
                              " is not a multiple of the alignment " + std::to_string(m_alignment));
        }
        const bool starts_inside = m_data_offset <= size && info.offset <= size - m_data_offset;
        if (!starts_inside || info.bytes > size - m_data_offset - info.offset) {
            const uint64_t start = info.offset > std::numeric_limits<uint64_t>::max() - m_data_offset
                                       ? std::numeric_limits<uint64_t>::max()
                                       : m_data_offset + info.offset;
            throw FormatError(file + ": truncated: tensor '" + info.name + "' data " +
                              end_description(start, info.bytes) + " but the file has " +
                              std::to_string(size) + " bytes");
        }
        info.data = m_file.data() + m_data_offset + info.offset;
    }
}

const GgufValue* GgufReader::find(std::string_view key) const {
    const auto it = m_key_index.find(std::string(key));
    return it == m_key_index.end() ? nullptr : &m_metadata[it->second].value;
}

namespace {

[[noreturn]] void wrong_type(const std::string& path, std::string_view key, const GgufValue& value,
                             const char* expected) {
    throw FormatError(path + ": metadata key '" + std::string(key) + "' has type " + value_type_text(value) +
                      ", expected " + expected);
}

// Converts every element of an array value with `convert`; wrong_type when the value is
// not an array or an element does not convert.
template <typename T, typename Convert>
std::optional<std::vector<T>> array_of(const std::string& path, std::string_view key, const GgufValue* value,
                                       const char* expected, Convert convert) {
    if (value == nullptr) return std::nullopt;
    if (value->type != GgufValueType::Array) wrong_type(path, key, *value, expected);
    std::vector<T> result;
    result.reserve(value->elements.size());
    for (const GgufScalar& element : value->elements) {
        std::optional<T> converted = convert(element);
        if (!converted) wrong_type(path, key, *value, expected);
        result.push_back(std::move(*converted));
    }
    return result;
}

}  // namespace

std::optional<int64_t> GgufReader::get_int(std::string_view key) const {
    const GgufValue* value = find(key);
    if (value == nullptr) return std::nullopt;
    if (!gguf_is_integer(value->type)) wrong_type(path(), key, *value, "an integer");
    const std::optional<int64_t> result = scalar_to_int(value->scalar);
    if (!result) {
        throw FormatError(path() + ": metadata key '" + std::string(key) + "' value " +
                          std::to_string(std::get<uint64_t>(value->scalar)) + " is out of range");
    }
    return result;
}

std::optional<double> GgufReader::get_float(std::string_view key) const {
    const GgufValue* value = find(key);
    if (value == nullptr) return std::nullopt;
    if (value->type == GgufValueType::Array) wrong_type(path(), key, *value, "a number");
    const std::optional<double> result = scalar_to_float(value->scalar);
    if (!result) wrong_type(path(), key, *value, "a number");
    return result;
}

std::optional<bool> GgufReader::get_bool(std::string_view key) const {
    const GgufValue* value = find(key);
    if (value == nullptr) return std::nullopt;
    if (value->type != GgufValueType::Bool) wrong_type(path(), key, *value, "a bool");
    return std::get<bool>(value->scalar);
}

std::optional<std::string> GgufReader::get_string(std::string_view key) const {
    const GgufValue* value = find(key);
    if (value == nullptr) return std::nullopt;
    if (value->type != GgufValueType::String) wrong_type(path(), key, *value, "a string");
    return std::get<std::string>(value->scalar);
}

std::optional<std::vector<int64_t>> GgufReader::get_int_array(std::string_view key) const {
    return array_of<int64_t>(path(), key, find(key), "an array of integers",
                             [](const GgufScalar& s) { return scalar_to_int(s); });
}

std::optional<std::vector<double>> GgufReader::get_float_array(std::string_view key) const {
    return array_of<double>(path(), key, find(key), "an array of numbers",
                            [](const GgufScalar& s) { return scalar_to_float(s); });
}

std::optional<std::vector<std::string>> GgufReader::get_string_array(std::string_view key) const {
    return array_of<std::string>(path(), key, find(key), "an array of strings",
                                 [](const GgufScalar& s) -> std::optional<std::string> {
                                     if (const auto* text = std::get_if<std::string>(&s)) return *text;
                                     return std::nullopt;
                                 });
}

int64_t GgufReader::require_int(std::string_view key) const {
    const std::optional<int64_t> value = get_int(key);
    if (!value) throw FormatError(path() + ": missing metadata key '" + std::string(key) + "'");
    return *value;
}

std::string GgufReader::require_string(std::string_view key) const {
    std::optional<std::string> value = get_string(key);
    if (!value) throw FormatError(path() + ": missing metadata key '" + std::string(key) + "'");
    return std::move(*value);
}

const GgufTensorInfo* GgufReader::find_tensor(std::string_view name) const {
    const auto it = m_tensor_index.find(std::string(name));
    return it == m_tensor_index.end() ? nullptr : &m_tensors[it->second];
}

}  // namespace dlab
