#include "core/model_config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "core/mapped_file.h"

namespace qe {

using nlohmann::json;

namespace {

Error keyError(const std::string& file, const std::string& key, const std::string& what) {
    return makeError(ErrorCode::InvalidArgument, "\"" + key + "\" " + what, file);
}

Result<json> parseObject(std::string_view text, const std::string& file) {
    json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return makeError(ErrorCode::Corrupt, "invalid JSON", file);
    if (!j.is_object()) return makeError(ErrorCode::Corrupt, "expected a JSON object at top level", file);
    return j;
}

// Reads an integer key; `required` keys must be present, optional ones keep `fallback`.
Result<std::int64_t> intKey(const json& j, const std::string& key, const std::string& file, bool required,
                            std::int64_t fallback = 0) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        if (required) return keyError(file, key, "is missing");
        return fallback;
    }
    if (it->is_number_integer() || it->is_number_unsigned()) return it->get<std::int64_t>();
    if (it->is_number_float()) {
        double v = it->get<double>();
        if (v == std::floor(v) && std::abs(v) < 9e15) return static_cast<std::int64_t>(v);
    }
    return keyError(file, key, "must be an integer, got " + it->dump());
}

Result<double> numberKey(const json& j, const std::string& key, const std::string& file, double fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_number()) return keyError(file, key, "must be a number, got " + it->dump());
    return it->get<double>();
}

Result<bool> boolKey(const json& j, const std::string& key, const std::string& file, bool fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) return keyError(file, key, "must be true or false, got " + it->dump());
    return it->get<bool>();
}

Result<std::string> stringKey(const json& j, const std::string& key, const std::string& file,
                              const std::string& fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_string()) return keyError(file, key, "must be a string, got " + it->dump());
    return it->get<std::string>();
}

// eos_token_id may be an int or a list of ints.
Result<std::vector<int>> idListKey(const json& j, const std::string& key, const std::string& file) {
    std::vector<int> ids;
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return ids;
    auto one = [&](const json& v) -> Status {
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > INT32_MAX)
            return keyError(file, key, "must hold non-negative integer token ids, got " + v.dump());
        ids.push_back(v.get<int>());
        return {};
    };
    if (it->is_array()) {
        for (const auto& v : *it) QE_TRY(one(v));
    } else {
        QE_TRY(one(*it));
    }
    return ids;
}

// rope_scaling (v4) or rope_parameters (v5, which also carries rope_theta).
Result<std::optional<RopeScaling>> parseRopeScaling(const json& obj, const std::string& key, const std::string& file,
                                                    std::int64_t maxPositionEmbeddings) {
    if (!obj.is_object()) return keyError(file, key, "must be an object or null, got " + obj.dump());
    RopeScaling rs;
    QE_ASSIGN_OR_RETURN(std::string type, stringKey(obj, "rope_type", file, ""));
    if (type.empty()) {
        QE_ASSIGN_OR_RETURN(type, stringKey(obj, "type", file, "default"));
    }
    rs.ropeType = type;
    if (type == "default") return std::optional<RopeScaling>{};
    if (type != "yarn") {
        return makeError(ErrorCode::Unsupported,
                         "\"" + key + "\": rope type \"" + type + "\" is not supported (default and yarn are)", file);
    }
    QE_ASSIGN_OR_RETURN(rs.factor, numberKey(obj, "factor", file, 0.0));
    QE_ASSIGN_OR_RETURN(rs.originalMaxPositionEmbeddings,
                        intKey(obj, "original_max_position_embeddings", file, false, 0));
    if (rs.originalMaxPositionEmbeddings <= 0) rs.originalMaxPositionEmbeddings = maxPositionEmbeddings;
    if (rs.factor <= 0.0) {
        // Fallback of newer transformers: factor = max / original when no factor is given.
        if (rs.originalMaxPositionEmbeddings <= 0)
            return keyError(file, key + ".factor", "is missing for yarn");
        rs.factor = static_cast<double>(maxPositionEmbeddings) / static_cast<double>(rs.originalMaxPositionEmbeddings);
    }
    if (rs.factor < 1.0) return keyError(file, key + ".factor", "must be >= 1 for yarn");
    if (auto it = obj.find("attention_factor"); it != obj.end() && !it->is_null()) {
        if (!it->is_number()) return keyError(file, key + ".attention_factor", "must be a number");
        rs.attentionFactor = it->get<double>();
    }
    // HF: `get("beta_fast") or 32`: a 0 or null falls back too.
    QE_ASSIGN_OR_RETURN(rs.betaFast, numberKey(obj, "beta_fast", file, 32.0));
    QE_ASSIGN_OR_RETURN(rs.betaSlow, numberKey(obj, "beta_slow", file, 1.0));
    if (rs.betaFast == 0.0) rs.betaFast = 32.0;
    if (rs.betaSlow == 0.0) rs.betaSlow = 1.0;
    QE_ASSIGN_OR_RETURN(rs.truncate, boolKey(obj, "truncate", file, true));
    return std::optional<RopeScaling>{rs};
}

