// EngineController: request ids, stop sources and the engine thread's lifetime.
#include "gui/engine/engine_controller.h"

#include "gui/engine/engine_worker.h"

namespace qe::gui {

void registerEngineMetaTypes() {
    qRegisterMetaType<LoadRequest>();
    qRegisterMetaType<GenerationRequest>();
    qRegisterMetaType<LoadProgress>();
    qRegisterMetaType<ModelLoaded>();
    qRegisterMetaType<TokenBatch>();
    qRegisterMetaType<GenerationFinished>();
    qRegisterMetaType<EngineFailed>();
    qRegisterMetaType<AttentionRequest>();
    qRegisterMetaType<LogitLensRequest>();
    qRegisterMetaType<DiagnosticsDelta>();
    qRegisterMetaType<AttentionRows>();
    qRegisterMetaType<LogitLens>();
}

EngineController::EngineController(QObject* parent) : QObject(parent) {
    registerEngineMetaTypes();
    m_thread.setObjectName(QStringLiteral("engine"));
    m_worker = new EngineWorker();  // parentless: owned by the thread's finished -> deleteLater
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &EngineController::loadRequested, m_worker, &EngineWorker::runLoad, Qt::QueuedConnection);
    connect(this, &EngineController::generationRequested, m_worker, &EngineWorker::runGeneration, Qt::QueuedConnection);
    connect(m_worker, &EngineWorker::loadProgress, this, &EngineController::onLoadProgress, Qt::QueuedConnection);
    connect(m_worker, &EngineWorker::modelLoaded, this, &EngineController::onModelLoaded, Qt::QueuedConnection);
    connect(m_worker, &EngineWorker::tokensReady, this, &EngineController::onTokensReady, Qt::QueuedConnection);
    connect(m_worker, &EngineWorker::generationFinished, this, &EngineController::onGenerationFinished, Qt::QueuedConnection);
    connect(m_worker, &EngineWorker::engineFailed, this, &EngineController::onEngineFailed, Qt::QueuedConnection);
    connect(this, &EngineController::attentionRequested, m_worker, &EngineWorker::runAttention, Qt::QueuedConnection);
    connect(this, &EngineController::logitLensRequested, m_worker, &EngineWorker::runLogitLens, Qt::QueuedConnection);
    connect(m_worker, &EngineWorker::diagnosticsReady, this, &EngineController::onDiagnostics, Qt::QueuedConnection);
    connect(m_worker, &EngineWorker::attentionReady, this, [this](const AttentionRows& rows) {
        if (rows.requestId == m_attentionId) emit attentionReady(rows);
        else if (rows.requestId == m_rowId) emit attentionRowReady(rows);
    }, Qt::QueuedConnection);
    connect(m_worker, &EngineWorker::liveAttentionReady, this, [this](const AttentionRows& rows) {
        if (rows.requestId == m_generationId) emit liveAttentionReady(rows);
    }, Qt::QueuedConnection);
    connect(m_worker, &EngineWorker::logitLensReady, this, [this](const LogitLens& lens) {
        if (lens.requestId == m_lensId) emit logitLensReady(lens);
    }, Qt::QueuedConnection);
    m_thread.start();
}

EngineController::~EngineController() {
    if (!shutdown()) m_thread.wait();  // never destroy a running QThread
}

RequestId EngineController::loadModel(const QString& folder, int threads, std::int64_t maxContext,
                                      std::uint64_t diagnosticsBudgetBytes, BackendKind backend, KvType kvCache,
                                      cpu::GemmPrecision prefillMatmul) {
    Q_ASSERT(QThread::currentThread() == thread());
    cancelGeneration();
    cancelLoad();
    m_generationId = 0;
    m_loadStop = std::stop_source();
    m_loadId = m_nextId++;
    m_diagnosticsTokens.clear();
    emit loadRequested(
        LoadRequest{m_loadId, folder, threads, maxContext, m_loadStop.get_token(), diagnosticsBudgetBytes, backend, kvCache,
                    prefillMatmul});
    return m_loadId;
}

