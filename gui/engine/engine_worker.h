// The engine side of the seam (style.md §4): a parentless QObject living on the engine thread.
// It owns the Session (weights, KV cache, thread pool) and answers each queued request with
// events; every request ends with exactly one terminal event.
#pragma once

#include <memory>

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
    // Engine thread. Emits tokensReady... (flushed every ~30 ms or 16 tokens), then
    // generationFinished (also when cancelled) or engineFailed.
    void runGeneration(const qe::gui::GenerationRequest& request);

signals:
    void loadProgress(const qe::gui::LoadProgress& progress);
    void modelLoaded(const qe::gui::ModelLoaded& loaded);
    void tokensReady(const qe::gui::TokenBatch& batch);
    void generationFinished(const qe::gui::GenerationFinished& finished);
    void engineFailed(const qe::gui::EngineFailed& failed);

private:
    void doLoad(const LoadRequest& request);
    void doGenerate(const GenerationRequest& request);
    void fail(RequestId id, const Error& error);

    std::unique_ptr<Session> m_session;
    std::shared_ptr<const Tokenizer> m_tokenizer;
};

}  // namespace qe::gui
