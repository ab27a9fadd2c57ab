// Tensor statistics in two streaming passes over the mapped data. Each block of kBlock elements is
// widened to fp32 with the vectorized cpu::rowToFloat, then reduced with kLanes independent
// accumulators (so the compiler can vectorize without reassociating), and blocks are merged with
// Chan et al.'s pairwise update of (count, mean, M2), which stays accurate for billions of
// values where a running sum of squares would cancel.
#include "core/tensor_stats.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>

#include "core/cpu/cpu_kernels.h"
#include "core/weights.h"

namespace qe {

namespace {

// The reductions below are plain loops written for the auto-vectorizer; on x86-64 GCC and Clang
// also build an AVX2 copy of each and pick one at load time (an ifunc), so they run eight floats
// wide where the CPU allows without a hand-written intrinsics path.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QE_STATS_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define QE_STATS_CLONES
#endif

constexpr std::int64_t kBlock = 4096;  // 16 KiB of fp32: stays in L1 between the block's loops
constexpr int kLanes = 8;
// Interleaved copies of the histogram: neighbouring values often fall in the same bin, and
// separate counters keep those increments from waiting on each other.
constexpr int kHistogramCopies = 4;

std::optional<cpu::WeightType> weightType(DType dtype) {
    switch (dtype) {
    case DType::F32: return cpu::WeightType::F32;
    case DType::BF16: return cpu::WeightType::BF16;
    case DType::F16: return cpu::WeightType::F16;
    default: return std::nullopt;
    }
}

// Elements [begin, begin + n) of the tensor, widened into out[0, n).
void widen(const TensorInfo& tensor, cpu::WeightType type, std::int64_t begin, std::int64_t n, float* out) {
    const std::int64_t elementBytes = type == cpu::WeightType::F32 ? 4 : 2;
    const cpu::MatrixView view{tensor.data + begin * elementBytes, type, 1, n};
    cpu::rowToFloat(view, 0, out);
}

// Moves the finite values of values[0, n) to the front, in order; returns how many there are.
QE_STATS_CLONES std::int64_t keepFinite(float* values, std::int64_t n) {
    constexpr float kMax = std::numeric_limits<float>::max();
    std::int32_t finite = 0;  // n <= kBlock; 32-bit lanes vectorize twice as wide
    for (std::int64_t i = 0; i < n; ++i) finite += std::fabs(values[i]) <= kMax;  // false for NaN and ±Inf
    if (finite == n) return n;
    std::int64_t kept = 0;
    for (std::int64_t i = 0; i < n; ++i)
        if (std::fabs(values[i]) <= kMax) values[kept++] = values[i];
    return kept;
}

struct Moments {
    double count = 0.0;
    double mean = 0.0;
    double m2 = 0.0;  // sum of squared deviations from the mean
    float min = std::numeric_limits<float>::infinity();
    float max = -std::numeric_limits<float>::infinity();
};

// Finite floats ordered like signed integers: negative values get their magnitude bits flipped.
// The map is its own inverse. Integer min/max vectorize; float ones would need -ffast-math.
inline std::int32_t orderedBits(float x) {
    std::int32_t bits = 0;
    std::memcpy(&bits, &x, 4);
    return bits ^ ((bits >> 31) & 0x7FFFFFFF);
}

inline float fromOrderedBits(std::int32_t key) {
    const std::int32_t bits = key ^ ((key >> 31) & 0x7FFFFFFF);
    float x = 0.0f;
    std::memcpy(&x, &bits, 4);
    return x;
}

// Moments of n >= 1 finite values: the block mean first, then the deviations from it (two
// passes over data in L1, exact enough that merging millions of blocks loses nothing visible).
// Each loop does one thing so the compiler vectorizes it.
QE_STATS_CLONES Moments blockMoments(const float* values, std::int64_t n) {
    std::int32_t lo = std::numeric_limits<std::int32_t>::max(), hi = std::numeric_limits<std::int32_t>::min();
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int32_t key = orderedBits(values[i]);
        lo = std::min(lo, key);
        hi = std::max(hi, key);
    }
    double sum[kLanes] = {}, dev[kLanes] = {};
    const std::int64_t whole = n - n % kLanes;
    for (std::int64_t i = 0; i < whole; i += kLanes)
        for (int l = 0; l < kLanes; ++l) sum[l] += values[i + l];
    for (std::int64_t i = whole; i < n; ++i) sum[0] += values[i];
    Moments m;
    m.count = static_cast<double>(n);
    m.min = fromOrderedBits(lo);
    m.max = fromOrderedBits(hi);
    m.mean = std::accumulate(sum, sum + kLanes, 0.0) / m.count;
    for (std::int64_t i = 0; i < whole; i += kLanes)
        for (int l = 0; l < kLanes; ++l) dev[l] += (values[i + l] - m.mean) * (values[i + l] - m.mean);
    for (std::int64_t i = whole; i < n; ++i) dev[0] += (values[i] - m.mean) * (values[i] - m.mean);
    m.m2 = std::accumulate(dev, dev + kLanes, 0.0);
    return m;
}

// Chan, Golub, LeVeque: combine the moments of two disjoint sets.
void merge(Moments& into, const Moments& block) {
    const double count = into.count + block.count;
    const double delta = block.mean - into.mean;
    into.mean += delta * (block.count / count);
    into.m2 += block.m2 + delta * delta * (into.count * block.count / count);
    into.count = count;
    into.min = std::min(into.min, block.min);
    into.max = std::max(into.max, block.max);
}

// Elements [begin, begin + n) of what the statistics are of, as fp32 into out[0, n).
using Reader = std::function<void(std::int64_t begin, std::int64_t n, float* out)>;

// First pass: count, non-finite count, mean, M2, min, max.
Status accumulateMoments(const std::string& name, std::int64_t total, const Reader& widen, std::stop_token stop,
                         std::vector<float>& buffer, Moments& moments, std::uint64_t& nonFinite) {
    for (std::int64_t begin = 0; begin < total; begin += kBlock) {
        if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "statistics cancelled", name);
        const std::int64_t n = std::min(kBlock, total - begin);
        widen(begin, n, buffer.data());
        const std::int64_t finite = keepFinite(buffer.data(), n);
        nonFinite += static_cast<std::uint64_t>(n - finite);
        if (finite > 0) merge(moments, blockMoments(buffer.data(), finite));
    }
    return Status::success();
}

