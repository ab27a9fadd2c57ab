// AVX-512F GEMM for prefill, and attention's scores and weighted sums. The matrix-vector kernels of
// decode stay AVX2: they are bound by memory bandwidth, not by the width of the multiply-adds.
// Thread mapping: none here; each call computes the output rows (or the query heads) it is given
// on the calling thread (matmul.cpp and the attention split the work).
//
// Same arithmetic as the AVX2 GEMM (kernels_avx2.cpp): each output is a chain of fp32 FMAs over
// a K block of kGemmKc columns, added to the previous blocks' sum. Only the tile shape differs
// (32 outputs x 14 tokens in 28 zmm accumulators instead of 16 x 6 in 12 ymm), so both give the
// same bits, and the models' outputs do not depend on the CPU's vector width. The attention
// kernels likewise run the AVX2 versions' chains of operations (see dotRowsTile512).
//
// Only functions marked QE_AVX512 use AVX-512 instructions (see kernels_avx2.cpp for why).
#include "core/cpu/kernels_detail.h"

#if defined(QE_CPU_HAVE_AVX2_KERNELS)

// GCC 12 warns inside its own AVX-512 header about the _mm512_undefined_* placeholders that some
// intrinsics (shuffles, permutes, extracts) pass (GCC bug 105593); nothing uninitialised is read.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#define QE_AVX512 __attribute__((target("avx512f,avx2,fma,f16c")))

