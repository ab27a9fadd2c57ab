#include "kernels/device_kernels.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "kernels/device_common.h"
#include "kernels/softmax_state.h"

#if defined(__CUDACC__)
#include <mma.h>  // the CPU emulator brings its own nvcuda::wmma
#endif

namespace qe::cuda {

namespace {

constexpr int kLanesPerHead = kMaxHeadDim / kWarp;  // per-lane share of a head

__device__ __forceinline__ float warpSum(float v) { return warpReduce(v, AddOp{}); }
__device__ __forceinline__ float warpMax(float v) { return warpReduce(v, MaxOp{}); }

__device__ float blockSum(float v, float* scratch) { return blockReduce(v, scratch, AddOp{}, 0.0f); }
__device__ float blockMax(float v, float* scratch) { return blockReduce(v, scratch, MaxOp{}, -INFINITY); }

dim3 gridOf(const LaunchShape& s) {
    return dim3(static_cast<unsigned>(s.grid[0]), static_cast<unsigned>(s.grid[1]), static_cast<unsigned>(s.grid[2]));
}
dim3 blockOf(const LaunchShape& s) {
    return dim3(static_cast<unsigned>(s.block[0]), static_cast<unsigned>(s.block[1]), static_cast<unsigned>(s.block[2]));
}


__global__ void embedKernel(const bf16* table, const int* ids, float* hidden, int width) {
    const int t = blockIdx.x;
    const bf16* row = table + static_cast<std::size_t>(ids[t]) * width;
    float* out = hidden + static_cast<std::size_t>(t) * width;
    for (int i = threadIdx.x; i < width; i += blockDim.x) out[i] = __bfloat162float(row[i]);
}

__global__ void residualNormKernel(float* hidden, const float* delta, const float* weight, bf16* out, int width,
                                   float eps, HiddenKeep keep, float* residualRms, int rmsStride) {
    QE_DYNAMIC_SHARED(float, scratch);
    const int t = blockIdx.x;
    float* row = hidden + static_cast<std::size_t>(t) * width;
    float sumSquares = 0.0f;
    for (int i = threadIdx.x; i < width; i += blockDim.x) {
        float v = row[i];
        if (delta) {
            v += delta[static_cast<std::size_t>(t) * width + i];
            row[i] = v;
        }
        sumSquares += v * v;
    }
    const float meanSquare = blockSum(sumSquares, scratch) / static_cast<float>(width);
    const std::int64_t pos = (keep.devicePos ? *keep.devicePos : keep.startPos) + t;
    if (keep.base && pos < keep.capacity) {
        float* dst = keep.base + (static_cast<std::size_t>(pos) * (keep.layers + 1) + keep.layer) * width;
        for (int i = threadIdx.x; i < width; i += blockDim.x) dst[i] = row[i];
    }
    if (residualRms && threadIdx.x == 0) residualRms[static_cast<std::size_t>(t) * rmsStride] = sqrtf(meanSquare);
    if (!out) return;
    const float scale = 1.0f / sqrtf(meanSquare + eps);
    bf16* o = out + static_cast<std::size_t>(t) * width;
    for (int i = threadIdx.x; i < width; i += blockDim.x) o[i] = __float2bfloat16(row[i] * scale * weight[i]);
}

__global__ void ropeTableKernel(const float* invFreq, float scaling, std::int64_t startPos, int tokens, int half,
                                float* cosOut, float* sinOut, const int* devicePos) {
    if (devicePos) startPos = *devicePos;
    const std::int64_t index = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (index >= static_cast<std::int64_t>(tokens) * half) return;
    const std::int64_t t = index / half, j = index % half;
    const float angle = static_cast<float>(startPos + t) * invFreq[j];
    double s, c;
    sincos(static_cast<double>(angle), &s, &c);
    cosOut[index] = static_cast<float>(c) * scaling;
    sinOut[index] = static_cast<float>(s) * scaling;
}

__global__ void qkNormRopeKernel(float* qkv, const float* qNorm, const float* kNorm, const float* cosTable,
                                 const float* sinTable, bf16* kCache, bf16* vCache, std::int64_t startPos, int numHeads,
                                 int numKvHeads, int headDim, float eps, const int* devicePos) {
    QE_DYNAMIC_SHARED(float, shared);
    if (devicePos) startPos = *devicePos;
    const int lane = threadIdx.x, head = blockIdx.x * blockDim.y + threadIdx.y, t = blockIdx.y;
    const int allHeads = numHeads + 2 * numKvHeads;
    if (head >= allHeads) return;
    float* x = qkv + static_cast<std::size_t>(t) * allHeads * headDim + static_cast<std::size_t>(head) * headDim;
    const std::size_t pos = static_cast<std::size_t>(startPos + t);
    if (head >= numHeads + numKvHeads) {  // a value head: to the cache as is
        const int kvHead = head - numHeads - numKvHeads;
        bf16* dst = vCache + (pos * numKvHeads + kvHead) * headDim;
        for (int i = lane; i < headDim; i += kWarp) dst[i] = __float2bfloat16(x[i]);
        return;
    }
    float* buf = shared + threadIdx.y * kMaxHeadDim;
    const bool isQuery = head < numHeads;
    const float* weight = isQuery ? qNorm : kNorm;
    float sumSquares = 0.0f;
    for (int i = lane; i < headDim; i += kWarp) {
        const float v = x[i];
        buf[i] = v;
        sumSquares += v * v;
    }
    sumSquares = warpSum(sumSquares);
    const float scale = 1.0f / sqrtf(sumSquares / static_cast<float>(headDim) + eps);
    for (int i = lane; i < headDim; i += kWarp) buf[i] = buf[i] * scale * weight[i];
    __syncwarp();
    const int half = headDim / 2;
    const float* cosRow = cosTable + static_cast<std::size_t>(t) * half;
    const float* sinRow = sinTable + static_cast<std::size_t>(t) * half;
    const float queryScale = 1.0f / sqrtf(static_cast<float>(headDim));
    bf16* key = isQuery ? nullptr : kCache + (pos * numKvHeads + (head - numHeads)) * headDim;
    for (int j = lane; j < half; j += kWarp) {
        const float a = buf[j], b = buf[j + half], c = cosRow[j], s = sinRow[j];
        const float r0 = a * c - b * s, r1 = b * c + a * s;
        if (isQuery) {
            x[j] = r0 * queryScale;
            x[j + half] = r1 * queryScale;
        } else {
            key[j] = __float2bfloat16(r0);
            key[j + half] = __float2bfloat16(r1);
        }
    }
}

// One warp's online softmax over keys [begin, end) of KV head `kvHead` for the query in `qs`
// (this warp's shared copy, already scaled): a key per lane per 32-key tile for the scores, then
// the tile's values accumulated with each lane holding dims lane, lane + 32, ... firstScore is
// the score of key `begin`.
struct WarpAttention {
    SoftmaxState state;
    float acc[kLanesPerHead];
    float firstScore;
};

__device__ void attendKeys(const float* qs, const bf16* kCache, const bf16* vCache, int numKvHeads, int kvHead, int headDim,
                           std::int64_t begin, std::int64_t end, WarpAttention& w) {
    const int lane = threadIdx.x;
#pragma unroll
    for (int k = 0; k < kLanesPerHead; ++k) w.acc[k] = 0.0f;
    w.state = SoftmaxState{};
    w.firstScore = 0.0f;
    for (std::int64_t base = begin; base < end; base += kWarp) {
        // Each lane scores one key of the tile.
        const std::int64_t p = base + lane;
        float score = -INFINITY;
        if (p < end) {
            const __nv_bfloat162* k2 =
                reinterpret_cast<const __nv_bfloat162*>(kCache + (static_cast<std::size_t>(p) * numKvHeads + kvHead) * headDim);
            float dot = 0.0f;
            for (int i = 0; i < headDim / 2; ++i) {
                const float2 kv = __bfloat1622float2(k2[i]);
                dot += qs[2 * i] * kv.x + qs[2 * i + 1] * kv.y;
            }
            score = dot;
        }
        if (base == begin) w.firstScore = __shfl_sync(kFullMask, score, 0);
        const float newMax = w.state.merged(warpMax(score));
        const float e = p < end ? expf(score - newMax) : 0.0f;
        const float ew = p < end ? e * (score - newMax) : 0.0f;
        const float factor = w.state.merge(newMax, warpSum(e), warpSum(ew));
#pragma unroll
        for (int k = 0; k < kLanesPerHead; ++k) w.acc[k] *= factor;
        const int inTile = static_cast<int>(end - base < kWarp ? end - base : kWarp);
        for (int j = 0; j < inTile; ++j) {
            const float weight = __shfl_sync(kFullMask, e, j);
            const bf16* vRow = vCache + (static_cast<std::size_t>(base + j) * numKvHeads + kvHead) * headDim;
#pragma unroll
            for (int k = 0; k < kLanesPerHead; ++k) {
                const int dim = lane + k * kWarp;
                if (dim < headDim) w.acc[k] += weight * __bfloat162float(vRow[dim]);
            }
        }
    }
}

__global__ void attentionKernel(const float* q, int qStride, const bf16* kCache, const bf16* vCache, bf16* out,
                                std::int64_t startPos, int numHeads, int numKvHeads, int headDim, float* entropy,
                                float* sink, int diagStride, const int* devicePos) {
    QE_DYNAMIC_SHARED(float, shared);
    if (devicePos) startPos = *devicePos;
    const int lane = threadIdx.x, head = blockIdx.x * blockDim.y + threadIdx.y, t = blockIdx.y;
    if (head >= numHeads) return;
    float* qs = shared + threadIdx.y * kMaxHeadDim;
    const float* qRow = q + static_cast<std::size_t>(t) * qStride + static_cast<std::size_t>(head) * headDim;
    for (int i = lane; i < headDim; i += kWarp) qs[i] = qRow[i];
    __syncwarp();
    WarpAttention w;
    attendKeys(qs, kCache, vCache, numKvHeads, head / (numHeads / numKvHeads), headDim, 0, startPos + t + 1, w);  // causal
    const float inv = 1.0f / w.state.sum;
    bf16* o = out + static_cast<std::size_t>(t) * numHeads * headDim + static_cast<std::size_t>(head) * headDim;
#pragma unroll
    for (int k = 0; k < kLanesPerHead; ++k) {
        const int dim = lane + k * kWarp;
        if (dim < headDim) o[dim] = __float2bfloat16(w.acc[k] * inv);
    }
    if (entropy && lane == 0) {
        entropy[static_cast<std::size_t>(t) * diagStride + head] = w.state.entropy();
        sink[static_cast<std::size_t>(t) * diagStride + head] = w.state.probability(w.firstScore);
    }
}

// Split-KV decode, first pass: block (kvHead, split), warp y = query head kvHead·G + y.
__global__ void attentionSplitKernel(const float* q, const bf16* kCache, const bf16* vCache, float* partial,
                                     std::int64_t startPos, int numHeads, int numKvHeads, int headDim, int splitKeys,
                                     const int* devicePos) {
    QE_DYNAMIC_SHARED(float, shared);
    if (devicePos) startPos = *devicePos;
    const int lane = threadIdx.x, group = numHeads / numKvHeads, kvHead = blockIdx.x, split = blockIdx.y;
    const int head = kvHead * group + threadIdx.y;
    const int splits = gridDim.y;
    float* qs = shared + threadIdx.y * kMaxHeadDim;
    for (int i = lane; i < headDim; i += kWarp) qs[i] = q[static_cast<std::size_t>(head) * headDim + i];
    __syncwarp();
    const std::int64_t keys = startPos + 1;
    const std::int64_t begin = static_cast<std::int64_t>(split) * splitKeys;
    const std::int64_t end = begin + splitKeys < keys ? begin + splitKeys : keys;
    WarpAttention w;
    attendKeys(qs, kCache, vCache, numKvHeads, kvHead, headDim, begin, end, w);
    float* out = partial + (static_cast<std::size_t>(head) * splits + split) * (headDim + 4);
    if (lane == 0) {
        out[0] = w.state.max;
        out[1] = w.state.sum;
        out[2] = w.state.weighted;
        out[3] = w.firstScore;
    }
#pragma unroll
    for (int k = 0; k < kLanesPerHead; ++k) {
        const int dim = lane + k * kWarp;
        if (dim < headDim) out[4 + dim] = w.acc[k];
    }
}

// Split-KV decode, second pass: a warp per query head merges its splits (the same algebra as
// merging tiles: each split is a tile with its own maximum).
__global__ void attentionMergeKernel(const float* partial, bf16* out, int headDim, int splits, float* entropy, float* sink) {
    const int lane = threadIdx.x, head = blockIdx.x;
    const float* parts = partial + static_cast<std::size_t>(head) * splits * (headDim + 4);
    float maxScore = -INFINITY;
    for (int s = lane; s < splits; s += kWarp) maxScore = fmaxf(maxScore, parts[static_cast<std::size_t>(s) * (headDim + 4)]);
    maxScore = warpMax(maxScore);
    SoftmaxState state;
    float acc[kLanesPerHead];
#pragma unroll
    for (int k = 0; k < kLanesPerHead; ++k) acc[k] = 0.0f;
    for (int s = 0; s < splits; ++s) {
        const float* part = parts + static_cast<std::size_t>(s) * (headDim + 4);
        const float scale = expf(part[0] - maxScore);
        // As a tile relative to maxScore: Σe' = Z·scale, Σe'·(s − M) = scale·(W + Z·(m − M)).
        state.merge(maxScore, part[1] * scale, scale * (part[2] + part[1] * (part[0] - maxScore)));
#pragma unroll
        for (int k = 0; k < kLanesPerHead; ++k) {
            const int dim = lane + k * kWarp;
            if (dim < headDim) acc[k] += scale * part[4 + dim];
        }
    }
    const float inv = 1.0f / state.sum;
    bf16* o = out + static_cast<std::size_t>(head) * headDim;
#pragma unroll
    for (int k = 0; k < kLanesPerHead; ++k) {
        const int dim = lane + k * kWarp;
        if (dim < headDim) o[dim] = __float2bfloat16(acc[k] * inv);
    }
    if (entropy && lane == 0) {
        entropy[head] = state.entropy();
        sink[head] = state.probability(parts[3]);  // key 0 is the first of split 0
    }
}

// Stages `rows` rows of fp32 q (row r at q + r·rowStride, headDim values) in shared memory as
// bf16 and, with splitQ, its bf16 remainder ([allRows][stride], zeros past the rows and the head
// dim up to dp), by the whole block; a barrier follows before the tiles are read.
__device__ __forceinline__ void stageQ(const float* q, std::size_t rowStride, int rows, int allRows, int headDim, int dp,
                                       int stride, bf16* qHi, bf16* qLo, bool splitQ) {
    for (int i = threadIdx.x; i < allRows * dp; i += blockDim.x) {
        const int r = i / dp, c = i % dp;
        const float v = r < rows && c < headDim ? q[static_cast<std::size_t>(r) * rowStride + c] : 0.0f;
        const bf16 hi = __float2bfloat16(v);
        qHi[r * stride + c] = hi;
        if (splitQ) qLo[r * stride + c] = __float2bfloat16(v - __bfloat162float(hi));
    }
}

// Prefill attention on the tensor cores (flash attention). Block (row tile, query head), four
// warps of 16 query rows each. Per tile of kFlashKeys keys: S = Q·Kᵀ (bf16 wmma, fp32
// accumulate) into shared memory; each row's online softmax (lanes 2r and 2r + 1 take half the
// keys of row r; the entropy and sink terms as in attendKeys) writes P = e^(s − m) as bf16 and
// rescales the row's fp32 output; O += P·V (wmma again, the accumulator loaded from and stored to
// shared memory, since a fragment's element layout is not specified). No score matrix beyond the
// tile; causal masking by position; the head dim padded with zeros to a multiple of 16.
struct alignas(128) FlashShared {
    unsigned char bytes[128];
};

__global__ void __launch_bounds__(kFlashWarps * kWarp) flashAttentionKernel(const float* q, int qStride, const bf16* kCache, const bf16* vCache, bf16* out,
                                     int tokens, std::int64_t startPos, int numHeads, int numKvHeads, int headDim,
                                     float* entropy, float* sink, int diagStride) {
    namespace wmma = nvcuda::wmma;
    using FragA = wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major>;
    using FragBCol = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major>;
    using FragBRow = wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major>;
    using FragC = wmma::fragment<wmma::accumulator, 16, 16, 16, float>;
    QE_DYNAMIC_SHARED(FlashShared, raw);
    const int dp = (headDim + 15) / 16 * 16;
    bf16* qs = reinterpret_cast<bf16*>(raw);                   // [kFlashRows][dp]
    bf16* ks = qs + kFlashRows * dp;                           // [kFlashKeys][dp]
    bf16* vs = ks + kFlashKeys * dp;                           // [kFlashKeys][dp]
    float* ss = reinterpret_cast<float*>(vs + kFlashKeys * dp);  // [kFlashRows][kFlashKeys]
    bf16* ps = reinterpret_cast<bf16*>(ss + kFlashRows * kFlashKeys);  // [kFlashRows][kFlashKeys]
    float* os = reinterpret_cast<float*>(ps + kFlashRows * kFlashKeys);  // [kFlashRows][dp]
    bf16* qLo = reinterpret_cast<bf16*>(os + kFlashRows * dp);  // [kFlashRows][dp]: q − bf16(q)

    const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
    const int head = blockIdx.y, kvHead = head / (numHeads / numKvHeads);
    const int t0 = blockIdx.x * kFlashRows;
    const int rows = tokens - t0 < kFlashRows ? tokens - t0 : kFlashRows;
    stageQ(q + static_cast<std::size_t>(t0) * qStride + static_cast<std::size_t>(head) * headDim, qStride, rows, kFlashRows, headDim,
           dp, dp, qs, qLo, true);
    for (int i = threadIdx.x; i < kFlashRows * dp; i += blockDim.x) os[i] = 0.0f;
    // This lane's row (of the block's tile) and half of each key tile.
    const int row = warp * 16 + lane / 2, half = lane % 2;
    const bool rowValid = row < rows;
    const std::int64_t rowPos = startPos + t0 + row;  // the query's position: keys 0..rowPos
    const std::int64_t lastKey = startPos + t0 + rows - 1;
    float* sRow = ss + row * kFlashKeys;
    bf16* pRow = ps + row * kFlashKeys;
    float* oRow = os + row * dp;
    SoftmaxState state;
    float firstScore = 0.0f;
    const bf16 zero = __float2bfloat16(0.0f);
    __syncthreads();
    for (std::int64_t k0 = 0; k0 <= lastKey; k0 += kFlashKeys) {
        for (int i = threadIdx.x; i < kFlashKeys * dp; i += blockDim.x) {
            const int r = i / dp, c = i % dp;
            const std::int64_t key = k0 + r;
            bf16 kv = zero, vv = zero;
            if (key <= lastKey && c < headDim) {
                const std::size_t at = (static_cast<std::size_t>(key) * numKvHeads + kvHead) * headDim + c;
                kv = kCache[at];
                vv = vCache[at];
            }
            ks[i] = kv;
            vs[i] = vv;
        }
        __syncthreads();
        // S = Q·Kᵀ for this warp's 16 rows: Kᵀ is K's rows read column-major.
        FragC score[kFlashKeys / 16];
        for (FragC& f : score) wmma::fill_fragment(f, 0.0f);
        for (int kk = 0; kk < dp; kk += 16) {
            FragA a, aLo;
            wmma::load_matrix_sync(a, qs + warp * 16 * dp + kk, dp);
            wmma::load_matrix_sync(aLo, qLo + warp * 16 * dp + kk, dp);
            for (int c = 0; c < kFlashKeys / 16; ++c) {
                FragBCol b;
                wmma::load_matrix_sync(b, ks + c * 16 * dp + kk, dp);
                wmma::mma_sync(score[c], aLo, b, score[c]);
                wmma::mma_sync(score[c], a, b, score[c]);
            }
        }
        for (int c = 0; c < kFlashKeys / 16; ++c)
            wmma::store_matrix_sync(ss + warp * 16 * kFlashKeys + c * 16, score[c], kFlashKeys, wmma::mem_row_major);
        __syncwarp();
        // Online softmax of the row over this tile (masked: keys after the query, rows past the chunk).
        constexpr int kHalfKeys = kFlashKeys / 2;
        auto masked = [&](int j) { return rowValid && k0 + j <= rowPos ? sRow[j] : -INFINITY; };
        float tileMax = -INFINITY;
        for (int j = half * kHalfKeys; j < (half + 1) * kHalfKeys; ++j) tileMax = fmaxf(tileMax, masked(j));
        tileMax = fmaxf(tileMax, __shfl_xor_sync(kFullMask, tileMax, 1));
        const float newMax = state.merged(tileMax);
        float tileSum = 0.0f, tileWeighted = 0.0f;
        for (int j = half * kHalfKeys; j < (half + 1) * kHalfKeys; ++j) {
            const float s = masked(j);
            const float e = s == -INFINITY ? 0.0f : expf(s - newMax);
            tileSum += e;
            tileWeighted += e * (s == -INFINITY ? 0.0f : s - newMax);
            pRow[j] = __float2bfloat16(e);
        }
        tileSum += __shfl_xor_sync(kFullMask, tileSum, 1);
        tileWeighted += __shfl_xor_sync(kFullMask, tileWeighted, 1);
        if (k0 == 0) firstScore = masked(0);
        const float factor = state.merge(newMax, tileSum, tileWeighted);
        for (int c = half; c < dp; c += 2) oRow[c] *= factor;
        __syncwarp();
        // O += P·V for this warp's rows.
        FragA p[kFlashKeys / 16];
        for (int kk = 0; kk < kFlashKeys / 16; ++kk) wmma::load_matrix_sync(p[kk], ps + warp * 16 * kFlashKeys + kk * 16, kFlashKeys);
        for (int c = 0; c < dp; c += 16) {
            FragC o;
            wmma::load_matrix_sync(o, os + warp * 16 * dp + c, dp, wmma::mem_row_major);
            for (int kk = 0; kk < kFlashKeys / 16; ++kk) {
                FragBRow v;
                wmma::load_matrix_sync(v, vs + kk * 16 * dp + c, dp);
                wmma::mma_sync(o, p[kk], v, o);
            }
            wmma::store_matrix_sync(os + warp * 16 * dp + c, o, dp, wmma::mem_row_major);
        }
        __syncthreads();  // the next tile overwrites K, V and the scores
    }
    if (!rowValid) return;
    const float inv = 1.0f / state.sum;
    bf16* o = out + static_cast<std::size_t>(t0 + row) * numHeads * headDim + static_cast<std::size_t>(head) * headDim;
    for (int c = half; c < headDim; c += 2) o[c] = __float2bfloat16(oRow[c] * inv);
    if (entropy && half == 0) {
        entropy[static_cast<std::size_t>(t0 + row) * diagStride + head] = state.entropy();
        sink[static_cast<std::size_t>(t0 + row) * diagStride + head] = state.probability(firstScore);
    }
}

// One warp's step of flash attention on the tensor cores: 16 query rows (Q as mma.sync A
// fragments: qa bf16, qb its remainder when kSplitQ) against a tile of 8·kTiles keys in shared
// memory (K and V rows of `stride` bf16, padded so an ldmatrix touches 32 banks). The lane holds
// rows g and g + 8 (h = 0, 1; g = lane / 4): their online softmax state (entropy and sink terms
// as in attendKeys) and the fp32 output accumulator o (n-tile n holds dims 8n + 2t, +1).
// masked(key, h): key (0..8·kTiles − 1 in the tile) is not attended by row h. firstTile: record
// the score of the tile's key 0 (lanes t = 0 hold it).
template <int kSteps, int kTiles, bool kSplitQ, class Masked>
__device__ __forceinline__ void mmaAttendTile(const unsigned (&qa)[kSteps][4], const unsigned (&qb)[kSteps][4], const bf16* ks,
                                              const bf16* vs, int lane, Masked masked, bool firstTile, SoftmaxState (&state)[2],
                                              float (&firstScore)[2], float (&o)[2 * kSteps][4]) {
    static_assert(kTiles % 2 == 0, "keys in pairs of n-tiles");
    constexpr int stride = kSteps * 16 + kMmaPad;
    const int t = lane % 4;
    float s[kTiles][4] = {};
    // S = Q·Kᵀ: matrices keys 0-7 / 8-15 of a 16-key pair, head-dim columns 0-7 / 8-15.
    const int kr = lane % 8 + 8 * (lane / 16), kc = 8 * (lane / 8 % 2);
#pragma unroll
    for (int step = 0; step < kSteps; ++step)
#pragma unroll
        for (int pair = 0; pair < kTiles / 2; ++pair) {
            unsigned b[4];
            ldmatrixX4(b, ks + (pair * 16 + kr) * stride + step * 16 + kc);
            const unsigned b0[2] = {b[0], b[1]}, b1[2] = {b[2], b[3]};
            if (kSplitQ) {
                mmaBf16(s[2 * pair], qb[step], b0);
                mmaBf16(s[2 * pair + 1], qb[step], b1);
            }
            mmaBf16(s[2 * pair], qa[step], b0);
            mmaBf16(s[2 * pair + 1], qa[step], b1);
        }
    // Online softmax of rows g (h = 0) and g + 8 (h = 1); s[n][2h + e] is key 8n + 2t + e.
#pragma unroll
    for (int h = 0; h < 2; ++h) {
        float tileMax = -INFINITY;
#pragma unroll
        for (int n = 0; n < kTiles; ++n)
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                float& v = s[n][2 * h + e];
                if (masked(8 * n + 2 * t + e, h)) v = -INFINITY;
                tileMax = fmaxf(tileMax, v);
            }
        tileMax = fmaxf(tileMax, __shfl_xor_sync(kFullMask, tileMax, 1));
        tileMax = fmaxf(tileMax, __shfl_xor_sync(kFullMask, tileMax, 2));
        const float newMax = state[h].merged(tileMax);
        float tileSum = 0.0f, tileWeighted = 0.0f;
#pragma unroll
        for (int n = 0; n < kTiles; ++n)
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                float& v = s[n][2 * h + e];
                const float p = v == -INFINITY ? 0.0f : expf(v - newMax);
                tileSum += p;
                tileWeighted += v == -INFINITY ? 0.0f : p * (v - newMax);
                if (firstTile && n == 0 && e == 0) firstScore[h] = v;
                v = p;
            }
        tileSum += __shfl_xor_sync(kFullMask, tileSum, 1);
        tileSum += __shfl_xor_sync(kFullMask, tileSum, 2);
        tileWeighted += __shfl_xor_sync(kFullMask, tileWeighted, 1);
        tileWeighted += __shfl_xor_sync(kFullMask, tileWeighted, 2);
        const float factor = state[h].merge(newMax, tileSum, tileWeighted);
#pragma unroll
        for (int n = 0; n < 2 * kSteps; ++n) {
            o[n][2 * h] *= factor;
            o[n][2 * h + 1] *= factor;
        }
    }
    // O += P·V: P's C fragments of two n-tiles are the A fragment of a 16-key step; V's matrices
    // (transposed): keys 0-7 / 8-15 of the step, head-dim columns 0-7 / 8-15.
    const int vr = lane % 8 + 8 * (lane / 8 % 2), vc = 8 * (lane / 16);
#pragma unroll
    for (int step = 0; step < kTiles / 2; ++step) {
        const unsigned pa[4] = {packBf16(s[2 * step][0], s[2 * step][1]), packBf16(s[2 * step][2], s[2 * step][3]),
                                packBf16(s[2 * step + 1][0], s[2 * step + 1][1]), packBf16(s[2 * step + 1][2], s[2 * step + 1][3])};
#pragma unroll
        for (int c = 0; c < kSteps; ++c) {
            unsigned b[4];
            ldmatrixX4Trans(b, vs + (step * 16 + vr) * stride + c * 16 + vc);
            const unsigned b0[2] = {b[0], b[1]}, b1[2] = {b[2], b[3]};
            mmaBf16(o[2 * c], pa, b0);
            mmaBf16(o[2 * c + 1], pa, b1);
        }
    }
}

