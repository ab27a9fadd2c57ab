// Sessions on generated checkpoints: an independent double-precision reference forward pass
// (written from shared/spec/qwen3.md §1–§2, not from the engine) for untied, YaRN and
// heads·head_dim != hidden shapes; prefix reuse; chunking; shards; cancellation; overflow.
#include <QTemporaryDir>
#include <QtTest>

#include <dlfcn.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numbers>
#include <thread>

#include "core/cpu/cpu_kernels.h"
#include "core/model_writer.h"
#include "core/safetensors.h"
#include "core/session.h"
#include "tests/helpers/reference_forward.h"
#include "tests/helpers/small_models.h"

using namespace qe;
using qe::test::Reference;
using qe::test::smallConfig;
using qe::test::someTokens;

namespace {

double maxDiff(const float* a, const std::vector<double>& b) {
    double m = 0;
    for (size_t i = 0; i < b.size(); ++i) m = std::max(m, std::abs(double(a[i]) - b[i]));
    return m;
}

}  // namespace

class TestSession : public QObject {
    Q_OBJECT
private slots:
    void againstReference_data() {
        QTest::addColumn<bool>("tied");
        QTest::addColumn<double>("yarn");
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<int>("shards");
        QTest::newRow("tied bf16") << true << 0.0 << "bf16" << 1;
        QTest::newRow("untied bf16 3 shards") << false << 0.0 << "bf16" << 3;
        QTest::newRow("untied f32") << false << 0.0 << "f32" << 1;
        QTest::newRow("tied f16 2 shards") << true << 0.0 << "f16" << 2;
        QTest::newRow("yarn x4 untied") << false << 4.0 << "bf16" << 1;
    }
    void againstReference() {
        QFETCH(bool, tied);
        QFETCH(double, yarn);
        QFETCH(QString, dtype);
        QFETCH(int, shards);
        QTemporaryDir dir;
        const ModelConfig config = smallConfig(tied, yarn);
        RandomModelOptions options;
        options.seed = 5;
        options.shards = shards;
        options.dtype = dtype == QLatin1String("f32") ? DType::F32 : dtype == QLatin1String("f16") ? DType::F16 : DType::BF16;
        QVERIFY(writeRandomModel(config, dir.path().toStdString(), options).ok());
        auto session = Session::load(dir.path().toStdString(), {.threads = 2, .chunkSize = 16});
        QVERIFY2(session.ok(), session.ok() ? "" : session.error().text().c_str());
        // 70 tokens: past original_max_position_embeddings (64) for the YaRN case.
        const auto tokens = someTokens(70, int(config.vocabSize));
        std::vector<float> logits;
        QVERIFY((*session)->allLogits(tokens, 16, logits).ok());
        Reference ref{(*session)->weights().checkpoint(), (*session)->config(), {}, {}};
        const auto expected = ref.logits(tokens);
        double worst = 0;
        for (size_t t = 0; t < tokens.size(); ++t) worst = std::max(worst, maxDiff(&logits[t * config.vocabSize], expected[t]));
        QVERIFY2(worst < 1e-3, qPrintable(QStringLiteral("max |logit - reference| = %1").arg(worst)));
        // One token at a time: the decoding path.
        std::vector<float> oneByOne;
        QVERIFY((*session)->allLogits(tokens, 1, oneByOne).ok());
        worst = 0;
        for (size_t t = 0; t < tokens.size(); ++t) worst = std::max(worst, maxDiff(&oneByOne[t * config.vocabSize], expected[t]));
        QVERIFY2(worst < 1e-3, qPrintable(QStringLiteral("one token at a time: max |logit - reference| = %1").arg(worst)));
        // Peaked, not uniform: the top logit stands well above the mean.
        const float* last = &logits[(tokens.size() - 1) * config.vocabSize];
        const float top = *std::max_element(last, last + config.vocabSize);
        double mean = 0;
        for (int i = 0; i < config.vocabSize; ++i) mean += last[i] / double(config.vocabSize);
        QVERIFY(top - mean > 3.0);
    }

