#include "model/dequantize.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "common/error.h"

namespace dlab {

static_assert(std::endian::native == std::endian::little,
              "GGUF and llama2.c data are little-endian and read in place");

namespace {

// Below this many blocks a tensor decodes faster on one thread than the fork/join costs.
constexpr int64_t kParallelBlocks = 4096;

uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// The 6-bit scale and min of Q4_K sub-block j (0..7), packed into 12 bytes: sub-blocks
// 0..3 keep theirs in the low 6 bits of bytes j and j+4; sub-blocks 4..7 split theirs into
// a low nibble (byte j+4) and the top two bits of bytes j-4 and j.
void q4_k_scale_min(const uint8_t* scales /* [12] */, int j, int& sc, int& m) {
    if (j < 4) {
        sc = scales[j] & 63;
        m = scales[j + 4] & 63;
    } else {
        sc = (scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4);
        m = (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4);
    }
}

// Q8_0: f16 d, int8 qs[32]; x = d * q.
void decode_q8_0(const uint8_t* block /* [34] */, float* out /* [32] */) {
    const float d = f16_to_f32(load_u16(block));
    const auto* qs = reinterpret_cast<const int8_t*>(block + 2);
    for (int i = 0; i < 32; ++i) out[i] = d * qs[i];
}

// Q4_0: f16 d, uint8 qs[16]; low nibbles are elements 0..15, high nibbles 16..31.
void decode_q4_0(const uint8_t* block /* [18] */, float* out /* [32] */) {
    const float d = f16_to_f32(load_u16(block));
    const uint8_t* qs = block + 2;
    for (int j = 0; j < 16; ++j) {
        out[j] = d * ((qs[j] & 0xF) - 8);
        out[j + 16] = d * ((qs[j] >> 4) - 8);
    }
}

// Q4_K: f16 d, f16 dmin, scales[12], qs[128]; four chunks of 64 outputs, each chunk's
// 32 bytes giving two sub-blocks (low nibbles first, then high nibbles).
void decode_q4_k(const uint8_t* block /* [144] */, float* out /* [256] */) {
    const float d = f16_to_f32(load_u16(block));
    const float dmin = f16_to_f32(load_u16(block + 2));
    const uint8_t* scales = block + 4;
    const uint8_t* qs = block + 16;
    for (int c = 0; c < 4; ++c) {
        int sc_lo, m_lo, sc_hi, m_hi;
        q4_k_scale_min(scales, 2 * c, sc_lo, m_lo);
        q4_k_scale_min(scales, 2 * c + 1, sc_hi, m_hi);
        const float d_lo = d * sc_lo, min_lo = dmin * m_lo;
        const float d_hi = d * sc_hi, min_hi = dmin * m_hi;
        const uint8_t* q = qs + 32 * c;
        float* y = out + 64 * c;
        for (int l = 0; l < 32; ++l) {
            y[l] = d_lo * (q[l] & 0xF) - min_lo;
            y[l + 32] = d_hi * (q[l] >> 4) - min_hi;
        }
    }
}

// Q6_K: ql[128] (low 4 bits), qh[64] (high 2 bits), int8 scales[16], f16 d; two halves
// of 128 outputs, each spread over 64 ql bytes, 32 qh bytes and 8 scales.
void decode_q6_k(const uint8_t* block /* [210] */, float* out /* [256] */) {
    const uint8_t* ql = block;
    const uint8_t* qh = block + 128;
    const auto* sc = reinterpret_cast<const int8_t*>(block + 192);
    const float d = f16_to_f32(load_u16(block + 208));
    for (int h = 0; h < 2; ++h) {
        const uint8_t* lo = ql + 64 * h;
        const uint8_t* hi = qh + 32 * h;
        const int8_t* s = sc + 8 * h;
        float* y = out + 128 * h;
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            const int q1 = ((lo[l] & 0xF) | (((hi[l] >> 0) & 3) << 4)) - 32;
            const int q2 = ((lo[l + 32] & 0xF) | (((hi[l] >> 2) & 3) << 4)) - 32;
            const int q3 = ((lo[l] >> 4) | (((hi[l] >> 4) & 3) << 4)) - 32;
            const int q4 = ((lo[l + 32] >> 4) | (((hi[l] >> 6) & 3) << 4)) - 32;
            y[l] = d * s[is] * q1;
            y[l + 32] = d * s[is + 2] * q2;
            y[l + 64] = d * s[is + 4] * q3;
            y[l + 96] = d * s[is + 6] * q4;
        }
    }
}

template <typename DecodeBlock>
void decode_blocks(const uint8_t* src /* [n_blocks][block_bytes] */, int64_t n_blocks, size_t block_bytes,
                   int64_t block_elements, float* dst /* [n_blocks][block_elements] */,
                   DecodeBlock decode_block) {
#pragma omp parallel for schedule(static) if (n_blocks >= kParallelBlocks)
    for (int64_t b = 0; b < n_blocks; ++b) {
        decode_block(src + b * block_bytes, dst + b * block_elements);
    }
}

}  // namespace