// This warp's 16 staged rows from `first` as mma.sync A fragments (matrices: rows 0-7 / 8-15,
// columns 0-7 / 8-15 of each 16-column step).
template <int kSteps, bool kSplitQ>
__device__ __forceinline__ void loadQFragments(const bf16* qHi, const bf16* qLo, int first, int lane, unsigned (&qa)[kSteps][4],
                                               unsigned (&qb)[kSteps][4]) {
    constexpr int stride = kSteps * 16 + kMmaPad;
    const int r = first + lane % 8 + 8 * (lane / 8 % 2), c = 8 * (lane / 16);
#pragma unroll
    for (int s = 0; s < kSteps; ++s) {
        ldmatrixX4(qa[s], qHi + r * stride + s * 16 + c);
        if (kSplitQ) ldmatrixX4(qb[s], qLo + r * stride + s * 16 + c);
    }
}

// Keys [k0, k0 + keys) of KV head kvHead into rows 0.. of ks and vs (rows of dp + kMmaPad bf16):
// cp.async where a 16-byte piece is whole (the cache's rows are 16-byte aligned when the head dim
// is a multiple of 8), zeros past lastKey and past the head dim; by thread `thread` of `threads`.
__device__ __forceinline__ void loadKvTile(const bf16* kCache, const bf16* vCache, int numKvHeads, int kvHead, int headDim, int dp,
                                           std::int64_t k0, int keys, std::int64_t lastKey, bf16* ks, bf16* vs, int thread,
                                           int threads) {
    const int stride = dp + kMmaPad, chunks = dp / 8;
    const bool vectors = headDim % 8 == 0;
    const bf16 zero = __float2bfloat16(0.0f);
    for (int i = thread; i < keys * chunks; i += threads) {
        const int r = i / chunks, c = i % chunks * 8;
        const std::int64_t key = k0 + r;
        const std::size_t at = (static_cast<std::size_t>(key) * numKvHeads + kvHead) * headDim + c;
        if (key <= lastKey && vectors && c < headDim) {
            cpAsync16(ks + r * stride + c, kCache + at);
            cpAsync16(vs + r * stride + c, vCache + at);
        } else {
            for (int e = 0; e < 8; ++e) {
                const bool inside = key <= lastKey && c + e < headDim;
                ks[r * stride + c + e] = inside ? kCache[at + e] : zero;
                vs[r * stride + c + e] = inside ? vCache[at + e] : zero;
            }
        }
    }
}

