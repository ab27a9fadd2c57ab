// AVX2+FMA+F16C kernels: matrix-vector for decode, packed register-blocked GEMM for prefill,
// attention's loops over the cached positions, and the vector helpers. Thread mapping: none here;
// each call computes the output rows (or query heads) it is given on the calling thread
// (matmul.cpp splits 16-row blocks of the outputs across the pool, the attention its tasks).
//
// Only functions marked QE_AVX2 use AVX2 instructions; the file is compiled with the project's
// default flags, so no inline function or template shared with other files is ever emitted with
// AVX2 code (which the linker could pick for a non-AVX2 caller).
#include "core/cpu/kernels_detail.h"

#if defined(QE_CPU_HAVE_AVX2_KERNELS)

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cmath>

#define QE_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace qe::cpu::detail {

namespace {

// GEMM blocking: an output panel of kNr weight rows is converted to fp32 and packed for a K-block
// of kKc columns ([kKc][kNr] floats = 16 KiB, stays in L1); each micro-kernel call then computes a
// tile of kMr tokens x kNr outputs in 12 ymm accumulators. Tokens are taken kMc at a time so the
// x slice (kMc x kKc floats = 192 KiB) stays in L2.
constexpr std::int64_t kNr = kRowBlock;  // 16 outputs = 2 ymm
constexpr int kMr = 6;
constexpr std::int64_t kKc = kGemmKc;
constexpr std::int64_t kMc = 192;

// Eight consecutive weights from element k of a row, widened to fp32.
template <WeightType Type>
QE_AVX2 inline __m256 load8(const unsigned char* row, std::int64_t k) {
    if constexpr (Type == WeightType::F32) {
        return _mm256_loadu_ps(reinterpret_cast<const float*>(row + 4 * k));
    } else if constexpr (Type == WeightType::BF16) {
        // bf16 is the upper half of an fp32: zero-extend to 32 bits and shift left by 16.
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * k));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    } else {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * k)));
    }
}

QE_AVX2 inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// ---- matrix-vector (decode) ----------------------------------------------------------------

// Rows x Tokens outputs: streams Rows weight rows once, reusing each widened weight vector for
// all tokens. Per row and token: one ymm accumulator over k in steps of 8, horizontal sum, then a
// scalar tail; the order does not depend on Rows, so every block size gives identical results.
template <WeightType Type, int Rows, int Tokens>
QE_AVX2 void matvecBlock(const unsigned char* w0, std::int64_t rowStride, std::int64_t k, const float* x,
                         std::int64_t ldx, float* y, std::int64_t ldy) {
    __m256 acc[Tokens][Rows];
    #pragma GCC unroll 16
    for (int tok = 0; tok < Tokens; ++tok)
        #pragma GCC unroll 16
        for (int r = 0; r < Rows; ++r) acc[tok][r] = _mm256_setzero_ps();
    std::int64_t i = 0;
    for (; i + 8 <= k; i += 8) {
        __m256 xv[Tokens];
        #pragma GCC unroll 16
        for (int tok = 0; tok < Tokens; ++tok) xv[tok] = _mm256_loadu_ps(x + tok * ldx + i);
        #pragma GCC unroll 16
        for (int r = 0; r < Rows; ++r) {
            const __m256 wv = load8<Type>(w0 + r * rowStride, i);
            #pragma GCC unroll 16
            for (int tok = 0; tok < Tokens; ++tok) acc[tok][r] = _mm256_fmadd_ps(wv, xv[tok], acc[tok][r]);
        }
    }
    #pragma GCC unroll 16
    for (int tok = 0; tok < Tokens; ++tok) {
        #pragma GCC unroll 16
        for (int r = 0; r < Rows; ++r) {
            float s = hsum(acc[tok][r]);
            for (std::int64_t j = i; j < k; ++j) s += loadWeight(w0 + r * rowStride, Type, j) * x[tok * ldx + j];
            y[tok * ldy + r] = s;
        }
    }
}

// Rows per block chosen so Tokens*Rows accumulators + Tokens x vectors fit in 16 ymm registers.
template <int Tokens>
constexpr int matvecRowsPerBlock() {
    return Tokens == 1 ? 8 : Tokens == 2 ? 4 : 3;
}

