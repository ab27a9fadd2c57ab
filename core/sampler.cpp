#include "core/sampler.h"

#include <algorithm>
#include <cmath>

namespace qe {

Status validateSampling(const SamplingParams& p) {
    auto bad = [](const char* what) { return makeError(ErrorCode::InvalidArgument, what); };
    if (!p.greedy && !(p.temperature > 0.0f)) return bad("temperature must be positive (use greedy for argmax)");
    if (p.topK < 0) return bad("top-k must not be negative");
    if (!(p.topP > 0.0f && p.topP <= 1.0f)) return bad("top-p must be in (0, 1]");
    if (!(p.minP >= 0.0f && p.minP <= 1.0f)) return bad("min-p must be in [0, 1]");
    if (!(p.repetitionPenalty > 0.0f)) return bad("repetition penalty must be positive");
    if (!std::isfinite(p.presencePenalty)) return bad("presence penalty must be finite");
    return {};
}

Sampler::Sampler(const SamplingParams& params, std::int64_t maskFrom)
    : m_params(params), m_maskFrom(maskFrom), m_rng(params.seed) {}

double Sampler::drawUniform() { return static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }

int Sampler::sample(std::span<float> logits, std::span<const int> context, std::span<const int> generated, float* prob) {
    return sampleWith(m_params.greedy ? 0.0 : drawUniform(), logits, context, generated, prob);
}

int Sampler::sampleWith(double uniform, std::span<float> logits, std::span<const int> context, std::span<const int> generated,
                        float* prob) {
    const std::int64_t vocab = static_cast<std::int64_t>(logits.size());
    const std::int64_t limit = m_maskFrom >= 0 ? std::min(m_maskFrom, vocab) : vocab;

    // Probability of the chosen token under the raw model distribution (before any warper).
    auto rawProbability = [&](int id, const std::vector<float>* raw) {
        const float* l = raw ? raw->data() : logits.data();
        float maxLogit = -INFINITY;
        for (std::int64_t i = 0; i < limit; ++i) maxLogit = std::max(maxLogit, l[i]);
        double sum = 0.0;
        for (std::int64_t i = 0; i < limit; ++i) sum += std::exp(static_cast<double>(l[i] - maxLogit));
        return static_cast<float>(std::exp(static_cast<double>(l[id] - maxLogit)) / sum);
    };

    if (m_params.greedy) {
        // Argmax, lowest id on ties.
        int best = 0;
        for (std::int64_t i = 1; i < limit; ++i)
            if (logits[i] > logits[best]) best = static_cast<int>(i);
        if (prob) *prob = rawProbability(best, nullptr);
        return best;
    }

    if (prob) m_raw.assign(logits.begin(), logits.end());

    // Each distinct in-vocabulary id of `ids` once (a penalty applies once per token id).
    auto distinct = [&](std::span<const int> ids) -> const std::vector<int>& {
        m_unique.assign(ids.begin(), ids.end());
        std::sort(m_unique.begin(), m_unique.end());
        m_unique.erase(std::unique(m_unique.begin(), m_unique.end()), m_unique.end());
        std::erase_if(m_unique, [&](int id) { return id < 0 || id >= vocab; });
        return m_unique;
    };
    // 1. Repetition penalty over prompt and output (HF RepetitionPenaltyLogitsProcessor).
    if (m_params.repetitionPenalty != 1.0f) {
        for (int id : distinct(context)) {
            float& l = logits[id];
            l = l > 0.0f ? l / m_params.repetitionPenalty : l * m_params.repetitionPenalty;
        }
    }
    // 2. Presence penalty over generated tokens (vLLM semantics; HF has none).
    if (m_params.presencePenalty != 0.0f) {
        for (int id : distinct(generated)) logits[id] -= m_params.presencePenalty;
    }

    // 3. Temperature, then candidates sorted by logit (descending; lower id first on ties).
    m_candidates.clear();
    for (std::int64_t i = 0; i < limit; ++i) m_candidates.emplace_back(logits[i] / m_params.temperature, static_cast<int>(i));
    auto byLogit = [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
    std::size_t keep = m_candidates.size();
    // 4. Top-k.
    if (m_params.topK > 0 && static_cast<std::size_t>(m_params.topK) < keep) {
        keep = static_cast<std::size_t>(m_params.topK);
        std::nth_element(m_candidates.begin(), m_candidates.begin() + static_cast<std::ptrdiff_t>(keep), m_candidates.end(), byLogit);
        m_candidates.resize(keep);
    }
    std::sort(m_candidates.begin(), m_candidates.end(), byLogit);

    auto probabilities = [&](std::vector<double>& p) {
        p.resize(m_candidates.size());
        const float maxLogit = m_candidates.front().first;
        double sum = 0.0;
        for (std::size_t i = 0; i < m_candidates.size(); ++i) sum += (p[i] = std::exp(static_cast<double>(m_candidates[i].first - maxLogit)));
        for (double& v : p) v /= sum;
    };
    std::vector<double>& p = m_probs;
    // 5. Top-p (HF TopPLogitsWarper): drop the least likely tokens whose cumulative probability,
    //    counted from the least likely, stays <= 1 - top_p; always keep the most likely one.
    if (m_params.topP < 1.0f) {
        probabilities(p);
        double tail = 0.0;
        std::size_t newKeep = m_candidates.size();
        for (std::size_t i = m_candidates.size(); i-- > 1;) {
            tail += p[i];
            if (tail <= 1.0 - static_cast<double>(m_params.topP)) newKeep = i;
            else break;
        }
        m_candidates.resize(newKeep);
    }
    // 6. Min-p (HF MinPLogitsWarper): drop tokens whose probability < min_p · max probability.
    if (m_params.minP > 0.0f) {
        probabilities(p);
        const double threshold = static_cast<double>(m_params.minP) * p.front();
        std::size_t newKeep = 1;
        while (newKeep < m_candidates.size() && p[newKeep] >= threshold) ++newKeep;
        m_candidates.resize(newKeep);
    }
    // 7. Draw.
    probabilities(p);
    const double u = uniform;
    double cumulative = 0.0;
    int chosen = m_candidates.back().second;
    for (std::size_t i = 0; i < m_candidates.size(); ++i) {
        cumulative += p[i];
        if (u < cumulative) {
            chosen = m_candidates[i].second;
            break;
        }
    }
    if (prob) *prob = rawProbability(chosen, &m_raw);
    return chosen;
}

}  // namespace qe
