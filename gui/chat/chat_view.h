// The visible thread of one conversation as a scrolling column of MessageWidgets. Rebuilt when
// the thread changes shape; a streaming reply only updates its own widget. Optionally shows the
// replies' tokens coloured by probability, with a legend, and one selected token.
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

    void setColourTokens(bool on);
    bool colourTokens() const { return m_colourTokens; }
    // Highlights token `index` of message `messageId` ("": none), also once it is shown.
    void setSelectedToken(const QString& messageId, int index);
    const QString& selectedMessage() const { return m_selectedMessage; }
    int selectedToken() const { return m_selectedToken; }

signals:
    void editSubmitted(const QString& messageId, const QString& text);
    void regenerateRequested(const QString& messageId);
    void inspectRequested(const QString& messageId);
    void siblingRequested(const QString& messageId, int offset);
    void tokenClicked(const QString& messageId, int index);
    void branchRequested(const QString& messageId, int index, int alternativeId);
    void seedChosen(int seed);

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
    QLabel* m_legend;
    int m_droppedTurns = 0;
    bool m_colourTokens = false;
    QString m_selectedMessage;
    int m_selectedToken = -1;
    std::vector<MessageWidget*> m_widgets;
};

}  // namespace qe::gui
