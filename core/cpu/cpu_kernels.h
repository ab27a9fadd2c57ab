// CPU compute kernels for the Qwen3 forward pass: thread pool, matrix multiply against stored
// weights (bf16 / f16 / f32, layout [out, in] as in PyTorch nn.Linear) with fp32 activations
// and fp32 accumulation, and small vector helpers. Kernels are chosen at run time from the CPU's
// features (AVX-512F for the prefill GEMM and attention, AVX2+FMA+F16C, else portable scalar
// code), so one binary runs on any x86-64. On request (GemmPrecision::Bf16) prefill's products run
// on AMX-BF16 tiles with bf16 inputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace qe::cpu {

// Q4 and F8E4M3 are quantized checkpoints' linear layers (spec §7). The matrix products widen
// them to fp32 a block of rows at a time (dequantizeRows) and run the F32 kernels on that, so a
// quantized matrix gives the same bits as the F32 matrix of its dequantized values.
enum class WeightType { F32, BF16, F16, Q4, F8E4M3 };

// A row-major weight matrix [rows = out features, cols = in features], not owned.
// F32 / BF16 / F16: `data` points at rows*cols elements of `type`; it need not be aligned
// (mmapped safetensors).
// Q4 (AWQ repacked by Weights): `data` is rows x cols/2 bytes; in each group of groupSize
// columns, byte j holds column j in its low nibble and column j + groupSize/2 in its high one.
// Element (r, c) = (q - zeros[r, g]) * scales[r, g], g = c / groupSize, both [rows, cols/groupSize].
// F8E4M3: `data` is rows x cols e4m3 bytes; element (r, c) = e4m3(r, c) * scales[r / blockRows,
// c / groupSize], scales [ceil(rows / blockRows), ceil(cols / groupSize)]; zeros unused.
struct MatrixView {
    const void* data = nullptr;
    WeightType type = WeightType::F32;
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    const float* scales = nullptr;
    const std::uint8_t* zeros = nullptr;
    std::int64_t groupSize = 0;
    std::int64_t blockRows = 0;
};
inline bool isQuantized(WeightType type) { return type == WeightType::Q4 || type == WeightType::F8E4M3; }
// Bytes of `data` per row (Q4's scales and zeros not counted).
inline std::int64_t storedRowBytes(const MatrixView& w) {
    switch (w.type) {
    case WeightType::F32: return w.cols * 4;
    case WeightType::BF16:
    case WeightType::F16: return w.cols * 2;
    case WeightType::Q4: return w.cols / 2;
    case WeightType::F8E4M3: return w.cols;
    }
    return 0;
}
// Rows [rowBegin, rowEnd) of a matrix of any type as fp32, out[(r - rowBegin) * w.cols + c]. Exact
// for the float types and Q4; F8E4M3 rounds each product with its scale once.
void dequantizeRows(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, float* out);
// An e4m3fn byte as fp32 (exact; 0x7f and 0xff are NaN, there are no infinities).
float e4m3ToFloat(std::uint8_t v);

// Instruction-set level the kernels run with, in increasing order. Avx512 runs the prefill GEMM
// and attention's two loops with AVX-512F (same results as Avx2, bit for bit) and everything
// else as Avx2.
enum class Isa { Scalar, Avx2, Avx512 };
Isa detectedIsa();            // best level this CPU supports
Isa activeIsa();              // level in use (detected unless overridden)
void setIsa(Isa isa);         // tests compare levels; clamps to detectedIsa()
const char* isaName(Isa isa);

// Fixed set of worker threads (the calling thread takes part as worker 0). parallelFor hands out
// [begin, end) chunks of [0, n) and returns when all are done. Cheap enough to call a few hundred
// times per decoded token (workers spin ~50 us before sleeping; no allocation per call; a call
// whose chunks the owner finishes before a worker wakes does not wait for that worker). Chunks are
// at least `grain` long (except the last) and about n / (4 * size()) otherwise, claimed dynamically.
// If fn throws, chunks not yet started are skipped and parallelFor rethrows the first exception on
// the calling thread once every worker has left; the pool stays usable (some of [0, n) may then
// not have been covered). Not reentrant: one parallelFor at a time, from the owning thread.
// The constructor starts size()-1 threads; the destructor joins them.
class ThreadPool {
public:
    explicit ThreadPool(int threads);  // threads <= 0: number of hardware threads
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const;
    // fn(begin, end, worker) over chunks of [0, n); `grain` is the minimum chunk size.
    void parallelFor(std::int64_t n, std::int64_t grain,
                     const std::function<void(std::int64_t begin, std::int64_t end, int worker)>& fn);

    // Test hook: a worker that has woken for a new job sleeps this long (0: not at all) between
    // reading the job id and checking for shutdown, to widen that window in shutdown tests.
    static void setWakeDelayForTesting(std::int64_t microseconds);

private:
    struct Impl;
    Impl* m_impl;
};

