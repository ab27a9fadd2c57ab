// EngineController + EngineWorker on a tiny generated model (style.md §4, §9): event order of
// load and generation, cancel yields Cancelled promptly, stale request ids produce no events,
// shutdown in the middle of a generation is clean, and the GUI event loop is never blocked.
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

#include "gui/engine/engine_controller.h"
#include "gui/model_card.h"
#include "gui_test_support.h"

using namespace qe::gui;

namespace {

// Every event the controller re-emits, in arrival order.
struct EventLog {
    QStringList kinds;
    std::vector<RequestId> ids;
    std::vector<TokenBatch> batches;
    std::vector<GenerationFinished> finished;
    std::vector<EngineFailed> failures;
    std::vector<ModelLoaded> loaded;

    void attach(EngineController& c) {
        QObject::connect(&c, &EngineController::loadProgress, [this](const LoadProgress& p) { add(QStringLiteral("progress"), p.requestId); });
        QObject::connect(&c, &EngineController::modelLoaded, [this](const ModelLoaded& m) {
            add(QStringLiteral("loaded"), m.requestId);
            loaded.push_back(m);
        });
        QObject::connect(&c, &EngineController::tokensReady, [this](const TokenBatch& b) {
            add(QStringLiteral("tokens"), b.requestId);
            batches.push_back(b);
        });
        QObject::connect(&c, &EngineController::generationFinished, [this](const GenerationFinished& f) {
            add(QStringLiteral("finished"), f.requestId);
            finished.push_back(f);
        });
        QObject::connect(&c, &EngineController::engineFailed, [this](const EngineFailed& f, bool) {
            add(QStringLiteral("failed"), f.requestId);
            failures.push_back(f);
        });
    }
    void add(const QString& kind, RequestId id) {
        kinds << kind;
        ids.push_back(id);
    }
    void clear() {
        kinds.clear();
        ids.clear();
        batches.clear();
        finished.clear();
        failures.clear();
        loaded.clear();
    }
    int count(const QString& kind) const { return static_cast<int>(kinds.count(kind)); }
};

qe::SamplingParams sampling() {
    qe::SamplingParams p;
    p.temperature = 0.7f;
    p.topK = 20;
    p.topP = 0.8f;
    p.seed = 7;
    return p;
}

// A prompt of plain ids (the tiny model accepts any id below its vocabulary).
std::vector<int> prompt(int n = 12) {
    std::vector<int> ids;
    for (int i = 0; i < n; ++i) ids.push_back(100 + i * 37);
    return ids;
}

}  // namespace

class TestEngineWorker : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void loadEventOrder();
    void generationEventOrder();
    void followUpReusesCache();
    void cancelYieldsCancelledPromptly();
    void staleRequestsProduceNoEvents();
    void loadFailureIsOneEvent();
    void backendChoiceReachesTheCard();
    void kvCacheChoiceReachesTheCard();
    void prefillChoiceReachesTheCard();
    void quantizedModelReachesTheCard();
    void shutdownDuringGenerationIsClean();
    void eventLoopNeverBlocks();

private:
    bool load(EngineController& c, EventLog& log);

    QTemporaryDir m_dir;
    QString m_model;
};

void TestEngineWorker::initTestCase() {
    QVERIFY(m_dir.isValid());
    QString why;
    m_model = qe::test::makeTinyModel(m_dir, &why);
    if (m_model.isEmpty()) QSKIP(qPrintable(why));
}

bool TestEngineWorker::load(EngineController& c, EventLog& log) {
    c.loadModel(m_model, 1);
    return QTest::qWaitFor([&] { return log.count(QStringLiteral("loaded")) + log.count(QStringLiteral("failed")) > 0; }, 60000) &&
           log.count(QStringLiteral("loaded")) == 1;
}

