// The plain C++ half of the CUDA backend (kernels/plan.h, kernels/softmax_state.h).
#include <QtTest>

#include <bit>
#include <random>

#include "core/model_info.h"
#include "kernels/plan.h"
#include "kernels/softmax_state.h"

using namespace qe;
using namespace qe::cuda;

class TestCudaPlan : public QObject {
    Q_OBJECT

private slots:
    void everyPresetFitsTheKernels() {
        for (const std::string& name : presetNames()) {
            auto config = presetConfig(name);
            QVERIFY(config);
            Status s = checkModelShape(*config);
            QVERIFY2(s.ok(), (name + ": " + (s.ok() ? "" : s.error().message)).c_str());
        }
    }

    void badShapesAreRefusedWithTheValue() {
        ModelConfig c = *presetConfig("tiny");
        c.headDim = 17;
        Status odd = checkModelShape(c);
        QVERIFY(!odd.ok());
        QCOMPARE(odd.error().code, ErrorCode::Unsupported);
        QVERIFY(odd.error().message.find("17") != std::string::npos);
        c.headDim = 512;
        QVERIFY(!checkModelShape(c).ok());
        c = *presetConfig("tiny");
        c.numKeyValueHeads = 3;  // 4 query heads do not split into 3 groups
        QVERIFY(!checkModelShape(c).ok());
    }

    // Every launch covers its work with whole warps and stays inside CUDA's grid limits.
    void rowLaunchCoversTheRow_data() {
        QTest::addColumn<qint64>("rows");
        QTest::addColumn<qint64>("width");
        QTest::newRow("decode 32B hidden") << qint64(1) << qint64(5120);
        QTest::newRow("prefill 32B intermediate") << qint64(128) << qint64(25600);
        QTest::newRow("tiny odd") << qint64(3) << qint64(17);
        QTest::newRow("one element") << qint64(1) << qint64(1);
    }
    void rowLaunchCoversTheRow() {
        QFETCH(qint64, rows);
        QFETCH(qint64, width);
        auto s = rowLaunch(rows, width);
        QVERIFY(s.ok());
        QCOMPARE(s->grid[0], rows);
        QCOMPARE(s->block[0] % kWarp, 0);
        QVERIFY(s->block[0] >= kWarp && s->block[0] <= kRowThreads);
        QVERIFY(s->block[0] <= std::max<qint64>(kWarp, ((width + kWarp - 1) / kWarp) * kWarp));
        QVERIFY(s->sharedBytes >= std::size_t(s->block[0] / kWarp) * sizeof(float));
    }

    void headLaunchHasAWarpPerHead() {
        for (auto [tokens, heads] : {std::pair<qint64, qint64>{1, 64}, {128, 64 + 2 * 8}, {7, 5}, {4096, 40}}) {
            auto s = headLaunch(tokens, heads);
            QVERIFY(s.ok());
            QCOMPARE(s->block[0], kWarp);
            QCOMPARE(s->grid[1], tokens);
            QVERIFY(s->grid[0] * s->block[1] >= heads);
            QVERIFY((s->grid[0] - 1) * s->block[1] < heads);  // no block without work
            QVERIFY(s->sharedBytes >= std::size_t(s->block[1]) * kMaxHeadDim * sizeof(float));
            QVERIFY(s->threadsPerBlock() <= 1024);
        }
        QVERIFY(!headLaunch(kMaxGridY + 1, 8).ok());  // grid.y limit: the caller chunks instead
        QVERIFY(!headLaunch(0, 8).ok());
    }

    void flatLaunchCoversEveryElement() {
        for (qint64 n : {qint64(1), qint64(255), qint64(256), qint64(257), qint64(128) * 25600 * 2}) {
            auto s = flatLaunch(n);
            QVERIFY(s.ok());
            QVERIFY(s->blocks() * s->threadsPerBlock() >= n);
            QVERIFY((s->blocks() - 1) * s->threadsPerBlock() < n);
        }
    }

