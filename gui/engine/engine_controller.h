// The GUI-thread side of the seam (style.md §4): owns the engine QThread and its EngineWorker,
// turns calls into queued immutable requests, cancels through std::stop_source, and re-emits
// only the events of the current load / generation (stale request ids are dropped).
#pragma once

#include <memory>
#include <optional>
#include <vector>
#include <stop_token>

#include <QObject>
#include <QThread>

#include "gui/engine/engine_events.h"

namespace qe::gui {

class EngineWorker;

class EngineController : public QObject {
    Q_OBJECT
public:
    explicit EngineController(QObject* parent = nullptr);
    // Stops whatever runs and joins the engine thread (see shutdown()).
    ~EngineController() override;

    // GUI thread. Cancels a running load or generation and queues the load. Returns its id.
    // `diagnosticsBudgetBytes` bounds the kept hidden states (Settings::diagnosticsBudgetBytes).
    RequestId loadModel(const QString& folder, int threads, std::int64_t maxContext = 0,
                        std::uint64_t diagnosticsBudgetBytes = SessionOptions{}.diagnosticsBudgetBytes,
                        BackendKind backend = BackendKind::Auto, KvType kvCache = KvType::F32,
                        cpu::GemmPrecision prefillMatmul = cpu::GemmPrecision::F32);
    // GUI thread. Cancels a running generation and queues this one. Returns its id.
    RequestId generate(std::vector<int> prompt, const SamplingParams& sampling, std::int64_t maxNewTokens);
    // GUI thread. Cancels a running generation and queues an inspection (GenerationRequest::
    // inspect): `tokens` are fed for the diagnostics of their positions, and nothing is
    // generated. The last replayed.size() tokens are a reply generated earlier, with its
    // probabilities. Ends like a generation (one diagnosticsReady, then generationFinished), so
    // isGenerating() holds while it runs.
    RequestId inspect(std::vector<int> tokens, std::vector<PositionToken> replayed);

    // GUI thread. Queues an on-demand attention / logit-lens computation (served after a running
    // generation ends). Only the answer to the latest request of each kind is re-emitted.
    // block > 1: aggregated tiles (AttentionRequest).
    RequestId requestAttention(std::int64_t layer, std::int64_t head, std::int64_t firstPos, std::int64_t lastPos,
                               std::int64_t block = 1);
    RequestId requestLogitLens(std::int64_t pos, std::int64_t topK);
    // GUI thread. One exact row (query `pos` over keys 0..pos), apart from the map's requests:
    // answered through attentionRowReady, the latest such request only.
    RequestId requestAttentionRow(std::int64_t layer, std::int64_t head, std::int64_t pos);
    // Diagnostics positions delivered through diagnosticsReady since the model was loaded.
    std::int64_t diagnosticsPositions() const { return static_cast<std::int64_t>(m_diagnosticsTokens.size()); }

    // GUI thread. The head whose rows stream (liveAttentionReady) while generating; takes effect
    // at once, also in the middle of a generation. layer < 0: none.
    void watchAttention(std::int64_t layer, std::int64_t head) { m_watch->set({layer, head}); }

    // GUI thread; thread-safe stop requests, no event loop needed. The engine stops within one
    // token (or one tensor while loading) and then sends the terminal event.
    void cancelGeneration();
    void cancelLoad();

    // Requests stop, quits and joins the engine thread; the worker is deleted on its own thread.
    // Idempotent. Returns false if the thread did not finish within `timeoutMs`.
    bool shutdown(int timeoutMs = 3000);

    bool isLoading() const { return m_loadId != 0; }
    bool isGenerating() const { return m_generationId != 0; }
    RequestId currentLoadId() const { return m_loadId; }
    RequestId currentGenerationId() const { return m_generationId; }

signals:
    void loadProgress(const qe::gui::LoadProgress& progress);
    void modelLoaded(const qe::gui::ModelLoaded& loaded);
    void tokensReady(const qe::gui::TokenBatch& batch);
    void generationFinished(const qe::gui::GenerationFinished& finished);
    void diagnosticsReady(const qe::gui::DiagnosticsDelta& delta);
    void attentionReady(const qe::gui::AttentionRows& rows);
    void attentionRowReady(const qe::gui::AttentionRows& rows);
    // Rows of the watched head, streamed by the current generation.
    void liveAttentionReady(const qe::gui::AttentionRows& rows);
    void logitLensReady(const qe::gui::LogitLens& lens);
    // Failure of the current load (isLoad) or generation.
    void engineFailed(const qe::gui::EngineFailed& failed, bool isLoad);

    // Internal: carry requests to the worker (queued, cross-thread).
    void loadRequested(const qe::gui::LoadRequest& request);
    void generationRequested(const qe::gui::GenerationRequest& request);
    void attentionRequested(const qe::gui::AttentionRequest& request);
    void logitLensRequested(const qe::gui::LogitLensRequest& request);

private:
    void onLoadProgress(const LoadProgress& progress);
    void onModelLoaded(const ModelLoaded& loaded);
    void onTokensReady(const TokenBatch& batch);
    void onGenerationFinished(const GenerationFinished& finished);
    void onEngineFailed(const EngineFailed& failed);
    void onDiagnostics(const DiagnosticsDelta& delta);

    QThread m_thread;
    EngineWorker* m_worker = nullptr;  // lives on m_thread; deleted through finished -> deleteLater
    RequestId m_nextId = 1;
    RequestId m_loadId = 0;            // 0: none running
    RequestId m_generationId = 0;
    RequestId m_attentionId = 0;       // latest on-demand requests
    RequestId m_lensId = 0;
    RequestId m_rowId = 0;
    std::vector<int> m_diagnosticsTokens;  // token ids of the diagnostics positions delivered
    std::stop_source m_loadStop;
    std::stop_source m_generationStop;
    // Read by the engine thread during generations (attention_watch.h says why it is shared).
    std::shared_ptr<AttentionWatch> m_watch = std::make_shared<AttentionWatch>();
    bool m_shutDown = false;
};

}  // namespace qe::gui