    // The CPU engine splits attention by thread count (spans of tokens per task, shorter with more
    // threads; query heads alone when there are too few KV heads for the threads) and decodes one
    // token through a path of its own. Every split must run the same operations in the same order,
    // so for a given chunk size the logits are the same bytes with any number of threads. (Across
    // chunk sizes they differ in the last bits: up to 16 tokens the projections run the
    // matrix-vector kernels, which add in another order than the GEMM.) Head size 128 takes the
    // AVX-512 kernels where the CPU has them; 2 and 4 query heads per KV head.
    void sameBitsWithAnyThreadCount() {
        for (std::int64_t heads : {4, 8}) {
            QTemporaryDir dir;
            ModelConfig config = smallConfig(false, 0.0, 128);
            config.numAttentionHeads = heads;
            QVERIFY(writeRandomModel(config, dir.path().toStdString(), {.seed = 11}).ok());
            const auto tokens = someTokens(70, int(config.vocabSize));
            for (std::int64_t chunk : {70, 16, 3, 1}) {
                std::vector<float> first;
                for (int threads : {1, 2, 5}) {
                    auto session = Session::load(dir.path().toStdString(), {.threads = threads, .chunkSize = 70});
                    QVERIFY(session.ok());
                    std::vector<float> logits;
                    QVERIFY((*session)->allLogits(tokens, chunk, logits).ok());
                    if (first.empty()) first = logits;
                    QVERIFY2(logits.size() == first.size() && std::memcmp(logits.data(), first.data(), first.size() * 4) == 0,
                             qPrintable(QStringLiteral("%1 heads, chunks of %2: %3 threads differ from 1")
                                            .arg(heads).arg(chunk).arg(threads)));
                    if (threads == 1) {  // and right: against the double-precision reference (KV rows padded here)
                        Reference ref{(*session)->weights().checkpoint(), (*session)->config(), {}, {}};
                        const auto expected = ref.logits(tokens);
                        double worst = 0;
                        for (size_t t = 0; t < tokens.size(); ++t)
                            worst = std::max(worst, maxDiff(&logits[t * config.vocabSize], expected[t]));
                        QVERIFY2(worst < 1e-3, qPrintable(QStringLiteral("%1 heads, chunks of %2: max |logit - reference| = %3")
                                                              .arg(heads).arg(chunk).arg(worst)));
                    }
                }
            }
        }
    }

