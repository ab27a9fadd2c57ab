#include "kernels/sampling.h"

#include <climits>
#include <cmath>

#include "kernels/device_common.h"

namespace qe::cuda {

namespace {

constexpr int kBins = 256;  // radix select: 8 bits per pass, 4 passes
constexpr int kWarps = kSampleThreads / kWarp;
static_assert(kSampleCandidates == kSampleThreads, "the sort and the scans give each thread one candidate");

struct SampleShared {
    double prefix[kSampleCandidates];  // inclusive prefix sums of the candidates' weights
    double doubles[kWarps];
    unsigned key[kSampleCandidates];   // candidates: order keys, then ids
    int id[kSampleCandidates];
    int hist[kBins];
    float floats[kWarps];
    int ints[kWarps];
    int vars[4];
};

__device__ __forceinline__ int smaller(int a, int b) { return a < b ? a : b; }

// Unsigned keys in the order of the floats (larger float, larger key); -0 counts as +0, as the
// CPU sampler's comparisons see them.
__device__ __forceinline__ unsigned orderKey(float v) {
    const unsigned u = __float_as_uint(v + 0.0f);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
__device__ __forceinline__ float keyValue(unsigned k) {
    return __uint_as_float((k & 0x80000000u) ? (k & 0x7fffffffu) : ~k);
}

struct RawKey {
    const float* logits;
    __device__ unsigned operator()(int i) const { return orderKey(logits[i]); }
};
struct ScaledKey {
    const float* logits;
    float temperature;
    __device__ float value(int i) const { return logits[i] / temperature; }  // as the CPU: logit / T in fp32
    __device__ unsigned operator()(int i) const { return orderKey(value(i)); }
};

// The `count` largest keys of ids [0, n) (count <= kSampleCandidates, count <= n) into
// s.key/s.id[0, count), sorted by key descending then id ascending (the CPU sampler's order);
// the rest of the arrays padded with entries that sort last.
template <class Key>
__device__ void selectTop(const Key& key, int n, int count, SampleShared& s) {
    const int tid = threadIdx.x, lane = tid % kWarp;
    // Radix select of the count-th largest key, 8 bits at a time from the top.
    unsigned prefix = 0, mask = 0;
    int remaining = count, equal = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        for (int b = tid; b < kBins; b += blockDim.x) s.hist[b] = 0;
        __syncthreads();
        for (int base = 0; base < n; base += blockDim.x) {
            const int i = base + tid;
            int bin = -1;
            if (i < n) {
                const unsigned k = key(i);
                if ((k & mask) == prefix) bin = static_cast<int>((k >> shift) & 0xffu);
            }
            // One atomic per distinct bin of a warp: the top bits of a row of logits are mostly alike.
            const unsigned peers = __match_any_sync(kFullMask, bin);
            if (bin >= 0 && __ffs(peers) - 1 == lane) atomicAdd(&s.hist[bin], __popc(peers));
        }
        __syncthreads();
        if (tid == 0) {
            int above = 0, b = kBins - 1;
            while (b > 0 && above + s.hist[b] < remaining) above += s.hist[b--];
            s.vars[0] = b;
            s.vars[1] = remaining - above;
            s.vars[2] = s.hist[b];
        }
        __syncthreads();
        prefix |= static_cast<unsigned>(s.vars[0]) << shift;
        mask |= 0xffu << shift;
        remaining = s.vars[1];
        equal = s.vars[2];
    }
    // `prefix` is the count-th largest key: every larger key is a candidate, and `remaining` of
    // the `equal` keys equal to it.
    if (tid == 0) s.vars[3] = 0;
    __syncthreads();
    const bool allEqual = remaining == equal;
    for (int i = tid; i < n; i += blockDim.x) {
        const unsigned k = key(i);
        if (k > prefix || (allEqual && k == prefix)) {
            const int slot = atomicAdd(&s.vars[3], 1);
            s.key[slot] = k;
            s.id[slot] = i;
        }
    }
    __syncthreads();
    if (!allEqual && tid == 0) {  // ties across the cut: the lowest ids, in one pass (rare)
        int slot = s.vars[3];
        for (int i = 0; i < n && slot < count; ++i)
            if (key(i) == prefix) {
                s.key[slot] = prefix;
                s.id[slot++] = i;
            }
    }
    for (int j = count + tid; j < kSampleCandidates; j += blockDim.x) {
        s.key[j] = 0;
        s.id[j] = INT_MAX;
    }
    __syncthreads();
    // Bitonic sort, a candidate per thread: runs of `size` alternate direction, the last is ours.
    for (int size = 2; size <= kSampleCandidates; size <<= 1) {
        for (int stride = size / 2; stride > 0; stride >>= 1) {
            const int other = tid ^ stride;
            if (other > tid) {
                const unsigned ka = s.key[tid], kb = s.key[other];
                const int ia = s.id[tid], ib = s.id[other];
                const bool inOrder = ka > kb || (ka == kb && ia < ib);
                if (((tid & size) == 0) != inOrder) {
                    s.key[tid] = kb;
                    s.key[other] = ka;
                    s.id[tid] = ib;
                    s.id[other] = ia;
                }
            }
            __syncthreads();
        }
    }
}

// One block of kSampleThreads threads. Steps and their order are core/sampler.cpp's.
__global__ void __launch_bounds__(kSampleThreads) sampleKernel(SampleArgs a) {
    QE_DYNAMIC_SHARED(double, sharedMemory);
    SampleShared& s = *reinterpret_cast<SampleShared*>(sharedMemory);
    SampleOutput& out = *a.out;
    const int tid = threadIdx.x, n = a.limit;
    float* l = a.logits;

    // The raw distribution: max, Σ exp(l - max) in double, argmax (lowest id on ties).
    float localMax = -INFINITY;
    for (int i = tid; i < n; i += blockDim.x) localMax = fmaxf(localMax, l[i]);
    const float rawMax = blockReduce(localMax, s.floats, MaxOp{}, -INFINITY);
    double localSum = 0.0;
    int localArg = INT_MAX;
    for (int i = tid; i < n; i += blockDim.x) {
        localSum += exp(static_cast<double>(l[i] - rawMax));
        if (l[i] == rawMax) localArg = smaller(localArg, i);
    }
    const double rawSum = blockReduce(localSum, s.doubles, AddOp{}, 0.0);
    const int argmax = blockReduce(localArg, s.ints, MinOp{}, INT_MAX);
    auto rawProb = [&](int id) { return static_cast<float>(exp(static_cast<double>(l[id] - rawMax)) / rawSum); };

    // Alternatives: the k most likely under the raw distribution (before any penalty).
    if (a.alternatives > 0) {
        const int k = smaller(a.alternatives, n);
        selectTop(RawKey{l}, n, k, s);
        for (int j = tid; j < k; j += blockDim.x) out.alt[j] = SampleAlternative{s.id[j], rawProb(s.id[j])};
        if (tid == 0) out.alternatives = k;
        __syncthreads();
    } else if (tid == 0) {
        out.alternatives = 0;
    }

    if (a.greedy) {
        if (tid == 0) {
            out.decided = 1;
            out.token = argmax;
            out.prob = rawProb(argmax);
        }
        return;
    }
    const bool cut = a.topK > 0 && a.topK < n;
    if (cut && a.topK > kSampleCandidates) {  // the host checks first (sampleFitsDevice)
        if (tid == 0) out.decided = 0;
        return;
    }

    // 1-2. Penalties, in place; the raw values are put back at the end.
    const int repetition = a.repetitionPenalty != 1.0f ? a.repetitionCount : 0;
    const int presence = a.presencePenalty != 0.0f ? a.presenceCount : 0;
    const int* presenceIds = a.penaltyIds + a.repetitionCount;
    float* presenceSaved = a.saved + a.repetitionCount;
    for (int j = tid; j < repetition; j += blockDim.x) {
        const int id = a.penaltyIds[j];
        const float v = l[id];
        a.saved[j] = v;
        l[id] = v > 0.0f ? v / a.repetitionPenalty : v * a.repetitionPenalty;
    }
    __syncthreads();
    for (int j = tid; j < presence; j += blockDim.x) {
        const int id = presenceIds[j];
        presenceSaved[j] = l[id];
        l[id] -= a.presencePenalty;
    }
    __syncthreads();

    // 3-4. Temperature; the candidates are the top-k, or without a cut the most likely kSampleCandidates.
    const int count = cut ? a.topK : smaller(kSampleCandidates, n);
    const ScaledKey scaled{l, a.temperature};
    selectTop(scaled, n, count, s);
    const float top = keyValue(s.key[0]);
    // Weights e = exp(v - v_0) of the candidates and their inclusive prefix sums.
    const double e = tid < count ? exp(static_cast<double>(keyValue(s.key[tid]) - top)) : 0.0;
    s.prefix[tid] = e;
    __syncthreads();
    for (int offset = 1; offset < kSampleCandidates; offset <<= 1) {
        const double add = tid >= offset ? s.prefix[tid - offset] : 0.0;
        __syncthreads();
        s.prefix[tid] += add;
        __syncthreads();
    }
    // The kept set: `kept` tokens (the top-k, or all of [0, n)) of total weight `total`.
    int kept = cut ? count : n;
    double total = 0.0;
    if (kept <= count) {
        total = s.prefix[kept - 1];
    } else {
        double local = 0.0;
        for (int i = tid; i < n; i += blockDim.x) local += exp(static_cast<double>(scaled.value(i) - top));
        total = blockReduce(local, s.doubles, AddOp{}, 0.0);
    }
    // The first candidate where `flag` holds (INT_MAX: none). Called by every thread alike.
    auto firstWhere = [&](bool flag) { return blockReduce(flag ? tid : INT_MAX, s.ints, MinOp{}, INT_MAX); };
    const int visible = smaller(kept, count);
    bool decided = true;
    // 5. Top-p: cut at the first position whose tail (its mass and all after it) is <= 1 - top_p.
    if (a.topP < 1.0f) {
        const double tail = (total - (s.prefix[tid] - e)) / total;
        const int first = firstWhere(tid >= 1 && tid < visible && tail <= 1.0 - static_cast<double>(a.topP));
        if (first != INT_MAX) {
            kept = first;
            total = s.prefix[kept - 1];
        } else if (kept > count) {
            decided = false;  // the cut lies beyond the candidates
        }
    }
    // 6. Min-p: cut at the first probability below min_p times the largest.
    if (decided && a.minP > 0.0f) {
        const double threshold = static_cast<double>(a.minP) * (1.0 / total);
        const int first = firstWhere(tid >= 1 && tid < smaller(kept, count) && e / total < threshold);
        if (first != INT_MAX) {
            kept = first;
            total = s.prefix[kept - 1];
        } else if (kept > count) {
            decided = false;
        }
    }
    // 7. The draw: the first candidate whose cumulative probability exceeds u.
    int chosen = 0;
    if (decided) {
        const int first = firstWhere(tid < smaller(kept, count) && a.uniform < s.prefix[tid] / total);
        if (first != INT_MAX) chosen = first;
        else if (kept <= count) chosen = kept - 1;  // rounding: the last kept, as the CPU sampler
        else decided = false;                         // u falls in the tail beyond the candidates
    }

    // Raw logits back (presence first: a token can carry both penalties).
    for (int j = tid; j < presence; j += blockDim.x) l[presenceIds[j]] = presenceSaved[j];
    __syncthreads();
    for (int j = tid; j < repetition; j += blockDim.x) l[a.penaltyIds[j]] = a.saved[j];
    __syncthreads();
    if (tid == 0) {
        out.decided = decided ? 1 : 0;
        if (decided) {
            out.token = s.id[chosen];
            out.prob = rawProb(out.token);
        }
    }
}

}  // namespace

cudaError_t launchSample(const SampleArgs& args, cudaStream_t stream) {
    if (args.limit < 1 || !args.logits || !args.out || !(args.greedy || args.temperature > 0.0f) ||
        args.alternatives > kSampleCandidates || args.repetitionCount < 0 || args.presenceCount < 0 ||
        ((args.repetitionCount > 0 || args.presenceCount > 0) && (!args.penaltyIds || !args.saved)))
        return cudaErrorInvalidValue;
    QE_LAUNCH(sampleKernel, dim3(1), dim3(kSampleThreads), sizeof(SampleShared), stream)(args);
    return cudaGetLastError();
}

}  // namespace qe::cuda
