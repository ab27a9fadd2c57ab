// One message of the visible thread: role, version switcher ‹1/2›, collapsible thinking block
// with its duration, Markdown body (or, for a reply, its tokens coloured by probability, with
// the alternatives on hover and a menu to branch from one on click), per-message stats, and
// actions (copy, edit and resend, regenerate). Paints what it is given; the conversation is
// changed by MainWindow.
#pragma once

#include <QFrame>

#include "gui/conversations/conversation.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace qe::gui {

class MarkdownView;

class MessageWidget : public QFrame {
    Q_OBJECT
public:
    explicit MessageWidget(QWidget* parent = nullptr);

    // Shows `message` as version `index` (0-based) of `count` siblings. `busy`: a generation
    // runs, so actions that would start another are disabled.
    void setMessage(const Message& message, int index, int count, bool busy);
    const QString& messageId() const { return m_message.id; }
    // The answer text as shown (assistant: without the reasoning).
    QString visibleText() const;
    bool isEditing() const;

    // Shows a reply's generated tokens coloured by probability instead of its Markdown (replies
    // saved without tokens stay Markdown).
    void setColourTokens(bool on);
    // Highlights token `index` of this message (-1: none).
    void setSelectedToken(int index);
    // What hovering token `index` shows: its text, probability and the alternatives.
    QString tokenToolTip(int index) const;

signals:
    void editSubmitted(const QString& messageId, const QString& text);
    void regenerateRequested(const QString& messageId);
    // Show this reply in the inspector (fed again where the inspector holds another one).
    void inspectRequested(const QString& messageId);
    void siblingRequested(const QString& messageId, int offset);  // offset -1: previous, +1: next
    void tokenClicked(const QString& messageId, int index);
    // The user chose `alternativeId` instead of token `index` in the alternatives menu.
    void branchRequested(const QString& messageId, int index, int alternativeId);
    // The seed named under a reply was clicked: use it for the next replies.
    void seedChosen(int seed);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    static QString editToolTip(Role role);
    static QString samplingToolTip(const SamplingParams& sampling);
    void refresh();
    void startEdit();
    // The edit box and its Cancel / Send instead of the text and its Copy / Edit.
    void setEditing(bool editing);
    bool eventFilter(QObject* watched, QEvent* event) override;
    void setThinkingExpanded(bool expanded);
    // Shows the reply's tokens in the reasoning and answer views; true if the answer has any.
    bool showTokens();
    void showAlternatives(int index, const QPoint& globalPos);

    Message m_message;
    int m_index = 0;
    int m_count = 1;
    bool m_busy = false;
    bool m_thinkingExpanded = false;
    bool m_thinkingTouched = false;  // the user toggled the block: keep their choice
    bool m_colourTokens = false;

    QLabel* m_role;
    QToolButton* m_previous;
    QLabel* m_version;
    QToolButton* m_next;
    QToolButton* m_thinkingToggle;
    MarkdownView* m_reasoning;
    MarkdownView* m_body;
    QPlainTextEdit* m_editor;
    bool m_editing = false;
    QPushButton* m_sendEdit;
    QPushButton* m_cancelEdit;
    QWidget* m_editButtons;
    QLabel* m_stats;
    QToolButton* m_copy;
    QToolButton* m_edit;
    QToolButton* m_regenerate;
    QToolButton* m_inspect;
};

}  // namespace qe::gui
