#include "kernels/plan.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "core/weights.h"

namespace qe::cuda {

namespace {

constexpr std::uint64_t kCublasWorkspace = 32ull << 20;
constexpr std::uint64_t kContextReserve = 512ull << 20;  // CUDA context, cuBLAS handles, fragmentation

std::string gib(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / double(1ull << 30));
    return text;
}

}  // namespace

Status checkModelShape(const ModelConfig& c) {
    auto bad = [](const std::string& what) { return makeError(ErrorCode::Unsupported, "CUDA backend: " + what); };
    if (c.headDim <= 0 || c.headDim % 2 != 0 || c.headDim > kMaxHeadDim)
        return bad("head_dim " + std::to_string(c.headDim) + " must be even and at most " + std::to_string(kMaxHeadDim));
    if (c.numAttentionHeads <= 0 || c.numKeyValueHeads <= 0 || c.numAttentionHeads % c.numKeyValueHeads != 0)
        return bad(std::to_string(c.numAttentionHeads) + " query heads do not split into groups of " +
                   std::to_string(c.numKeyValueHeads) + " KV heads");
    constexpr std::int64_t kInt = std::numeric_limits<int>::max();
    for (std::int64_t width : {c.hiddenSize, c.intermediateSize * 2, c.qWidth() + 2 * c.kvWidth(), c.vocabSize})
        if (width <= 0 || width > kInt) return bad("a row of " + std::to_string(width) + " elements is out of range");
    if (c.vocabSize * c.hiddenSize > std::int64_t(1) << 40) return bad("the embedding table is too large");
    return {};
}

Result<LaunchShape> rowLaunch(std::int64_t rows, std::int64_t width) {
    if (rows <= 0 || width <= 0) return makeError(ErrorCode::InvalidArgument, "empty row launch");
    if (rows > kMaxGridX) return makeError(ErrorCode::InvalidArgument, "too many rows for one launch");
    LaunchShape shape;
    shape.grid[0] = rows;
    // Whole warps, no more threads than elements (small test models), at most kRowThreads.
    const std::int64_t warps = std::clamp<std::int64_t>((width + kWarp - 1) / kWarp, 1, kRowThreads / kWarp);
    shape.block[0] = static_cast<int>(warps * kWarp);
    shape.sharedBytes = static_cast<std::size_t>(warps) * sizeof(float) * 2;
    return shape;
}

Result<LaunchShape> headLaunch(std::int64_t tokens, std::int64_t heads) {
    if (tokens <= 0 || heads <= 0) return makeError(ErrorCode::InvalidArgument, "empty head launch");
    if (tokens > kMaxGridY) return makeError(ErrorCode::InvalidArgument, "too many tokens for one launch");
    LaunchShape shape;
    shape.grid[0] = (heads + kHeadWarpsPerBlock - 1) / kHeadWarpsPerBlock;
    shape.grid[1] = tokens;
    shape.block[0] = kWarp;
    shape.block[1] = kHeadWarpsPerBlock;
    shape.sharedBytes = static_cast<std::size_t>(kHeadWarpsPerBlock) * kMaxHeadDim * sizeof(float);
    return shape;
}

std::int64_t decodeSplits(std::int64_t keys, std::int64_t splitKeys) {
    return keys <= 0 || splitKeys <= 0 ? 0 : (keys + splitKeys - 1) / splitKeys;
}

std::int64_t decodeSplitKeys(std::int64_t keys) {
    std::int64_t splitKeys = kDecodeSplitKeys;
    while (decodeSplits(keys, splitKeys) > kDecodeMaxSplits) splitKeys *= 2;
    return splitKeys;
}

std::int64_t decodeMaxSplits(std::int64_t maxKeys) { return std::min(decodeSplits(maxKeys, kDecodeSplitKeys), kDecodeMaxSplits); }

Result<LaunchShape> decodeSplitLaunch(std::int64_t numKvHeads, std::int64_t group, std::int64_t splits) {
    if (numKvHeads <= 0 || group <= 0 || splits <= 0) return makeError(ErrorCode::InvalidArgument, "empty decode launch");
    if (group * kWarp > 1024) return makeError(ErrorCode::InvalidArgument, "a GQA group of more than 32 heads");
    if (splits > kMaxGridY) return makeError(ErrorCode::InvalidArgument, "too many KV splits for one launch");
    LaunchShape shape;
    shape.grid[0] = numKvHeads;
    shape.grid[1] = splits;
    shape.block[0] = kWarp;
    shape.block[1] = static_cast<int>(group);
    shape.sharedBytes = static_cast<std::size_t>(group) * kMaxHeadDim * sizeof(float);
    return shape;
}

bool decodeMmaApplies(std::int64_t group, std::int64_t headDim) {
    return group >= 1 && group <= kDecodeMmaMaxGroup && headDim >= 1 && headDim <= kFlashMaxHeadDim;
}

