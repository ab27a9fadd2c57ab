// MessageWidget: layout, retranslation and the per-message actions.
#include "gui/chat/message_widget.h"

#include <limits>

#include <QApplication>
#include <QKeyEvent>
#include <QClipboard>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/chat/output_parser.h"
#include "gui/chat/markdown_view.h"
#include "gui/probability_text.h"

namespace qe::gui {

namespace {

QToolButton* smallButton(QWidget* parent) {
    auto* button = new QToolButton(parent);
    button->setAutoRaise(true);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

// Where the answer starts in a reply's raw text (UTF-16 offset), split as parseOutput splits it:
// after the last "</think>"; without one, all reasoning while a think block is open.
qsizetype answerStart(const QString& raw, bool thinkingStarted) {
    const QString close = QStringLiteral("</think>");
    const qsizetype at = raw.lastIndexOf(close);
    if (at >= 0) return at + close.size();
    return thinkingStarted || raw.trimmed().startsWith(QStringLiteral("<think>")) ? raw.size() : 0;
}

// A token's text with line breaks and tabs made visible.
QString visibleToken(QString text) {
    text.replace(QLatin1Char('\n'), QStringLiteral("\u21b5"));  // ↵
    text.replace(QLatin1Char('\t'), QStringLiteral("\u21e5"));  // ⇥
    return text;
}

// The token as text; a token that adds no text (a special token such as <|im_end|>) by the
// name its alternatives entry gives it.
QString tokenLabel(const MessageToken& token) {
    if (!token.text.isEmpty()) return visibleToken(token.text);
    for (const TokenAlternative& a : token.alternatives)
        if (a.id == token.id) return visibleToken(a.text);
    return {};
}

}  // namespace

MessageWidget::MessageWidget(QWidget* parent)
    : QFrame(parent),
      m_role(new QLabel(this)),
      m_previous(smallButton(this)),
      m_version(new QLabel(this)),
      m_next(smallButton(this)),
      m_thinkingToggle(new QToolButton(this)),
      m_reasoning(new MarkdownView(this)),
      m_body(new MarkdownView(this)),
      m_editor(new QPlainTextEdit(this)),
      m_sendEdit(new QPushButton(this)),
      m_cancelEdit(new QPushButton(this)),
      m_editButtons(new QWidget(this)),
      m_stats(new QLabel(this)),
      m_copy(smallButton(this)),
      m_edit(smallButton(this)),
      m_regenerate(smallButton(this)),
      m_inspect(smallButton(this)) {
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("messageFrame"));
    QFont bold = m_role->font();
    bold.setBold(true);
    m_role->setFont(bold);
    m_previous->setText(QStringLiteral("‹"));
    m_next->setText(QStringLiteral("›"));

    auto* header = new QHBoxLayout();
    header->addWidget(m_role);
    header->addStretch(1);
    header->addWidget(m_previous);
    header->addWidget(m_version);
    header->addWidget(m_next);

    m_thinkingToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_thinkingToggle->setAutoRaise(true);
    m_thinkingToggle->setCheckable(true);
    m_reasoning->setObjectName(QStringLiteral("reasoning"));
    m_reasoning->setStyleSheet(QStringLiteral("QTextBrowser { background: transparent; color: palette(mid); }"));
    QPalette dim = m_reasoning->palette();
    dim.setColor(QPalette::Text, dim.color(QPalette::PlaceholderText));
    m_reasoning->setPalette(dim);
    m_body->setObjectName(QStringLiteral("body"));
    for (MarkdownView* view : {m_reasoning, m_body}) {
        view->setTokenToolTip([this](int index) { return tokenToolTip(index); });
        connect(view, &MarkdownView::tokenClicked, this, [this](int index, const QPoint& below) {
            emit tokenClicked(m_message.id, index);
            showAlternatives(index, below);
        });
    }

