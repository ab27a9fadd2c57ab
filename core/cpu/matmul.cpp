// matmul: splits the output rows of one or more products (sharing the input x) across the thread
// pool and picks the kernel. Thread mapping: the union of all products' rows is cut into blocks of
// kRowBlock rows (a block never spans two products); the pool hands contiguous runs of blocks to
// the workers, and each worker computes all numTokens for its rows. No allocation per call (the
// AMX path's packed activations live in a buffer of the calling thread's that only grows).
#include <algorithm>
#include <cassert>
#include <new>
#include <vector>

#include "core/cpu/cpu_kernels.h"
#include "core/cpu/kernels_detail.h"

namespace qe::cpu {

namespace {

// Below about this many multiply-adds a chunk is not worth handing to another thread.
constexpr std::int64_t kMinMacsPerChunk = 64 * 1024;

std::int64_t blocksOf(const MatmulOut& out) { return (out.w.rows + detail::kRowBlock - 1) / detail::kRowBlock; }

// The AMX path's activations, packed (kernels_detail.h): per calling thread, grown as needed.
// nullptr when the allocation fails (the caller then runs the fp32 GEMM).
std::uint16_t* packedActivations(std::int64_t elements) {
    thread_local std::vector<std::uint16_t> buffer;
    try {
        return detail::alignedScratch(buffer, elements);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}

void computeRows(Isa isa, const MatmulOut& out, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                 std::int64_t numTokens, std::int64_t ldx, const std::uint16_t* packedX) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    // Decoding over AWQ's 4-bit rows: widened in registers. (FP8 rows widened the same way decoded
    // the 0.6B shape slower end to end than through the row buffer, 6.6-7.1 against 8.4-10.6 tok/s,
    // though faster alone in a loop over one matrix: docs/perf/cpu.md.)
    if (numTokens == 1 && isa >= Isa::Avx2 && detail::matvecQ4Supported(out.w)) {
        if (isa == Isa::Avx512) return detail::matvecQ4Avx512(out.w, rowBegin, rowEnd, x, out.y);
        return detail::matvecQ4Avx2(out.w, rowBegin, rowEnd, x, out.y);
    }
#endif
    if (isQuantized(out.w.type)) {
        // A block of rows widened to fp32 at a time (kRowBlock x cols floats, per thread), then the
        // F32 kernels: the same bits as an F32 matrix of the dequantized values.
        thread_local std::vector<float> rows;
        const std::int64_t k = out.w.cols;
        if (std::int64_t(rows.size()) < detail::kRowBlock * k) rows.resize(std::size_t(detail::kRowBlock * k));
        for (std::int64_t begin = rowBegin; begin < rowEnd; begin += detail::kRowBlock) {
            const std::int64_t end = std::min(rowEnd, begin + detail::kRowBlock);
            dequantizeRows(out.w, begin, end, rows.data());
            const MatmulOut widened{.w = {rows.data(), WeightType::F32, end - begin, k}, .y = out.y + begin, .ldy = out.ldy};
            computeRows(isa, widened, 0, end - begin, x, numTokens, ldx, nullptr);
        }
        return;
    }
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (packedX && out.w.type == WeightType::BF16)
        return detail::gemmRowsAmx(out.w, rowBegin, rowEnd, packedX, numTokens, out.y, out.ldy);
    if (isa >= Isa::Avx2) {
        if (numTokens <= kMatvecMaxTokens)
            detail::matvecRowsAvx2(out.w, rowBegin, rowEnd, x, numTokens, ldx, out.y, out.ldy);
        else if (isa == Isa::Avx512)
            detail::gemmRowsAvx512(out.w, rowBegin, rowEnd, x, numTokens, ldx, out.y, out.ldy);
        else
            detail::gemmRowsAvx2(out.w, rowBegin, rowEnd, x, numTokens, ldx, out.y, out.ldy);
        return;
    }
#endif
    (void)isa;
    (void)packedX;
    detail::matmulRowsScalar(out.w, rowBegin, rowEnd, x, numTokens, ldx, out.y, out.ldy);
}

}  // namespace

void matmul(ThreadPool& pool, const float* x, std::int64_t numTokens, std::int64_t ldx,
            std::span<const MatmulOut> outs, GemmPrecision precision) {
    if (numTokens <= 0 || outs.empty()) return;
    std::int64_t totalBlocks = 0;
    for (const MatmulOut& out : outs) {
        assert(out.w.cols == outs[0].w.cols && "all products share x, so they need the same in-features");
        assert(out.w.rows == 0 || (out.w.data != nullptr && out.y != nullptr));
        assert(numTokens == 1 || ldx >= out.w.cols);
        assert(numTokens == 1 || out.ldy >= out.w.rows);
        totalBlocks += blocksOf(out);
    }
    if (totalBlocks == 0) return;
    const std::int64_t macsPerBlock = detail::kRowBlock * std::max<std::int64_t>(outs[0].w.cols, 1) * numTokens;
    const std::int64_t grain = std::max<std::int64_t>(1, kMinMacsPerChunk / macsPerBlock);
    const Isa isa = activeIsa();

    // Bf16 on AMX: pack the activations once, a token tile per chunk, for every bf16 product.
    const std::uint16_t* packedX = nullptr;
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    const bool anyBf16 = std::any_of(outs.begin(), outs.end(), [](const MatmulOut& out) {
        return out.w.rows > 0 && out.w.type == WeightType::BF16;
    });
    if (precision == GemmPrecision::Bf16 && numTokens > kMatvecMaxTokens && anyBf16 && amxAvailable()) {
        const std::int64_t k = outs[0].w.cols;
        if (std::uint16_t* packed = packedActivations(detail::amxPackedXSize(numTokens, k))) {
            pool.parallelFor((numTokens + 15) / 16, 1, [&](std::int64_t begin, std::int64_t end, int) {
                for (std::int64_t tile = begin; tile < end; ++tile) detail::packXAmx(x, ldx, numTokens, k, tile, packed);
            });
            packedX = packed;
        }
    }
#else
    (void)precision;
#endif

    pool.parallelFor(totalBlocks, grain, [&](std::int64_t blockBegin, std::int64_t blockEnd, int) {
        // Map the block range onto each product it overlaps.
        std::int64_t first = 0;  // first block of the current product
        for (const MatmulOut& out : outs) {
            const std::int64_t count = blocksOf(out);
            const std::int64_t lo = std::max(blockBegin, first), hi = std::min(blockEnd, first + count);
            if (lo < hi) {
                const std::int64_t rowBegin = (lo - first) * detail::kRowBlock;
                const std::int64_t rowEnd = std::min(out.w.rows, (hi - first) * detail::kRowBlock);
                computeRows(isa, out, rowBegin, rowEnd, x, numTokens, ldx, packedX);
            }
            first += count;
            if (first >= blockEnd) break;
        }
    });
}

// Attention on AMX: only reached when amxAvailable(), which is false without the x86 kernels.
void dotRowsAmx(const float* q, std::int64_t qStride, int queries, const Bf16* rows, std::int64_t stride,
                std::int64_t count, std::int64_t n, float* out, std::int64_t outStride) {
    assert(amxAvailable() && n % 32 == 0);
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    detail::dotRowsAmx(q, qStride, queries, rows, stride, count, n, out, outStride);
#else
    (void)q, (void)qStride, (void)queries, (void)rows, (void)stride, (void)count, (void)n, (void)out, (void)outStride;
#endif
}

std::int64_t amxPackedValuesSize(std::int64_t count, std::int64_t n) { return (count + 31) / 32 * 32 * n; }

void packValuesAmx(const Bf16* rows, std::int64_t stride, std::int64_t count, std::int64_t n, std::int64_t pairBegin,
                   std::int64_t pairEnd, std::uint16_t* packed) {
    assert(amxAvailable() && n % 32 == 0);
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    detail::packValuesAmx(rows, stride, count, n, pairBegin, pairEnd, packed);
#else
    (void)rows, (void)stride, (void)count, (void)n, (void)pairBegin, (void)pairEnd, (void)packed;
#endif
}

void weightedRowSumAmx(const float* weights, std::int64_t weightStride, int queries, const std::int64_t* limits,
                       const std::uint16_t* packedValues, std::int64_t count, std::int64_t n, float* out,
                       std::int64_t outStride) {
    assert(amxAvailable() && n % 32 == 0);
    if (queries <= 0) return;
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    detail::weightedRowSumAmx(weights, weightStride, queries, limits, packedValues, count, n, out, outStride);
#else
    (void)weights, (void)weightStride, (void)limits, (void)packedValues, (void)count, (void)n, (void)out, (void)outStride;
#endif
}

void matmul(ThreadPool& pool, const float* x, std::int64_t numTokens, std::int64_t ldx, const MatrixView& w,
            float* y, std::int64_t ldy, GemmPrecision precision) {
    const MatmulOut out{.w = w, .y = y, .ldy = ldy};
    matmul(pool, x, numTokens, ldx, std::span<const MatmulOut>(&out, 1), precision);
}

}  // namespace qe::cpu
