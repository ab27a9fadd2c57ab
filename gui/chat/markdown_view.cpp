// MarkdownView: content-height text browser; token mode builds the document run by run and
// hit-tests characters against the runs.
#include "gui/chat/markdown_view.h"

#include <algorithm>

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QClipboard>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QResizeEvent>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFragment>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>

#include "gui/inspector/heat_colors.h"

namespace qe::gui {

namespace {

bool sameRun(const TokenRun& a, const TokenRun& b) { return a.index == b.index && a.prob == b.prob && a.text == b.text; }

}  // namespace

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

namespace {

bool isCodeBlock(const QTextBlock& block) {
    const QTextBlockFormat format = block.blockFormat();
    return format.hasProperty(QTextFormat::BlockCodeFence) || format.hasProperty(QTextFormat::BlockCodeLanguage);
}

// The Markdown importer makes each line of a code block a QTextBlock with the block's fence and
// language, and nothing marks where one code block ends and the next begins: a code line starts a
// new code block after a line that is no code or code of another fence or language. (Two adjacent
// code blocks with the same fence and language, nothing between them, read as one.)
bool startsCodeBlock(const QTextBlock& block) {
    if (!isCodeBlock(block)) return false;
    const QTextBlock previous = block.previous();
    if (!previous.isValid() || !isCodeBlock(previous)) return true;
    const QTextBlockFormat a = previous.blockFormat();
    const QTextBlockFormat b = block.blockFormat();
    return a.property(QTextFormat::BlockCodeFence) != b.property(QTextFormat::BlockCodeFence) ||
           a.property(QTextFormat::BlockCodeLanguage) != b.property(QTextFormat::BlockCodeLanguage);
}

}  // namespace

void MarkdownView::setMarkdownText(const QString& markdown) {
    if (m_mode == Mode::Markdown && markdown == m_markdown) return;
    m_mode = Mode::Markdown;
    m_runs.clear();
    m_markdown = markdown;
    renderMarkdown();
}

void MarkdownView::renderMarkdown() {
    document()->setMarkdown(m_markdown, QTextDocument::MarkdownDialectGitHub);
    shadeCodeBlocks();
    updateCopyButtons();
    updateHeight();
}

void MarkdownView::showPlainText(const QString& text) {
    if (m_mode == Mode::Plain && text == m_markdown) return;
    m_mode = Mode::Plain;
    m_runs.clear();
    m_markdown = text;
    setPlainText(text);
    updateCopyButtons();
    updateHeight();
}

void MarkdownView::setTokens(const std::vector<TokenRun>& tokens) {
    const bool extends = m_mode == Mode::Tokens && tokens.size() >= m_runs.size() &&
                         std::equal(m_runs.begin(), m_runs.end(), tokens.begin(),
                                    [](const ShownRun& shown, const TokenRun& run) { return sameRun(shown.run, run); });
    if (extends && tokens.size() == m_runs.size()) return;
    if (!extends) {
        m_mode = Mode::Tokens;
        m_markdown.clear();
        m_runs.clear();
        document()->clear();
    }
    if (!extends) updateCopyButtons();
    appendRuns(tokens, m_runs.size());
    updateHeight();
}

void MarkdownView::appendRuns(const std::vector<TokenRun>& tokens, std::size_t from) {
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    // One edit: the document is laid out once at the end, not again after each token (a reply of
    // 2,000 tokens in one paragraph took some 15 s to show, the paragraph laid out 2,000 times).
    cursor.beginEditBlock();
    for (std::size_t i = from; i < tokens.size(); ++i) {
        QString text = tokens[i].text;
        // A line break alone would be invisible and could not be hovered.
        text.replace(QLatin1Char('\n'), QStringLiteral("\u21b5\n"));  // ↵
        const int start = cursor.position();
        cursor.insertText(text, runFormat(tokens[i]));
        m_runs.push_back(ShownRun{tokens[i], start, cursor.position()});
    }
    cursor.endEditBlock();
}

QTextCharFormat MarkdownView::runFormat(const TokenRun& run) const {
    QTextCharFormat format;
    format.setProperty(kTokenIndexProperty, run.index);
    if (run.index == m_selected) {
        format.setBackground(palette().highlight());
        format.setForeground(palette().highlightedText());
    } else if (run.prob >= 0) {
        const QColor background = probabilityColor(run.prob);
        format.setBackground(background);
        format.setForeground(textOn(background));
    }
    return format;
}

void MarkdownView::setSelectedToken(int index) {
    if (index == m_selected) return;
    const int previous = m_selected;
    m_selected = index;
    // Re-formats just the two runs, in one edit (one layout of the paragraph, not two).
    QTextCursor cursor(document());
    cursor.beginEditBlock();
    for (const int changed : {previous, index}) {
        const ShownRun* shown = shownRun(changed);
        if (!shown || shown->start == shown->end) continue;
        cursor.setPosition(shown->start);
        cursor.setPosition(shown->end, QTextCursor::KeepAnchor);
        cursor.setCharFormat(runFormat(shown->run));
    }
    cursor.endEditBlock();
}

const MarkdownView::ShownRun* MarkdownView::shownRun(int index) const {
    if (m_mode != Mode::Tokens || index < 0) return nullptr;
    const auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const ShownRun& r) { return r.run.index == index; });
    return it == m_runs.end() ? nullptr : &*it;
}

