// Next-token selection (spec §6.3): greedy, or HF's warper order — repetition penalty,
// presence penalty, temperature, top-k, top-p, min-p — then a draw from a seeded generator, so
// the same seed and logits give the same tokens on every run.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "core/result.h"

namespace qe {

// One entry of a top-k list.
struct TokenProb {
    int id = 0;
    float prob = 0.0f;
};

struct SamplingParams {
    bool greedy = false;
    float temperature = 1.0f;      // > 0 unless greedy
    std::int64_t topK = 0;         // 0: off
    float topP = 1.0f;             // 1: off
    float minP = 0.0f;             // 0: off
    float repetitionPenalty = 1.0f;  // HF: logit / p if > 0 else logit * p, tokens seen in prompt or output
    float presencePenalty = 0.0f;    // vLLM: logit -= p for tokens already generated
    std::uint64_t seed = 0;
};

// Validates ranges; the message names the parameter.
Status validateSampling(const SamplingParams& params);

class Sampler {
public:
    // `maskFrom`: ids >= maskFrom (padding rows beyond the tokenizer, spec §5.5) are never chosen;
    // negative: nothing masked.
    Sampler(const SamplingParams& params, std::int64_t maskFrom = -1);

    // Picks a token from `logits` (modified in place). `context` is every token so far (prompt +
    // generated) for the repetition penalty; `generated` the output so far for the presence
    // penalty. `prob` receives the chosen token's probability under the unmodified model
    // distribution (softmax of the raw logits).
    int sample(std::span<float> logits, std::span<const int> context, std::span<const int> generated, float* prob = nullptr);

    // The same with the draw given: `uniform` is what drawUniform() returned for this token (a
    // backend that samples on its device takes the draw from here and passes the rare row it
    // cannot decide back, with the same draw). Greedy ignores it.
    int sampleWith(double uniform, std::span<float> logits, std::span<const int> context, std::span<const int> generated,
                   float* prob = nullptr);
    // The next draw in [0, 1) from the seeded generator: one per non-greedy token.
    double drawUniform();

private:
    SamplingParams m_params;
    std::int64_t m_maskFrom;
    std::mt19937_64 m_rng;
    // Reused across calls so sampling allocates only on the first token.
    std::vector<std::pair<float, int>> m_candidates;  // (logit / T, id)
    std::vector<double> m_probs;                      // probabilities of m_candidates
    std::vector<float> m_raw;                         // logits before any processor
    std::vector<int> m_unique;                        // distinct ids of a penalty window
};

}  // namespace qe
