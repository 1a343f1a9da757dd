// Dequantization of every supported tensor type against hand-built blocks. Expected values
// come from the formats' definitions (or are worked out by hand), never from the decoder.
#include <QTest>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "model/dequantize.h"
#include "model/ggml_type.h"

using namespace dlab;

namespace {

// F16 bit patterns of a few exactly representable values, worked out by hand:
// sign | 5-bit exponent (bias 15) | 10-bit mantissa.
constexpr uint16_t kHalfOne = 0x3C00;      // 1.0
constexpr uint16_t kHalfHalf = 0x3800;     // 0.5 = 2^-1
constexpr uint16_t kHalfQuarter = 0x3400;  // 0.25 = 2^-2
constexpr uint16_t kHalfEighth = 0x3000;   // 0.125 = 2^-3
constexpr uint16_t kHalfTwo = 0x4000;      // 2.0

void put_u16(std::vector<uint8_t>& block, size_t at, uint16_t value) {
    block[at] = static_cast<uint8_t>(value & 0xFF);  // little-endian
    block[at + 1] = static_cast<uint8_t>(value >> 8);
}

std::vector<float> decode(GgmlType type, const std::vector<uint8_t>& bytes, int64_t n) {
    std::vector<float> out(n, -12345.0f);
    dequantize(type, bytes.data(), n, out.data());
    return out;
}

}  // namespace

