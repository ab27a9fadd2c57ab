// Token probabilities in the chat (issue #9) on a tiny model, offscreen: replies keep every
// token with its probability and alternatives, the token view colours each token with the
// inspector's scale (also while streaming), the tooltip lists the alternatives, a click selects
// the token in the inspector and back (a token of an earlier reply first feeds that reply again,
// with the diagnostics it had when it was generated, also with a system prompt, thinking and the
// bf16 cache), branching from an alternative continues in a new
// conversation from the cached prefix and leaves the original alone, and the tokens survive a
// store round trip (old files without them still load).
#include <QFile>
#include <QFileInfo>
#include <QHelpEvent>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QPushButton>
#include <QStatusBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QToolTip>
#include <QDockWidget>
#include <QToolButton>

#include <map>
#include <memory>

#include "gui/chat/chat_session.h"
#include "gui/chat/chat_view.h"
#include "gui/chat/markdown_view.h"
#include "gui/chat/token_positions.h"
#include "gui/chat/message_widget.h"
#include "gui/conversations/conversation_store.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/heat_colors.h"
#include "gui/inspector/inspector_panel.h"
#include "gui/language.h"
#include "gui/main_window.h"
#include "gui/model_card.h"
#include "gui/probability_text.h"
#include "gui/settings.h"
#include "gui_test_support.h"

using namespace qe::gui;

namespace {

// Token index -> background of the characters each token view shows.
std::map<int, QColor> shownColours(const MarkdownView* view) {
    std::map<int, QColor> colours;
    for (QTextBlock block = view->document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            const QVariant index = format.property(MarkdownView::kTokenIndexProperty);
            if (index.isValid()) colours[index.toInt()] = format.background().color();
        }
    }
    return colours;
}

// Token text as tooltips and menus show it: line breaks and tabs as arrows.
QString visible(QString text) {
    text.replace(QLatin1Char('\n'), QStringLiteral("\u21b5"));
    text.replace(QLatin1Char('\t'), QStringLiteral("\u21e5"));
    return text;
}

QString concatenated(const Message& reply) {
    QString text;
    for (const MessageToken& t : reply.tokens) text += t.text;
    return text;
}

bool sameTokens(const std::vector<MessageToken>& a, const std::vector<MessageToken>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].id != b[i].id || a[i].text != b[i].text || a[i].prob != b[i].prob) return false;
        if (a[i].alternatives.size() != b[i].alternatives.size()) return false;
        for (std::size_t j = 0; j < a[i].alternatives.size(); ++j) {
            const TokenAlternative& x = a[i].alternatives[j];
            const TokenAlternative& y = b[i].alternatives[j];
            if (x.id != y.id || x.prob != y.prob || x.text != y.text) return false;
        }
    }
    return true;
}

}  // namespace

class TestChatProbabilities : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void tokensKeepProbabilities();
    void coloursFollowProbabilities();
    void probabilitiesKeepTwoDigits();
    void tooltipListsAlternatives();
    void clickSelectsInInspector();
    void clickInspectsAnEarlierReply();
    void sameReplyAfterAnotherPrompt();
    void inspectWithRealisticSettings();
    void branchFromAlternative_data();
    void branchFromAlternative();
    void tokensSurviveStoreRoundTrip();
    void oldFilesLoadWithoutTokens();

private:
    bool waitIdle(int ms = 60000) {
        return QTest::qWaitFor([&] { return !m_app.window->chat()->isGenerating(); }, ms);
    }
    const Conversation* current() const { return m_app.window->store()->find(m_app.window->currentConversation()); }
    // Sends a message and waits for the reply.
    const Message* reply(const QString& text);
    // The token view showing token `index` of `messageId`, and where it shows it.
    MarkdownView* viewShowing(const QString& messageId, int index, QRect* rect) const;
    // The Inspect button under the reply `messageId` (null when it is not shown).
    QToolButton* inspectButtonOf(const QString& messageId) const {
        MessageWidget* widget = m_app.window->chatView()->widgetFor(messageId);
        for (QToolButton* b : widget ? widget->findChildren<QToolButton*>() : QList<QToolButton*>())
            if (b->text() == QStringLiteral("Inspect")) return b;
        return nullptr;
    }

    QTemporaryDir m_dir;
    QString m_model;
    qe::test::WindowUnderTest m_app;
};

