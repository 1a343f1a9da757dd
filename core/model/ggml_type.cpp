#include "model/ggml_type.h"

#include <string>

#include "common/error.h"

namespace dlab {

namespace {

struct TypeEntry {
    GgmlType type;
    GgmlTypeTraits traits;
};

// Block geometry from ggml's type definitions: a block holds its scale(s) and packed
// quants, so block_bytes includes the f16 scales.
constexpr TypeEntry kTypes[] = {
    {GgmlType::F32, {"F32", 1, 4}},
    {GgmlType::F16, {"F16", 1, 2}},
    {GgmlType::Q4_0, {"Q4_0", 32, 2 + 16}},
    {GgmlType::Q8_0, {"Q8_0", 32, 2 + 32}},
    {GgmlType::Q4_K, {"Q4_K", 256, 2 + 2 + 12 + 128}},
    {GgmlType::Q6_K, {"Q6_K", 256, 128 + 64 + 16 + 2}},
    {GgmlType::BF16, {"BF16", 1, 2}},
};

// ggml's name of every type id, decoded here or not, so that an "unsupported type" error
// can say what the file holds. Index = type id; null for ids ggml has retired.
constexpr const char* kOtherTypeNames[] = {
    "F32",    "F16",   "Q4_0",  "Q4_1",   nullptr, nullptr, "Q5_0",    "Q5_1",   "Q8_0",    "Q8_1",
    "Q2_K",   "Q3_K",  "Q4_K",  "Q5_K",   "Q6_K",  "Q8_K",  "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S",
    "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8",    "I16",   "I32",     "I64",    "F64",     "IQ1_M",
    "BF16",   nullptr, nullptr, nullptr,  "TQ1_0", "TQ2_0", nullptr,   nullptr,  nullptr,   "MXFP4",
};

}  // namespace

bool ggml_type_traits(uint32_t type_id, GgmlTypeTraits& traits) {
    for (const TypeEntry& entry : kTypes) {
        if (static_cast<uint32_t>(entry.type) == type_id) {
            traits = entry.traits;
            return true;
        }
    }
    return false;
}

const char* ggml_type_name(GgmlType type) {
    GgmlTypeTraits traits;
    return ggml_type_traits(static_cast<uint32_t>(type), traits) ? traits.name : "?";
}

std::string ggml_type_id_name(uint32_t type_id) {
    constexpr uint32_t n_names = sizeof(kOtherTypeNames) / sizeof(kOtherTypeNames[0]);
    if (type_id < n_names && kOtherTypeNames[type_id] != nullptr) {
        return kOtherTypeNames[type_id];
    }
    return "unknown";
}

size_t ggml_bytes(GgmlType type, int64_t n_elements) {
    GgmlTypeTraits traits;
    if (!ggml_type_traits(static_cast<uint32_t>(type), traits)) {
        throw InvalidArgument("ggml_bytes: unsupported type id " +
                              std::to_string(static_cast<uint32_t>(type)));
    }
    if (n_elements < 0 || n_elements % traits.block_elements != 0) {
        throw InvalidArgument(std::string("ggml_bytes: ") + std::to_string(n_elements) +
                              " elements is not a whole number of " + traits.name + " blocks of " +
                              std::to_string(traits.block_elements));
    }
    return static_cast<size_t>(n_elements / traits.block_elements) * traits.block_bytes;
}

}  // namespace dlab