class TestDequant : public QObject {
    Q_OBJECT

private slots:
    void typeGeometry() {
        GgmlTypeTraits traits;
        QVERIFY(ggml_type_traits(12, traits));
        QCOMPARE(traits.block_elements, int64_t{256});
        QCOMPARE(traits.block_bytes, size_t{144});
        QVERIFY(ggml_type_traits(14, traits));
        QCOMPARE(traits.block_bytes, size_t{210});
        QVERIFY(!ggml_type_traits(3, traits));  // Q4_1: not decoded
        QVERIFY(!ggml_type_traits(999, traits));
        QCOMPARE(ggml_bytes(GgmlType::Q8_0, 64), size_t{68});
        QCOMPARE(ggml_bytes(GgmlType::Q4_0, 32), size_t{18});
        QCOMPARE(ggml_bytes(GgmlType::Q4_K, 512), size_t{288});
        QCOMPARE(ggml_bytes(GgmlType::BF16, 3), size_t{6});
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, ggml_bytes(GgmlType::Q6_K, 255));
        QCOMPARE(std::string(ggml_type_name(GgmlType::Q6_K)), std::string("Q6_K"));
        QCOMPARE(ggml_type_id_name(13), std::string("Q5_K"));
        QCOMPARE(ggml_type_id_name(4), std::string("unknown"));  // retired Q4_2
    }

    void f16ToF32() {
        QCOMPARE(f16_to_f32(kHalfOne), 1.0f);
        QCOMPARE(f16_to_f32(0xC000), -2.0f);
        QCOMPARE(f16_to_f32(0x3555), 0.333251953125f);               // 1.0101010101b × 2^-2
        QCOMPARE(f16_to_f32(0x7BFF), 65504.0f);                      // largest finite
        QCOMPARE(f16_to_f32(0x0400), std::ldexp(1.0f, -14));         // smallest normal
        QCOMPARE(f16_to_f32(0x0001), std::ldexp(1.0f, -24));         // smallest subnormal
        QCOMPARE(f16_to_f32(0x03FF), 1023 * std::ldexp(1.0f, -24));  // largest subnormal
        QCOMPARE(f16_to_f32(0x8001), -std::ldexp(1.0f, -24));
        QCOMPARE(f16_to_f32(0x7C00), INFINITY);
        QCOMPARE(f16_to_f32(0xFC00), -INFINITY);
        const float negative_zero = f16_to_f32(0x8000);
        QCOMPARE(negative_zero, 0.0f);
        QVERIFY(std::signbit(negative_zero));
        QVERIFY(!std::signbit(f16_to_f32(0x0000)));
        QVERIFY(std::isnan(f16_to_f32(0x7E00)));
        QVERIFY(std::isnan(f16_to_f32(0xFC01)));
    }

    void f32ToF16RoundsToNearestEven() {
        QCOMPARE(f32_to_f16(1.0f), kHalfOne);
        QCOMPARE(f32_to_f16(-2.0f), uint16_t{0xC000});
        QCOMPARE(f32_to_f16(65504.0f), uint16_t{0x7BFF});
        QCOMPARE(f32_to_f16(65519.0f), uint16_t{0x7BFF});  // below the halfway point 65520
        QCOMPARE(f32_to_f16(65520.0f), uint16_t{0x7C00});  // ties to even: overflows to inf
        QCOMPARE(f32_to_f16(1e10f), uint16_t{0x7C00});
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: the even mantissa (1) wins
        QCOMPARE(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), uint16_t{0x3C00});
        // 1 + 3·2^-11 lies halfway between mantissas 1 and 2: 2 is even
        QCOMPARE(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), uint16_t{0x3C02});
        QCOMPARE(f32_to_f16(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), uint16_t{0x3C01});
        // subnormal results, in units of 2^-24
        QCOMPARE(f32_to_f16(std::ldexp(1.0f, -24)), uint16_t{0x0001});
        QCOMPARE(f32_to_f16(std::ldexp(1.0f, -25)), uint16_t{0x0000});  // tie → 0
        QCOMPARE(f32_to_f16(std::ldexp(3.0f, -26)), uint16_t{0x0001});  // 0.75 units
        QCOMPARE(f32_to_f16(std::ldexp(3.0f, -25)), uint16_t{0x0002});  // 1.5 → 2
        QCOMPARE(f32_to_f16(std::ldexp(5.0f, -25)), uint16_t{0x0002});  // 2.5 → 2
        QCOMPARE(f32_to_f16(std::ldexp(1.0f, -14)), uint16_t{0x0400});
        QCOMPARE(f32_to_f16(std::ldexp(1.0f, -14) - std::ldexp(1.0f, -25)),
                 uint16_t{0x0400});  // 1023.5 units rounds up into the normals
        QCOMPARE(f32_to_f16(std::ldexp(1.0f, -40)), uint16_t{0x0000});
        QCOMPARE(f32_to_f16(-0.0f), uint16_t{0x8000});
        QCOMPARE(f32_to_f16(INFINITY), uint16_t{0x7C00});
        QCOMPARE(f32_to_f16(-INFINITY), uint16_t{0xFC00});
        const uint16_t nan = f32_to_f16(NAN);
        QCOMPARE(nan & 0x7C00, 0x7C00);
        QVERIFY((nan & 0x03FF) != 0);
    }

    void f16RoundTripsEveryValue() {
        for (uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
            const auto h = static_cast<uint16_t>(bits);
            const bool is_nan = (h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0;
            if (is_nan) continue;
            if (f32_to_f16(f16_to_f32(h)) != h) {
                QFAIL(qPrintable(QString("f16 0x%1 does not round-trip").arg(bits, 4, 16)));
            }
        }
    }

    void bf16() {
        QCOMPARE(bf16_to_f32(0x3F80), 1.0f);
        QCOMPARE(bf16_to_f32(0xC040), -3.0f);
        QCOMPARE(bf16_to_f32(0x7F80), INFINITY);
        QCOMPARE(bf16_to_f32(0x0001), std::ldexp(1.0f, -133));  // F32 subnormal 2^16·2^-149
        QVERIFY(std::signbit(bf16_to_f32(0x8000)));
        QVERIFY(std::isnan(bf16_to_f32(0x7FC0)));
        QCOMPARE(f32_to_bf16(1.0f), uint16_t{0x3F80});
        // 1 + 2^-8 is halfway between 0x3F80 and 0x3F81: even 0x3F80
        QCOMPARE(f32_to_bf16(std::bit_cast<float>(0x3F808000u)), uint16_t{0x3F80});
        QCOMPARE(f32_to_bf16(std::bit_cast<float>(0x3F818000u)), uint16_t{0x3F82});
        QCOMPARE(f32_to_bf16(std::bit_cast<float>(0x3F808001u)), uint16_t{0x3F81});
        QCOMPARE(f32_to_bf16(std::bit_cast<float>(0x7F7FFFFFu)), uint16_t{0x7F80});  // → inf
        QVERIFY(std::isnan(bf16_to_f32(f32_to_bf16(NAN))));

        std::vector<uint8_t> bytes(6);
        put_u16(bytes, 0, 0x3F80);
        put_u16(bytes, 2, 0xC040);
        put_u16(bytes, 4, 0x4049);  // 3.140625 = 1.1001001b × 2
        const std::vector<float> out = decode(GgmlType::BF16, bytes, 3);
        QCOMPARE(out, (std::vector<float>{1.0f, -3.0f, 3.140625f}));
    }

    void f16Tensor() {
        std::vector<uint8_t> bytes(8);
        put_u16(bytes, 0, kHalfOne);
        put_u16(bytes, 2, 0x8000);
        put_u16(bytes, 4, 0x0001);
        put_u16(bytes, 6, 0xFC00);
        const std::vector<float> out = decode(GgmlType::F16, bytes, 4);
        QCOMPARE(out[0], 1.0f);
        QVERIFY(out[1] == 0.0f && std::signbit(out[1]));
        QCOMPARE(out[2], std::ldexp(1.0f, -24));
        QCOMPARE(out[3], -INFINITY);
    }

    void f32Tensor() {
        const std::vector<float> values{1.5f, -0.0f, 3e38f, 1e-45f};
        std::vector<uint8_t> bytes(sizeof(float) * values.size());
        std::memcpy(bytes.data(), values.data(), bytes.size());
        const std::vector<float> out = decode(GgmlType::F32, bytes, 4);
        QCOMPARE(std::memcmp(out.data(), values.data(), bytes.size()), 0);
    }

    void q8_0() {
        // two blocks: d = 0.5 with q = i - 16, then d = 2 with the int8 extremes
        std::vector<uint8_t> bytes(2 * 34);
        put_u16(bytes, 0, kHalfHalf);
        for (int i = 0; i < 32; ++i) bytes[2 + i] = static_cast<uint8_t>(static_cast<int8_t>(i - 16));
        put_u16(bytes, 34, kHalfTwo);
        for (int i = 0; i < 32; ++i) bytes[36 + i] = static_cast<uint8_t>(i % 2 ? 127 : -128);
        const std::vector<float> out = decode(GgmlType::Q8_0, bytes, 64);
        for (int i = 0; i < 32; ++i) QCOMPARE(out[i], 0.5f * (i - 16));
        for (int i = 0; i < 32; ++i) QCOMPARE(out[32 + i], i % 2 ? 254.0f : -256.0f);
        QCOMPARE(out[0], -8.0f);  // by hand: 0.5 × (0 − 16)
    }

    void q4_0NibbleOrder() {
        // byte j holds element j in its low nibble and element j + 16 in its high nibble
        std::vector<uint8_t> bytes(18);
        put_u16(bytes, 0, kHalfTwo);
        for (int j = 0; j < 16; ++j) bytes[2 + j] = static_cast<uint8_t>(j | ((15 - j) << 4));
        const std::vector<float> out = decode(GgmlType::Q4_0, bytes, 32);
        for (int j = 0; j < 16; ++j) {
            QCOMPARE(out[j], 2.0f * (j - 8));
            QCOMPARE(out[j + 16], 2.0f * ((15 - j) - 8));
        }
        // by hand: byte 0 = 0xF0 → element 0 = 2·(0−8), element 16 = 2·(15−8)
        QCOMPARE(out[0], -16.0f);
        QCOMPARE(out[16], 14.0f);
        QCOMPARE(out[1], -14.0f);  // byte 1 = 0xE1: low nibble 1
        QCOMPARE(out[17], 12.0f);  //             high nibble 14
    }

    void q4_k() {
        // chosen 6-bit scales and mins; sub-blocks 4..7 use the top bits, which the
        // packing splits across bytes
        const int sc[8] = {1, 2, 3, 63, 17, 33, 48, 63};
        const int m[8] = {0, 5, 63, 7, 18, 40, 63, 1};
        std::vector<uint8_t> bytes(144, 0);
        put_u16(bytes, 0, kHalfHalf);     // d = 0.5
        put_u16(bytes, 2, kHalfQuarter);  // dmin = 0.25
        uint8_t* scales = bytes.data() + 4;
        for (int j = 0; j < 4; ++j) {
            scales[j] = static_cast<uint8_t>(sc[j] | ((sc[j + 4] >> 4) << 6));
            scales[j + 4] = static_cast<uint8_t>(m[j] | ((m[j + 4] >> 4) << 6));
            scales[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4));
        }
        // 4-bit quant of output i: 64-output chunk c = i / 64 lives in bytes 32c..32c+31,
        // its first 32 outputs in the low nibbles, the next 32 in the high nibbles
        auto quant = [](int i) { return (i * 5 + 3) % 16; };
        uint8_t* qs = bytes.data() + 16;
        for (int i = 0; i < 256; ++i) {
            const int c = i / 64, within = i % 64;
            uint8_t& byte = qs[32 * c + within % 32];
            byte |= static_cast<uint8_t>(within < 32 ? quant(i) : quant(i) << 4);
        }
        const std::vector<float> out = decode(GgmlType::Q4_K, bytes, 256);
        for (int i = 0; i < 256; ++i) {
            const int sub = i / 32;  // sub-blocks of 32 outputs in order
            const float expected = 0.5f * sc[sub] * quant(i) - 0.25f * m[sub];
            QCOMPARE(out[i], expected);
        }
        // by hand: output 255 is sub-block 7 (sc 63, m 1), quant (1275+3)%16 = 14:
        // 0.5·63·14 − 0.25·1 = 440.75
        QCOMPARE(out[255], 440.75f);
        // output 160 is sub-block 5 (sc 33, m 40), quant 803 % 16 = 3: 49.5 − 10 = 39.5
        QCOMPARE(out[160], 39.5f);
    }

    void q6_k() {
        // chosen 6-bit quants and signed scales; output i uses scale i / 16
        auto quant = [](int i) { return (i * 7 + 3) % 64; };
        auto scale = [](int k) { return (k * 13) % 41 - 20; };
        std::vector<uint8_t> bytes(210, 0);
        uint8_t* ql = bytes.data();
        uint8_t* qh = bytes.data() + 128;
        for (int k = 0; k < 16; ++k) bytes[192 + k] = static_cast<uint8_t>(static_cast<int8_t>(scale(k)));
        put_u16(bytes, 208, kHalfEighth);  // d = 0.125
        // each half of 128 outputs has 64 ql bytes and 32 qh bytes: output l + 32r
        // (r = 0..3) takes its low 4 bits from ql[l + 32(r & 1)] (low nibble for r < 2)
        // and its high 2 bits from bits 2r..2r+1 of qh[l]
        for (int i = 0; i < 256; ++i) {
            const int h = i / 128, r = (i % 128) / 32, l = i % 32;
            const int q = quant(i);
            uint8_t& low = ql[64 * h + l + 32 * (r & 1)];
            low |= static_cast<uint8_t>(r < 2 ? (q & 0xF) : (q & 0xF) << 4);
            qh[32 * h + l] |= static_cast<uint8_t>((q >> 4) << (2 * r));
        }
        const std::vector<float> out = decode(GgmlType::Q6_K, bytes, 256);
        for (int i = 0; i < 256; ++i) {
            QCOMPARE(out[i], 0.125f * scale(i / 16) * (quant(i) - 32));
        }
        // by hand: output 0 has quant 3 and scale −20: 0.125·(−20)·(3 − 32) = 72.5
        QCOMPARE(out[0], 72.5f);
        // output 200: quant 1403 % 64 = 59, scale k = 12: 156 % 41 − 20 = 13;
        // 0.125·13·27 = 43.875
        QCOMPARE(out[200], 43.875f);
    }

    void manyBlocksDecodeInParallel() {
        // enough Q8_0 blocks to take the multi-threaded path; block b has d = 1, q = b % 100
        const int n_blocks = 10000;
        std::vector<uint8_t> bytes(static_cast<size_t>(n_blocks) * 34);
        for (int b = 0; b < n_blocks; ++b) {
            put_u16(bytes, 34 * b, kHalfOne);
            std::memset(&bytes[34 * b + 2], b % 100, 32);
        }
        const std::vector<float> out = decode(GgmlType::Q8_0, bytes, int64_t{n_blocks} * 32);
        for (int b = 0; b < n_blocks; ++b) {
            if (out[32 * b] != float(b % 100) || out[32 * b + 31] != float(b % 100)) {
                QFAIL(qPrintable(QString("block %1 decoded wrongly").arg(b)));
            }
        }
    }

    void rejectsPartialBlocks() {
        std::vector<uint8_t> bytes(34);
        std::vector<float> out(40);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, dequantize(GgmlType::Q8_0, bytes.data(), 40, out.data()));
    }
};

QTEST_APPLESS_MAIN(TestDequant)
#include "test_dequant.moc"