namespace qe::cpu::detail {

namespace {

// Panels of kPanel weight rows (two zmm of outputs), packed as [kKc][kPanel] fp32 = 32 KiB, in L1
// while kMc tokens (a 196 KiB slice of x, in L2) pass over it kMr at a time. A range of rows whose
// length is not a multiple of kPanel ends with a 16-row panel (one zmm) and then a partial one.
// 14 tokens (28 accumulators, 2 panel vectors, 1 broadcast: 31 of the 32 zmm registers) measured
// 5-7 % faster than 12 on the 0.6B shapes (qe-kernel-bench --only prefill).
constexpr std::int64_t kPanel = 32;
constexpr int kMr = 14;
constexpr std::int64_t kKc = kGemmKc;
constexpr std::int64_t kMc = 14 * kMr;

// c[i, 0..16V) (+)= sum_kk x[i, kk] * packed[kk, 0..16V) for i < Mr: per kk, V packed vectors serve
// Mr broadcast elements of x.
template <int Mr, int V>
QE_AVX512 void microKernel(const float* x, std::int64_t ldx, const float* packed, std::int64_t ldp, std::int64_t kc,
                           float* c, std::int64_t ldc, bool accumulate) {
    __m512 acc[Mr][V];
    #pragma GCC unroll 16
    for (int i = 0; i < Mr; ++i)
        #pragma GCC unroll 2
        for (int v = 0; v < V; ++v) acc[i][v] = _mm512_setzero_ps();
    #pragma GCC unroll 2
    for (std::int64_t kk = 0; kk < kc; ++kk) {
        __m512 b[V];
        #pragma GCC unroll 2
        for (int v = 0; v < V; ++v) b[v] = _mm512_load_ps(packed + kk * ldp + 16 * v);
        #pragma GCC unroll 16
        for (int i = 0; i < Mr; ++i) {
            const __m512 a = _mm512_set1_ps(x[i * ldx + kk]);
            #pragma GCC unroll 2
            for (int v = 0; v < V; ++v) acc[i][v] = _mm512_fmadd_ps(a, b[v], acc[i][v]);
        }
    }
    #pragma GCC unroll 16
    for (int i = 0; i < Mr; ++i)
        #pragma GCC unroll 2
        for (int v = 0; v < V; ++v) {
            if (accumulate) acc[i][v] = _mm512_add_ps(acc[i][v], _mm512_loadu_ps(c + i * ldc + 16 * v));
            _mm512_storeu_ps(c + i * ldc + 16 * v, acc[i][v]);
        }
}

// microKernel<mr, V> for mr = 1 .. kMr, as a table indexed by mr - 1.
template <int V, int... I>
constexpr auto microKernelTable(std::integer_sequence<int, I...>) {
    return std::array{&microKernel<I + 1, V>...};
}
template <int V>
constexpr auto kMicroKernels = microKernelTable<V>(std::make_integer_sequence<int, kMr>{});

// One token tile against one packed panel of `width` (16 or 32) rows of which `nr` are valid. A
// partial panel goes through a local tile so the kernel never writes past the valid outputs.
QE_AVX512 void gemmTile(int mr, std::int64_t width, std::int64_t nr, const float* x, std::int64_t ldx,
                        const float* packed, std::int64_t kc, float* y, std::int64_t ldy, bool accumulate) {
    const auto kernel = width == kPanel ? kMicroKernels<2>[std::size_t(mr - 1)] : kMicroKernels<1>[std::size_t(mr - 1)];
    if (nr == width) return kernel(x, ldx, packed, kPanel, kc, y, ldy, accumulate);
    alignas(64) float tile[kMr * kPanel] = {};
    if (accumulate) copyTile(y, ldy, tile, kPanel, mr, nr);
    kernel(x, ldx, packed, kPanel, kc, tile, kPanel, accumulate);
    copyTile(tile, kPanel, y, ldy, mr, nr);
}

}  // namespace

// Loop order: token block (kMc) > output panel > K block (kKc, pack once) > token tile (kMr).
// y is written on the first K block and accumulated on later ones.
QE_AVX512 void gemmRowsAvx512(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                              std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy) {
    alignas(64) float packed[kKc * kPanel];  // [kKc][kPanel], 32 KiB on the stack: no allocation
    const std::int64_t k = w.cols;
    for (std::int64_t tok0 = 0; tok0 < numTokens; tok0 += kMc) {
        const std::int64_t mc = std::min(kMc, numTokens - tok0);
        for (std::int64_t o = rowBegin; o < rowEnd;) {
            const std::int64_t left = rowEnd - o;
            const std::int64_t width = left > 16 ? kPanel : 16;
            const std::int64_t nr = std::min(width, left);
            for (std::int64_t k0 = 0; k0 < k; k0 += kKc) {
                const std::int64_t kc = std::min(kKc, k - k0);
                packPanelAvx2(w, o, nr, k0, kc, packed, width, kPanel);
                // Tiles of nearly equal size (128 tokens: 8 x 13 + 2 x 12, not 9 x 14 + 2): a small
                // last tile would pay for a whole pass over the panel.
                const std::int64_t tiles = (mc + kMr - 1) / kMr;
                for (std::int64_t t = 0, tok = tok0; t < tiles; ++t) {
                    const int mr = int((mc + t) / tiles);  // sums to mc
                    gemmTile(mr, width, nr, x + tok * ldx + k0, ldx, packed, kc, y + tok * ldy + o, ldy, k0 > 0);
                    tok += mr;
                }
            }
            if (k == 0)  // empty reduction: the products are zero
                for (std::int64_t tok = tok0; tok < tok0 + mc; ++tok) std::fill(y + tok * ldy + o, y + tok * ldy + o + nr, 0.0f);
            o += nr;
        }
    }
}

namespace {

// Attention's scores: Q queries against R rows, one zmm accumulator per (query, row). Lane l of it
// runs the same FMA chain as lane l of dotAvx2's two ymm accumulators (lanes 0-7 are its s0, 8-15
// its s1), and the reduction below adds the lanes in hsum's order, so every score is dot()'s bits.
// Per 16 columns: Q query loads, R row loads, Q * R FMAs; 8 rows x 3 queries fill 28 of the 32 zmm.
// n must be a multiple of 16 (the caller sends other head sizes to the AVX2 version).

// s0 + s1, then hsum: ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)) over the eight sums.
QE_AVX512 float reduceLikeDot(__m512 a) {
    const __m256 v = _mm256_add_ps(_mm512_castps512_ps256(a), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// reduceLikeDot of eight accumulators at once, the same additions on the same pairs of lanes (an
// addition's operands may swap: it is commutative in IEEE arithmetic, bit for bit), transposed so
// that each step serves two or four accumulators per instruction. Stores the eight sums at out.
QE_AVX512 void reduceEightLikeDot(const __m512 (&a)[8], float* out) {
    __m512 v[4];  // v[p]: s0 + s1 of accumulators 2p (lanes 0-7) and 2p + 1 (lanes 8-15)
    #pragma GCC unroll 4
    for (int p = 0; p < 4; ++p)
        v[p] = _mm512_add_ps(_mm512_shuffle_f32x4(a[2 * p], a[2 * p + 1], 0x44), _mm512_shuffle_f32x4(a[2 * p], a[2 * p + 1], 0xEE));
    // w[h]: per 128-bit lane k, the four sums (lo + hi of the eight) of accumulator 4h + k.
    __m512 w[2];
    #pragma GCC unroll 2
    for (int h = 0; h < 2; ++h)
        w[h] = _mm512_add_ps(_mm512_shuffle_f32x4(v[2 * h], v[2 * h + 1], 0x88), _mm512_shuffle_f32x4(v[2 * h], v[2 * h + 1], 0xDD));
    // Per 128-bit lane k: (w0 + w2, w1 + w3) of accumulator k, then of accumulator k + 4.
    const __m512 x = _mm512_add_ps(_mm512_shuffle_ps(w[0], w[1], 0x44), _mm512_shuffle_ps(w[0], w[1], 0xEE));
    const __m512 y = _mm512_add_ps(x, _mm512_movehdup_ps(x));  // lane 4k: accumulator k, 4k + 2: k + 4
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 2, 6, 10, 14, 0, 0, 0, 0, 0, 0, 0, 0);
    _mm256_storeu_ps(out, _mm512_castps512_ps256(_mm512_permutexvar_ps(order, y)));
}

// Sixteen consecutive elements of a cached row (fp32, or bf16 widened exactly).
QE_AVX512 inline __m512 loadRow16(const float* p) { return _mm512_loadu_ps(p); }
QE_AVX512 inline __m512 loadRow16(const Bf16* p) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

// R rows (`count` is R: the tables below pick the kernel by it).
template <int Q, int R, typename Row>
QE_AVX512 void dotRowsTile512(const float* q, std::int64_t qStride, const Row* rows, std::int64_t stride, std::int64_t,
                              std::int64_t n, float* out, std::int64_t outStride) {
    __m512 acc[Q][R];
    #pragma GCC unroll 3
    for (int g = 0; g < Q; ++g)
        #pragma GCC unroll 8
        for (int r = 0; r < R; ++r) acc[g][r] = _mm512_setzero_ps();
    for (std::int64_t i = 0; i < n; i += 16) {
        __m512 qv[Q];
        #pragma GCC unroll 3
        for (int g = 0; g < Q; ++g) qv[g] = _mm512_loadu_ps(q + g * qStride + i);
        #pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const __m512 row = loadRow16(rows + r * stride + i);
            #pragma GCC unroll 3
            for (int g = 0; g < Q; ++g) acc[g][r] = _mm512_fmadd_ps(qv[g], row, acc[g][r]);
        }
    }
    #pragma GCC unroll 3
    for (int g = 0; g < Q; ++g) {
        if constexpr (R == 8) {
            reduceEightLikeDot(acc[g], out + g * outStride);
        } else {
            #pragma GCC unroll 8
            for (int r = 0; r < R; ++r) out[g * outStride + r] = reduceLikeDot(acc[g][r]);
        }
    }
}

constexpr std::int64_t kDotRows = 8;

// Attention's weighted sum of values: Q queries' 128 outputs (a Qwen3 head each) in 8Q zmm
// accumulators, one pass over the rows where the AVX2 version makes four. Other columns go to it.
template <int Q, typename Row>
QE_AVX512 void weightedRowSumBlock512(const float* weights, std::int64_t weightStride, const Row* rows,
                                      std::int64_t stride, std::int64_t count, std::int64_t n, float* out,
                                      std::int64_t outStride, bool accumulate) {
    std::int64_t c = 0;
    for (; c + 128 <= n; c += 128) {
        __m512 acc[Q][8];
        #pragma GCC unroll 3
        for (int g = 0; g < Q; ++g)
            #pragma GCC unroll 8
            for (int k = 0; k < 8; ++k)
                acc[g][k] = accumulate ? _mm512_loadu_ps(out + g * outStride + c + 16 * k) : _mm512_setzero_ps();
        for (std::int64_t j = 0; j < count; ++j) {
            const Row* row = rows + j * stride + c;
            #pragma GCC unroll 3
            for (int g = 0; g < Q; ++g) {
                const __m512 w = _mm512_set1_ps(weights[g * weightStride + j]);
                #pragma GCC unroll 8
                for (int k = 0; k < 8; ++k) acc[g][k] = _mm512_fmadd_ps(w, loadRow16(row + 16 * k), acc[g][k]);
            }
        }
        #pragma GCC unroll 3
        for (int g = 0; g < Q; ++g)
            #pragma GCC unroll 8
            for (int k = 0; k < 8; ++k) _mm512_storeu_ps(out + g * outStride + c + 16 * k, acc[g][k]);
    }
    if (c < n) weightedRowSumAvx2(weights, weightStride, Q, rows + c, stride, count, n - c, out + c, outStride, accumulate);
}

// Rows per pass of the queries in weightedRowSumAvx512: 32 rows of a 128-float head are 16 KiB,
// which stay in L1 while every block of queries passes over them.
constexpr std::int64_t kSumRows = 32;

}  // namespace

// Rows in blocks of 8 (4 KiB of a 128-float head, in L1 while every block of queries passes over
// them), then the last rows one at a time.
template <typename Row>
QE_AVX512 void dotRowsAvx512(const float* q, std::int64_t qStride, int queries, const Row* rows, std::int64_t stride,
                             std::int64_t count, std::int64_t n, float* out, std::int64_t outStride) {
    if (n % 16 != 0) return dotRowsAvx2(q, qStride, queries, rows, stride, count, n, out, outStride);
    static constexpr std::array<AttentionBlockFn<Row>, 3> eight{&dotRowsTile512<1, 8, Row>, &dotRowsTile512<2, 8, Row>,
                                                                &dotRowsTile512<3, 8, Row>};
    static constexpr std::array<AttentionBlockFn<Row>, 3> one{&dotRowsTile512<1, 1, Row>, &dotRowsTile512<2, 1, Row>,
                                                              &dotRowsTile512<3, 1, Row>};
    std::int64_t j = 0;
    for (; j + kDotRows <= count; j += kDotRows)
        forQueryBlocks(eight, q, qStride, queries, rows + j * stride, stride, kDotRows, n, out + j, outStride);
    for (; j < count; ++j) forQueryBlocks(one, q, qStride, queries, rows + j * stride, stride, 1, n, out + j, outStride);
}

template <typename Row>
QE_AVX512 void weightedRowSumAvx512(const float* weights, std::int64_t weightStride, int queries, const Row* rows,
                                    std::int64_t stride, std::int64_t count, std::int64_t n, float* out,
                                    std::int64_t outStride, bool accumulate) {
    static constexpr std::array<WeightedSumBlockFn<Row>, 3> blocks{
        &weightedRowSumBlock512<1, Row>, &weightedRowSumBlock512<2, Row>, &weightedRowSumBlock512<3, Row>};
    std::int64_t j = 0;
    do {  // at least once: count == 0 still zeroes the outputs unless accumulating
        const std::int64_t rowsNow = std::min(kSumRows, count - j);
        forQueryBlocks(blocks, weights + j, weightStride, queries, rows + j * stride, stride, rowsNow, n, out, outStride,
                       accumulate || j > 0);
        j += rowsNow;
    } while (j < count);
}

// exp(x) = 2^n e^r, n = round(x / ln 2), r = x - n ln 2 (Cody-Waite, ln 2 in two parts, |r| <=
// 0.35): e^r by its Taylor polynomial to degree 7 (truncation under 3e-9 relative), scaled by
// VSCALEFPS (which underflows to zero by itself). Arguments below kExpUnderflow (exp rounds to 0)
// give exactly 0, -inf included; `live` marks the others.
QE_AVX512 inline __m512 expFast16(__m512 v, __mmask16& live) {
    live = _mm512_cmp_ps_mask(v, _mm512_set1_ps(kExpUnderflow), _CMP_GE_OQ);
    const __m512 x = _mm512_maskz_mov_ps(live, v);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);  // ln 2, upper bits (exact product)
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.42860682030941723e-6f), r);      // ln 2, the rest
    __m512 p = _mm512_set1_ps(1.0f / 5040);
    for (const float c : {1.0f / 720, 1.0f / 120, 1.0f / 24, 1.0f / 6, 0.5f, 1.0f, 1.0f})
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(c));
    return _mm512_maskz_mov_ps(live, _mm512_scalef_ps(p, n));
}