// One product in a fused matmul call: y[t, o] = sum_k x[t, k] * w[o, k]
// for t < numTokens, o < w.rows; y row stride `ldy` floats.
struct MatmulOut {
    MatrixView w;
    float* y = nullptr;
    std::int64_t ldy = 0;
};

// How matmul multiplies when it runs the GEMM (more than 16 tokens: prefill). The matrix-vector
// products (decode) are always F32.
// F32: fp32 activations times the weights widened to fp32, exact products, fp32 sums (the default).
// Bf16: the activations are rounded to bf16 (nearest, ties to even) and multiplied on AMX tiles
// with fp32 sums (TDPBF16PS), for bf16 weights on a CPU where amxAvailable(); other weights, or
// other CPUs, run F32. Several times faster; each product's activation carries bf16's relative
// rounding (at most 2^-9), as in llama.cpp's bf16 matrix products. Results do not depend on the
// thread count either way.
enum class GemmPrecision { F32, Bf16 };
// matmul runs the matrix-vector kernels up to this many tokens (one pass over the weights, tokens
// four at a time), the GEMM above. Measured with qe-kernel-bench: below ~16 tokens the GEMM's panel
// packing costs more than the matrix-vector kernels lose by not blocking for registers.
inline constexpr std::int64_t kMatvecMaxTokens = 16;
const char* gemmPrecisionName(GemmPrecision precision);  // "f32", "bf16"
// AMX-BF16 can run here: the CPU has AMX-TILE, AMX-BF16 and AVX512-BF16, the OS saves the tile
// state, and Linux granted this process the tile data (arch_prctl, asked on the first call), and
// activeIsa() is Avx512 (QE_CPU_ISA or setIsa below it turn AMX off too).
bool amxAvailable();

// Computes every product in `outs` for the same input x [numTokens, k] (row stride ldx, fp32),
// where k == w.cols for each. All products share one parallel region (e.g. q/k/v, gate/up).
// Accumulates in fp32; with F32 precision the result equals the exact fp32 dot products up to
// summation order (Bf16: see GemmPrecision); bit-identical for any thread count and whether
// products are fused or not. y must not overlap x. numTokens <= 16 runs the matrix-vector kernels
// (memory-bound decode: each weight row is read from memory once, tokens taken four at a time);
// more tokens run the packed, register-blocked GEMM (prefill), or the AMX one. No allocation (but
// the AMX path's per-thread buffers grow to the largest call); AVX-512F / AVX2+FMA+F16C when
// available, else scalar code.
void matmul(ThreadPool& pool, const float* x, std::int64_t numTokens, std::int64_t ldx,
            std::span<const MatmulOut> outs, GemmPrecision precision = GemmPrecision::F32);

// Attention's two loops over the cached positions, for one query token and the `queries` query
// heads of a GQA group, which share the keys and values: rows[j * stride] is position j's key
// (dotRows) or value (weightedRowSum), n floats each. Each row is read once for the whole group.
// dotRows: out[g * outStride + j] = dot(q + g * qStride, rows + j * stride, n) for g < queries and
// j < count, the same bits as dot() per query and row.
void dotRows(const float* q, std::int64_t qStride, int queries, const float* rows, std::int64_t stride,
             std::int64_t count, std::int64_t n, float* out, std::int64_t outStride);
// weightedRowSum: out[g * outStride + i] = sum over j of weights[g * weightStride + j] * rows[j *
// stride + i] for i < n, added in the order j = 0, 1, ..., count - 1: the same bits as zeroing the
// output and calling axpy(weight, row j, output, n) for each j, with the outputs in registers.
// accumulate: start from out's values instead of zero (continues an earlier call's sums, bit for
// bit as if its rows had been in that call).
void weightedRowSum(const float* weights, std::int64_t weightStride, int queries, const float* rows, std::int64_t stride,
                    std::int64_t count, std::int64_t n, float* out, std::int64_t outStride, bool accumulate = false);

// A bf16 number as stored: the upper 16 bits of an fp32 (the rows of a bf16 KV cache).
struct Bf16 {
    std::uint16_t bits;
};
// dotRows and weightedRowSum over bf16 rows: the same bits as widening the rows to fp32 (exact)
// and calling the fp32 versions; the rows are widened in registers as they are read.
void dotRows(const float* q, std::int64_t qStride, int queries, const Bf16* rows, std::int64_t stride,
             std::int64_t count, std::int64_t n, float* out, std::int64_t outStride);
void weightedRowSum(const float* weights, std::int64_t weightStride, int queries, const Bf16* rows, std::int64_t stride,
                    std::int64_t count, std::int64_t n, float* out, std::int64_t outStride, bool accumulate = false);