    // The bf16 KV cache (--kv-cache bf16): the keys and values are rounded to bf16 when stored and
    // widened as attention reads them. Checked against the double-precision reference that rounds
    // them alike: not to fp32's 1e-4, because the engine's fp32 keys and the reference's double
    // ones sometimes fall on either side of a bf16 rounding boundary (then one bf16 step, 2^-7
    // relative, apart; measured 1.2-2.7e-3 at the logits), but 12-27x closer than to the plain
    // reference (3.4e-2), so the rounding is the one a bf16 cache should make. Also: the same
    // bytes with any number of threads, different bytes from the fp32 cache, half its memory.
    // 4 KV heads of 128: a bf16 row is 1 KiB, so it is padded by a cache line.
    void bf16KvCache() {
        QTemporaryDir dir;
        ModelConfig config = smallConfig(false, 0.0, 128);
        config.numAttentionHeads = 8;
        config.numKeyValueHeads = 4;
        QVERIFY(writeRandomModel(config, dir.path().toStdString(), {.seed = 12}).ok());
        const auto tokens = someTokens(70, int(config.vocabSize));
        const std::string folder = dir.path().toStdString();
        auto f32 = Session::load(folder, {.threads = 2, .chunkSize = 70});
        QVERIFY(f32.ok());
        Reference plain{(*f32)->weights().checkpoint(), (*f32)->config(), {}, {}};
        Reference rounded{(*f32)->weights().checkpoint(), (*f32)->config(), {}, {}, true};
        const auto expectedPlain = plain.logits(tokens);
        const auto expected = rounded.logits(tokens);
        std::vector<float> fp32Logits;
        QVERIFY((*f32)->allLogits(tokens, 16, fp32Logits).ok());
        for (std::int64_t chunk : {70, 16, 1}) {
            std::vector<float> first;
            for (int threads : {1, 2, 5}) {
                SessionOptions options{.threads = threads, .chunkSize = 70};
                options.kvCache = KvType::BF16;
                auto session = Session::load(folder, options);
                QVERIFY(session.ok());
                QCOMPARE((*session)->cache().type(), KvType::BF16);
                std::vector<float> logits;
                QVERIFY((*session)->allLogits(tokens, chunk, logits).ok());
                if (first.empty()) first = logits;
                QVERIFY2(std::memcmp(logits.data(), first.data(), first.size() * 4) == 0,
                         qPrintable(QStringLiteral("chunks of %1: %2 threads differ from 1").arg(chunk).arg(threads)));
                if (threads != 1) continue;
                double worst = 0, worstPlain = 0;
                for (size_t t = 0; t < tokens.size(); ++t) {
                    worst = std::max(worst, maxDiff(&logits[t * config.vocabSize], expected[t]));
                    worstPlain = std::max(worstPlain, maxDiff(&logits[t * config.vocabSize], expectedPlain[t]));
                }
                QVERIFY2(worst < 5e-3, qPrintable(QStringLiteral("chunks of %1: max |logit - bf16-cache reference| = %2")
                                                      .arg(chunk).arg(worst)));
                // The rounding shows: the plain reference is much further away.
                QVERIFY2(worstPlain > 5 * worst, qPrintable(QStringLiteral("chunks of %1: %2 from the fp32 reference, %3 from "
                                                                           "the rounded one").arg(chunk).arg(worstPlain).arg(worst)));
                if (chunk == 16) QVERIFY(std::memcmp(logits.data(), fp32Logits.data(), fp32Logits.size() * 4) != 0);
                // Attention rows on demand read the bf16 keys too.
                std::vector<float> row;
                QVERIFY((*session)->attentionRow(1, 5, 69, row).ok());
                QCOMPARE(row.size(), size_t(70));
                double rowWorst = 0;
                for (size_t j = 0; j < row.size(); ++j) rowWorst = std::max(rowWorst, std::abs(row[j] - rounded.attention[1][5][69][j]));
                QVERIFY2(rowWorst < 1e-4, qPrintable(QStringLiteral("attention row: %1").arg(rowWorst)));
                // Half the fp32 cache's memory: 3 layers x (K + V) x (512 + 32 padding) x 2 bytes.
                QCOMPARE((*session)->cache().bytesPerToken(), std::uint64_t(3 * 2 * 544 * 2));
                QCOMPARE((*f32)->cache().bytesPerToken(), std::uint64_t(3 * 2 * 528 * 4));
            }
        }
    }

