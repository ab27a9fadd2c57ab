// Takes screenshots of the main window for docs/screenshots: the built-in demo model (trained
// on the Brown corpus) is loaded, a sample conversation (written here, clearly a demo) is shown
// next to a live reply coloured by token probability, then each inspector view.
//   gui_screenshots OUTDIR    (offscreen, on a 1920 x 1080 screen, unless QT_QPA_PLATFORM is set)
#include <QComboBox>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QDockWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "gui/chat/chat_session.h"
#include "gui/conversations/conversation_store.h"
#include "gui/inspector/attention_heatmap.h"
#include "gui/inspector/attention_view.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/inspector_panel.h"
#include "gui/inspector/token_strip.h"
#include "gui/inspector/logit_lens_view.h"
#include "gui/inspector/structure_diagram.h"
#include "gui/inspector/structure_tour_panel.h"
#include "gui/inspector/structure_view.h"
#include "gui/language.h"
#include "gui/main_window.h"
#include "gui/settings.h"
#include "gui/settings_dialog.h"
#include "gui_test_support.h"

using namespace qe::gui;

namespace {

// The demo model's strongest induction head (docs/demo-model.md).
constexpr int kInductionLayer = 3;
constexpr int kInductionHead = 4;

void addDemoConversation(ConversationStore& store) {
    Conversation& c = store.create(QStringLiteral("Python: reverse a string"));
    const QString q = c.append(QString(), Role::User, QStringLiteral("How do I reverse a string in Python?")).id;
    Message& a = c.append(q, Role::Assistant,
                          QStringLiteral("<think>\nThe user wants the idiomatic way. Slicing with a step of -1 is the "
                                         "usual answer; mention reversed() too.\n</think>\n\n"
                                         "Use **slicing** with a step of `-1`:\n\n```python\ntext = \"hello\"\n"
                                         "print(text[::-1])  # olleh\n```\n\nOr join the reversed characters:\n\n"
                                         "```python\n\"\".join(reversed(text))\n```\n"));
    a.thinkingSeconds = 1.8;
    a.stats = MessageStats{24, 0, 61, 0.21, 38.5, 410.0};
    store.save(c.id);
}

}  // namespace