    // Spec §8: Qwen3-32B keeps 256 KiB of bf16 K/V per token (64 layers × 8 KV heads × 128 × 2 × 2).
    void memoryEstimateOf32B() {
        const ModelConfig c = *presetConfig("32b");
        QCOMPARE(kvBytesPerToken(c), std::uint64_t(262144));
        QCOMPARE(kvBytesPerToken(c), std::uint64_t(computeModelSizes(c).kvBytesPerTokenBf16));
        CudaBackendOptions o;
        o.maxContext = 131072;
        o.maxChunk = 128;
        o.hiddenBudgetBytes = 512ull << 20;
        const DeviceMemoryEstimate e = estimateDeviceMemory(c, o);
        // Weights: 2 bytes per matrix parameter (norm vectors widened to fp32 add < 1 MB).
        const auto bf16 = std::uint64_t(computeModelSizes(c).bf16Bytes);
        QVERIFY(e.weights >= bf16 && e.weights < bf16 + (4ull << 20));
        QCOMPARE(e.kvCache, std::uint64_t(131072) * 262144);  // 34.4 GB: the 128K YaRN case
        QVERIFY(e.hidden <= o.hiddenBudgetBytes);
        QVERIFY(e.activations > 128ull * 151936 * 4);  // at least the chunk's logits
        QVERIFY(e.activations < 1ull << 30);
        QVERIFY(e.total() < 139ull << 30);  // fits an H200
        const std::string text = describe(e, o.maxContext);
        QVERIFY(text.find("KV cache (131072 tokens)") != std::string::npos);
    }

    // The longest context that fits is exactly the boundary of the estimate.
    void maxContextFittingIsTheBoundary() {
        const ModelConfig c = *presetConfig("8b");
        CudaBackendOptions o;
        o.hiddenBudgetBytes = 256ull << 20;
        for (std::uint64_t freeBytes : {24ull << 30, 40ull << 30, 80ull << 30}) {
            const std::int64_t fit = maxContextFitting(c, o, freeBytes);
            QVERIFY(fit > 0);
            CudaBackendOptions at = o, beyond = o;
            at.maxContext = fit;
            beyond.maxContext = fit + 1;
            QVERIFY(estimateDeviceMemory(c, at).total() <= freeBytes);
            QVERIFY(estimateDeviceMemory(c, beyond).total() > freeBytes);
        }
        QCOMPARE(maxContextFitting(*presetConfig("32b"), o, 16ull << 30), std::int64_t(0));  // weights alone do not fit
    }

    // Split-KV decode: splits of 64 keys until there would be more than 64, then longer ones
    // (powers of two), so a step has 33-64 splits past 4,096 keys and the partial buffer sized by
    // decodeMaxSplits holds every step's.
    void decodeSplitsStayBounded() {
        QCOMPARE(decodeSplitKeys(1), std::int64_t(64));
        QCOMPARE(decodeSplitKeys(4096), std::int64_t(64));
        QCOMPARE(decodeSplitKeys(4097), std::int64_t(128));
        QCOMPARE(decodeSplits(4097, 128), std::int64_t(33));
        QCOMPARE(decodeSplitKeys(131072), std::int64_t(2048));
        for (const std::int64_t maxKeys : {std::int64_t(200), std::int64_t(5000), std::int64_t(40000)}) {
            std::int64_t most = 0;
            for (std::int64_t keys = 1; keys <= maxKeys; ++keys) {
                const std::int64_t splitKeys = decodeSplitKeys(keys), splits = decodeSplits(keys, splitKeys);
                QVERIFY(splitKeys % kDecodeSplitKeys == 0 && std::has_single_bit(std::uint64_t(splitKeys / kDecodeSplitKeys)));
                QVERIFY(splits >= 1 && splits <= kDecodeMaxSplits);
                QVERIFY((splits - 1) * splitKeys < keys);  // no empty split
                if (keys > kDecodeSplitKeys * kDecodeMaxSplits) QVERIFY(splits > kDecodeMaxSplits / 2);
                most = std::max(most, splits);
            }
            QCOMPARE(decodeMaxSplits(maxKeys), most);
        }
    }

