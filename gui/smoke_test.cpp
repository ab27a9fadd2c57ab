// Smoke test of the app: bundled data present, built-in model loads and generates.
#include "gui/smoke_test.h"

#include <cstdio>

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTimer>

#include "core/chat/chat_template.h"
#include "core/tokenizer/tokenizer.h"
#include "gui/engine/engine_controller.h"
#include "gui/paths.h"

namespace qe::gui {

namespace {

int failWith(const QString& message) {
    std::fprintf(stderr, "qwen-explorer: smoke test FAILED: %s\n", qPrintable(message));
    return 1;
}

// Bundled files that are not the model: templates on disk, translations in the resources.
QString checkBundledData() {
    const QString templates = builtinTemplateDir();
    if (templates.isEmpty()) return QStringLiteral("no built-in prompt template folder found");
    if (QDir(templates).entryList({QStringLiteral("*.json")}, QDir::Files).isEmpty())
        return QStringLiteral("no prompt templates (*.json) in %1").arg(templates);
    for (const char* language : {"en", "zh_CN"}) {
        const QString qm = QStringLiteral(":/i18n/qwen_explorer_%1.qm").arg(QString::fromLatin1(language));
        if (!QFile::exists(qm)) return QStringLiteral("compiled translation %1 is missing").arg(qm);
    }
    std::printf("templates: %s\n", qPrintable(templates));
    return {};
}

}  // namespace

int runSmokeTest(int newTokens, int timeoutMs) {
    if (const QString problem = checkBundledData(); !problem.isEmpty()) return failWith(problem);
    const QString modelDir = builtinModelDir();
    if (modelDir.isEmpty()) return failWith(QStringLiteral("no built-in model found (config.json in share/qwen-explorer/default-model)"));
    std::printf("model: %s\n", qPrintable(modelDir));

    EngineController engine;
    QEventLoop loop;
    QString failure = QStringLiteral("timed out after %1 ms").arg(timeoutMs);
    int generated = 0;
    bool passed = false;
    QElapsedTimer clock;
    clock.start();

    QObject::connect(&engine, &EngineController::modelLoaded, &loop, [&](const ModelLoaded& loaded) {
        std::printf("loaded %s (%lld parameters) in %.2f s\n", qPrintable(loaded.card.name),
                    static_cast<long long>(loaded.card.parameters), loaded.card.loadSeconds);
        ChatTemplateInput input;
        input.messages = nlohmann::ordered_json::array({{{"role", "user"}, {"content", "Hello!"}}});
        input.addGenerationPrompt = true;
        input.enableThinking = false;
        if (!loaded.chatTemplate || !loaded.tokenizer) {
            failure = QStringLiteral("the model has no chat template or tokenizer");
            loop.quit();
            return;
        }
        auto rendered = loaded.chatTemplate->render(input);
        if (!rendered.ok()) {
            failure = QStringLiteral("cannot build the prompt: %1").arg(QString::fromStdString(rendered.error().text()));
            loop.quit();
            return;
        }
        SamplingParams sampling;
        sampling.greedy = true;
        engine.generate(loaded.tokenizer->encode(*rendered), sampling, newTokens);
    });
    QObject::connect(&engine, &EngineController::tokensReady, &loop,
                     [&](const TokenBatch& batch) { generated += static_cast<int>(batch.tokens.size()); });
    QObject::connect(&engine, &EngineController::generationFinished, &loop, [&](const GenerationFinished& finished) {
        // A random-weight model may pick an end-of-turn token early; that is still a working engine.
        passed = generated > 0 && (generated == newTokens || finished.reason == StopReason::Eos);
        if (!passed)
            failure = QStringLiteral("generated %1 tokens, expected %2").arg(generated).arg(newTokens);
        std::printf("generated %d tokens (%.1f tok/s)\n", generated, finished.stats.decodeTokensPerSecond);
        loop.quit();
    });
    QObject::connect(&engine, &EngineController::engineFailed, &loop, [&](const EngineFailed& failed, bool isLoad) {
        failure = QStringLiteral("%1 failed: %2").arg(isLoad ? QStringLiteral("loading the model") : QStringLiteral("generation"),
                                                      failed.message);
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);

    engine.loadModel(modelDir, 0);
    loop.exec();
    engine.shutdown();
    if (!passed) return failWith(failure);
    std::printf("smoke test passed in %.2f s\n", clock.elapsed() / 1000.0);
    return 0;
}

}  // namespace qe::gui
