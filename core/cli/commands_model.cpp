// Model commands of qwen-explorer-cli: info, logits, generate, make-model, bench.
// Output formats are a contract relied on by external checks (see README "Command line").
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include "core/cli/args.h"
#include "core/cli/commands.h"
#include "core/model_info.h"
#include "core/model_writer.h"
#include "core/session.h"

namespace qe::cli {

using nlohmann::json;

namespace {

json shapeJson(const std::vector<std::int64_t>& shape) { return json(shape); }

std::uint64_t peakRssBytes() {
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024u;  // Linux reports KiB
}

void printJson(const json& j) {
    std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
}

bool hasCheckpoint(const std::string& dir) {
    return std::filesystem::exists(dir + "/model.safetensors") || std::filesystem::exists(dir + "/model.safetensors.index.json");
}

Result<SessionOptions> sessionOptions(const Args& args, std::int64_t chunk, std::int64_t maxContext) {
    QE_ASSIGN_OR_RETURN(long long threads, args.getInt("threads", 0));
    if (threads < 0) return makeError(ErrorCode::InvalidArgument, "--threads must not be negative");
    QE_ASSIGN_OR_RETURN(BackendKind backend, backendArg(args));
    QE_ASSIGN_OR_RETURN(KvType kvCache, kvCacheArg(args));
    QE_ASSIGN_OR_RETURN(cpu::GemmPrecision prefillMatmul, prefillMatmulArg(args));
    SessionOptions options;
    options.backend = backend;
    options.kvCache = kvCache;
    options.prefillMatmul = prefillMatmul;
    options.threads = static_cast<int>(threads);
    options.chunkSize = chunk;
    options.maxContext = maxContext;
    return options;
}

}  // namespace

int cmdInfo(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"json"}, {"model"});
    if (!args.ok()) return fail(args.error(), true);
    auto dir = args->get("model");
    if (!dir) return fail(makeError(ErrorCode::InvalidArgument, "info: --model DIR is required"), true);
    auto config = loadModelConfig(*dir);
    if (!config.ok()) return fail(config.error());
    const ModelSizes sizes = computeModelSizes(*config);

    std::uint64_t weightBytes = 0;
    std::string dtype = config->torchDtype;
    bool haveWeights = hasCheckpoint(*dir);
    if (haveWeights) {
        auto weights = Weights::load(*dir, *config);
        if (!weights.ok()) return fail(weights.error());
        weightBytes = (*weights)->fileBytes();
        dtype = (*weights)->dtypeSummary();
    }
    const ModelConfig& c = *config;
    json modules = json::array();
    for (const auto& m : sizes.modules)
        modules.push_back({{"name", m.name}, {"shape", shapeJson(m.shape)}, {"parameters", m.parameters}, {"count", m.count}});
    json j;
    j["model"] = *dir;
    j["architecture"] = c.architectures.empty() ? "Qwen3ForCausalLM" : c.architectures.front();
    j["model_type"] = c.modelType;
    j["config"] = {{"vocab_size", c.vocabSize},
                   {"hidden_size", c.hiddenSize},
                   {"intermediate_size", c.intermediateSize},
                   {"num_hidden_layers", c.numHiddenLayers},
                   {"num_attention_heads", c.numAttentionHeads},
                   {"num_key_value_heads", c.numKeyValueHeads},
                   {"head_dim", c.headDim},
                   {"max_position_embeddings", c.maxPositionEmbeddings},
                   {"rope_theta", c.ropeTheta},
                   {"rms_norm_eps", c.rmsNormEps},
                   {"tie_word_embeddings", c.tieWordEmbeddings},
                   {"rope_scaling", c.usesYarn() ? json{{"rope_type", "yarn"},
                                                        {"factor", c.ropeScaling->factor},
                                                        {"original_max_position_embeddings",
                                                         c.ropeScaling->originalMaxPositionEmbeddings}}
                                                  : json(nullptr)}};
    j["parameters"] = {{"total", sizes.total},           {"non_embedding", sizes.nonEmbedding},
                       {"embedding", sizes.embedding},   {"lm_head", sizes.lmHead},
                       {"per_layer", sizes.perLayer},    {"final_norm", sizes.finalNorm},
                       {"modules", modules}};
    j["total_parameters"] = sizes.total;
    j["dtype"] = dtype;
    j["bytes"] = {{"weights", haveWeights ? json(weightBytes) : json(nullptr)}, {"bf16", sizes.bf16Bytes}};
    j["quantization"] = c.quantization ? json(c.quantization->summary()) : json(nullptr);
    j["kv_bytes_per_token"] = sizes.kvBytesPerTokenBf16;
    j["kv_bytes_per_token_cpu_f32"] = sizes.kvBytesPerTokenF32;

    if (args->has("json")) {
        printJson(j);
        return kExitOk;
    }
    std::printf("%s (%s), %s\n", j["architecture"].get<std::string>().c_str(), c.modelType.c_str(), dir->c_str());
    std::printf("  layers %lld, hidden %lld, intermediate %lld, heads %lld (KV %lld, head dim %lld), vocab %lld\n",
                (long long)c.numHiddenLayers, (long long)c.hiddenSize, (long long)c.intermediateSize,
                (long long)c.numAttentionHeads, (long long)c.numKeyValueHeads, (long long)c.headDim, (long long)c.vocabSize);
    std::printf("  context %lld%s, tied embeddings: %s\n", (long long)c.maxPositionEmbeddings,
                c.usesYarn() ? " (YaRN)" : "", c.tieWordEmbeddings ? "yes" : "no");
    std::printf("  parameters: %lld total, %lld non-embedding, %lld per layer\n", (long long)sizes.total,
                (long long)sizes.nonEmbedding, (long long)sizes.perLayer);
    for (const auto& m : sizes.modules)
        std::printf("    %-34s %12lld x %lld\n", m.name.c_str(), (long long)m.parameters, (long long)m.count);
    if (c.quantization) std::printf("  quantized: %s (linear layers)\n", c.quantization->summary().c_str());
    if (haveWeights) std::printf("  weights: %llu bytes (%s)\n", (unsigned long long)weightBytes, dtype.c_str());
    else std::printf("  weights: none in this folder (config only); bf16 would be %lld bytes\n", (long long)sizes.bf16Bytes);
    std::printf("  KV cache: %lld bytes per token in bf16 (%lld in the CPU engine's fp32 cache)\n",
                (long long)sizes.kvBytesPerTokenBf16, (long long)sizes.kvBytesPerTokenF32);
    return kExitOk;
}