QRect MarkdownView::charRect(int pos) const {
    if (pos < 0 || pos + 1 >= document()->characterCount()) return {};
    QTextCursor cursor(document());
    cursor.setPosition(pos);
    const QRect left = cursorRect(cursor);
    cursor.setPosition(pos + 1);
    const QRect right = cursorRect(cursor);
    // The last character of a line: the next position starts the next line.
    const int x2 = right.top() == left.top() ? right.left() : viewport()->width();
    return QRect(QPoint(left.left(), left.top()), QPoint(std::max(x2 - 1, left.left()), left.bottom()));
}

int MarkdownView::tokenAt(const QPoint& point) const {
    if (m_mode != Mode::Tokens) return -1;
    const QPoint offset(horizontalScrollBar()->value(), verticalScrollBar()->value());
    const int hit = document()->documentLayout()->hitTest(point + offset, Qt::FuzzyHit);
    // The nearest cursor position lies before or after the character under the point.
    for (const int pos : {hit, hit - 1}) {
        if (!charRect(pos).contains(point)) continue;
        const auto it = std::upper_bound(m_runs.begin(), m_runs.end(), pos, [](int p, const ShownRun& r) { return p < r.start; });
        if (it != m_runs.begin() && pos < std::prev(it)->end) return std::prev(it)->run.index;
    }
    return -1;
}

QRect MarkdownView::tokenRect(int index) const {
    const ShownRun* shown = shownRun(index);
    return shown && shown->start < shown->end ? charRect(shown->start) : QRect();
}

bool MarkdownView::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip && m_mode == Mode::Tokens) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int index = tokenAt(help->pos());
        if (index >= 0 && m_tokenToolTip) QToolTip::showText(help->globalPos(), m_tokenToolTip(index), viewport(), tokenRect(index));
        else QToolTip::hideText();
        return true;
    }
    return QTextBrowser::viewportEvent(event);
}

void MarkdownView::mousePressEvent(QMouseEvent* event) {
    m_pressPos = event->position().toPoint();
    m_pressedToken = event->button() == Qt::LeftButton ? tokenAt(m_pressPos) : -1;
    QTextBrowser::mousePressEvent(event);
}

void MarkdownView::mouseReleaseEvent(QMouseEvent* event) {
    QTextBrowser::mouseReleaseEvent(event);
    const QPoint pos = event->position().toPoint();
    // A click, not the end of a text selection.
    const bool click = (pos - m_pressPos).manhattanLength() < QApplication::startDragDistance();
    if (event->button() == Qt::LeftButton && click && m_pressedToken >= 0 && tokenAt(pos) == m_pressedToken)
        emit tokenClicked(m_pressedToken, viewport()->mapToGlobal(tokenRect(m_pressedToken).bottomLeft()));
    m_pressedToken = -1;
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

void MarkdownView::changeEvent(QEvent* event) {
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::FontChange && m_mode == Mode::Markdown && !m_markdown.isEmpty()) renderMarkdown();
    if (event->type() == QEvent::LanguageChange) retranslateCopyButtons();
}

