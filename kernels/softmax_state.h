// Online softmax with entropy, shared by the CUDA attention kernels and their CPU unit test.
// Keys arrive in tiles; the state after any number of tiles gives, for scores s_i,
//   m = max s_i,  Z = Σ e^(s_i − m),  W = Σ e^(s_i − m)·(s_i − m),
// so that the attention entropy is H = log Z − W / Z (nats) without a log per key, and the
// weighted sum of values can be rescaled by e^(m_old − m_new) when the maximum moves.
#pragma once

#include <cmath>

#if defined(__CUDACC__)
#define QE_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define QE_HOST_DEVICE inline
#endif

namespace qe::cuda {

struct SoftmaxState {
    float max = -INFINITY;
    float sum = 0.0f;       // Z
    float weighted = 0.0f;  // W

    // Factor to multiply previously accumulated values (and Z, W) by when the maximum becomes
    // `newMax`; 0 while nothing was accumulated.
    QE_HOST_DEVICE float rescale(float newMax) const { return max == -INFINITY ? 0.0f : expf(max - newMax); }

    // Adds a tile whose maximum score is `tileMax`, given that tile's Σ e^(s − newMax) and
    // Σ e^(s − newMax)·(s − newMax), where newMax = merged(tileMax). Returns the factor the
    // caller applies to its value accumulator.
    QE_HOST_DEVICE float merge(float newMax, float tileSum, float tileWeighted) {
        const float factor = rescale(newMax);
        // Σ e^(s − m')·(s − m') over old keys = e^(m − m')·(W + Z·(m − m')).
        const float shift = max == -INFINITY ? 0.0f : max - newMax;
        weighted = factor * (weighted + sum * shift) + tileWeighted;
        sum = factor * sum + tileSum;
        max = newMax;
        return factor;
    }
    QE_HOST_DEVICE float merged(float tileMax) const { return fmaxf(max, tileMax); }

    QE_HOST_DEVICE float entropy() const { return sum > 0.0f ? fmaxf(0.0f, logf(sum) - weighted / sum) : 0.0f; }
    // Probability of a key whose score was `score`.
    QE_HOST_DEVICE float probability(float score) const { return sum > 0.0f ? expf(score - max) / sum : 0.0f; }
};

}  // namespace qe::cuda
