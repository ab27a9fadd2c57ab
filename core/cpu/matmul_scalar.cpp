// Portable scalar kernels: the fallback on CPUs without AVX2+FMA+F16C and the reference level
// that tests compare the vector kernels with. Thread mapping: none here; each call computes the
// output rows it is given on the calling thread (matmul.cpp splits rows across the pool).
#include <algorithm>

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
    }
}

float dotScalar(const float* a, const float* b, std::int64_t n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; ++i) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

void axpyScalar(float a, const float* x, float* y, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void dotRowsScalar(const float* q, std::int64_t qStride, int queries, const float* rows, std::int64_t stride,
                   std::int64_t count, std::int64_t n, float* out, std::int64_t outStride) {
    for (int g = 0; g < queries; ++g)
        for (std::int64_t j = 0; j < count; ++j) out[g * outStride + j] = dotScalar(q + g * qStride, rows + j * stride, n);
}

void weightedRowSumScalar(const float* weights, std::int64_t weightStride, int queries, const float* rows,
                          std::int64_t stride, std::int64_t count, std::int64_t n, float* out, std::int64_t outStride,
                          bool accumulate) {
    for (int g = 0; g < queries; ++g) {
        float* o = out + g * outStride;
        if (!accumulate) std::fill(o, o + n, 0.0f);
        for (std::int64_t j = 0; j < count; ++j) axpyScalar(weights[g * weightStride + j], rows + j * stride, o, n);
    }
}

void rowToFloatScalar(const MatrixView& w, std::int64_t row, float* out) {
    const unsigned char* src = rowBytes(w, row);
    for (std::int64_t k = 0; k < w.cols; ++k) out[k] = loadWeight(src, w.type, k);
}

}  // namespace qe::cpu::detail