int cmdLogits(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"json"}, {"model", "tokens", "top-k", "chunk", "last-logits", "all-logits", "threads", "backend", "kv-cache", "prefill-matmul"});
    if (!args.ok()) return fail(args.error(), true);
    auto dir = args->get("model");
    auto tokenText = args->get("tokens");
    if (!dir || !tokenText) return fail(makeError(ErrorCode::InvalidArgument, "logits: --model DIR and --tokens LIST are required"), true);
    auto tokens = parseIdList(*tokenText);
    if (!tokens.ok()) return fail(tokens.error(), true);
    if (tokens->empty()) return fail(makeError(ErrorCode::InvalidArgument, "logits: --tokens is empty"), true);
    auto topK = args->getInt("top-k", 10);
    auto chunk = args->getInt("chunk", 0);
    if (!topK.ok()) return fail(topK.error(), true);
    if (!chunk.ok()) return fail(chunk.error(), true);
    if (*topK < 1 || *chunk < 0) return fail(makeError(ErrorCode::InvalidArgument, "--top-k must be >= 1 and --chunk >= 0"), true);
    const auto numTokens = static_cast<std::int64_t>(tokens->size());
    const std::int64_t chunkSize = *chunk > 0 ? std::min<std::int64_t>(*chunk, numTokens) : numTokens;
    auto options = sessionOptions(*args, chunkSize, numTokens);
    if (!options.ok()) return fail(options.error(), true);
    auto session = Session::load(*dir, *options);
    if (!session.ok()) return fail(session.error());
    notePrefillMatmul(options->prefillMatmul, **session);
    if (numTokens > (*session)->config().maxPositionEmbeddings) {
        return fail(makeError(ErrorCode::InvalidArgument, std::to_string(numTokens) + " tokens exceed max_position_embeddings " +
                                                              std::to_string((*session)->config().maxPositionEmbeddings)));
    }
    std::vector<float> logits;
    if (auto s = (*session)->allLogits(*tokens, chunkSize, logits); !s.ok()) return fail(s.error());
    const std::int64_t vocab = (*session)->config().vocabSize;

    if (auto path = args->get("all-logits")) {  // [tokens, vocab] float32, for comparisons with other engines
        std::ofstream out(*path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(logits.data()), static_cast<std::streamsize>(logits.size() * sizeof(float)));
        if (!out) return fail(makeError(ErrorCode::InvalidArgument, "cannot write " + *path));
    }
    if (auto path = args->get("last-logits")) {
        std::ofstream out(*path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(&logits[(numTokens - 1) * vocab]), static_cast<std::streamsize>(vocab * sizeof(float)));
        out.close();
        if (!out) return fail(makeError(ErrorCode::InvalidArgument, "cannot write the last logits", *path));
    }
    const std::int64_t k = std::min<std::int64_t>(*topK, vocab);
    json positions = json::array();
    std::vector<int> order(static_cast<std::size_t>(vocab));
    for (std::int64_t pos = 0; pos < numTokens; ++pos) {
        const float* row = &logits[pos * vocab];
        for (std::int64_t i = 0; i < vocab; ++i) order[i] = static_cast<int>(i);
        std::partial_sort(order.begin(), order.begin() + k, order.end(),
                          [&](int a, int b) { return row[a] > row[b] || (row[a] == row[b] && a < b); });
        json top = json::array();
        for (std::int64_t i = 0; i < k; ++i) top.push_back({{"id", order[i]}, {"logit", row[order[i]]}});
        positions.push_back({{"pos", pos}, {"top", top}});
    }
    if (args->has("json")) {
        printJson({{"vocab_size", vocab}, {"positions", positions}});
        return kExitOk;
    }
    for (const auto& p : positions) {
        std::printf("pos %lld:", (long long)p["pos"].get<std::int64_t>());
        for (const auto& t : p["top"]) std::printf(" %d(%.4f)", t["id"].get<int>(), t["logit"].get<double>());
        std::printf("\n");
    }
    return kExitOk;
}