// quantization_config (spec §7). AWQ: AutoAWQ's 4-bit "gemm" format with a zero point; FP8:
// e4m3 weights with block scales. Anything else is refused by name rather than failing later on
// a missing tensor.
Result<std::optional<Quantization>> parseQuantization(const json& obj, const std::string& file) {
    const std::string key = "quantization_config";
    if (!obj.is_object()) return keyError(file, key, "must be an object");
    QE_ASSIGN_OR_RETURN(std::string method, stringKey(obj, "quant_method", file, ""));
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char ch) { return std::tolower(ch); });
    auto unsupported = [&](const std::string& what) -> Error {
        return makeError(ErrorCode::Unsupported, key + ": " + what + " is not supported (AWQ 4-bit \"gemm\" and FP8 e4m3 are)",
                         file);
    };
    Quantization q;
    if (method == "awq") {
        q.method = Quantization::Method::Awq;
        QE_ASSIGN_OR_RETURN(std::int64_t bits, intKey(obj, "bits", file, false, 4));
        if (obj.contains("w_bit")) {
            QE_ASSIGN_OR_RETURN(bits, intKey(obj, "w_bit", file, false, 4));
        }
        QE_ASSIGN_OR_RETURN(q.groupSize, intKey(obj, "group_size", file, false, 128));
        if (obj.contains("q_group_size")) {
            QE_ASSIGN_OR_RETURN(q.groupSize, intKey(obj, "q_group_size", file, false, 128));
        }
        QE_ASSIGN_OR_RETURN(std::string version, stringKey(obj, "version", file, "gemm"));
        std::transform(version.begin(), version.end(), version.begin(), [](unsigned char ch) { return std::tolower(ch); });
        QE_ASSIGN_OR_RETURN(bool zeroPoint, boolKey(obj, "zero_point", file, true));
        if (bits != 4) return unsupported("AWQ with " + std::to_string(bits) + " bits");
        if (version != "gemm") return unsupported("AWQ version \"" + version + "\"");
        if (!zeroPoint) return unsupported("AWQ without a zero point");
        if (q.groupSize <= 0 || q.groupSize % 2 != 0) return unsupported("AWQ group_size " + std::to_string(q.groupSize));
    } else if (method == "fp8") {
        q.method = Quantization::Method::Fp8;
        QE_ASSIGN_OR_RETURN(std::string fmt, stringKey(obj, "fmt", file, "e4m3"));
        if (fmt != "e4m3") return unsupported("FP8 format \"" + fmt + "\"");
        auto it = obj.find("weight_block_size");
        if (it == obj.end() || it->is_null()) return unsupported("FP8 without weight_block_size (per-tensor scales)");
        if (!it->is_array() || it->size() != 2 || !(*it)[0].is_number_integer() || !(*it)[1].is_number_integer() ||
            (*it)[0].get<std::int64_t>() <= 0 || (*it)[1].get<std::int64_t>() <= 0)
            return keyError(file, key + ".weight_block_size", "must be two positive integers, got " + it->dump());
        q.blockRows = (*it)[0].get<std::int64_t>();
        q.groupSize = (*it)[1].get<std::int64_t>();
    } else {
        return unsupported(method.empty() ? std::string("a config without quant_method") : "quant_method \"" + method + "\"");
    }
    if (auto it = obj.find("modules_to_not_convert"); it != obj.end() && !it->is_null()) {
        // Qwen's releases leave the embeddings and the LM head out of the linear layers anyway.
        if (!it->is_array()) return keyError(file, key + ".modules_to_not_convert", "must be a list");
        for (const auto& m : *it) {
            const std::string name = m.is_string() ? m.get<std::string>() : m.dump();
            if (name != "lm_head" && name != "embed_tokens" && name != "model.embed_tokens")
                return unsupported("leaving \"" + name + "\" unquantized (modules_to_not_convert)");
        }
    }
    return std::optional<Quantization>{q};
}

