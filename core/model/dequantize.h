// Conversion of stored tensor data to F32 (and back for the float types, for the writer).
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/ggml_type.h"

namespace dlab {

float f16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);      // round to nearest even
float bf16_to_f32(uint16_t h);
uint16_t f32_to_bf16(float f);     // round to nearest even

// Decodes n_elements values of `type` from `src` into `dst` [n_elements]. n_elements must
// be a multiple of the type's block size (the caller checks sizes against the file).
void dequantize(GgmlType type, const uint8_t* src, int64_t n_elements, float* dst);

}  // namespace dlab