float f16_to_f32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
    const uint32_t exponent = (h >> 10) & 0x1F;
    const uint32_t mantissa = h & 0x3FF;
    if (exponent == 0) {
        // zero or subnormal: mantissa × 2^-24, exact in F32
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
        return sign ? -magnitude : magnitude;
    }
    uint32_t bits;
    if (exponent == 31) {
        bits = sign | 0x7F800000u | (mantissa << 13);  // inf, or NaN keeping its payload
    } else {
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    }
    return std::bit_cast<float>(bits);
}

uint16_t f32_to_f16(float f) {
    const uint32_t x = std::bit_cast<uint32_t>(f);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
    const uint32_t magnitude = x & 0x7FFFFFFF;
    if (magnitude >= 0x7F800000u) {
        if (magnitude == 0x7F800000u) return sign | 0x7C00;
        return sign | 0x7E00 | static_cast<uint16_t>((magnitude >> 13) & 0x3FF);  // quiet NaN
    }
    const int exponent = static_cast<int>(magnitude >> 23) - 127 + 15;
    if (exponent >= 31) return sign | 0x7C00;
    if (exponent >= 1) {
        uint32_t half = (static_cast<uint32_t>(exponent) << 10) | ((magnitude >> 13) & 0x3FF);
        const uint32_t rest = magnitude & 0x1FFF;
        // a carry out of the mantissa correctly bumps the exponent (up to inf)
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) ++half;
        return sign | static_cast<uint16_t>(half);
    }
    // subnormal result: the 24-bit significand shifted down to units of 2^-24
    const int shift = 14 - exponent;
    if (shift > 24) return sign;
    const uint32_t significand = (magnitude & 0x7FFFFF) | 0x800000;
    uint32_t half = significand >> shift;
    const uint32_t rest = significand & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1))) ++half;
    return sign | static_cast<uint16_t>(half);
}

float bf16_to_f32(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

uint16_t f32_to_bf16(float f) {
    const uint32_t x = std::bit_cast<uint32_t>(f);
    if ((x & 0x7FFFFFFF) > 0x7F800000u) {
        return static_cast<uint16_t>((x >> 16) | 0x0040);  // NaN stays NaN, made quiet
    }
    const uint32_t rounding = 0x7FFF + ((x >> 16) & 1);
    return static_cast<uint16_t>((x + rounding) >> 16);
}

void dequantize(GgmlType type, const uint8_t* src, int64_t n_elements, float* dst) {
    GgmlTypeTraits traits;
    if (!ggml_type_traits(static_cast<uint32_t>(type), traits) || n_elements % traits.block_elements != 0) {
        throw InvalidArgument("dequantize: " + std::to_string(n_elements) + " elements of type id " +
                              std::to_string(static_cast<uint32_t>(type)));
    }
    const int64_t n_blocks = n_elements / traits.block_elements;
    const size_t bytes = traits.block_bytes;
    const int64_t per_block = traits.block_elements;
    switch (type) {
        case GgmlType::F32:
            std::memcpy(dst, src, static_cast<size_t>(n_elements) * sizeof(float));
            return;
        case GgmlType::F16:
            decode_blocks(src, n_blocks, bytes, per_block, dst,
                          [](const uint8_t* p, float* y) { *y = f16_to_f32(load_u16(p)); });
            return;
        case GgmlType::BF16:
            decode_blocks(src, n_blocks, bytes, per_block, dst,
                          [](const uint8_t* p, float* y) { *y = bf16_to_f32(load_u16(p)); });
            return;
        case GgmlType::Q8_0:
            decode_blocks(src, n_blocks, bytes, per_block, dst, decode_q8_0);
            return;
        case GgmlType::Q4_0:
            decode_blocks(src, n_blocks, bytes, per_block, dst, decode_q4_0);
            return;
        case GgmlType::Q4_K:
            decode_blocks(src, n_blocks, bytes, per_block, dst, decode_q4_k);
            return;
        case GgmlType::Q6_K:
            decode_blocks(src, n_blocks, bytes, per_block, dst, decode_q6_k);
            return;
    }
}

}  // namespace dlab