Status validate(const ModelConfig& c, const std::string& file) {
    auto positive = [&](std::int64_t v, const char* key) -> Status {
        if (v <= 0) return keyError(file, key, "must be positive, got " + std::to_string(v));
        return {};
    };
    QE_TRY(positive(c.vocabSize, "vocab_size"));
    QE_TRY(positive(c.hiddenSize, "hidden_size"));
    QE_TRY(positive(c.intermediateSize, "intermediate_size"));
    QE_TRY(positive(c.numHiddenLayers, "num_hidden_layers"));
    QE_TRY(positive(c.numAttentionHeads, "num_attention_heads"));
    QE_TRY(positive(c.numKeyValueHeads, "num_key_value_heads"));
    QE_TRY(positive(c.headDim, "head_dim"));
    QE_TRY(positive(c.maxPositionEmbeddings, "max_position_embeddings"));
    if (c.numAttentionHeads % c.numKeyValueHeads != 0) {
        return makeError(ErrorCode::InvalidArgument,
                         "num_attention_heads (" + std::to_string(c.numAttentionHeads) +
                             ") must be a multiple of num_key_value_heads (" + std::to_string(c.numKeyValueHeads) + ")",
                         file);
    }
    if (c.headDim % 2 != 0) return keyError(file, "head_dim", "must be even for rotary embeddings");
    if (c.quantization && c.quantization->method == Quantization::Method::Awq) {
        // Every linear layer's inputs split into whole groups and its outputs into whole int32 words.
        const std::int64_t g = c.quantization->groupSize;
        for (auto [v, key] : {std::pair{c.hiddenSize, "hidden_size"}, {c.qWidth(), "num_attention_heads x head_dim"},
                              {c.intermediateSize, "intermediate_size"}, {c.kvWidth(), "num_key_value_heads x head_dim"}}) {
            if (v % 8 != 0 || (std::string(key) != "num_key_value_heads x head_dim" && v % g != 0))
                return makeError(ErrorCode::Unsupported,
                                 std::string(key) + " = " + std::to_string(v) + " does not split into AWQ groups of " +
                                     std::to_string(g) + " inputs and words of 8 outputs",
                                 file);
        }
    }
    const std::int64_t kLimit = std::int64_t{1} << 24;  // sanity bound for any single dimension
    for (auto [v, key] : {std::pair{c.vocabSize, "vocab_size"}, {c.hiddenSize, "hidden_size"},
                          {c.intermediateSize, "intermediate_size"}, {c.numHiddenLayers, "num_hidden_layers"},
                          {c.numAttentionHeads, "num_attention_heads"}, {c.headDim, "head_dim"}}) {
        if (v > kLimit) return keyError(file, key, "is implausibly large: " + std::to_string(v));
    }
    if (!(c.rmsNormEps > 0.0)) return keyError(file, "rms_norm_eps", "must be positive");
    if (!(c.ropeTheta > 1.0)) return keyError(file, "rope_theta", "must be greater than 1");
    if (c.hiddenAct != "silu") {
        return makeError(ErrorCode::Unsupported, "\"hidden_act\" \"" + c.hiddenAct + "\" is not supported (silu is)", file);
    }
    return {};
}

}  // namespace

