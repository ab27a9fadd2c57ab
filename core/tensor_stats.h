// Summary statistics of one checkpoint tensor (issue #9, "Layer structure": click a tensor to see
// its statistics): element count, mean, population std, min, max, non-finite count and a
// histogram, read straight from the memory-mapped safetensors data.
#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/cpu/cpu_kernels.h"
#include "core/model_config.h"
#include "core/result.h"
#include "core/safetensors.h"

namespace qe {

struct TensorStats {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t count = 0;      // all elements, finite or not
    std::uint64_t nonFinite = 0;  // NaN, +Inf and -Inf
    // Over the finite elements only (one Inf would otherwise hide everything else); NaN when
    // the tensor has no finite element.
    double mean = 0.0;
    double stdDev = 0.0;          // population standard deviation (divides by the finite count)
    double min = 0.0;
    double max = 0.0;
    // Finite elements in `bins` equal-width bins over [min, max]; bin i holds
    // [min + i·w, min + (i+1)·w), the last bin also holds max. All in bin 0 when min == max.
    std::vector<std::uint64_t> histogram;
    // Set for a quantized checkpoint's linear layer: the numbers are of its dequantized values
    // (dtype F32, shape [out, in]), not of the stored parts.
    std::optional<Quantization> quantization;
};

// Statistics of `tensor` (F32, BF16 or F16; others give Unsupported naming the tensor) with
// `bins` >= 1 histogram bins (else InvalidArgument). Two passes over the data (moments, then
// the histogram), accumulated in double, single-threaded; allocates one small block buffer.
// Checks `stop` between blocks of a few thousand elements and then returns Cancelled.
// Safe to call from any thread while the tensor's mapping lives (it only reads).
Result<TensorStats> computeTensorStats(const TensorInfo& tensor, int bins, std::stop_token stop = {});

// The tensor called `name` in `checkpoint`; NotFound naming it when absent.
Result<TensorStats> computeTensorStats(const SafetensorsCheckpoint& checkpoint, std::string_view name, int bins,
                                       std::stop_token stop = {});
// Statistics of a weight matrix of any cpu::WeightType, widened row by row (dequantized).
Result<TensorStats> computeMatrixStats(const cpu::MatrixView& w, const std::string& name, int bins, std::stop_token stop = {});
// computeTensorStats, except that with a quantized `config` a linear layer's name
// ("model.layers.0.mlp.down_proj.weight") gives the statistics of its dequantized values, read
// from its parts (AWQ's qweight, qzeros and scales; FP8's weight and weight_scale_inv).
Result<TensorStats> computeWeightStats(const SafetensorsCheckpoint& checkpoint, const ModelConfig* config, std::string_view name,
                                       int bins, std::stop_token stop = {});

}  // namespace qe
