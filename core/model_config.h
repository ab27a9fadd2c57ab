// Qwen3 config.json and generation_config.json (spec §3, §2.2, §6.3). Every hyper-parameter the
// engine uses comes from here; nothing is hard-coded per model size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace qe {

// rope_scaling / rope_parameters (spec §2.2). Only "yarn" changes the frequencies.
struct RopeScaling {
    std::string ropeType = "default";              // "default" or "yarn" ("rope_type" or legacy "type")
    double factor = 1.0;
    std::int64_t originalMaxPositionEmbeddings = 0;
    std::optional<double> attentionFactor;         // explicit override; else 0.1·ln(s) + 1
    double betaFast = 32.0;
    double betaSlow = 1.0;
    bool truncate = true;
};

// quantization_config (spec §7): how the linear layers' weights are stored. Embeddings, the LM
// head and the norms stay in torch_dtype.
struct Quantization {
    enum class Method { Awq, Fp8 };
    Method method = Method::Awq;
    // AWQ (AutoAWQ "GEMM", spec §7.1): 4-bit weights with a zero point, in groups of groupSize
    // input features (qweight, qzeros, scales). FP8 (spec §7.2): F8_E4M3 weights scaled per
    // block of blockRows x groupSize (weight, weight_scale_inv).
    std::int64_t groupSize = 128;
    std::int64_t blockRows = 128;  // FP8 only
    // "AWQ 4-bit, group 128" / "FP8 e4m3, blocks 128x128": for the model card and `info`.
    std::string summary() const;
};

struct ModelConfig {
    std::string modelType;                  // "qwen3"
    std::vector<std::string> architectures; // ["Qwen3ForCausalLM"]
    std::int64_t vocabSize = 0;
    std::int64_t hiddenSize = 0;
    std::int64_t intermediateSize = 0;
    std::int64_t numHiddenLayers = 0;
    std::int64_t numAttentionHeads = 0;
    std::int64_t numKeyValueHeads = 0;
    std::int64_t headDim = 0;               // always from config: H / Nq is wrong for 0.6B, 4B, 32B
    std::int64_t maxPositionEmbeddings = 40960;
    double rmsNormEps = 1e-6;
    double ropeTheta = 1e6;
    bool tieWordEmbeddings = false;
    std::string hiddenAct = "silu";
    std::string torchDtype = "bfloat16";
    std::optional<RopeScaling> ropeScaling; // empty: default RoPE
    std::optional<Quantization> quantization; // empty: every weight in a float dtype
    std::optional<std::int64_t> bosTokenId;
    std::vector<int> eosTokenIds;           // eos_token_id, int or list

    std::int64_t qWidth() const { return numAttentionHeads * headDim; }   // Nq·d
    std::int64_t kvWidth() const { return numKeyValueHeads * headDim; }   // Nkv·d
    std::int64_t groupSize() const { return numAttentionHeads / numKeyValueHeads; }  // G
    bool usesYarn() const { return ropeScaling && ropeScaling->ropeType == "yarn"; }
};

// Sampling defaults shipped with a checkpoint (spec §6.3). Absent keys keep HF defaults.
struct GenerationConfig {
    std::vector<int> eosTokenIds;
    std::optional<int> bosTokenId;
    std::optional<int> padTokenId;
    bool doSample = false;
    double temperature = 1.0;
    std::int64_t topK = 50;
    double topP = 1.0;
    double minP = 0.0;
    double repetitionPenalty = 1.0;
    std::optional<std::int64_t> maxNewTokens;
};

// Parses config.json text. Fails with InvalidArgument/Corrupt/Unsupported naming the key.
Result<ModelConfig> parseModelConfig(std::string_view json, const std::string& fileName = "config.json");
Result<ModelConfig> loadModelConfig(const std::string& folder);  // folder/config.json

Result<GenerationConfig> parseGenerationConfig(std::string_view json, const std::string& fileName = "generation_config.json");
// folder/generation_config.json; a missing file gives defaults with the config's EOS ids.
Result<GenerationConfig> loadGenerationConfig(const std::string& folder, const ModelConfig& config);

// Every EOS id to stop on: generation_config's plus config's, deduplicated, in that order.
std::vector<int> stopTokenIds(const ModelConfig& config, const GenerationConfig& generation);

// RoPE inverse frequencies (headDim/2 values, fp32 as HF computes them) and the attention
// scaling applied to cos and sin (1 unless YaRN). Spec §2.1, §2.2.
struct RopeTables {
    std::vector<float> invFreq;
    float attentionScaling = 1.0f;
};
RopeTables computeRope(const ModelConfig& config);

// The built-in shapes of `make-model --preset` and of the layer-structure view (spec §3.1).
// "tiny" is the test shape (2 layers, hidden 64, 4 heads / 2 KV heads, head dim 16).
std::optional<ModelConfig> presetConfig(std::string_view name);
std::vector<std::string> presetNames();

// Writes config.json / generation_config.json text for a config, HF style.
std::string modelConfigToJson(const ModelConfig& config);
std::string generationConfigToJson(const ModelConfig& config);

}  // namespace qe