void TestChatProbabilities::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QString why;
    m_model = qe::test::makeTinyModel(m_dir, &why);
    if (m_model.isEmpty()) QSKIP(qPrintable(why));
}

void TestChatProbabilities::init() {
    QVERIFY(m_app.open(m_model, [](Settings& s) {
        s.setMaxNewTokens(12);
        s.setColourTokens(true);
    }));
}

void TestChatProbabilities::cleanup() { m_app.close(); }

const Message* TestChatProbabilities::reply(const QString& text) {
    if (!m_app.window->sendMessage(text) || !waitIdle()) return nullptr;
    const auto thread = current()->thread();
    return thread.empty() || thread.back()->role != Role::Assistant ? nullptr : thread.back();
}

MarkdownView* TestChatProbabilities::viewShowing(const QString& messageId, int index, QRect* rect) const {
    MessageWidget* widget = m_app.window->chatView()->widgetFor(messageId);
    if (!widget) return nullptr;
    for (auto* view : widget->findChildren<MarkdownView*>()) {
        *rect = view->tokenRect(index);
        if (view->isVisible() && !rect->isEmpty()) return view;
    }
    return nullptr;
}

void TestChatProbabilities::tokensKeepProbabilities() {
    const Message* r = reply(QStringLiteral("Hello"));
    QVERIFY(r);
    QVERIFY(!r->tokens.empty());
    // The texts of the tokens make up the reply; every token has the engine's probability and
    // alternatives (most likely first).
    QCOMPARE(concatenated(*r), r->text);
    for (const MessageToken& t : r->tokens) {
        QVERIFY(t.id >= 0);
        QVERIFY(t.prob >= 0.0f && t.prob <= 1.0f);
        QVERIFY(!t.alternatives.empty());
        QVERIFY(t.alternatives.front().prob >= t.alternatives.back().prob);
    }
    QVERIFY(r->prompt.has_value());
    QVERIFY(r->stats.has_value());
    QCOMPARE(r->prompt->tokens, r->stats->promptTokens);
    QCOMPARE(r->prompt->thinking, m_app.settings->thinking());
    // The reply records the model that wrote it (its folder's name) and shows it with its numbers.
    QCOMPARE(r->model, QFileInfo(m_model).fileName());
    QLabel* stats = m_app.window->chatView()->widgetFor(r->id)->findChild<QLabel*>(QStringLiteral("stats"));
    QVERIFY(stats && stats->text().startsWith(r->model + QStringLiteral(" · ")));
}

void TestChatProbabilities::coloursFollowProbabilities() {
    // While streaming, the reply already shows as coloured tokens.
    bool live = false;
    connect(m_app.window->chat(), &ChatSession::messageUpdated, this, [&](const QString&, const QString& messageId) {
        MessageWidget* widget = m_app.window->chatView()->widgetFor(messageId);
        const Message* m = current() ? current()->find(messageId) : nullptr;
        if (!widget || !m || m->finish != FinishState::Streaming || m->tokens.empty()) return;
        for (auto* view : widget->findChildren<MarkdownView*>())
            if (view->showsTokens() && !shownColours(view).empty()) live = true;
    });
    const Message* r = reply(QStringLiteral("Tell me something"));
    QVERIFY(r);
    QVERIFY(live);
    auto* legend = m_app.window->chatView()->findChild<QLabel*>(QStringLiteral("probabilityLegend"));
    QVERIFY(legend && legend->isVisible());
    // Every token with text is shown once, on the colour of its probability (heat_colors.h, the
    // scale of the inspector's token strip).
    MessageWidget* widget = m_app.window->chatView()->widgetFor(r->id);
    QVERIFY(widget);
    std::map<int, QColor> colours;
    for (auto* view : widget->findChildren<MarkdownView*>()) colours.merge(shownColours(view));
    int withText = 0;
    for (std::size_t i = 0; i < r->tokens.size(); ++i) {
        if (r->tokens[i].text.isEmpty()) continue;
        ++withText;
        const auto it = colours.find(static_cast<int>(i));
        QVERIFY(it != colours.end());
        QCOMPARE(it->second, probabilityColor(r->tokens[i].prob));
    }
    QVERIFY(withText > 0);
    // Off: plain Markdown again, and the choice is remembered.
    auto* body = widget->findChild<MarkdownView*>(QStringLiteral("body"));
    QVERIFY(body->showsTokens());
    m_app.window->chatView()->setColourTokens(false);
    QVERIFY(!body->showsTokens());
    QVERIFY(!legend->isVisible());
    m_app.window->chatView()->setColourTokens(true);
    QVERIFY(body->showsTokens());
}

