// The CUDA backend as a whole, through Session: against the CPU engine and the independent
// double-precision reference (tests/helpers/reference_forward.h) on generated checkpoints, with
// and without YaRN, f32/f16/bf16 files, chunked prefill, prefix reuse, greedy generation,
// diagnostics, the inspector's on-demand views, cancellation and the out-of-memory estimate.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "core/model_writer.h"
#include "core/session.h"
#include "tests/gpu/gpu_test.h"
#include "tests/helpers/reference_forward.h"
#include "tests/helpers/small_models.h"

using namespace qe;
using namespace qe::gputest;
using qe::test::smallConfig;
using qe::test::someTokens;

namespace {

// A temporary folder removed at scope exit.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/qe-gpu-test-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

std::unique_ptr<Session> load(const std::string& dir, BackendKind backend, std::int64_t chunk = 16) {
    SessionOptions o;
    o.threads = 4;
    o.chunkSize = chunk;
    o.backend = backend;
    auto s = Session::load(dir, o);
    GPU_CHECK(s.ok(), s.ok() ? "" : s.error().text());
    GPU_CHECK((*s)->backend().kind() == backend, "wrong backend");
    return std::move(*s);
}

// Issue #5's agreement measure: top-1 agreement over positions and ‖a − b‖ / ‖b‖ of the logits.
// A disagreement is a near-tie when the reference ranks our choice within four times this row's
// RMS logit error of its own: rounding (bf16 weights, bf16 tensor-core operands) can flip those
// and no other; random tiny models have many.
struct Agreement {
    double top1 = 0.0, relL2 = 0.0;
    std::size_t disagreements = 0, nearTies = 0;
};
template <class Row>
Agreement agreement(const std::vector<float>& got, const std::vector<Row>& want, std::int64_t vocab) {
    double diff = 0, norm = 0;
    Agreement out;
    for (std::size_t t = 0; t < want.size(); ++t) {
        std::size_t a = 0, b = 0;
        double rowDiff = 0;
        for (std::int64_t v = 0; v < vocab; ++v) {
            const double g = got[t * vocab + v], w = want[t][v];
            rowDiff += (g - w) * (g - w);
            norm += w * w;
            if (g > got[t * vocab + a]) a = std::size_t(v);
            if (w > want[t][b]) b = std::size_t(v);
        }
        diff += rowDiff;
        if (a == b) continue;
        ++out.disagreements;
        out.nearTies += double(want[t][b]) - double(want[t][a]) <= 4.0 * std::sqrt(rowDiff / double(vocab));
    }
    out.top1 = 1.0 - double(out.disagreements) / double(want.size());
    out.relL2 = std::sqrt(diff / norm);
    return out;
}

std::vector<std::vector<float>> rows(const std::vector<float>& flat, std::int64_t vocab) {
    std::vector<std::vector<float>> out(flat.size() / vocab);
    for (std::size_t t = 0; t < out.size(); ++t) out[t].assign(flat.begin() + t * vocab, flat.begin() + (t + 1) * vocab);
    return out;
}

// Issue #5's bar: top-1 agreement >= 99 % and logits relative L2 <= 2e-2. On these random tiny
// models (70 positions) the top-1 bar is applied to the positions that are not near-ties, and
// the raw agreement must stay >= 90 %: a gross-error floor (a wrong kernel agrees on few
// positions), below the 95.7 % the f32-file model shows on the emulator (3 near-ties of 70), so
// a GPU's different rounding flipping one more does not fail it.
void checkAgreement(const std::string& what, Agreement a) {
    std::printf("| %s | %.4f | %.3g |\n", what.c_str(), a.top1, a.relL2);
    if (a.nearTies > 0) std::printf("  (%zu of %zu disagreements near-ties)\n", a.nearTies, a.disagreements);
    GPU_CHECK(a.disagreements == a.nearTies, what + ": " + std::to_string(a.disagreements - a.nearTies) +
                                                 " top-1 disagreements beyond rounding");
    GPU_CHECK(a.top1 >= 0.90, what + ": top-1 agreement " + std::to_string(a.top1));
    GPU_CHECK(a.relL2 <= 2e-2, what + ": relative L2 error " + std::to_string(a.relL2));
}

void wholeModel(bool tied, double yarn, DType dtype, int shards, std::int64_t headDim) {
    TempDir dir;
    const ModelConfig config = smallConfig(tied, yarn, headDim);
    RandomModelOptions options;
    options.seed = 5;
    options.dtype = dtype;
    options.shards = shards;
    GPU_CHECK(writeRandomModel(config, dir.path, options).ok(), "write checkpoint");
    auto cpu = load(dir.path, BackendKind::Cpu);
    auto gpu = load(dir.path, BackendKind::Cuda);
    const auto tokens = someTokens(70, int(config.vocabSize));  // past original_max_position_embeddings (64)
    std::vector<float> cpuLogits, gpuLogits, gpuChunked;
    GPU_CHECK(cpu->allLogits(tokens, 0, cpuLogits).ok(), "cpu logits");
    GPU_CHECK(gpu->allLogits(tokens, 0, gpuLogits).ok(), "gpu logits");
    GPU_CHECK(gpu->allLogits(tokens, 7, gpuChunked).ok(), "gpu logits in chunks of 7");
    test::Reference ref{gpu->weights().checkpoint(), config, {}, {}};
    const auto expected = ref.logits(tokens);
    const std::string name = std::string(tied ? "tied" : "untied") + (yarn > 0 ? " yarn" : "") + " " + dtypeName(dtype) +
                             " d=" + std::to_string(headDim) + " " + std::to_string(shards) + " shard(s)";
    checkAgreement(name + ": GPU vs CPU engine", agreement(gpuLogits, rows(cpuLogits, config.vocabSize), config.vocabSize));
    checkAgreement(name + ": GPU vs fp64 reference", agreement(gpuLogits, expected, config.vocabSize));
    checkAgreement(name + ": GPU chunk 7 vs chunk 16", agreement(gpuChunked, rows(gpuLogits, config.vocabSize), config.vocabSize));
}

// Quantized checkpoints (spec §7): the backend uploads their linear layers dequantized, rounded to
// bf16, so it agrees with the CPU engine, which multiplies by the exact dequantized values, and
// with the reference, which dequantizes on its own.
void quantizedModel(Quantization::Method method) {
    TempDir dir;
    ModelConfig config = smallConfig(false);
    config.quantization = Quantization{.method = method, .groupSize = 16, .blockRows = 32};
    RandomModelOptions options;
    options.seed = 13;
    options.dtype = method == Quantization::Method::Awq ? DType::F16 : DType::BF16;
    options.quantization = config.quantization;
    GPU_CHECK(writeRandomModel(config, dir.path, options).ok(), "write checkpoint");
    auto cpu = load(dir.path, BackendKind::Cpu);
    auto gpu = load(dir.path, BackendKind::Cuda);
    const auto tokens = someTokens(40, int(config.vocabSize));
    std::vector<float> cpuLogits, gpuLogits;
    GPU_CHECK(cpu->allLogits(tokens, 0, cpuLogits).ok(), "cpu logits");
    GPU_CHECK(gpu->allLogits(tokens, 0, gpuLogits).ok(), "gpu logits");
    test::Reference ref{gpu->weights().checkpoint(), config, {}, {}};
    const std::string name = method == Quantization::Method::Awq ? "AWQ g16" : "FP8 32x16 blocks";
    checkAgreement(name + ": GPU vs CPU engine", agreement(gpuLogits, rows(cpuLogits, config.vocabSize), config.vocabSize));
    checkAgreement(name + ": GPU vs fp64 reference", agreement(gpuLogits, ref.logits(tokens), config.vocabSize));
}

void greedyMatchesCpu() {
    TempDir dir;
    const ModelConfig config = smallConfig(true);
    GPU_CHECK(writeRandomModel(config, dir.path, {.seed = 11}).ok(), "write checkpoint");
    auto cpu = load(dir.path, BackendKind::Cpu);
    auto gpu = load(dir.path, BackendKind::Cuda);
    GenerateRequest request;
    request.prompt = someTokens(9, int(config.vocabSize), 2);
    request.sampling.greedy = true;
    request.maxNewTokens = 32;
    auto a = cpu->generate(request);
    auto b = gpu->generate(request);
    GPU_CHECK(a.ok() && b.ok(), "generate");
    std::string ids;
    for (int id : b->newTokens) ids += std::to_string(id) + " ";
    std::printf("greedy (GPU): %s\n", ids.c_str());
    GPU_CHECK(a->newTokens == b->newTokens, "greedy tokens differ from the CPU engine's");
    GPU_CHECK(b->newTokens.size() == 32 || b->stopReason == StopReason::Eos, "stopped early");
}

// Sampling on the device (penalties, top-p, masked padding ids, alternatives) gives the tokens,
// probabilities and alternatives the CPU sampler picks from the same GPU's logits with the same
// seed. Vocabulary 2000 at temperature 4: the device hands rows back to the host (no top-k cut,
// a flat distribution), so both paths run.
void sampledGenerationMatchesHostSampler(std::int64_t vocab, float temperature) {
    TempDir dir;
    ModelConfig config = smallConfig(true);
    config.vocabSize = vocab;
    GPU_CHECK(writeRandomModel(config, dir.path, {.seed = 23}).ok(), "write checkpoint");
    auto gpu = load(dir.path, BackendKind::Cuda);
    auto reference = load(dir.path, BackendKind::Cuda);
    GenerateRequest request;
    request.prompt = someTokens(11, int(vocab), 4);
    request.sampling.temperature = temperature;
    request.sampling.topP = 0.97f;
    request.sampling.repetitionPenalty = 1.2f;
    request.sampling.presencePenalty = 0.3f;
    request.sampling.seed = 5;
    request.maxNewTokens = 24;
    request.maskFrom = vocab - 10;
    request.topAlternatives = 4;
    struct Seen {
        int id;
        float prob;
        std::vector<TokenProb> alternatives;
    };
    std::vector<Seen> seen;
    auto result = gpu->generate(request, {}, [&](const GeneratedToken& t) {
        seen.push_back({t.id, t.prob, {t.alternatives.begin(), t.alternatives.end()}});
        return true;
    });
    GPU_CHECK(result.ok(), result.ok() ? "" : result.error().text());
    GPU_CHECK(seen.size() == 24, "tokens seen");

    Sampler sampler(request.sampling, request.maskFrom);
    std::vector<int> context = request.prompt, generated, order;
    std::vector<TokenProb> alternatives;
    GPU_CHECK(reference->prefill(request.prompt).ok(), "prefill");
    for (std::size_t i = 0; i < seen.size(); ++i) {
        std::vector<float> logits(reference->lastLogits().begin(), reference->lastLogits().end());
        topProbabilities(logits, request.maskFrom, request.topAlternatives, order, alternatives);
        float prob = 0.0f;
        const int token = sampler.sample(logits, context, generated, &prob);
        const std::string at = "token " + std::to_string(i);
        GPU_CHECK(seen[i].id == token, at + ": device " + std::to_string(seen[i].id) + ", host sampler " + std::to_string(token));
        GPU_CHECK(token < request.maskFrom, at + ": a masked id");
        GPU_CHECK(std::abs(seen[i].prob - prob) <= 1e-5f * prob, at + ": probability");
        GPU_CHECK(seen[i].alternatives.size() == alternatives.size(), at + ": alternatives");
        for (std::size_t k = 0; k < alternatives.size(); ++k)
            GPU_CHECK(seen[i].alternatives[k].id == alternatives[k].id &&
                          std::abs(seen[i].alternatives[k].prob - alternatives[k].prob) <= 1e-5f * alternatives[k].prob,
                      at + ": alternative " + std::to_string(k));
        context.push_back(token);
        generated.push_back(token);
        GPU_CHECK(reference->step(token).ok(), "step");
    }
    GPU_CHECK(result->newTokens == generated, "tokens");
}

void prefixReuseAndCancel() {
    TempDir dir;
    const ModelConfig config = smallConfig(false);
    GPU_CHECK(writeRandomModel(config, dir.path, {.seed = 9}).ok(), "write checkpoint");
    auto gpu = load(dir.path, BackendKind::Cuda, 8);
    const auto shortPrompt = someTokens(20, int(config.vocabSize), 3);
    auto longer = shortPrompt;
    for (int i = 0; i < 13; ++i) longer.push_back((i * 13 + 5) % int(config.vocabSize));
    GPU_CHECK(gpu->prefill(shortPrompt).ok(), "prefill");
    auto computed = gpu->prefill(longer);
    GPU_CHECK(computed.ok() && *computed == 13, "prefix not reused");
    const std::vector<float> reused(gpu->lastLogits().begin(), gpu->lastLogits().end());
    gpu->resetCache();
    GPU_CHECK(gpu->prefill(longer).ok(), "fresh prefill");
    const std::vector<float> fresh(gpu->lastLogits().begin(), gpu->lastLogits().end());
    report("prefix reuse vs fresh prefill", "33 tokens", "f32", compare(reused, fresh, fresh.size()), 1e-5);
    // A cancelled pass leaves the cache as it was.
    std::stop_source source;
    source.request_stop();
    const std::int64_t before = gpu->cache().length();
    Status s = gpu->step(3, source.get_token());
    GPU_CHECK(!s.ok() && s.error().code == ErrorCode::Cancelled, "not cancelled");
    GPU_CHECK(gpu->cache().length() == before, "cache changed by a cancelled pass");
    GPU_CHECK(gpu->step(3).ok(), "step after cancel");
}

void diagnosticsMatchCpu() {
    TempDir dir;
    const ModelConfig config = smallConfig(true, 0.0, 32);
    GPU_CHECK(writeRandomModel(config, dir.path, {.seed = 21}).ok(), "write checkpoint");
    auto cpu = load(dir.path, BackendKind::Cpu, 5);
    auto gpu = load(dir.path, BackendKind::Cuda, 5);
    const auto tokens = someTokens(23, int(config.vocabSize), 4);
    GPU_CHECK(cpu->prefill(tokens).ok() && gpu->prefill(tokens).ok(), "prefill");
    std::vector<double> a, b, ea, eb, sa, sb;
    const Diagnostics &dc = cpu->diagnostics(), &dg = gpu->diagnostics();
    for (std::int64_t pos = 0; pos < std::int64_t(tokens.size()); ++pos)
        for (std::int64_t layer = 0; layer < config.numHiddenLayers; ++layer) {
            a.push_back(dg.residualRms(pos, layer)), b.push_back(dc.residualRms(pos, layer));
            a.push_back(dg.mlpActivationRms(pos, layer)), b.push_back(dc.mlpActivationRms(pos, layer));
            for (std::int64_t head = 0; head < config.numAttentionHeads; ++head) {
                ea.push_back(dg.attentionEntropy(pos, layer, head)), eb.push_back(dc.attentionEntropy(pos, layer, head));
                sa.push_back(dg.attentionSink(pos, layer, head)), sb.push_back(dc.attentionSink(pos, layer, head));
            }
        }
    report("diagnostics residual/MLP RMS", "23 pos", "f32", compare(a, b, b.size()), 2e-2);
    report("diagnostics entropy", "23 pos", "f32", compare(ea, eb, eb.size()), 2e-2);
    report("diagnostics sink", "23 pos", "f32", compare(sa, sb, sb.size()), 2e-2);
    for (double t : dg.layerSeconds()) GPU_CHECK(t > 0, "layer time not measured");
    for (auto [layer, head, pos] : {std::tuple{0, 0, 0}, {2, 3, 22}, {1, 2, 10}}) {
        std::vector<float> rc, rg;
        GPU_CHECK(cpu->attentionRow(layer, head, pos, rc).ok() && gpu->attentionRow(layer, head, pos, rg).ok(), "attention row");
        report("attention row " + std::to_string(layer) + ":" + std::to_string(head), "pos " + std::to_string(pos), "f32",
               compare(rg, rc, rc.size()), 2e-2);
    }
    for (auto [layer, pos] : {std::pair{0, 3}, {2, 22}}) {
        auto lc = cpu->logitLens(layer, pos, 5);
        auto lg = gpu->logitLens(layer, pos, 5);
        GPU_CHECK(lc.ok() && lg.ok(), "logit lens");
        GPU_CHECK((*lc)[0].id == (*lg)[0].id, "logit lens top-1 differs");
        std::printf("logit lens %d@%d: top-1 %d p=%.4f (CPU %.4f)\n", layer, pos, (*lg)[0].id, (*lg)[0].prob, (*lc)[0].prob);
        GPU_CHECK(std::abs((*lc)[0].prob - (*lg)[0].prob) < 2e-2, "logit lens probability differs");
    }
    // Beyond the kept positions: a clear error, no crash.
    std::vector<float> row;
    Status s = gpu->attentionRow(0, 0, 1000, row);
    GPU_CHECK(!s.ok(), "attention row outside the context accepted");
}

void outOfMemoryIsAnEstimate() {
    TempDir dir;
    ModelConfig config = smallConfig(true);
    config.maxPositionEmbeddings = std::int64_t(1) << 40;  // a context no GPU holds
    GPU_CHECK(writeRandomModel(config, dir.path, {.seed = 2}).ok(), "write checkpoint");
    // Asked for all of it on the GPU: a clear error with the estimate and what would fit.
    SessionOptions o;
    o.backend = BackendKind::Cuda;
    o.maxContext = config.maxPositionEmbeddings;
    auto s = Session::load(dir.path, o);
    GPU_CHECK(!s.ok(), "a 2^40-token KV cache was accepted");
    std::printf("out of memory: %s\n", s.error().text().c_str());
    GPU_CHECK(s.error().code == ErrorCode::OutOfMemory, "not reported as out of memory");
    GPU_CHECK(s.error().message.find("KV cache") != std::string::npos && s.error().message.find("would fit") != std::string::npos,
              "the message lacks the estimate: " + s.error().message);
    // Auto with that length falls back to the CPU and says why.
    o.backend = BackendKind::Auto;
    auto fallback = Session::load(dir.path, o);
    GPU_CHECK(fallback.ok() && (*fallback)->backend().kind() == BackendKind::Cpu, "auto did not fall back to the CPU");
    GPU_CHECK(!(*fallback)->backendNote().empty(), "no reason given for the fallback");
    // No length asked for: the GPU holds what fits, and the session says so.
    o.maxContext = 0;
    auto fitted = Session::load(dir.path, o);
    GPU_CHECK(fitted.ok() && (*fitted)->backend().kind() == BackendKind::Cuda, "auto did not pick the GPU");
    const std::int64_t limit = (*fitted)->contextLimit();
    std::printf("fitted context: %lld positions (%s)\n", (long long)limit, (*fitted)->backendNote().c_str());
    GPU_CHECK(limit >= 4096 && limit < config.maxPositionEmbeddings, "context not fitted: " + std::to_string(limit));
    GPU_CHECK((*fitted)->backendNote().find("GPU holds") != std::string::npos, "no note on the shorter context");
    GPU_CHECK((*fitted)->prefill(someTokens(20, int(config.vocabSize))).ok(), "prefill on the fitted context");
}

void badTokenIsAnError() {
    TempDir dir;
    const ModelConfig config = smallConfig(true);
    GPU_CHECK(writeRandomModel(config, dir.path, {.seed = 3}).ok(), "write checkpoint");
    auto gpu = load(dir.path, BackendKind::Cuda);
    auto r = gpu->prefill(std::vector<int>{1, 2, 300});
    GPU_CHECK(!r.ok() && r.error().code == ErrorCode::InvalidArgument, "token 300 of a 300-token vocabulary accepted");
    GPU_CHECK(gpu->prefill(std::vector<int>{1, 2, 3}).ok(), "session unusable after a bad token");
}

// shared/testdata/golden/tiny-tied: llama.cpp's F32 last-position logits of four sequences. The
// GPU rounds this F32 checkpoint to bf16, so the bar is issue #5's (same top-1, relative L2 <=
// 2e-2), not the CPU engine's 1e-3.
void goldenLogits() {
    const std::string dir = std::string(QE_SHARED_DIR) + "/testdata/golden/tiny-tied";
    std::ifstream in(dir + "/golden.json");
    GPU_CHECK(in.good(), "no " + dir + "/golden.json");
    const nlohmann::json golden = nlohmann::json::parse(in);
    auto gpu = load(dir, BackendKind::Cuda, 32);
    const std::int64_t vocab = gpu->config().vocabSize;
    for (const auto& seq : golden["sequences"]) {
        const std::vector<int> ids = seq["ids"].get<std::vector<int>>();
        std::ifstream file(dir + "/" + seq["last_logits_file"].get<std::string>(), std::ios::binary);
        std::vector<float> want(static_cast<std::size_t>(vocab));
        file.read(reinterpret_cast<char*>(want.data()), std::streamsize(want.size() * sizeof(float)));
        GPU_CHECK(file.gcount() == std::streamsize(want.size() * sizeof(float)), "short logits file");
        gpu->resetCache();
        GPU_CHECK(gpu->prefill(ids).ok(), "prefill");
        const std::vector<float> got(gpu->lastLogits().begin(), gpu->lastLogits().end());
        checkAgreement("golden " + seq["name"].get<std::string>() + " (llama.cpp F32), last position",
                       agreement(got, std::vector<std::vector<float>>{want}, vocab));
    }
}

// Decoding past kDecodeSplitMinKeys takes the split-KV path: the same logits and diagnostics as
// the CPU engine, step after step.
void longContextDecodeMatchesCpu() {
    TempDir dir;
    ModelConfig config = smallConfig(true, 0.0, 32);
    config.maxPositionEmbeddings = 1024;
    GPU_CHECK(writeRandomModel(config, dir.path, {.seed = 17}).ok(), "write checkpoint");
    auto cpu = load(dir.path, BackendKind::Cpu, 128);
    auto gpu = load(dir.path, BackendKind::Cuda, 128);
    const auto prompt = someTokens(515, int(config.vocabSize), 6);
    GPU_CHECK(cpu->prefill(prompt).ok() && gpu->prefill(prompt).ok(), "prefill");
    std::vector<std::vector<float>> want;
    std::vector<float> got;
    for (int token : {3, 141, 59}) {
        GPU_CHECK(cpu->step(token).ok() && gpu->step(token).ok(), "step");
        want.emplace_back(cpu->lastLogits().begin(), cpu->lastLogits().end());
        got.insert(got.end(), gpu->lastLogits().begin(), gpu->lastLogits().end());
    }
    checkAgreement("decode at 516-518 keys (split-KV): GPU vs CPU engine", agreement(got, want, config.vocabSize));
    std::vector<double> a, b;
    for (std::int64_t layer = 0; layer < config.numHiddenLayers; ++layer)
        for (std::int64_t head = 0; head < config.numAttentionHeads; ++head) {
            a.push_back(gpu->diagnostics().attentionEntropy(517, layer, head));
            b.push_back(cpu->diagnostics().attentionEntropy(517, layer, head));
            a.push_back(gpu->diagnostics().attentionSink(517, layer, head));
            b.push_back(cpu->diagnostics().attentionSink(517, layer, head));
        }
    report("split-KV decode entropy and sink", "518 keys", "f32", compare(a, b, b.size()), 2e-2);
}

// Benchmarks' path (gpu-bench): random weights made on the device, a random context, decoding.
void syntheticWeightsAndContext() {
    ModelConfig config = smallConfig(false, 4.0, 32);
    CudaBackendOptions options;
    options.maxChunk = 8;
    options.maxContext = 200;
    options.hiddenBudgetBytes = 1 << 20;
    auto created = createSyntheticCudaBackend(config, options, 3);
    GPU_CHECK(created.ok(), created.ok() ? "" : created.error().text());
    Backend& backend = **created;
    KvCache cache;
    cache.configure(config, options.maxContext, backend.kvStorage());
    Diagnostics diagnostics;
    diagnostics.configure(config, options.hiddenBudgetBytes, backend.hostHiddenStates());
    diagnostics.reserve(options.maxContext);
    GPU_CHECK(backend.fillSyntheticContext(cache, 150, 9).ok(), "synthetic context");
    GPU_CHECK(cache.length() == 150, "synthetic context length");
    std::vector<float> logits(static_cast<std::size_t>(config.vocabSize));
    const int token[] = {5};
    GPU_CHECK(backend.forward(token, cache, LogitsFor::Last, logits.data(), {}, &diagnostics).ok(), "decode step");
    GPU_CHECK(cache.length() == 151, "cache length after a step");
    double spread = 0;
    for (float v : logits) {
        GPU_CHECK(std::isfinite(v), "non-finite logit");
        spread = std::max(spread, std::abs(double(v) - logits[0]));
    }
    GPU_CHECK(spread > 0, "constant logits");
    const float entropy = diagnostics.attentionEntropy(150, 1, 2);
    GPU_CHECK(entropy > 0 && entropy <= std::log(151.0) + 1e-3, "attention entropy over 151 keys: " + std::to_string(entropy));
    GPU_CHECK(!backend.fillSyntheticContext(cache, 201, 9).ok(), "a context beyond the cache accepted");

    // Each penalty list must name an id once (the sampling kernel penalises and restores its ids'
    // logits in place, a thread per id): a repeat is refused, not raced on.
    const int next[] = {6};
    GPU_CHECK(backend.forward(next, cache, LogitsFor::Last, nullptr, {}, &diagnostics).ok(), "decode step, row kept");
    SampleRequest request;
    request.params.temperature = 0.8f;
    request.params.topK = 20;
    request.params.repetitionPenalty = 1.3f;
    request.params.presencePenalty = 0.5f;
    request.limit = config.vocabSize;
    request.uniform = 0.5;
    const int twice[] = {3, 9, 3}, once[] = {3, 9};
    request.repetitionIds = twice;
    SampleOutcome outcome;
    const Status repeated = backend.sample(request, outcome);
    GPU_CHECK(!repeated.ok() && repeated.error().code == ErrorCode::InvalidArgument, "a penalty list naming an id twice accepted");
    request.repetitionIds = once;
    request.presenceIds = once;  // the same id in both lists is fine
    const Status fine = backend.sample(request, outcome);
    GPU_CHECK(fine.ok(), fine.ok() ? "" : fine.error().text());
    GPU_CHECK(outcome.decided && outcome.token >= 0 && outcome.token < config.vocabSize, "a token sampled after the refusal");
}

// CUDA graphs (decode): a step captured once and replayed at other positions gives what plain
// launches give (the kernels read the position from the device at each replay). Across the
// switch from one-pass to split-KV attention (128 keys), a change of the split count (512 to 513
// keys) and of the split length (4,096 to 4,097), diagnostics on and off, logits copied out or
// kept on the device, and more shapes than the backend keeps instantiated. QE_CUDA_GRAPHS=require makes a failed capture an error here
// instead of a silent fallback to plain launches.
// A synthetic CUDA backend with its cache and diagnostics, made with QE_CUDA_GRAPHS=`graphs`
// (the decode graph tests compare backends that differ only in that).
struct DecodeRun {
    std::unique_ptr<Backend> backend;
    KvCache cache;
    Diagnostics diagnostics;
    std::vector<float> logits;
};
DecodeRun makeDecodeRun(const ModelConfig& config, const CudaBackendOptions& options, const char* graphs) {
    setenv("QE_CUDA_GRAPHS", graphs, 1);
    auto created = createSyntheticCudaBackend(config, options, 3);
    unsetenv("QE_CUDA_GRAPHS");
    GPU_CHECK(created.ok(), created.ok() ? "" : created.error().text());
    DecodeRun run{std::move(*created), {}, {}, std::vector<float>(static_cast<std::size_t>(config.vocabSize))};
    run.cache.configure(config, options.maxContext, run.backend->kvStorage());
    run.diagnostics.configure(config, options.hiddenBudgetBytes, run.backend->hostHiddenStates());
    run.diagnostics.reserve(options.maxContext);
    return run;
}

void decodeGraphsMatchPlainLaunches() {
    ModelConfig config = smallConfig(false, 0.0, 32);
    config.maxPositionEmbeddings = 8192;
    CudaBackendOptions options;
    options.maxChunk = 8;
    options.maxContext = 4200;
    options.hiddenBudgetBytes = 4 << 20;
    DecodeRun graphs = makeDecodeRun(config, options, "require"), plain = makeDecodeRun(config, options, "0");
    std::vector<float> logitsGot, logitsWant;
    std::vector<double> diagGot, diagWant;
    int steps = 0;
    auto decode = [&](int token, bool withDiagnostics, bool keepRow) {
        const std::int64_t pos = graphs.cache.length();
        for (DecodeRun* r : {&graphs, &plain}) {
            const int ids[] = {token};
            Status st = r->backend->forward(ids, r->cache, LogitsFor::Last, keepRow ? nullptr : r->logits.data(), {},
                                            withDiagnostics ? &r->diagnostics : nullptr);
            GPU_CHECK(st.ok(), "decode step at " + std::to_string(pos) + ": " + (st.ok() ? "" : st.error().text()));
            if (keepRow) GPU_CHECK(r->backend->readLogits(r->logits).ok(), "kept logits row");
        }
        logitsGot.insert(logitsGot.end(), graphs.logits.begin(), graphs.logits.end());
        logitsWant.insert(logitsWant.end(), plain.logits.begin(), plain.logits.end());
        if (withDiagnostics) {
            for (std::int64_t layer = 0; layer < config.numHiddenLayers; ++layer) {
                diagGot.push_back(graphs.diagnostics.residualRms(pos, layer));
                diagWant.push_back(plain.diagnostics.residualRms(pos, layer));
                diagGot.push_back(graphs.diagnostics.mlpActivationRms(pos, layer));
                diagWant.push_back(plain.diagnostics.mlpActivationRms(pos, layer));
                for (std::int64_t head = 0; head < config.numAttentionHeads; ++head) {
                    diagGot.push_back(graphs.diagnostics.attentionEntropy(pos, layer, head));
                    diagWant.push_back(plain.diagnostics.attentionEntropy(pos, layer, head));
                    diagGot.push_back(graphs.diagnostics.attentionSink(pos, layer, head));
                    diagWant.push_back(plain.diagnostics.attentionSink(pos, layer, head));
                }
            }
            for (double t : graphs.diagnostics.layerSeconds()) GPU_CHECK(t > 0, "layer time not measured in a graph step");
        }
        ++steps;
    };
    for (DecodeRun* r : {&graphs, &plain}) GPU_CHECK(r->backend->fillSyntheticContext(r->cache, 125, 8).ok(), "synthetic context");
    for (int i = 0; i < 6; ++i) decode(40 + i, i != 3, i == 2);  // keys 126..131: one pass, then 3 splits
    for (DecodeRun* r : {&graphs, &plain}) GPU_CHECK(r->backend->fillSyntheticContext(r->cache, 505, 9).ok(), "synthetic context");
    for (int i = 0; i < 10; ++i) decode(7 + 13 * i, i % 3 != 2, i % 2 == 1);  // keys 506..515: 8, then 9 splits
    // The hidden states a graph step kept (diagnostics' logit lens) are the plain step's.
    for (auto [layer, pos] : {std::pair{1, 509}, {2, 512}}) {  // 512: the first step with 9 splits
        std::vector<float> a, b;
        const Status sa = graphs.backend->logitLens(layer, pos, graphs.diagnostics, a);
        const Status sb = plain.backend->logitLens(layer, pos, plain.diagnostics, b);
        GPU_CHECK(sa.ok() && sb.ok(), "logit lens: " + (sa.ok() ? std::string() : sa.error().text()) + " / " +
                                          (sb.ok() ? std::string() : sb.error().text()));
        report("decode graphs: logit lens " + std::to_string(layer) + "@" + std::to_string(pos), "vocab", "f32",
               compare(a, b, b.size()), 1e-6);
    }
    for (DecodeRun* r : {&graphs, &plain}) GPU_CHECK(r->backend->fillSyntheticContext(r->cache, 4093, 10).ok(), "synthetic context");
    for (int i = 0; i < 6; ++i) decode(100 + i, i != 1, i == 4);  // keys 4094..4099: 64 splits of 64, then 33 of 128
    report("decode graphs vs plain launches: logits", std::to_string(steps) + " steps", "f32",
           compare(logitsGot, logitsWant, logitsWant.size()), 1e-6);
    report("decode graphs vs plain launches: diagnostics", std::to_string(steps) + " steps", "f32",
           compare(diagGot, diagWant, diagWant.size()), 1e-6);
}

// The emulator's fault injection (QE_CUDA_EMU_FAIL) at each step of a graph decode: without
// QE_CUDA_GRAPHS=require the step still succeeds (redone with plain launches, or with the last
// layer times when only the timing failed) and every logit of it and the next steps equals a
// plain-launch backend's; with require the step reports the error, nothing of it is kept, and the
// same step tried again succeeds.
void decodeGraphFailuresFallBack() {
    ModelConfig config = smallConfig(false, 0.0, 32);
    CudaBackendOptions options;
    options.maxChunk = 8;
    options.maxContext = 256;
    options.hiddenBudgetBytes = 1 << 20;
    auto make = [&](const char* graphs) {
        DecodeRun run = makeDecodeRun(config, options, graphs);
        GPU_CHECK(run.backend->fillSyntheticContext(run.cache, 140, 8).ok(), "synthetic context");
        return run;
    };
    auto step = [&](DecodeRun& r, int token, const char* fault) {
        if (fault) setenv("QE_CUDA_EMU_FAIL", fault, 1);
        const int ids[] = {token};
        Status st = r.backend->forward(ids, r.cache, LogitsFor::Last, r.logits.data(), {}, &r.diagnostics);
        unsetenv("QE_CUDA_EMU_FAIL");
        return st;
    };
    for (const char* fault :
         {"cudaStreamBeginCapture", "cudaStreamEndCapture", "cudaGraphInstantiate", "cudaGraphLaunch", "cudaEventElapsedTime"}) {
        DecodeRun tolerant = make("1"), strict = make("require"), plain = make("0");
        std::vector<float> got, want, gotStrict;
        for (int i = 0; i < 4; ++i) {
            const int token = 30 + 7 * i;
            const std::int64_t pos = plain.cache.length();
            Status st = step(plain, token, nullptr);
            GPU_CHECK(st.ok(), st.ok() ? "" : st.error().text());
            want.insert(want.end(), plain.logits.begin(), plain.logits.end());
            st = step(tolerant, token, i == 0 ? fault : nullptr);  // the first graph step: capture and launch
            GPU_CHECK(st.ok(), std::string(fault) + ": a graph failure failed the step: " + (st.ok() ? "" : st.error().text()));
            got.insert(got.end(), tolerant.logits.begin(), tolerant.logits.end());
            if (i == 0) {
                st = step(strict, token, fault);
                GPU_CHECK(!st.ok() && (st.error().code == ErrorCode::Device || st.error().code == ErrorCode::OutOfMemory),
                          std::string(fault) + ": required graphs did not report it");
                GPU_CHECK(strict.cache.length() == pos, "the failed step was kept in the cache");
            }
            st = step(strict, token, nullptr);
            GPU_CHECK(st.ok(), std::string(fault) + ": the step after a failure: " + (st.ok() ? "" : st.error().text()));
            gotStrict.insert(gotStrict.end(), strict.logits.begin(), strict.logits.end());
        }
        report(std::string("decode graph failure (") + fault + "): fallback vs plain launches", "4 steps", "f32",
               compare(got, want, want.size()), 1e-6);
        report(std::string("decode graph failure (") + fault + "): required graphs, step retried", "4 steps", "f32",
               compare(gotStrict, want, want.size()), 1e-6);
    }
}

}  // namespace

