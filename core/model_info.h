// Sizes of a Qwen3 model from its config (spec §3.2, §8): parameters per module and in total,
// bytes, KV-cache bytes per token. Used by `info`, the layer-structure view and memory checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model_config.h"

namespace qe {

struct ModuleSize {
    std::string name;           // "embed_tokens", "layer.self_attn.q_proj", ...
    std::vector<std::int64_t> shape;
    std::int64_t parameters = 0;
    std::int64_t count = 1;     // how many times it occurs (per-layer modules: numHiddenLayers)
};

struct ModelSizes {
    std::vector<ModuleSize> modules;
    std::int64_t perLayer = 0;       // P_layer
    std::int64_t embedding = 0;      // V·H
    std::int64_t lmHead = 0;         // V·H when untied, else 0
    std::int64_t finalNorm = 0;      // H
    std::int64_t total = 0;          // P
    std::int64_t nonEmbedding = 0;   // L·P_layer + H
    std::int64_t bf16Bytes = 0;      // 2·P
    std::int64_t kvBytesPerTokenBf16 = 0;  // 2·L·Nkv·d·2
    std::int64_t kvBytesPerTokenF32 = 0;   // what the CPU engine's fp32 cache uses
    // Bytes of the tensors as the checkpoint stores them: torch_dtype's (4 for float32, else 2)
    // per parameter, the linear layers in their quantized form when the config has one.
    std::int64_t storedBytes = 0;
};

ModelSizes computeModelSizes(const ModelConfig& config);
// Bytes a checkpoint of this config stores for one linear layer [out, in] (spec §7): AWQ's qweight,
// qzeros and fp16 scales; FP8's e4m3 bytes and fp32 block scales; else torch_dtype's.
std::int64_t linearStoredBytes(const ModelConfig& config, std::int64_t out, std::int64_t in);
// Bytes per parameter of the tensors a quantization leaves alone (embeddings, norms, LM head).
std::int64_t plainBytesPerParameter(const ModelConfig& config);

}  // namespace qe
