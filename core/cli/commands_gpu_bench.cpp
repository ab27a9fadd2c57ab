// gpu-bench (issue #6): the GPU's ceilings and our speed against them, on a model shape with
// random bf16 weights made on the device, so Qwen3-32B is measured without a 64 GB checkpoint.
//  - ceilings: device-to-device copy bandwidth (bytes read + written) and the cuBLAS GEMM rate;
//  - decode at each --contexts length (the context is filled with random keys and values, not
//    prefilled), with the always-on diagnostics and, at the first length, without them and
//    without CUDA graphs (a launch per kernel: what the graphs save);
//  - time to first token of a --prompt-len prompt, against the FLOP floor at the GEMM rate.
// Each token is chosen on the device as the app does (Qwen3's recommended sampling: temperature
// 0.6, top-k 20, top-p 0.95) and fed back, so the figures include sampling.
// Every figure is also given as a ratio to its roofline.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>

#include "core/backend.h"
#include "core/cli/args.h"
#include "core/cli/commands.h"
#include "core/model_config.h"

namespace qe::cli {

using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from) { return std::chrono::duration<double>(Clock::now() - from).count(); }

// Bytes a decode step reads: every layer matrix and the LM head (bf16), plus K and V of the context.
double bytesPerToken(const ModelConfig& c, std::int64_t context) {
    const double h = double(c.hiddenSize), layer = h * double(c.qWidth() + 2 * c.kvWidth()) + double(c.qWidth()) * h +
                                                  3.0 * h * double(c.intermediateSize);
    const double weights = 2.0 * (layer * double(c.numHiddenLayers) + double(c.vocabSize) * h);
    const double kv = 2.0 * 2.0 * double(c.numHiddenLayers) * double(c.kvWidth()) * double(context);
    return weights + kv;
}

// FLOPs of a prefill of `tokens`: the matrices for every token, the LM head for the last, and
// causal attention (q·k and p·v over keys 0..t).
double prefillFlops(const ModelConfig& c, std::int64_t tokens) {
    const double h = double(c.hiddenSize), t = double(tokens);
    const double layer = h * double(c.qWidth() + 2 * c.kvWidth()) + double(c.qWidth()) * h + 3.0 * h * double(c.intermediateSize);
    const double matrices = 2.0 * t * layer * double(c.numHiddenLayers) + 2.0 * h * double(c.vocabSize);
    const double attention = 4.0 * double(c.numAttentionHeads) * double(c.headDim) * (t * (t + 1) / 2) * double(c.numHiddenLayers);
    return matrices + attention;
}

}  // namespace