// expFloatScalar on eight floats, in double precision: the same steps as exp4 (kernels_avx2.cpp),
// with the 32-entry table in four registers (VPERMT2Q) instead of a gather.
QE_AVX512 inline __m256 exp8(__m256 x, const __m512i (&table)[4]) {
    const __m512d xd = _mm512_cvtps_pd(x);
    const __m512d invLn2N = _mm512_set1_pd(kExpInvLn2N), shift = _mm512_set1_pd(kExpShift);
    __m512d kd = _mm512_fmadd_pd(invLn2N, xd, shift);
    const __m512i ki = _mm512_castpd_si512(kd);
    kd = _mm512_sub_pd(kd, shift);
    const __m512d r = _mm512_fmsub_pd(invLn2N, xd, kd);
    // Entry ki % 32: bits 0-3 pick one of 16 from a pair of registers, bit 4 the pair.
    const __m512i low = _mm512_permutex2var_epi64(table[0], ki, table[1]);
    const __m512i high = _mm512_permutex2var_epi64(table[2], ki, table[3]);
    const __m512i entry = _mm512_mask_blend_epi64(_mm512_test_epi64_mask(ki, _mm512_set1_epi64(16)), low, high);
    const __m512d s = _mm512_castsi512_pd(_mm512_add_epi64(entry, _mm512_slli_epi64(ki, 47)));
    const __m512d z = _mm512_fmadd_pd(_mm512_set1_pd(kExpC0), r, _mm512_set1_pd(kExpC1));
    const __m512d r2 = _mm512_mul_pd(r, r);
    __m512d y = _mm512_fmadd_pd(_mm512_set1_pd(kExpC2), r, _mm512_set1_pd(1.0));
    y = _mm512_fmadd_pd(z, r2, y);
    __m256 e = _mm512_cvtpd_ps(_mm512_mul_pd(y, s));
    // Out of range as exp4: below the underflow bound (and -inf) 0, above the overflow bound +inf.
    e = _mm256_andnot_ps(_mm256_cmp_ps(x, _mm256_set1_ps(kExpUnderflow), _CMP_LT_OQ), e);
    return _mm256_blendv_ps(e, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(x, _mm256_set1_ps(kExpOverflow), _CMP_GT_OQ));
}