Result<ModelConfig> parseModelConfig(std::string_view text, const std::string& file) {
    QE_ASSIGN_OR_RETURN(json j, parseObject(text, file));
    ModelConfig c;
    QE_ASSIGN_OR_RETURN(c.modelType, stringKey(j, "model_type", file, ""));
    if (auto it = j.find("architectures"); it != j.end() && it->is_array()) {
        for (const auto& a : *it)
            if (a.is_string()) c.architectures.push_back(a.get<std::string>());
    }
    bool isQwen3 = c.modelType == "qwen3" ||
                   std::find(c.architectures.begin(), c.architectures.end(), "Qwen3ForCausalLM") != c.architectures.end();
    if (!isQwen3) {
        std::string seen = c.modelType.empty() ? std::string("none") : "\"" + c.modelType + "\"";
        return makeError(ErrorCode::Unsupported,
                         "unsupported architecture: model_type " + seen + "; Qwen Explorer runs dense Qwen3 models "
                         "(model_type \"qwen3\", Qwen3ForCausalLM)", file);
    }
    if (c.modelType.empty()) c.modelType = "qwen3";
    if (c.architectures.empty()) c.architectures.push_back("Qwen3ForCausalLM");

    QE_ASSIGN_OR_RETURN(c.vocabSize, intKey(j, "vocab_size", file, true));
    QE_ASSIGN_OR_RETURN(c.hiddenSize, intKey(j, "hidden_size", file, true));
    QE_ASSIGN_OR_RETURN(c.intermediateSize, intKey(j, "intermediate_size", file, true));
    QE_ASSIGN_OR_RETURN(c.numHiddenLayers, intKey(j, "num_hidden_layers", file, true));
    QE_ASSIGN_OR_RETURN(c.numAttentionHeads, intKey(j, "num_attention_heads", file, true));
    QE_ASSIGN_OR_RETURN(c.numKeyValueHeads, intKey(j, "num_key_value_heads", file, true));
    QE_ASSIGN_OR_RETURN(c.headDim, intKey(j, "head_dim", file, true));
    QE_ASSIGN_OR_RETURN(c.maxPositionEmbeddings, intKey(j, "max_position_embeddings", file, false, 40960));
    QE_ASSIGN_OR_RETURN(c.rmsNormEps, numberKey(j, "rms_norm_eps", file, 1e-6));
    QE_ASSIGN_OR_RETURN(c.ropeTheta, numberKey(j, "rope_theta", file, 1e6));
    QE_ASSIGN_OR_RETURN(c.tieWordEmbeddings, boolKey(j, "tie_word_embeddings", file, false));
    QE_ASSIGN_OR_RETURN(c.hiddenAct, stringKey(j, "hidden_act", file, "silu"));
    QE_ASSIGN_OR_RETURN(c.torchDtype, stringKey(j, "torch_dtype", file, ""));
    if (c.torchDtype.empty()) {
        QE_ASSIGN_OR_RETURN(c.torchDtype, stringKey(j, "dtype", file, "bfloat16"));
    }
    QE_ASSIGN_OR_RETURN(bool attentionBias, boolKey(j, "attention_bias", file, false));
    if (attentionBias) return makeError(ErrorCode::Unsupported, "\"attention_bias\": true is not supported by Qwen3", file);
    QE_ASSIGN_OR_RETURN(bool slidingWindow, boolKey(j, "use_sliding_window", file, false));
    if (slidingWindow) {
        return makeError(ErrorCode::Unsupported, "\"use_sliding_window\": true is not supported (dense Qwen3 uses full attention)",
                         file);
    }
    if (auto it = j.find("bos_token_id"); it != j.end() && it->is_number_integer()) c.bosTokenId = it->get<std::int64_t>();
    QE_ASSIGN_OR_RETURN(c.eosTokenIds, idListKey(j, "eos_token_id", file));

    // rope_parameters (transformers v5) carries rope_theta and the scaling; rope_scaling is v4.
    if (auto it = j.find("rope_parameters"); it != j.end() && !it->is_null()) {
        if (!it->is_object()) return keyError(file, "rope_parameters", "must be an object");
        QE_ASSIGN_OR_RETURN(c.ropeTheta, numberKey(*it, "rope_theta", file, c.ropeTheta));
        QE_ASSIGN_OR_RETURN(c.ropeScaling, parseRopeScaling(*it, "rope_parameters", file, c.maxPositionEmbeddings));
    }
    if (auto it = j.find("rope_scaling"); it != j.end() && !it->is_null()) {
        QE_ASSIGN_OR_RETURN(auto scaling, parseRopeScaling(*it, "rope_scaling", file, c.maxPositionEmbeddings));
        if (scaling) c.ropeScaling = scaling;
    }
    if (auto it = j.find("quantization_config"); it != j.end() && !it->is_null()) {
        QE_ASSIGN_OR_RETURN(c.quantization, parseQuantization(*it, file));
    }
    QE_TRY(validate(c, file));
    return c;
}