template <WeightType Type, int Tokens>
QE_AVX2 void matvecRange(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                         std::int64_t ldx, float* y, std::int64_t ldy) {
    constexpr int kRows = matvecRowsPerBlock<Tokens>();
    const std::int64_t stride = w.cols * std::int64_t(weightTypeSize(Type));
    std::int64_t o = rowBegin;
    for (; o + kRows <= rowEnd; o += kRows)
        matvecBlock<Type, kRows, Tokens>(rowBytes(w, o), stride, w.cols, x, ldx, y + o, ldy);
    for (; o < rowEnd; ++o) matvecBlock<Type, 1, Tokens>(rowBytes(w, o), stride, w.cols, x, ldx, y + o, ldy);
}

// One token: rows one after another, each with four accumulators over k (steps of 32), so the
// weights are read strictly in memory order (rows are contiguous) and the hardware prefetcher sees
// one stream per thread. Interleaving 8 rows, as matvecBlock does for more tokens, starts 8 new
// streams every row block; on the 0.6B decode this kernel took end-to-end decode from a median of
// 17.7 to 19.9 tok/s (docs/perf/cpu.md). Software prefetch on top of it showed no gain beyond noise.
template <WeightType Type>
QE_AVX2 void matvecSingleToken(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                               float* y) {
    const std::int64_t k = w.cols;
    for (std::int64_t o = rowBegin; o < rowEnd; ++o) {
        const unsigned char* row = rowBytes(w, o);
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        std::int64_t i = 0;
        for (; i + 32 <= k; i += 32) {
            a0 = _mm256_fmadd_ps(load8<Type>(row, i), _mm256_loadu_ps(x + i), a0);
            a1 = _mm256_fmadd_ps(load8<Type>(row, i + 8), _mm256_loadu_ps(x + i + 8), a1);
            a2 = _mm256_fmadd_ps(load8<Type>(row, i + 16), _mm256_loadu_ps(x + i + 16), a2);
            a3 = _mm256_fmadd_ps(load8<Type>(row, i + 24), _mm256_loadu_ps(x + i + 24), a3);
        }
        for (; i + 8 <= k; i += 8) a0 = _mm256_fmadd_ps(load8<Type>(row, i), _mm256_loadu_ps(x + i), a0);
        float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
        for (; i < k; ++i) s += loadWeight(row, Type, i) * x[i];
        y[o] = s;
    }
}

// matvecSingleToken over a Q4 matrix: the same order of operations on the same fp32 values (each
// widened exactly as dequantizeRows does, (q - z) * s, 8 at a time in registers), so the same bits
// as the F32 matrix of the dequantized values, without widening rows into a buffer first. With
// groupSize % 32 == 0 the 32-wide steps never cross a group and rows end on one (no 8-wide steps,
// no scalar tail).
QE_AVX2 inline __m256 loadQ4x8(const std::uint8_t* row, std::int64_t groupStart, std::int64_t half, std::int64_t i,
                               __m256 scale, __m256 zero) {
    const std::int64_t j = i - groupStart;
    const bool high = j >= half;
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + groupStart / 2 + (high ? j - half : j)));
    const __m256i v = high ? _mm256_srli_epi32(_mm256_cvtepu8_epi32(b), 4)
                           : _mm256_and_si256(_mm256_cvtepu8_epi32(b), _mm256_set1_epi32(15));
    return _mm256_mul_ps(_mm256_sub_ps(_mm256_cvtepi32_ps(v), zero), scale);
}

// Rows are taken kMatvecRowGroup at a time (a multiple of every kRows above), and all token groups
// of four run over that group before moving on, so the group's weights come from L1/L2 after the
// first token group: weights are read from memory once whatever numTokens is.
constexpr std::int64_t kMatvecRowGroup = 24;

template <WeightType Type>
QE_AVX2 void matvecTyped(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                         std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy) {
    if (numTokens == 1) return matvecSingleToken<Type>(w, rowBegin, rowEnd, x, y);
    for (std::int64_t group = rowBegin; group < rowEnd; group += kMatvecRowGroup) {
        const std::int64_t groupEnd = std::min(rowEnd, group + kMatvecRowGroup);
        for (std::int64_t tok = 0; tok < numTokens; tok += 4) {
            const float* xt = x + tok * ldx;
            float* yt = y + tok * ldy;
            switch (std::min<std::int64_t>(4, numTokens - tok)) {
            case 1: matvecRange<Type, 1>(w, group, groupEnd, xt, ldx, yt, ldy); break;
            case 2: matvecRange<Type, 2>(w, group, groupEnd, xt, ldx, yt, ldy); break;
            case 3: matvecRange<Type, 3>(w, group, groupEnd, xt, ldx, yt, ldy); break;
            default: matvecRange<Type, 4>(w, group, groupEnd, xt, ldx, yt, ldy); break;
            }
        }
    }
}