void TestChatProbabilities::probabilitiesKeepTwoDigits() {
    const QLocale previous;
    QLocale::setDefault(QLocale::c());
    QCOMPARE(probabilityPercent(0.5), QStringLiteral("50.0"));
    QCOMPARE(probabilityPercent(0.001), QStringLiteral("0.1"));
    QCOMPARE(probabilityPercent(0.0007144), QStringLiteral("0.071"));
    QCOMPARE(probabilityPercent(7.144125e-05), QStringLiteral("0.0071"));  // the demo model after a chat template
    QCOMPARE(probabilityPercent(0.0001), QStringLiteral("0.010"));
    QCOMPARE(probabilityPercent(0.0000999), QStringLiteral("0.010"));  // rounded up into the next decade
    QCOMPARE(probabilityPercent(0.000999), QStringLiteral("0.1"));
    QCOMPARE(probabilityPercent(0.00000998), QStringLiteral("0.0010"));
    QCOMPARE(probabilityPercent(1.2e-6), QStringLiteral("0.00012"));
    QCOMPARE(probabilityPercent(3e-9), QStringLiteral("<0.0001"));
    QCOMPARE(probabilityPercent(0.0), QStringLiteral("0"));
    QLocale::setDefault(previous);
}

void TestChatProbabilities::tooltipListsAlternatives() {
    const Message* r = reply(QStringLiteral("Hi there"));
    QVERIFY(r);
    MessageWidget* widget = m_app.window->chatView()->widgetFor(r->id);
    int index = -1;
    for (std::size_t i = 0; i < r->tokens.size() && index < 0; ++i)
        if (!r->tokens[i].text.isEmpty()) index = static_cast<int>(i);
    QVERIFY(index >= 0);
    const MessageToken& token = r->tokens[static_cast<std::size_t>(index)];
    const QString tip = widget->tokenToolTip(index);
    QVERIFY2(tip.contains(visible(token.text)), qPrintable(tip));
    QVERIFY(tip.contains(QStringLiteral("id %1").arg(token.id)));
    QVERIFY(tip.contains(QStringLiteral("probability %1%").arg(probabilityPercent(token.prob))));
    QVERIFY(tip.contains(QStringLiteral("Most likely at this step:")));
    for (const TokenAlternative& a : token.alternatives)
        QVERIFY2(tip.contains(QStringLiteral("%1  %2%").arg(visible(a.text), probabilityPercent(a.prob))), qPrintable(tip));
    // Hovering the token shows that text.
    QRect rect;
    MarkdownView* view = viewShowing(r->id, index, &rect);
    QVERIFY(view);
    QHelpEvent help(QEvent::ToolTip, rect.center(), view->viewport()->mapToGlobal(rect.center()));
    QCoreApplication::sendEvent(view->viewport(), &help);
    QCOMPARE(QToolTip::text(), tip);
    QToolTip::hideText();
}