void MarkdownView::shadeCodeBlocks() {
    // The Markdown importer marks fenced and indented code blocks; give them a background. It
    // sets code (blocks and inline) in the desktop's fixed-pitch font at that font's own size:
    // code gets the text's size instead, so that it follows View → Zoom.
    const QColor shade = palette().color(QPalette::AlternateBase).darker(104);
    QTextCursor cursor(document());
    QTextCharFormat textSize;
    if (font().pointSizeF() > 0) textSize.setFontPointSize(font().pointSizeF());
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); textSize.hasProperty(QTextFormat::FontPointSize) && !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            const QTextCharFormat format = fragment.charFormat();  // code: fixed pitch (inline) or a size of its own (blocks)
            if (!format.fontFixedPitch() && !format.hasProperty(QTextFormat::FontPointSize)) continue;
            cursor.setPosition(fragment.position());
            cursor.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
            cursor.mergeCharFormat(textSize);
        }
        if (!isCodeBlock(block)) continue;
        QTextBlockFormat shaded = block.blockFormat();
        shaded.setBackground(shade);
        shaded.setLeftMargin(6);
        // The first line of a code block leaves room above it for its Copy button.
        if (startsCodeBlock(block))
            shaded.setTopMargin(std::max(shaded.topMargin(), qreal(fontMetrics().height() + 6)));
        cursor.setPosition(block.position());
        cursor.setBlockFormat(shaded);
    }
}

void MarkdownView::updateCopyButtons() {
    m_codeTexts.clear();
    m_codeStarts.clear();
    if (m_mode == Mode::Markdown) {
        for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
            if (!isCodeBlock(block)) continue;
            QString line = block.text();
            line.replace(QChar::LineSeparator, QLatin1Char('\n'));
            if (startsCodeBlock(block) || m_codeTexts.isEmpty()) {
                m_codeTexts << line;
                m_codeStarts << block.position();
            } else {
                m_codeTexts.back() += QLatin1Char('\n') + line;
            }
        }
    }
    while (m_copyButtons.size() > m_codeTexts.size()) delete m_copyButtons.takeLast();
    while (m_copyButtons.size() < m_codeTexts.size()) {
        const int index = static_cast<int>(m_copyButtons.size());
        auto* button = new QToolButton(viewport());
        button->setAutoRaise(true);
        button->setCursor(Qt::ArrowCursor);
        button->setFocusPolicy(Qt::NoFocus);
        connect(button, &QToolButton::clicked, this, [this, button, index] {
            if (index >= m_codeTexts.size()) return;
            QApplication::clipboard()->setText(m_codeTexts[index]);
            //: A code block's Copy button, for a moment after a click.
            button->setText(tr("Copied"));
            button->setProperty("copied", true);
            QTimer::singleShot(1500, button, [this, button] {
                button->setProperty("copied", false);
                retranslateCopyButtons();
            });
        });
        m_copyButtons << button;
        button->show();
    }
    retranslateCopyButtons();
}

void MarkdownView::retranslateCopyButtons() {
    for (QToolButton* button : m_copyButtons) {
        if (!button->property("copied").toBool()) button->setText(tr("Copy code"));
        button->setToolTip(tr("Copy this code to the clipboard"));
        button->adjustSize();
    }
    placeCopyButtons();
}

void MarkdownView::placeCopyButtons() {
    // Right-aligned in the space the code block leaves above its first line.
    for (int i = 0; i < m_copyButtons.size() && i < m_codeStarts.size(); ++i) {
        const QTextBlock block = document()->findBlock(m_codeStarts[i]);
        const int room = static_cast<int>(block.blockFormat().topMargin());
        const int firstLine = cursorRect(QTextCursor(block)).top();  // viewport coordinates
        QToolButton* button = m_copyButtons[i];
        button->setMaximumHeight(std::max(room - 2, 1));
        button->adjustSize();
        button->move(viewport()->width() - button->width() - 2, firstLine - room + (room - button->height()) / 2);
    }
}

void MarkdownView::updateHeight() {
    document()->setTextWidth(viewport()->width());
    const int h = static_cast<int>(document()->size().height()) + 4;
    if (h != height()) setFixedHeight(h);
    placeCopyButtons();
}

}  // namespace qe::gui