// ---- GEMM (prefill) ------------------------------------------------------------------------

// In-register transpose: on return v[j] holds element j of each of the 8 inputs.
QE_AVX2 inline void transpose8(__m256 v[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]), t1 = _mm256_unpackhi_ps(v[0], v[1]);
    const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]), t3 = _mm256_unpackhi_ps(v[2], v[3]);
    const __m256 t4 = _mm256_unpacklo_ps(v[4], v[5]), t5 = _mm256_unpackhi_ps(v[4], v[5]);
    const __m256 t6 = _mm256_unpacklo_ps(v[6], v[7]), t7 = _mm256_unpackhi_ps(v[6], v[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    v[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    v[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    v[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    v[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    v[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    v[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    v[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    v[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// packed[kk * ld + r] = w[row0 + r, k0 + kk] as fp32, for r < width (a multiple of 8; rows past
// `rows` are zero). packed must be 32-byte aligned and ld a multiple of 8.
template <WeightType Type>
QE_AVX2 void packPanel(const MatrixView& w, std::int64_t row0, std::int64_t rows, std::int64_t k0, std::int64_t kc,
                       float* packed, std::int64_t width, std::int64_t ld) {
    for (std::int64_t g = 0; g < width; g += 8) {
        const std::int64_t valid = std::clamp<std::int64_t>(rows - g, 0, 8);
        std::int64_t kk = 0;
        if (valid == 8) {
            for (; kk + 8 <= kc; kk += 8) {
                __m256 v[8];
                #pragma GCC unroll 16
                for (int r = 0; r < 8; ++r) v[r] = load8<Type>(rowBytes(w, row0 + g + r), k0 + kk);
                transpose8(v);
                #pragma GCC unroll 16
                for (int j = 0; j < 8; ++j) _mm256_store_ps(packed + (kk + j) * ld + g, v[j]);
            }
        }
        for (; kk < kc; ++kk)
            for (std::int64_t r = 0; r < 8; ++r)
                packed[kk * ld + g + r] = r < valid ? loadWeight(rowBytes(w, row0 + g + r), Type, k0 + kk) : 0.0f;
    }
}

// c[i, 0..16) (+)= sum_kk x[i, kk] * packed[kk, 0..16) for i < Mr. x rows are broadcast one
// element at a time; two packed vectors per kk serve all Mr rows.
template <int Mr>
QE_AVX2 void microKernel(const float* x, std::int64_t ldx, const float* packed, std::int64_t kc, float* c,
                         std::int64_t ldc, bool accumulate) {
    __m256 acc[Mr][2];
    #pragma GCC unroll 16
    for (int i = 0; i < Mr; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    #pragma GCC unroll 4
    for (std::int64_t kk = 0; kk < kc; ++kk) {
        const __m256 b0 = _mm256_load_ps(packed + kk * kNr);
        const __m256 b1 = _mm256_load_ps(packed + kk * kNr + 8);
        #pragma GCC unroll 16
        for (int i = 0; i < Mr; ++i) {
            const __m256 a = _mm256_broadcast_ss(x + i * ldx + kk);
            acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
        }
    }
    #pragma GCC unroll 16
    for (int i = 0; i < Mr; ++i) {
        if (accumulate) {
            acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(c + i * ldc));
            acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(c + i * ldc + 8));
        }
        _mm256_storeu_ps(c + i * ldc, acc[i][0]);
        _mm256_storeu_ps(c + i * ldc + 8, acc[i][1]);
    }
}

constexpr std::array kMicroKernels{&microKernel<1>, &microKernel<2>, &microKernel<3>,
                                   &microKernel<4>, &microKernel<5>, &microKernel<6>};  // [mr - 1]

// One token tile against one packed panel. A panel narrower than kNr (the last rows of a matrix)
// goes through a local tile so the kernel never writes past the valid outputs.
QE_AVX2 void gemmTile(int mr, std::int64_t nr, const float* x, std::int64_t ldx, const float* packed, std::int64_t kc,
                      float* y, std::int64_t ldy, bool accumulate) {
    const auto kernel = kMicroKernels[std::size_t(mr - 1)];
    if (nr == kNr) return kernel(x, ldx, packed, kc, y, ldy, accumulate);
    alignas(32) float tile[kMr * kNr] = {};
    if (accumulate) copyTile(y, ldy, tile, kNr, mr, nr);
    kernel(x, ldx, packed, kc, tile, kNr, accumulate);
    copyTile(tile, kNr, y, ldy, mr, nr);
}

// Loop order: token block (kMc) > output panel (kNr) > K block (kKc, pack once) > token tile (kMr).
// y is written on the first K block and accumulated on later ones.
template <WeightType Type>
QE_AVX2 void gemmTyped(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                       std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy) {
    alignas(64) float packed[kKc * kNr];  // [kKc][kNr], 16 KiB on the stack: no allocation
    const std::int64_t k = w.cols;
    for (std::int64_t tok0 = 0; tok0 < numTokens; tok0 += kMc) {
        const std::int64_t mc = std::min(kMc, numTokens - tok0);
        for (std::int64_t o = rowBegin; o < rowEnd; o += kNr) {
            const std::int64_t nr = std::min(kNr, rowEnd - o);
            for (std::int64_t k0 = 0; k0 < k; k0 += kKc) {
                const std::int64_t kc = std::min(kKc, k - k0);
                packPanel<Type>(w, o, nr, k0, kc, packed, kNr, kNr);
                for (std::int64_t tok = tok0; tok < tok0 + mc; tok += kMr) {
                    const int mr = int(std::min<std::int64_t>(kMr, tok0 + mc - tok));
                    gemmTile(mr, nr, x + tok * ldx + k0, ldx, packed, kc, y + tok * ldy + o, ldy, k0 > 0);
                }
            }
            if (k == 0)  // empty reduction: the products are zero
                for (std::int64_t tok = tok0; tok < tok0 + mc; ++tok) std::fill(y + tok * ldy + o, y + tok * ldy + o + nr, 0.0f);
        }
    }
}

template <WeightType Type>
QE_AVX2 void rowToFloatTyped(const unsigned char* row, std::int64_t k, float* out) {
    std::int64_t i = 0;
    for (; i + 8 <= k; i += 8) _mm256_storeu_ps(out + i, load8<Type>(row, i));
    for (; i < k; ++i) out[i] = loadWeight(row, Type, i);
}

}  // namespace

QE_AVX2 void matvecRowsAvx2(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                            std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy) {
    switch (w.type) {
    case WeightType::F32: return matvecTyped<WeightType::F32>(w, rowBegin, rowEnd, x, numTokens, ldx, y, ldy);
    case WeightType::BF16: return matvecTyped<WeightType::BF16>(w, rowBegin, rowEnd, x, numTokens, ldx, y, ldy);
    case WeightType::F16: return matvecTyped<WeightType::F16>(w, rowBegin, rowEnd, x, numTokens, ldx, y, ldy);
    case WeightType::Q4:
    case WeightType::F8E4M3: break;  // widened to F32 before any kernel (matmul.cpp, rowToFloat)
    }
}

bool matvecQ4Supported(const MatrixView& w) {
    return w.type == WeightType::Q4 && w.groupSize % 32 == 0 && w.cols % w.groupSize == 0;
}

QE_AVX2 void matvecQ4Avx2(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x, float* y) {
    const std::int64_t k = w.cols, groups = k / w.groupSize, half = w.groupSize / 2;
    for (std::int64_t o = rowBegin; o < rowEnd; ++o) {
        const auto* row = static_cast<const std::uint8_t*>(w.data) + o * storedRowBytes(w);
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (std::int64_t gi = 0, i = 0; gi < groups; ++gi) {
            const std::int64_t start = gi * w.groupSize;
            const __m256 scale = _mm256_set1_ps(w.scales[o * groups + gi]), zero = _mm256_set1_ps(float(w.zeros[o * groups + gi]));
            for (; i < start + w.groupSize; i += 32) {
                a0 = _mm256_fmadd_ps(loadQ4x8(row, start, half, i, scale, zero), _mm256_loadu_ps(x + i), a0);
                a1 = _mm256_fmadd_ps(loadQ4x8(row, start, half, i + 8, scale, zero), _mm256_loadu_ps(x + i + 8), a1);
                a2 = _mm256_fmadd_ps(loadQ4x8(row, start, half, i + 16, scale, zero), _mm256_loadu_ps(x + i + 16), a2);
                a3 = _mm256_fmadd_ps(loadQ4x8(row, start, half, i + 24, scale, zero), _mm256_loadu_ps(x + i + 24), a3);
            }
        }
        y[o] = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    }
}

// matvecQ4Avx2 with AVX-512F: the same bits. a0 | a1 and a2 | a3 are the halves of two 16-wide
// accumulators (each lane's chain of fused multiply-adds is the same), split for the same sum.
#define QE_AVX512_Q4 __attribute__((target("avx512f,avx2,fma,f16c")))
namespace {

QE_AVX512_Q4 inline __m512 loadQ4x16(const std::uint8_t* row, std::int64_t groupStart, std::int64_t half, std::int64_t i,
                                     __m512 scale, __m512 zero) {
    const std::int64_t j = i - groupStart;
    const bool high = j >= half;
    const __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + groupStart / 2 + (high ? j - half : j))));
    const __m512i q = high ? _mm512_srli_epi32(v, 4) : _mm512_and_si512(v, _mm512_set1_epi32(15));
    return _mm512_mul_ps(_mm512_sub_ps(_mm512_cvtepi32_ps(q), zero), scale);
}

QE_AVX512_Q4 inline __m256 upper(__m512 v) { return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)); }

}  // namespace

QE_AVX512_Q4 void matvecQ4Avx512(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x, float* y) {
    const std::int64_t k = w.cols, groups = k / w.groupSize, half = w.groupSize / 2;
    for (std::int64_t o = rowBegin; o < rowEnd; ++o) {
        const auto* row = static_cast<const std::uint8_t*>(w.data) + o * storedRowBytes(w);
        __m512 a01 = _mm512_setzero_ps(), a23 = _mm512_setzero_ps();
        for (std::int64_t gi = 0, i = 0; gi < groups; ++gi) {
            const std::int64_t start = gi * w.groupSize;
            const __m512 scale = _mm512_set1_ps(w.scales[o * groups + gi]), zero = _mm512_set1_ps(float(w.zeros[o * groups + gi]));
            for (; i < start + w.groupSize; i += 32) {
                a01 = _mm512_fmadd_ps(loadQ4x16(row, start, half, i, scale, zero), _mm512_loadu_ps(x + i), a01);
                a23 = _mm512_fmadd_ps(loadQ4x16(row, start, half, i + 16, scale, zero), _mm512_loadu_ps(x + i + 16), a23);
            }
        }
        const __m256 a0 = _mm512_castps512_ps256(a01), a1 = upper(a01), a2 = _mm512_castps512_ps256(a23), a3 = upper(a23);
        y[o] = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    }
}

QE_AVX2 void gemmRowsAvx2(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                          std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy) {
    switch (w.type) {
    case WeightType::F32: return gemmTyped<WeightType::F32>(w, rowBegin, rowEnd, x, numTokens, ldx, y, ldy);
    case WeightType::BF16: return gemmTyped<WeightType::BF16>(w, rowBegin, rowEnd, x, numTokens, ldx, y, ldy);
    case WeightType::F16: return gemmTyped<WeightType::F16>(w, rowBegin, rowEnd, x, numTokens, ldx, y, ldy);
    case WeightType::Q4:
    case WeightType::F8E4M3: break;  // widened to F32 before any kernel (matmul.cpp, rowToFloat)
    }
}

QE_AVX2 void packPanelAvx2(const MatrixView& w, std::int64_t row0, std::int64_t rows, std::int64_t k0, std::int64_t kc,
                           float* packed, std::int64_t width, std::int64_t ld) {
    switch (w.type) {
    case WeightType::F32: return packPanel<WeightType::F32>(w, row0, rows, k0, kc, packed, width, ld);
    case WeightType::BF16: return packPanel<WeightType::BF16>(w, row0, rows, k0, kc, packed, width, ld);
    case WeightType::F16: return packPanel<WeightType::F16>(w, row0, rows, k0, kc, packed, width, ld);
    case WeightType::Q4:
    case WeightType::F8E4M3: break;  // widened to F32 before any kernel (matmul.cpp, rowToFloat)
    }
}

QE_AVX2 float dotAvx2(const float* a, const float* b, std::int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    std::int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    }
    if (i + 8 <= n) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        i += 8;
    }
    float s = hsum(_mm256_add_ps(s0, s1));
    for (; i < n; ++i) s = std::fma(a[i], b[i], s);
    return s;
}

namespace {

// Eight consecutive elements of a cached row (fp32, or bf16 widened exactly).
QE_AVX2 inline __m256 loadRow8(const float* p) { return _mm256_loadu_ps(p); }
QE_AVX2 inline __m256 loadRow8(const Bf16* p) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

// axpyAvx2 over a cached row. The tails (here and in the dot products) are written as fused
// multiply-adds, not left to the compiler's contraction, which may fuse one query's tail and not
// another's: every tail must round as dotAvx2's and axpyAvx2's do.
template <typename Row>
QE_AVX2 void axpyRow(float a, const Row* x, float* y, std::int64_t n) {
    const __m256 av = _mm256_set1_ps(a);
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, loadRow8(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; ++i) y[i] = std::fma(a, widen(x[i]), y[i]);
}

// Q queries against one row at a time, each with dotAvx2's two accumulators and order: the row is
// loaded once for the Q queries, 2Q independent FMA chains.
template <int Q, typename Row>
QE_AVX2 void dotRowsBlock(const float* q, std::int64_t qStride, const Row* rows, std::int64_t stride, std::int64_t count,
                          std::int64_t n, float* out, std::int64_t outStride) {
    for (std::int64_t j = 0; j < count; ++j) {
        const Row* r = rows + j * stride;
        __m256 s0[Q], s1[Q];
        #pragma GCC unroll 4
        for (int g = 0; g < Q; ++g) s0[g] = s1[g] = _mm256_setzero_ps();
        std::int64_t i = 0;
        for (; i + 16 <= n; i += 16) {
            const __m256 ra = loadRow8(r + i), rb = loadRow8(r + i + 8);
            #pragma GCC unroll 4
            for (int g = 0; g < Q; ++g) {
                s0[g] = _mm256_fmadd_ps(_mm256_loadu_ps(q + g * qStride + i), ra, s0[g]);
                s1[g] = _mm256_fmadd_ps(_mm256_loadu_ps(q + g * qStride + i + 8), rb, s1[g]);
            }
        }
        if (i + 8 <= n) {
            const __m256 ra = loadRow8(r + i);
            #pragma GCC unroll 4
            for (int g = 0; g < Q; ++g) s0[g] = _mm256_fmadd_ps(_mm256_loadu_ps(q + g * qStride + i), ra, s0[g]);
            i += 8;
        }
        #pragma GCC unroll 4
        for (int g = 0; g < Q; ++g) {
            const float* qg = q + g * qStride;
            float s = hsum(_mm256_add_ps(s0[g], s1[g]));
            for (std::int64_t t = i; t < n; ++t) s = std::fma(qg[t], widen(r[t]), s);
            out[g * outStride + j] = s;
        }
    }
}

// Q queries' outputs in 32-column chunks (4 ymm each), the rows streamed past them: each chunk
// of a row is loaded from memory once for the Q queries. Then 8 columns at a time; the last
// columns (fewer than 8) through axpyAvx2's scalar tail, so that they round alike.
template <int Q, typename Row>
QE_AVX2 void weightedRowSumBlock(const float* weights, std::int64_t weightStride, const Row* rows, std::int64_t stride,
                                 std::int64_t count, std::int64_t n, float* out, std::int64_t outStride, bool accumulate) {
    std::int64_t c = 0;
    for (; c + 32 <= n; c += 32) {
        __m256 acc[Q][4];
        #pragma GCC unroll 4
        for (int g = 0; g < Q; ++g)
            #pragma GCC unroll 4
            for (int k = 0; k < 4; ++k)
                acc[g][k] = accumulate ? _mm256_loadu_ps(out + g * outStride + c + 8 * k) : _mm256_setzero_ps();
        for (std::int64_t j = 0; j < count; ++j) {
            const Row* row = rows + j * stride + c;
            #pragma GCC unroll 4
            for (int g = 0; g < Q; ++g) {
                const __m256 w = _mm256_set1_ps(weights[g * weightStride + j]);
                #pragma GCC unroll 4
                for (int k = 0; k < 4; ++k) acc[g][k] = _mm256_fmadd_ps(w, loadRow8(row + 8 * k), acc[g][k]);
            }
        }
        #pragma GCC unroll 4
        for (int g = 0; g < Q; ++g)
            #pragma GCC unroll 4
            for (int k = 0; k < 4; ++k) _mm256_storeu_ps(out + g * outStride + c + 8 * k, acc[g][k]);
    }
    for (; c + 8 <= n; c += 8) {
        #pragma GCC unroll 4
        for (int g = 0; g < Q; ++g) {
            __m256 acc = accumulate ? _mm256_loadu_ps(out + g * outStride + c) : _mm256_setzero_ps();
            for (std::int64_t j = 0; j < count; ++j)
                acc = _mm256_fmadd_ps(_mm256_set1_ps(weights[g * weightStride + j]), loadRow8(rows + j * stride + c), acc);
            _mm256_storeu_ps(out + g * outStride + c, acc);
        }
    }
    if (c < n) {
        for (int g = 0; g < Q; ++g) {
            float* o = out + g * outStride + c;
            if (!accumulate) std::fill(o, o + (n - c), 0.0f);
            for (std::int64_t j = 0; j < count; ++j) axpyRow(weights[g * weightStride + j], rows + j * stride + c, o, n - c);
        }
    }
}

}  // namespace

template <typename Row>
QE_AVX2 void dotRowsAvx2(const float* q, std::int64_t qStride, int queries, const Row* rows, std::int64_t stride,
                         std::int64_t count, std::int64_t n, float* out, std::int64_t outStride) {
    static constexpr std::array<AttentionBlockFn<Row>, 4> blocks{&dotRowsBlock<1, Row>, &dotRowsBlock<2, Row>,
                                                                 &dotRowsBlock<3, Row>, &dotRowsBlock<4, Row>};
    forQueryBlocks(blocks, q, qStride, queries, rows, stride, count, n, out, outStride);
}

template <typename Row>
QE_AVX2 void weightedRowSumAvx2(const float* weights, std::int64_t weightStride, int queries, const Row* rows,
                                std::int64_t stride, std::int64_t count, std::int64_t n, float* out, std::int64_t outStride,
                                bool accumulate) {
    static constexpr std::array<WeightedSumBlockFn<Row>, 3> blocks{&weightedRowSumBlock<1, Row>,
                                                                   &weightedRowSumBlock<2, Row>,
                                                                   &weightedRowSumBlock<3, Row>};
    forQueryBlocks(blocks, weights, weightStride, queries, rows, stride, count, n, out, outStride, accumulate);
}

template void dotRowsAvx2(const float*, std::int64_t, int, const float*, std::int64_t, std::int64_t, std::int64_t,
                          float*, std::int64_t);
template void dotRowsAvx2(const float*, std::int64_t, int, const Bf16*, std::int64_t, std::int64_t, std::int64_t,
                          float*, std::int64_t);
template void weightedRowSumAvx2(const float*, std::int64_t, int, const float*, std::int64_t, std::int64_t,
                                 std::int64_t, float*, std::int64_t, bool);
template void weightedRowSumAvx2(const float*, std::int64_t, int, const Bf16*, std::int64_t, std::int64_t,
                                 std::int64_t, float*, std::int64_t, bool);

QE_AVX2 float scaleAndMaxAvx2(float* x, std::int64_t n, float scale) {
    const __m256 sv = _mm256_set1_ps(scale);
    __m256 mv = _mm256_set1_ps(-INFINITY);
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + i), sv);
        _mm256_storeu_ps(x + i, v);
        mv = _mm256_max_ps(mv, v);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, mv);
    float m = *std::max_element(lanes, lanes + 8);  // the maximum is the same in any order
    return std::max(m, scaleAndMaxScalar(x + i, n - i, scale));
}