void TestEngineWorker::loadEventOrder() {
    EngineController c;
    EventLog log;
    log.attach(c);
    QVERIFY(load(c, log));
    QTest::qWait(50);  // nothing may follow the terminal event
    QCOMPARE(log.kinds.last(), QStringLiteral("loaded"));
    QCOMPARE(log.count(QStringLiteral("loaded")), 1);
    QCOMPARE(log.count(QStringLiteral("failed")), 0);
    QVERIFY(log.count(QStringLiteral("progress")) >= 1);
    for (int i = 0; i + 1 < log.kinds.size(); ++i) QCOMPARE(log.kinds[i], QStringLiteral("progress"));
    const ModelLoaded& m = log.loaded.front();
    QCOMPARE(m.card.layers, 2);
    QCOMPARE(m.card.hiddenSize, 64);
    QVERIFY(m.card.parameters > 0);
    QVERIFY(m.card.contextLimit > 0);
    QVERIFY(m.tokenizer != nullptr);
    QVERIFY(m.chatTemplate != nullptr);
    QVERIFY(!m.stopIds.empty());
}

void TestEngineWorker::generationEventOrder() {
    EngineController c;
    EventLog log;
    log.attach(c);
    QVERIFY(load(c, log));
    log.clear();
    const RequestId id = c.generate(prompt(), sampling(), 40);
    QVERIFY(QTest::qWaitFor([&] { return !log.finished.empty() || !log.failures.empty(); }, 60000));
    QTest::qWait(50);
    QVERIFY(log.failures.empty());
    QCOMPARE(log.finished.size(), std::size_t(1));
    QCOMPARE(log.kinds.last(), QStringLiteral("finished"));
    for (int i = 0; i + 1 < log.kinds.size(); ++i) QCOMPARE(log.kinds[i], QStringLiteral("tokens"));
    for (RequestId got : log.ids) QCOMPARE(got, id);
    std::int64_t tokens = 0;
    for (const TokenBatch& b : log.batches) {
        QVERIFY(b.tokens.size() <= 16);
        for (const TokenPiece& t : b.tokens) {
            if (t.id < 0) continue;  // held-back bytes flushed at the end
            ++tokens;
            QVERIFY(t.prob >= 0.0f && t.prob <= 1.0f);
        }
    }
    const GenerationFinished& f = log.finished.front();
    QCOMPARE(tokens, f.stats.newTokens);
    QVERIFY(f.stats.newTokens >= 1 && f.stats.newTokens <= 40);
    QCOMPARE(f.stats.promptTokens, std::int64_t(prompt().size()));
    QVERIFY(log.batches.front().timeToFirstToken >= 0.0);
    QVERIFY(f.stats.timeToFirstToken > 0.0);
    QVERIFY(f.reason == qe::StopReason::Eos || f.reason == qe::StopReason::Length);
}

void TestEngineWorker::followUpReusesCache() {
    EngineController c;
    EventLog log;
    log.attach(c);
    QVERIFY(load(c, log));
    c.generate(prompt(), sampling(), 8);
    QVERIFY(QTest::qWaitFor([&] { return log.finished.size() == 1; }, 60000));
    // The follow-up starts with the same prompt: its prefix comes from the KV cache.
    std::vector<int> longer = prompt();
    longer.push_back(500);
    longer.push_back(501);
    c.generate(longer, sampling(), 8);
    QVERIFY(QTest::qWaitFor([&] { return log.finished.size() == 2; }, 60000));
    const GenerationStats& s = log.finished.back().stats;
    QCOMPARE(s.reusedTokens, std::int64_t(prompt().size()));
    QCOMPARE(s.prefillTokens, std::int64_t(2));
}