void TestChatProbabilities::clickSelectsInInspector() {
    const Message* r = reply(QStringLiteral("Count to three"));
    QVERIFY(r);
    const QString replyId = r->id;
    const std::int64_t first = r->prompt->tokens;
    DiagnosticsStore* diagnostics = m_app.window->inspector()->store();
    QVERIFY(diagnostics->positions() > first + 1);
    int index = -1;
    QRect rect;
    MarkdownView* view = nullptr;
    for (int i = 0; i < static_cast<int>(r->tokens.size()) - 1 && !view; ++i) {
        view = viewShowing(replyId, i, &rect);
        index = i;
    }
    QVERIFY(view);
    // Chat -> inspector: the token's context position is selected; the alternatives pop up.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(diagnostics->selected(), first + index);
    QVERIFY(!diagnostics->followsLatest());
    QCOMPARE(m_app.window->chatView()->selectedMessage(), replyId);
    QCOMPARE(m_app.window->chatView()->selectedToken(), index);
    auto* menu = m_app.window->chatView()->widgetFor(replyId)->findChild<QMenu*>(QStringLiteral("tokenAlternatives"));
    QVERIFY(menu && menu->isVisible());
    menu->close();
    // Inspector -> chat: selecting another position highlights that token.
    const int other = index == 0 ? 1 : 0;
    diagnostics->select(first + other);
    QCOMPARE(m_app.window->chatView()->selectedMessage(), replyId);
    QCOMPARE(m_app.window->chatView()->selectedToken(), other);
    QRect otherRect;
    if (MarkdownView* shown = viewShowing(replyId, other, &otherRect))
        QCOMPARE(shownColours(shown).at(other), shown->palette().highlight().color());
    // A prompt position is no token of the reply; following the latest clears the highlight.
    diagnostics->select(first - 1);
    QVERIFY(m_app.window->chatView()->selectedMessage().isEmpty());
    diagnostics->select(-1);
    QCOMPARE(m_app.window->chatView()->selectedToken(), -1);
}

