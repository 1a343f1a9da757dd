// GGML tensor types DecodeLab reads, with their block geometry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dlab {

// Values are GGUF's on-disk type ids.
enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q8_0 = 8,
    Q4_K = 12,
    Q6_K = 14,
    BF16 = 30,
};

struct GgmlTypeTraits {
    const char* name;
    int64_t block_elements;  // elements per block (1 for float types)
    size_t block_bytes;      // bytes per block
};

// Traits of a supported type id; false when the id is unknown or unsupported.
bool ggml_type_traits(uint32_t type_id, GgmlTypeTraits& traits);
const char* ggml_type_name(GgmlType type);
// ggml's name for any type id, supported or not ("Q5_K", "IQ2_XS" …), or "unknown";
// lets an "unsupported type" error say what the file holds.
std::string ggml_type_id_name(uint32_t type_id);

// Bytes a row-major run of `n_elements` takes in `type`; throws InvalidArgument when
// n_elements is not a whole number of blocks.
size_t ggml_bytes(GgmlType type, int64_t n_elements);

}  // namespace dlab