namespace {

// expFloatScalar on four floats, in double precision (see it for the steps).
QE_AVX2 __m128 exp4(__m128 x) {
    const __m256d xd = _mm256_cvtps_pd(x);
    const __m256d invLn2N = _mm256_set1_pd(kExpInvLn2N), shift = _mm256_set1_pd(kExpShift);
    __m256d kd = _mm256_fmadd_pd(invLn2N, xd, shift);
    const __m256i ki = _mm256_castpd_si256(kd);
    kd = _mm256_sub_pd(kd, shift);
    const __m256d r = _mm256_fmsub_pd(invLn2N, xd, kd);
    const __m256i index = _mm256_and_si256(ki, _mm256_set1_epi64x(31));
    const __m256i table = _mm256_i64gather_epi64(reinterpret_cast<const long long*>(kExpTable.data()), index, 8);
    const __m256d s = _mm256_castsi256_pd(_mm256_add_epi64(table, _mm256_slli_epi64(ki, 47)));
    const __m256d z = _mm256_fmadd_pd(_mm256_set1_pd(kExpC0), r, _mm256_set1_pd(kExpC1));
    const __m256d r2 = _mm256_mul_pd(r, r);
    __m256d y = _mm256_fmadd_pd(_mm256_set1_pd(kExpC2), r, _mm256_set1_pd(1.0));
    y = _mm256_fmadd_pd(z, r2, y);
    __m128 e = _mm256_cvtpd_ps(_mm256_mul_pd(y, s));
    // Out of range: below the underflow bound (and -inf) 0, above the overflow bound +inf. A NaN
    // comes through the arithmetic as a NaN.
    e = _mm_andnot_ps(_mm_cmp_ps(x, _mm_set1_ps(kExpUnderflow), _CMP_LT_OQ), e);
    return _mm_blendv_ps(e, _mm_set1_ps(INFINITY), _mm_cmp_ps(x, _mm_set1_ps(kExpOverflow), _CMP_GT_OQ));
}

}  // namespace

