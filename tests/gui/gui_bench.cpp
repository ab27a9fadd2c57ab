// The window's own cost while replies stream, as figures (a benchmark, not a test): the UI
// thread's CPU time per generated token, with the replies shown as Markdown and with their
// tokens coloured (View → Colour tokens), and the time to open a conversation with a long reply.
// The engine runs on one thread of its own, so on a 2-core machine the UI thread has the other.
//   gui_bench [--tokens N] [--replies R] [--seeds S1,S2,... | --seeds random] [--model DIR]
// Offscreen on the tests' 1920 x 1080 screen unless QT_QPA_PLATFORM says otherwise; the built-in
// demo model by default, with its own sampling. The replies are sampled with the seeds in turn, so
// two builds are measured on the same replies; "random" draws a seed for each reply, as the chat
// does by default. The default seeds give the demo model's story 2,000 tokens or more (the CLI's
// `generate --chat --no-think --temperature 0.8 --top-k 40 --top-p 0.95 --seed S` gives the same
// replies). Compare builds on the replies that reach --tokens (the cost per token grows with the
// reply).
#include <algorithm>
#include <cstdio>
#include <ctime>

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTest>

#include "gui/chat/chat_session.h"
#include "gui/conversations/conversation_store.h"
#include "gui/main_window.h"
#include "gui/sampling_panel.h"
#include "gui/settings.h"
#include "gui_test_support.h"

using namespace qe::gui;

namespace {

// CPU time of the calling thread (here the UI thread, which runs the event loop), seconds.
double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
    qe::test::useTestScreen(QE_OFFSCREEN_SCREEN);
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    int tokens = 2000, replies = 3;
    QList<int> seeds{2, 4, 5, 7};  // {Settings::kRandomSeed}: a new one for each reply
    QString model = QStringLiteral(QE_DEMO_MODEL_DIR);
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QStringLiteral("--tokens")) tokens = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--replies")) replies = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--model")) model = args[i + 1];
        else if (args[i] == QStringLiteral("--seeds")) {
            seeds = {Settings::kRandomSeed};
            if (args[i + 1] != QStringLiteral("random")) {
                seeds.clear();
                for (const QString& s : args[i + 1].split(QLatin1Char(','))) seeds << std::max(0, s.toInt());
            }
        } else {
            std::fprintf(stderr, "usage: gui_bench [--tokens N] [--replies R] [--seeds S1,S2,... | --seeds random] [--model DIR]\n");
            return 2;
        }
    }
    if (!QFileInfo::exists(model + QStringLiteral("/config.json"))) {
        std::fprintf(stderr, "no model in %s (build the default-model target, or pass --model)\n", qPrintable(model));
        return 1;
    }
    std::printf("| view | reply | seed | tokens | UI thread ms | ms per token | tok/s |\n|---|---|---|---|---|---|---|\n");
    for (const bool colours : {false, true}) {
        qe::test::WindowUnderTest w;
        const bool loaded = w.open(model, [&](Settings& s) {
            s.setMaxNewTokens(tokens);
            s.setThinking(false);
            s.setColourTokens(colours);
            s.setSamplingPreset(SamplingPresetChoice::Custom);  // the demo model's own sampling
            qe::SamplingParams demo;
            demo.temperature = 0.8f;
            demo.topK = 40;
            demo.topP = 0.95f;
            s.setCustomSampling(demo);
        });
        if (!loaded) {
            std::fprintf(stderr, "the model did not load: %s\n", qPrintable(w.window->errorText()));
            return 1;
        }
        w.window->resize(1600, 972);
        const char* view = colours ? "coloured tokens" : "Markdown";
        QString longest;
        std::size_t longestTokens = 0;
        for (int r = 0; r < replies; ++r) {
            w.window->selectConversation(QString());  // a message with none open starts one
            w.window->samplingPanel()->setSeed(seeds[r % seeds.size()]);
            const double cpu = threadCpuSeconds();
            QElapsedTimer wall;
            wall.start();
            if (!w.window->sendMessage(QStringLiteral("Tell me a long story about a city."))) {
                std::fprintf(stderr, "the message was not sent: %s\n", qPrintable(w.window->errorText()));
                return 1;
            }
            if (!QTest::qWaitFor([&] { return !w.window->chat()->isGenerating(); }, 600'000)) {
                std::fprintf(stderr, "the reply did not finish in 10 minutes\n");
                return 1;
            }
            const double uiMs = (threadCpuSeconds() - cpu) * 1e3;
            const double seconds = static_cast<double>(wall.elapsed()) / 1e3;
            const Conversation* c = w.window->store()->find(w.window->currentConversation());
            const std::size_t n = c && !c->thread().empty() ? c->thread().back()->tokens.size() : 0;
            if (n > longestTokens) {
                longestTokens = n;
                longest = c->id;
            }
            const Message* reply = c && !c->thread().empty() ? c->thread().back() : nullptr;
            const long long used = reply && reply->sampling ? static_cast<long long>(reply->sampling->seed) : -1;
            std::printf("| %s | %d | %lld | %zu | %.0f | %.2f | %.1f |\n", view, r + 1, used, n, uiMs,
                        n ? uiMs / static_cast<double>(n) : 0.0, seconds > 0 ? static_cast<double>(n) / seconds : 0.0);
            std::fflush(stdout);
        }
        // Opening the longest reply's conversation from another one (wall time, the window's
        // layout and paint included).
        w.window->selectConversation(QString());
        QApplication::processEvents();
        QElapsedTimer open;
        open.start();
        w.window->selectConversation(longest);
        QApplication::processEvents();
        std::printf("| %s | open the %zu-token reply's conversation | | | %lld ms wall | | |\n", view, longestTokens,
                    static_cast<long long>(open.elapsed()));
        w.close();
    }
    return 0;
}