int cmdMakeModel(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"tied", "untied", "config-only"},
                            {"preset", "seed", "dtype", "out", "shards", "threads", "hidden-size", "intermediate-size",
                             "layers", "heads", "kv-heads", "head-dim", "vocab-size", "max-position", "rope-theta",
                             "yarn-factor", "quantize", "group-size"});
    if (!args.ok()) return fail(args.error(), true);
    auto out = args->get("out");
    if (!out) return fail(makeError(ErrorCode::InvalidArgument, "make-model: --out DIR is required"), true);
    ModelConfig config;
    if (auto preset = args->get("preset")) {
        auto found = presetConfig(*preset);
        if (!found) {
            std::string names;
            for (const auto& n : presetNames()) names += (names.empty() ? "" : ", ") + n;
            return fail(makeError(ErrorCode::InvalidArgument, "unknown preset '" + *preset + "' (choose " + names + ")"), true);
        }
        config = *found;
    } else if (!args->has("hidden-size")) {
        return fail(makeError(ErrorCode::InvalidArgument, "make-model: give --preset NAME or explicit shape options"), true);
    } else {
        config = *presetConfig("tiny");
    }
    // Explicit shape options override the preset (or the tiny base).
    struct IntOption { const char* name; std::int64_t* field; };
    const IntOption intOptions[] = {{"hidden-size", &config.hiddenSize},       {"intermediate-size", &config.intermediateSize},
                                    {"layers", &config.numHiddenLayers},       {"heads", &config.numAttentionHeads},
                                    {"kv-heads", &config.numKeyValueHeads},    {"head-dim", &config.headDim},
                                    {"vocab-size", &config.vocabSize},         {"max-position", &config.maxPositionEmbeddings}};
    for (const auto& o : intOptions) {
        auto v = args->getInt(o.name, *o.field);
        if (!v.ok()) return fail(v.error(), true);
        *o.field = *v;
    }
    if (args->has("tied")) config.tieWordEmbeddings = true;
    if (args->has("untied")) config.tieWordEmbeddings = false;
    auto theta = args->getDouble("rope-theta", config.ropeTheta);
    auto yarn = args->getDouble("yarn-factor", 0.0);
    if (!theta.ok()) return fail(theta.error(), true);
    if (!yarn.ok()) return fail(yarn.error(), true);
    config.ropeTheta = *theta;
    if (*yarn > 0.0) {
        RopeScaling rs;
        rs.ropeType = "yarn";
        rs.factor = *yarn;
        rs.originalMaxPositionEmbeddings = config.maxPositionEmbeddings;
        config.ropeScaling = rs;
        config.maxPositionEmbeddings = static_cast<std::int64_t>(config.maxPositionEmbeddings * *yarn);
    }
    if (auto quantize = args->get("quantize")) {
        Quantization q;
        if (*quantize == "awq") q.method = Quantization::Method::Awq;
        else if (*quantize == "fp8") q.method = Quantization::Method::Fp8;
        else return fail(makeError(ErrorCode::InvalidArgument, "--quantize must be awq or fp8"), true);
        auto group = args->getInt("group-size", 128);
        if (!group.ok()) return fail(group.error(), true);
        q.groupSize = q.blockRows = *group;
        config.quantization = q;
    }
    // Round-trip through the parser so a bad shape is reported exactly as for a loaded model.
    auto checked = parseModelConfig(modelConfigToJson(config), "make-model options");
    if (!checked.ok()) return fail(checked.error(), true);
    if (args->has("config-only")) {  // the shape alone, e.g. for transformers to build a random model
        std::error_code ec;
        std::filesystem::create_directories(*out, ec);
        std::ofstream(*out + "/config.json") << modelConfigToJson(*checked);
        std::ofstream(*out + "/generation_config.json") << generationConfigToJson(*checked);
        if (!std::filesystem::exists(*out + "/config.json"))
            return fail(makeError(ErrorCode::InvalidArgument, "cannot write " + *out + "/config.json"));
        return kExitOk;
    }

    RandomModelOptions options;
    auto seed = args->getInt("seed", 1);
    auto shards = args->getInt("shards", 1);
    auto threads = args->getInt("threads", 0);
    if (!seed.ok() || !shards.ok() || !threads.ok()) return fail(!seed.ok() ? seed.error() : !shards.ok() ? shards.error() : threads.error(), true);
    options.seed = static_cast<std::uint64_t>(*seed);
    options.shards = static_cast<int>(*shards);
    options.threads = static_cast<int>(*threads);
    const std::string dtype = args->getOr("dtype", "bf16");
    if (dtype == "bf16") options.dtype = DType::BF16;
    else if (dtype == "f32") options.dtype = DType::F32;
    else if (dtype == "f16") options.dtype = DType::F16;
    else return fail(makeError(ErrorCode::InvalidArgument, "--dtype must be bf16, f16 or f32"), true);
    if (options.shards < 1) return fail(makeError(ErrorCode::InvalidArgument, "--shards must be at least 1"), true);
    options.quantization = checked->quantization;
    if (options.quantization && dtype == "bf16" && options.quantization->method == Quantization::Method::Awq)
        options.dtype = DType::F16;  // AutoAWQ checkpoints are float16 throughout
    if (auto s = writeRandomModel(*checked, *out, options); !s.ok()) return fail(s.error());
    const ModelSizes sizes = computeModelSizes(*checked);
    const std::string stored = options.quantization ? options.quantization->summary() + ", the rest " + dtypeName(options.dtype)
                                                    : std::string(dtypeName(options.dtype));
    std::fprintf(stderr, "wrote %s: %lld parameters, %s, %d shard(s)\n", out->c_str(), (long long)sizes.total, stored.c_str(),
                 options.shards);
    return kExitOk;
}