Result<LaunchShape> decodeSplitMmaLaunch(std::int64_t numKvHeads, std::int64_t group, std::int64_t headDim, std::int64_t splits) {
    if (numKvHeads <= 0 || splits <= 0) return makeError(ErrorCode::InvalidArgument, "empty decode launch");
    if (!decodeMmaApplies(group, headDim))
        return makeError(ErrorCode::InvalidArgument, "no tensor-core decode attention for this group or head dim");
    const std::int64_t blocks = (splits + kDecodeMmaWarps - 1) / kDecodeMmaWarps;
    if (blocks > kMaxGridY) return makeError(ErrorCode::InvalidArgument, "too many KV splits for one launch");
    const auto stride = static_cast<std::size_t>(flashPaddedDim(headDim) + kMmaPad);
    LaunchShape shape;
    shape.grid[0] = numKvHeads;
    shape.grid[1] = blocks;
    shape.block[0] = kDecodeMmaWarps * kWarp;
    // Q and its remainder [16][stride], then per warp two buffers of a K and a V tile
    // [kDecodeMmaKeys][stride], all bf16.
    shape.sharedBytes = (2 * 16 + std::size_t(kDecodeMmaWarps) * 4 * kDecodeMmaKeys) * stride * 2;
    return shape;
}

Result<LaunchShape> flatLaunch(std::int64_t n, int perThread) {
    if (n <= 0 || perThread <= 0) return makeError(ErrorCode::InvalidArgument, "empty launch");
    const std::int64_t threads = (n + perThread - 1) / perThread;
    const std::int64_t blocks = (threads + kRowThreads - 1) / kRowThreads;
    if (blocks > kMaxGridX) return makeError(ErrorCode::InvalidArgument, "too many elements for one launch");
    LaunchShape shape;
    shape.grid[0] = blocks;
    shape.block[0] = kRowThreads;
    return shape;
}

std::uint64_t kvBytesPerToken(const ModelConfig& c) {
    return std::uint64_t(c.numHiddenLayers) * 2u * std::uint64_t(c.kvWidth()) * 2u;
}

DeviceMemoryEstimate estimateDeviceMemory(const ModelConfig& c, const CudaBackendOptions& options) {
    DeviceMemoryEstimate e;
    for (const ExpectedTensor& t : expectedTensors(c)) {
        std::uint64_t n = 1;
        for (std::int64_t d : t.shape) n *= static_cast<std::uint64_t>(d);
        e.weights += t.shape.size() == 1 ? n * 4 : n * 2;  // norms fp32, matrices bf16
    }
    const auto context = static_cast<std::uint64_t>(std::max<std::int64_t>(options.maxContext, 0));
    e.kvCache = kvBytesPerToken(c) * context;
    const std::uint64_t hiddenPerPos = std::uint64_t(c.numHiddenLayers + 1) * std::uint64_t(c.hiddenSize) * 4u;
    e.hidden = std::min(options.hiddenBudgetBytes / hiddenPerPos, context) * hiddenPerPos;
    const auto t = static_cast<std::uint64_t>(std::clamp<std::int64_t>(options.maxChunk, 1, kMaxChunk));
    const auto logitRows = std::min<std::uint64_t>(t, kLogitRows);
    const auto H = std::uint64_t(c.hiddenSize), I = std::uint64_t(c.intermediateSize), V = std::uint64_t(c.vocabSize);
    const auto qkv = std::uint64_t(c.qWidth() + 2 * c.kvWidth()), heads = std::uint64_t(c.numAttentionHeads);
    const auto L = std::uint64_t(c.numHiddenLayers), half = std::uint64_t(c.headDim / 2);
    e.activations = t * (H * 4 * 2 + H * 2 + qkv * 4 + std::uint64_t(c.qWidth()) * 2 + I * 4 * 2 + I * 2 + half * 4 * 2 + L * 2 * 4 + L * heads * 2 * 4 + 4) +
                    logitRows * V * 4 + V * 4 + H * 4 * 2 + (context + 1) * 4 +  // logits, lens, attention row
                    heads * std::uint64_t(decodeMaxSplits(std::max<std::int64_t>(options.maxContext, 1))) *
                        std::uint64_t(decodePartialFloats(c.headDim)) * 4 +  // split-KV decode partials
                    sampleScratchIds(c, options.maxContext) * 8 + 16 * 1024;  // sampling: penalty ids, saved logits, result
    e.workspace = kCublasWorkspace + kContextReserve;
    return e;
}

std::string describe(const DeviceMemoryEstimate& e, std::int64_t maxContext) {
    return gib(e.weights) + " weights + " + gib(e.kvCache) + " KV cache (" + std::to_string(maxContext) + " tokens) + " +
           gib(e.hidden) + " kept hidden states + " + gib(e.activations) + " activations + " + gib(e.workspace) +
           " CUDA/cuBLAS = " + gib(e.total());
}

