// AVX-512F GEMM for prefill, and attention's weighted sum of values. The matrix-vector kernels of
// decode stay AVX2: they are bound by memory bandwidth, not by the width of the multiply-adds.
// Thread mapping: none here; each call computes the output rows (or the query heads) it is given
// on the calling thread (matmul.cpp and the attention split the work).
//
// Same arithmetic as the AVX2 GEMM (kernels_avx2.cpp): each output is a chain of fp32 FMAs over
// a K block of kGemmKc columns, added to the previous blocks' sum. Only the tile shape differs
// (32 outputs x 14 tokens in 28 zmm accumulators instead of 16 x 6 in 12 ymm), so both give the
// same bits, and the models' outputs do not depend on the CPU's vector width.
//
// Only functions marked QE_AVX512 use AVX-512 instructions (see kernels_avx2.cpp for why).
#include "core/cpu/kernels_detail.h"

#if defined(QE_CPU_HAVE_AVX2_KERNELS)

#include <immintrin.h>

#include <algorithm>
#include <array>
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

// Attention's weighted sum of values: Q queries' 128 outputs (a Qwen3 head each) in 8Q zmm
// accumulators, one pass over the rows where the AVX2 version makes four. Other columns go to it.
template <int Q>
QE_AVX512 void weightedRowSumBlock512(const float* weights, std::int64_t weightStride, const float* rows,
                                      std::int64_t stride, std::int64_t count, std::int64_t n, float* out,
                                      std::int64_t outStride) {
    std::int64_t c = 0;
    for (; c + 128 <= n; c += 128) {
        __m512 acc[Q][8];
        #pragma GCC unroll 3
        for (int g = 0; g < Q; ++g)
            #pragma GCC unroll 8
            for (int k = 0; k < 8; ++k) acc[g][k] = _mm512_setzero_ps();
        for (std::int64_t j = 0; j < count; ++j) {
            const float* row = rows + j * stride + c;
            #pragma GCC unroll 3
            for (int g = 0; g < Q; ++g) {
                const __m512 w = _mm512_set1_ps(weights[g * weightStride + j]);
                #pragma GCC unroll 8
                for (int k = 0; k < 8; ++k) acc[g][k] = _mm512_fmadd_ps(w, _mm512_loadu_ps(row + 16 * k), acc[g][k]);
            }
        }
        #pragma GCC unroll 3
        for (int g = 0; g < Q; ++g)
            #pragma GCC unroll 8
            for (int k = 0; k < 8; ++k) _mm512_storeu_ps(out + g * outStride + c + 16 * k, acc[g][k]);
    }
    if (c < n) weightedRowSumAvx2(weights, weightStride, Q, rows + c, stride, count, n - c, out + c, outStride);
}

}  // namespace

QE_AVX512 void weightedRowSumAvx512(const float* weights, std::int64_t weightStride, int queries, const float* rows,
                                    std::int64_t stride, std::int64_t count, std::int64_t n, float* out,
                                    std::int64_t outStride) {
    static constexpr std::array<AttentionBlockFn, 3> blocks{&weightedRowSumBlock512<1>, &weightedRowSumBlock512<2>,
                                                            &weightedRowSumBlock512<3>};
    forQueryBlocks(blocks, weights, weightStride, queries, rows, stride, count, n, out, outStride);
}

}  // namespace qe::cpu::detail

#endif  // QE_CPU_HAVE_AVX2_KERNELS