    auto* editRow = new QHBoxLayout(m_editButtons);
    editRow->setContentsMargins(0, 0, 0, 0);
    editRow->addStretch(1);
    editRow->addWidget(m_cancelEdit);
    editRow->addWidget(m_sendEdit);
    m_editor->setVisible(false);
    m_editButtons->setVisible(false);
    m_editor->setMinimumHeight(80);

    m_stats->setObjectName(QStringLiteral("stats"));
    QPalette statsPalette = m_stats->palette();
    statsPalette.setColor(QPalette::WindowText, statsPalette.color(QPalette::PlaceholderText));
    m_stats->setPalette(statsPalette);
    m_stats->setWordWrap(true);
    m_stats->setTextFormat(Qt::RichText);  // the seed is a link
    m_stats->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(m_stats, &QLabel::linkActivated, this, [this] {
        if (m_message.sampling) emit seedChosen(static_cast<int>(m_message.sampling->seed));
    });
    auto* footer = new QHBoxLayout();
    footer->addWidget(m_stats, 1);
    footer->addWidget(m_copy);
    footer->addWidget(m_edit);
    footer->addWidget(m_regenerate);
    footer->addWidget(m_inspect);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_thinkingToggle, 0, Qt::AlignLeft);
    layout->addWidget(m_reasoning);
    layout->addWidget(m_body);
    layout->addWidget(m_editor);
    layout->addWidget(m_editButtons);
    layout->addLayout(footer);

    connect(m_previous, &QToolButton::clicked, this, [this] { emit siblingRequested(m_message.id, -1); });
    connect(m_next, &QToolButton::clicked, this, [this] { emit siblingRequested(m_message.id, +1); });
    connect(m_thinkingToggle, &QToolButton::toggled, this, [this](bool on) {
        m_thinkingTouched = true;
        setThinkingExpanded(on);
    });
    connect(m_copy, &QToolButton::clicked, this, [this] { QApplication::clipboard()->setText(visibleText()); });
    connect(m_edit, &QToolButton::clicked, this, &MessageWidget::startEdit);
    connect(m_regenerate, &QToolButton::clicked, this, [this] { emit regenerateRequested(m_message.id); });
    connect(m_inspect, &QToolButton::clicked, this, [this] { emit inspectRequested(m_message.id); });
    connect(m_cancelEdit, &QPushButton::clicked, this, [this] { setEditing(false); });
    connect(m_sendEdit, &QPushButton::clicked, this, [this] {
        const QString text = m_editor->toPlainText().trimmed();
        if (text.isEmpty()) return;
        setEditing(false);
        emit editSubmitted(m_message.id, text);
    });
    m_editor->installEventFilter(this);  // Ctrl+Enter sends the edit, Escape cancels it
    retranslateUi();
}

void MessageWidget::setMessage(const Message& message, int index, int count, bool busy) {
    if (message.id != m_message.id) m_thinkingTouched = false;
    m_message = message;
    m_index = index;
    m_count = count;
    m_busy = busy;
    refresh();
}

QString MessageWidget::visibleText() const {
    if (m_message.role != Role::Assistant) return m_message.text;
    return QString::fromStdString(parseOutput(m_message.text.toStdString(), m_message.thinkingStarted).content);
}

bool MessageWidget::isEditing() const { return m_editing; }

void MessageWidget::setEditing(bool editing) {
    m_editing = editing;
    m_editor->setVisible(editing);
    m_editButtons->setVisible(editing);
    refresh();  // the text, Copy and Edit
}

bool MessageWidget::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_editor && (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        const auto* key = static_cast<QKeyEvent*>(event);
        const bool send = (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && (key->modifiers() & Qt::ControlModifier);
        const bool cancel = key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier;
        if (send || cancel) {
            // ShortcutOverride: the key comes here as a key press, before any window shortcut
            // (Escape also stops a reply).
            event->accept();
            if (event->type() == QEvent::KeyPress) (send ? m_sendEdit : m_cancelEdit)->click();
            return true;
        }
    }
    return QFrame::eventFilter(watched, event);
}

