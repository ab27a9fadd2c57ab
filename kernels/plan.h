// Plain C++ half of the CUDA backend: the shape limits of the kernels, their launch geometry and
// the device-memory estimate made before anything is allocated. No CUDA headers, so all of it is
// unit-tested on machines without a GPU (tests/kernels/test_cuda_plan.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "core/backend.h"
#include "core/model_config.h"
#include "core/result.h"

namespace qe::cuda {

inline constexpr std::int64_t kMaxHeadDim = 256;   // attention kernels keep a head in registers
inline constexpr int kWarp = 32;
inline constexpr int kHeadWarpsPerBlock = 4;       // qk-norm/RoPE and attention: a warp per (token, head)
inline constexpr int kRowThreads = 256;            // row kernels (norms, SwiGLU, embedding)
inline constexpr std::int64_t kMaxGridY = 65535;
inline constexpr std::int64_t kMaxGridX = 2147483647;
inline constexpr std::int64_t kMaxChunk = 16384;     // tokens per forward pass (grid.y and buffers)
inline constexpr std::int64_t kLogitRows = 256;          // LM-head rows per GEMM (bounds the logits buffer)
inline constexpr std::int64_t kMinFittedContext = 4096;  // CudaBackendOptions::fitContext's floor

// Grid and block of one launch, and the dynamic shared memory it needs.
struct LaunchShape {
    std::int64_t grid[3] = {1, 1, 1};
    int block[3] = {1, 1, 1};
    std::size_t sharedBytes = 0;

