// Next-token choice on the device (issue #5): the CPU sampler's rules (core/sampler.h: greedy,
// or repetition penalty, presence penalty, temperature, top-k, top-p, min-p and a draw) applied
// to the logits row the LM head left on the device, so only the token, its probability and the
// requested alternatives come back to the host. The draw `uniform` comes from the host's seeded
// generator, so a seed gives the same tokens on either side (up to the last bits of the sums).
#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime.h>

#include "kernels/plan.h"

namespace qe::cuda {

struct SampleAlternative {
    int id;
    float prob;
};

struct SampleOutput {
    int decided;       // 0: the kept set reaches past the candidates; the host decides from the row
    int token;
    float prob;        // of `token` under softmax(raw logits[0, limit))
    int alternatives;  // entries of `alt`, most likely first (raw distribution, lower id on ties)
    SampleAlternative alt[kSampleCandidates];
};
// The bytes of SampleOutput worth copying back for `alternatives` entries.
inline std::size_t sampleOutputBytes(std::int64_t alternatives) {
    return offsetof(SampleOutput, alt) + static_cast<std::size_t>(alternatives) * sizeof(SampleAlternative);
}

struct SampleArgs {
    float* logits = nullptr;  // [limit...]: penalised in place during the kernel, restored before it ends
    int limit = 0;            // ids >= limit are never chosen
    bool greedy = false;
    float temperature = 1.0f;
    int topK = 0;
    float topP = 1.0f, minP = 0.0f;
    float repetitionPenalty = 1.0f, presencePenalty = 0.0f;
    const int* penaltyIds = nullptr;  // distinct ids of the repetition penalty, then those of the presence penalty
    int repetitionCount = 0, presenceCount = 0;
    float* saved = nullptr;           // scratch [repetitionCount + presenceCount]
    double uniform = 0.0;             // in [0, 1), unused when greedy
    int alternatives = 0;             // at most kSampleCandidates
    SampleOutput* out = nullptr;
};

cudaError_t launchSample(const SampleArgs& args, cudaStream_t stream);

}  // namespace qe::cuda
