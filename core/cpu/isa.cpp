// Run-time instruction-set selection and the small public helpers (scalar conversions, rowToFloat,
// dot, axpy) that dispatch on it. Runs on the calling thread only.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string_view>

#if defined(__x86_64__) && defined(__linux__)
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "core/cpu/cpu_kernels.h"
#include "core/cpu/kernels_detail.h"

namespace qe::cpu {

namespace {

Isa probeIsa() {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    // __builtin_cpu_supports also checks that the OS saves the YMM / ZMM state (XGETBV).
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return __builtin_cpu_supports("avx512f") ? Isa::Avx512 : Isa::Avx2;
#endif
    return Isa::Scalar;
}

// AMX-BF16 with its state saved by the OS, and the tile data granted to this process: Linux hands
// it out on request only (arch_prctl ARCH_REQ_XCOMP_PERM, process-wide, for every thread).
bool probeAmx() {
#if defined(__x86_64__) && defined(__linux__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE)) return false;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool amxBf16 = d & (1u << 22), amxTile = d & (1u << 24), avx512f = b & (1u << 16);
    if (!amxBf16 || !amxTile || !avx512f) return false;
    if (!__get_cpuid_count(7, 1, &a, &b, &c, &d) || !(a & (1u << 5))) return false;  // AVX512-BF16
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    constexpr unsigned kTileState = (1u << 17) | (1u << 18);  // XTILECFG, XTILEDATA
    if ((lo & kTileState) != kTileState) return false;
    constexpr int kReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kReqXcompPerm, kXfeatureXtiledata) == 0;
#else
    return false;
#endif
}

// QE_CPU_ISA=scalar|avx2|avx512 caps the level (comparisons, or a CPU that misbehaves with one).
Isa initialIsa() {
    const char* wanted = std::getenv("QE_CPU_ISA");
    const std::string_view name = wanted ? wanted : "";
    const Isa cap = name == "scalar" ? Isa::Scalar : name == "avx2" ? Isa::Avx2 : Isa::Avx512;
    return std::min(cap, detectedIsa());
}

std::atomic<Isa>& activeSlot() {
    static std::atomic<Isa> slot{initialIsa()};
    return slot;
}

}  // namespace

Isa detectedIsa() {
    static const Isa detected = probeIsa();
    return detected;
}

Isa activeIsa() { return activeSlot().load(std::memory_order_relaxed); }

void setIsa(Isa isa) {
    const Isa best = detectedIsa();
    activeSlot().store(std::min(isa, best), std::memory_order_relaxed);  // levels are ordered
}

bool amxAvailable() {
    static const bool granted = detectedIsa() == Isa::Avx512 && probeAmx();
    return granted && activeIsa() == Isa::Avx512;
}

const char* gemmPrecisionName(GemmPrecision precision) {
    return precision == GemmPrecision::Bf16 ? "bf16" : "f32";
}

const char* isaName(Isa isa) {
    switch (isa) {
    case Isa::Scalar: return "scalar";
    case Isa::Avx2: return "avx2+fma+f16c";
    case Isa::Avx512: return "avx512f+avx2+fma+f16c";
    }
    return "unknown";
}

float bf16ToFloat(std::uint16_t v) { return detail::bf16Bits(v); }

float f16ToFloat(std::uint16_t v) { return detail::f16Bits(v); }

std::uint16_t floatToBf16(float v) {
    std::uint32_t u = detail::floatToBits(v);
    if ((u & 0x7fffffffu) > 0x7f800000u) return std::uint16_t((u >> 16) | 0x0040u);  // NaN: keep sign+payload, quiet
    u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest, ties to even (carries into the exponent)
    return std::uint16_t(u >> 16);
}

void floatsToBf16(const float* x, std::uint16_t* out, std::int64_t n) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() == Isa::Avx512) return detail::floatsToBf16Avx512(x, out, n);
#endif
    for (std::int64_t i = 0; i < n; ++i) out[i] = floatToBf16(x[i]);
}

std::uint16_t floatToF16(float v) {
    const std::uint32_t u = detail::floatToBits(v);
    const std::uint32_t sign = (u >> 16) & 0x8000u;
    const std::uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return std::uint16_t(sign | 0x7e00u | ((a >> 13) & 0x3ffu));  // NaN, quiet
    if (a >= 0x477ff000u) return std::uint16_t(sign | 0x7c00u);  // >= 65520 (midpoint 65504..65536): inf
    const std::uint32_t exponent = a >> 23;
    const std::uint32_t mantissa = a & 0x7fffffu;
    if (exponent < 113) {  // below 2^-14: f16 subnormal (or zero); result = round(|v| * 2^24)
        if (exponent == 0) return std::uint16_t(sign);
        const std::uint32_t shift = 126 - exponent;  // >= 14
        if (shift > 31) return std::uint16_t(sign);
        const std::uint32_t m24 = mantissa | 0x800000u;
        std::uint32_t q = m24 >> shift;
        const std::uint32_t rem = m24 & ((1u << shift) - 1);
        const std::uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1u))) ++q;
        return std::uint16_t(sign | q);
    }
    std::uint32_t h = ((exponent - 112) << 10) | (mantissa >> 13);
    const std::uint32_t rem = mantissa & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // may carry into the exponent: still correct
    return std::uint16_t(sign | h);
}