    std::int64_t blocks() const { return grid[0] * grid[1] * grid[2]; }
    std::int64_t threadsPerBlock() const { return std::int64_t(block[0]) * block[1] * block[2]; }
};

// What the kernels require of a config (head dim even and at most kMaxHeadDim, whole GQA groups,
// sizes that fit 32-bit indexing per row); the message names the offending value.
Status checkModelShape(const ModelConfig& config);

// A block of up to kRowThreads threads per row (`rows` rows of `width` elements).
Result<LaunchShape> rowLaunch(std::int64_t rows, std::int64_t width);
// A warp per (token, head): grid.x covers heads in kHeadWarpsPerBlock-warp blocks, grid.y tokens.
Result<LaunchShape> headLaunch(std::int64_t tokens, std::int64_t heads);
// Split-KV decode (flash-decoding): a single query token's keys are cut into splits, each scored
// by its own block, then merged. One pass would leave the GPU nearly idle (a warp per query head
// walking every key), so decoding takes this path past kDecodeSplitMinKeys keys. Splits are
// kDecodeSplitKeys long up to kDecodeMaxSplits of them, then twice, four times... as long, so a
// step has at most kDecodeMaxSplits splits (the merge walks them in turn) and at least half as
// many once the context is long: Qwen3-32B's 8 KV heads give 72-512 blocks of 8 warps past 512 keys.
inline constexpr std::int64_t kDecodeSplitKeys = 64;
inline constexpr std::int64_t kDecodeMaxSplits = 64;
inline constexpr std::int64_t kDecodeSplitMinKeys = 128;
// The split length for `keys` keys (kDecodeSplitKeys · 2^n, the least with at most
// kDecodeMaxSplits splits) and the number of splits of a given length.
std::int64_t decodeSplitKeys(std::int64_t keys);
std::int64_t decodeSplits(std::int64_t keys, std::int64_t splitKeys);
// The most splits any step up to `maxKeys` keys takes (sizes the partial results).
std::int64_t decodeMaxSplits(std::int64_t maxKeys);
// Floats per (query head, split) of the partial results: max, Σe, Σe·(s − max), first score, d values.
inline std::int64_t decodePartialFloats(std::int64_t headDim) { return headDim + 4; }
// Grid (KV heads, splits), a warp per query head of the group: the group's warps share the K/V
// rows they read.
Result<LaunchShape> decodeSplitLaunch(std::int64_t numKvHeads, std::int64_t group, std::int64_t splits);
// The same first pass on the tensor cores (the default where it applies: GQA groups of up to 16
// query heads, head dims up to 128): the group's heads are the rows of mma.sync tiles, a warp
// per split walks its keys in tiles of kDecodeMmaKeys through cp.async into its own two shared
// buffers (rows padded by kMmaPad), kDecodeMmaWarps warps (splits) per block; Q (the group's
// rows, bf16 and remainder) is staged once per block. Grid (KV heads, splits / warps rounded up).
inline constexpr int kDecodeMmaKeys = 32;
inline constexpr int kDecodeMmaWarps = 2;
inline constexpr std::int64_t kDecodeMmaMaxGroup = 16;
bool decodeMmaApplies(std::int64_t group, std::int64_t headDim);
Result<LaunchShape> decodeSplitMmaLaunch(std::int64_t numKvHeads, std::int64_t group, std::int64_t headDim, std::int64_t splits);

// Prefill attention on the tensor cores (flash attention, bf16 wmma tiles of 16×16×16): a block
// of kFlashWarps warps takes kFlashRows query rows of one head (16 per warp) and walks the keys in
// tiles of kFlashKeys, with Q, K, V, the score tile, P and the fp32 output rows in shared memory
// (head dim padded to a multiple of 16). Used for chunks of at least kFlashMinTokens tokens and
// head dims up to kFlashMaxHeadDim (shared memory); shorter chunks and decode take the warp-per-
// query kernels.
inline constexpr int kFlashRows = 64;
inline constexpr int kFlashKeys = 32;
inline constexpr int kFlashWarps = kFlashRows / 16;
inline constexpr std::int64_t kFlashMinTokens = 16;
inline constexpr std::int64_t kFlashMaxHeadDim = 128;
inline std::int64_t flashPaddedDim(std::int64_t headDim) { return (headDim + 15) / 16 * 16; }
bool flashAttentionApplies(std::int64_t tokens, std::int64_t headDim);
// Grid (row tiles, query heads), kFlashWarps warps, and the shared memory of the tiles.
Result<LaunchShape> flashLaunch(std::int64_t tokens, std::int64_t heads, std::int64_t headDim);
// The pipelined tensor-core kernel (the default; the one above stays for comparison,
// QE_CUDA_ATTENTION=wmma): kMmaWarps warps take kMmaRows query rows (16 per warp) with Q, the
// scores, P and the output in registers (mma.sync m16n8k16), and walk the keys in tiles of
// kMmaKeys, double-buffered in shared memory (K and V, rows padded by kMmaPad bf16). Same
// applicability (flashAttentionApplies).
inline constexpr int kMmaRows = 64;
inline constexpr int kMmaKeys = 64;
inline constexpr int kMmaWarps = kMmaRows / 16;
inline constexpr int kMmaPad = 8;
Result<LaunchShape> flashMmaLaunch(std::int64_t tokens, std::int64_t heads, std::int64_t headDim);

// Decode GEMV (one token): y[n] = Σ_k w[n, k]·x[k], a warp per row with 16-byte loads, blocks of
// kGemvThreads threads.
inline constexpr int kGemvThreads = 256;
Result<LaunchShape> gemvLaunch(std::int64_t rows, std::int64_t cols);

// Sampling on the device (kernels/sampling.cu): one block of kSampleThreads threads selects the
// kSampleCandidates most likely tokens of the row (radix select, then a bitonic sort) and applies
// the warpers to them. It decides alone unless the kept set reaches past the candidates (then the
// host sampler gets the whole row); requests it can never decide go to the host at once.
inline constexpr int kSampleThreads = 1024;
inline constexpr int kSampleCandidates = kSampleThreads;
// Whether the device can decide: a top-k cut of at most kSampleCandidates (or none), at most
// kSampleCandidates alternatives.
bool sampleFitsDevice(std::int64_t topK, std::int64_t limit, std::int64_t alternatives);
// Room for penalty ids (and as many saved logits) the sampler needs at most for a context.
std::uint64_t sampleScratchIds(const ModelConfig& config, std::int64_t maxContext);

// Elementwise over n items, `perThread` items per thread.
Result<LaunchShape> flatLaunch(std::int64_t n, int perThread = 1);

// Device memory the backend allocates for a model and context, in bytes.
struct DeviceMemoryEstimate {
    std::uint64_t weights = 0;      // bf16 matrices + fp32 norm vectors
    std::uint64_t kvCache = 0;      // bf16 keys and values for maxContext positions
    std::uint64_t hidden = 0;       // kept hidden states (diagnostics budget)
    std::uint64_t activations = 0;  // per-chunk buffers, logits included
    std::uint64_t workspace = 0;    // cuBLAS workspace and the CUDA context's own use (estimated)
    std::uint64_t total() const { return weights + kvCache + hidden + activations + workspace; }
};
DeviceMemoryEstimate estimateDeviceMemory(const ModelConfig& config, const CudaBackendOptions& options);

// "61.0 GiB weights + 10.0 GiB KV cache (40960 tokens) + ... = 72.1 GiB"
std::string describe(const DeviceMemoryEstimate& estimate, std::int64_t maxContext);

// The bytes of KV cache per position: layers × 2 × Nkv × d × 2 (bf16).
std::uint64_t kvBytesPerToken(const ModelConfig& config);

// The longest context that fits `freeBytes` next to the rest of the estimate (0 if none).
std::int64_t maxContextFitting(const ModelConfig& config, const CudaBackendOptions& options, std::uint64_t freeBytes);

}  // namespace qe::cuda