QE_AVX512 void siluMulAvx512(float* gate, const float* up, std::int64_t n) {
    const __m512i table[4] = {_mm512_loadu_si512(kExpTable.data()), _mm512_loadu_si512(kExpTable.data() + 8),
                              _mm512_loadu_si512(kExpTable.data() + 16), _mm512_loadu_si512(kExpTable.data() + 24)};
    const __m256 one = _mm256_set1_ps(1.0f), signBit = _mm256_set1_ps(-0.0f);
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 z = _mm256_loadu_ps(gate + i);
        const __m256 e = exp8(_mm256_xor_ps(z, signBit), table);
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(_mm256_div_ps(z, _mm256_add_ps(one, e)), _mm256_loadu_ps(up + i)));
    }
    siluMulScalar(gate + i, up + i, n - i);
}

QE_AVX512 void floatsToBf16Avx512(const float* x, std::uint16_t* out, std::int64_t n) {
    const __m512i one = _mm512_set1_epi32(1), half = _mm512_set1_epi32(0x7fff), quiet = _mm512_set1_epi32(0x40);
    const __m512i magnitude = _mm512_set1_epi32(0x7fffffff), infinity = _mm512_set1_epi32(0x7f800000);
    std::int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i u = _mm512_loadu_si512(x + i);
        const __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(u, magnitude), infinity);
        const __m512i high = _mm512_srli_epi32(u, 16);
        // Round to nearest, ties to even (carries into the exponent); a NaN keeps sign and payload, quieted.
        const __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(u, _mm512_add_epi32(half, _mm512_and_si512(high, one))), 16);
        const __m512i bits = _mm512_mask_or_epi32(rounded, nan, high, quiet);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm512_cvtepi32_epi16(bits));
    }
    for (; i < n; ++i) out[i] = floatToBf16(x[i]);
}

