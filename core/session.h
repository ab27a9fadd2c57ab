// A loaded model ready to run (style.md §4: synchronous, single-threaded API; the only thing it
// knows of threads is the stop_token it is given). Owns weights, thread pool, forward pass and
// KV cache; reuses the cached prefix of each new request.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/cpu/cpu_kernels.h"
#include "core/diagnostics.h"
#include "core/kv_cache.h"
#include "core/model_config.h"
#include "core/qwen3_forward.h"
#include "core/result.h"
#include "core/sampler.h"
#include "core/weights.h"

namespace qe {

struct SessionOptions {
    int threads = 0;                 // 0: all hardware threads
    std::int64_t maxContext = 0;     // 0: the model's max_position_embeddings
    std::int64_t chunkSize = 128;    // prefill chunk (tokens per forward pass)
    bool diagnostics = true;         // always-on per-layer diagnostics (core/diagnostics.h)
    std::uint64_t diagnosticsBudgetBytes = 512ull << 20;  // kept hidden states for on-demand views
    WeightMemory weightMemory = WeightMemory::Auto;       // resident copy on huge pages when it fits (CPU)
    BackendKind backend = BackendKind::Cpu;                // Auto: CUDA when present and the model fits
    KvType kvCache = KvType::F32;    // the CPU backend's cache: F32 (reference) or BF16 (half the memory);
                                     // the GPU backend always keeps bf16
    // The CPU's prefill matrix products (chunks of more than 16 tokens): F32 (reference) or Bf16
    // (activations rounded to bf16, on AMX tiles; needs AMX-BF16 and bf16 weights, else F32).
    cpu::GemmPrecision prefillMatmul = cpu::GemmPrecision::F32;
    int cudaDevice = 0;
};

enum class StopReason { Eos, Length, Cancelled };
const char* stopReasonName(StopReason reason);  // "eos", "length", "cancelled"

struct GenerateRequest {
    std::vector<int> prompt;
    SamplingParams sampling;
    std::int64_t maxNewTokens = 256;
    std::vector<int> stopIds;        // usually stopTokenIds(config, generationConfig)
    std::int64_t maskFrom = -1;      // padding ids >= this are never sampled (tokenizer size)
    std::int64_t topAlternatives = 0;  // per new token, the k most likely ids under the model
};

struct GenerateResult {
    std::vector<int> newTokens;
    StopReason stopReason = StopReason::Length;
    std::int64_t promptTokens = 0;
    std::int64_t reusedTokens = 0;   // prompt tokens served from the KV cache
    std::int64_t prefillTokens = 0;  // prompt tokens computed
    double prefillSeconds = 0.0;
    double decodeSeconds = 0.0;
    double prefillTokensPerSecond() const { return prefillSeconds > 0 ? prefillTokens / prefillSeconds : 0.0; }
    // Decode rate counts the forward passes after the first new token.
    double decodeTokensPerSecond() const {
        return decodeSeconds > 0 && newTokens.size() > 1 ? (newTokens.size() - 1) / decodeSeconds : 0.0;
    }
};

// One new token as the callback sees it. `prob` and `alternatives` are under the model's own
// distribution (softmax of the raw logits, padding masked), before any sampling warper.
struct GeneratedToken {
    int id = 0;
    float prob = 0.0f;
    std::span<const TokenProb> alternatives;  // topAlternatives entries, most likely first; valid during the call
};

// Called for each new token; return false to stop (as cancelled).
using TokenFn = std::function<bool(const GeneratedToken& token)>;

// The k most likely ids of softmax(logits[0..limit)) with their probabilities (lower id first on
// ties). `order` is scratch reused between calls.
void topProbabilities(std::span<const float> logits, std::int64_t limit, std::int64_t k, std::vector<int>& order,
                      std::vector<TokenProb>& out);

class Session {
public:
    static Result<std::unique_ptr<Session>> load(const std::string& folder, const SessionOptions& options = {},
                                                 std::stop_token stop = {}, const LoadProgressFn& progress = {});

    const ModelConfig& config() const { return m_weights->config(); }
    const GenerationConfig& generationConfig() const { return m_generation; }
    const Weights& weights() const { return *m_weights; }
    const KvCache& cache() const { return m_cache; }
    std::int64_t contextLimit() const { return m_cache.maxTokens(); }
    int threads() const { return m_pool ? m_pool->size() : 0; }
    const Backend& backend() const { return *m_backend; }
    // The prefill matrix products in effect: the CPU's (SessionOptions::prefillMatmul when it can
    // run here, else F32); Bf16 on the GPU, whose GEMMs take bf16 activations.
    cpu::GemmPrecision prefillMatmul() const;
    // Why BackendKind::Auto did not pick the GPU, or that the GPU holds a shorter context than
    // the model's; empty otherwise.
    const std::string& backendNote() const { return m_backendNote; }

    // Makes the cache hold exactly `tokens` and leaves the last position's logits in
    // lastLogits(). Reuses the longest cached prefix (at least one token is always recomputed
    // so there are logits); prefills the rest in chunks. Returns how many tokens were computed.
    Result<std::int64_t> prefill(std::span<const int> tokens, std::stop_token stop = {});

    // Appends one token and computes its logits.
    Status step(int token, std::stop_token stop = {});

    // Logits of the last token fed (vocabSize floats); valid after prefill/step.
    std::span<float> lastLogits() { return m_logits; }

    // Logits at every position of `tokens`, computed from an empty cache `chunk` tokens at a time
    // (chunk <= 0: the session's chunk size). out: [tokens.size(), vocabSize].
    Status allLogits(std::span<const int> tokens, std::int64_t chunk, std::vector<float>& out, std::stop_token stop = {});

    // Prefill + sample until a stop id, maxNewTokens, cancellation or `onToken` returning false.
    // On a backend that samples on its device the logits stay there (lastLogits() is not
    // updated); the tokens are those of the CPU sampler with the same seed.
    Result<GenerateResult> generate(const GenerateRequest& request, std::stop_token stop = {}, const TokenFn& onToken = {});

    void resetCache() { m_cache.clear(); }

    // Diagnostics of every cached position (valid for positions < cache().length()).
    const Diagnostics& diagnostics() const { return m_diagnostics; }
    void setDiagnosticsEnabled(bool on) { m_diagnostics.setEnabled(on); }

    // On demand: attention probabilities of (layer, head) from query `pos` over keys 0..pos,
    // recomputed from the kept hidden state and the cached keys.
    Status attentionRow(std::int64_t layer, std::int64_t head, std::int64_t pos, std::vector<float>& out);
    // Logit lens: top-k next-token probabilities of the residual stream after `layer` at `pos`.
    Result<std::vector<TokenProb>> logitLens(std::int64_t layer, std::int64_t pos, std::int64_t topK);

private:
    Status reserve(std::int64_t tokens);
    // prefill/step; without `hostLogits` the last row stays on a backend that samples itself.
    Result<std::int64_t> prefillImpl(std::span<const int> tokens, std::stop_token stop, bool hostLogits);
    Status stepImpl(int token, std::stop_token stop, bool hostLogits);

    Session() = default;

    std::unique_ptr<Weights> m_weights;
    GenerationConfig m_generation;
    std::unique_ptr<cpu::ThreadPool> m_pool;  // CPU backend only
    std::unique_ptr<Backend> m_backend;
    std::string m_backendNote;
    KvCache m_cache;
    Diagnostics m_diagnostics;
    std::vector<float> m_logits;  // [vocabSize]
    std::vector<float> m_lens;    // [vocabSize], logit-lens scratch
    std::vector<int> m_order;     // [vocabSize], top-k scratch
};

}  // namespace qe