std::int64_t maxContextFitting(const ModelConfig& c, const CudaBackendOptions& options, std::uint64_t freeBytes) {
    CudaBackendOptions none = options;
    none.maxContext = 0;
    const DeviceMemoryEstimate base = estimateDeviceMemory(c, none);
    if (base.total() >= freeBytes) return 0;
    // Per position: KV, attention-row scratch, and kept hidden states while within the budget.
    const std::uint64_t hiddenPerPos = std::uint64_t(c.numHiddenLayers + 1) * std::uint64_t(c.hiddenSize) * 4u;
    const std::uint64_t perPos = kvBytesPerToken(c) + 4 + (options.hiddenBudgetBytes >= hiddenPerPos ? hiddenPerPos : 0);
    std::int64_t fit = static_cast<std::int64_t>((freeBytes - base.total()) / perPos);
    // Beyond the hidden budget positions cost only KV: refine by checking the estimate.
    std::int64_t lo = fit, hi = static_cast<std::int64_t>((freeBytes - base.total()) / (kvBytesPerToken(c) + 4));
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo + 1) / 2;
        CudaBackendOptions probe = options;
        probe.maxContext = mid;
        if (estimateDeviceMemory(c, probe).total() <= freeBytes) lo = mid; else hi = mid - 1;
    }
    return lo;
}

bool flashAttentionApplies(std::int64_t tokens, std::int64_t headDim) {
    return tokens >= kFlashMinTokens && headDim >= 1 && headDim <= kFlashMaxHeadDim;
}

Result<LaunchShape> flashLaunch(std::int64_t tokens, std::int64_t heads, std::int64_t headDim) {
    if (tokens <= 0 || heads <= 0) return makeError(ErrorCode::InvalidArgument, "empty attention launch");
    if (headDim < 1 || headDim > kFlashMaxHeadDim)
        return makeError(ErrorCode::InvalidArgument, "head dim " + std::to_string(headDim) + " is beyond the tensor-core attention");
    if (heads > kMaxGridY) return makeError(ErrorCode::InvalidArgument, "too many heads for one launch");
    const auto dp = static_cast<std::size_t>(flashPaddedDim(headDim));
    LaunchShape shape;
    shape.grid[0] = (tokens + kFlashRows - 1) / kFlashRows;
    shape.grid[1] = heads;
    shape.block[0] = kFlashWarps * kWarp;
    // bf16 Q and its remainder [rows][dp], K and V [keys][dp]; fp32 scores [rows][keys]; bf16 P
    // [rows][keys]; fp32 O [rows][dp].
    shape.sharedBytes = (2 * kFlashRows + 2 * kFlashKeys) * dp * 2 + std::size_t(kFlashRows) * kFlashKeys * (4 + 2) +
                        std::size_t(kFlashRows) * dp * 4;
    return shape;
}

Result<LaunchShape> flashMmaLaunch(std::int64_t tokens, std::int64_t heads, std::int64_t headDim) {
    auto shape = flashLaunch(tokens, heads, headDim);  // the same argument checks
    if (!shape.ok()) return shape;
    const auto stride = static_cast<std::size_t>(flashPaddedDim(headDim) + kMmaPad);
    shape->grid[0] = (tokens + kMmaRows - 1) / kMmaRows;
    shape->block[0] = kMmaWarps * kWarp;
    // Two buffers of a K and a V tile [kMmaKeys][stride] bf16 (Q is staged in the second).
    shape->sharedBytes = 4 * std::size_t(kMmaKeys) * stride * 2;
    return shape;
}

Result<LaunchShape> gemvLaunch(std::int64_t rows, std::int64_t cols) {
    if (rows <= 0 || cols <= 0) return makeError(ErrorCode::InvalidArgument, "empty GEMV");
    if (cols > std::int64_t(1) << 30) return makeError(ErrorCode::InvalidArgument, "a GEMV row beyond 32-bit indexing");
    const std::int64_t rowsPerBlock = kGemvThreads / kWarp;
    LaunchShape shape;
    shape.grid[0] = (rows + rowsPerBlock - 1) / rowsPerBlock;
    if (shape.grid[0] > kMaxGridX) return makeError(ErrorCode::InvalidArgument, "too many GEMV rows");
    shape.block[0] = kGemvThreads;
    return shape;
}

std::uint64_t sampleScratchIds(const ModelConfig& config, std::int64_t maxContext) {
    // Distinct ids of the context (repetition) and of the output (presence).
    return 2 * static_cast<std::uint64_t>(std::clamp<std::int64_t>(maxContext, 1, config.vocabSize));
}

bool sampleFitsDevice(std::int64_t topK, std::int64_t limit, std::int64_t alternatives) {
    const bool cut = topK > 0 && topK < limit;
    return (!cut || topK <= kSampleCandidates) && alternatives <= kSampleCandidates;
}

}  // namespace qe::cuda
