// `tensor-stats`: mean, std, min, max, non-finite count and histogram of one checkpoint tensor
// (issue #9), as text or one JSON object. Opens only the safetensors files and, when there is
// one, config.json: a quantized checkpoint's linear layer (…_proj.weight) gives the statistics of
// its dequantized values.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "core/cli/args.h"
#include "core/cli/commands.h"
#include "core/tensor_stats.h"

namespace qe::cli {

using nlohmann::json;

namespace {

constexpr int kDefaultBins = 32;
constexpr int kMaxBins = 1 << 20;

json statsJson(const TensorStats& s) {
    return {{"tensor", s.name},
            {"dtype", dtypeName(s.dtype)},
            {"shape", s.shape},
            {"count", s.count},
            {"mean", s.mean},
            {"std", s.stdDev},
            {"min", s.min},
            {"max", s.max},
            {"nonfinite", s.nonFinite},
            {"histogram", {{"min", s.min}, {"max", s.max}, {"counts", s.histogram}}},
            {"quantization", s.quantization ? json(s.quantization->summary()) : json(nullptr)}};
}

void printText(const TensorStats& s) {
    std::string shape;
    for (auto d : s.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    const std::string type = s.quantization ? s.quantization->summary() + ", dequantized" : std::string(dtypeName(s.dtype));
    std::printf("%s  %s [%s]  %llu values, %llu non-finite\n", s.name.c_str(), type.c_str(), shape.c_str(),
                (unsigned long long)s.count, (unsigned long long)s.nonFinite);
    std::printf("  mean %.9g  std %.9g  min %.9g  max %.9g\n", s.mean, s.stdDev, s.min, s.max);
    const double width = (s.max - s.min) / static_cast<double>(s.histogram.size());
    for (std::size_t bin = 0; bin < s.histogram.size(); ++bin)
        std::printf("  [%12.6g, %12.6g%c %llu\n", s.min + bin * width, s.min + (bin + 1) * width,
                    bin + 1 == s.histogram.size() ? ']' : ')', (unsigned long long)s.histogram[bin]);
}

}  // namespace

int cmdTensorStats(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"json"}, {"model", "tensor", "bins"});
    if (!args.ok()) return fail(args.error(), true);
    auto dir = args->get("model");
    auto name = args->get("tensor");
    if (!dir || !name) return fail(makeError(ErrorCode::InvalidArgument, "tensor-stats: --model DIR and --tensor NAME are required"), true);
    auto bins = args->getInt("bins", kDefaultBins);
    if (!bins.ok() || *bins < 1 || *bins > kMaxBins)
        return fail(makeError(ErrorCode::InvalidArgument, "tensor-stats: --bins must be between 1 and " + std::to_string(kMaxBins)), true);

    auto checkpoint = SafetensorsCheckpoint::open(*dir);
    if (!checkpoint.ok()) return fail(checkpoint.error());
    auto config = loadModelConfig(*dir);  // optional: without it the tensors are read as stored
    auto stats = computeWeightStats(*checkpoint, config.ok() ? &*config : nullptr, *name, static_cast<int>(*bins));
    if (!stats.ok()) return fail(stats.error());
    if (args->has("json")) {
        std::printf("%s\n", statsJson(*stats).dump().c_str());
        return kExitOk;
    }
    printText(*stats);
    return kExitOk;
}

}  // namespace qe::cli
