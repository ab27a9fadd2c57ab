// The engine's backend interface: one forward pass of Qwen3 over a chunk of tokens, plus the
// on-demand diagnostics recomputed from what the pass keeps. The CPU backend (Qwen3Forward,
// core/qwen3_forward.h) and the CUDA backend (kernels/, loaded at run time from libqe_cuda.so so
// the app starts on machines without the CUDA libraries) implement it; Session drives either.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/kv_cache.h"
#include "core/model_config.h"
#include "core/result.h"
#include "core/sampler.h"

namespace qe {

class Weights;

// Which positions of a chunk get logits.
enum class LogitsFor { None, Last, All };

// Where a session computes.
enum class BackendKind {
    Auto,  // CUDA when this build has it, a GPU is present and the model fits; else CPU
    Cpu,
    Cuda,
};
const char* backendKindName(BackendKind kind);              // "auto", "cpu", "cuda"
Result<BackendKind> parseBackendKind(const std::string& name);  // the names above

// A next-token choice made where the logits are (Backend::sample): Sampler's rules on the row the
// last forward() kept.
struct SampleRequest {
    SamplingParams params;
    std::int64_t limit = 0;              // ids >= limit are never chosen (Sampler's maskFrom)
    std::span<const int> repetitionIds;  // distinct ids the repetition penalty applies to (prompt + output)
    std::span<const int> presenceIds;    // distinct ids the presence penalty applies to (output)
    double uniform = 0.0;                // Sampler::drawUniform() for this token; unused when greedy
    std::int64_t alternatives = 0;       // also the k most likely ids under the raw distribution
};
struct SampleOutcome {
    // false: the choice needs the whole row (the kept set reaches past what the device ranks);
    // readLogits() and Sampler::sampleWith with the same draw decide.
    bool decided = false;
    int token = 0;
    float prob = 0.0f;                   // of `token` under softmax(raw logits[0, limit))
    std::vector<TokenProb> alternatives;
};

class Backend {
public:
    virtual ~Backend() = default;

    // "cpu" or "cuda"; description() names the device, e.g. "NVIDIA H200 (sm_90, 139.8 GiB)".
    virtual BackendKind kind() const = 0;
    virtual std::string description() const = 0;
    // Bounds the tokens per forward().
    virtual std::int64_t maxChunk() const = 0;
    // Positions the backend holds (the GPU may hold fewer than asked for: CudaBackendOptions::fitContext).
    virtual std::int64_t contextLimit() const { return INT64_MAX; }
    // Whether the KV cache's keys and values live in host memory (KvCache storage); the CUDA
    // backend keeps them in device memory and uses KvCache for the token bookkeeping only.
    virtual KvStorage kvStorage() const = 0;
    // Whether kept hidden states live in Diagnostics' host memory (else on the device).
    virtual bool hostHiddenStates() const = 0;

    // Runs `tokens` (at most maxChunk) at positions cache.length() .. and appends their keys and
    // values to `cache` (which must have room: cache.reserve()). Writes vocabSize logits per
    // selected position to `logits` (rows in token order). Checks `stop` between layers; on any
    // failure the cache keeps its previous length.
    // With `diagnostics` (enabled), also records the always-on per-layer numbers and keeps the
    // hidden states of these positions (see core/diagnostics.h); it must have room (reserve()).
    // On a backend that samplesOnDevice(), `logits` may be null with LogitsFor::Last: the row
    // stays on the device for sample() and readLogits().
    virtual Status forward(std::span<const int> tokens, KvCache& cache, LogitsFor which, float* logits,
                           std::stop_token stop = {}, Diagnostics* diagnostics = nullptr) = 0;

    // Whether sample() works here: the logits row stays on the device and only the token, its
    // probability and the alternatives come back.
    virtual bool samplesOnDevice() const { return false; }
    // Chooses the next token from the row the last forward(LogitsFor::Last, logits = null) kept.
    virtual Status sample(const SampleRequest& request, SampleOutcome& outcome) {
        (void)request, (void)outcome;
        return makeError(ErrorCode::Unsupported, "this backend does not sample");
    }
    // Copies that row (vocabSize floats, unmodified by sample()) to `out`.
    virtual Status readLogits(std::span<float> out) {
        (void)out;
        return makeError(ErrorCode::Unsupported, "this backend keeps no logits");
    }

    // On demand, from kept hidden states and the cache (nothing is stored during generation):
    // attention probabilities of query head `head` at position `pos` of `layer` over keys
    // 0..pos (out: pos + 1 values).
    virtual Status attentionRow(std::int64_t layer, std::int64_t head, std::int64_t pos, const Diagnostics& diagnostics,
                                const KvCache& cache, std::vector<float>& out) = 0;
    // Logit lens: the residual stream after `layer` at `pos` through the final norm and LM head
    // (out: vocabSize logits). After the last layer this is the model's own output.
    virtual Status logitLens(std::int64_t layer, std::int64_t pos, const Diagnostics& diagnostics,
                             std::vector<float>& out) = 0;

