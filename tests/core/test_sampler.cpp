// Sampler: greedy ties, HF warper semantics on hand-computed distributions, seeds, masking.
#include <QtTest>

#include <cmath>
#include <map>

#include "core/sampler.h"

using namespace qe;

namespace {

// Empirical distribution of `draws` samples.
std::map<int, double> histogram(const SamplingParams& p, const std::vector<float>& logits, int draws, std::int64_t maskFrom = -1) {
    Sampler sampler(p, maskFrom);
    std::map<int, double> counts;
    for (int i = 0; i < draws; ++i) {
        std::vector<float> l = logits;
        counts[sampler.sample(l, {}, {})] += 1.0 / draws;
    }
    return counts;
}

}  // namespace

class TestSampler : public QObject {
    Q_OBJECT
private slots:
    void greedyLowestIdOnTies() {
        Sampler s({.greedy = true});
        std::vector<float> l = {0.f, 3.f, 1.f, 3.f};
        float prob = 0;
        QCOMPARE(s.sample(l, {}, {}, &prob), 1);
        // softmax([0,3,1,3])[1] = e^3 / (1 + 2e^3 + e)
        const double expected = std::exp(3.0) / (1.0 + 2.0 * std::exp(3.0) + std::exp(1.0));
        QVERIFY(std::abs(prob - expected) < 1e-6);
    }
    void greedyRespectsMask() {
        Sampler s({.greedy = true}, 3);
        std::vector<float> l = {0.f, 1.f, 2.f, 9.f, 9.f};
        QCOMPARE(s.sample(l, {}, {}), 2);
    }
    void topKKeepsK() {
        // Logits ln(p) for p = [0.4, 0.3, 0.2, 0.1]; top-k 2 renormalises to [4/7, 3/7].
        const std::vector<float> l = {std::log(0.4f), std::log(0.3f), std::log(0.2f), std::log(0.1f)};
        auto h = histogram({.topK = 2, .seed = 7}, l, 20000);
        QCOMPARE(h.count(2) + h.count(3), size_t(0));
        QVERIFY(std::abs(h[0] - 4.0 / 7.0) < 0.02);
    }
    void topPDropsTail() {
        // HF: drop ascending-cumulative mass <= 1 - top_p. p = [0.5, 0.3, 0.15, 0.05], top_p 0.75:
        // ascending cumsum 0.05, 0.20, 0.50 -> tokens 3 and 2 dropped (<= 0.25), keep {0, 1}.
        const std::vector<float> l = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
        auto h = histogram({.topP = 0.75f, .seed = 3}, l, 20000);
        QCOMPARE(h.count(2) + h.count(3), size_t(0));
        QVERIFY(std::abs(h[0] - 0.625) < 0.02);
    }
    void minPRelativeToTop() {
        // min_p 0.25: keep p >= 0.25 * 0.5 = 0.125 -> {0, 1, 2}.
        const std::vector<float> l = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
        auto h = histogram({.minP = 0.25f, .seed = 5}, l, 20000);
        QCOMPARE(h.count(3), size_t(0));
        QVERIFY(h.count(2) == 1);
    }
    void temperatureSharpens() {
        // T = 0.5 squares probabilities: [0.6, 0.4] -> [0.36, 0.16] / 0.52.
        const std::vector<float> l = {std::log(0.6f), std::log(0.4f)};
        auto h = histogram({.temperature = 0.5f, .seed = 11}, l, 40000);
        QVERIFY(std::abs(h[0] - 0.36 / 0.52) < 0.015);
    }
    void repetitionPenaltyHfRule() {
        // HF: positive logits divided, negative multiplied. With penalty 2 and context {0, 1}:
        // [2, -1, 1.5] -> [1, -2, 1.5], so greedy picks 2... but sampling at T->tiny ~ argmax.
        SamplingParams p{.temperature = 0.01f, .repetitionPenalty = 2.0f, .seed = 1};
        Sampler s(p);
        std::vector<float> l = {2.f, -1.f, 1.5f};
        const int context[] = {0, 1};
        QCOMPARE(s.sample(l, context, {}), 2);
        QCOMPARE(l[0], 1.0f);
        QCOMPARE(l[1], -2.0f);
    }
    void presencePenaltyOnGenerated() {
        SamplingParams p{.temperature = 0.01f, .presencePenalty = 1.5f, .seed = 1};
        Sampler s(p);
        std::vector<float> l = {2.f, 1.f};
        const int generated[] = {0};
        QCOMPARE(s.sample(l, generated, generated), 1);
    }
    void seedsReproduce() {
        const std::vector<float> l = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
        SamplingParams p{.temperature = 1.0f, .seed = 42};
        Sampler a(p), b(p), c({.temperature = 1.0f, .seed = 43});
        std::vector<int> ra, rb, rc;
        for (int i = 0; i < 64; ++i) {
            auto x = l, y = l, z = l;
            ra.push_back(a.sample(x, {}, {}));
            rb.push_back(b.sample(y, {}, {}));
            rc.push_back(c.sample(z, {}, {}));
        }
        QCOMPARE(ra, rb);
        QVERIFY(ra != rc);
    }
    void sampledMaskNeverChosen() {
        std::vector<float> l(10, 0.0f);
        l[9] = 50.0f;  // a padding row with a huge logit
        auto h = histogram({.seed = 9}, l, 2000, 9);
        QCOMPARE(h.count(9), size_t(0));
    }
    void validation() {
        QVERIFY(!validateSampling({.temperature = 0.0f}).ok());
        QVERIFY(validateSampling({.greedy = true, .temperature = 0.0f}).ok());
        QVERIFY(!validateSampling({.topP = 0.0f}).ok());
        QVERIFY(!validateSampling({.minP = 1.5f}).ok());
        QVERIFY(!validateSampling({.topK = -1}).ok());
    }
};

QTEST_APPLESS_MAIN(TestSampler)
#include "test_sampler.moc"