void TestEngineWorker::cancelYieldsCancelledPromptly() {
    EngineController c;
    EventLog log;
    log.attach(c);
    QVERIFY(load(c, log));
    c.generate(prompt(), sampling(), 20000);
    QVERIFY(QTest::qWaitFor([&] { return !log.batches.empty(); }, 60000));
    QElapsedTimer timer;
    timer.start();
    c.cancelGeneration();
    QVERIFY(QTest::qWaitFor([&] { return !log.finished.empty(); }, 5000));
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QStringLiteral("cancel took %1 ms").arg(timer.elapsed())));
    QCOMPARE(log.finished.front().reason, qe::StopReason::Cancelled);
    QVERIFY(log.finished.front().stats.newTokens < 20000);
    QVERIFY(!c.isGenerating());
}

void TestEngineWorker::staleRequestsProduceNoEvents() {
    EngineController c;
    EventLog log;
    log.attach(c);
    QVERIFY(load(c, log));
    const RequestId first = c.generate(prompt(), sampling(), 20000);
    QVERIFY(QTest::qWaitFor([&] { return !log.batches.empty(); }, 60000));
    const int before = static_cast<int>(log.ids.size());
    const RequestId second = c.generate(prompt(6), sampling(), 10);  // supersedes the first
    QVERIFY(second != first);
    QVERIFY(QTest::qWaitFor([&] { return !log.finished.empty(); }, 60000));
    QTest::qWait(100);
    for (std::size_t i = before; i < log.ids.size(); ++i) QCOMPARE(log.ids[i], second);
    QCOMPARE(log.finished.size(), std::size_t(1));
    QCOMPARE(log.finished.front().requestId, second);
}

void TestEngineWorker::loadFailureIsOneEvent() {
    EngineController c;
    EventLog log;
    log.attach(c);
    QTemporaryDir empty;
    c.loadModel(empty.path(), 1);
    QVERIFY(QTest::qWaitFor([&] { return !log.failures.empty(); }, 30000));
    QTest::qWait(50);
    QCOMPARE(log.count(QStringLiteral("failed")), 1);
    QCOMPARE(log.count(QStringLiteral("loaded")), 0);
    QVERIFY(!log.failures.front().message.isEmpty());
    // The engine keeps working after a failure.
    log.clear();
    QVERIFY(load(c, log));
}

// The prompt-processing setting travels with the load request: the card says what runs (bf16 on
// AMX where this CPU has it, else 32-bit float), and the session generates from a prompt long
// enough for the GEMM.
void TestEngineWorker::prefillChoiceReachesTheCard() {
    EngineController c;
    EventLog log;
    log.attach(c);
    c.loadModel(m_model, 1, 0, 1 << 20, qe::BackendKind::Cpu, qe::KvType::F32, qe::cpu::GemmPrecision::Bf16);
    QVERIFY(QTest::qWaitFor([&] { return !log.loaded.empty() || !log.failures.empty(); }, 60000));
    QCOMPARE(log.loaded.size(), std::size_t(1));
    const ModelCard card = log.loaded.front().card;
    QVERIFY(card.threads > 0);  // on the CPU
    QCOMPARE(card.prefillMatmul, qe::cpu::amxAvailable() ? qe::cpu::GemmPrecision::Bf16 : qe::cpu::GemmPrecision::F32);
    log.clear();
    std::vector<int> longPrompt;
    for (int i = 0; i < 40; ++i) longPrompt.push_back(100 + 7 * i);
    c.generate(longPrompt, sampling(), 4);
    QVERIFY(QTest::qWaitFor([&] { return !log.finished.empty() || !log.failures.empty(); }, 60000));
    QVERIFY(log.failures.empty());
    QCOMPARE(log.finished.front().stats.promptTokens, std::int64_t(40));
}