// Prefill attention on the tensor cores, pipelined (FlashAttention-2's layout): block (row tile,
// query head), four warps of 16 query rows each, keys in tiles of kMmaKeys. Q (bf16 and its bf16
// remainder) stays in registers as mma.sync A fragments for the whole kernel; K and V tiles go
// to shared memory with cp.async, the next tile's copies in flight while this one is multiplied
// (two buffers); the scores, the online softmax (fp32, entropy and sink terms as in attendKeys),
// P (bf16) and the output accumulator live in registers: a lane holds rows g and g + 8 of its
// warp's 16 (g = lane / 4), and the quad of lanes sharing a row reduces with two shuffles.
// Shared rows are padded by 8 bf16 so the eight row addresses of an ldmatrix fall in different
// banks. kSteps = the head dim padded to a multiple of 16, over 16. kSplitQ: Q·Kᵀ as (bf16 q +
// bf16 remainder)·K, two MMAs (the backend's choice); without it one MMA on bf16 q (a variant
// gpu-bench times, to weigh the accuracy against a third of the tensor work).
template <int kSteps, bool kSplitQ>
__global__ void __launch_bounds__(kMmaWarps * kWarp) flashAttentionMmaKernel(
    const float* q, int qStride, const bf16* kCache, const bf16* vCache, bf16* out, int tokens, std::int64_t startPos,
    int numHeads, int numKvHeads, int headDim, float* entropy, float* sink, int diagStride) {
    constexpr int dp = kSteps * 16, stride = dp + kMmaPad;
    QE_DYNAMIC_SHARED(FlashShared, raw);
    bf16* base = reinterpret_cast<bf16*>(raw);
    constexpr int region = kMmaKeys * stride;  // one K or V tile; Q's staging uses buffer 1
    static_assert(kMmaRows == kMmaKeys, "Q is staged in the second K/V buffer");
    auto kTile = [&](int buffer) { return base + (2 * buffer) * region; };
    auto vTile = [&](int buffer) { return base + (2 * buffer + 1) * region; };

    const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp, g = lane / 4, t = lane % 4;
    const int head = blockIdx.y, kvHead = head / (numHeads / numKvHeads);
    const int t0 = blockIdx.x * kMmaRows;
    const int rows = tokens - t0 < kMmaRows ? tokens - t0 : kMmaRows;
    const std::int64_t lastKey = startPos + t0 + rows - 1;
    const int tiles = static_cast<int>(lastKey / kMmaKeys) + 1;

    auto issue = [&](int tile, int buffer) {
        loadKvTile(kCache, vCache, numKvHeads, kvHead, headDim, dp, static_cast<std::int64_t>(tile) * kMmaKeys, kMmaKeys, lastKey,
                   kTile(buffer), vTile(buffer), static_cast<int>(threadIdx.x), kMmaWarps * kWarp);
    };
    issue(0, 0);
    cpAsyncCommit();

    // Q: bf16 and remainder staged in buffer 1, then A fragments for the whole kernel.
    bf16* qHi = kTile(1);
    bf16* qLo = vTile(1);
    stageQ(q + static_cast<std::size_t>(t0) * qStride + static_cast<std::size_t>(head) * headDim, qStride, rows, kMmaRows, headDim,
           dp, stride, qHi, qLo, kSplitQ);
    __syncthreads();
    unsigned qa[kSteps][4], qb[kSteps][4];  // hi, lo
    loadQFragments<kSteps, kSplitQ>(qHi, qLo, warp * 16, lane, qa, qb);
    __syncthreads();  // buffer 1 is free for K/V

    const int row0 = warp * 16 + g;  // this lane's rows: row0 and row0 + 8
    const std::int64_t rowPos[2] = {startPos + t0 + row0, startPos + t0 + row0 + 8};
    const bool rowValid[2] = {row0 < rows, row0 + 8 < rows};
    const std::int64_t warpLast = startPos + t0 + (warp * 16 + 15 < rows ? warp * 16 + 15 : rows - 1);
    SoftmaxState state[2];
    float firstScore[2] = {0.0f, 0.0f};
    float o[2 * kSteps][4] = {};

    for (int tile = 0; tile < tiles; ++tile) {
        if (tile + 1 < tiles) issue(tile + 1, (tile + 1) % 2);
        cpAsyncCommit();
        cpAsyncWait<1>();  // this tile's copies are done (the next one's may be in flight)
        __syncthreads();
        const std::int64_t k0 = static_cast<std::int64_t>(tile) * kMmaKeys;
        if (k0 <= warpLast && warp * 16 < rows)  // keys this warp's rows see
            mmaAttendTile<kSteps, kMmaKeys / 8, kSplitQ>(
                qa, qb, kTile(tile % 2), vTile(tile % 2), lane,
                [&](int key, int h) { return !rowValid[h] || k0 + key > rowPos[h]; }, tile == 0, state, firstScore, o);
        __syncthreads();  // the next iteration's copies overwrite the other buffer
    }
    cpAsyncWait<0>();
#pragma unroll
    for (int h = 0; h < 2; ++h) {
        const float first = __shfl_sync(kFullMask, firstScore[h], lane & ~3);
        if (!rowValid[h]) continue;
        const int row = row0 + 8 * h;
        const float inv = 1.0f / state[h].sum;
        bf16* dst = out + static_cast<std::size_t>(t0 + row) * numHeads * headDim + static_cast<std::size_t>(head) * headDim;
#pragma unroll
        for (int n = 0; n < 2 * kSteps; ++n)
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                const int dim = 8 * n + 2 * t + e;
                if (dim < headDim) dst[dim] = __float2bfloat16(o[n][2 * h + e] * inv);
            }
        if (entropy && t == 0) {
            entropy[static_cast<std::size_t>(t0 + row) * diagStride + head] = state[h].entropy();
            sink[static_cast<std::size_t>(t0 + row) * diagStride + head] = state[h].probability(first);
        }
    }
}