void MessageWidget::setColourTokens(bool on) {
    if (on == m_colourTokens) return;
    m_colourTokens = on;
    refresh();
}

void MessageWidget::setSelectedToken(int index) {
    m_reasoning->setSelectedToken(index);
    m_body->setSelectedToken(index);
}

QString MessageWidget::tokenToolTip(int index) const {
    if (index < 0 || index >= static_cast<int>(m_message.tokens.size())) return {};
    const MessageToken& token = m_message.tokens[static_cast<std::size_t>(index)];
    if (token.id < 0) return QStringLiteral("\"%1\"").arg(visibleToken(token.text));
    //: Tooltip of a generated token: %1 its text, %2 its id in the vocabulary.
    QString text = tr("\"%1\" (token id %2)").arg(tokenLabel(token)).arg(token.id);
    //: Probability of a generated token in percent.
    if (token.prob >= 0) text += QLatin1Char('\n') + tr("probability %1%").arg(probabilityPercent(token.prob));
    if (token.alternatives.empty()) return text;
    text += QLatin1Char('\n') + tr("Most likely at this step:");
    for (const TokenAlternative& a : token.alternatives)
        text += QStringLiteral("\n  %1  %2%").arg(visibleToken(a.text), probabilityPercent(a.prob));
    return text + QLatin1Char('\n') + tr("Click to select it in the inspector or to continue with an alternative.");
}

bool MessageWidget::showTokens() {
    const qsizetype answerAt = answerStart(m_message.text, m_message.thinkingStarted);
    std::vector<TokenRun> reasoning;
    std::vector<TokenRun> answer;
    qsizetype offset = 0;
    for (std::size_t i = 0; i < m_message.tokens.size(); ++i) {
        const MessageToken& t = m_message.tokens[i];
        (offset < answerAt ? reasoning : answer).push_back(TokenRun{static_cast<int>(i), t.text, t.prob});
        offset += t.text.size();
    }
    m_reasoning->setTokens(reasoning);
    m_body->setTokens(answer);
    return !answer.empty();
}

void MessageWidget::showAlternatives(int index, const QPoint& globalPos) {
    const MessageToken& token = m_message.tokens[static_cast<std::size_t>(index)];
    if (token.alternatives.empty()) return;
    if (auto* open = findChild<QMenu*>(QStringLiteral("tokenAlternatives"))) open->close();
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("tokenAlternatives"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addSection(tr("Continue in a new conversation with"));
    const bool canBranch = !m_busy && m_message.prompt.has_value();
    for (const TokenAlternative& a : token.alternatives) {
        //: An alternative token in the branch menu: %1 its text, %2 its probability in percent.
        QAction* action = menu->addAction(tr("\"%1\"  %2%").arg(visibleToken(a.text), probabilityPercent(a.prob)));
        action->setData(a.id);
        if (a.id == token.id) {  // what the model generated
            action->setCheckable(true);
            action->setChecked(true);
            action->setEnabled(false);
            continue;
        }
        action->setEnabled(canBranch);
        connect(action, &QAction::triggered, this,
                [this, messageId = m_message.id, index, id = a.id] { emit branchRequested(messageId, index, id); });
    }
    if (!canBranch) {
        menu->addSeparator();
        menu->addAction(m_busy ? tr("Available once the generation has finished")
                               : tr("Not available for replies saved by an older version"))
            ->setEnabled(false);
    }
    menu->popup(globalPos);
}

void MessageWidget::startEdit() {
    m_editor->setPlainText(m_message.text);
    setEditing(true);
    m_editor->setFocus();
}

void MessageWidget::setThinkingExpanded(bool expanded) {
    m_thinkingExpanded = expanded;
    m_thinkingToggle->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
    m_reasoning->setVisible(expanded && m_thinkingToggle->isVisible());
}

void MessageWidget::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QFrame::changeEvent(event);
}

