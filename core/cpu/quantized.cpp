// Quantized weights widened to fp32 (cpu_kernels.h's dequantizeRows): AWQ's 4-bit groups as
// Weights repacks them, and FP8 e4m3 with block scales. Every value is computed the same way on
// every ISA: Q4 is (q - z) * s, exact in fp32 (|q - z| <= 15 times an fp16 scale fits in 24 bits);
// F8E4M3 is one fp32 product of an exact e4m3 value and its block's scale.
#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/cpu/cpu_kernels.h"
#include "core/cpu/kernels_detail.h"

#if defined(QE_CPU_HAVE_AVX2_KERNELS)
#include <immintrin.h>
#define QE_AVX512 __attribute__((target("avx512f,avx2,fma,f16c")))
#endif

namespace qe::cpu {

namespace {

std::array<float, 256> makeE4m3Table() {
    std::array<float, 256> table{};
    for (int v = 0; v < 256; ++v) {
        const int sign = v >> 7, exponent = (v >> 3) & 15, mantissa = v & 7;
        float f;
        if (exponent == 15 && mantissa == 7) f = std::numeric_limits<float>::quiet_NaN();  // e4m3fn: no infinities
        else if (exponent == 0) f = std::ldexp(float(mantissa), -9);                     // subnormal: m * 2^-6 / 8
        else f = std::ldexp(float(8 + mantissa), exponent - 10);                          // (1 + m/8) * 2^(e - 7)
        table[std::size_t(v)] = sign ? -f : f;
    }
    return table;
}

const std::array<float, 256> kE4m3 = makeE4m3Table();

void dequantizeQ4RowScalar(const MatrixView& w, std::int64_t row, float* out) {
    const std::int64_t groups = w.cols / w.groupSize, half = w.groupSize / 2;
    const auto* bytes = static_cast<const std::uint8_t*>(w.data) + row * (w.cols / 2);
    for (std::int64_t g = 0; g < groups; ++g) {
        const float s = w.scales[row * groups + g], z = float(w.zeros[row * groups + g]);
        const std::uint8_t* b = bytes + g * half;
        float* o = out + g * w.groupSize;
        for (std::int64_t j = 0; j < half; ++j) {
            o[j] = (float(b[j] & 15) - z) * s;
            o[j + half] = (float(b[j] >> 4) - z) * s;
        }
    }
}

#if defined(QE_CPU_HAVE_AVX2_KERNELS)
// The same values 16 at a time, for groups whose half is a multiple of 16 (AWQ's 128 and 64).
QE_AVX512 void dequantizeQ4RowAvx512(const MatrixView& w, std::int64_t row, float* out) {
    const std::int64_t groups = w.cols / w.groupSize, half = w.groupSize / 2;
    const auto* bytes = static_cast<const std::uint8_t*>(w.data) + row * (w.cols / 2);
    const __m512i low = _mm512_set1_epi32(15);
    for (std::int64_t g = 0; g < groups; ++g) {
        const __m512 s = _mm512_set1_ps(w.scales[row * groups + g]);
        const __m512 z = _mm512_set1_ps(float(w.zeros[row * groups + g]));
        const std::uint8_t* b = bytes + g * half;
        float* o = out + g * w.groupSize;
        for (std::int64_t j = 0; j < half; j += 16) {
            const __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + j)));
            const __m512 lo = _mm512_cvtepi32_ps(_mm512_and_si512(v, low));
            const __m512 hi = _mm512_cvtepi32_ps(_mm512_srli_epi32(v, 4));
            _mm512_storeu_ps(o + j, _mm512_mul_ps(_mm512_sub_ps(lo, z), s));
            _mm512_storeu_ps(o + j + half, _mm512_mul_ps(_mm512_sub_ps(hi, z), s));
        }
    }
}

// Sixteen e4m3 bytes at a time, exactly as the table: exponent and mantissa moved to fp32's places
// with the exponent rebiased by 120; a subnormal (exponent 0) is (1 + m/8) 2^-6 - 2^-6, exact, so
// no fp32 subnormal is ever an operand (each would cost a microcode assist); 0x7f and 0xff are NaN.
QE_AVX512 void dequantizeF8RangeAvx512(const std::uint8_t* bytes, std::int64_t n, float scale, float* out) {
    const __m512 s = _mm512_set1_ps(scale);
    const __m512i magnitude = _mm512_set1_epi32(0x7f), nan = _mm512_set1_epi32(0x7fc00000);
    std::int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i)));
        const __m512i m = _mm512_and_si512(v, magnitude);
        const __m512i bits = _mm512_slli_epi32(m, 20);
        __m512 f = _mm512_castsi512_ps(_mm512_add_epi32(bits, _mm512_set1_epi32(120 << 23)));
        f = _mm512_mask_sub_ps(f, _mm512_cmplt_epi32_mask(bits, _mm512_set1_epi32(1 << 23)),
                               _mm512_castsi512_ps(_mm512_add_epi32(bits, _mm512_set1_epi32(121 << 23))),
                               _mm512_set1_ps(0x1p-6f));
        f = _mm512_mask_mov_ps(f, _mm512_cmpeq_epi32_mask(m, magnitude), _mm512_castsi512_ps(nan));
        const __m512i sign = _mm512_slli_epi32(_mm512_andnot_si512(magnitude, v), 24);
        f = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(f), sign));
        _mm512_storeu_ps(out + i, _mm512_mul_ps(f, s));
    }
    for (; i < n; ++i) out[i] = kE4m3[bytes[i]] * scale;
}
#endif

void dequantizeF8Row(const MatrixView& w, std::int64_t row, float* out) {
    const std::int64_t blockCols = (w.cols + w.groupSize - 1) / w.groupSize;
    const float* scales = w.scales + (row / w.blockRows) * blockCols;
    const auto* bytes = static_cast<const std::uint8_t*>(w.data) + row * w.cols;
    for (std::int64_t b = 0; b < blockCols; ++b) {
        const std::int64_t begin = b * w.groupSize, n = std::min(w.groupSize, w.cols - begin);
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
        if (activeIsa() == Isa::Avx512) {
            dequantizeF8RangeAvx512(bytes + begin, n, scales[b], out + begin);
            continue;
        }
#endif
        for (std::int64_t c = 0; c < n; ++c) out[begin + c] = kE4m3[bytes[begin + c]] * scales[b];
    }
}

}  // namespace

float e4m3ToFloat(std::uint8_t v) { return kE4m3[v]; }

void dequantizeRows(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, float* out) {
    for (std::int64_t r = rowBegin; r < rowEnd; ++r, out += w.cols) {
        switch (w.type) {
        case WeightType::Q4:
            assert(w.groupSize > 0 && w.cols % w.groupSize == 0 && w.groupSize % 2 == 0);
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
            if (activeIsa() == Isa::Avx512 && w.groupSize % 32 == 0) {
                dequantizeQ4RowAvx512(w, r, out);
                break;
            }
#endif
            dequantizeQ4RowScalar(w, r, out);
            break;
        case WeightType::F8E4M3: dequantizeF8Row(w, r, out); break;
        case WeightType::F32:
        case WeightType::BF16:
        case WeightType::F16: rowToFloat(w, r, out); break;
        }
    }
}

}  // namespace qe::cpu
