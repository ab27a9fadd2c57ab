// The engine side of the seam (style.md §4): a parentless QObject living on the engine thread.
// It owns the Session (weights, KV cache, thread pool) and answers each queued request with
// events; every request ends with exactly one terminal event.
#pragma once

#include <memory>
#include <span>
#include <utility>

#include <QObject>

#include "gui/engine/engine_events.h"

namespace qe::gui {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    EngineWorker();
    ~EngineWorker() override;

public slots:
    // Engine thread. Replaces the loaded model (the old one is released first, to keep peak
    // memory at one model). Emits loadProgress..., then modelLoaded or engineFailed.
    void runLoad(const qe::gui::LoadRequest& request);
    // Engine thread. Emits tokensReady... (flushed every ~30 ms or 16 tokens, each batch after
    // its diagnosticsReady and liveAttentionReady), then generationFinished (also when
    // cancelled) or engineFailed. An inspection (GenerationRequest::inspect) emits one
    // diagnosticsReady for the fed positions, then generationFinished.
    void runGeneration(const qe::gui::GenerationRequest& request);
    // Engine thread. Recomputes attention rows from the session's kept hidden states and KV
    // cache, exact or aggregated into tiles; emits attentionReady (with `error` set when it
    // cannot). Costs one query·keys pass per query position in the range.
    void runAttention(const qe::gui::AttentionRequest& request);
    // Engine thread. Logit lens after every layer at one position; emits logitLensReady.
    void runLogitLens(const qe::gui::LogitLensRequest& request);

signals:
    void loadProgress(const qe::gui::LoadProgress& progress);
    void modelLoaded(const qe::gui::ModelLoaded& loaded);
    void tokensReady(const qe::gui::TokenBatch& batch);
    void diagnosticsReady(const qe::gui::DiagnosticsDelta& delta);
    void attentionReady(const qe::gui::AttentionRows& rows);
    // Rows of the watched head streamed during a generation (requestId: the generation's).
    void liveAttentionReady(const qe::gui::AttentionRows& rows);
    void logitLensReady(const qe::gui::LogitLens& lens);
    void generationFinished(const qe::gui::GenerationFinished& finished);
    void engineFailed(const qe::gui::EngineFailed& failed);

private:
    void doLoad(const LoadRequest& request);
    void doGenerate(const GenerationRequest& request);
    // An inspection (GenerationRequest::inspect): prefills the prompt and sends its diagnostics.
    void doInspect(const GenerationRequest& request);
    // The prompt's prefix the KV cache reuses (at least one token is computed again), and the
    // position the first diagnostics delta starts at: where what the GUI holds, the cache and
    // the prompt stop agreeing.
    std::pair<std::int64_t, std::int64_t> unchangedPrefix(const GenerationRequest& request) const;
    void fail(RequestId id, const Error& error);
    // Diagnostics of positions [firstPos, cache length) and the tokens [firstPos, context end).
    std::shared_ptr<const DiagnosticsData> makeDelta(std::int64_t firstPos, std::span<const int> context,
                                                     std::span<const PositionToken> generated, std::int64_t promptTokens) const;
    void doAttention(const AttentionRequest& request);
    void doLogitLens(const LogitLensRequest& request);

    std::unique_ptr<Session> m_session;
    std::shared_ptr<const Tokenizer> m_tokenizer;
};

}  // namespace qe::gui