QString MessageWidget::editToolTip(Role role) {
    return role == Role::System ? tr("Change the system prompt; a conversation with replies starts again from its first "
                                     "message in a new branch, and the old one stays reachable")
                                : tr("Edit this message and send it again; the old version stays reachable");
}

void MessageWidget::retranslateUi() {
    m_copy->setText(tr("Copy"));
    m_copy->setToolTip(tr("Copy the message text to the clipboard"));
    m_edit->setText(tr("Edit"));
    m_edit->setToolTip(editToolTip(m_message.role));
    m_regenerate->setText(tr("Regenerate"));
    m_regenerate->setToolTip(tr("Generate another reply; the old one stays reachable"));
    //: Button under a reply: show it in the inspector.
    m_inspect->setText(tr("Inspect"));
    m_inspect->setToolTip(tr("Show this reply in the inspector, token by token: where each token looks, the numbers of "
                             "every layer, the logit lens"));
    m_sendEdit->setText(tr("Send"));
    m_cancelEdit->setText(tr("Cancel"));
    m_previous->setToolTip(tr("Previous version"));
    m_next->setToolTip(tr("Next version"));
    refresh();
}

void MessageWidget::refresh() {
    const bool assistant = m_message.role == Role::Assistant;
    const bool streaming = assistant && m_message.finish == FinishState::Streaming;
    switch (m_message.role) {
    case Role::System: m_role->setText(tr("System")); break;
    case Role::User: m_role->setText(tr("You")); break;
    case Role::Assistant: m_role->setText(tr("Assistant")); break;
    }
    const bool multiple = m_count > 1;
    m_previous->setVisible(multiple);
    m_next->setVisible(multiple);
    m_version->setVisible(multiple);
    //: Version switcher of a message: "2/3" = second of three versions.
    m_version->setText(tr("%1/%2").arg(m_index + 1).arg(m_count));
    m_previous->setEnabled(!m_busy && m_index > 0);
    m_next->setEnabled(!m_busy && m_index + 1 < m_count);

    QString reasoning;
    QString content = m_message.text;
    bool thinkingOpen = false;
    if (assistant) {
        const ParsedOutput parsed = parseOutput(m_message.text.toStdString(), m_message.thinkingStarted);
        reasoning = QString::fromStdString(parsed.reasoning);
        content = QString::fromStdString(parsed.content);
        thinkingOpen = !parsed.hasThinkBlock && (m_message.thinkingStarted || !reasoning.isEmpty());
    }
    const bool showThinking = assistant && (!reasoning.isEmpty() || thinkingOpen);
    m_thinkingToggle->setVisible(showThinking);
    if (thinkingOpen && streaming) {
        m_thinkingToggle->setText(tr("Thinking…"));
    } else if (m_message.thinkingSeconds >= 0) {
        m_thinkingToggle->setText(tr("Thought for %1 s").arg(QLocale().toString(m_message.thinkingSeconds, 'f', 1)));
    } else {
        m_thinkingToggle->setText(tr("Thoughts"));
    }
    if (!m_thinkingTouched) {
        // Expanded while the model reasons, collapsed once the answer starts.
        const bool expand = streaming && thinkingOpen;
        m_thinkingToggle->blockSignals(true);
        m_thinkingToggle->setChecked(expand);
        m_thinkingToggle->blockSignals(false);
        m_thinkingExpanded = expand;
    }
    const bool tokenMode = assistant && m_colourTokens && !m_message.tokens.empty();
    // Tokens the Markdown would trim away (line breaks) still show, and can be clicked.
    const bool answerTokens = tokenMode && showTokens();
    if (!tokenMode) m_reasoning->setMarkdownText(reasoning);
    setThinkingExpanded(m_thinkingExpanded);

    if (!assistant) {
        m_body->showPlainText(content);
    } else if (!tokenMode) {
        m_body->setMarkdownText(content.isEmpty() && streaming && !thinkingOpen ? QStringLiteral("…") : content);
    }
    m_body->setVisible(!isEditing() && (!content.isEmpty() || !assistant || streaming || answerTokens));

    QStringList parts;  // plain text, escaped at the end
    if (assistant && !m_message.model.isEmpty()) parts << m_message.model;
    if (assistant && m_message.stats) {
        const MessageStats& s = *m_message.stats;
        const QLocale locale;
        parts << tr("%n token(s)", nullptr, static_cast<int>(s.newTokens));
        parts << tr("first token %1 s").arg(locale.toString(s.timeToFirstToken, 'f', 2));
        parts << tr("%1 tok/s").arg(locale.toString(s.decodeTokensPerSecond, 'f', 1));
        //: KV-cache reuse: %1 prompt tokens were served from the cache, %2 is the prompt length.
        parts << tr("reused %1 of %2 prompt tokens").arg(s.reusedTokens).arg(s.promptTokens);
    }
    if (assistant) {
        switch (m_message.finish) {
        case FinishState::Streaming: parts << tr("generating…"); break;
        case FinishState::Stopped: parts << tr("stopped"); break;
        case FinishState::Length: parts << tr("stopped at the token limit"); break;
        case FinishState::ContextFull: parts << tr("stopped: the context is full"); break;
        case FinishState::Failed: parts << tr("failed"); break;
        case FinishState::Complete: break;
        }
    }
    for (QString& part : parts) part = part.toHtmlEscaped();
    if (assistant && m_message.sampling && !m_message.sampling->greedy &&
        m_message.sampling->seed <= std::uint64_t(std::numeric_limits<int>::max())) {
        //: The seed a reply was sampled with, a link under the reply.
        parts << QStringLiteral("<a href=\"seed\">%1</a>")
                     .arg(tr("seed %1").arg(m_message.sampling->seed).toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    }
    //: Separator between message statistics.
    m_stats->setText(parts.join(tr(" · ")));
    m_stats->setToolTip(assistant && m_message.sampling ? samplingToolTip(*m_message.sampling) : QString());
    m_copy->setEnabled(!streaming);
    m_copy->setVisible(!isEditing());
    m_edit->setVisible(!isEditing() && (m_message.role == Role::User || m_message.role == Role::System));
    m_edit->setToolTip(editToolTip(m_message.role));
    m_edit->setEnabled(!m_busy);
    m_regenerate->setVisible(assistant);
    m_regenerate->setEnabled(!m_busy);
    // Replies from older files without their prompt cannot be fed again.
    m_inspect->setVisible(assistant && m_message.prompt.has_value() && !m_message.tokens.empty());
    m_inspect->setEnabled(!m_busy && !streaming);
}

QString MessageWidget::samplingToolTip(const SamplingParams& p) {
    const QLocale locale;
    const auto number = [&](float value) { return locale.toString(value, 'g', 3); };
    QString text;
    if (p.greedy) {
        text = tr("Sampled greedily (always the most likely token).");
    } else {
        //: %1 temperature, %2 top-p, %3 top-k (0: off), %4 min-p, %5 the seed.
        text = tr("Sampled with temperature %1, top-p %2, top-k %3, min-p %4 and seed %5.")
                   .arg(number(p.temperature), number(p.topP), locale.toString(static_cast<qint64>(p.topK)), number(p.minP))
                   .arg(p.seed);
    }
    if (p.repetitionPenalty != 1.0f) text += QLatin1Char(' ') + tr("Repetition penalty %1.").arg(number(p.repetitionPenalty));
    if (p.presencePenalty != 0.0f) text += QLatin1Char(' ') + tr("Presence penalty %1.").arg(number(p.presencePenalty));
    if (!p.greedy)
        text += QStringLiteral("\n") + tr("Click the seed to use it for the next replies: with the same prompt, model, backend and settings they come out the same.");
    return text;
}

}  // namespace qe::gui