// Split-KV decode, first pass, on the tensor cores: block (kvHead, pair of splits), warp w takes
// split blockIdx.y·kDecodeMmaWarps + w. The G query heads of the KV head are the rows of the MMA
// tiles (rows G..15 are zeros and masked), staged once per block; each warp streams its split's
// keys in tiles of kDecodeMmaKeys through its own two cp.async buffers and writes the same
// partial (max, Σe, Σe·(s − m), score of its first key, unnormalised output) as
// attentionSplitKernel, for attentionMergeKernel.
template <int kSteps>
__global__ void __launch_bounds__(kDecodeMmaWarps * kWarp) attentionSplitMmaKernel(
    const float* q, const bf16* kCache, const bf16* vCache, float* partial, std::int64_t startPos, int numHeads, int numKvHeads,
    int headDim, int splitKeys, int splits, const int* devicePos) {
    constexpr int dp = kSteps * 16, stride = dp + kMmaPad, region = kDecodeMmaKeys * stride;
    QE_DYNAMIC_SHARED(FlashShared, raw);
    if (devicePos) startPos = *devicePos;
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp, g = lane / 4, t = lane % 4;
    const int group = numHeads / numKvHeads, kvHead = blockIdx.x;
    const int split = blockIdx.y * kDecodeMmaWarps + warp;
    bf16* qHi = reinterpret_cast<bf16*>(raw);
    bf16* qLo = qHi + 16 * stride;
    bf16* own = qLo + 16 * stride + warp * 4 * region;  // this warp's two K/V buffers
    auto kTile = [&](int buffer) { return own + 2 * buffer * region; };
    auto vTile = [&](int buffer) { return own + (2 * buffer + 1) * region; };
    stageQ(q + static_cast<std::size_t>(kvHead) * group * headDim, headDim, group, 16, headDim, dp, stride, qHi, qLo, true);
    __syncthreads();  // the block's only barrier: a warp without a split may leave after it
    if (split >= splits) return;
    unsigned qa[kSteps][4], qb[kSteps][4];
    loadQFragments<kSteps, true>(qHi, qLo, 0, lane, qa, qb);

    const std::int64_t begin = static_cast<std::int64_t>(split) * splitKeys;
    const std::int64_t end = begin + splitKeys < startPos + 1 ? begin + splitKeys : startPos + 1;
    const int tiles = static_cast<int>((end - begin + kDecodeMmaKeys - 1) / kDecodeMmaKeys);
    auto issue = [&](int tile, int buffer) {
        loadKvTile(kCache, vCache, numKvHeads, kvHead, headDim, dp, begin + static_cast<std::int64_t>(tile) * kDecodeMmaKeys,
                   kDecodeMmaKeys, end - 1, kTile(buffer), vTile(buffer), lane, kWarp);
    };
    issue(0, 0);
    cpAsyncCommit();
    const bool rowValid[2] = {g < group, g + 8 < group};
    SoftmaxState state[2];
    float firstScore[2] = {0.0f, 0.0f};
    float o[2 * kSteps][4] = {};
    for (int tile = 0; tile < tiles; ++tile) {
        if (tile + 1 < tiles) issue(tile + 1, (tile + 1) % 2);
        cpAsyncCommit();
        cpAsyncWait<1>();
        __syncwarp();  // every lane's copies of this tile are visible
        const std::int64_t k0 = begin + static_cast<std::int64_t>(tile) * kDecodeMmaKeys;
        mmaAttendTile<kSteps, kDecodeMmaKeys / 8, true>(
            qa, qb, kTile(tile % 2), vTile(tile % 2), lane, [&](int key, int h) { return !rowValid[h] || k0 + key >= end; },
            tile == 0, state, firstScore, o);
        __syncwarp();  // the next iteration's copies overwrite the other buffer
    }
    cpAsyncWait<0>();
#pragma unroll
    for (int h = 0; h < 2; ++h) {
        if (!rowValid[h]) continue;
        const int head = kvHead * group + g + 8 * h;
        float* out = partial + (static_cast<std::size_t>(head) * splits + split) * (headDim + 4);
        if (t == 0) {  // lane t = 0 scored the split's first key
            out[0] = state[h].max;
            out[1] = state[h].sum;
            out[2] = state[h].weighted;
            out[3] = firstScore[h];
        }
#pragma unroll
        for (int n = 0; n < 2 * kSteps; ++n)
#pragma unroll
            for (int e = 0; e < 2; ++e) {
                const int dim = 8 * n + 2 * t + e;
                if (dim < headDim) out[4 + dim] = o[n][2 * h + e];
            }
    }
}

