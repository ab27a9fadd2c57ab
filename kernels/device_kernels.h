// The CUDA kernels of the forward pass (device_kernels.cu), as host functions that launch them on
// a stream with the geometry of plan.h. Tensors are row-major; activations fp32 unless noted,
// GEMM inputs bf16. Each launcher returns cudaSuccess or the launch error.
#pragma once

#include <cstdint>

#include <cuda_bf16.h>
#include <cuda_runtime.h>

namespace qe::cuda {

using bf16 = __nv_bfloat16;

// CUDA graphs (decode): a kernel whose work depends on the chunk's first position takes it as
// `startPos` and, when `devicePos` is non-null, reads it from that device int instead, so one
// captured decode step replays at any position (startPos then only sizes the launch, where it
// does: the split count of launchAttentionSplit/Merge).

// Where a row kernel keeps the hidden states of a chunk for the diagnostics (positions
// [startPos, startPos + rows) at `layer` of [capacity][layers + 1][width]); base null: none.
struct HiddenKeep {
    float* base = nullptr;
    std::int64_t capacity = 0;
    std::int64_t startPos = 0;
    int layer = 0;
    int layers = 0;
    const int* devicePos = nullptr;  // non-null: startPos is read from here
};

// hidden[t, :] = float(table[ids[t], :]).
cudaError_t launchEmbed(const bf16* table, const int* ids, float* hidden, int tokens, int width, cudaStream_t stream);

// Per row t: h += delta (when delta is non-null); rms = sqrt(mean(h²)); out = bf16(h / sqrt(mean(h²) + eps) ⊙ w).
// Before the add nothing is kept; after it, `keep` copies h and residualRms[t·rmsStride] = rms
// (when non-null). out may be null (only the add, the keep and the RMS).
cudaError_t launchResidualNorm(float* hidden, const float* delta, const float* weight, bf16* out, int rows, int width,
                               float eps, HiddenKeep keep, float* residualRms, int rmsStride, cudaStream_t stream);

// RoPE table of a chunk: cos/sin[t, j] = cos/sin(float(startPos + t) · invFreq[j]) · scaling,
// the angle formed in fp32 and its cosine in double (spec §1.5).
cudaError_t launchRopeTable(const float* invFreq, float scaling, std::int64_t startPos, int tokens, int half, float* cosOut,
                            float* sinOut, cudaStream_t stream, const int* devicePos = nullptr);

// For each token row of qkv [tokens, (Nq + 2·Nkv)·d] (q heads, then k heads, then v heads):
// RMSNorm each q and k head with qNorm/kNorm, rotate (NeoX halves), scale q by 1/√d in place,
// and write k and v as bf16 to the caches at position startPos + t ([pos][Nkv][d] per layer).
cudaError_t launchQkNormRope(float* qkv, const float* qNorm, const float* kNorm, const float* cosTable,
                             const float* sinTable, bf16* kCache, bf16* vCache, int tokens, std::int64_t startPos,
                             int numHeads, int numKvHeads, int headDim, float eps, cudaStream_t stream,
                             const int* devicePos = nullptr);

// Causal GQA attention of a chunk over the cache (keys 0 .. startPos + t), online softmax over
// 32-key tiles (no score matrix in memory). q: the (scaled) q part of qkv, row stride qStride.
// out: bf16 [tokens, Nq·d]. entropy/sink: [t·diagStride + head] when non-null.
cudaError_t launchAttention(const float* q, int qStride, const bf16* kCache, const bf16* vCache, bf16* out, int tokens,
                            std::int64_t startPos, int numHeads, int numKvHeads, int headDim, float* entropy, float* sink,
                            int diagStride, cudaStream_t stream, const int* devicePos = nullptr);

// The same on the tensor cores (flash attention, plan.h: kFlashRows query rows per block, bf16
// Q·Kᵀ and P·V in wmma tiles, fp32 online softmax): for chunks of at least kFlashMinTokens tokens
// and head dims up to kFlashMaxHeadDim (flashAttentionApplies). Q and P are rounded to bf16.
// Three kernels: the pipelined one (mma.sync fragments in registers, cp.async double buffering;
// the default), the first one (wmma tiles through shared memory), kept so a GPU run can measure
// one against the other, and the pipelined one with Q rounded to bf16 (no remainder MMA; head
// dim 128 only), a variant gpu-bench times.
enum class FlashKernel { Pipelined, Wmma, PipelinedBf16Q };
cudaError_t launchFlashAttention(const float* q, int qStride, const bf16* kCache, const bf16* vCache, bf16* out, int tokens,
                                 std::int64_t startPos, int numHeads, int numKvHeads, int headDim, float* entropy, float* sink,
                                 int diagStride, cudaStream_t stream, FlashKernel kernel = FlashKernel::Pipelined);

// Decode attention of one token (position startPos) split over the keys (flash-decoding):
// launchAttentionSplit writes partial results per (query head, split) to `partial`
// ([Nq][splits][decodePartialFloats(d)]), launchAttentionMerge combines them into out (bf16
// [Nq·d]) and the entropy/sink diagnostics ([head], when non-null), as launchAttention would.
// The first pass on the tensor cores (the default, where decodeMmaApplies) or with a warp per
// query head (attentionSplitKernel: any group and head dim; QE_CUDA_DECODE_ATTENTION=warps).
enum class DecodeKernel { TensorCores, Warps };
cudaError_t launchAttentionSplit(const float* q, const bf16* kCache, const bf16* vCache, float* partial, std::int64_t startPos,
                                 int numHeads, int numKvHeads, int headDim, int splitKeys, cudaStream_t stream,
                                 const int* devicePos = nullptr, DecodeKernel kernel = DecodeKernel::TensorCores);
// Allows every tensor-core attention kernel (launchFlashAttention, and launchAttentionSplit on the
// tensor cores) the dynamic shared memory its head dim needs, more than the default 48 KiB: call
// once per device before launching them (the backend does at load, so never inside a decode
// graph's capture); without it their launches fail.
cudaError_t prepareAttentionKernels();
cudaError_t launchAttentionMerge(const float* partial, bf16* out, std::int64_t startPos, int numHeads, int headDim,
                                 int splitKeys, float* entropy, float* sink, cudaStream_t stream);

// Decode GEMV: y[r] = Σ_k w[r, k]·x[k] for r < rows (w bf16 [rows, cols] row-major, x bf16
// [cols], fp32 accumulation and output): a warp per row, 16-byte loads when w, x and cols allow.
cudaError_t launchGemv(const bf16* w, const bf16* x, float* y, int rows, int cols, cudaStream_t stream);

// act[t, i] = bf16(silu(gateUp[t, i]) · gateUp[t, I + i]); mlpRms[t·rmsStride] = RMS of the fp32
// products (when non-null).
cudaError_t launchSwiGlu(const float* gateUp, bf16* act, int tokens, int inter, float* mlpRms, int rmsStride,
                         cudaStream_t stream);

// One attention row for the inspector: q = RoPE(qNorm(q)) at `pos` from the fp32 projection row q
// [d] (unscaled), probabilities over keys 0..pos of KV head kvHead into probs [pos + 1].
cudaError_t launchAttentionRow(const float* q, const float* qNorm, const float* invFreq, float scaling, float eps,
                               const bf16* kCache, int numKvHeads, int kvHead, int headDim, std::int64_t pos,
                               float* probs, cudaStream_t stream);

// Benchmarks of shapes whose checkpoints do not fit a disk: out[i] = bf16 uniform in
// [-scale, scale] from a hash of (seed, i) (bf16 or float); and out[i] = value.
cudaError_t launchFillUniformBf16(bf16* out, std::int64_t n, std::uint64_t seed, float scale, cudaStream_t stream);
cudaError_t launchFillUniformF32(float* out, std::int64_t n, std::uint64_t seed, float scale, cudaStream_t stream);
cudaError_t launchFillFloat(float* out, std::int64_t n, float value, cudaStream_t stream);

// Converts n floats to bf16 (round to nearest even).
cudaError_t launchToBf16(const float* in, bf16* out, std::int64_t n, cudaStream_t stream);

}  // namespace qe::cuda