int main(int argc, char** argv) {
    qe::test::useTestScreen(QE_OFFSCREEN_SCREEN);
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(".");
    QDir().mkpath(out);
    const QString model = QStringLiteral(QE_DEMO_MODEL_DIR);
    if (!QFileInfo::exists(model + QStringLiteral("/model.safetensors"))) {
        qWarning("no built-in model in %s (build the default-model target)", qPrintable(model));
        return 1;
    }
    for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
        QTemporaryDir data;
        Settings settings(data.filePath(QStringLiteral("settings.ini")));
        settings.setThreads(1);
        settings.setMaxNewTokens(24);
        // The demo model's own sampling (generation_config.json: temperature 0.8, top-k 40).
        settings.setSamplingPreset(SamplingPresetChoice::Custom);
        qe::SamplingParams demo;
        demo.temperature = 0.8f;
        demo.topK = 40;
        demo.topP = 0.95f;
        demo.seed = 3;
        settings.setCustomSampling(demo);
        settings.setColourTokens(true);
        settings.setThinking(false);
        LanguageManager manager;
        manager.apply(language);
        MainWindow window(settings, manager, data.filePath(QStringLiteral("conversations")));
        {
            ConversationStore seed(data.filePath(QStringLiteral("conversations")));
            addDemoConversation(seed);
        }
        window.resize(1920, 1000);
        window.show();
        window.startup(model);
        if (!QTest::qWaitFor([&] { return window.isModelLoaded(); }, 60000)) {
            qWarning("the model did not load");
            return 1;
        }
        window.sendMessage(language == QStringLiteral("en") ? QStringLiteral("The jury said") : QStringLiteral("陪审团说"));
        if (!QTest::qWaitFor([&] { return !window.chat()->isGenerating(); }, 60000)) qWarning("the reply did not finish");
        QTest::qWait(300);
        window.grab().save(QDir(out).filePath(QStringLiteral("main-window-%1.png").arg(language)));
        if (language == QStringLiteral("en")) {  // View → Zoom in, three steps, the inspector hidden (F9): a projector
            window.inspectorDock()->hide();
            for (int i = 0; i < 3; ++i) window.zoomIn();
            QTest::qWait(300);
            window.grab().save(QDir(out).filePath(QStringLiteral("main-window-zoom-%1-%2.png")
                                                      .arg(qRound(window.textScale() * 100))
                                                      .arg(language)));
            window.setTextScale(1.0);
            window.inspectorDock()->show();
            QTest::qWait(300);
        }

        // The inspector tabs, each on its own (issue #9).
        InspectorPanel* inspector = window.inspector();
        window.inspectorDock()->setFloating(true);
        window.inspectorDock()->resize(760, 900);
        QTest::qWait(200);
        inspector->store()->select(inspector->store()->positions() - 4);
        const QDir dirOut(out);
        auto shot = [&](const QString& name) {
            QTest::qWait(300);
            inspector->grab().save(dirOut.filePath(QStringLiteral("inspector-%1-%2.png").arg(name, language)));
        };
        inspector->showTab(InspectorPanel::StructureTab);
        inspector->structureView()->explain(5);  // grouped-query attention
        shot(QStringLiteral("structure"));
        inspector->structureView()->explain(static_cast<int>(StructureBlock::QkvProjection));
        QTest::qWait(1500);  // statistics of the embedding-sized tensors are computed off the GUI thread
        shot(QStringLiteral("tensor-stats"));
        inspector->structureView()->startTour();
        inspector->structureView()->tourPanel()->goTo(6);  // layer 0, grouped-query attention
        shot(QStringLiteral("tour"));
        inspector->structureView()->tourPanel()->stop();
        inspector->structureView()->choosePreset(QStringLiteral("32b"));
        inspector->structureView()->explain(9);  // SwiGLU
        shot(QStringLiteral("structure-32b"));
        inspector->showTab(InspectorPanel::AttentionTab);
        inspector->attentionView()->openHead(1, 1);
        (void)QTest::qWaitFor([&] { return inspector->attentionView()->heatmap()->rows().head == 1; }, 30000);
        inspector->attentionView()->heatmap()->setZoom(1.0);
        shot(QStringLiteral("attention"));
        inspector->showTab(InspectorPanel::LayersTab);
        shot(QStringLiteral("layers"));
        inspector->showTab(InspectorPanel::LensTab);
        (void)QTest::qWaitFor([&] { return inspector->logitLensView()->lens().pos == inspector->store()->selected(); }, 30000);
        shot(QStringLiteral("logit-lens"));

        // Issue #7: the demo model's induction head, on twelve words said twice. From each word of
        // the second run it attends to the word that followed the first occurrence: the stripe
        // below the diagonal. The selected row is the second "garden" (it looks at "number"); the
        // line under the map and the context tokens' colours say so too.
        const QString words = QStringLiteral("river chair paper music table window garden number letter morning money water");
        window.sendMessage(words + QLatin1Char(' ') + words);
        if (!QTest::qWaitFor([&] { return !window.chat()->isGenerating(); }, 60000)) qWarning("the reply did not finish");
        DiagnosticsStore* store = inspector->store();
        for (std::int64_t pos = store->promptTokens() - 1; pos >= 0; --pos) {
            if (store->tokenLabel(pos).contains(QStringLiteral("garden"))) {
                store->select(pos);
                break;
            }
        }
        inspector->showTab(InspectorPanel::AttentionTab);
        inspector->attentionView()->openHead(kInductionLayer, kInductionHead);
        (void)QTest::qWaitFor([&] {
            const auto& rows = inspector->attentionView()->heatmap()->rows();
            return rows.layer == kInductionLayer && rows.head == kInductionHead;
        }, 30000);
        // The context tokens shaded by where the selected "garden" looks in that head.
        inspector->colouringCombo()->setCurrentIndex(static_cast<int>(TokenStrip::Colouring::Attention));
        (void)QTest::qWaitFor([&] {
            const auto& focus = inspector->attentionView()->focusRow();
            return focus.layer == kInductionLayer && focus.head == kInductionHead && focus.pos == store->selected();
        }, 30000);
        inspector->attentionView()->heatmap()->setZoom(1.0);
        shot(QStringLiteral("induction"));
        inspector->colouringCombo()->setCurrentIndex(static_cast<int>(TokenStrip::Colouring::Probability));
        window.inspectorDock()->setFloating(false);

        // Settings (Edit → Settings…), with its tooltips' subjects: backend, KV cache, diagnostics memory.
        SettingsDialog dialog(settings, &window);
        dialog.show();
        QTest::qWait(100);
        dialog.grab().save(QDir(out).filePath(QStringLiteral("settings-%1.png").arg(language)));
    }
    return 0;
}