Result<ModelConfig> loadModelConfig(const std::string& folder) {
    const std::string path = folder + "/config.json";
    QE_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
    return parseModelConfig(text, path);
}

Result<GenerationConfig> parseGenerationConfig(std::string_view text, const std::string& file) {
    QE_ASSIGN_OR_RETURN(json j, parseObject(text, file));
    GenerationConfig g;
    QE_ASSIGN_OR_RETURN(g.eosTokenIds, idListKey(j, "eos_token_id", file));
    QE_ASSIGN_OR_RETURN(auto bos, idListKey(j, "bos_token_id", file));
    if (!bos.empty()) g.bosTokenId = bos.front();
    QE_ASSIGN_OR_RETURN(auto pad, idListKey(j, "pad_token_id", file));
    if (!pad.empty()) g.padTokenId = pad.front();
    QE_ASSIGN_OR_RETURN(g.doSample, boolKey(j, "do_sample", file, false));
    QE_ASSIGN_OR_RETURN(g.temperature, numberKey(j, "temperature", file, 1.0));
    QE_ASSIGN_OR_RETURN(g.topK, intKey(j, "top_k", file, false, 50));
    QE_ASSIGN_OR_RETURN(g.topP, numberKey(j, "top_p", file, 1.0));
    QE_ASSIGN_OR_RETURN(g.minP, numberKey(j, "min_p", file, 0.0));
    QE_ASSIGN_OR_RETURN(g.repetitionPenalty, numberKey(j, "repetition_penalty", file, 1.0));
    if (j.contains("max_new_tokens")) {
        QE_ASSIGN_OR_RETURN(std::int64_t maxNew, intKey(j, "max_new_tokens", file, false, 0));
        g.maxNewTokens = maxNew;
    }
    if (g.temperature < 0.0) return keyError(file, "temperature", "must not be negative");
    if (g.topP <= 0.0 || g.topP > 1.0) return keyError(file, "top_p", "must be in (0, 1]");
    if (g.minP < 0.0 || g.minP > 1.0) return keyError(file, "min_p", "must be in [0, 1]");
    if (g.repetitionPenalty <= 0.0) return keyError(file, "repetition_penalty", "must be positive");
    return g;
}

Result<GenerationConfig> loadGenerationConfig(const std::string& folder, const ModelConfig& config) {
    const std::string path = folder + "/generation_config.json";
    auto text = readTextFile(path);
    if (!text.ok()) {
        GenerationConfig g;
        g.eosTokenIds = config.eosTokenIds;
        return g;
    }
    return parseGenerationConfig(*text, path);
}

