// MainWindow end to end on a tiny model, offscreen: send a message and see tokens stream, stop,
// regenerate, edit and branch, the template form fills and previews, switching the language
// changes visible texts, a load failure shows an error while the app keeps working, a
// conversation exports to Markdown and JSON and imports back, View → Zoom scales every text, and a
// conversation's system prompt is set in place or, once it has replies, in a new branch, and the
// default one of the settings starts new conversations; Escape stops a reply; a model folder or
// conversation files dropped on the window open or import; code blocks have Copy buttons; a reply
// fills the context and the next turn offers to leave out old turns; the panels follow the zoom
// without pushing the window off the (1920 x 1080 offscreen) screen.
#include <QDir>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QStatusBar>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFragment>
#include <QTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QUrl>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QDockWidget>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <memory>
#include <utility>

#include "core/chat/output_parser.h"
#include "gui/chat/chat_session.h"
#include "gui/chat/chat_view.h"
#include "gui/chat/markdown_view.h"
#include "gui/conversations/conversation_list.h"
#include "gui/chat/message_widget.h"
#include "gui/inspector/structure_tour_panel.h"
#include "gui/inspector/structure_view.h"
#include "gui/inspector/token_strip.h"
#include "gui/conversations/conversation_export.h"
#include "gui/conversations/conversation_store.h"
#include "gui/language.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/inspector_panel.h"
#include "gui/main_window.h"
#include "gui/model_bar.h"
#include "gui/model_card.h"
#include "gui/paths.h"
#include "gui/sampling_panel.h"
#include "gui/settings.h"
#include "gui/settings_dialog.h"
#include "gui/templates/prompt_template_dialog.h"
#include "gui/templates/template_editor_dialog.h"
#include "gui_test_support.h"
#include "tests/helpers/test_paths.h"

using namespace qe::gui;

namespace {

QAbstractButton* buttonWithText(QWidget* root, const QString& text) {
    for (QAbstractButton* b : root->findChildren<QAbstractButton*>())
        if (b->text() == text && b->isVisible()) return b;
    return nullptr;
}

// Answers every message box that opens while it lives with the button of text `answer` (or
// closes it without one), and keeps the boxes' texts.
class BoxAnswerer {
public:
    explicit BoxAnswerer(QString answer) : answer(std::move(answer)) {
        m_timer.setInterval(20);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                asked << box->text();
                if (QAbstractButton* button = buttonWithText(box, this->answer)) button->click();
                else box->reject();
            }
        });
        m_timer.start();
    }
    QString answer;
    QStringList asked;

private:
    QTimer m_timer;
};

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void sendStreamsTokens();
    void stopKeepsText();
    void regenerateAddsVersion();
    void fixedSeedRepeatsAReply();
    void editAndResendBranches();
    void templateFormPreviews();
    void templateSamplingTakesEffect();
    void templateEditorKeepsItsOwnSampling();
    void languageSwitchRetranslates();
    void loadFailureShowsError();
    void exportAndImport();
    void zoomScalesEveryText();
    void systemPromptStartsAgainInANewBranch();
    void settingsShowTheSamplingInEffect();
    void settingsReachTheGenerationPanel();
    void fullScreenToggles();
    void inspectorColourIsKept();
    void recentShowsTheLoadedModel();
    void exportAllAndImportSeveral();
    void defaultSystemPromptStartsNewConversations();
    void dropsOpenModelsAndImportConversations();
    void codeBlocksHaveCopyButtons();
    void repliesFillTheContextThenOfferToDropTurns();
    void zoomKeepsPanelsInProportion();
    void firstMessageWithTheShippedDefaults();
    void modelBarDropsItsLabelsWhenNarrow();
    void inspectorFitsTheDefaultWindow();
    void keyboardRegeneratesAndFinds();

private:
    bool waitIdle(int ms = 60000) {
        return QTest::qWaitFor([&] { return !m_app.window->chat()->isGenerating(); }, ms);
    }
    const Conversation* current() const { return m_app.window->store()->find(m_app.window->currentConversation()); }

    QTemporaryDir m_dir;
    QString m_model;
    qe::test::WindowUnderTest m_app;
};

void TestMainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QString why;
    m_model = qe::test::makeTinyModel(m_dir, &why);
    if (m_model.isEmpty()) QSKIP(qPrintable(why));
}

void TestMainWindow::init() {
    QVERIFY(m_app.open(m_model, [](Settings& s) {
        s.setMaxNewTokens(24);
    }));
}

void TestMainWindow::cleanup() { m_app.close(); }

void TestMainWindow::sendStreamsTokens() {
    // The whole window's event loop stays responsive while a reply streams: largest gap
    // between ticks of a 5 ms timer.
    QElapsedTimer clock;
    qint64 last = -1;
    qint64 worst = 0;
    int stalls = 0;  // gaps over 50 ms
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        if (last >= 0) {
            worst = std::max(worst, now - last);
            stalls += now - last > 50;
        }
        last = now;
    });
    clock.start();
    ticker.start();
    int updates = 0;
    QProgressBar* meter = m_app.window->samplingPanel()->contextMeter();
    int meterWhileStreaming = 0;
    connect(m_app.window->chat(), &ChatSession::messageUpdated, this, [&] {
        ++updates;
        if (m_app.window->chat()->isGenerating()) meterWhileStreaming = meter->value();  // the last one
    });
    QVERIFY(m_app.window->sendMessage(QStringLiteral("Hello, who are you?")));
    // The user's message is on disk before the reply is generated.
    const QString id = m_app.window->currentConversation();
    QFile file(m_app.window->store()->filePath(id));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("Hello, who are you?"));
    file.close();
    QVERIFY(waitIdle());
    ticker.stop();
    // Work on the GUI thread per token would stall it again and again; one stall of up to
    // 150 ms is the scheduler of a loaded 2-core machine (CI runs two tests at a time).
    QVERIFY2(stalls <= 1 && worst <= 150,
             qPrintable(QStringLiteral("event loop blocked %1 times, at worst for %2 ms").arg(stalls).arg(worst)));
    QVERIFY(updates >= 1);
    const auto thread = current()->thread();
    QCOMPARE(thread.size(), std::size_t(2));
    QCOMPARE(thread[1]->role, Role::Assistant);
    QVERIFY(thread[1]->stats.has_value());
    QVERIFY(thread[1]->stats->newTokens >= 1);
    QVERIFY(thread[1]->finish == FinishState::Complete || thread[1]->finish == FinishState::Length);
    QCOMPARE(m_app.window->chatView()->messageCount(), 2);
    // The context meter follows the stream: the prompt and the tokens generated so far.
    QCOMPARE(meterWhileStreaming, static_cast<int>(thread[1]->stats->promptTokens + thread[1]->stats->newTokens));
    // A follow-up turn reuses the cached prefix.
    m_app.window->samplingPanel()->setThinking(false);  // so all of the reply stays in the history
    meterWhileStreaming = 0;
    QVERIFY(m_app.window->sendMessage(QStringLiteral("And then?")));
    const int meterAtFollowUp = meter->value();
    QVERIFY(waitIdle());
    const auto longer = current()->thread();
    QCOMPARE(longer.size(), std::size_t(4));
    QVERIFY(longer[3]->stats->reusedTokens > 0);
    QCOMPARE(meterWhileStreaming, static_cast<int>(longer[3]->stats->promptTokens + longer[3]->stats->newTokens));
    // When the reply ends, the meter shows what the thread with the reply takes (the next
    // prompt's history: the template leaves earlier replies' thinking out).
    const auto usage = m_app.window->chat()->contextUsage(*current(), false);
    QCOMPARE(meter->value(), static_cast<int>(usage));
    // (The sampled reply may end at once: then it adds nothing to the history.)
    const bool answered = !QString::fromStdString(qe::parseOutput(longer[3]->text.toStdString(), longer[3]->thinkingStarted).content)
                               .trimmed()
                               .isEmpty();
    if (answered)
        QVERIFY2(usage > meterAtFollowUp, qPrintable(QStringLiteral("%1 tokens with the reply, %2 without").arg(usage).arg(meterAtFollowUp)));
}

void TestMainWindow::stopKeepsText() {
    m_app.settings->setMaxNewTokens(20000);
    m_app.window->samplingPanel()->loadFrom(*m_app.settings);
    QVERIFY(m_app.window->sendMessage(QStringLiteral("Write a long story.")));
    QVERIFY(QTest::qWaitFor([&] {
        const auto t = current()->thread();
        return t.size() == 2 && !t[1]->text.isEmpty();
    }, 60000));
    QAbstractButton* stop = buttonWithText(m_app.window.get(), QStringLiteral("Stop"));
    QVERIFY(stop && stop->isEnabled());
    stop->click();
    QVERIFY(waitIdle(2000));
    const Message* reply = current()->thread().back();
    QCOMPARE(reply->finish, FinishState::Stopped);
    QVERIFY(!reply->text.isEmpty());

    // Escape stops too, wherever the focus is in the window.
    QVERIFY(m_app.window->sendMessage(QStringLiteral("Another one.")));
    QVERIFY(QTest::qWaitFor([&] {
        const auto t = current()->thread();
        return t.size() == 4 && !t[3]->text.isEmpty();
    }, 60000));
    m_app.window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_app.window.get()));
    m_app.window->chatView()->setFocus();
    QTest::keyClick(m_app.window->chatView(), Qt::Key_Escape);
    QVERIFY(waitIdle(2000));
    QCOMPARE(current()->thread().back()->finish, FinishState::Stopped);
}

