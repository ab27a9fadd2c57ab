// Portable scalar kernels: the fallback on CPUs without AVX2+FMA+F16C and the reference level
// that tests compare the vector kernels with. Thread mapping: none here; each call computes the
// output rows it is given on the calling thread (matmul.cpp splits rows across the pool).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/cpu/kernels_detail.h"

namespace qe::cpu::detail {

namespace {

// Four partial sums break the dependency chain; the order is fixed, so results are deterministic.
template <WeightType Type>
float rowDot(const unsigned char* row, const float* x, std::int64_t k) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::int64_t i = 0;
    for (; i + 4 <= k; i += 4) {
        s0 += loadWeight(row, Type, i) * x[i];
        s1 += loadWeight(row, Type, i + 1) * x[i + 1];
        s2 += loadWeight(row, Type, i + 2) * x[i + 2];
        s3 += loadWeight(row, Type, i + 3) * x[i + 3];
    }
    for (; i < k; ++i) s0 += loadWeight(row, Type, i) * x[i];
    return (s0 + s1) + (s2 + s3);
}

template <WeightType Type>
void matmulRows(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy) {
    for (std::int64_t o = rowBegin; o < rowEnd; ++o) {
        const unsigned char* row = rowBytes(w, o);
        for (std::int64_t tok = 0; tok < numTokens; ++tok) y[tok * ldy + o] = rowDot<Type>(row, x + tok * ldx, w.cols);
    }
}

}  // namespace

void matmulRowsScalar(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const float* x,
                      std::int64_t numTokens, std::int64_t ldx, float* y, std::int64_t ldy) {
    switch (w.type) {
    case WeightType::F32: return matmulRows<WeightType::F32>(w, rowBegin, rowEnd, x, numTokens, ldx, y, ldy);
    case WeightType::BF16: return matmulRows<WeightType::BF16>(w, rowBegin, rowEnd, x, numTokens, ldx, y, ldy);
    case WeightType::F16: return matmulRows<WeightType::F16>(w, rowBegin, rowEnd, x, numTokens, ldx, y, ldy);
    case WeightType::Q4:
    case WeightType::F8E4M3: break;  // widened to F32 before any kernel (matmul.cpp, rowToFloat)
    }
}

namespace {

// dot and axpy over a cached row of `Row`s (float or bf16, widened exactly).
template <typename Row>
float dotTyped(const float* a, const Row* b, std::int64_t n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * widen(b[i]);
        s1 += a[i + 1] * widen(b[i + 1]);
        s2 += a[i + 2] * widen(b[i + 2]);
        s3 += a[i + 3] * widen(b[i + 3]);
    }
    for (; i < n; ++i) s0 += a[i] * widen(b[i]);
    return (s0 + s1) + (s2 + s3);
}

template <typename Row>
void axpyTyped(float a, const Row* x, float* y, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) y[i] += a * widen(x[i]);
}

}  // namespace

float dotScalar(const float* a, const float* b, std::int64_t n) { return dotTyped(a, b, n); }

void axpyScalar(float a, const float* x, float* y, std::int64_t n) { axpyTyped(a, x, y, n); }

template <typename Row>
void dotRowsScalar(const float* q, std::int64_t qStride, int queries, const Row* rows, std::int64_t stride,
                   std::int64_t count, std::int64_t n, float* out, std::int64_t outStride) {
    for (int g = 0; g < queries; ++g)
        for (std::int64_t j = 0; j < count; ++j) out[g * outStride + j] = dotTyped(q + g * qStride, rows + j * stride, n);
}

template <typename Row>
void weightedRowSumScalar(const float* weights, std::int64_t weightStride, int queries, const Row* rows,
                          std::int64_t stride, std::int64_t count, std::int64_t n, float* out, std::int64_t outStride,
                          bool accumulate) {
    for (int g = 0; g < queries; ++g) {
        float* o = out + g * outStride;
        if (!accumulate) std::fill(o, o + n, 0.0f);
        for (std::int64_t j = 0; j < count; ++j) axpyTyped(weights[g * weightStride + j], rows + j * stride, o, n);
    }
}

template void dotRowsScalar(const float*, std::int64_t, int, const float*, std::int64_t, std::int64_t, std::int64_t,
                            float*, std::int64_t);
template void dotRowsScalar(const float*, std::int64_t, int, const Bf16*, std::int64_t, std::int64_t, std::int64_t,
                            float*, std::int64_t);
template void weightedRowSumScalar(const float*, std::int64_t, int, const float*, std::int64_t, std::int64_t,
                                   std::int64_t, float*, std::int64_t, bool);
template void weightedRowSumScalar(const float*, std::int64_t, int, const Bf16*, std::int64_t, std::int64_t,
                                   std::int64_t, float*, std::int64_t, bool);

void rowToFloatScalar(const MatrixView& w, std::int64_t row, float* out) {
    const unsigned char* src = rowBytes(w, row);
    for (std::int64_t k = 0; k < w.cols; ++k) out[k] = loadWeight(src, w.type, k);
}

// glibc's expf (sysdeps/ieee754/flt-32/e_expf.c) as GCC compiles its FMA variant, which fuses the
// first multiply into both of its uses: x * 32/ln2 = k + r, exp(x) = 2^(k/32) * 2^(r/32), the
// second factor a cubic in r. std::fma keeps the fused steps fused on any CPU.
float expFloatScalar(float x) {
    if (!(x >= kExpUnderflow)) return std::isnan(x) ? x + x : 0.0f;
    if (x > kExpOverflow) return INFINITY;
    const double xd = x;
    double kd = std::fma(kExpInvLn2N, xd, kExpShift);  // k + 2^52 * 1.5: k in the low bits
    std::uint64_t ki;
    std::memcpy(&ki, &kd, 8);
    kd -= kExpShift;
    const double r = std::fma(kExpInvLn2N, xd, -kd);
    const std::uint64_t bits = kExpTable[ki % 32] + (ki << 47);
    double s;
    std::memcpy(&s, &bits, 8);
    const double z = std::fma(kExpC0, r, kExpC1), r2 = r * r;
    double y = std::fma(kExpC2, r, 1.0);
    y = std::fma(z, r2, y);
    return static_cast<float>(y * s);
}

float scaleAndMaxScalar(float* x, std::int64_t n, float scale) {
    float m = -INFINITY;
    for (std::int64_t i = 0; i < n; ++i) {
        x[i] *= scale;
        m = std::max(m, x[i]);
    }
    return m;
}

float expAndSumScalar(float* x, std::int64_t n, float shift, float* weighted) {
    float sum = 0.0f, w = 0.0f;
    for (std::int64_t i = 0; i < n; ++i) {
        const float shifted = x[i] - shift;
        x[i] = expFloatScalar(shifted);
        sum += x[i];
        w += x[i] * std::max(shifted, kExpUnderflow);  // exp(-inf) * -inf: 0, not NaN
    }
    *weighted = w;
    return sum;
}

void scaleRowScalar(float* x, std::int64_t n, float s) {
    for (std::int64_t i = 0; i < n; ++i) x[i] *= s;
}

double sumOfSquaresScalar(const float* x, std::int64_t n) {
    double lane[8] = {};
    for (std::int64_t i = 0; i < n; ++i) lane[i % 8] += static_cast<double>(x[i]) * x[i];
    return ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
}

void siluMulScalar(float* gate, const float* up, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
        const float z = gate[i];
        gate[i] = z / (1.0f + expFloatScalar(-z)) * up[i];
    }
}

}  // namespace qe::cpu::detail