// Attention's two products on AMX tiles, for GemmPrecision::Bf16 over a bf16 KV cache; call only
// when amxAvailable(). The products are exact and summed in fp32; what goes in is rounded to bf16
// (nearest even): the queries, and the probabilities. n (the head size) a multiple of 32.
// dotRowsAmx: dotRows with the queries rounded to bf16.
void dotRowsAmx(const float* q, std::int64_t qStride, int queries, const Bf16* rows, std::int64_t stride,
                std::int64_t count, std::int64_t n, float* out, std::int64_t outStride);
// The values of positions 0 .. count - 1 (rows[j * stride], n each) laid out for weightedRowSumAmx:
// amxPackedValuesSize(count, n) uint16 on a cache line; packValuesAmx fills the pairs of positions
// [pairBegin, pairEnd) of the (count + 31) / 32 * 16 there are (split it across threads).
std::int64_t amxPackedValuesSize(std::int64_t count, std::int64_t n);
void packValuesAmx(const Bf16* rows, std::int64_t stride, std::int64_t count, std::int64_t n, std::int64_t pairBegin,
                   std::int64_t pairEnd, std::uint16_t* packed);
// weightedRowSumAmx: out[g * outStride + i] = sum over j < limits[g] of bf16(weights[g * weightStride
// + j]) * value[j][i], for g < queries, i < n; the values packed by packValuesAmx for count >= every
// limit. Weights past a query's limit are never read (a causal mask).
void weightedRowSumAmx(const float* weights, std::int64_t weightStride, int queries, const std::int64_t* limits,
                       const std::uint16_t* packedValues, std::int64_t count, std::int64_t n, float* out,
                       std::int64_t outStride);

// Attention's softmax in three passes over a row of scores, vectorised, with the same results on
// every ISA (and as the scalar loops they replace):
// scaleAndMax: x[i] *= scale for i < n; returns the largest (-inf when n == 0).
float scaleAndMax(float* x, std::int64_t n, float scale);
// expAndSum: x[i] = exp(x[i] - shift); returns the new values' sum, added in index order, and sets
// *weighted to the sum of x_new[i] * (x_old[i] - shift), added in any order (a diagnostic; a term
// whose exp is 0 adds 0, also for x_old[i] = -inf).
float expAndSum(float* x, std::int64_t n, float shift, float* weighted);
// expAndSumFast: expAndSum's results to a few ulp (each exp within 2e-7 relative, the sums added in
// any order) and several times faster, with AVX-512F (elsewhere it is expAndSum). For softmaxes whose
// probabilities are rounded to bf16 next (GemmPrecision::Bf16's attention).
float expAndSumFast(float* x, std::int64_t n, float shift, float* weighted);
// scaleRow: x[i] *= s.
void scaleRow(float* x, std::int64_t n, float s);
// The exp of expAndSum: glibc's expf as its FMA build computes it (the ARM optimized-routines
// algorithm: a 32-entry table of 2^(i/32) and a cubic in double precision, under 0.502 ulp), the
// same bits for every float; exp(-inf) = 0, exp(NaN) = NaN, overflow gives +inf.
float expFloat(float x);

// Convenience for one product.
void matmul(ThreadPool& pool, const float* x, std::int64_t numTokens, std::int64_t ldx, const MatrixView& w,
            float* y, std::int64_t ldy, GemmPrecision precision = GemmPrecision::F32);

// Widens row `row` of w into out[0 .. w.cols) (embedding lookup, diagnostics).
void rowToFloat(const MatrixView& w, std::int64_t row, float* out);

// Scalar conversions. bf16 -> f32 is the exact bit shift; f16 -> f32 is exact (a NaN keeps sign and
// payload and comes back quiet, as F16C does). f32 -> bf16 / f16 round to nearest, ties to even;
// overflow gives infinity; a NaN stays a NaN (quieted, sign kept).
float bf16ToFloat(std::uint16_t v);
float f16ToFloat(std::uint16_t v);
std::uint16_t floatToBf16(float v);
std::uint16_t floatToF16(float v);
// out[i] = floatToBf16(x[i]) for i < n, vectorised (the KV cache's bf16 rows).
void floatsToBf16(const float* x, std::uint16_t* out, std::int64_t n);

// Dot product and y += a*x over n floats (attention inner loops).
float dot(const float* a, const float* b, std::int64_t n);
void axpy(float a, const float* x, float* y, std::int64_t n);

// The element-wise steps between the matrix products, with the same bits on every ISA (for
// finite inputs and infinities; a NaN stays a NaN):
// sumOfSquares: the sum of x[i]^2 in double (each square exact), added in eight interleaved
// partial sums (i mod 8, each in index order) combined pairwise: what RMSNorm and the diagnostics'
// RMS divide by n. Independent chains: a single running sum is bound by the add's latency.
double sumOfSquares(const float* x, std::int64_t n);
// siluMul: gate[i] = silu(gate[i]) * up[i], silu(z) = z / (1 + expFloat(-z)) (the MLP's SwiGLU).
void siluMul(float* gate, const float* up, std::int64_t n);

}  // namespace qe::cpu
