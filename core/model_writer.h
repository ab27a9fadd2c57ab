// Writes deterministic random-weight Qwen3 checkpoints in Hugging Face layout (config.json,
// generation_config.json, model.safetensors or shards + index). Tests and benchmarks use them;
// the weights are scaled so next-token distributions are peaked, not uniform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/model_config.h"
#include "core/result.h"
#include "core/safetensors.h"

namespace qe {

struct RandomModelOptions {
    std::uint64_t seed = 1;
    DType dtype = DType::BF16;   // BF16, F16 or F32
    int shards = 1;              // > 1: model-0000k-of-0000n.safetensors + index
    int threads = 0;             // 0: hardware threads
    // Quantized linear layers (spec §7): the same random weights as without, stored as AWQ
    // 4-bit groups (AutoAWQ's quantizer and packing) or FP8 e4m3 with block scales; `dtype` is
    // then the other tensors'. The config's quantization_config says which.
    std::optional<Quantization> quantization;
};

// Streams one tensor at a time (a 32B-shaped checkpoint never sits in memory). The same seed,
// shape and dtype give byte-identical files, whatever the thread count.
Status writeRandomModel(const ModelConfig& config, const std::string& outDir, const RandomModelOptions& options);

}  // namespace qe