namespace detail {

float f16Bits(std::uint16_t v) {
    const std::uint32_t sign = std::uint32_t(v & 0x8000u) << 16;
    std::uint32_t exponent = (v >> 10) & 0x1fu;
    std::uint32_t mantissa = v & 0x3ffu;
    if (exponent == 0x1f)  // inf; NaN keeps its payload and is quieted, as F16C's vcvtph2ps does
        return bitsToFloat(sign | 0x7f800000u | (mantissa ? 0x400000u | (mantissa << 13) : 0u));
    if (exponent == 0) {
        if (mantissa == 0) return bitsToFloat(sign);
        exponent = 113;  // subnormal: mantissa * 2^-24, renormalised
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            --exponent;
        }
        return bitsToFloat(sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13));
    }
    return bitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

}  // namespace detail

void rowToFloat(const MatrixView& w, std::int64_t row, float* out) {
    if (isQuantized(w.type)) return dequantizeRows(w, row, row + 1, out);
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() >= Isa::Avx2) return detail::rowToFloatAvx2(w, row, out);
#endif
    detail::rowToFloatScalar(w, row, out);
}

float dot(const float* a, const float* b, std::int64_t n) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() >= Isa::Avx2) return detail::dotAvx2(a, b, n);
#endif
    return detail::dotScalar(a, b, n);
}

namespace {

template <typename Row>
void dotRowsOn(const float* q, std::int64_t qStride, int queries, const Row* rows, std::int64_t stride,
               std::int64_t count, std::int64_t n, float* out, std::int64_t outStride) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() == Isa::Avx512) return detail::dotRowsAvx512(q, qStride, queries, rows, stride, count, n, out, outStride);
    if (activeIsa() == Isa::Avx2) return detail::dotRowsAvx2(q, qStride, queries, rows, stride, count, n, out, outStride);
#endif
    detail::dotRowsScalar(q, qStride, queries, rows, stride, count, n, out, outStride);
}

template <typename Row>
void weightedRowSumOn(const float* weights, std::int64_t weightStride, int queries, const Row* rows, std::int64_t stride,
                      std::int64_t count, std::int64_t n, float* out, std::int64_t outStride, bool accumulate) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() == Isa::Avx512)
        return detail::weightedRowSumAvx512(weights, weightStride, queries, rows, stride, count, n, out, outStride, accumulate);
    if (activeIsa() == Isa::Avx2)
        return detail::weightedRowSumAvx2(weights, weightStride, queries, rows, stride, count, n, out, outStride, accumulate);
#endif
    detail::weightedRowSumScalar(weights, weightStride, queries, rows, stride, count, n, out, outStride, accumulate);
}

}  // namespace

void dotRows(const float* q, std::int64_t qStride, int queries, const float* rows, std::int64_t stride,
             std::int64_t count, std::int64_t n, float* out, std::int64_t outStride) {
    dotRowsOn(q, qStride, queries, rows, stride, count, n, out, outStride);
}

void dotRows(const float* q, std::int64_t qStride, int queries, const Bf16* rows, std::int64_t stride,
             std::int64_t count, std::int64_t n, float* out, std::int64_t outStride) {
    dotRowsOn(q, qStride, queries, rows, stride, count, n, out, outStride);
}

void weightedRowSum(const float* weights, std::int64_t weightStride, int queries, const float* rows, std::int64_t stride,
                    std::int64_t count, std::int64_t n, float* out, std::int64_t outStride, bool accumulate) {
    weightedRowSumOn(weights, weightStride, queries, rows, stride, count, n, out, outStride, accumulate);
}

void weightedRowSum(const float* weights, std::int64_t weightStride, int queries, const Bf16* rows, std::int64_t stride,
                    std::int64_t count, std::int64_t n, float* out, std::int64_t outStride, bool accumulate) {
    weightedRowSumOn(weights, weightStride, queries, rows, stride, count, n, out, outStride, accumulate);
}

float expFloat(float x) { return detail::expFloatScalar(x); }

float scaleAndMax(float* x, std::int64_t n, float scale) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() >= Isa::Avx2) return detail::scaleAndMaxAvx2(x, n, scale);
#endif
    return detail::scaleAndMaxScalar(x, n, scale);
}

float expAndSum(float* x, std::int64_t n, float shift, float* weighted) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    // AVX2 on AVX-512 CPUs too: an 8-double exp measured only ~10 % faster there, and the sum in
    // index order, not the exp, bounds the loop.
    if (activeIsa() >= Isa::Avx2) return detail::expAndSumAvx2(x, n, shift, weighted);
#endif
    return detail::expAndSumScalar(x, n, shift, weighted);
}

float expAndSumFast(float* x, std::int64_t n, float shift, float* weighted) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() == Isa::Avx512) return detail::expAndSumFastAvx512(x, n, shift, weighted);
#endif
    return expAndSum(x, n, shift, weighted);
}

void scaleRow(float* x, std::int64_t n, float s) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() >= Isa::Avx2) return detail::scaleRowAvx2(x, n, s);
#endif
    detail::scaleRowScalar(x, n, s);
}

double sumOfSquares(const float* x, std::int64_t n) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() >= Isa::Avx2) return detail::sumOfSquaresAvx2(x, n);
#endif
    return detail::sumOfSquaresScalar(x, n);
}

void siluMul(float* gate, const float* up, std::int64_t n) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() == Isa::Avx512) return detail::siluMulAvx512(gate, up, n);
    if (activeIsa() >= Isa::Avx2) return detail::siluMulAvx2(gate, up, n);
#endif
    detail::siluMulScalar(gate, up, n);
}

void axpy(float a, const float* x, float* y, std::int64_t n) {
#if defined(QE_CPU_HAVE_AVX2_KERNELS)
    if (activeIsa() >= Isa::Avx2) return detail::axpyAvx2(a, x, y, n);
#endif
    detail::axpyScalar(a, x, y, n);
}

}  // namespace qe::cpu