RequestId EngineController::generate(std::vector<int> prompt, const SamplingParams& sampling, std::int64_t maxNewTokens) {
    Q_ASSERT(QThread::currentThread() == thread());
    cancelGeneration();
    m_generationStop = std::stop_source();
    m_generationId = m_nextId++;
    emit generationRequested(GenerationRequest{m_generationId, std::move(prompt), sampling, maxNewTokens,
                                               m_generationStop.get_token(), m_diagnosticsTokens, m_watch, false, {}});
    return m_generationId;
}

RequestId EngineController::inspect(std::vector<int> tokens, std::vector<PositionToken> replayed) {
    Q_ASSERT(QThread::currentThread() == thread());
    cancelGeneration();
    m_generationStop = std::stop_source();
    m_generationId = m_nextId++;
    emit generationRequested(GenerationRequest{m_generationId, std::move(tokens), SamplingParams{}, 0,
                                               m_generationStop.get_token(), m_diagnosticsTokens, nullptr, true, std::move(replayed)});
    return m_generationId;
}

RequestId EngineController::requestAttention(std::int64_t layer, std::int64_t head, std::int64_t firstPos, std::int64_t lastPos,
                                             std::int64_t block) {
    Q_ASSERT(QThread::currentThread() == thread());
    m_attentionId = m_nextId++;
    emit attentionRequested(AttentionRequest{m_attentionId, layer, head, firstPos, lastPos, block});
    return m_attentionId;
}

RequestId EngineController::requestAttentionRow(std::int64_t layer, std::int64_t head, std::int64_t pos) {
    Q_ASSERT(QThread::currentThread() == thread());
    m_rowId = m_nextId++;
    emit attentionRequested(AttentionRequest{m_rowId, layer, head, pos, pos, 1});
    return m_rowId;
}

RequestId EngineController::requestLogitLens(std::int64_t pos, std::int64_t topK) {
    Q_ASSERT(QThread::currentThread() == thread());
    m_lensId = m_nextId++;
    emit logitLensRequested(LogitLensRequest{m_lensId, pos, topK});
    return m_lensId;
}

void EngineController::onDiagnostics(const DiagnosticsDelta& delta) {
    if (delta.requestId != m_generationId || !delta.data) return;
    // The receivers now hold positions [0, firstPos + positions): truncate, then append.
    const DiagnosticsData& d = *delta.data;
    m_diagnosticsTokens.resize(static_cast<std::size_t>(std::min<std::int64_t>(d.firstPos, diagnosticsPositions())));
    for (std::int64_t i = 0; i < d.positions; ++i) m_diagnosticsTokens.push_back(d.tokens[static_cast<std::size_t>(i)].id);
    emit diagnosticsReady(delta);
}

void EngineController::cancelGeneration() { m_generationStop.request_stop(); }
void EngineController::cancelLoad() { m_loadStop.request_stop(); }

bool EngineController::shutdown(int timeoutMs) {
    if (m_shutDown) return true;
    m_shutDown = true;
    cancelGeneration();
    cancelLoad();
    m_loadId = 0;
    m_generationId = 0;
    m_thread.quit();
    return m_thread.wait(QDeadlineTimer(timeoutMs));
}

void EngineController::onLoadProgress(const LoadProgress& progress) {
    if (progress.requestId == m_loadId) emit loadProgress(progress);
}

void EngineController::onModelLoaded(const ModelLoaded& loaded) {
    if (loaded.requestId != m_loadId) return;
    m_loadId = 0;
    emit modelLoaded(loaded);
}

void EngineController::onTokensReady(const TokenBatch& batch) {
    if (batch.requestId == m_generationId) emit tokensReady(batch);
}

void EngineController::onGenerationFinished(const GenerationFinished& finished) {
    if (finished.requestId != m_generationId) return;
    m_generationId = 0;
    emit generationFinished(finished);
}

void EngineController::onEngineFailed(const EngineFailed& failed) {
    if (failed.requestId != 0 && failed.requestId == m_loadId) {
        m_loadId = 0;
        emit engineFailed(failed, true);
    } else if (failed.requestId != 0 && failed.requestId == m_generationId) {
        m_generationId = 0;
        emit engineFailed(failed, false);
    }
}

}  // namespace qe::gui