void TestChatProbabilities::clickInspectsAnEarlierReply() {
    // The diagnostics of a reply as its generation streamed them.
    const Message* first = reply(QStringLiteral("Count to three"));
    QVERIFY(first);
    const QString conversation = m_app.window->currentConversation();
    const QString replyId = first->id;
    const std::int64_t start = first->prompt->tokens;
    const auto generated = static_cast<std::int64_t>(first->tokens.size());
    QVERIFY(generated >= 3);
    const DiagnosticsStore* diagnostics = m_app.window->inspector()->store();
    QVERIFY(diagnostics->positions() >= start + generated - 1);  // the last token is sampled, not yet fed
    const std::int64_t layers = diagnostics->layers(), heads = diagnostics->heads();
    std::vector<float> entropy, rms;
    for (std::int64_t pos = 0; pos < start + generated - 1; ++pos)
        for (std::int64_t layer = 0; layer < layers; ++layer) {
            rms.push_back(diagnostics->residualRms(pos, layer));
            for (std::int64_t head = 0; head < heads; ++head) entropy.push_back(diagnostics->entropy(pos, layer, head));
        }
    // Another conversation's reply replaces them in the inspector.
    m_app.window->selectConversation(QString());
    QVERIFY(reply(QStringLiteral("Something else entirely, and longer than before")));
    m_app.window->selectConversation(conversation);

    // A click on a token of the first reply feeds it again, then selects the token.
    QRect rect;
    const int index = 1;
    MarkdownView* view = viewShowing(replyId, index, &rect);
    QVERIFY(view);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QVERIFY(m_app.window->chat()->isInspecting());
    QVERIFY(!m_app.window->chat()->isGenerating());
    QVERIFY(m_app.window->statusBar()->currentMessage().contains(QStringLiteral("Computing the diagnostics")));
    QPushButton* stop = nullptr;  // it can be stopped like a reply (Esc too); Send stays available
    for (QPushButton* b : m_app.window->findChildren<QPushButton*>())
        if (b->text() == QStringLiteral("Stop")) stop = b;
    QVERIFY(stop && stop->isEnabled());
    // A message shown meanwhile stays when the inspection ends (its own is cleared).
    m_app.window->statusBar()->showMessage(QStringLiteral("Exported to /tmp/chat.md"));
    QVERIFY(QTest::qWaitFor([&] { return !m_app.window->chat()->isInspecting(); }, 60000));
    QCOMPARE(m_app.window->statusBar()->currentMessage(), QStringLiteral("Exported to /tmp/chat.md"));
    m_app.window->statusBar()->clearMessage();
    QCOMPARE(diagnostics->selected(), start + index);
    QCOMPARE(m_app.window->chatView()->selectedMessage(), replyId);
    QCOMPARE(m_app.window->chatView()->selectedToken(), index);
    // The inspector holds the reply's prompt and all of its tokens now, with the probabilities
    // they were generated with, and the same diagnostics (the prompt fed at once instead of
    // token by token: the same numbers up to rounding).
    QCOMPARE(diagnostics->promptTokens(), start);
    QCOMPARE(diagnostics->positions(), start + generated);
    const Message* again = current()->find(replyId);
    for (std::int64_t i = 0; i < generated; ++i) {
        const MessageToken& token = again->tokens[static_cast<std::size_t>(i)];
        QCOMPARE(diagnostics->token(start + i).id, token.id);
        QCOMPARE(diagnostics->token(start + i).prob, token.prob);
        QCOMPARE(diagnostics->token(start + i).alternatives.size(), token.alternatives.size());
    }
    std::size_t e = 0, r = 0;
    for (std::int64_t pos = 0; pos < start + generated - 1; ++pos)
        for (std::int64_t layer = 0; layer < layers; ++layer) {
            const float was = rms[r++];
            QVERIFY2(std::abs(diagnostics->residualRms(pos, layer) - was) <= 1e-3f * std::max(1.0f, was),
                     qPrintable(QStringLiteral("residual RMS at %1, layer %2: %3, was %4").arg(pos).arg(layer).arg(diagnostics->residualRms(pos, layer)).arg(was)));
            for (std::int64_t head = 0; head < heads; ++head, ++e)
                QVERIFY2(std::abs(diagnostics->entropy(pos, layer, head) - entropy[e]) <= 1e-3f,
                         qPrintable(QStringLiteral("entropy at %1, layer %2, head %3").arg(pos).arg(layer).arg(head)));
        }
    // The conversation is unchanged, and a message sent now continues it as usual.
    QCOMPARE(current()->thread().size(), std::size_t(2));
    QVERIFY(reply(QStringLiteral("And then?")));
    QCOMPARE(current()->thread().size(), std::size_t(4));

    // The reply's Inspect button does the same, for its first token, and shows the inspector.
    m_app.window->selectConversation(QString());
    QVERIFY(reply(QStringLiteral("Once more")));
    m_app.window->selectConversation(conversation);
    m_app.window->inspectorDock()->hide();
    const auto inspectButton = [&] { return inspectButtonOf(replyId); };
    QVERIFY(inspectButton() && inspectButton()->isVisible() && inspectButton()->isEnabled());
    m_app.window->inspector()->showTab(InspectorPanel::StructureTab);
    inspectButton()->click();
    QVERIFY(m_app.window->inspectorDock()->isVisible());
    QCOMPARE(m_app.window->inspector()->tabs()->currentIndex(), static_cast<int>(InspectorPanel::AttentionTab));
    QVERIFY(m_app.window->statusBar()->currentMessage().contains(QStringLiteral("Computing the diagnostics")));
    QVERIFY(QTest::qWaitFor([&] { return !m_app.window->chat()->isInspecting(); }, 60000));
    QVERIFY(m_app.window->statusBar()->currentMessage().isEmpty());  // its own message is gone
    QCOMPARE(diagnostics->selected(), start);
    QCOMPARE(diagnostics->token(start).id, current()->find(replyId)->tokens.front().id);

    // A message sent while a reply is inspected ends the inspection and is answered as usual.
    m_app.window->selectConversation(QString());
    QVERIFY(reply(QStringLiteral("Yet another")));
    m_app.window->selectConversation(conversation);
    QSignalSpy ended(m_app.window->chat(), &ChatSession::inspectionFinished);
    inspectButton()->click();
    QVERIFY2(m_app.window->chat()->isInspecting(), qPrintable(m_app.window->errorText() + QStringLiteral(" | ") + m_app.window->statusBar()->currentMessage() + QStringLiteral(" | %1 %2").arg(diagnostics->selected()).arg(start)));
    QVERIFY(reply(QStringLiteral("Go on")));
    QCOMPARE(ended.count(), 1);
    QCOMPARE(ended.first().at(2).toBool(), false);  // not completed: the reply took over
    QVERIFY(m_app.window->errorText().isEmpty());
    QCOMPARE(current()->thread().back()->finish == FinishState::Failed, false);
    QVERIFY(!m_app.window->chat()->isInspecting());

    // A reply another model wrote: the diagnostics are the loaded model's, and the status bar says so.
    m_app.window->store()->find(conversation)->find(replyId)->model = QStringLiteral("another-model");
    m_app.window->selectConversation(QString());
    QVERIFY(reply(QStringLiteral("Something new")));
    m_app.window->selectConversation(conversation);
    inspectButton()->click();
    QVERIFY(QTest::qWaitFor([&] { return !m_app.window->chat()->isInspecting(); }, 60000));
    QVERIFY2(m_app.window->statusBar()->currentMessage().contains(QStringLiteral("another-model wrote this reply")),
             qPrintable(m_app.window->statusBar()->currentMessage()));

    // A reply whose file does not record its prompt has no Inspect button, and a click on one
    // of its tokens says why it cannot be inspected.
    m_app.window->store()->find(conversation)->find(replyId)->prompt.reset();
    m_app.window->selectConversation(QString());
    m_app.window->selectConversation(conversation);
    QVERIFY(inspectButton() && !inspectButton()->isVisible());
    QTRY_VERIFY((view = viewShowing(replyId, index, &rect)) != nullptr);  // once laid out again
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QVERIFY(!m_app.window->chat()->isInspecting());
    QVERIFY(m_app.window->statusBar()->currentMessage().contains(QStringLiteral("older file")));
}