    // The attention kernels' tile-wise softmax with entropy equals the direct computation.
    void flashAttentionFitsEveryGpuWeBuildFor() {
        QVERIFY(flashAttentionApplies(16, 128));
        QVERIFY(flashAttentionApplies(4096, 66));
        QVERIFY(!flashAttentionApplies(15, 128));   // short chunks and decode: the warp kernels
        QVERIFY(!flashAttentionApplies(4096, 256)); // too much shared memory
        QCOMPARE(flashPaddedDim(66), std::int64_t(80));
        QCOMPARE(flashPaddedDim(128), std::int64_t(128));
        auto shape = flashLaunch(70, 64, 128);
        QVERIFY(shape.ok());
        QCOMPARE(shape->grid[0], std::int64_t(2));   // 64 rows per block
        QCOMPARE(shape->grid[1], std::int64_t(64));  // a query head per block row
        QCOMPARE(shape->threadsPerBlock(), std::int64_t(kFlashWarps * kWarp));
        // sm_86 and sm_89 give a block at most 99 KiB of shared memory.
        for (std::int64_t d = 1; d <= kFlashMaxHeadDim; ++d) {
            auto s = flashLaunch(kFlashRows, 1, d);
            QVERIFY(s.ok());
            QVERIFY2(s->sharedBytes <= 99 * 1024, qPrintable(QString::number(d)));
        }
        QVERIFY(!flashLaunch(16, 8, 256).ok());
        QVERIFY(!flashLaunch(0, 8, 128).ok());
    }

    void pipelinedFlashAttentionFits() {
        auto shape = flashMmaLaunch(130, 64, 128);
        QVERIFY(shape.ok());
        QCOMPARE(shape->grid[0], std::int64_t(3));   // 64 rows per block
        QCOMPARE(shape->grid[1], std::int64_t(64));
        QCOMPARE(shape->threadsPerBlock(), std::int64_t(kMmaWarps * kWarp));
        // Two K and two V tiles of 64 keys × (128 + 8) bf16: 68 KiB, under sm_86/89's 99 KiB, so two
        // blocks fit an H100/H200 SM (227 KiB); rows of a multiple of 16 bytes (cp.async, ldmatrix).
        QCOMPARE(shape->sharedBytes, std::size_t(4 * 64 * 136 * 2));
        for (std::int64_t d = 1; d <= kFlashMaxHeadDim; ++d) {
            auto s = flashMmaLaunch(kMmaRows, 1, d);
            QVERIFY(s.ok());
            QVERIFY(s->sharedBytes <= 99 * 1024);
            QCOMPARE(s->sharedBytes % (4 * kMmaKeys * 16), std::size_t(0));
        }
        QVERIFY(!flashMmaLaunch(16, 8, 256).ok());
        QVERIFY(!flashMmaLaunch(0, 8, 128).ok());
    }

    void tensorCoreDecodeFits() {
        QVERIFY(decodeMmaApplies(8, 128));    // Qwen3-32B: 64 query heads over 8 KV heads
        QVERIFY(decodeMmaApplies(16, 128));   // 235B-A22B: 64 over 4
        QVERIFY(decodeMmaApplies(1, 66));
        QVERIFY(!decodeMmaApplies(17, 128));  // more than one 16-row tile: a warp per head
        QVERIFY(!decodeMmaApplies(8, 256));
        auto shape = decodeSplitMmaLaunch(8, 8, 128, 63);
        QVERIFY(shape.ok());
        QCOMPARE(shape->grid[0], std::int64_t(8));
        QCOMPARE(shape->grid[1], std::int64_t(32));  // two splits per block, the last alone
        QCOMPARE(shape->threadsPerBlock(), std::int64_t(kDecodeMmaWarps * kWarp));
        for (std::int64_t d = 1; d <= kFlashMaxHeadDim; ++d) {
            auto s = decodeSplitMmaLaunch(1, 16, d, 1);
            QVERIFY(s.ok());
            QVERIFY(s->sharedBytes <= 99 * 1024);  // sm_86 and sm_89
            QCOMPARE(s->sharedBytes % 16, std::size_t(0));
        }
        QVERIFY(!decodeSplitMmaLaunch(8, 17, 128, 4).ok());
        QVERIFY(!decodeSplitMmaLaunch(8, 8, 128, 0).ok());
    }

