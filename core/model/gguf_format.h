// GGUF's on-disk vocabulary, shared by the reader and the writer
// (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md). All fields little-endian.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dlab {

constexpr uint32_t kGgufMagic = 0x46554747;  // "GGUF" read as a little-endian uint32
constexpr uint32_t kGgufDefaultAlignment = 32;
constexpr uint32_t kGgufMaxDims = 4;

// Metadata value type ids as stored.
enum class GgufValueType : uint32_t {
    Uint8 = 0,
    Int8 = 1,
    Uint16 = 2,
    Int16 = 3,
    Uint32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    Uint64 = 10,
    Int64 = 11,
    Float64 = 12,
};
constexpr uint32_t kGgufValueTypeCount = 13;

constexpr const char* gguf_value_type_name(GgufValueType type) {
    constexpr const char* kNames[kGgufValueTypeCount] = {"uint8",  "int8",    "uint16", "int16",  "uint32",
                                                         "int32",  "float32", "bool",   "string", "array",
                                                         "uint64", "int64",   "float64"};
    const auto id = static_cast<uint32_t>(type);
    return id < kGgufValueTypeCount ? kNames[id] : "invalid";
}

// Bytes one value of a scalar type occupies; for strings, the length prefix alone (the
// fewest bytes a string can take), which bounds how many elements an array can hold.
constexpr size_t gguf_value_min_bytes(GgufValueType type) {
    switch (type) {
        case GgufValueType::Uint8:
        case GgufValueType::Int8:
        case GgufValueType::Bool:
            return 1;
        case GgufValueType::Uint16:
        case GgufValueType::Int16:
            return 2;
        case GgufValueType::Uint32:
        case GgufValueType::Int32:
        case GgufValueType::Float32:
            return 4;
        case GgufValueType::String:
        case GgufValueType::Uint64:
        case GgufValueType::Int64:
        case GgufValueType::Float64:
            return 8;
        case GgufValueType::Array:
            return 4 + 8;  // element type + count
    }
    return 1;
}

constexpr bool gguf_is_integer(GgufValueType type) {
    switch (type) {
        case GgufValueType::Uint8:
        case GgufValueType::Int8:
        case GgufValueType::Uint16:
        case GgufValueType::Int16:
        case GgufValueType::Uint32:
        case GgufValueType::Int32:
        case GgufValueType::Uint64:
        case GgufValueType::Int64:
            return true;
        default:
            return false;
    }
}

}  // namespace dlab