std::vector<int> stopTokenIds(const ModelConfig& config, const GenerationConfig& generation) {
    std::vector<int> ids;
    for (const auto* list : {&generation.eosTokenIds, &config.eosTokenIds})
        for (int id : *list)
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    return ids;
}

RopeTables computeRope(const ModelConfig& config) {
    const std::int64_t half = config.headDim / 2;
    const float dim = static_cast<float>(config.headDim);
    const float base = static_cast<float>(config.ropeTheta);
    RopeTables t;
    t.invFreq.resize(static_cast<std::size_t>(half));
    // HF: inv_freq = 1 / base ** (arange(0, dim, 2).float() / dim), all in fp32.
    std::vector<float> posFreqs(static_cast<std::size_t>(half));
    for (std::int64_t i = 0; i < half; ++i) {
        posFreqs[i] = std::pow(base, static_cast<float>(2 * i) / dim);
        t.invFreq[i] = 1.0f / posFreqs[i];
    }
    if (!config.usesYarn()) return t;

    // YaRN (HF _compute_yarn_parameters), spec §2.2.
    const RopeScaling& rs = *config.ropeScaling;
    const double d = static_cast<double>(config.headDim);
    const double b = config.ropeTheta;
    const double l0 = static_cast<double>(rs.originalMaxPositionEmbeddings);
    auto corr = [&](double rotations) { return d * std::log(l0 / (rotations * 2.0 * std::numbers::pi)) / (2.0 * std::log(b)); };
    double low = corr(rs.betaFast);
    double high = corr(rs.betaSlow);
    if (rs.truncate) {
        low = std::floor(low);
        high = std::ceil(high);
    }
    low = std::max(low, 0.0);
    high = std::min(high, d - 1.0);
    if (low == high) high += 0.001;
    const float factor = static_cast<float>(rs.factor);
    for (std::int64_t i = 0; i < half; ++i) {
        float ramp = (static_cast<float>(i) - static_cast<float>(low)) / static_cast<float>(high - low);
        ramp = std::clamp(ramp, 0.0f, 1.0f);
        const float extrapolationWeight = 1.0f - ramp;
        const float interpolation = 1.0f / (factor * posFreqs[i]);
        const float extrapolation = 1.0f / posFreqs[i];
        t.invFreq[i] = interpolation * (1.0f - extrapolationWeight) + extrapolation * extrapolationWeight;
    }
    if (rs.attentionFactor) {
        t.attentionScaling = static_cast<float>(*rs.attentionFactor);
    } else {
        t.attentionScaling = rs.factor > 1.0 ? static_cast<float>(0.1 * std::log(rs.factor) + 1.0) : 1.0f;
    }
    return t;
}

namespace {

ModelConfig presetBase(std::int64_t hidden, std::int64_t intermediate, std::int64_t layers, std::int64_t heads, bool tied) {
    ModelConfig c;
    c.modelType = "qwen3";
    c.architectures = {"Qwen3ForCausalLM"};
    c.vocabSize = 151936;
    c.hiddenSize = hidden;
    c.intermediateSize = intermediate;
    c.numHiddenLayers = layers;
    c.numAttentionHeads = heads;
    c.numKeyValueHeads = 8;
    c.headDim = 128;
    c.tieWordEmbeddings = tied;
    c.bosTokenId = 151643;
    c.eosTokenIds = {151645};
    return c;
}

}  // namespace

std::optional<ModelConfig> presetConfig(std::string_view name) {
    if (name == "tiny") {
        ModelConfig c = presetBase(64, 192, 2, 4, true);
        c.numKeyValueHeads = 2;
        c.headDim = 16;
        return c;
    }
    if (name == "0.6b") return presetBase(1024, 3072, 28, 16, true);
    if (name == "1.7b") return presetBase(2048, 6144, 28, 16, true);
    if (name == "4b") return presetBase(2560, 9728, 36, 32, true);
    if (name == "8b") return presetBase(4096, 12288, 36, 32, false);
    if (name == "14b") return presetBase(5120, 17408, 40, 40, false);
    if (name == "32b") return presetBase(5120, 25600, 64, 64, false);
    return std::nullopt;
}