// The tensor-core attention kernels by padded head dim: entry i for 16·(i + 1).
constexpr int kMmaInstances = kFlashMaxHeadDim / 16;
using FlashMmaFn = decltype(&flashAttentionMmaKernel<1, true>);
const FlashMmaFn kFlashMmaKernels[kMmaInstances] = {
    flashAttentionMmaKernel<1, true>, flashAttentionMmaKernel<2, true>, flashAttentionMmaKernel<3, true>,
    flashAttentionMmaKernel<4, true>, flashAttentionMmaKernel<5, true>, flashAttentionMmaKernel<6, true>,
    flashAttentionMmaKernel<7, true>, flashAttentionMmaKernel<8, true>};
using DecodeMmaFn = decltype(&attentionSplitMmaKernel<1>);
const DecodeMmaFn kDecodeMmaKernels[kMmaInstances] = {attentionSplitMmaKernel<1>, attentionSplitMmaKernel<2>,
                                                      attentionSplitMmaKernel<3>, attentionSplitMmaKernel<4>,
                                                      attentionSplitMmaKernel<5>, attentionSplitMmaKernel<6>,
                                                      attentionSplitMmaKernel<7>, attentionSplitMmaKernel<8>};

__global__ void __launch_bounds__(kGemvThreads) gemvKernel(const bf16* w, const bf16* x, float* y, int rows, int cols,
                                                           bool vectors) {
    const int lane = threadIdx.x % kWarp;
    const int row = blockIdx.x * (blockDim.x / kWarp) + threadIdx.x / kWarp;
    if (row >= rows) return;
    const bf16* r = w + static_cast<std::size_t>(row) * cols;
    float acc = 0.0f;
    if (vectors) {  // 8 bf16 per 16-byte load, two loads in flight per lane
        const uint4* r4 = reinterpret_cast<const uint4*>(r);
        const uint4* x4 = reinterpret_cast<const uint4*>(x);
        const int n = cols / 8;
        // A 32-bit word holds two bf16 (the lower address in the low half); a bf16 is the top half
        // of its float.
        auto dot2 = [](unsigned a, unsigned b) {
            return __uint_as_float(a << 16) * __uint_as_float(b << 16) +
                   __uint_as_float(a & 0xffff0000u) * __uint_as_float(b & 0xffff0000u);
        };
        auto dot8 = [&](const uint4& a, const uint4& b) { return dot2(a.x, b.x) + dot2(a.y, b.y) + dot2(a.z, b.z) + dot2(a.w, b.w); };
        int i = lane;
        for (; i + kWarp < n; i += 2 * kWarp) {
            const uint4 a0 = r4[i], a1 = r4[i + kWarp], b0 = x4[i], b1 = x4[i + kWarp];
            acc += dot8(a0, b0) + dot8(a1, b1);
        }
        if (i < n) acc += dot8(r4[i], x4[i]);
    } else {
        for (int i = lane; i < cols; i += kWarp) acc += __bfloat162float(r[i]) * __bfloat162float(x[i]);
    }
    acc = warpSum(acc);
    if (lane == 0) y[row] = acc;
}