// The inspector holds another conversation whose reply has the same tokens at the same
// positions (short greedy answers do): the prompt tells them apart.
void TestChatProbabilities::sameReplyAfterAnotherPrompt() {
    DiagnosticsStore store;
    qe::ModelConfig config;
    config.numHiddenLayers = 1;
    config.numAttentionHeads = 1;
    store.setModel(config, nullptr);
    DiagnosticsData held;
    held.layers = held.heads = 1;
    held.positions = 6;
    held.promptTokens = 3;
    for (const int id : {1, 2, 3, 7, 8, 9}) held.tokens.push_back(PositionToken{id, 0.5f, {}});
    held.residualRms = held.mlpRms = held.entropy = held.sink = std::vector<float>(6, 1.0f);
    store.apply(held);
    QCOMPARE(store.positions(), std::int64_t(6));
    Message reply;
    reply.role = Role::Assistant;
    reply.prompt = PromptRecipe{true, 0, 3};
    for (const int id : {7, 8, 9}) reply.tokens.push_back(MessageToken{id, QString(), 0.5f, {}});
    const std::vector<int> same{1, 2, 3}, other{1, 2, 4}, shorter{1, 2};
    const auto of = [](const std::vector<int>& tokens) { return PromptFn([&tokens]() -> const std::vector<int>& { return tokens; }); };
    QCOMPARE(contextPosition(reply, of(same), 1, store), std::int64_t(4));
    QCOMPARE(replyTokenAt(reply, of(same), 5, store), 2);
    QCOMPARE(contextPosition(reply, of(other), 1, store), std::int64_t(-1));
    QCOMPARE(replyTokenAt(reply, of(other), 5, store), -1);
    QCOMPARE(contextPosition(reply, of(shorter), 1, store), std::int64_t(-1));
    // Without a prompt to compare (none recorded, no model), the reply's tokens decide.
    QCOMPARE(contextPosition(reply, nullptr, 1, store), std::int64_t(4));
}

