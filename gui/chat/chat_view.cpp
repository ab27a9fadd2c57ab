// ChatView: message widgets in a column, pinned to the bottom while streaming.
#include "gui/chat/chat_view.h"

#include <algorithm>

#include <QEvent>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>

#include "gui/chat/message_widget.h"
#include "gui/inspector/heat_colors.h"

namespace qe::gui {

ChatView::ChatView(QWidget* parent)
    : QScrollArea(parent), m_content(new QWidget(this)), m_column(new QVBoxLayout(m_content)),
      m_placeholder(new QLabel(m_content)), m_dropped(new QLabel(m_content)), m_legend(new QLabel(m_content)) {
    setWidgetResizable(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_column->setContentsMargins(12, 12, 12, 12);
    m_column->setSpacing(10);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_dropped->setWordWrap(true);
    m_dropped->setAlignment(Qt::AlignCenter);
    m_dropped->setVisible(false);
    m_legend->setObjectName(QStringLiteral("probabilityLegend"));
    m_legend->setWordWrap(true);
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setVisible(false);
    m_column->addWidget(m_legend);
    m_column->addWidget(m_dropped);
    m_column->addWidget(m_placeholder);
    m_column->addStretch(1);
    setWidget(m_content);
    retranslateUi();
}

void ChatView::setPlaceholder(const QString& text) { m_placeholder->setText(text); }

MessageWidget* ChatView::widgetFor(const QString& messageId) const {
    for (MessageWidget* w : m_widgets)
        if (w->messageId() == messageId) return w;
    return nullptr;
}

void ChatView::show(MessageWidget* widget, const Conversation& conversation, const Message& message, bool busy) {
    const std::vector<QString> siblings = conversation.siblings(message.id);
    const auto it = std::find(siblings.begin(), siblings.end(), message.id);
    widget->setMessage(message, static_cast<int>(it - siblings.begin()), static_cast<int>(siblings.size()), busy);
    // Widgets are reused for other messages: the selection goes with the message.
    widget->setSelectedToken(message.id == m_selectedMessage ? m_selectedToken : -1);
}

void ChatView::setColourTokens(bool on) {
    m_colourTokens = on;
    for (MessageWidget* w : m_widgets) w->setColourTokens(on);
    m_legend->setVisible(on);
}

void ChatView::setSelectedToken(const QString& messageId, int index) {
    m_selectedMessage = index >= 0 ? messageId : QString();
    m_selectedToken = m_selectedMessage.isEmpty() ? -1 : index;
    for (MessageWidget* w : m_widgets) w->setSelectedToken(w->messageId() == m_selectedMessage ? m_selectedToken : -1);
}

void ChatView::setConversation(const Conversation* conversation, bool busy) {
    const std::vector<const Message*> thread = conversation ? conversation->thread() : std::vector<const Message*>{};
    // Reuse widgets position by position; only the count changes the layout.
    while (m_widgets.size() > thread.size()) {
        delete m_widgets.back();
        m_widgets.pop_back();
    }
    while (m_widgets.size() < thread.size()) {
        auto* widget = new MessageWidget(m_content);
        connect(widget, &MessageWidget::editSubmitted, this, &ChatView::editSubmitted);
        connect(widget, &MessageWidget::regenerateRequested, this, &ChatView::regenerateRequested);
        connect(widget, &MessageWidget::inspectRequested, this, &ChatView::inspectRequested);
        connect(widget, &MessageWidget::siblingRequested, this, &ChatView::siblingRequested);
        connect(widget, &MessageWidget::tokenClicked, this, &ChatView::tokenClicked);
        connect(widget, &MessageWidget::branchRequested, this, &ChatView::branchRequested);
        connect(widget, &MessageWidget::seedChosen, this, &ChatView::seedChosen);
        widget->setColourTokens(m_colourTokens);
        m_column->insertWidget(m_column->count() - 1, widget);
        m_widgets.push_back(widget);
    }
    for (std::size_t i = 0; i < thread.size(); ++i) show(m_widgets[i], *conversation, *thread[i], busy);
    m_placeholder->setVisible(thread.empty());
    m_droppedTurns = conversation ? conversation->droppedTurns : 0;
    retranslateUi();
    scrollToBottomLater();
}

void ChatView::updateMessage(const Conversation& conversation, const QString& messageId, bool busy) {
    MessageWidget* widget = widgetFor(messageId);
    const Message* message = conversation.find(messageId);
    if (!widget || !message) return setConversation(&conversation, busy);
    QScrollBar* bar = verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 40;
    show(widget, conversation, *message, busy);
    if (atBottom) scrollToBottomLater();
}

void ChatView::scrollToBottomLater() {
    // After the layout has taken the new heights.
    QTimer::singleShot(0, this, [this] { verticalScrollBar()->setValue(verticalScrollBar()->maximum()); });
}

void ChatView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QScrollArea::changeEvent(event);
}

void ChatView::retranslateUi() {
    m_dropped->setVisible(m_droppedTurns > 0);
    m_dropped->setText(tr("The %n oldest turn(s) of this conversation are no longer sent to the model, so that it fits the context.",
                          nullptr, m_droppedTurns));
    // Samples of the colour scale, as in the inspector's token strip.
    QString samples;
    for (const double p : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const QColor c = probabilityColor(p);
        samples += QStringLiteral("<span style=\"background:%1; color:%2\">&nbsp;%3%&nbsp;</span> ")
                       .arg(c.name(), textOn(c).name(), QLocale().toString(static_cast<int>(p * 100)));
    }
    //: Legend above the chat when tokens are coloured; %1 is a row of colour samples from 0% to 100%.
    m_legend->setText(tr("Token probability under the model: %1 Hover a token for the alternatives; click it to select it "
                         "in the inspector or to branch from an alternative.")
                          .arg(samples));
}

}  // namespace qe::gui