int cmdGpuBench(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"json"},
                            {"preset", "contexts", "gen", "prompt-len", "yarn-factor", "chunk", "copy-bytes", "gemm-size", "gemv-shape",
                             "device", "seed"});
    if (!args.ok()) return fail(args.error(), true);
    const std::string presetName = args->getOr("preset", "32b");
    auto preset = presetConfig(presetName);
    if (!preset) return fail(makeError(ErrorCode::InvalidArgument, "gpu-bench: unknown preset '" + presetName + "'"), true);
    auto contexts = parseIdList(args->getOr("contexts", "512,32768"));
    auto gen = args->getInt("gen", 16);
    auto promptLen = args->getInt("prompt-len", 4096);
    auto yarn = args->getDouble("yarn-factor", 0.0);
    auto chunk = args->getInt("chunk", 2048);
    auto copyBytes = args->getInt("copy-bytes", 2ll << 30);
    auto gemmSize = args->getInt("gemm-size", 8192);
    // Decode's GEMV, ours against cuBLAS: ROWSxCOLS (default: Qwen3-32B's down_proj).
    int gemvRows = 0, gemvCols = 0;
    const std::string gemvShape = args->getOr("gemv-shape", "5120x25600");
    if (std::sscanf(gemvShape.c_str(), "%dx%d", &gemvRows, &gemvCols) != 2 || gemvRows < 1 || gemvCols < 1)
        return fail(makeError(ErrorCode::InvalidArgument, "gpu-bench: --gemv-shape takes ROWSxCOLS, e.g. 5120x25600"), true);
    auto device = args->getInt("device", 0);
    auto seed = args->getInt("seed", 1);
    if (!contexts.ok() || contexts->empty() || !gen.ok() || !promptLen.ok() || !yarn.ok() || !chunk.ok() || !copyBytes.ok() ||
        !gemmSize.ok() || !device.ok() || !seed.ok() || *gen < 1 || *promptLen < 1 || *chunk < 1 || *copyBytes < 1 ||
        *gemmSize < 1)
        return fail(makeError(ErrorCode::InvalidArgument, "gpu-bench: --contexts takes a list of positive lengths, --gen, "
                                                          "--prompt-len, --chunk, --copy-bytes and --gemm-size positive integers"),
                    true);
    ModelConfig config = *preset;
    if (*yarn > 0.0) {  // Qwen3's recipe: YaRN over the 32,768 positions it was trained on
        RopeScaling rs;
        rs.ropeType = "yarn";
        rs.factor = *yarn;
        rs.originalMaxPositionEmbeddings = 32768;
        config.ropeScaling = rs;
        config.maxPositionEmbeddings = static_cast<std::int64_t>(32768 * *yarn);
    }
    std::int64_t longest = *promptLen;
    for (int c : *contexts) {
        if (c < 1) return fail(makeError(ErrorCode::InvalidArgument, "gpu-bench: context lengths must be positive"), true);
        longest = std::max<std::int64_t>(longest, c + *gen + 2);
    }
    if (longest > config.maxPositionEmbeddings)
        return fail(makeError(ErrorCode::InvalidArgument, "gpu-bench: " + std::to_string(longest) + " positions exceed the " +
                                                              std::to_string(config.maxPositionEmbeddings) +
                                                              " of this shape (use --yarn-factor)"),
                    true);

    // Prefill attention alone: the prompt as one chunk with this shape's heads (when the
    // tensor-core kernels apply: 16 tokens or more, head dim up to 128).
    CudaAttentionShape attention;
    if (*promptLen >= 16 && config.headDim <= 128) attention.tokens = static_cast<int>(*promptLen);
    attention.heads = static_cast<int>(config.numAttentionHeads);
    attention.kvHeads = static_cast<int>(config.numKeyValueHeads);
    attention.headDim = static_cast<int>(config.headDim);
    // Decode attention alone at the 32K figure (or the longest context, when shorter).
    for (int c : *contexts) attention.decodeKeys = std::max(attention.decodeKeys, std::min(c, 32768));
    const std::string attentionShape = std::to_string(attention.tokens) + " tokens, " + std::to_string(attention.heads) + "/" +
                                       std::to_string(attention.kvHeads) + " heads, head dim " + std::to_string(attention.headDim);
    auto ceilings = measureCudaCeilings(static_cast<int>(*device), static_cast<std::uint64_t>(*copyBytes), static_cast<int>(*gemmSize),
                                        gemvRows, gemvCols, attention);
    if (!ceilings.ok()) return fail(ceilings.error());
    CudaBackendOptions options;
    options.device = static_cast<int>(*device);
    options.maxChunk = std::min<std::int64_t>(*chunk, *promptLen);
    options.maxContext = longest;
    options.hiddenBudgetBytes = 512ull << 20;  // the app's default
    // A GPU too small for the longest context (Qwen3-32B at 128K on an 80 GB card) still
    // measures the contexts that fit; the others are reported as not fitting.
    options.fitContext = true;
    const auto loadStart = Clock::now();
    auto created = createSyntheticCudaBackend(config, options, static_cast<std::uint64_t>(*seed));
    if (!created.ok()) return fail(created.error());
    Backend& backend = **created;
    const double setupSeconds = seconds(loadStart);
    const std::int64_t held = std::min(longest, backend.contextLimit());
    if (*promptLen > held)
        return fail(makeError(ErrorCode::OutOfMemory,
                              "gpu-bench: a " + std::to_string(*promptLen) + "-token prompt does not fit this GPU"));
    KvCache cache;
    cache.configure(config, held, backend.kvStorage());
    Diagnostics diagnostics;
    diagnostics.configure(config, options.hiddenBudgetBytes, backend.hostHiddenStates());
    diagnostics.reserve(longest);
    std::mt19937_64 rng(static_cast<std::uint64_t>(*seed));
    const std::int64_t textTokens = std::min<std::int64_t>(config.vocabSize, 151643);
    auto token = [&] { return static_cast<int>(rng() % static_cast<std::uint64_t>(textTokens)); };
    SampleRequest sampling;
    sampling.params.temperature = 0.6f;
    sampling.params.topK = 20;
    sampling.params.topP = 0.95f;
    sampling.limit = textTokens;
    Sampler draws(sampling.params);
    SampleOutcome outcome;
    // The next token from the row the last forward kept.
    auto next = [&]() -> Result<int> {
        sampling.uniform = draws.drawUniform();
        QE_TRY(backend.sample(sampling, outcome));
        if (!outcome.decided) return makeError(ErrorCode::Internal, "gpu-bench: the device could not decide a top-k 20 draw");
        return outcome.token;
    };

    const double bandwidth = ceilings->copyBytesPerSecond, gemmRate = ceilings->gemmFlopsPerSecond;
    json decode = json::array();
    const bool graphs = backend.setDecodeGraphs(true);
    auto decodeAt = [&](std::int64_t context, bool withDiagnostics, bool withGraphs) -> Status {
        backend.setDecodeGraphs(withGraphs);
        QE_TRY(backend.fillSyntheticContext(cache, context - 1, static_cast<std::uint64_t>(*seed) + 7));
        Diagnostics* diag = withDiagnostics ? &diagnostics : nullptr;
        for (int i = 0; i < 2; ++i) {  // warm-up, at the same context length
            QE_TRY(backend.forward(std::vector<int>{token()}, cache, LogitsFor::Last, nullptr, {}, diag));
            QE_TRY(next());
            cache.truncate(context - 1);
        }
        const auto start = Clock::now();
        int fed = token();
        for (std::int64_t i = 0; i < *gen; ++i) {
            QE_TRY(backend.forward(std::vector<int>{fed}, cache, LogitsFor::Last, nullptr, {}, diag));
            QE_ASSIGN_OR_RETURN(fed, next());
        }
        const double rate = double(*gen) / seconds(start);
        const double roof = bandwidth / bytesPerToken(config, context + *gen / 2);
        decode.push_back({{"context", context}, {"diagnostics", withDiagnostics}, {"tok_s", rate}, {"roofline_tok_s", roof},
                          {"ratio", rate / roof}, {"bytes_per_token", bytesPerToken(config, context + *gen / 2)},
                          {"graphs", withGraphs}});
        return {};
    };
    for (std::size_t i = 0; i < contexts->size(); ++i) {
        if ((*contexts)[i] + *gen + 2 > held) {
            decode.push_back({{"context", (*contexts)[i]}, {"fits", false}, {"context_limit", held},
                              {"bytes_per_token", bytesPerToken(config, (*contexts)[i])}});
            continue;
        }
        if (auto s = decodeAt((*contexts)[i], true, graphs); !s.ok()) return fail(s.error());
        if (i > 0) continue;
        if (auto s = decodeAt((*contexts)[i], false, graphs); !s.ok()) return fail(s.error());
        // What the graphs save: the same decode with a launch per kernel.
        if (graphs)
            if (auto s = decodeAt((*contexts)[i], true, false); !s.ok()) return fail(s.error());
    }

    // Time to first token: the prompt in chunks, logits of the last position.
    cache.clear();
    std::vector<int> prompt(static_cast<std::size_t>(*promptLen));
    for (int& t : prompt) t = token();
    const auto prefillStart = Clock::now();
    for (std::int64_t begin = 0; begin < *promptLen; begin += options.maxChunk) {
        const std::int64_t end = std::min<std::int64_t>(begin + options.maxChunk, *promptLen);
        Status s = backend.forward(std::span<const int>(prompt).subspan(std::size_t(begin), std::size_t(end - begin)), cache,
                                   end == *promptLen ? LogitsFor::Last : LogitsFor::None, nullptr, {}, &diagnostics);
        if (!s.ok()) return fail(s.error());
    }
    auto firstToken = next();
    if (!firstToken.ok()) return fail(firstToken.error());
    const double ttft = seconds(prefillStart);
    const double floor = prefillFlops(config, *promptLen) / gemmRate;
    std::vector<float> logits(static_cast<std::size_t>(config.vocabSize));
    if (auto s = backend.readLogits(logits); !s.ok()) return fail(s.error());
    for (float v : logits)
        if (!std::isfinite(v)) return fail(makeError(ErrorCode::Internal, "gpu-bench: non-finite logits"));

    json out = {{"device", backend.description()},
                {"sampling", "device: temperature 0.6, top-k 20, top-p 0.95"},
                {"preset", presetName},
                {"yarn_factor", *yarn},
                {"setup_seconds", setupSeconds},
                {"ceilings", {{"copy_bytes_per_s", bandwidth}, {"copy_bytes", *copyBytes}, {"gemm_flops_per_s", gemmRate},
                              {"gemm_size", *gemmSize}, {"gemv_bytes_per_s", ceilings->gemvBytesPerSecond},
                              {"cublas_gemv_bytes_per_s", ceilings->cublasGemvBytesPerSecond},
                              {"gemv_shape", gemvShape},
                              {"attention_flops_per_s", ceilings->attentionFlopsPerSecond},
                              {"wmma_attention_flops_per_s", ceilings->wmmaAttentionFlopsPerSecond},
                              {"bf16q_attention_flops_per_s", ceilings->bf16QAttentionFlopsPerSecond},
                              {"attention_shape", attentionShape},
                              {"decode_attention_keys", attention.decodeKeys},
                              {"decode_attention_bytes_per_s", ceilings->decodeAttentionBytesPerSecond},
                              {"warps_decode_attention_bytes_per_s", ceilings->warpsDecodeAttentionBytesPerSecond}}},
                {"decode", decode},
                {"ttft", {{"prompt_tokens", *promptLen}, {"chunk", options.maxChunk}, {"seconds", ttft}, {"floor_seconds", floor},
                          {"ratio_to_floor", ttft / floor}}}};
    if (args->has("json")) {
        std::printf("%s\n", out.dump().c_str());
        return kExitOk;
    }
    std::printf("device        %s (%s%s)\n", backend.description().c_str(), presetName.c_str(),
                *yarn > 0 ? (", YaRN x" + std::to_string(*yarn)).c_str() : "");
    std::printf("ceilings      copy %.0f GB/s (read + write), GEMM %.0f TFLOP/s (bf16 in, fp32 out, %lld^3)\n", bandwidth * 1e-9,
                gemmRate * 1e-12, (long long)*gemmSize);
    std::printf("decode GEMV   %s: ours %.0f GB/s (%.0f %% of copy), cuBLAS %.0f GB/s (%.0f %%)\n", gemvShape.c_str(),
                ceilings->gemvBytesPerSecond * 1e-9, 100.0 * ceilings->gemvBytesPerSecond / bandwidth,
                ceilings->cublasGemvBytesPerSecond * 1e-9, 100.0 * ceilings->cublasGemvBytesPerSecond / bandwidth);
    std::printf("attention     %s: pipelined %.0f TFLOP/s (%.0f %% of GEMM), wmma %.0f TFLOP/s (%.0f %%), "
                "pipelined with bf16 q %.0f TFLOP/s\n",
                attentionShape.c_str(), ceilings->attentionFlopsPerSecond * 1e-12,
                100.0 * ceilings->attentionFlopsPerSecond / gemmRate,
                ceilings->wmmaAttentionFlopsPerSecond * 1e-12, 100.0 * ceilings->wmmaAttentionFlopsPerSecond / gemmRate,
                ceilings->bf16QAttentionFlopsPerSecond * 1e-12);
    std::printf("decode attn   %d keys: tensor cores %.0f GB/s of K/V (%.0f %% of copy), a warp per head %.0f GB/s (%.0f %%)\n",
                attention.decodeKeys, ceilings->decodeAttentionBytesPerSecond * 1e-9,
                100.0 * ceilings->decodeAttentionBytesPerSecond / bandwidth, ceilings->warpsDecodeAttentionBytesPerSecond * 1e-9,
                100.0 * ceilings->warpsDecodeAttentionBytesPerSecond / bandwidth);
    for (const json& d : decode) {
        if (!d.value("fits", true)) {
            std::printf("decode        context %7lld  does not fit this GPU (%lld positions do)\n",
                        (long long)d["context"].get<std::int64_t>(), (long long)d["context_limit"].get<std::int64_t>());
            continue;
        }
        std::printf("decode        context %7lld  %-15s %-14s %8.2f tok/s  roofline %8.2f  (%.0f %%)\n",
                    (long long)d["context"].get<std::int64_t>(),
                    d["diagnostics"].get<bool>() ? "diagnostics on" : "diagnostics off",
                    d["graphs"].get<bool>() ? "CUDA graphs" : "plain launches", d["tok_s"].get<double>(),
                    d["roofline_tok_s"].get<double>(), 100.0 * d["ratio"].get<double>());
    }
    std::printf("first token   %lld-token prompt: %.3f s, FLOP floor %.3f s (%.2fx)\n", (long long)*promptLen, ttft, floor, ttft / floor);
    return kExitOk;
}

}  // namespace qe::cli