int main() {
    std::printf("| comparison | top-1 agreement | relative L2 |\n|---|---|---|\n");
    std::string whyNot;
    const std::string device = pluginDevice(whyNot);
    std::vector<Case> cases = {
        {"tied bf16", [] { wholeModel(true, 0.0, DType::BF16, 1, 16); }},
        {"untied bf16 3 shards, d=128", [] { wholeModel(false, 0.0, DType::BF16, 3, 128); }},
        {"untied f32", [] { wholeModel(false, 0.0, DType::F32, 1, 16); }},
        {"tied f16", [] { wholeModel(true, 0.0, DType::F16, 2, 64); }},
        {"yarn x4", [] { wholeModel(false, 4.0, DType::BF16, 1, 16); }},
        {"AWQ and FP8 checkpoints", [] {
             quantizedModel(Quantization::Method::Awq);
             quantizedModel(Quantization::Method::Fp8);
         }},
        {"greedy 32 tokens = CPU", greedyMatchesCpu},
        {"sampling on the device = host sampler", [] {
             sampledGenerationMatchesHostSampler(300, 0.9f);
             sampledGenerationMatchesHostSampler(2000, 0.9f);
             sampledGenerationMatchesHostSampler(2000, 4.0f);
         }},
        {"prefix reuse, cancel", prefixReuseAndCancel},
        {"diagnostics = CPU", diagnosticsMatchCpu},
        {"out of memory estimate", outOfMemoryIsAnEstimate},
        {"bad token", badTokenIsAnError},
        {"long-context decode = CPU", longContextDecodeMatchesCpu},
        {"golden logits (llama.cpp)", goldenLogits},
        {"synthetic weights and context", syntheticWeightsAndContext},
        {"decode graphs = plain launches", decodeGraphsMatchPlainLaunches},
    };
    // Failure paths through the emulator's fault injection (a real GPU has no such switch).
    if (device.find("emulator") != std::string::npos)
        cases.push_back({"decode graph failures fall back", decodeGraphFailuresFallBack});
    return runAll("test_gpu_backend", cases, device, whyNot);
}