__global__ void swiGluKernel(const float* gateUp, bf16* act, int inter, float* mlpRms, int rmsStride) {
    QE_DYNAMIC_SHARED(float, scratch);
    const int t = blockIdx.x;
    const float* gate = gateUp + static_cast<std::size_t>(t) * 2 * inter;
    const float* up = gate + inter;
    bf16* out = act + static_cast<std::size_t>(t) * inter;
    float sumSquares = 0.0f;
    for (int i = threadIdx.x; i < inter; i += blockDim.x) {
        const float g = gate[i];
        const float a = g / (1.0f + expf(-g)) * up[i];
        out[i] = __float2bfloat16(a);
        sumSquares += a * a;
    }
    if (!mlpRms) return;
    const float total = blockSum(sumSquares, scratch);
    if (threadIdx.x == 0) mlpRms[static_cast<std::size_t>(t) * rmsStride] = sqrtf(total / static_cast<float>(inter));
}

__global__ void attentionRowKernel(const float* q, const float* qNorm, const float* invFreq, float scaling, float eps,
                                   const bf16* kCache, int numKvHeads, int kvHead, int headDim, std::int64_t pos,
                                   float* probs) {
    QE_DYNAMIC_SHARED(float, shared);  // [kMaxHeadDim] query, then a float per warp
    float* qs = shared;
    float* scratch = shared + kMaxHeadDim;
    const int tid = threadIdx.x;
    if (tid < kWarp) {  // the first warp: q-norm and RoPE, as at position `pos` of the forward pass
        float sumSquares = 0.0f;
        for (int i = tid; i < headDim; i += kWarp) {
            qs[i] = q[i];
            sumSquares += q[i] * q[i];
        }
        sumSquares = warpSum(sumSquares);
        const float scale = 1.0f / sqrtf(sumSquares / static_cast<float>(headDim) + eps);
        for (int i = tid; i < headDim; i += kWarp) qs[i] = qs[i] * scale * qNorm[i];
        __syncwarp();
        const int half = headDim / 2;
        for (int j = tid; j < half; j += kWarp) {
            const float angle = static_cast<float>(pos) * invFreq[j];
            double s, c;
            sincos(static_cast<double>(angle), &s, &c);
            const float cf = static_cast<float>(c) * scaling, sf = static_cast<float>(s) * scaling;
            const float a = qs[j], b = qs[j + half];
            qs[j] = a * cf - b * sf;
            qs[j + half] = b * cf + a * sf;
        }
    }
    __syncthreads();
    const float scale = 1.0f / sqrtf(static_cast<float>(headDim));
    float localMax = -INFINITY;
    for (std::int64_t key = tid; key <= pos; key += blockDim.x) {
        const bf16* k = kCache + (static_cast<std::size_t>(key) * numKvHeads + kvHead) * headDim;
        float dot = 0.0f;
        for (int i = 0; i < headDim; ++i) dot += qs[i] * __bfloat162float(k[i]);
        probs[key] = dot * scale;
        localMax = fmaxf(localMax, probs[key]);
    }
    const float maxScore = blockMax(localMax, scratch);
    float localSum = 0.0f;
    for (std::int64_t key = tid; key <= pos; key += blockDim.x) {
        const float e = expf(probs[key] - maxScore);
        probs[key] = e;
        localSum += e;
    }
    const float inv = 1.0f / blockSum(localSum, scratch);
    for (std::int64_t key = tid; key <= pos; key += blockDim.x) probs[key] *= inv;
}