    void gemvHasAWarpPerRow() {
        auto shape = gemvLaunch(151936, 5120);  // Qwen3's LM head
        QVERIFY(shape.ok());
        QCOMPARE(shape->threadsPerBlock(), std::int64_t(kGemvThreads));
        QCOMPARE(shape->grid[0] * (kGemvThreads / kWarp), std::int64_t(151936));
        QCOMPARE(gemvLaunch(9, 8)->grid[0], std::int64_t(2));
        QVERIFY(!gemvLaunch(0, 8).ok());
        QVERIFY(!gemvLaunch(8, 0).ok());
    }

    void deviceSamplingDecidesWhatFitsItsCandidates() {
        QVERIFY(sampleFitsDevice(0, 151669, 0));          // no cut: the device ranks 1024 and may hand back
        QVERIFY(sampleFitsDevice(20, 151669, 10));        // Qwen3's top-k 20, the GUI's alternatives
        QVERIFY(sampleFitsDevice(kSampleCandidates, 151669, kSampleCandidates));
        QVERIFY(!sampleFitsDevice(kSampleCandidates + 1, 151669, 0));  // a cut beyond the candidates
        QVERIFY(sampleFitsDevice(5000, 300, 0));          // top-k beyond the vocabulary is no cut
        QVERIFY(!sampleFitsDevice(0, 151669, kSampleCandidates + 1));
        // The scratch holds every distinct id of the context twice (repetition and presence).
        const ModelConfig c = *presetConfig("32b");
        QCOMPARE(sampleScratchIds(c, 512), std::uint64_t(1024));
        QCOMPARE(sampleScratchIds(c, 1 << 20), std::uint64_t(2 * c.vocabSize));
    }

    void onlineSoftmaxMatchesDirect_data() {
        QTest::addColumn<int>("keys");
        QTest::addColumn<double>("spread");
        QTest::newRow("one key") << 1 << 1.0;
        QTest::newRow("one tile") << 32 << 3.0;
        QTest::newRow("odd, rising") << 77 << 8.0;
        QTest::newRow("long, peaked") << 1000 << 30.0;
    }
    void onlineSoftmaxMatchesDirect() {
        QFETCH(int, keys);
        QFETCH(double, spread);
        std::mt19937 rng(keys);
        std::normal_distribution<float> normal(0.0f, float(spread));
        std::vector<float> s(static_cast<std::size_t>(keys));
        for (int i = 0; i < keys; ++i) s[i] = normal(rng) + (spread > 5 ? float(i) * 0.05f : 0.0f);
        // Direct, in double.
        double m = -INFINITY;
        for (float v : s) m = std::max(m, double(v));
        double z = 0, ez = 0;
        for (float v : s) z += std::exp(v - m);
        for (float v : s) ez += std::exp(v - m) / z * (v - m);
        const double entropy = std::log(z) - ez, sink = std::exp(s[0] - m) / z;
        // Tiles of 32, as in the kernel, with a value accumulator for v_i = i.
        SoftmaxState st;
        double acc = 0;
        for (int base = 0; base < keys; base += 32) {
            const int end = std::min(keys, base + 32);
            float tileMax = -INFINITY;
            for (int i = base; i < end; ++i) tileMax = std::max(tileMax, s[i]);
            const float newMax = st.merged(tileMax);
            float tileSum = 0, tileWeighted = 0, tileAcc = 0;
            for (int i = base; i < end; ++i) {
                const float e = std::exp(s[i] - newMax);
                tileSum += e;
                tileWeighted += e * (s[i] - newMax);
                tileAcc += e * float(i);
            }
            acc = acc * st.merge(newMax, tileSum, tileWeighted) + tileAcc;
        }
        double expected = 0;
        for (int i = 0; i < keys; ++i) expected += std::exp(s[i] - m) / z * i;
        QVERIFY2(std::abs(st.entropy() - entropy) < 1e-4 * std::max(1.0, entropy), qPrintable(QString::number(st.entropy())));
        QVERIFY(std::abs(st.probability(s[0]) - sink) < 1e-5);
        QVERIFY(std::abs(acc / st.sum - expected) < 1e-3 * std::max(1.0, expected));
        QCOMPARE(st.max, float(m));
    }
};

QTEST_APPLESS_MAIN(TestCudaPlan)
#include "test_cuda_plan.moc"