std::vector<std::string> presetNames() { return {"tiny", "0.6b", "1.7b", "4b", "8b", "14b", "32b"}; }

std::string Quantization::summary() const {
    if (method == Method::Awq) return "AWQ 4-bit, groups of " + std::to_string(groupSize);
    return "FP8 e4m3, blocks of " + std::to_string(blockRows) + "x" + std::to_string(groupSize);
}

std::string modelConfigToJson(const ModelConfig& c) {
    json j;
    j["architectures"] = c.architectures;
    j["attention_bias"] = false;
    j["attention_dropout"] = 0.0;
    if (c.bosTokenId) j["bos_token_id"] = *c.bosTokenId;
    if (c.eosTokenIds.size() == 1) j["eos_token_id"] = c.eosTokenIds.front();
    else j["eos_token_id"] = c.eosTokenIds;
    j["head_dim"] = c.headDim;
    j["hidden_act"] = c.hiddenAct;
    j["hidden_size"] = c.hiddenSize;
    j["initializer_range"] = 0.02;
    j["intermediate_size"] = c.intermediateSize;
    j["max_position_embeddings"] = c.maxPositionEmbeddings;
    j["max_window_layers"] = c.numHiddenLayers;
    j["model_type"] = c.modelType;
    j["num_attention_heads"] = c.numAttentionHeads;
    j["num_hidden_layers"] = c.numHiddenLayers;
    j["num_key_value_heads"] = c.numKeyValueHeads;
    j["rms_norm_eps"] = c.rmsNormEps;
    if (c.usesYarn()) {
        j["rope_scaling"] = {{"rope_type", "yarn"},
                             {"factor", c.ropeScaling->factor},
                             {"original_max_position_embeddings", c.ropeScaling->originalMaxPositionEmbeddings}};
    } else {
        j["rope_scaling"] = nullptr;
    }
    j["rope_theta"] = c.ropeTheta;
    j["sliding_window"] = nullptr;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    j["torch_dtype"] = c.torchDtype;
    if (c.quantization && c.quantization->method == Quantization::Method::Awq) {
        j["quantization_config"] = {{"bits", 4},       {"group_size", c.quantization->groupSize},
                                    {"modules_to_not_convert", nullptr}, {"quant_method", "awq"},
                                    {"version", "gemm"}, {"zero_point", true}};
    } else if (c.quantization) {
        j["quantization_config"] = {{"activation_scheme", "dynamic"}, {"fmt", "e4m3"}, {"quant_method", "fp8"},
                                    {"weight_block_size", {c.quantization->blockRows, c.quantization->groupSize}}};
    }
    j["transformers_version"] = "4.51.0";
    j["use_cache"] = true;
    j["use_sliding_window"] = false;
    j["vocab_size"] = c.vocabSize;
    return j.dump(2) + "\n";
}

std::string generationConfigToJson(const ModelConfig& c) {
    json j;
    if (c.bosTokenId) j["bos_token_id"] = *c.bosTokenId;
    j["do_sample"] = true;
    std::vector<int> eos = c.eosTokenIds;
    // Qwen3 chat models also stop on <|endoftext|> (151643), which is the pad token too.
    const bool hasEndOfText = 151643 < c.vocabSize;
    if (hasEndOfText && std::find(eos.begin(), eos.end(), 151643) == eos.end()) eos.push_back(151643);
    j["eos_token_id"] = eos;
    if (hasEndOfText) j["pad_token_id"] = 151643;
    j["temperature"] = 0.6;
    j["top_k"] = 20;
    j["top_p"] = 0.95;
    j["transformers_version"] = "4.51.0";
    return j.dump(2) + "\n";
}

}  // namespace qe