__device__ __forceinline__ std::uint64_t splitMix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

template <class T>
__global__ void fillUniformKernel(T* out, std::int64_t n, std::uint64_t seed, float scale) {
    const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
    for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        const std::uint64_t bits = splitMix64(seed ^ (static_cast<std::uint64_t>(i) * 0xd1b54a32d192ed03ull));
        const float unit = static_cast<float>(bits >> 40) * (1.0f / 16777216.0f);  // [0, 1)
        const float value = (2.0f * unit - 1.0f) * scale;
        if constexpr (std::is_same_v<T, bf16>)
            out[i] = __float2bfloat16(value);
        else
            out[i] = value;
    }
}

__global__ void fillFloatKernel(float* out, std::int64_t n, float value) {
    const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
    for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) out[i] = value;
}

__global__ void toBf16Kernel(const float* in, bf16* out, std::int64_t n) {
    const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n) out[i] = __float2bfloat16(in[i]);
}

}  // namespace

cudaError_t launchEmbed(const bf16* table, const int* ids, float* hidden, int tokens, int width, cudaStream_t stream) {
    auto shape = rowLaunch(tokens, width);
    if (!shape.ok()) return cudaErrorInvalidValue;
    QE_LAUNCH(embedKernel, gridOf(*shape), blockOf(*shape), 0, stream)(table, ids, hidden, width);
    return cudaGetLastError();
}

cudaError_t launchResidualNorm(float* hidden, const float* delta, const float* weight, bf16* out, int rows, int width,
                               float eps, HiddenKeep keep, float* residualRms, int rmsStride, cudaStream_t stream) {
    auto shape = rowLaunch(rows, width);
    if (!shape.ok()) return cudaErrorInvalidValue;
    QE_LAUNCH(residualNormKernel, gridOf(*shape), blockOf(*shape), shape->sharedBytes, stream)(
        hidden, delta, weight, out, width, eps, keep, residualRms, rmsStride);
    return cudaGetLastError();
}

cudaError_t launchRopeTable(const float* invFreq, float scaling, std::int64_t startPos, int tokens, int half, float* cosOut,
                            float* sinOut, cudaStream_t stream, const int* devicePos) {
    auto shape = flatLaunch(std::int64_t(tokens) * half);
    if (!shape.ok()) return cudaErrorInvalidValue;
    QE_LAUNCH(ropeTableKernel, gridOf(*shape), blockOf(*shape), 0, stream)(invFreq, scaling, startPos, tokens, half, cosOut,
                                                                           sinOut, devicePos);
    return cudaGetLastError();
}

cudaError_t launchQkNormRope(float* qkv, const float* qNorm, const float* kNorm, const float* cosTable,
                             const float* sinTable, bf16* kCache, bf16* vCache, int tokens, std::int64_t startPos,
                             int numHeads, int numKvHeads, int headDim, float eps, cudaStream_t stream, const int* devicePos) {
    auto shape = headLaunch(tokens, numHeads + 2 * numKvHeads);
    if (!shape.ok() || headDim > kMaxHeadDim || headDim % 2 != 0) return cudaErrorInvalidValue;
    QE_LAUNCH(qkNormRopeKernel, gridOf(*shape), blockOf(*shape), shape->sharedBytes, stream)(
        qkv, qNorm, kNorm, cosTable, sinTable, kCache, vCache, startPos, numHeads, numKvHeads, headDim, eps, devicePos);
    return cudaGetLastError();
}

cudaError_t launchAttention(const float* q, int qStride, const bf16* kCache, const bf16* vCache, bf16* out, int tokens,
                            std::int64_t startPos, int numHeads, int numKvHeads, int headDim, float* entropy, float* sink,
                            int diagStride, cudaStream_t stream, const int* devicePos) {
    auto shape = headLaunch(tokens, numHeads);
    if (!shape.ok() || headDim > kMaxHeadDim || headDim % 2 != 0 || numHeads % numKvHeads != 0) return cudaErrorInvalidValue;
    QE_LAUNCH(attentionKernel, gridOf(*shape), blockOf(*shape), shape->sharedBytes, stream)(
        q, qStride, kCache, vCache, out, startPos, numHeads, numKvHeads, headDim, entropy, sink, diagStride, devicePos);
    return cudaGetLastError();
}

cudaError_t launchFlashAttention(const float* q, int qStride, const bf16* kCache, const bf16* vCache, bf16* out, int tokens,
                                 std::int64_t startPos, int numHeads, int numKvHeads, int headDim, float* entropy, float* sink,
                                 int diagStride, cudaStream_t stream, FlashKernel kernel) {
    if (kernel == FlashKernel::Pipelined || kernel == FlashKernel::PipelinedBf16Q) {
        auto shape = flashMmaLaunch(tokens, numHeads, headDim);
        if (!shape.ok() || numKvHeads <= 0 || numHeads % numKvHeads != 0) return cudaErrorInvalidValue;
        // The bf16-q variant is measured for Qwen3's head dim only.
        const FlashMmaFn instance = kernel == FlashKernel::Pipelined ? kFlashMmaKernels[flashPaddedDim(headDim) / 16 - 1]
                                    : flashPaddedDim(headDim) == 128 ? flashAttentionMmaKernel<8, false>
                                                                     : nullptr;
        if (!instance) return cudaErrorInvalidValue;
        QE_LAUNCH(instance, gridOf(*shape), blockOf(*shape), shape->sharedBytes, stream)(
            q, qStride, kCache, vCache, out, tokens, startPos, numHeads, numKvHeads, headDim, entropy, sink, diagStride);
        return cudaGetLastError();
    }
    auto shape = flashLaunch(tokens, numHeads, headDim);
    if (!shape.ok() || numKvHeads <= 0 || numHeads % numKvHeads != 0) return cudaErrorInvalidValue;
    QE_LAUNCH(flashAttentionKernel, gridOf(*shape), blockOf(*shape), shape->sharedBytes, stream)(
        q, qStride, kCache, vCache, out, tokens, startPos, numHeads, numKvHeads, headDim, entropy, sink, diagStride);
    return cudaGetLastError();
}

