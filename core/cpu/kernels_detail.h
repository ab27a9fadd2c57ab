// Internal seam between the dispatching code (matmul.cpp, isa.cpp) and the per-ISA kernels
// (matmul_scalar.cpp, kernels_avx2.cpp). Not part of the public API; threads are handled by the
// callers: every function here runs on the calling thread over the row range it is given.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/cpu/cpu_kernels.h"

namespace qe::cpu::detail {

// Output rows per work unit handed to the thread pool; also the AVX2 GEMM's panel width.
inline constexpr std::int64_t kRowBlock = 16;
// The GEMMs' K block: each output sums its products in order within a block of this many columns,
// then adds the block's sum to the previous ones. The AVX2 and AVX-512 GEMMs share it, so their
// results are identical bit for bit (the vector width changes only how many outputs run at once).
inline constexpr std::int64_t kGemmKc = 256;

// A per-thread buffer that only grows, handed out from its first 64-byte boundary (AMX tile rows
// are read 64 bytes at a time): room for `elements` uint16 there. Throws std::bad_alloc.
inline std::uint16_t* alignedScratch(std::vector<std::uint16_t>& buffer, std::int64_t elements) {
    if (std::int64_t(buffer.size()) < elements + 32) buffer.resize(std::size_t(elements + 32));
    return reinterpret_cast<std::uint16_t*>((reinterpret_cast<std::uintptr_t>(buffer.data()) + 63) & ~std::uintptr_t(63));
}

inline std::size_t weightTypeSize(WeightType type) { return type == WeightType::F32 ? 4 : 2; }

// Start of row `row` of w as bytes (rows are contiguous, no padding).
inline const unsigned char* rowBytes(const MatrixView& w, std::int64_t row) {
    return static_cast<const unsigned char*>(w.data) + row * w.cols * static_cast<std::int64_t>(weightTypeSize(w.type));
}

// Bit-level conversions shared by all paths. Inline, no target attributes: safe in any file.
inline float bitsToFloat(std::uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
inline std::uint32_t floatToBits(float f) { std::uint32_t u; std::memcpy(&u, &f, 4); return u; }
inline float bf16Bits(std::uint16_t v) { return bitsToFloat(std::uint32_t(v) << 16); }
float f16Bits(std::uint16_t v);  // isa.cpp (exact, table-free)

// rows x cols floats from `from` (row stride ldFrom) to `to` (row stride ldTo): the GEMMs' last,
// partial panel runs its micro-kernel on a local tile, which never writes past the valid outputs.
inline void copyTile(const float* from, std::int64_t ldFrom, float* to, std::int64_t ldTo, int rows, std::int64_t cols) {
    for (int i = 0; i < rows; ++i) std::memcpy(to + i * ldTo, from + i * ldFrom, std::size_t(cols) * sizeof(float));
}

// Attention's per-block kernels (templated on how many query heads they take at once): `in` holds
// the block's queries or weights (one per inStride), `out` its results (one per outStride). The
// weighted sums' blocks take `accumulate` (add to out instead of overwriting it) last.
// `Row` is the cached rows' element type: float, or Bf16 (widened to fp32 as it is loaded).
template <typename Row>
using AttentionBlockFn = void (*)(const float* in, std::int64_t inStride, const Row* rows, std::int64_t stride,
                                  std::int64_t count, std::int64_t n, float* out, std::int64_t outStride);
template <typename Row>
using WeightedSumBlockFn = void (*)(const float* in, std::int64_t inStride, const Row* rows, std::int64_t stride,
                                    std::int64_t count, std::int64_t n, float* out, std::int64_t outStride, bool accumulate);

// Element i of a cached row as fp32 (exact).
inline float widen(float v) { return v; }
inline float widen(Bf16 v) { return bitsToFloat(std::uint32_t(v.bits) << 16); }

// Runs `queries` query heads through blocks[b - 1], b = min(N, the heads left), N at a time.
template <typename Fn, std::size_t N, typename Row, typename... Extra>
inline void forQueryBlocks(const std::array<Fn, N>& blocks, const float* in, std::int64_t inStride, int queries,
                           const Row* rows, std::int64_t stride, std::int64_t count, std::int64_t n, float* out,
                           std::int64_t outStride, Extra... extra) {
    for (int g = 0; g < queries; g += int(N))
        blocks[std::size_t(std::min(int(N), queries - g) - 1)](in + g * inStride, inStride, rows, stride, count, n,
                                                                 out + g * outStride, outStride, extra...);
}

// expFloat's constants (glibc's e_exp2f_data.c, N = 32): kExpTable[i] = bits(2^(i/32)) - (i << 47),
// so that bits(2^(k/32)) = kExpTable[k % 32] + (k << 47) for any integer k.
inline constexpr std::array<std::uint64_t, 32> kExpTable = {
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51, 0x3fef72b83c7d517b,
    0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1, 0x3fef06fe0a31b715, 0x3feef1a7373aa9cb,
    0x3feedea64c123422, 0x3feece086061892d, 0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429,
    0x3feea47eb03a5585, 0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d, 0x3feee89f995ad3ad,
    0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069, 0x3fef5818dcfba487, 0x3fef7c97337b9b5f,
    0x3fefa4afa2a490da, 0x3fefd0765b6e4540};
inline constexpr double kExpInvLn2N = 0x1.71547652b82fep+0 * 32;  // 32 / ln 2
inline constexpr double kExpShift = 0x1.8p+52;                    // rounds to an integer when added
inline constexpr double kExpC0 = 0x1.c6af84b912394p-5 / 32 / 32 / 32, kExpC1 = 0x1.ebfce50fac4f3p-3 / 32 / 32,
                        kExpC2 = 0x1.62e42ff0c52d6p-1 / 32;
inline constexpr float kExpUnderflow = -0x1.9fe368p6f;  // below: exp(x) < 2^-150, rounds to 0
inline constexpr float kExpOverflow = 0x1.62e42ep6f;    // above: exp(x) > FLT_MAX

// Element k of a weight row starting at `row` (possibly unaligned).
inline float loadWeight(const unsigned char* row, WeightType type, std::int64_t k) {
    switch (type) {
    case WeightType::F32: { float f; std::memcpy(&f, row + 4 * k, 4); return f; }
    case WeightType::BF16: { std::uint16_t h; std::memcpy(&h, row + 2 * k, 2); return bf16Bits(h); }
    case WeightType::F16: { std::uint16_t h; std::memcpy(&h, row + 2 * k, 2); return f16Bits(h); }
    case WeightType::Q4:
    case WeightType::F8E4M3: break;  // widened to F32 before any kernel (matmul.cpp, rowToFloat)
    }
    return 0.0f;
}

// y[t*ldy + o] = sum_k x[t*ldx + k] * w[o, k] for o in [rowBegin, rowEnd), t < numTokens.
void matmulRowsScalar(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                      std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy);
float dotScalar(const float* a, const float* b, std::int64_t n);
void axpyScalar(float a, const float* x, float* y, std::int64_t n);
// The attention loops (cpu_kernels.h's dotRows and weightedRowSum) per ISA take rows of float or
// Bf16 (`Row`); each ISA's file defines them and instantiates both.
template <typename Row>
void dotRowsScalar(const float* q, std::int64_t qStride, int queries, const Row* rows, std::int64_t stride,
                   std::int64_t count, std::int64_t n, float* out, std::int64_t outStride);
template <typename Row>
void weightedRowSumScalar(const float* weights, std::int64_t weightStride, int queries, const Row* rows,
                          std::int64_t stride, std::int64_t count, std::int64_t n, float* out, std::int64_t outStride,
                          bool accumulate);
void rowToFloatScalar(const MatrixView& w, std::int64_t row, float* out);
float expFloatScalar(float x);
float scaleAndMaxScalar(float* x, std::int64_t n, float scale);
float expAndSumScalar(float* x, std::int64_t n, float shift, float* weighted);
void scaleRowScalar(float* x, std::int64_t n, float s);
double sumOfSquaresScalar(const float* x, std::int64_t n);
void siluMulScalar(float* gate, const float* up, std::int64_t n);

#if defined(__x86_64__) || defined(__i386__)
#define QE_CPU_HAVE_AVX2_KERNELS 1
// AVX2+FMA+F16C versions (kernels_avx2.cpp); call only when detectedIsa() >= Isa::Avx2.
// matvecRowsAvx2: any numTokens, in groups of four per block of weight rows.
void matvecRowsAvx2(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                    std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy);
// matvecQ4Avx2 / matvecQ4Avx512: one token over rows of a Q4 matrix, the same bits as
// matvecRowsAvx2 over its dequantized F32 rows; only where matvecQ4Supported(w).
bool matvecQ4Supported(const MatrixView& w);
void matvecQ4Avx2(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x, float* y);
void matvecQ4Avx512(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x, float* y);
// gemmRowsAvx2: rowBegin should be a multiple of kRowBlock relative to the matrix for best packing.
void gemmRowsAvx2(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                  std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy);
// Packs a panel of `width` weight rows (a multiple of 8) for the GEMMs: packed[kk * ld + r] =
// w[row0 + r, k0 + kk] as fp32, zero for r >= rows. packed 32-byte aligned, ld a multiple of 8.
void packPanelAvx2(const MatrixView& w, std::int64_t row0, std::int64_t rows, std::int64_t k0, std::int64_t kc,
                   float* packed, std::int64_t width, std::int64_t ld);
float dotAvx2(const float* a, const float* b, std::int64_t n);
void axpyAvx2(float a, const float* x, float* y, std::int64_t n);
template <typename Row>
void dotRowsAvx2(const float* q, std::int64_t qStride, int queries, const Row* rows, std::int64_t stride,
                 std::int64_t count, std::int64_t n, float* out, std::int64_t outStride);
template <typename Row>
void weightedRowSumAvx2(const float* weights, std::int64_t weightStride, int queries, const Row* rows,
                        std::int64_t stride, std::int64_t count, std::int64_t n, float* out, std::int64_t outStride,
                        bool accumulate);
void rowToFloatAvx2(const MatrixView& w, std::int64_t row, float* out);
float scaleAndMaxAvx2(float* x, std::int64_t n, float scale);
float expAndSumAvx2(float* x, std::int64_t n, float shift, float* weighted);
void scaleRowAvx2(float* x, std::int64_t n, float s);
double sumOfSquaresAvx2(const float* x, std::int64_t n);
void siluMulAvx2(float* gate, const float* up, std::int64_t n);
// AVX-512F GEMM (kernels_avx512.cpp); call only when detectedIsa() == Isa::Avx512. Same results
// as gemmRowsAvx2, bit for bit.
void gemmRowsAvx512(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                    std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy);
// AMX-BF16 GEMM (kernels_amx.cpp); call only when amxAvailable(). The activations go in packed
// once per call: amxPackedXSize(numTokens, k) uint16 (64-byte aligned), token tile by token tile
// (16 tokens each, (numTokens + 15) / 16 tiles) through packXAmx, which rounds them to bf16.
// gemmRowsAmx then computes y[t, o] for o in [rowBegin, rowEnd) from bf16 weights w.
std::int64_t amxPackedXSize(std::int64_t numTokens, std::int64_t k);
void packXAmx(const float* x, std::int64_t ldx, std::int64_t numTokens, std::int64_t k, std::int64_t tile,
              std::uint16_t* packed);
void gemmRowsAmx(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const std::uint16_t* packedX,
                 std::int64_t numTokens, float* y, std::int64_t ldy);
// Attention's products on AMX (cpu_kernels.h's dotRowsAmx, packValuesAmx, weightedRowSumAmx).
void dotRowsAmx(const float* q, std::int64_t qStride, int queries, const Bf16* rows, std::int64_t stride,
                std::int64_t count, std::int64_t n, float* out, std::int64_t outStride);
void packValuesAmx(const Bf16* rows, std::int64_t stride, std::int64_t count, std::int64_t n, std::int64_t pairBegin,
                   std::int64_t pairEnd, std::uint16_t* packed);
void weightedRowSumAmx(const float* weights, std::int64_t weightStride, int queries, const std::int64_t* limits,
                       const std::uint16_t* packedValues, std::int64_t count, std::int64_t n, float* out,
                       std::int64_t outStride);
// Attention's loops with AVX-512F: the same bits as the AVX2 versions (each score and each output
// is the same chain of operations). dotRowsAvx512 passes head sizes that are not a multiple of 16
// to dotRowsAvx2.
template <typename Row>
void dotRowsAvx512(const float* q, std::int64_t qStride, int queries, const Row* rows, std::int64_t stride,
                   std::int64_t count, std::int64_t n, float* out, std::int64_t outStride);
// expAndSumFast with AVX-512F.
float expAndSumFastAvx512(float* x, std::int64_t n, float shift, float* weighted);
// siluMul with AVX-512F: the same bits as siluMulScalar.
void siluMulAvx512(float* gate, const float* up, std::int64_t n);
// floatsToBf16 with AVX-512F: floatToBf16's integer steps on 16 lanes (not VCVTNEPS2BF16, which
// flushes subnormals).
void floatsToBf16Avx512(const float* x, std::uint16_t* out, std::int64_t n);
template <typename Row>
void weightedRowSumAvx512(const float* weights, std::int64_t weightStride, int queries, const Row* rows,
                          std::int64_t stride, std::int64_t count, std::int64_t n, float* out, std::int64_t outStride,
                          bool accumulate);
#endif

}  // namespace qe::cpu::detail