// index[i] = bin of values[i] >= lo. x == hi gives `bins` and joins the last bin.
QE_STATS_CLONES void binIndices(const float* values, std::int64_t n, double lo, double scale, double last, std::int32_t* index) {
    for (std::int64_t i = 0; i < n; ++i) index[i] = static_cast<std::int32_t>(std::min((values[i] - lo) * scale, last));
}

// Second pass: finite values into `counts.size()` bins over [lo, hi].
Status accumulateHistogram(const std::string& name, std::int64_t total, const Reader& widen, std::stop_token stop,
                           std::vector<float>& buffer, double lo, double hi, std::vector<std::uint64_t>& counts) {
    const std::int64_t bins = static_cast<std::int64_t>(counts.size());
    const double scale = hi > lo ? static_cast<double>(bins) / (hi - lo) : 0.0;
    const double last = static_cast<double>(bins - 1);
    std::vector<std::int32_t> index(static_cast<std::size_t>(kBlock));
    std::vector<std::uint64_t> copies(static_cast<std::size_t>(bins * kHistogramCopies), 0);
    for (std::int64_t begin = 0; begin < total; begin += kBlock) {
        if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "statistics cancelled", name);
        const std::int64_t n = std::min(kBlock, total - begin);
        widen(begin, n, buffer.data());
        const std::int64_t finite = keepFinite(buffer.data(), n);
        binIndices(buffer.data(), finite, lo, scale, last, index.data());
        std::int64_t i = 0;
        for (; i + kHistogramCopies <= finite; i += kHistogramCopies)
            for (int copy = 0; copy < kHistogramCopies; ++copy) ++copies[copy * bins + index[i + copy]];
        for (; i < finite; ++i) ++copies[index[i]];
    }
    for (int copy = 0; copy < kHistogramCopies; ++copy)
        for (std::int64_t bin = 0; bin < bins; ++bin) counts[bin] += copies[copy * bins + bin];
    return Status::success();
}