// What a user keeps rather than what the other tests set: a default system prompt, thinking on,
// the bf16 KV cache, longer replies, two turns. The first reply, inspected after the second,
// has the diagnostics it had when it was generated.
void TestChatProbabilities::inspectWithRealisticSettings() {
    m_app.close();
    QVERIFY(m_app.open(m_model, [](Settings& s) {
        s.setMaxNewTokens(40);
        s.setColourTokens(true);
        s.setThinking(true);
        s.setKvCache(qe::KvType::BF16);
        s.setDefaultSystemPrompt(QStringLiteral("You are a patient teacher. Answer in two sentences."));
    }));
    QVERIFY2(m_app.window->modelCard()->text().contains(QStringLiteral("bf16 KV cache")), qPrintable(m_app.window->modelCard()->text()));
    const Message* first = reply(QStringLiteral("What does an attention head do?"));
    QVERIFY(first);
    const QString conversation = m_app.window->currentConversation();
    const QString replyId = first->id;
    QCOMPARE(current()->thread().front()->role, Role::System);
    const std::int64_t start = first->prompt->tokens;
    const auto generated = static_cast<std::int64_t>(first->tokens.size());
    const DiagnosticsStore* diagnostics = m_app.window->inspector()->store();
    const std::int64_t compared = std::min(diagnostics->positions(), start + generated - 1);
    QVERIFY(compared > start);
    std::vector<float> entropy;
    for (std::int64_t pos = 0; pos < compared; ++pos)
        for (std::int64_t layer = 0; layer < diagnostics->layers(); ++layer)
            for (std::int64_t head = 0; head < diagnostics->heads(); ++head) entropy.push_back(diagnostics->entropy(pos, layer, head));
    QVERIFY(reply(QStringLiteral("And why are there several of them?")));
    QCOMPARE(current()->thread().size(), std::size_t(5));

    QToolButton* inspect = inspectButtonOf(replyId);
    QVERIFY(inspect && inspect->isVisible());
    inspect->click();
    QVERIFY(QTest::qWaitFor([&] { return !m_app.window->chat()->isInspecting(); }, 60000));
    QVERIFY2(m_app.window->errorText().isEmpty(), qPrintable(m_app.window->errorText()));
    QCOMPARE(m_app.window->currentConversation(), conversation);
    QCOMPARE(diagnostics->selected(), start);
    QCOMPARE(diagnostics->positions(), start + generated);
    std::size_t e = 0;
    float worst = 0;
    for (std::int64_t pos = 0; pos < compared; ++pos)
        for (std::int64_t layer = 0; layer < diagnostics->layers(); ++layer)
            for (std::int64_t head = 0; head < diagnostics->heads(); ++head, ++e)
                worst = std::max(worst, std::abs(diagnostics->entropy(pos, layer, head) - entropy[e]));
    QVERIFY2(worst <= 1e-3f, qPrintable(QStringLiteral("entropy differs by up to %1").arg(worst)));
}

void TestChatProbabilities::branchFromAlternative_data() {
    QTest::addColumn<int>("index");
    QTest::newRow("first token") << 0;
    QTest::newRow("fourth token") << 3;
}

void TestChatProbabilities::branchFromAlternative() {
    QFETCH(int, index);
    const Message* r = reply(QStringLiteral("Tell me a story"));
    QVERIFY(r);
    QVERIFY(static_cast<int>(r->tokens.size()) > index);
    const QString originalId = m_app.window->currentConversation();
    const QJsonObject before = current()->toJson();
    const Message original = *r;
    const MessageToken& at = original.tokens[static_cast<std::size_t>(index)];
    int alternative = -1;
    for (const TokenAlternative& a : at.alternatives)
        if (alternative < 0 && a.id != at.id) alternative = a.id;
    QVERIFY(alternative >= 0);

    // Through the alternatives menu when the token is shown; straight from the signal when the
    // token adds no visible text (a partial character).
    QRect rect;
    if (MarkdownView* view = viewShowing(original.id, index, &rect)) {
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
        auto* menu = m_app.window->chatView()->widgetFor(original.id)->findChild<QMenu*>(QStringLiteral("tokenAlternatives"));
        QVERIFY(menu);
        QAction* choice = nullptr;
        for (QAction* action : menu->actions())
            if (action->data().toInt() == alternative && action->isEnabled()) choice = action;
        QVERIFY(choice);
        choice->trigger();
    } else {
        emit m_app.window->chatView()->branchRequested(original.id, index, alternative);
    }
    QVERIFY(m_app.window->chat()->isGenerating());
    QVERIFY(waitIdle());

    // A new conversation: the same history, then the reply's tokens before `index`, the chosen
    // alternative, and the continuation, whose prompt reused the cached prefix.
    const QString branchId = m_app.window->currentConversation();
    QVERIFY(branchId != originalId);
    const Conversation* branch = current();
    const auto thread = branch->thread();
    QCOMPARE(thread.size(), std::size_t(2));
    QCOMPARE(thread[0]->text, QStringLiteral("Tell me a story"));
    const Message* continued = thread[1];
    QVERIFY(static_cast<int>(continued->tokens.size()) > index);
    for (int k = 0; k < index; ++k) QCOMPARE(continued->tokens[static_cast<std::size_t>(k)].id, original.tokens[static_cast<std::size_t>(k)].id);
    QCOMPARE(continued->tokens[static_cast<std::size_t>(index)].id, alternative);
    QCOMPARE(concatenated(*continued), continued->text);
    QVERIFY(continued->stats.has_value());
    QCOMPARE(continued->stats->promptTokens, original.prompt->tokens + index + 1);
    QVERIFY(continued->stats->reusedTokens > 0);
    QCOMPARE(continued->stats->reusedTokens, original.prompt->tokens + index);
    QVERIFY(continued->finish == FinishState::Complete || continued->finish == FinishState::Length);
    // The stats line shows the reuse.
    MessageWidget* widget = m_app.window->chatView()->widgetFor(continued->id);
    auto* stats = widget->findChild<QLabel*>(QStringLiteral("stats"));
    QVERIFY2(stats->text().contains(QStringLiteral("reused %1 of %2 prompt tokens").arg(continued->stats->reusedTokens).arg(continued->stats->promptTokens)),
             qPrintable(stats->text()));
    // The original conversation is unchanged, in memory and on disk.
    QCOMPARE(m_app.window->store()->find(originalId)->toJson(), before);
    ConversationStore reloaded(m_app.window->store()->folder());
    QVERIFY(reloaded.load().isEmpty());
    QCOMPARE(reloaded.find(originalId)->toJson(), before);
    QVERIFY(reloaded.find(branchId));
}

