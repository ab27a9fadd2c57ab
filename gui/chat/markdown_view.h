// A read-only rich text view whose height follows its content, for one message body inside the
// scrolling chat (the chat scrolls, not each message). Markdown via QTextDocument::setMarkdown.
#pragma once

#include <QTextBrowser>

namespace qe::gui {

class MarkdownView : public QTextBrowser {
    Q_OBJECT
public:
    explicit MarkdownView(QWidget* parent = nullptr);

    // Re-renders only when the text changed.
    void setMarkdownText(const QString& markdown);
    const QString& markdownText() const { return m_markdown; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateHeight();
    void shadeCodeBlocks();

    QString m_markdown;
    int m_lastWidth = -1;
};

}  // namespace qe::gui
