// A read-only rich text view whose height follows its content, for one message body inside the
// scrolling chat (the chat scrolls, not each message). Shows Markdown (QTextDocument::setMarkdown),
// with a Copy button over each code block, plain text, or generated tokens coloured by their
// probability, which can be hovered and clicked.
#pragma once

#include <functional>
#include <vector>

#include <QTextBrowser>
#include <QTextFormat>

class QToolButton;

namespace qe::gui {

// One token as the view shows it.
struct TokenRun {
    int index = -1;       // the token's index in its message
    QString text;
    float prob = -1.0f;   // < 0: not coloured
};

class MarkdownView : public QTextBrowser {
    Q_OBJECT
public:
    explicit MarkdownView(QWidget* parent = nullptr);

    // Re-renders only when the text changed.
    void setMarkdownText(const QString& markdown);
    const QString& markdownText() const { return m_markdown; }
    void showPlainText(const QString& text);

    // Shows `tokens` as plain text, each on the background of its probability (the colour scale
    // of the inspector's token strip), line breaks as "↵" and a break. Appends only the new
    // tokens when `tokens` extends what is shown, as while streaming.
    void setTokens(const std::vector<TokenRun>& tokens);
    bool showsTokens() const { return m_mode == Mode::Tokens; }
    // Draws the token with message index `index` in the selection colour (-1: none).
    void setSelectedToken(int index);
    // Message index of the token under `point` (viewport coordinates), or -1.
    int tokenAt(const QPoint& point) const;
    // Viewport rectangle of the first character of token `index`; empty if it is not shown.
    QRect tokenRect(int index) const;
    // Gives the tooltip of a token from its message index.
    void setTokenToolTip(std::function<QString(int)> tooltip) { m_tokenToolTip = std::move(tooltip); }
    // The char format property that holds a token's message index.
    static constexpr int kTokenIndexProperty = QTextFormat::UserProperty + 1;

    // Markdown mode: the code blocks' texts, in document order, each with a Copy button above it
    // that puts it on the clipboard.
    const QStringList& codeBlocks() const { return m_codeTexts; }
    QToolButton* copyButton(int block) const { return block >= 0 && block < m_copyButtons.size() ? m_copyButtons[block] : nullptr; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    // A click (no drag) on token `index`; `below` is the global point under it, for a popup.
    void tokenClicked(int index, const QPoint& below);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    enum class Mode { Markdown, Plain, Tokens };
    // Where a shown token lies in the document: [start, end) character positions.
    struct ShownRun {
        TokenRun run;
        int start = 0;
        int end = 0;
    };

    void appendRuns(const std::vector<TokenRun>& tokens, std::size_t from);
    QTextCharFormat runFormat(const TokenRun& run) const;
    const ShownRun* shownRun(int index) const;
    QRect charRect(int pos) const;
    void updateHeight();
    void shadeCodeBlocks();
    // The Copy buttons: one per code block (made or dropped to match), placed in the space above it.
    void updateCopyButtons();
    void placeCopyButtons();
    void retranslateCopyButtons();
    void renderMarkdown();

    Mode m_mode = Mode::Markdown;
    QString m_markdown;
    std::vector<ShownRun> m_runs;        // token mode: in document order
    int m_selected = -1;
    int m_pressedToken = -1;
    QPoint m_pressPos;
    std::function<QString(int)> m_tokenToolTip;
    int m_lastWidth = -1;
    QStringList m_codeTexts;             // Markdown mode: each code block's text
    QList<int> m_codeStarts;             // and the document position of its first character
    QList<QToolButton*> m_copyButtons;
};

}  // namespace qe::gui