void TestChatProbabilities::tokensSurviveStoreRoundTrip() {
    const Message* r = reply(QStringLiteral("Hello again"));
    QVERIFY(r);
    const QString id = m_app.window->currentConversation();
    const Message original = *r;
    ConversationStore reloaded(m_app.window->store()->folder());
    QVERIFY(reloaded.load().isEmpty());
    const Message* loaded = reloaded.find(id)->find(original.id);
    QVERIFY(loaded);
    QVERIFY(sameTokens(loaded->tokens, original.tokens));
    QVERIFY(loaded->prompt.has_value());
    QCOMPARE(loaded->prompt->tokens, original.prompt->tokens);
    QCOMPARE(loaded->prompt->thinking, original.prompt->thinking);
    QCOMPARE(loaded->prompt->droppedTurns, original.prompt->droppedTurns);
    // Shown from the loaded copy, the colours are the same.
    MessageWidget widget;
    widget.setColourTokens(true);
    widget.setMessage(*loaded, 0, 1, false);
    auto* body = widget.findChild<MarkdownView*>(QStringLiteral("body"));
    for (const auto& [index, colour] : shownColours(body)) QCOMPARE(colour, probabilityColor(original.tokens[static_cast<std::size_t>(index)].prob));
}

void TestChatProbabilities::oldFilesLoadWithoutTokens() {
    // A reply as files before issue #9 held it: no "tokens", no "prompt".
    Conversation c;
    c.id = newId();
    const QString userId = c.append(QString(), Role::User, QStringLiteral("Hi")).id;
    Message& answer = c.append(userId, Role::Assistant, QStringLiteral("**Hello**"));
    answer.tokens.push_back(MessageToken{9707, QStringLiteral("**Hello**"), 0.5f, {}});
    QJsonObject json = c.toJson();
    QJsonArray messages = json.value(QStringLiteral("messages")).toArray();
    QJsonObject old = messages.at(1).toObject();
    QVERIFY(old.contains(QStringLiteral("tokens")));
    old.remove(QStringLiteral("tokens"));
    messages.replace(1, old);
    json.insert(QStringLiteral("messages"), messages);
    const auto loaded = Conversation::fromJson(json);
    QVERIFY(loaded.has_value());
    const Message* reply = loaded->thread().back();
    QVERIFY(reply->tokens.empty());
    QVERIFY(!reply->prompt.has_value());
    // Still Markdown with colouring on: there is nothing to colour.
    MessageWidget widget;
    widget.setColourTokens(true);
    widget.setMessage(*reply, 0, 1, false);
    auto* body = widget.findChild<MarkdownView*>(QStringLiteral("body"));
    QVERIFY(!body->showsTokens());
    QCOMPARE(body->markdownText(), QStringLiteral("**Hello**"));
}

QTEST_MAIN(TestChatProbabilities)
#include "test_chat_probabilities.moc"