    // Prefill's products with bf16 activations on AMX, in a whole model, with either cache (over a
    // bf16 cache the attention's products run on AMX too): within bf16's rounding of the exact
    // reference (relative L2 over all logits; the bf16 cache's reference rounds the cache), far
    // from the fp32 result, the same bits for any thread count, for one chunk and for two (the
    // second attends over the first's cache), the same bits over an fp32 cache as over a bf16 one
    // (the attention runs over a bf16 copy); chunks of 16 tokens or fewer (matrix-vector
    // products) keep fp32's bits. (A reference that rounds each product's input the same way
    // cannot be matched closer: fp32-sized differences before rounding flip single bf16 roundings,
    // and moving its inputs by 3e-7 moves its logits by 0.02-0.05 here. test_cpu_kernels checks
    // the products against such a reference, where the inputs are the same.)
    void bf16PrefillMatmul() {
        if (!cpu::amxAvailable()) QSKIP("this CPU (or kernel) gives no AMX-BF16");
        for (std::int64_t hidden : {48, 64}) {  // 64: weight tiles read in place; 48: padded copies
            QTemporaryDir dir;
            ModelConfig config = smallConfig(false, 0.0, 128);
            config.hiddenSize = hidden;
            config.numAttentionHeads = 8;
            config.numKeyValueHeads = 4;
            QVERIFY(writeRandomModel(config, dir.path().toStdString(), {.seed = 13}).ok());
            const auto tokens = someTokens(70, int(config.vocabSize));
            const std::string folder = dir.path().toStdString();
            std::vector<float> byCache[2];  // bf16 products over each cache type, chunks of 35
            for (KvType kv : {KvType::F32, KvType::BF16}) {
                SessionOptions reference{.threads = 2, .chunkSize = 70};
                reference.kvCache = kv;
                auto f32 = Session::load(folder, reference);
                QVERIFY(f32.ok());
                QCOMPARE((*f32)->prefillMatmul(), cpu::GemmPrecision::F32);
                Reference exact{(*f32)->weights().checkpoint(), (*f32)->config(), {}, {}, kv == KvType::BF16};
                const auto expected = exact.logits(tokens);
                std::vector<float> fp32Logits, fp32Small;
                QVERIFY((*f32)->allLogits(tokens, 70, fp32Logits).ok());
                QVERIFY((*f32)->allLogits(tokens, 16, fp32Small).ok());
                auto relativeL2 = [&](const std::vector<float>& logits) {
                    double diff = 0, norm = 0;
                    for (size_t t = 0; t < tokens.size(); ++t)
                        for (size_t i = 0; i < expected[t].size(); ++i) {
                            const double d = logits[t * config.vocabSize + i] - expected[t][i];
                            diff += d * d;
                            norm += expected[t][i] * expected[t][i];
                        }
                    return std::sqrt(diff / norm);
                };
                const double fp32Error = relativeL2(fp32Logits);
                for (std::int64_t chunk : {70, 35}) {
                    std::vector<float> first;
                    for (int threads : {1, 3}) {
                        SessionOptions options{.threads = threads, .chunkSize = 70};
                        options.kvCache = kv;
                        options.prefillMatmul = cpu::GemmPrecision::Bf16;
                        auto session = Session::load(folder, options);
                        QVERIFY(session.ok());
                        QCOMPARE((*session)->prefillMatmul(), cpu::GemmPrecision::Bf16);
                        std::vector<float> logits;
                        QVERIFY((*session)->allLogits(tokens, chunk, logits).ok());
                        if (first.empty()) first = logits;
                        QVERIFY2(std::memcmp(logits.data(), first.data(), first.size() * 4) == 0,
                                 qPrintable(QStringLiteral("%1 threads differ from 1").arg(threads)));
                        if (chunk == 35) byCache[kv == KvType::BF16] = logits;
                        const double error = relativeL2(logits);
                        qInfo("hidden %lld, %s cache, chunks of %lld: logits relative L2 to the exact reference %.3g "
                              "(fp32 products %.3g)", (long long)hidden, kvTypeName(kv), (long long)chunk, error, fp32Error);
                        QVERIFY2(error < 1e-2, qPrintable(QStringLiteral("relative L2 %1").arg(error)));
                        QVERIFY2(error > std::max(1e-3, 10 * fp32Error),
                                 qPrintable(QStringLiteral("relative L2 %1, fp32 %2: no bf16 rounding?").arg(error).arg(fp32Error)));
                        if (chunk != 70 || threads != 1) continue;
                        std::vector<float> small;
                        QVERIFY((*session)->allLogits(tokens, 16, small).ok());
                        QCOMPARE(std::memcmp(small.data(), fp32Small.data(), small.size() * 4), 0);
                    }
                }
            }
            // Over an fp32 cache the chunks' attention runs on a bf16 copy of the keys and values:
            // the logits of a bf16 cache, bit for bit, the second chunk's attention over the first's
            // rows included (the cache itself keeps fp32 for decoding).
            QCOMPARE(byCache[0].size(), byCache[1].size());
            QVERIFY(std::memcmp(byCache[0].data(), byCache[1].data(), byCache[0].size() * 4) == 0);
        }
    }