// An AWQ checkpoint (spec §7.1) loads and generates; the card names the quantization and counts
// the repacked layers' memory instead of their files'.
void TestEngineWorker::quantizedModelReachesTheCard() {
    QString why;
    const QString folder = qe::test::makeTinyModel(m_dir, &why, {QStringLiteral("--quantize"), QStringLiteral("awq"),
                                                                 QStringLiteral("--group-size"), QStringLiteral("32")},
                                                   QStringLiteral("awq"));
    QVERIFY2(!folder.isEmpty(), qPrintable(why));
    EngineController c;
    EventLog log;
    log.attach(c);
    c.loadModel(folder, 1);
    QVERIFY(QTest::qWaitFor([&] { return !log.loaded.empty() || !log.failures.empty(); }, 60000));
    QCOMPARE(log.loaded.size(), std::size_t(1));
    const ModelCard card = log.loaded.front().card;
    QVERIFY(card.quantization.has_value());
    QCOMPARE(card.quantization->method, qe::Quantization::Method::Awq);
    QCOMPARE(card.quantization->groupSize, std::int64_t(32));
    QCOMPARE(card.dtype, QStringLiteral("F16+I32"));
    // Tiny's 2 layers hold 98,304 linear weights. Per group of 32 weights the file has 16 bytes of
    // int32 words, 2 of zeros (int32 words too) and 64 of fp16 scales (one per output); repacked,
    // 16 bytes, a byte for the zero and 4 for the scale: 2.5 bytes more per group.
    QFile file(folder + QStringLiteral("/model.safetensors"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    quint64 headerSize = 0;
    QCOMPARE(file.read(reinterpret_cast<char*>(&headerSize), 8), qint64(8));
    const std::uint64_t tensorBytes = std::uint64_t(file.size()) - 8 - headerSize;
    QCOMPARE(card.weightBytes, tensorBytes + 98304 / 32 * 5 / 2);
    QCOMPARE(qe::gui::ModelCardView::quantizationText(*card.quantization), QStringLiteral("AWQ 4-bit, groups of 32"));
    log.clear();
    c.generate(prompt(), sampling(), 6);
    QVERIFY(QTest::qWaitFor([&] { return !log.finished.empty() || !log.failures.empty(); }, 60000));
    QVERIFY(log.failures.empty());
    QVERIFY(log.finished.front().stats.newTokens > 0);
}

// The KV cache setting travels with the load request: the card shows the format and its bytes per
// token (half in bf16), and a bf16 session generates.
void TestEngineWorker::kvCacheChoiceReachesTheCard() {
    EngineController c;
    EventLog log;
    log.attach(c);
    c.loadModel(m_model, 1, 0, 1 << 20, qe::BackendKind::Cpu, qe::KvType::F32);
    QVERIFY(QTest::qWaitFor([&] { return !log.loaded.empty() || !log.failures.empty(); }, 60000));
    QCOMPARE(log.loaded.size(), std::size_t(1));
    const ModelCard f32 = log.loaded.front().card;
    QCOMPARE(f32.kvCache, qe::KvType::F32);
    log.clear();
    c.loadModel(m_model, 1, 0, 1 << 20, qe::BackendKind::Cpu, qe::KvType::BF16);
    QVERIFY(QTest::qWaitFor([&] { return !log.loaded.empty() || !log.failures.empty(); }, 60000));
    QCOMPARE(log.loaded.size(), std::size_t(1));
    const ModelCard bf16 = log.loaded.front().card;
    QCOMPARE(bf16.kvCache, qe::KvType::BF16);
    QVERIFY(f32.kvBytesPerToken > 0);
    QCOMPARE(bf16.kvBytesPerToken * 2, f32.kvBytesPerToken);
    log.clear();
    c.generate(prompt(), sampling(), 12);
    QVERIFY(QTest::qWaitFor([&] { return !log.finished.empty() || !log.failures.empty(); }, 60000));
    QVERIFY(log.failures.empty());
    QVERIFY(log.finished.front().stats.newTokens >= 1);
}

// The backend setting travels with the load request. The card names the device; Automatic
// without a usable GPU runs on the CPU and says why; asking for the GPU where there is none is
// one clear failure, after which the engine still loads on the CPU.
void TestEngineWorker::backendChoiceReachesTheCard() {
    EngineController c;
    EventLog log;
    log.attach(c);
    c.loadModel(m_model, 1, 0, 1 << 20, qe::BackendKind::Cpu);
    QVERIFY(QTest::qWaitFor([&] { return !log.loaded.empty() || !log.failures.empty(); }, 60000));
    QCOMPARE(log.loaded.size(), std::size_t(1));
    QVERIFY2(log.loaded.front().card.device.startsWith(QStringLiteral("CPU")), qPrintable(log.loaded.front().card.device));
    QVERIFY(log.loaded.front().card.backendNote.isEmpty());
    // The card writes the device in the app's language from these (the engine's text is English).
    QCOMPARE(log.loaded.front().card.threads, 1);
    QVERIFY2(log.loaded.front().card.device.endsWith(QStringLiteral(", ") + log.loaded.front().card.cpuIsa),
             qPrintable(log.loaded.front().card.cpuIsa));
    if (!qe::probeCuda().devices.empty()) QSKIP("this machine has a GPU: the no-GPU paths are not reachable");
    log.clear();
    c.loadModel(m_model, 1, 0, 1 << 20, qe::BackendKind::Auto);
    QVERIFY(QTest::qWaitFor([&] { return !log.loaded.empty() || !log.failures.empty(); }, 60000));
    QCOMPARE(log.loaded.size(), std::size_t(1));
    QVERIFY(log.loaded.front().card.device.startsWith(QStringLiteral("CPU")));
    QVERIFY2(!log.loaded.front().card.backendNote.isEmpty(), "Automatic fell back to the CPU without saying why");
    log.clear();
    c.loadModel(m_model, 1, 0, 1 << 20, qe::BackendKind::Cuda);
    QVERIFY(QTest::qWaitFor([&] { return !log.loaded.empty() || !log.failures.empty(); }, 60000));
    QTest::qWait(50);
    QCOMPARE(log.count(QStringLiteral("failed")), 1);
    QCOMPARE(log.count(QStringLiteral("loaded")), 0);
    const QString message = log.failures.front().message;
    QVERIFY2(message.contains(QStringLiteral("CUDA")) || message.contains(QStringLiteral("GPU")), qPrintable(message));
    log.clear();
    QVERIFY(load(c, log));
}

void TestEngineWorker::shutdownDuringGenerationIsClean() {
    auto c = std::make_unique<EngineController>();
    EventLog log;
    log.attach(*c);
    QVERIFY(load(*c, log));
    c->generate(prompt(), sampling(), 20000);
    QVERIFY(QTest::qWaitFor([&] { return !log.batches.empty(); }, 60000));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(c->shutdown(3000));
    c.reset();
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QStringLiteral("shutdown took %1 ms").arg(timer.elapsed())));
}

void TestEngineWorker::eventLoopNeverBlocks() {
    EngineController c;
    EventLog log;
    log.attach(c);
    // Largest gap between ticks of a 5 ms timer while the engine loads and generates.
    QElapsedTimer clock;
    qint64 last = -1;
    qint64 worst = 0;
    int stalls = 0;  // gaps over 50 ms
    QTimer ticker;
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        if (last >= 0) {
            worst = std::max(worst, now - last);
            stalls += now - last > 50;
        }
        last = now;
    });
    clock.start();
    ticker.start();
    QVERIFY(load(c, log));
    c.generate(prompt(), sampling(), 200);
    QVERIFY(QTest::qWaitFor([&] { return !log.finished.empty(); }, 60000));
    ticker.stop();
    // Work on the GUI thread per token would stall it again and again; one stall of up to
    // 150 ms is the scheduler of a loaded 2-core machine (CI runs two tests at a time).
    QVERIFY2(stalls <= 1 && worst <= 150,
             qPrintable(QStringLiteral("event loop blocked %1 times, at worst for %2 ms").arg(stalls).arg(worst)));
}

QTEST_MAIN(TestEngineWorker)
#include "test_engine_worker.moc"
