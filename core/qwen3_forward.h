// The CPU backend: the Qwen3 forward pass on the CPU (spec §1.3): fp32 activations, weights read in place from
// the mapped checkpoint, multithreaded through the kernels' ThreadPool. Buffers are sized once
// for the largest chunk; running a chunk allocates nothing.
#pragma once

#include <cstdint>
#include <span>
#include <stop_token>
#include <vector>

#include "core/backend.h"
#include "core/cpu/cpu_kernels.h"
#include "core/diagnostics.h"
#include "core/kv_cache.h"
#include "core/model_config.h"
#include "core/result.h"
#include "core/weights.h"

namespace qe {

class Qwen3Forward final : public Backend {
public:
    // `weights` and `pool` must outlive this object. `maxChunk` bounds the tokens per forward().
    // `prefillMatmul`: how the matrix products of chunks of more than 16 tokens multiply
    // (cpu::GemmPrecision); Bf16 takes effect on a CPU with AMX-BF16 and bf16 weights, else F32.
    Qwen3Forward(const Weights& weights, cpu::ThreadPool& pool, std::int64_t maxChunk,
                 cpu::GemmPrecision prefillMatmul = cpu::GemmPrecision::F32);

    BackendKind kind() const override { return BackendKind::Cpu; }
    std::string description() const override;
    std::int64_t maxChunk() const override { return m_maxChunk; }
    KvStorage kvStorage() const override { return KvStorage::Host; }
    bool hostHiddenStates() const override { return true; }
    // The prefill precision in effect (F32 when Bf16 was asked but cannot run here).
    cpu::GemmPrecision prefillMatmul() const { return m_prefillMatmul; }

    // Runs `tokens` (at most maxChunk) at positions cache.length() .. and appends their keys and
    // values to `cache` (which must have room: cache.reserve()). Writes vocabSize logits per
    // selected position to `logits` (rows in token order). Checks `stop` between layers; on any
    // failure the cache keeps its previous length.
    // With `diagnostics` (enabled), also records the always-on per-layer numbers and keeps the
    // hidden states of these positions (see core/diagnostics.h); it must have room (reserve()).
    Status forward(std::span<const int> tokens, KvCache& cache, LogitsFor which, float* logits, std::stop_token stop = {},
                   Diagnostics* diagnostics = nullptr) override;

    // On demand, from kept hidden states and the cache (nothing is stored during generation):
    // attention probabilities of query head `head` at position `pos` of `layer` over keys
    // 0..pos (out: pos + 1 values).
    Status attentionRow(std::int64_t layer, std::int64_t head, std::int64_t pos, const Diagnostics& diagnostics,
                        const KvCache& cache, std::vector<float>& out) override;
    // Logit lens: the residual stream after `layer` at `pos` through the final norm and LM head
    // (out: vocabSize logits). After the last layer this is the model's own output.
    Status logitLens(std::int64_t layer, std::int64_t pos, const Diagnostics& diagnostics, std::vector<float>& out) override;

private:
    // Causal attention of the chunk's tokens over the cache: attentionChunk, or attentionOneToken
    // for a single token, instantiated for the cache's element type (Row: float or cpu::Bf16).
    // With bf16 products over an fp32 cache, a chunk's attention runs over a bf16 copy of the
    // layer's keys and values (m_kvCopy), on AMX tiles as over a bf16 cache.
    void attention(std::int64_t layer, std::int64_t numTokens, std::int64_t startPos, const KvCache& cache,
                   Diagnostics* diagnostics);
    // keys, values: the layer's rows of positions 0 .. startPos + numTokens - 1, rowStride apart;
    // capacity: the positions the cache can hold (scratch is sized for it once).
    template <typename Row>
    void attentionChunk(std::int64_t layer, std::int64_t numTokens, std::int64_t startPos, const Row* keys,
                        const Row* values, std::int64_t rowStride, std::int64_t capacity, Diagnostics* diagnostics);
    template <typename Row>
    void attentionOneToken(std::int64_t layer, std::int64_t startPos, const KvCache& cache, Diagnostics* diagnostics);

    const Weights& m_weights;
    const ModelConfig& m_config;
    cpu::ThreadPool& m_pool;
    std::int64_t m_maxChunk;
    cpu::GemmPrecision m_prefillMatmul;
    RopeTables m_rope;

    // Scratch, [maxChunk, width] row-major fp32 unless noted; on cache lines (LargeBufferAllocator),
    // so rows whose width is a multiple of 16 floats never make a 64-byte load span two lines.
    using AlignedFloats = std::vector<float, LargeBufferAllocator<float>>;
    AlignedFloats m_hidden;     // residual stream h, [T, H]
    AlignedFloats m_normed;     // RMSNorm output x, [T, H]
    AlignedFloats m_q;          // [T, Nq·d]
    AlignedFloats m_k;          // [T, Nkv·d]
    AlignedFloats m_v;          // [T, Nkv·d]
    AlignedFloats m_attnOut;    // [T, Nq·d]
    AlignedFloats m_gate;       // [T, I]
    AlignedFloats m_up;         // [T, I]
    AlignedFloats m_cos;        // [T, d/2] RoPE cos·attention scaling
    AlignedFloats m_sin;        // [T, d/2]
    struct AttentionScratch {       // per worker, for one attention task
        AlignedFloats scores;   // [queries, context] scores, then probabilities
        AlignedFloats queries;  // [queries, d] the task's query rows, gathered
        AlignedFloats outputs;  // [queries, d] their outputs, scattered afterwards
        std::vector<std::int64_t> limits;  // [queries] positions each one sees (AMX path)
    };
    std::vector<AttentionScratch> m_attention;
    AlignedFloats m_decodeScores;  // [Nq, context]: one decoded token's scores, then probabilities
    // Bf16 prefill over a bf16 cache: each KV head's values laid out for cpu::weightedRowSumAmx.
    std::vector<std::uint16_t, LargeBufferAllocator<std::uint16_t>> m_packedValues;
    std::vector<cpu::Bf16, LargeBufferAllocator<cpu::Bf16>> m_kvCopy;  // [2][positions][rowStride]: keys, values
};

// fp32 RMSNorm of each of `rows` rows of width `n`: y = x / sqrt(mean(x²) + eps) ⊙ weight.
void rmsNormRows(const float* x, float* y, std::int64_t rows, std::int64_t n, const float* weight, float eps);

}  // namespace qe