    void sameSeedSameBytes() {
        QTemporaryDir a, b;
        const ModelConfig config = smallConfig(true);
        QVERIFY(writeRandomModel(config, a.path().toStdString(), {.seed = 3, .threads = 1}).ok());
        QVERIFY(writeRandomModel(config, b.path().toStdString(), {.seed = 3, .threads = 2}).ok());
        QFile fa(a.filePath(QStringLiteral("model.safetensors"))), fb(b.filePath(QStringLiteral("model.safetensors")));
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        QVERIFY(fa.readAll() == fb.readAll());
    }

    void prefixReuse() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(smallConfig(false), dir.path().toStdString(), {.seed = 9}).ok());
        auto session = Session::load(dir.path().toStdString(), {.threads = 2, .chunkSize = 8});
        QVERIFY(session.ok());
        Session& s = **session;
        auto first = someTokens(20, 300);
        auto longer = first;
        for (int t : someTokens(9, 300, 1)) longer.push_back(t);
        auto computed = s.prefill(first);
        QVERIFY(computed.ok());
        QCOMPARE(*computed, 20);
        computed = s.prefill(longer);  // extends the cache: only the 9 new tokens run
        QVERIFY(computed.ok());
        QCOMPARE(*computed, 9);
        std::vector<float> reused(s.lastLogits().begin(), s.lastLogits().end());
        // A request sharing only a prefix: keep 15, recompute the rest.
        auto branch = std::vector<int>(first.begin(), first.begin() + 15);
        branch.push_back(3);
        computed = s.prefill(branch);
        QVERIFY(computed.ok());
        QCOMPARE(*computed, 1);
        // The same prompt again recomputes only its last token.
        computed = s.prefill(branch);
        QCOMPARE(*computed, 1);
        // Reused logits equal a fresh computation.
        s.resetCache();
        QVERIFY(s.prefill(longer).ok());
        QCOMPARE(s.cache().length(), qint64(longer.size()));
        double worst = 0;
        for (size_t i = 0; i < reused.size(); ++i) worst = std::max(worst, double(std::abs(reused[i] - s.lastLogits()[i])));
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
    }

    void stopsOnEosAndCancels() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(smallConfig(true), dir.path().toStdString(), {.seed = 4}).ok());
        auto session = Session::load(dir.path().toStdString(), {.threads = 2});
        QVERIFY(session.ok());
        Session& s = **session;
        GenerateRequest request;
        request.prompt = someTokens(5, 300);
        request.sampling.greedy = true;
        request.maxNewTokens = 12;
        auto plain = s.generate(request);
        QVERIFY(plain.ok());
        QCOMPARE(plain->newTokens.size(), size_t(12));
        QCOMPARE(plain->stopReason, StopReason::Length);
        // Make the 3rd greedy token an EOS id: generation stops right there.
        request.stopIds = {plain->newTokens[2]};
        auto eos = s.generate(request);
        QVERIFY(eos.ok());
        QCOMPARE(eos->stopReason, StopReason::Eos);
        QVERIFY(eos->newTokens.size() <= 3);
        QCOMPARE(eos->newTokens.back(), plain->newTokens[2]);
        QVERIFY(eos->reusedTokens >= 4);  // the prompt came from the cache
        // Cancellation from the callback and from the stop token.
        request.stopIds.clear();
        std::stop_source source;
        int seen = 0;
        auto cancelled = s.generate(request, source.get_token(), [&](const GeneratedToken&) {
            if (++seen == 4) source.request_stop();
            return true;
        });
        QVERIFY(cancelled.ok());
        QCOMPARE(cancelled->stopReason, StopReason::Cancelled);
        QCOMPARE(cancelled->newTokens.size(), size_t(4));
        std::stop_source already;
        already.request_stop();
        auto none = s.generate(request, already.get_token());
        QVERIFY(none.ok());
        QCOMPARE(none->stopReason, StopReason::Cancelled);
        QVERIFY(none->newTokens.empty());
    }

    void alternativesAreTheModelsTopTokens() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(smallConfig(true), dir.path().toStdString(), {.seed = 4}).ok());
        auto session = Session::load(dir.path().toStdString(), {.threads = 2});
        QVERIFY(session.ok());
        GenerateRequest request{.prompt = someTokens(6, 300), .sampling = {.greedy = true}, .maxNewTokens = 5, .stopIds = {}, .maskFrom = 290,
                                .topAlternatives = 4};
        int calls = 0;
        auto result = (*session)->generate(request, {}, [&](const GeneratedToken& t) {
            ++calls;
            if (t.alternatives.size() != 4) return false;
            // Greedy picks the most likely token; its probability is the first alternative's.
            if (t.alternatives[0].id != t.id || std::abs(t.alternatives[0].prob - t.prob) > 1e-6f) return false;
            float total = 0;
            for (size_t i = 0; i < t.alternatives.size(); ++i) {
                if (t.alternatives[i].id >= 290) return false;  // padding ids never offered
                if (i > 0 && t.alternatives[i].prob > t.alternatives[i - 1].prob) return false;
                total += t.alternatives[i].prob;
            }
            return total <= 1.0f + 1e-5f;
        });
        QVERIFY(result.ok());
        QCOMPARE(calls, 5);
        QCOMPARE(result->stopReason, StopReason::Length);  // the callback never refused a token
    }

    void seededSamplingReproduces() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(smallConfig(true), dir.path().toStdString(), {.seed = 4}).ok());
        auto session = Session::load(dir.path().toStdString(), {.threads = 2});
        QVERIFY(session.ok());
        GenerateRequest request;
        request.prompt = someTokens(6, 300);
        request.sampling = {.temperature = 1.3f, .topK = 40, .topP = 0.95f, .seed = 77};
        request.maxNewTokens = 16;
        auto a = (*session)->generate(request);
        (*session)->resetCache();
        auto b = (*session)->generate(request);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->newTokens, b->newTokens);
    }

    void contextOverflowIsAnError() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(smallConfig(true), dir.path().toStdString(), {.seed = 4}).ok());
        auto session = Session::load(dir.path().toStdString(), {.threads = 1, .maxContext = 32});
        QVERIFY(session.ok());
        GenerateRequest request;
        request.prompt = someTokens(30, 300);
        request.sampling.greedy = true;
        request.maxNewTokens = 10;
        auto r = (*session)->generate(request);
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message).contains(QStringLiteral("context")));
        // The session still works afterwards.
        request.maxNewTokens = 2;
        QVERIFY((*session)->generate(request).ok());
        // Out-of-vocabulary ids are rejected, not read out of bounds.
        request.prompt = {1, 2, 300};
        QVERIFY(!(*session)->generate(request).ok());
    }

    // On a machine without the NVIDIA driver, Automatic runs on the CPU without mapping the CUDA
    // backend and its cuBLAS (~160 MB of resident memory), and says why.
    void noDriverLoadsNoCudaLibraries() {
        if (std::getenv("QE_CUDA_BACKEND")) QSKIP("QE_CUDA_BACKEND chooses a CUDA library");
        if (void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) {
            dlclose(driver);
            QSKIP("this machine has the NVIDIA driver");
        }
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(smallConfig(true), dir.path().toStdString(), {.seed = 5}).ok());
        auto session = Session::load(dir.path().toStdString(), {.threads = 1, .backend = qe::BackendKind::Auto});
        QVERIFY(session.ok());
#if defined(QE_TEST_BUILD_HAS_CUDA_BACKEND)
        const auto why = QStringLiteral("NVIDIA driver");
#else
        const auto why = QStringLiteral("no CUDA backend");
#endif
        QVERIFY2(QString::fromStdString((*session)->backendNote()).contains(why), (*session)->backendNote().c_str());
        std::ifstream maps("/proc/self/maps");
        std::string line;
        while (std::getline(maps, line)) {
            QVERIFY2(line.find("libqe_cuda") == std::string::npos, line.c_str());
            QVERIFY2(line.find("libcublas") == std::string::npos, line.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestSession)
#include "test_session.moc"