int cmdBench(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"json", "no-diagnostics"},
                            {"model", "prompt-len", "gen", "threads", "chunk", "seed", "weights", "backend", "kv-cache", "prefill-matmul"});
    if (!args.ok()) return fail(args.error(), true);
    auto dir = args->get("model");
    if (!dir) return fail(makeError(ErrorCode::InvalidArgument, "bench: --model DIR is required"), true);
    auto promptLen = args->getInt("prompt-len", 128);
    auto gen = args->getInt("gen", 64);
    auto chunk = args->getInt("chunk", 0);
    auto seed = args->getInt("seed", 1);
    if (!promptLen.ok() || !gen.ok() || !chunk.ok() || !seed.ok())
        return fail(makeError(ErrorCode::InvalidArgument, "bench: --prompt-len, --gen, --chunk and --seed take integers"), true);
    if (*promptLen < 1 || *gen < 1) return fail(makeError(ErrorCode::InvalidArgument, "bench: --prompt-len and --gen must be >= 1"), true);
    const std::int64_t chunkSize = *chunk > 0 ? *chunk : *promptLen;
    auto options = sessionOptions(*args, chunkSize, *promptLen + *gen + 1);
    if (!options.ok()) return fail(options.error(), true);
    options->diagnostics = !args->has("no-diagnostics");
    const std::string memory = args->get("weights").value_or("auto");
    if (memory == "mapped") options->weightMemory = WeightMemory::Mapped;
    else if (memory == "resident") options->weightMemory = WeightMemory::Resident;
    else if (memory != "auto") return fail(makeError(ErrorCode::InvalidArgument, "bench: --weights takes auto, mapped or resident"), true);
    auto loaded = Session::load(*dir, *options);
    if (!loaded.ok()) return fail(loaded.error());
    Session& session = **loaded;
    notePrefillMatmul(options->prefillMatmul, session);

    // A fixed pseudo-random prompt of ordinary token ids.
    std::mt19937_64 rng(static_cast<std::uint64_t>(*seed));
    const std::int64_t idLimit = std::min<std::int64_t>(session.config().vocabSize, 151643);
    std::vector<int> prompt(static_cast<std::size_t>(*promptLen));
    for (int& id : prompt) id = static_cast<int>(rng() % static_cast<std::uint64_t>(idLimit));

    // Warm-up: touch every weight page once so the timing measures compute, not disk.
    std::vector<int> warm(prompt.begin(), prompt.begin() + std::min<std::int64_t>(*promptLen, 4));
    if (auto r = session.prefill(warm); !r.ok()) return fail(r.error());
    session.resetCache();

    GenerateRequest request;
    request.prompt = prompt;
    request.sampling.greedy = true;
    request.maxNewTokens = *gen + 1;  // +1: the first new token comes from the prefill logits
    auto result = session.generate(request);
    if (!result.ok()) return fail(result.error());
    const double prefill = result->prefillTokensPerSecond();
    const double decode = result->decodeTokensPerSecond();
    const std::uint64_t rss = peakRssBytes();
    if (args->has("json")) {
        printJson({{"prefill_tok_s", prefill},
                   {"decode_tok_s", decode},
                   {"peak_rss_bytes", rss},
                   {"prompt_tokens", *promptLen},
                   {"decode_tokens", static_cast<std::int64_t>(result->newTokens.size()) - 1},
                   {"threads", session.threads()},
                   {"isa", cpu::isaName(cpu::activeIsa())},
                   {"diagnostics", !args->has("no-diagnostics")},
                   {"weight_bytes", session.weights().fileBytes()},
                   {"weights", session.weights().resident() ? "resident" : "mapped"},
                   {"kv_cache", kvTypeName(session.cache().type())},
                   {"kv_cache_bytes", session.cache().allocatedBytes()},
                   {"prefill_matmul", cpu::gemmPrecisionName(session.prefillMatmul())},
                   {"backend", backendKindName(session.backend().kind())},
                   {"device", session.backend().description()}});
        return kExitOk;
    }
    std::printf("model        %s\n", dir->c_str());
    std::printf("backend      %s\n", session.backend().description().c_str());
    std::printf("threads      %d (%s kernels), diagnostics %s, weights %s, KV cache %s, prefill matmul %s\n",
                session.threads(), cpu::isaName(cpu::activeIsa()), args->has("no-diagnostics") ? "off" : "on",
                session.weights().resident() ? "resident" : "mapped", kvTypeName(session.cache().type()),
                cpu::gemmPrecisionName(session.prefillMatmul()));
    std::printf("prefill      %.1f tok/s (%lld tokens)\n", prefill, (long long)*promptLen);
    std::printf("decode       %.2f tok/s (%lld tokens)\n", decode, (long long)result->newTokens.size() - 1);
    std::printf("peak RSS     %.1f MiB (weights %.1f MiB)\n", rss / 1048576.0, session.weights().fileBytes() / 1048576.0);
    return kExitOk;
}

}  // namespace qe::cli
