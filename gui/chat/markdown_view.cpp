// MarkdownView: content-height text browser.
#include "gui/chat/markdown_view.h"

#include <QAbstractTextDocumentLayout>
#include <QResizeEvent>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

namespace qe::gui {

MarkdownView::MarkdownView(QWidget* parent) : QTextBrowser(parent) {
    setOpenExternalLinks(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setTextInteractionFlags(Qt::TextBrowserInteraction);
    viewport()->setAutoFillBackground(false);
    setStyleSheet(QStringLiteral("QTextBrowser { background: transparent; }"));
    document()->setDocumentMargin(2);
    connect(document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, this,
            [this] { updateHeight(); });
}

void MarkdownView::setMarkdownText(const QString& markdown) {
    if (markdown == m_markdown) return;
    m_markdown = markdown;
    document()->setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);
    shadeCodeBlocks();
    updateHeight();
}

QSize MarkdownView::sizeHint() const {
    const int h = static_cast<int>(document()->size().height()) + 4;
    return {QTextBrowser::sizeHint().width(), h};
}

QSize MarkdownView::minimumSizeHint() const { return {50, sizeHint().height()}; }

void MarkdownView::resizeEvent(QResizeEvent* event) {
    QTextBrowser::resizeEvent(event);
    if (event->size().width() != m_lastWidth) {
        m_lastWidth = event->size().width();
        updateHeight();
    }
}

void MarkdownView::shadeCodeBlocks() {
    // The Markdown importer marks fenced and indented code blocks; give them a background.
    const QColor shade = palette().color(QPalette::AlternateBase).darker(104);
    QTextCursor cursor(document());
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        const QTextBlockFormat format = block.blockFormat();
        if (!format.hasProperty(QTextFormat::BlockCodeFence) && !format.hasProperty(QTextFormat::BlockCodeLanguage)) continue;
        QTextBlockFormat shaded = format;
        shaded.setBackground(shade);
        shaded.setLeftMargin(6);
        cursor.setPosition(block.position());
        cursor.setBlockFormat(shaded);
    }
}

void MarkdownView::updateHeight() {
    document()->setTextWidth(viewport()->width());
    const int h = static_cast<int>(document()->size().height()) + 4;
    if (h != height()) setFixedHeight(h);
}

}  // namespace qe::gui