    // Benchmarks: makes `cache` hold `tokens` positions of random keys and values (token ids 0)
    // without computing them, so decoding at a long context is measured without its prefill.
    virtual Status fillSyntheticContext(KvCache& cache, std::int64_t tokens, std::uint64_t seed) {
        (void)cache, (void)tokens, (void)seed;
        return makeError(ErrorCode::Unsupported, "this backend has no synthetic context");
    }
    // Benchmarks: decode one token per replay of a captured CUDA graph (on) or with plain kernel
    // launches (off). Returns whether graphs are in use afterwards (false where there are none).
    virtual bool setDecodeGraphs(bool on) {
        (void)on;
        return false;
    }
};

// The argument checks every backend's attentionRow and logitLens make first (the message names
// the value): a head that exists, a cached position, a kept hidden state.
Status checkAttentionRowRequest(const ModelConfig& config, std::int64_t layer, std::int64_t head, std::int64_t pos,
                                const Diagnostics& diagnostics, const KvCache& cache);
Status checkLogitLensRequest(const ModelConfig& config, std::int64_t layer, std::int64_t pos, const Diagnostics& diagnostics);

// What a GPU backend needs to size itself before it allocates anything.
struct CudaBackendOptions {
    int device = 0;                          // CUDA device ordinal
    std::int64_t maxChunk = 128;             // tokens per forward pass
    std::int64_t maxContext = 0;             // KV cache positions, allocated up front
    std::uint64_t hiddenBudgetBytes = 0;     // kept hidden states (Diagnostics' budget)
    // When maxContext does not fit the GPU's free memory: hold the longest context that does
    // (at least min(maxContext, 4096) positions) instead of failing.
    bool fitContext = false;
};

// Notes on where a model runs (Session::backendNote) that the GUI translates; other notes (a
// library that does not load, a GPU without room) are technical details, shown as they are.
inline constexpr const char* kNoNvidiaDriverNote =
    "no NVIDIA driver found (libcuda.so.1): the GPU backend needs an NVIDIA GPU and its driver";
inline constexpr const char* kNoCudaBackendNote = "this build has no CUDA backend (libqe_cuda.so not found)";
// "the GPU holds `held` of the model's `limit` context positions"
std::string shorterContextNote(std::int64_t held, std::int64_t limit);

// What the CUDA library reports about the machine: empty `devices` when it cannot run here.
struct CudaProbe {
    bool libraryFound = false;
    std::string error;                       // why there is no usable device, when there is none
    std::vector<std::string> devices;        // "NVIDIA H200 (sm_90, 139.8 GiB)"
};

// Loads libqe_cuda.so (next to the executable, in ../lib/qwen-explorer, QE_CUDA_BACKEND, or the
// build tree) and asks it for its devices. Never fails: a missing library or driver is reported
// in the result.
CudaProbe probeCuda();

// The GPU's measured ceilings (issue #6): device-to-device copy bandwidth counting bytes read and
// written, and the cuBLAS GEMM rate with the types the backend uses (bf16 in, fp32 out).
struct CudaCeilings {
    std::string device;
    double copyBytesPerSecond = 0.0;
    double gemmFlopsPerSecond = 0.0;
    std::uint64_t copyBytes = 0;  // per copy
    int gemmSize = 0;             // m = n = k
    // Decode's matrix-vector product (a 32B down_proj), bytes of matrix read per second: ours
    // (what decode uses) and cuBLAS's GemmEx with one column (QE_CUDA_GEMV=cublas uses that).
    double gemvBytesPerSecond = 0.0;
    double cublasGemvBytesPerSecond = 0.0;
    int gemvRows = 0, gemvCols = 0;
    // Prefill attention alone (one causal chunk from position 0, random Q, K and V), useful FLOPs
    // (4·d per query-key pair, the pairs a causal mask keeps) per second: the pipelined kernel
    // the backend uses and the first (wmma) one. Zero when not asked for.
    double attentionFlopsPerSecond = 0.0;
    double wmmaAttentionFlopsPerSecond = 0.0;
    // The pipelined kernel with Q rounded to bf16 (one MMA for Q·Kᵀ instead of two); head dim 128.
    double bf16QAttentionFlopsPerSecond = 0.0;
    // Split-KV decode attention of one token over decodeKeys cached positions (first pass and
    // merge), bytes of K and V read per second: on the tensor cores (the default) and with a warp
    // per query head. Zero when not asked for.
    double decodeAttentionBytesPerSecond = 0.0;
    double warpsDecodeAttentionBytesPerSecond = 0.0;
};
// The attention shape measureCudaCeilings times (tokens 0: none).
struct CudaAttentionShape {
    int tokens = 0, heads = 0, kvHeads = 0, headDim = 0;
    int decodeKeys = 0;  // split-KV decode over this many positions (0: none)
};
Result<CudaCeilings> measureCudaCeilings(int device = 0, std::uint64_t copyBytes = 2ull << 30, int gemmSize = 8192,
                                         int gemvRows = 5120, int gemvCols = 25600, const CudaAttentionShape& attention = {});

// A CUDA backend for `config` with random bf16 weights made on the device (no checkpoint): for
// benchmarks of shapes whose files would not fit the disk, e.g. Qwen3-32B.
Result<std::unique_ptr<Backend>> createSyntheticCudaBackend(const ModelConfig& config, const CudaBackendOptions& options,
                                                            std::uint64_t seed);

// Creates the CUDA backend for `weights` (uploading them with `progress`). Fails with Device
// when the library or a usable GPU is missing, Unsupported when the model's shape is beyond the
// kernels, OutOfMemory with the estimate when the model and the requested context do not fit.
Result<std::unique_ptr<Backend>> createCudaBackend(const Weights& weights, const CudaBackendOptions& options,
                                                   std::stop_token stop,
                                                   const std::function<void(std::uint64_t, std::uint64_t)>& progress);

}  // namespace qe