void TestMainWindow::dropsOpenModelsAndImportConversations() {
    MainWindow* w = m_app.window.get();
    QPlainTextEdit* composer = nullptr;
    for (QPlainTextEdit* e : w->findChildren<QPlainTextEdit*>())
        if (e->placeholderText().startsWith(QStringLiteral("Type a message"))) composer = e;
    QVERIFY(composer);
    // Drags `paths` over `target` and drops them if it accepts; whether it did.
    const auto drop = [](QWidget* target, const QStringList& paths) {
        QMimeData mime;
        QList<QUrl> urls;
        for (const QString& p : paths) urls << QUrl::fromLocalFile(p);
        mime.setUrls(urls);
        mime.setText(paths.join(QLatin1Char('\n')));  // as file managers give it too
        const QPoint at = target->rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(target, &enter);
        if (!enter.isAccepted()) return false;
        QDropEvent dropped(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(target, &dropped);
        return dropped.isAccepted();
    };

    // Conversation files: imported, on the window or on the composer (its text stays as it was).
    QVERIFY(w->sendMessage(QStringLiteral("Hi")));
    QVERIFY(waitIdle());
    QTemporaryDir out;
    const QString json = out.filePath(QStringLiteral("hi.json"));
    QVERIFY(w->exportConversationTo(json));
    QVERIFY(drop(w, {json}));
    QCOMPARE(w->store()->conversations().size(), std::size_t(2));
    QVERIFY(w->statusBar()->currentMessage().startsWith(QStringLiteral("Imported 1 conversation")));
    QVERIFY(drop(composer->viewport(), {json, json}));
    QCOMPARE(w->store()->conversations().size(), std::size_t(4));
    QVERIFY(composer->toPlainText().isEmpty());

    // Anything else is refused: the drag is not accepted, nothing changes.
    QFile notes(out.filePath(QStringLiteral("notes.txt")));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.close();
    QVERIFY(!drop(w, {notes.fileName()}));
    QVERIFY(!drop(w, {json, out.path()}));  // a folder among files
    QCOMPARE(w->store()->conversations().size(), std::size_t(4));

    // A folder that is no model: said, and the loaded model stays.
    QVERIFY(drop(w, {out.path()}));
    QVERIFY(w->errorText().contains(QStringLiteral("config.json")));
    QVERIFY(w->isModelLoaded());

    // A model folder's file (here its config.json) dropped on the composer: the folder loads.
    QSignalSpy ready(w, &MainWindow::modelReady);
    QVERIFY(drop(composer->viewport(), {QDir(m_model).filePath(QStringLiteral("config.json"))}));
    QVERIFY(ready.wait(60000));
    QVERIFY(w->isModelLoaded());
    QVERIFY(w->errorText().isEmpty());
    QVERIFY(composer->toPlainText().isEmpty());
}

void TestMainWindow::regenerateAddsVersion() {
    QVERIFY(m_app.window->sendMessage(QStringLiteral("Hi")));
    QVERIFY(waitIdle());
    const QString first = current()->thread().back()->id;
    MessageWidget* widget = m_app.window->chatView()->widgetFor(first);
    QVERIFY(widget);
    QAbstractButton* regenerate = buttonWithText(widget, QStringLiteral("Regenerate"));
    QVERIFY(regenerate);
    regenerate->click();
    QVERIFY(waitIdle());
    const QString second = current()->thread().back()->id;
    QVERIFY(second != first);
    QCOMPARE(current()->siblings(second).size(), std::size_t(2));
    // ‹ goes back to the first version.
    MessageWidget* now = m_app.window->chatView()->widgetFor(second);
    QAbstractButton* previous = buttonWithText(now, QStringLiteral("‹"));
    QVERIFY(previous && previous->isEnabled());
    previous->click();
    QCOMPARE(current()->thread().back()->id, first);
}

// Each reply records its sampling and seed. A fixed seed gives the same reply again (regenerated:
// the prompt comes from the cache this time); the seed under a reply is a link that fixes it.
void TestMainWindow::fixedSeedRepeatsAReply() {
    MainWindow* w = m_app.window.get();
    auto* fixed = w->samplingPanel()->findChild<QCheckBox*>(QStringLiteral("fixedSeed"));
    auto* seedBox = w->samplingPanel()->findChild<QSpinBox*>(QStringLiteral("seed"));
    QVERIFY(fixed && seedBox);
    // The default: a new seed for each reply.
    QVERIFY(!fixed->isChecked() && !seedBox->isEnabled());
    QCOMPARE(seedBox->text(), QStringLiteral("Random"));
    fixed->click();
    QVERIFY(seedBox->isEnabled());
    QCOMPARE(seedBox->text(), QStringLiteral("0"));
    seedBox->setValue(4242);
    QVERIFY(w->sendMessage(QStringLiteral("Tell me about rivers.")));
    QVERIFY(waitIdle());
    const auto regenerate = [&]() -> const Message* {
        const QString last = current()->thread().back()->id;
        QAbstractButton* button = buttonWithText(w->chatView()->widgetFor(last), QStringLiteral("Regenerate"));
        if (!button) return nullptr;
        button->click();
        if (!waitIdle() || current()->thread().back()->id == last) return nullptr;
        return current()->thread().back();
    };
    const auto ids = [](const Message* m) {
        std::vector<int> list;
        for (const MessageToken& t : m->tokens) list.push_back(t.id);
        return list;
    };
    const Message first = *current()->thread().back();
    QVERIFY(first.sampling.has_value());
    QCOMPARE(first.sampling->seed, std::uint64_t(4242));
    const qe::SamplingParams panel = w->samplingPanel()->sampling();
    QCOMPARE(first.sampling->temperature, panel.temperature);
    QCOMPARE(first.sampling->topP, panel.topP);
    QCOMPARE(first.sampling->topK, panel.topK);
    QVERIFY(first.tokens.size() >= 2);
    // The command-line tool, given the same prompt, settings and seed, writes the same tokens.
    const qe::test::CliRun cli = qe::test::runCli(
        {QStringLiteral("generate"), QStringLiteral("--model"), m_model, QStringLiteral("--prompt"), QStringLiteral("Tell me about rivers."),
         QStringLiteral("--chat"), QStringLiteral("--think"), QStringLiteral("--max-new"), QString::number(w->samplingPanel()->maxNewTokens()),
         QStringLiteral("--temperature"), QString::number(panel.temperature), QStringLiteral("--top-k"), QString::number(panel.topK),
         QStringLiteral("--top-p"), QString::number(panel.topP), QStringLiteral("--min-p"), QString::number(panel.minP),
         QStringLiteral("--seed"), QStringLiteral("4242"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--json")});
    QVERIFY2(cli.exitCode == 0, cli.err.constData());
    std::vector<int> cliIds;
    for (const QJsonValue& id : QJsonDocument::fromJson(cli.out).object().value(QStringLiteral("new_tokens")).toArray()) cliIds.push_back(id.toInt());
    QCOMPARE(ids(&first), cliIds);
    const Message* again = regenerate();
    QVERIFY(again);
    // This time the prompt came from the KV cache (the first time from a prefill): the same
    // tokens either way.
    QVERIFY(again->stats && first.stats);
    QCOMPARE(first.stats->reusedTokens, qint64(0));
    QVERIFY2(again->stats->reusedTokens > 0, qPrintable(QString::number(again->stats->reusedTokens)));
    QCOMPARE(again->sampling->seed, std::uint64_t(4242));
    QCOMPARE(ids(again), ids(&first));
    QCOMPARE(again->text, first.text);

    // Random again: each reply draws its own seed, and the line under it names it.
    fixed->click();
    QVERIFY(!seedBox->isEnabled());
    QCOMPARE(seedBox->text(), QStringLiteral("Random"));
    QCOMPARE(w->samplingPanel()->seed(), Settings::kRandomSeed);
    const Message* random1 = regenerate();
    QVERIFY(random1);
    const std::uint64_t seed1 = random1->sampling->seed;
    const QString random1Id = random1->id;
    fixed->click();  // the number comes back when it is switched on again
    QCOMPARE(seedBox->value(), 4242);
    seedBox->setValue(0);
    QTest::keyClick(seedBox, Qt::Key_Down);  // below 0 is Random: fixed goes off
    QCOMPARE(seedBox->text(), QStringLiteral("Random"));
    QVERIFY(!fixed->isChecked() && !seedBox->isEnabled());
    const Message* random2 = regenerate();
    QVERIFY(random2);
    QVERIFY(random2->sampling->seed != seed1);
    QVERIFY(random2->sampling->seed != 4242);
    QLabel* stats = w->chatView()->widgetFor(random2->id)->findChild<QLabel*>(QStringLiteral("stats"));
    QVERIFY(stats);
    const QString seedText = QStringLiteral("seed %1").arg(random2->sampling->seed);
    QVERIFY2(stats->text().contains(QStringLiteral(">seed&nbsp;%1</a>").arg(random2->sampling->seed)), qPrintable(stats->text()));  // on one line
    QVERIFY(stats->toolTip().contains(seedText));

    // Clicking it fixes that seed, and regenerating repeats that reply.
    const Message secondRandom = *random2;
    emit stats->linkActivated(QStringLiteral("seed"));
    QVERIFY(fixed->isChecked());
    QCOMPARE(std::uint64_t(seedBox->value()), secondRandom.sampling->seed);
    const Message* repeated = regenerate();
    QVERIFY(repeated);
    QCOMPARE(ids(repeated), ids(&secondRandom));
    // The choice is saved, and so is each reply's sampling.
    QCOMPARE(std::uint64_t(m_app.settings->seed()), secondRandom.sampling->seed);
    ConversationStore reloaded(w->store()->folder());
    QVERIFY(reloaded.load().isEmpty());
    const Message* stored = reloaded.find(w->currentConversation())->find(random1Id);
    QVERIFY(stored && stored->sampling);
    QCOMPARE(stored->sampling->seed, seed1);
    QCOMPARE(stored->sampling->temperature, panel.temperature);
    QCOMPARE(stored->sampling->topP, panel.topP);
    QCOMPARE(stored->sampling->topK, panel.topK);
    QCOMPARE(stored->sampling->minP, panel.minP);
}

void TestMainWindow::editAndResendBranches() {
    QVERIFY(m_app.window->sendMessage(QStringLiteral("Original question")));
    QVERIFY(waitIdle());
    const QString userId = current()->thread().front()->id;
    MessageWidget* widget = m_app.window->chatView()->widgetFor(userId);
    QAbstractButton* edit = buttonWithText(widget, QStringLiteral("Edit"));
    QVERIFY(edit);
    edit->click();
    auto* editor = widget->findChild<QPlainTextEdit*>();
    QVERIFY(editor && editor->isVisible());
    editor->setPlainText(QStringLiteral("Edited question"));
    QAbstractButton* send = buttonWithText(widget, QStringLiteral("Send"));
    QVERIFY(send);
    send->click();
    QVERIFY(waitIdle());
    const auto thread = current()->thread();
    QCOMPARE(thread.size(), std::size_t(2));
    QCOMPARE(thread.front()->text, QStringLiteral("Edited question"));
    QCOMPARE(current()->siblings(thread.front()->id).size(), std::size_t(2));
    QVERIFY(current()->find(userId));  // the old version stays reachable

    // The keys in the edit box: Escape cancels, Ctrl+Enter sends the edit; a draft in the
    // composer stays there (Ctrl+Enter sent the draft, and the edit stayed open).
    m_app.window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_app.window.get()));
    QPlainTextEdit* composer = nullptr;
    for (QPlainTextEdit* e : m_app.window->findChildren<QPlainTextEdit*>())
        if (e->objectName() == QStringLiteral("composer")) composer = e;
    QVERIFY(composer);
    composer->setPlainText(QStringLiteral("A draft"));
    const QString editedId = thread.front()->id;
    MessageWidget* again = m_app.window->chatView()->widgetFor(editedId);
    QAbstractButton* copy = buttonWithText(again, QStringLiteral("Copy"));
    buttonWithText(again, QStringLiteral("Edit"))->click();
    auto* box = again->findChild<QPlainTextEdit*>();
    QVERIFY(again->isEditing() && box->hasFocus());
    QVERIFY(!copy->isVisible());  // Cancel and Send instead
    QTest::keyClick(box, Qt::Key_Escape);
    QVERIFY(!again->isEditing());
    QVERIFY(copy->isVisible());
    QCOMPARE(current()->siblings(editedId).size(), std::size_t(2));
    buttonWithText(again, QStringLiteral("Edit"))->click();
    box->setPlainText(QStringLiteral("Edited once more"));
    QTest::keyClick(box, Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(waitIdle());
    QCOMPARE(current()->thread().front()->text, QStringLiteral("Edited once more"));
    QCOMPARE(current()->siblings(current()->thread().front()->id).size(), std::size_t(3));
    QCOMPARE(current()->thread().size(), std::size_t(2));  // the draft was not sent
    QCOMPARE(composer->toPlainText(), QStringLiteral("A draft"));
    composer->clear();
}

void TestMainWindow::templateFormPreviews() {
    ChatSession* chat = m_app.window->chat();
    PromptPreviewer previewer = [chat](const nlohmann::ordered_json& messages) {
        PromptPreview p;
        p.text = chat->renderPreview(messages, false, &p.tokens, &p.error);
        return p;
    };
    PromptTemplateDialog dialog(QStringLiteral(QE_SOURCE_DIR "/resources/templates"), m_app.data->filePath(QStringLiteral("user-templates")),
                                previewer);
    QVERIFY(dialog.selectTemplate(QStringLiteral("summarize"), QStringLiteral("en")));
    QVERIFY(dialog.setVariable(QStringLiteral("sentences"), QStringLiteral("2")));
    QVERIFY(dialog.setVariable(QStringLiteral("text"), QStringLiteral("The quick brown fox jumps over the lazy dog.")));
    QVERIFY(dialog.previewText().contains(QStringLiteral("at most 2 sentences")));
    QVERIFY(dialog.previewText().contains(QStringLiteral("<|im_start|>assistant")));
    QVERIFY(dialog.tokenCountText().contains(QStringLiteral("token")));
    QVERIFY(dialog.messages().size() >= 2);  // system + user
    // The list shows whole names ("Chinese ↔ English translation (en, built-in)" was cut).
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* list = dialog.findChild<QListWidget*>();
    QVERIFY(list);
    for (int row = 0; row < list->count(); ++row)
        QVERIFY2(list->visualItemRect(list->item(row)).right() < list->viewport()->width(), qPrintable(list->item(row)->text()));
}

// A template's sampling is what its reply is sampled with: its own values (with a presence
// penalty, which the Generation panel now has too) or a preset with its thinking switch, whatever
// the panel held before. (Only the thinking switch was applied, so a template's own values were
// ignored.)
void TestMainWindow::templateSamplingTakesEffect() {
    MainWindow* w = m_app.window.get();
    SamplingPanel* panel = w->samplingPanel();
    PromptTemplateDialog dialog(QStringLiteral(QE_SOURCE_DIR "/resources/templates"), m_app.data->filePath(QStringLiteral("user-templates")),
                                [](const nlohmann::ordered_json&) { return PromptPreview{}; });
    const auto use = [&](const char* id, const QList<std::pair<QString, QString>>& variables) -> const Message* {
        if (!dialog.selectTemplate(QString::fromLatin1(id), QStringLiteral("en"))) return nullptr;
        for (const auto& [name, value] : variables)
            if (!dialog.setVariable(name, value)) return nullptr;
        if (!dialog.chosen()) return nullptr;
        w->useTemplate(*dialog.chosen(), dialog.messages());
        if (!waitIdle() || !current() || current()->thread().back()->role != Role::Assistant) return nullptr;
        return current()->thread().back();
    };
    panel->setThinking(false);
    panel->setPreset(SamplingPresetChoice::NonThinking);

    // explain-like-teacher: custom, temperature 0.7, top-p 0.8, top-k 20, presence penalty 1.0.
    const Message* reply = use("explain-like-teacher", {{QStringLiteral("topic"), QStringLiteral("rainbows")}});
    QVERIFY(reply && reply->sampling);
    QCOMPARE(panel->preset(), SamplingPresetChoice::Custom);
    QCOMPARE(reply->sampling->presencePenalty, 1.0f);
    QCOMPARE(reply->sampling->temperature, 0.7f);
    QCOMPARE(reply->sampling->topP, 0.8f);
    QCOMPARE(reply->sampling->topK, std::int64_t(20));
    QCOMPARE(panel->findChild<QDoubleSpinBox*>(QStringLiteral("presencePenalty"))->value(), 1.0);
    // Kept as the custom values for the next start.
    QCOMPARE(m_app.settings->samplingPreset(), SamplingPresetChoice::Custom);
    QCOMPARE(m_app.settings->customSampling().presencePenalty, 1.0f);

    // quadratic-solver: the thinking preset, from Custom; thinking on.
    reply = use("quadratic-solver", {{QStringLiteral("equation"), QStringLiteral("x^2 - 5x + 6 = 0")}});
    QVERIFY(reply && reply->sampling && reply->prompt);
    QCOMPARE(panel->preset(), SamplingPresetChoice::Thinking);
    QVERIFY(panel->thinking());
    QVERIFY(reply->prompt->thinking);
    QCOMPARE(reply->sampling->temperature, 0.6f);
    QCOMPARE(reply->sampling->topP, 0.95f);
    QCOMPARE(reply->sampling->presencePenalty, 0.0f);

    // summarize: the non-thinking preset; thinking off.
    reply = use("summarize", {{QStringLiteral("sentences"), QStringLiteral("2")},
                              {QStringLiteral("text"), QStringLiteral("The quick brown fox jumps over the lazy dog.")}});
    QVERIFY(reply && reply->sampling && reply->prompt);
    QCOMPARE(panel->preset(), SamplingPresetChoice::NonThinking);
    QVERIFY(!panel->thinking());
    QVERIFY(!reply->prompt->thinking);
    QCOMPARE(reply->sampling->temperature, 0.7f);
    QCOMPARE(reply->sampling->topP, 0.8f);
}

// A copy of a template with sampling values of its own keeps them (the editor offered only the
// presets and "keep the user's setting", so saving dropped them).
void TestMainWindow::templateEditorKeepsItsOwnSampling() {
    auto loaded = qe::loadPromptTemplateFile(QE_SOURCE_DIR "/resources/templates/explain-like-teacher.en.json");
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
    QCOMPARE(loaded->sampling.kind, qe::SamplingPresetKind::Custom);
    loaded->builtin = true;  // as the dialog lists it: a copy is saved, the file stays
    const QString folder = m_app.data->filePath(QStringLiteral("user-templates"));
    TemplateEditorDialog editor(*loaded, folder);
    auto* preset = editor.findChild<QComboBox*>();
    QVERIFY(preset);
    QCOMPARE(preset->count(), 4);
    QCOMPARE(preset->currentIndex(), 3);
    QVERIFY2(preset->currentText().contains(QStringLiteral("presence penalty 1")), qPrintable(preset->currentText()));
    QVERIFY(editor.save());
    QVERIFY(QFile::exists(QStringLiteral(QE_SOURCE_DIR "/resources/templates/explain-like-teacher.en.json")));
    auto saved = qe::loadPromptTemplateFile(editor.savedPath().toStdString());
    QVERIFY(saved.ok());
    QCOMPARE(saved->sampling.kind, qe::SamplingPresetKind::Custom);
    QCOMPARE(saved->sampling.temperature, loaded->sampling.temperature);
    QCOMPARE(saved->sampling.topP, loaded->sampling.topP);
    QCOMPARE(saved->sampling.topK, loaded->sampling.topK);
    QCOMPARE(saved->sampling.minP, loaded->sampling.minP);
    QCOMPARE(saved->sampling.presencePenalty, 1.0);
    // A template without values of its own is offered the three choices, as before.
    auto summarize = qe::loadPromptTemplateFile(QE_SOURCE_DIR "/resources/templates/summarize.en.json");
    QVERIFY(summarize.ok());
    summarize->builtin = true;
    TemplateEditorDialog other(*summarize, folder);
    QCOMPARE(other.findChild<QComboBox*>()->count(), 3);
}

void TestMainWindow::languageSwitchRetranslates() {
    QVERIFY(buttonWithText(m_app.window.get(), QStringLiteral("Send")));
    m_app.window->applyLanguage(QStringLiteral("zh_CN"));
    QTest::qWait(100);
    QVERIFY(buttonWithText(m_app.window.get(), QStringLiteral("发送")));
    QVERIFY(!buttonWithText(m_app.window.get(), QStringLiteral("Send")));
    QVERIFY(m_app.window->modelCard()->title() == QStringLiteral("模型"));
    m_app.window->applyLanguage(QStringLiteral("en"));
    QTest::qWait(100);
    QVERIFY(buttonWithText(m_app.window.get(), QStringLiteral("Send")));
    QCOMPARE(m_app.settings->language(), QStringLiteral("en"));
}

void TestMainWindow::loadFailureShowsError() {
    // Rejected before loading: the current model stays.
    QTemporaryDir empty;
    QVERIFY(!m_app.window->loadModel(empty.path()));
    QVERIFY(m_app.window->errorText().contains(QStringLiteral("config.json")));
    QVERIFY(m_app.window->isModelLoaded());
    // Accepted by validation, rejected by the engine (truncated weights).
    QTemporaryDir broken;
    for (const QString& name : QDir(m_model).entryList(QDir::Files))
        QVERIFY(QFile::copy(QDir(m_model).filePath(name), QDir(broken.path()).filePath(name)));
    QFile weights(QDir(broken.path()).filePath(QStringLiteral("model.safetensors")));
    QVERIFY(weights.open(QIODevice::ReadWrite));
    QVERIFY(weights.resize(weights.size() / 2));
    weights.close();
    QVERIFY(m_app.window->loadModel(broken.path()));
    QVERIFY(QTest::qWaitFor([&] { return !m_app.window->errorText().isEmpty(); }, 30000));
    QVERIFY(!m_app.window->isModelLoaded());
    // The app keeps working: the good model loads and chats again.
    QVERIFY(m_app.window->loadModel(m_model));
    QVERIFY(QTest::qWaitFor([&] { return m_app.window->isModelLoaded(); }, 60000));
    QVERIFY(m_app.window->errorText().isEmpty());
    QVERIFY(m_app.window->sendMessage(QStringLiteral("Still there?")));
    QVERIFY(waitIdle());
}

// Conversation → Export… and Import…, past their file dialogs: a reply exported as Markdown and
// as JSON, the JSON imported as a second conversation that is shown, and the failures (a folder
// that cannot be written, a file that is not a conversation) in the error banner.
void TestMainWindow::exportAndImport() {
    QVERIFY(m_app.window->sendMessage(QStringLiteral("Export me")));
    QVERIFY(waitIdle());
    const QString id = m_app.window->currentConversation();
    const QString reply = QString::fromStdString(
        qe::parseOutput(current()->thread().back()->text.toStdString(), current()->thread().back()->thinkingStarted).content).trimmed();
    QTemporaryDir out;
    const QString md = out.filePath(QStringLiteral("chat.md"));
    QVERIFY(m_app.window->exportConversationTo(md));
    QFile mdFile(md);
    QVERIFY(mdFile.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(mdFile.readAll());
    QVERIFY(text.contains(QStringLiteral("### You\n\nExport me\n")));
    const QString model = current()->thread().back()->model;  // the reply names its model
    QVERIFY(!model.isEmpty());
    QVERIFY(text.contains(QStringLiteral("### Assistant · ") + model + QLatin1Char('\n')));
    if (!reply.isEmpty()) QVERIFY(text.contains(reply));

    const QString json = out.filePath(QStringLiteral("chat.JSON"));  // the suffix in any case
    QVERIFY(m_app.window->exportConversationTo(json));
    QVERIFY(m_app.window->importConversationFrom(json));
    const QString imported = m_app.window->currentConversation();
    QVERIFY(imported != id);
    QCOMPARE(m_app.window->store()->conversations().size(), std::size_t(2));
    QCOMPARE(current()->thread().size(), std::size_t(2));
    QCOMPARE(current()->thread().back()->text, m_app.window->store()->find(id)->thread().back()->text);
    QCOMPARE(m_app.window->chatView()->messageCount(), 2);
    QVERIFY(m_app.window->errorText().isEmpty());

    QVERIFY(!m_app.window->exportConversationTo(out.filePath(QStringLiteral("no/such/folder/chat.md"))));
    QVERIFY(m_app.window->errorText().contains(QStringLiteral("could not be exported")));
    QVERIFY(!m_app.window->importConversationFrom(md));
    QVERIFY(m_app.window->errorText().contains(QStringLiteral("could not be imported")));
    QCOMPARE(m_app.window->currentConversation(), imported);  // nothing changed
    QCOMPARE(m_app.window->store()->conversations().size(), std::size_t(2));
}

static QAction* actionWithText(QWidget* root, const QString& text) {
    for (QAction* a : root->findChildren<QAction*>())
        if (a->text() == text) return a;
    return nullptr;
}

void TestMainWindow::zoomScalesEveryText() {
    MainWindow* w = m_app.window.get();
    QVERIFY(w->sendMessage(QStringLiteral("Zoom")));
    QVERIFY(waitIdle());
    QCOMPARE(w->textScale(), 1.0);
    const double base = QApplication::font().pointSizeF();
    QVERIFY(base > 0);
    QAction* in = actionWithText(w, QStringLiteral("Zoom &in"));
    QAction* out = actionWithText(w, QStringLiteral("Zoom &out"));
    QAction* actual = actionWithText(w, QStringLiteral("&Actual size"));
    QVERIFY(in && out && actual);
    QVERIFY(!actual->isEnabled());
    auto* composer = w->findChild<QPlainTextEdit*>();
    auto* message = w->findChild<MessageWidget*>();
    auto* tour = w->findChild<StructureTourPanel*>();
    QVERIFY(composer && message && tour);
    // The tour's title: its bold label at twice the panel's size.
    auto tourTitle = [&] {
        for (QLabel* l : tour->findChildren<QLabel*>())
            if (l->font().bold()) return l->font().pointSizeF() / tour->font().pointSizeF();
        return 0.0;
    };
    QCOMPARE(tourTitle(), 2.0);

    w->findChild<StructureView*>()->startTour();
    // Every widget's text at the scale (the tour's large type at 1.5 and 2 times it); the fonts
    // change through posted events.
    auto stragglers = [&](double scale) {
        QStringList wrong;
        for (QWidget* widget : w->findChildren<QWidget*>()) {
            const double ratio = widget->font().pointSizeF() / (base * scale);
            if (std::abs(ratio - 1) > 1e-6 && std::abs(ratio - 1.5) > 1e-6 && std::abs(ratio - 2) > 1e-6)
                wrong << QStringLiteral("%1 %2 (%3)").arg(QString::fromLatin1(widget->metaObject()->className()), widget->objectName()).arg(ratio);
        }
        return wrong.join(QStringLiteral(", "));
    };
    // Code in a reply (a block and inline) at the text's size, not the fixed-pitch font's own.
    auto* markdown = new MarkdownView(w->centralWidget());
    markdown->setMarkdownText(QStringLiteral("Use `s[::-1]`:\n\n```python\nprint(s[::-1])\n```\n"));
    auto codeSizes = [&] {
        QList<double> sizes;
        for (QTextBlock b = markdown->document()->begin(); b.isValid(); b = b.next())
            for (auto it = b.begin(); !it.atEnd(); ++it)
                if (it.fragment().charFormat().font().family() == QFontDatabase::systemFont(QFontDatabase::FixedFont).family())
                    sizes << it.fragment().charFormat().font().pointSizeF();
        return sizes;
    };
    QCOMPARE(codeSizes(), QList<double>({base, base}));
    QCOMPARE(stragglers(1.0), QString());
    in->trigger();
    QTRY_COMPARE(stragglers(1.1), QString());
    QCOMPARE(codeSizes(), QList<double>({base * 1.1, base * 1.1}));
    QCOMPARE(w->textScale(), 1.1);
    QVERIFY(qFuzzyCompare(QApplication::font().pointSizeF(), base * 1.1));
    QVERIFY(qFuzzyCompare(composer->font().pointSizeF(), base * 1.1));
    for (QLabel* l : message->findChildren<QLabel*>()) QVERIFY(qFuzzyCompare(l->font().pointSizeF(), base * 1.1));
    QVERIFY(qFuzzyCompare(tour->font().pointSizeF(), base * 1.1));
    QCOMPARE(tourTitle(), 2.0);  // the tour's large type grows with it
    QCOMPARE(w->statusBar()->currentMessage(), QStringLiteral("Text size 110 %"));
    QCOMPARE(m_app.settings->textScale(), 1.1);
    QVERIFY(actual->isEnabled());

    for (int i = 0; i < 20; ++i) in->trigger();
    QCOMPARE(w->textScale(), 3.0);
    QVERIFY(!in->isEnabled());
    w->zoomIn();  // at the largest step: nothing
    QCOMPARE(w->textScale(), 3.0);
    for (int i = 0; i < 20; ++i) out->trigger();
    QCOMPARE(w->textScale(), 0.8);
    QVERIFY(!out->isEnabled() && in->isEnabled());
    QTRY_COMPARE(stragglers(0.8), QString());
    actual->trigger();
    QCOMPARE(w->textScale(), 1.0);
    QVERIFY(qFuzzyCompare(QApplication::font().pointSizeF(), base));
    QTRY_COMPARE(stragglers(1.0), QString());

    // Between steps (an edited settings file): the next step either way; out of range: clamped.
    w->setTextScale(1.2);
    w->zoomIn();
    QCOMPARE(w->textScale(), 1.25);
    w->setTextScale(1.2);
    w->zoomOut();
    QCOMPARE(w->textScale(), 1.1);
    w->setTextScale(40.0);
    QCOMPARE(w->textScale(), 3.0);

    // Remembered: a window opened on these settings starts at the last size.
    m_app.close();
    QVERIFY(m_app.open(m_model, [](Settings& s) { s.setTextScale(1.5); }));
    QCOMPARE(m_app.window->textScale(), 1.5);
    QVERIFY(qFuzzyCompare(QApplication::font().pointSizeF(), base * 1.5));
    m_app.window->setTextScale(1.0);
}

void TestMainWindow::systemPromptStartsAgainInANewBranch() {
    MainWindow* w = m_app.window.get();
    // Before the first message: set, changed and removed in place.
    QVERIFY(w->setSystemPrompt(QStringLiteral("  Be brief.  ")));
    QCOMPARE(w->systemPrompt(), QStringLiteral("Be brief."));
    QCOMPARE(current()->messages.size(), std::size_t(1));
    QVERIFY(w->setSystemPrompt(QStringLiteral("Answer in French.")));
    QCOMPARE(current()->messages.size(), std::size_t(1));
    QCOMPARE(current()->thread().front()->text, QStringLiteral("Answer in French."));
    QVERIFY(w->setSystemPrompt(QString()));
    QVERIFY(current()->messages.empty());
    QVERIFY(w->setSystemPrompt(QStringLiteral("Be brief.")));

    // Sent before the user's message, in the reply's prompt.
    QVERIFY(w->sendMessage(QStringLiteral("Hi")));
    QVERIFY(!w->setSystemPrompt(QStringLiteral("Too soon")));  // while the reply streams
    QVERIFY(w->errorText().contains(QStringLiteral("once the reply has finished")));
    QVERIFY(waitIdle());
    const std::vector<const Message*> first = current()->thread();
    QCOMPARE(first.size(), std::size_t(3));
    QCOMPARE(first[0]->role, Role::System);
    const QString firstRoot = first[0]->id;
    const qint64 withSystem = first[2]->prompt->tokens;
    // Its Edit button, like a user message's.
    auto* systemWidget = w->chatView()->findChildren<MessageWidget*>().value(0);
    QVERIFY(systemWidget && systemWidget->messageId() == firstRoot);
    QVERIFY(buttonWithText(systemWidget, QStringLiteral("Edit")));

    // Removed once there are replies: a new branch from the first user message, without it.
    w->store()->find(w->currentConversation())->droppedTurns = 1;  // as after a full context: the new branch's only turn is still sent
    QVERIFY(w->setSystemPrompt(QString()));
    QVERIFY(waitIdle());
    std::vector<const Message*> thread = current()->thread();
    QCOMPARE(thread.size(), std::size_t(2));
    QCOMPARE(thread[0]->role, Role::User);
    QCOMPARE(thread[0]->text, QStringLiteral("Hi"));
    QCOMPARE(thread[1]->prompt->droppedTurns, 0);
    QVERIFY(thread[1]->prompt->tokens < withSystem);
    QCOMPARE(current()->siblings(thread[0]->id).size(), std::size_t(2));

    // Changed through the system message's Edit: another branch.
    QVERIFY(w->setSystemPrompt(QStringLiteral("Answer in French.")));
    QVERIFY(waitIdle());
    const QString frenchRoot = current()->thread().front()->id;
    emit w->chatView()->editSubmitted(frenchRoot, QStringLiteral("Be terse."));
    QVERIFY(waitIdle());
    thread = current()->thread();
    QCOMPARE(thread.size(), std::size_t(3));
    QCOMPARE(w->systemPrompt(), QStringLiteral("Be terse."));
    QCOMPARE(thread[1]->text, QStringLiteral("Hi"));
    QCOMPARE(thread[2]->role, Role::Assistant);
    QCOMPARE(current()->siblings(frenchRoot).size(), std::size_t(4));
    QVERIFY(w->errorText().isEmpty());

    // The first branch is intact, one click away.
    w->store()->find(w->currentConversation())->activate(firstRoot);
    thread = current()->thread();
    QCOMPARE(thread.size(), std::size_t(3));
    QCOMPARE(thread[0]->text, QStringLiteral("Be brief."));
    QCOMPARE(thread[2]->prompt->tokens, withSystem);
}

void TestMainWindow::exportAllAndImportSeveral() {
    MainWindow* w = m_app.window.get();
    ConversationStore* store = w->store();
    // Three conversations, two with one title and one whose title has characters file systems refuse.
    for (const QString& title : {QStringLiteral("Same"), QStringLiteral("Same"), QStringLiteral("a/b: c?")}) {
        Conversation& c = store->create(title);
        c.append(QString(), Role::User, QStringLiteral("from ") + title);
        store->save(c.id);
    }
    QTemporaryDir out;
    QVERIFY(w->exportAllTo(out.path()));
    QStringList files = QDir(out.path()).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QCOMPARE(files, QStringList({QStringLiteral("Same (2).json"), QStringLiteral("Same.json"), QStringLiteral("a b c.json")}));
    QVERIFY(w->statusBar()->currentMessage().startsWith(QStringLiteral("Exported 3 conversations")));

    // Exported again into that folder: the files there are kept (the conversations take the next
    // free names), or replaced.
    QFile same(out.filePath(QStringLiteral("Same.json")));
    QVERIFY(same.open(QIODevice::WriteOnly));
    same.write("kept");
    same.close();
    QVERIFY(w->exportAllTo(out.path(), MainWindow::ExistingFiles::KeepBoth));
    const QStringList both = QDir(out.path()).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QCOMPARE(both, QStringList({QStringLiteral("Same (2).json"), QStringLiteral("Same (3).json"), QStringLiteral("Same (4).json"),
                                QStringLiteral("Same.json"), QStringLiteral("a b c (2).json"), QStringLiteral("a b c.json")}));
    QVERIFY(same.open(QIODevice::ReadOnly));
    QCOMPARE(same.readAll(), QByteArray("kept"));
    same.close();
    for (const QString& f : {QStringLiteral("Same (3).json"), QStringLiteral("Same (4).json"), QStringLiteral("a b c (2).json")})
        QVERIFY(QFile::remove(out.filePath(f)));
    QVERIFY(w->exportAllTo(out.path(), MainWindow::ExistingFiles::Replace));
    QCOMPARE(QDir(out.path()).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name), files);
    QVERIFY(same.open(QIODevice::ReadOnly));
    QVERIFY(same.readAll().contains("from Same"));
    same.close();

    // Import them all, with a file that is no conversation among them: the others are added.
    QFile bad(out.filePath(QStringLiteral("notes.json")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("[1, 2]");
    bad.close();
    QStringList paths;
    for (const QString& f : files) paths << out.filePath(f);
    paths.insert(1, bad.fileName());
    QCOMPARE(w->importConversationsFrom(paths), 3);
    QCOMPARE(store->conversations().size(), std::size_t(6));
    QCOMPARE(current()->thread().front()->text, QStringLiteral("from a/b: c?"));  // the last one is shown
    QVERIFY(w->errorText().contains(QStringLiteral("1 file could not be imported")));
    QVERIFY(w->statusBar()->currentMessage().startsWith(QStringLiteral("Imported 3 conversations")));

    // As after the folder dialog: the question about the files already there. Cancel writes
    // nothing; Keep both writes under new names.
    const auto exportAsking = [&](const QString& answer) {
        BoxAnswerer answerer(answer);
        w->exportAllAsking(out.path());
        return answerer.asked;
    };
    const int before = static_cast<int>(QDir(out.path()).entryList({QStringLiteral("*.json")}, QDir::Files).size());
    QStringList asked = exportAsking(QStringLiteral("Cancel"));
    QCOMPARE(asked.size(), 1);
    // Six conversations (three imported again) would be Same, Same (2) to (4), a b c, a b c (2).
    QVERIFY2(asked[0].startsWith(QStringLiteral("3 files in ")), qPrintable(asked[0]));
    QCOMPARE(QDir(out.path()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), before);
    asked = exportAsking(QStringLiteral("&Keep both"));
    QCOMPARE(asked.size(), 1);
    QCOMPARE(QDir(out.path()).entryList({QStringLiteral("*.json")}, QDir::Files).size(), before + 6);

    // A folder that cannot be written: said, and nothing else changes.
    QVERIFY(!w->exportAllTo(out.filePath(QStringLiteral("no/such/folder"))));
    QVERIFY(w->errorText().contains(QStringLiteral("could not be exported")));
    QCOMPARE(store->conversations().size(), std::size_t(6));
}

// View → Full screen (F11) for demos, and back to the window as it was.
void TestMainWindow::fullScreenToggles() {
    MainWindow* w = m_app.window.get();
    QAction* fullScreen = nullptr;
    for (QAction* a : w->findChildren<QAction*>())
        if (a->text() == QStringLiteral("&Full screen")) fullScreen = a;
    QVERIFY(fullScreen && fullScreen->isCheckable());
    QVERIFY(fullScreen->shortcuts().contains(QKeySequence(Qt::Key_F11)));
    QVERIFY(!w->isFullScreen());
    fullScreen->trigger();
    QTRY_VERIFY(w->isFullScreen());
    QVERIFY(fullScreen->isChecked());
    fullScreen->trigger();
    QTRY_VERIFY(!w->isFullScreen());
    QVERIFY(!w->isMaximized());
    // F11 itself (not ambiguous where the platform's full-screen key is F11 too).
    w->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(w));
    QTest::keyClick(w, Qt::Key_F11);
    QTRY_VERIFY(w->isFullScreen());
    QTest::keyClick(w, Qt::Key_F11);
    QTRY_VERIFY(!w->isFullScreen());
    // Left another way (the window manager): the menu follows.
    w->showFullScreen();
    QTRY_VERIFY(fullScreen->isChecked());
    w->showNormal();
    QTRY_VERIFY(!fullScreen->isChecked());
}

// The inspector's Colour choice is kept for the next start (it went back to Probability).
void TestMainWindow::inspectorColourIsKept() {
    const QByteArray dataHome = qgetenv("XDG_DATA_HOME");  // open() points it at the new window's folder
    qe::test::WindowUnderTest next;
    QVERIFY(next.open(m_model, [](Settings& s) { s.setStripColouring(static_cast<int>(TokenStrip::Colouring::Attention)); }));
    QComboBox* colour = next.window->inspector()->colouringCombo();
    QCOMPARE(colour->currentIndex(), static_cast<int>(TokenStrip::Colouring::Attention));
    QCOMPARE(next.window->inspector()->tokenStrip()->colouring(), TokenStrip::Colouring::Attention);
    colour->setCurrentIndex(static_cast<int>(TokenStrip::Colouring::None));
    QCOMPARE(Settings(next.data->filePath(QStringLiteral("settings.ini"))).stripColouring(),
             static_cast<int>(TokenStrip::Colouring::None));
    next.close();
    qputenv("XDG_DATA_HOME", dataHome);
}

// The Recent list shows the model loaded (it showed the newest recent folder whatever was
// loaded), and offers the built-in demo model last.
void TestMainWindow::recentShowsTheLoadedModel() {
    auto* bar = m_app.window->findChild<ModelBar*>();
    QVERIFY(bar);
    QCOMPARE(QDir(bar->currentModel()).absolutePath(), QDir(m_model).absolutePath());
    QComboBox* recent = nullptr;
    for (QComboBox* c : bar->findChildren<QComboBox*>())
        if (c->accessibleName() == QStringLiteral("Recent")) recent = c;
    QVERIFY(recent && recent->count() >= 1);
    bar->setRecentModels({QStringLiteral("/models/Qwen3-32B"), m_model, QStringLiteral("/models/Qwen3-8B")}, QStringLiteral("/opt/demo"));
    QCOMPARE(recent->count(), 4);
    QCOMPARE(recent->currentIndex(), 1);  // still the loaded one, not the first
    QCOMPARE(recent->itemText(3), QStringLiteral("Built-in demo model"));
    QCOMPARE(recent->itemData(3).toString(), QStringLiteral("/opt/demo"));
    bar->setRecentModels({QStringLiteral("/opt/demo/"), QStringLiteral("/models/Qwen3-8B")}, QStringLiteral("/opt/demo"));
    QCOMPARE(recent->count(), 2);  // listed once, as the built-in model
    bar->setCurrentModel(QStringLiteral("/opt/demo"));
    QCOMPARE(recent->currentIndex(), 1);
    bar->setCurrentModel(QString());  // none loaded: nothing shown
    QCOMPARE(recent->currentIndex(), -1);
    QVERIFY(bar->currentModel().isEmpty());
    // As the window keeps it.
    bar->setRecentModels(m_app.settings->recentModels(), qe::gui::builtinModelDir());
    bar->setCurrentModel(m_model);
}

// The default sampling's fields show what a preset uses (they showed the custom values, greyed,
// under "Thinking preset"), and what was typed under Custom comes back and is saved.
void TestMainWindow::settingsShowTheSamplingInEffect() {
    QTemporaryDir dir;
    Settings settings(dir.filePath(QStringLiteral("settings.ini")));
    qe::SamplingParams mine = settings.customSampling();
    mine.temperature = 1.1f;
    mine.topP = 0.5f;
    mine.presencePenalty = 1.5f;
    settings.setCustomSampling(mine);
    settings.setSamplingPreset(SamplingPresetChoice::Thinking);
    SettingsDialog dialog(settings);
    QCOMPARE(dialog.temperatureSpin()->value(), 0.6);  // Qwen3's thinking preset
    QCOMPARE(dialog.topPSpin()->value(), 0.95);
    QCOMPARE(dialog.presencePenaltySpin()->value(), 0.0);
    QVERIFY(!dialog.presencePenaltySpin()->isEnabled());
    QVERIFY(!dialog.temperatureSpin()->isEnabled());
    dialog.samplingPresetCombo()->setCurrentIndex(static_cast<int>(SamplingPresetChoice::NonThinking));
    QCOMPARE(dialog.temperatureSpin()->value(), 0.7);
    QCOMPARE(dialog.topPSpin()->value(), 0.8);
    dialog.samplingPresetCombo()->setCurrentIndex(static_cast<int>(SamplingPresetChoice::Custom));
    QVERIFY(dialog.temperatureSpin()->isEnabled());
    QCOMPARE(dialog.temperatureSpin()->value(), 1.1);
    QCOMPARE(dialog.topPSpin()->value(), 0.5);
    QCOMPARE(dialog.presencePenaltySpin()->value(), 1.5);
    dialog.presencePenaltySpin()->setValue(0.5);
    dialog.temperatureSpin()->setValue(1.3);
    dialog.samplingPresetCombo()->setCurrentIndex(static_cast<int>(SamplingPresetChoice::Thinking));
    QCOMPARE(dialog.temperatureSpin()->value(), 0.6);
    dialog.samplingPresetCombo()->setCurrentIndex(static_cast<int>(SamplingPresetChoice::Custom));
    QCOMPARE(dialog.temperatureSpin()->value(), 1.3);
    dialog.samplingPresetCombo()->setCurrentIndex(static_cast<int>(SamplingPresetChoice::NonThinking));
    dialog.apply();  // a preset chosen: the custom values are kept for later, as edited
    const Settings saved(dir.filePath(QStringLiteral("settings.ini")));
    QCOMPARE(saved.samplingPreset(), SamplingPresetChoice::NonThinking);
    QCOMPARE(saved.customSampling().temperature, 1.3f);
    QCOMPARE(saved.customSampling().topP, 0.5f);
    QCOMPARE(saved.customSampling().presencePenalty, 0.5f);
}

// What the Settings dialog saves is what the Generation panel shows after OK (openSettings loads
// the panel from the settings). The panel saved itself while it loaded: a changed Max new tokens
// wrote its old preset over the dialog's before the preset was read.
void TestMainWindow::settingsReachTheGenerationPanel() {
    SamplingPanel* panel = m_app.window->samplingPanel();
    panel->setPreset(SamplingPresetChoice::Thinking);
    QCOMPARE(panel->maxNewTokens(), 24);
    {
        SettingsDialog dialog(*m_app.settings);
        dialog.samplingPresetCombo()->setCurrentIndex(static_cast<int>(SamplingPresetChoice::Custom));
        dialog.temperatureSpin()->setValue(1.3);
        dialog.findChild<QSpinBox*>(QStringLiteral("maxNewTokens"))->setValue(100);
        dialog.apply();
    }
    panel->loadFrom(*m_app.settings);
    QCOMPARE(panel->preset(), SamplingPresetChoice::Custom);
    QCOMPARE(panel->sampling().temperature, 1.3f);
    QCOMPARE(panel->maxNewTokens(), 100);
    QCOMPARE(m_app.settings->samplingPreset(), SamplingPresetChoice::Custom);
    QCOMPARE(m_app.settings->maxNewTokens(), 100);
}

void TestMainWindow::defaultSystemPromptStartsNewConversations() {
    MainWindow* w = m_app.window.get();
    // Set in the Settings dialog.
    {
        SettingsDialog dialog(*m_app.settings);
        QVERIFY(dialog.systemPromptEdit()->toPlainText().isEmpty());
        dialog.systemPromptEdit()->setPlainText(QStringLiteral("  Answer in one sentence.\n"));
        dialog.apply();
    }
    QCOMPARE(m_app.settings->defaultSystemPrompt(), QStringLiteral("Answer in one sentence."));
    QCOMPARE(SettingsDialog(*m_app.settings).systemPromptEdit()->toPlainText(), QStringLiteral("Answer in one sentence."));

    // A message with no conversation open starts one with it, sent before the message.
    QVERIFY(current() == nullptr);
    QVERIFY(w->sendMessage(QStringLiteral("Hi")));
    QVERIFY(waitIdle());
    std::vector<const Message*> thread = current()->thread();
    QCOMPARE(thread.size(), std::size_t(3));
    QCOMPARE(thread[0]->role, Role::System);
    QCOMPARE(thread[0]->text, QStringLiteral("Answer in one sentence."));
    QCOMPARE(current()->title, QStringLiteral("Hi"));  // the title is still the first user message
    const qint64 withSystem = thread[2]->prompt->tokens;

    // Conversation → New: shown at once, and editable as the conversation's own.
    QAction* newAction = nullptr;
    for (QAction* a : w->findChildren<QAction*>())
        if (a->shortcut() == QKeySequence(QKeySequence::New)) newAction = a;
    QVERIFY(newAction);
    newAction->trigger();
    QVERIFY(current() != nullptr);
    QCOMPARE(current()->messages.size(), std::size_t(1));
    QCOMPARE(w->systemPrompt(), QStringLiteral("Answer in one sentence."));
    QCOMPARE(w->chatView()->messageCount(), 1);
    QVERIFY(w->setSystemPrompt(QString()));
    QVERIFY(current()->messages.empty());

    // Without a default, new conversations have none.
    m_app.settings->setDefaultSystemPrompt(QString());
    newAction->trigger();
    QVERIFY(current()->messages.empty());
    QVERIFY(w->sendMessage(QStringLiteral("Hi")));
    QVERIFY(waitIdle());
    thread = current()->thread();
    QCOMPARE(thread.size(), std::size_t(2));
    QVERIFY(thread[1]->prompt->tokens < withSystem);
}

void TestMainWindow::codeBlocksHaveCopyButtons() {
    MainWindow* w = m_app.window.get();
    auto* view = new MarkdownView(w->centralWidget());
    view->resize(500, 100);
    view->show();
    view->setMarkdownText(QStringLiteral("Use `s[::-1]`:\n\n```python\nprint(s[::-1])\n```\n\nOr:\n\n"
                                         "```\nr = ''.join(reversed(s))\n\nprint(r)\n```\n\n    indented = 1\n"));
    QCOMPARE(view->codeBlocks(), QStringList({QStringLiteral("print(s[::-1])"), QStringLiteral("r = ''.join(reversed(s))\n\nprint(r)"),
                                              QStringLiteral("indented = 1")}));
    for (int i = 0; i < 3; ++i) {
        QToolButton* copy = view->copyButton(i);
        QVERIFY(copy && copy->isVisible());
        QCOMPARE(copy->text(), QStringLiteral("Copy code"));
        // Above its block's first line, inside the view, and clear of the text before it.
        QTextCursor at(view->document()->findBlock(view->document()->find(view->codeBlocks()[i].section(QLatin1Char('\n'), 0, 0)).position()));
        const QRect firstLine = view->cursorRect(at);
        QVERIFY2(copy->geometry().bottom() < firstLine.top(), qPrintable(QStringLiteral("block %1: button %2-%3, line at %4")
                                                                         .arg(i).arg(copy->geometry().top()).arg(copy->geometry().bottom()).arg(firstLine.top())));
        QVERIFY(view->viewport()->rect().contains(copy->geometry()));
        if (at.block().previous().isValid()) {
            QTextCursor before(at.block().previous());
            before.movePosition(QTextCursor::EndOfBlock);
            QVERIFY(copy->geometry().top() > view->cursorRect(before).top());
        }
    }
    QVERIFY(!view->copyButton(3));
    view->copyButton(1)->click();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("r = ''.join(reversed(s))\n\nprint(r)"));
    QCOMPARE(view->copyButton(1)->text(), QStringLiteral("Copied"));
    QTRY_COMPARE_WITH_TIMEOUT(view->copyButton(1)->text(), QStringLiteral("Copy code"), 3000);

    // While a reply streams the text grows; the buttons follow. Token colours and plain text have none.
    view->setMarkdownText(QStringLiteral("```\nx = 1\n"));
    QCOMPARE(view->codeBlocks(), QStringList({QStringLiteral("x = 1")}));
    QVERIFY(view->copyButton(0) && !view->copyButton(1));
    view->setTokens({TokenRun{0, QStringLiteral("```"), 0.5f}});
    QVERIFY(view->codeBlocks().isEmpty() && !view->copyButton(0));
    view->setMarkdownText(QStringLiteral("```\nx = 1\n```"));
    QVERIFY(view->copyButton(0));
    view->showPlainText(QStringLiteral("```\nx = 1\n```"));
    QVERIFY(!view->copyButton(0));
    // A reply's tokens go in as one edit, laid out once: token by token, a 2,000-token paragraph
    // was laid out 2,000 times (some 15 s to open a conversation with colours on).
    std::vector<TokenRun> runs{TokenRun{0, QStringLiteral("0"), 0.5f}};
    view->setTokens(runs);  // token mode, the document cleared
    for (int i = 1; i < 500; ++i) runs.push_back(TokenRun{i, QStringLiteral("0"), 0.5f});
    QSignalSpy changes(view->document(), &QTextDocument::contentsChange);
    view->setTokens(runs);
    QCOMPARE(changes.count(), 1);
    QCOMPARE(view->document()->toPlainText(), QString(500, QLatin1Char('0')));
    delete view;
}

void TestMainWindow::repliesFillTheContextThenOfferToDropTurns() {
    MainWindow* w = m_app.window.get();
    // The tiny model with a 300-token context; Max new tokens 2,048, more than all of it.
    QTemporaryDir small;
    for (const QString& f : QDir(m_model).entryList(QDir::Files)) QVERIFY(QFile::copy(QDir(m_model).filePath(f), small.filePath(f)));
    QFile config(small.filePath(QStringLiteral("config.json")));
    QVERIFY(config.open(QIODevice::ReadOnly));
    QString json = QString::fromUtf8(config.readAll());
    config.close();
    json.replace(QRegularExpression(QStringLiteral(R"("max_position_embeddings":\s*\d+)")), QStringLiteral("\"max_position_embeddings\": 300"));
    QVERIFY(json.contains(QStringLiteral("\"max_position_embeddings\": 300")));
    QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
    config.write(json.toUtf8());
    config.close();
    QSignalSpy ready(w, &MainWindow::modelReady);
    QVERIFY(w->loadModel(small.path()));
    QVERIFY(ready.wait(60000));
    QCOMPARE(w->chat()->contextLimit(), 300);
    m_app.settings->setMaxNewTokens(2048);
    w->samplingPanel()->loadFrom(*m_app.settings);
    QCOMPARE(w->chat()->replyRoom(2048), 150);  // half of 300: a quarter would be under 256
    QCOMPARE(w->chat()->replyRoom(100), 100);

    // The first reply starts, and stops where the context is full, said so.
    QVERIFY(w->sendMessage(QStringLiteral("Hi")));
    QVERIFY(waitIdle());
    std::vector<const Message*> thread = current()->thread();
    QCOMPARE(thread.size(), std::size_t(2));
    const Message* reply = thread[1];
    QVERIFY2(w->errorText().isEmpty(), qPrintable(w->errorText()));
    QCOMPARE(reply->finish, FinishState::ContextFull);
    QCOMPARE(reply->prompt->tokens + reply->stats->newTokens, qint64(300));
    auto* replyWidget = w->chatView()->findChildren<MessageWidget*>().value(1);
    QVERIFY(replyWidget);
    bool said = false;
    for (QLabel* l : replyWidget->findChildren<QLabel*>()) said = said || l->text().contains(QStringLiteral("the context is full"));
    QVERIFY(said);
    QVERIFY(conversationMarkdown(*current()).contains(QStringLiteral("Stopped: the context is full.")));

    // The next turn's prompt leaves no room: the oldest turn can be left out. No: nothing starts.
    BoxAnswerer answerer(QStringLiteral("&No"));
    const QStringList& asked = answerer.asked;
    QVERIFY(w->sendMessage(QStringLiteral("And then?")));
    QCOMPARE(asked.size(), 1);
    QVERIFY2(asked[0].contains(QStringLiteral("a reply needs room for 150 more, but the model's context holds 300")), qPrintable(asked[0]));
    QVERIFY(asked[0].contains(QStringLiteral("Leave out the oldest turn")));
    QVERIFY(!w->chat()->isGenerating());
    QCOMPARE(current()->thread().size(), std::size_t(3));  // the message is kept, unanswered
    // Yes, on the next message: its reply starts without the first turn.
    answerer.answer = QStringLiteral("&Yes");
    QVERIFY(w->sendMessage(QStringLiteral("Once more.")));
    QCOMPARE(asked.size(), 2);
    QVERIFY(waitIdle());
    thread = current()->thread();
    QCOMPARE(thread.back()->role, Role::Assistant);
    QVERIFY(thread.back()->prompt->droppedTurns >= 1);
    QVERIFY(thread.back()->finish == FinishState::ContextFull || thread.back()->finish == FinishState::Complete);
    QVERIFY(thread.back()->prompt->tokens + w->chat()->replyRoom(2048) <= 300);
}

void TestMainWindow::zoomKeepsPanelsInProportion() {
    MainWindow* w = m_app.window.get();
    w->resize(1600, 950);
    QTest::qWait(50);
    auto* splitter = w->findChild<QSplitter*>(QStringLiteral("mainSplitter"));
    QVERIFY(splitter && splitter->count() == 3);
    auto* dockArea = qobject_cast<QScrollArea*>(w->inspectorDock()->widget());
    QVERIFY(dockArea);
    QList<QScrollArea*> panels{qobject_cast<QScrollArea*>(splitter->widget(0)), qobject_cast<QScrollArea*>(splitter->widget(2)), dockArea};
    QVERIFY(panels[0] && panels[1]);
    // Whether a panel's contents are cut at the sides (it scrolls sideways).
    const auto cut = [](QScrollArea* area) { return area->widget()->width() > area->viewport()->width(); };
    const auto widths = [&] { return QList<int>{panels[0]->width(), panels[1]->width(), panels[2]->width()}; };
    QTRY_VERIFY(!cut(panels[0]) && !cut(panels[1]) && !cut(panels[2]));  // at 100 % nothing scrolls sideways
    const QList<int> before = widths();
    const int windowWidth = w->width();

    // At 300 % the window stays on the (1920 x 1080) screen: the panels' minimum widths leave a
    // quarter of it, and they scroll; the window grows so that the chat has that quarter.
    const QRect screen = w->screen()->availableGeometry();
    QCOMPARE(screen.size(), QSize(1920, 1080));
    w->setTextScale(3.0);
    QTest::qWait(200);
    QTRY_VERIFY(panels[0]->minimumWidth() + panels[1]->minimumWidth() + panels[2]->minimumWidth() <= screen.width() * 3 / 4);
    // Both at once, once the layouts have settled: on the way the window can be wider than the
    // screen for a moment (its minimum grows with the fonts before the panels' minimums follow),
    // and then the chat has its quarter without the window fitting.
    QTRY_VERIFY2(splitter->widget(1)->width() >= screen.width() / 4 - 30 &&  // less the handles and margins
                     w->width() <= screen.width(),
                 qPrintable(QStringLiteral("chat %1 of %2, window %3")
                                .arg(splitter->widget(1)->width())
                                .arg(splitter->width())
                                .arg(w->width())));
    QVERIFY(cut(panels[0]));
    for (QScrollArea* area : panels) QVERIFY(area->width() > before[panels.indexOf(area)]);  // but wider than at 100 %

    // Back at 100 %: the widths they had, nothing cut.
    w->setTextScale(1.0);
    QTest::qWait(100);
    QTRY_VERIFY(!cut(panels[0]) && !cut(panels[1]) && !cut(panels[2]));
    const QList<int> after = widths();
    for (int i = 0; i < 3; ++i)
        QVERIFY2(std::abs(after[i] - before[i]) <= 4 || (i == 2 && w->width() != windowWidth),
                 qPrintable(QStringLiteral("panel %1: %2 before, %3 after").arg(i).arg(before[i]).arg(after[i])));

    // A window the user makes narrower stays so (it grows for the chat only after a zoom).
    QTest::qWait(1100);
    const int narrower = std::max(w->minimumWidth(), w->width() - 200);
    w->resize(narrower, w->height());
    QTest::qWait(200);
    QCOMPARE(w->width(), narrower);

    // A side panel dragged shut stays shut while the window changes.
    const QList<int> sizes = splitter->sizes();
    splitter->setSizes({0, sizes[0] + sizes[1], sizes[2]});
    w->resize(w->width() - 40, w->height());
    QTest::qWait(100);
    QCOMPARE(splitter->sizes().value(0), 0);
    QVERIFY(splitter->sizes().value(2) > 0);
}

// As on a fresh install: the built-in model and the settings' defaults, not the short replies
// the other tests set. (Max new tokens 2,048 on the built-in model's 2,048-token context made
// every first message fail, and no test saw it.)
void TestMainWindow::firstMessageWithTheShippedDefaults() {
    if (builtinModelDir().isEmpty()) QSKIP("no built-in model in this build");
    m_app.close();
    QVERIFY(m_app.open(QString(), nullptr));
    MainWindow* w = m_app.window.get();
    QCOMPARE(w->samplingPanel()->maxNewTokens(), Settings(m_app.data->filePath(QStringLiteral("unused.ini"))).maxNewTokens());
    QVERIFY(w->sendMessage(QStringLiteral("Hello")));
    QVERIFY2(w->errorText().isEmpty(), qPrintable(w->errorText()));
    QVERIFY(w->chat()->isGenerating());
    QVERIFY(QTest::qWaitFor([&] {
        const auto t = current()->thread();
        return t.size() == 2 && !t[1]->text.isEmpty();
    }, 60000));
    w->chat()->stop();
    QVERIFY(waitIdle(5000));
    // The sampled reply may have ended by itself before the stop arrived.
    const FinishState finish = current()->thread().back()->finish;
    QVERIFY2(finish == FinishState::Stopped || finish == FinishState::Complete, qPrintable(QString::number(static_cast<int>(finish))));
}

// The inspector's wrapped lines made it ask for its preferred height (some 1,000 px) as its
// least, so on a 1080-line screen it scrolled, its export buttons out of sight.
void TestMainWindow::inspectorFitsTheDefaultWindow() {
    MainWindow* w = m_app.window.get();
    w->resize(1600, 972);  // the first start's size on this (1920 x 1080) screen
    QVERIFY(w->sendMessage(QStringLiteral("Hello")));
    QVERIFY(waitIdle());
    InspectorPanel* inspector = w->inspector();
    // Switching tabs does not make the inspector wider (the attention map's controls did, by
    // some 100 px, narrowing the chat).
    inspector->showTab(InspectorPanel::StructureTab);
    QTest::qWait(100);
    const int width = w->inspectorDock()->width();
    inspector->showTab(InspectorPanel::AttentionTab);
    QTest::qWait(100);
    QCOMPARE(w->inspectorDock()->width(), width);
    // Nor does the guided tour (its row of buttons widened it by some 110 px).
    inspector->showTab(InspectorPanel::StructureTab);
    inspector->structureView()->startTour();
    QTest::qWait(100);
    QVERIFY(inspector->structureView()->tourPanel()->isVisible());
    QCOMPARE(w->inspectorDock()->width(), width);
    inspector->structureView()->tourPanel()->stop();
    inspector->showTab(InspectorPanel::AttentionTab);
    inspector->store()->select(2);
    auto* dockArea = qobject_cast<QScrollArea*>(w->inspectorDock()->widget());
    QVERIFY(dockArea);
    QTest::qWait(200);
    QVERIFY(w->height() <= 1080);
    QVERIFY2(dockArea->widget()->height() <= dockArea->viewport()->height(),
             qPrintable(QStringLiteral("%1 px of inspector in %2 px").arg(dockArea->widget()->height()).arg(dockArea->viewport()->height())));
    QVERIFY(!dockArea->verticalScrollBar()->isVisible());
}

void TestMainWindow::keyboardRegeneratesAndFinds() {
    MainWindow* w = m_app.window.get();
    QVERIFY(w->sendMessage(QStringLiteral("Hello")));
    QVERIFY(waitIdle());
    const QString first = current()->thread().back()->id;
    w->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(w));
    w->chatView()->setFocus();
    // Ctrl+R: another version of the last reply; the first stays reachable.
    QTest::keyClick(w->chatView(), Qt::Key_R, Qt::ControlModifier);
    QVERIFY(w->chat()->isGenerating());
    QVERIFY(waitIdle());
    const auto thread = current()->thread();
    QCOMPARE(thread.size(), std::size_t(2));
    QVERIFY(thread.back()->id != first);
    QCOMPARE(current()->siblings(first).size(), std::size_t(2));
    // Ctrl+F: the conversation search, ready to type over.
    auto* list = w->findChild<ConversationList*>();
    QVERIFY(list);
    list->searchField()->setText(QStringLiteral("old words"));
    QTest::keyClick(w->chatView(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(list->searchField()->hasFocus());
    QCOMPARE(list->searchField()->selectedText(), QStringLiteral("old words"));
    list->searchField()->clear();
}

void TestMainWindow::modelBarDropsItsLabelsWhenNarrow() {
    auto* bar = m_app.window->findChild<ModelBar*>();
    QVERIFY(bar);
    QVERIFY(bar->labelsShown());  // the usual window
    QComboBox* recent = nullptr;
    for (QComboBox* c : bar->findChildren<QComboBox*>())
        if (c->accessibleName() == QStringLiteral("Recent")) recent = c;
    QVERIFY(recent);  // the label's word without its colon
    QWidget holder;  // not a window of its own: a window would not go below its layout's minimum
    auto* narrow = new ModelBar(&holder);
    holder.resize(2000, 100);
    holder.show();
    narrow->setGeometry(0, 0, narrow->sizeHint().width(), narrow->sizeHint().height());
    QTRY_VERIFY(narrow->labelsShown());
    const int withLabels = narrow->width();
    narrow->resize(narrow->minimumSizeHint().width(), narrow->height());
    QTRY_VERIFY(!narrow->labelsShown());
    QVERIFY(narrow->minimumSizeHint().width() < withLabels - 60);
    for (QLabel* l : narrow->findChildren<QLabel*>())
        if (l->text().endsWith(QLatin1Char(':'))) QVERIFY(!l->isVisible());
    narrow->resize(withLabels, narrow->height());
    QTRY_VERIFY(narrow->labelsShown());
    // Loading: the progress text grows as the numbers arrive; the labels make room for it (the
    // end, "… s left", was cut off until the bar was resized), and come back when the load ends.
    narrow->setLoading(true, QStringLiteral("/models/Qwen3-32B"));
    narrow->setProgress(LoadProgress{.requestId = 1, .bytesDone = 0, .bytesTotal = 1, .seconds = 0.0});
    QLabel* progressText = nullptr;
    for (QLabel* l : narrow->findChildren<QLabel*>())
        if (l->text().endsWith(QStringLiteral("s left"))) progressText = l;
    QVERIFY(progressText);
    narrow->resize(narrow->sizeHint().width(), narrow->height());
    QTRY_VERIFY(narrow->labelsShown());
    const int shortText = progressText->sizeHint().width();
    narrow->setProgress(LoadProgress{.requestId = 1, .bytesDone = 1'500'000'000, .bytesTotal = 65'000'000'000, .seconds = 3.0});
    QVERIFY(progressText->sizeHint().width() > shortText);
    QTRY_VERIFY(!narrow->labelsShown());
    QTRY_VERIFY2(progressText->width() >= progressText->sizeHint().width(),
                 qPrintable(QStringLiteral("%1 of %2 px").arg(progressText->width()).arg(progressText->sizeHint().width())));
    narrow->setLoading(false, QString());
    QTRY_VERIFY(narrow->labelsShown());
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