cudaError_t launchAttentionSplit(const float* q, const bf16* kCache, const bf16* vCache, float* partial, std::int64_t startPos,
                                 int numHeads, int numKvHeads, int headDim, int splitKeys, cudaStream_t stream,
                                 const int* devicePos, DecodeKernel kernel) {
    if (headDim > kMaxHeadDim || headDim % 2 != 0 || numHeads % numKvHeads != 0 || splitKeys <= 0) return cudaErrorInvalidValue;
    const std::int64_t splits = decodeSplits(startPos + 1, splitKeys);
    if (kernel == DecodeKernel::TensorCores && decodeMmaApplies(numHeads / numKvHeads, headDim)) {
        auto shape = decodeSplitMmaLaunch(numKvHeads, numHeads / numKvHeads, headDim, splits);
        if (!shape.ok()) return cudaErrorInvalidValue;
        QE_LAUNCH(kDecodeMmaKernels[flashPaddedDim(headDim) / 16 - 1], gridOf(*shape), blockOf(*shape), shape->sharedBytes,
                  stream)(q, kCache, vCache, partial, startPos, numHeads, numKvHeads, headDim, splitKeys, static_cast<int>(splits),
                          devicePos);
        return cudaGetLastError();
    }
    auto shape = decodeSplitLaunch(numKvHeads, numHeads / numKvHeads, splits);
    if (!shape.ok()) return cudaErrorInvalidValue;
    QE_LAUNCH(attentionSplitKernel, gridOf(*shape), blockOf(*shape), shape->sharedBytes, stream)(
        q, kCache, vCache, partial, startPos, numHeads, numKvHeads, headDim, splitKeys, devicePos);
    return cudaGetLastError();
}

cudaError_t prepareAttentionKernels() {
    auto allow = [](const void* kernel, Result<LaunchShape> shape) {
        if (!shape.ok()) return cudaErrorInvalidValue;
        return cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shape->sharedBytes));
    };
    for (int i = 0; i < kMmaInstances; ++i) {
        const int headDim = 16 * (i + 1);
        if (const cudaError_t e = allow(reinterpret_cast<const void*>(kFlashMmaKernels[i]), flashMmaLaunch(kMmaRows, 1, headDim));
            e != cudaSuccess)
            return e;
        if (const cudaError_t e = allow(reinterpret_cast<const void*>(kDecodeMmaKernels[i]), decodeSplitMmaLaunch(1, 1, headDim, 1));
            e != cudaSuccess)
            return e;
    }
    if (const cudaError_t e = allow(reinterpret_cast<const void*>(flashAttentionMmaKernel<8, false>), flashMmaLaunch(kMmaRows, 1, 128));
        e != cudaSuccess)
        return e;
    return allow(reinterpret_cast<const void*>(flashAttentionKernel), flashLaunch(kFlashRows, 1, kFlashMaxHeadDim));
}

cudaError_t launchAttentionMerge(const float* partial, bf16* out, std::int64_t startPos, int numHeads, int headDim,
                                 int splitKeys, float* entropy, float* sink, cudaStream_t stream) {
    if (headDim > kMaxHeadDim || splitKeys <= 0 || numHeads <= 0) return cudaErrorInvalidValue;
    const auto splits = static_cast<int>(decodeSplits(startPos + 1, splitKeys));
    QE_LAUNCH(attentionMergeKernel, dim3(static_cast<unsigned>(numHeads)), dim3(kWarp), 0, stream)(
        partial, out, headDim, splits, entropy, sink);
    return cudaGetLastError();
}

cudaError_t launchGemv(const bf16* w, const bf16* x, float* y, int rows, int cols, cudaStream_t stream) {
    auto shape = gemvLaunch(rows, cols);
    if (!shape.ok()) return cudaErrorInvalidValue;
    const bool vectors = cols % 8 == 0 && (reinterpret_cast<std::uintptr_t>(w) | reinterpret_cast<std::uintptr_t>(x)) % 16 == 0;
    QE_LAUNCH(gemvKernel, gridOf(*shape), blockOf(*shape), 0, stream)(w, x, y, rows, cols, vectors);
    return cudaGetLastError();
}

cudaError_t launchSwiGlu(const float* gateUp, bf16* act, int tokens, int inter, float* mlpRms, int rmsStride,
                         cudaStream_t stream) {
    auto shape = rowLaunch(tokens, inter);
    if (!shape.ok()) return cudaErrorInvalidValue;
    QE_LAUNCH(swiGluKernel, gridOf(*shape), blockOf(*shape), shape->sharedBytes, stream)(gateUp, act, inter, mlpRms, rmsStride);
    return cudaGetLastError();
}

cudaError_t launchAttentionRow(const float* q, const float* qNorm, const float* invFreq, float scaling, float eps,
                               const bf16* kCache, int numKvHeads, int kvHead, int headDim, std::int64_t pos,
                               float* probs, cudaStream_t stream) {
    if (headDim > kMaxHeadDim || headDim % 2 != 0) return cudaErrorInvalidValue;
    QE_LAUNCH(attentionRowKernel, 1, kRowThreads, (kMaxHeadDim + kRowThreads / kWarp) * sizeof(float), stream)(q, qNorm, invFreq, scaling, eps, kCache, numKvHeads, kvHead, headDim,
                                                      pos, probs);
    return cudaGetLastError();
}

template <class T>
cudaError_t launchFillUniform(T* out, std::int64_t n, std::uint64_t seed, float scale, cudaStream_t stream) {
    if (n <= 0) return cudaSuccess;
    auto shape = flatLaunch(std::min<std::int64_t>(n, std::int64_t(1) << 22));  // grid-stride beyond 4 M threads
    if (!shape.ok()) return cudaErrorInvalidValue;
    QE_LAUNCH(fillUniformKernel<T>, gridOf(*shape), blockOf(*shape), 0, stream)(out, n, seed, scale);
    return cudaGetLastError();
}

cudaError_t launchFillUniformBf16(bf16* out, std::int64_t n, std::uint64_t seed, float scale, cudaStream_t stream) {
    return launchFillUniform(out, n, seed, scale, stream);
}

cudaError_t launchFillUniformF32(float* out, std::int64_t n, std::uint64_t seed, float scale, cudaStream_t stream) {
    return launchFillUniform(out, n, seed, scale, stream);
}

cudaError_t launchFillFloat(float* out, std::int64_t n, float value, cudaStream_t stream) {
    if (n <= 0) return cudaSuccess;
    auto shape = flatLaunch(std::min<std::int64_t>(n, std::int64_t(1) << 22));
    if (!shape.ok()) return cudaErrorInvalidValue;
    QE_LAUNCH(fillFloatKernel, gridOf(*shape), blockOf(*shape), 0, stream)(out, n, value);
    return cudaGetLastError();
}

cudaError_t launchToBf16(const float* in, bf16* out, std::int64_t n, cudaStream_t stream) {
    auto shape = flatLaunch(n);
    if (!shape.ok()) return cudaErrorInvalidValue;
    QE_LAUNCH(toBf16Kernel, gridOf(*shape), blockOf(*shape), 0, stream)(in, out, n);
    return cudaGetLastError();
}

}  // namespace qe::cuda