QE_AVX2 float expAndSumAvx2(float* x, std::int64_t n, float shift, float* weighted) {
    const __m256 sv = _mm256_set1_ps(shift);
    __m256 wv = _mm256_setzero_ps();
    float sum = 0.0f;
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 shifted = _mm256_sub_ps(_mm256_loadu_ps(x + i), sv);
        const __m256 e = _mm256_set_m128(exp4(_mm256_extractf128_ps(shifted, 1)), exp4(_mm256_castps256_ps128(shifted)));
        _mm256_storeu_ps(x + i, e);
        wv = _mm256_fmadd_ps(e, _mm256_max_ps(shifted, _mm256_set1_ps(kExpUnderflow)), wv);  // -inf: 0, not NaN
        alignas(32) float lanes[8];
        _mm256_store_ps(lanes, e);
        #pragma GCC unroll 8
        for (int k = 0; k < 8; ++k) sum += lanes[k];  // in order: the sum scales every probability
    }
    float w = hsum(wv);
    for (; i < n; ++i) {
        const float shifted = x[i] - shift;
        x[i] = expFloatScalar(shifted);
        sum += x[i];
        w += x[i] * std::max(shifted, kExpUnderflow);
    }
    *weighted = w;
    return sum;
}

QE_AVX2 void scaleRowAvx2(float* x, std::int64_t n, float s) {
    const __m256 sv = _mm256_set1_ps(s);
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), sv));
    for (; i < n; ++i) x[i] *= s;
}