QE_AVX512 float expAndSumFastAvx512(float* x, std::int64_t n, float shift, float* weighted) {
    __m512 sum = _mm512_setzero_ps(), w = _mm512_setzero_ps();
    const __m512 s = _mm512_set1_ps(shift);
    for (std::int64_t i = 0; i < n; i += 16) {
        const __mmask16 inside = n - i >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (n - i)) - 1u);
        const __m512 shifted = _mm512_sub_ps(_mm512_maskz_loadu_ps(inside, x + i), s);
        __mmask16 live;
        const __m512 e = _mm512_maskz_mov_ps(inside, expFast16(shifted, live));
        _mm512_mask_storeu_ps(x + i, inside, e);
        sum = _mm512_add_ps(sum, e);
        w = _mm512_mask3_fmadd_ps(e, shifted, w, __mmask16(live & inside));  // exp(-inf) * -inf adds 0
    }
    *weighted = _mm512_reduce_add_ps(w);
    return _mm512_reduce_add_ps(sum);
}

template void dotRowsAvx512(const float*, std::int64_t, int, const float*, std::int64_t, std::int64_t, std::int64_t,
                            float*, std::int64_t);
template void dotRowsAvx512(const float*, std::int64_t, int, const Bf16*, std::int64_t, std::int64_t, std::int64_t,
                            float*, std::int64_t);
template void weightedRowSumAvx512(const float*, std::int64_t, int, const float*, std::int64_t, std::int64_t,
                                   std::int64_t, float*, std::int64_t, bool);
template void weightedRowSumAvx512(const float*, std::int64_t, int, const Bf16*, std::int64_t, std::int64_t,
                                   std::int64_t, float*, std::int64_t, bool);

}  // namespace qe::cpu::detail

#endif  // QE_CPU_HAVE_AVX2_KERNELS