// The statistics of `total` values read by `widen`, into `stats` (name, dtype and shape set).
Status computeStats(TensorStats& stats, std::int64_t total, const Reader& widen, int bins, std::stop_token stop) {
    if (bins < 1) return makeError(ErrorCode::InvalidArgument, "histogram needs at least 1 bin, got " + std::to_string(bins), stats.name);
    stats.count = static_cast<std::uint64_t>(total);
    stats.histogram.assign(static_cast<std::size_t>(bins), 0);
    std::vector<float> buffer(static_cast<std::size_t>(kBlock));
    Moments moments;
    QE_TRY(accumulateMoments(stats.name, total, widen, stop, buffer, moments, stats.nonFinite));
    if (moments.count == 0) {
        stats.mean = stats.stdDev = stats.min = stats.max = std::numeric_limits<double>::quiet_NaN();
        return Status::success();
    }
    stats.mean = moments.mean;
    stats.stdDev = std::sqrt(moments.m2 / moments.count);
    stats.min = moments.min;
    stats.max = moments.max;
    return accumulateHistogram(stats.name, total, widen, stop, buffer, stats.min, stats.max, stats.histogram);
}

}  // namespace

Result<TensorStats> computeTensorStats(const TensorInfo& tensor, int bins, std::stop_token stop) {
    const auto type = weightType(tensor.dtype);
    if (!type)
        return makeError(ErrorCode::Unsupported, std::string("statistics support F32, BF16 and F16, not ") + dtypeName(tensor.dtype),
                         tensor.name);
    TensorStats stats;
    stats.name = tensor.name;
    stats.dtype = tensor.dtype;
    stats.shape = tensor.shape;
    QE_TRY(computeStats(stats, tensor.numElements(),
                        [&](std::int64_t begin, std::int64_t n, float* out) { widen(tensor, *type, begin, n, out); }, bins,
                        std::move(stop)));
    return stats;
}

Result<TensorStats> computeMatrixStats(const cpu::MatrixView& w, const std::string& name, int bins, std::stop_token stop) {
    TensorStats stats;
    stats.name = name;
    stats.dtype = DType::F32;
    stats.shape = {w.rows, w.cols};
    std::vector<float> row(static_cast<std::size_t>(w.cols));
    std::int64_t rowHeld = -1;
    // Blocks run across rows: each row is widened once, when the first block that needs it comes.
    auto widenRange = [&](std::int64_t begin, std::int64_t n, float* out) {
        while (n > 0) {
            const std::int64_t r = begin / w.cols, c = begin % w.cols, take = std::min(n, w.cols - c);
            if (r != rowHeld) {
                cpu::dequantizeRows(w, r, r + 1, row.data());
                rowHeld = r;
            }
            std::copy_n(row.data() + c, take, out);
            out += take;
            begin += take;
            n -= take;
        }
    };
    QE_TRY(computeStats(stats, w.rows * w.cols, widenRange, bins, std::move(stop)));
    return stats;
}

Result<TensorStats> computeWeightStats(const SafetensorsCheckpoint& checkpoint, const ModelConfig* config, std::string_view name,
                                       int bins, std::stop_token stop) {
    if (config && config->quantization) {
        for (const ExpectedTensor& e : expectedTensors(*config)) {
            if (e.name != name || !e.name.ends_with("_proj.weight")) continue;
            QE_ASSIGN_OR_RETURN(auto linear, loadQuantizedLinear(checkpoint, *config, e, "this folder"));
            QE_ASSIGN_OR_RETURN(TensorStats stats, computeMatrixStats(linear->view, e.name, bins, std::move(stop)));
            stats.quantization = config->quantization;
            return stats;
        }
    }
    return computeTensorStats(checkpoint, name, bins, std::move(stop));
}

Result<TensorStats> computeTensorStats(const SafetensorsCheckpoint& checkpoint, std::string_view name, int bins,
                                       std::stop_token stop) {
    const TensorInfo* tensor = checkpoint.find(name);
    if (!tensor) return makeError(ErrorCode::NotFound, "no tensor of this name in the checkpoint", std::string(name));
    return computeTensorStats(*tensor, bins, std::move(stop));
}

}  // namespace qe
