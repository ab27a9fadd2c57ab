// The visible thread of one conversation as a scrolling column of MessageWidgets. Rebuilt when
// the thread changes shape; a streaming reply only updates its own widget.
#pragma once

#include <vector>

#include <QScrollArea>

#include "gui/conversations/conversation.h"

class QLabel;
class QVBoxLayout;

namespace qe::gui {

class MessageWidget;

class ChatView : public QScrollArea {
    Q_OBJECT
public:
    explicit ChatView(QWidget* parent = nullptr);

    // Shows the conversation's active thread (nullptr: none). `busy`: a generation runs.
    void setConversation(const Conversation* conversation, bool busy);
    // Re-renders one message (streaming); keeps the view pinned to the bottom if it was.
    void updateMessage(const Conversation& conversation, const QString& messageId, bool busy);
    // Text shown when there is no message.
    void setPlaceholder(const QString& text);
    MessageWidget* widgetFor(const QString& messageId) const;
    int messageCount() const { return static_cast<int>(m_widgets.size()); }

signals:
    void editSubmitted(const QString& messageId, const QString& text);
    void regenerateRequested(const QString& messageId);
    void siblingRequested(const QString& messageId, int offset);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void scrollToBottomLater();
    void show(MessageWidget* widget, const Conversation& conversation, const Message& message, bool busy);

    QWidget* m_content;
    QVBoxLayout* m_column;
    QLabel* m_placeholder;
    QLabel* m_dropped;
    int m_droppedTurns = 0;
    std::vector<MessageWidget*> m_widgets;
};

}  // namespace qe::gui