// Lanes 0-3 in lo, 4-7 in hi; a square is exact in double, so the FMA adds it as the scalar
// loop's multiply and add do. The combination: (lo + hi) pairs lane j with j + 4, then (0 + 2)
// with (1 + 3) as sumOfSquaresScalar.
QE_AVX2 double sumOfSquaresAvx2(const float* x, std::int64_t n) {
    __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256d a = _mm256_cvtps_pd(_mm_loadu_ps(x + i)), b = _mm256_cvtps_pd(_mm_loadu_ps(x + i + 4));
        lo = _mm256_fmadd_pd(a, a, lo);
        hi = _mm256_fmadd_pd(b, b, hi);
    }
    alignas(32) double lane[8];
    _mm256_store_pd(lane, lo);
    _mm256_store_pd(lane + 4, hi);
    for (; i < n; ++i) lane[i % 8] += static_cast<double>(x[i]) * x[i];
    return ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
}

QE_AVX2 void siluMulAvx2(float* gate, const float* up, std::int64_t n) {
    const __m256 one = _mm256_set1_ps(1.0f), signBit = _mm256_set1_ps(-0.0f);
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 z = _mm256_loadu_ps(gate + i), minusZ = _mm256_xor_ps(z, signBit);
        const __m256 e = _mm256_set_m128(exp4(_mm256_extractf128_ps(minusZ, 1)), exp4(_mm256_castps256_ps128(minusZ)));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(_mm256_div_ps(z, _mm256_add_ps(one, e)), _mm256_loadu_ps(up + i)));
    }
    siluMulScalar(gate + i, up + i, n - i);
}

QE_AVX2 void axpyAvx2(float a, const float* x, float* y, std::int64_t n) { axpyRow(a, x, y, n); }

QE_AVX2 void rowToFloatAvx2(const MatrixView& w, std::int64_t row, float* out) {
    switch (w.type) {
    case WeightType::F32: return rowToFloatTyped<WeightType::F32>(rowBytes(w, row), w.cols, out);
    case WeightType::BF16: return rowToFloatTyped<WeightType::BF16>(rowBytes(w, row), w.cols, out);
    case WeightType::F16: return rowToFloatTyped<WeightType::F16>(rowBytes(w, row), w.cols, out);
    case WeightType::Q4:
    case WeightType::F8E4M3: break;  // widened to F32 before any kernel (matmul.cpp, rowToFloat)
    }
}

}  // namespace qe::cpu::detail

#endif  // QE_CPU_HAVE_AVX2_KERNELS
