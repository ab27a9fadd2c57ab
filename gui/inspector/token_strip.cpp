// TokenStrip: flow layout, painting, tooltips and selection.
#include "gui/inspector/token_strip.h"

#include <algorithm>
#include <cmath>

#include <QFontMetricsF>
#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QToolTip>

#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/heat_colors.h"
#include "gui/probability_text.h"

namespace qe::gui {

namespace {
constexpr double kPad = 3.0;
constexpr double kGap = 2.0;
}  // namespace

TokenStrip::TokenStrip(DiagnosticsStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setObjectName(QStringLiteral("tokenStrip"));
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    connect(store, &DiagnosticsStore::positionsChanged, this, [this](std::int64_t first) {
        if (first >= 0 && static_cast<std::size_t>(first) < m_widths.size()) m_widths.resize(static_cast<std::size_t>(first));
        relayout();
    });
    connect(store, &DiagnosticsStore::modelChanged, this, [this] {
        m_widths.clear();
        relayout();
    });
    connect(store, &DiagnosticsStore::selectionChanged, this, qOverload<>(&QWidget::update));
}

void TokenStrip::setColouring(Colouring colouring) {
    m_colouring = colouring;
    update();
}

void TokenStrip::setAttention(std::int64_t queryPos, std::vector<float> weights, int layer, int head) {
    m_attentionPos = weights.empty() ? -1 : queryPos;
    m_attention = std::move(weights);
    m_attentionMax = m_attention.empty() ? 0.0f : *std::max_element(m_attention.begin(), m_attention.end());
    m_attentionLayer = layer;
    m_attentionHead = head;
    update();
}

QColor TokenStrip::tokenBackground(std::int64_t pos) const {
    const PositionToken& t = m_store->token(pos);
    const QColor plain = t.prob < 0 ? palette().window().color() : palette().alternateBase().color();
    switch (m_colouring) {
    case Colouring::Probability: return t.prob < 0 ? plain : probabilityColor(t.prob);
    case Colouring::Attention:
        // Square root: the first token's sink often takes most of a row, and the rest would fade.
        if (pos <= m_attentionPos && m_attentionMax > 0)
            return attentionColor(std::sqrt(m_attention[static_cast<std::size_t>(pos)] / m_attentionMax));
        return plain;
    case Colouring::None: return plain;
    }
    return plain;
}

int TokenStrip::layout(int width, std::vector<QRectF>* rects) const {
    const QFontMetricsF metrics(font());
    const double lineHeight = metrics.height() + 2 * kPad;
    // Each token's width is measured once (shaping every label again on each call took a third of
    // the UI thread while a long reply streamed).
    const auto count = static_cast<std::size_t>(std::max<std::int64_t>(m_store->tokenCount(), 0));
    if (m_widths.size() > count) m_widths.resize(count);
    while (m_widths.size() < count)
        m_widths.push_back(std::max(metrics.horizontalAdvance(m_store->tokenLabel(static_cast<std::int64_t>(m_widths.size()))), 4.0) +
                           2 * kPad);
    double x = 0, y = 0;
    if (rects) rects->clear();
    for (std::size_t pos = 0; pos < count; ++pos) {
        const double w = m_widths[pos];
        if (x > 0 && x + w > width) {
            x = 0;
            y += lineHeight + kGap;
        }
        if (rects) rects->emplace_back(x, y, w, lineHeight);
        x += w + kGap;
    }
    return static_cast<int>(y + lineHeight + 1);
}

void TokenStrip::relayout() {
    layout(width(), &m_rects);
    updateGeometry();
    update();
}

int TokenStrip::heightForWidth(int width) const { return layout(width, nullptr); }
QSize TokenStrip::sizeHint() const { return {400, heightForWidth(400)}; }

void TokenStrip::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    relayout();
}

QRectF TokenStrip::tokenRect(std::int64_t pos) const {
    return pos >= 0 && pos < static_cast<std::int64_t>(m_rects.size()) ? m_rects[static_cast<std::size_t>(pos)] : QRectF();
}

std::int64_t TokenStrip::tokenAt(QPointF point) const {
    for (std::size_t i = 0; i < m_rects.size(); ++i)
        if (m_rects[i].contains(point)) return static_cast<std::int64_t>(i);
    return -1;
}

void TokenStrip::paintEvent(QPaintEvent* event) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const std::int64_t selected = m_store->selected();
    const QRectF exposed = event->rect();
    for (std::size_t i = 0; i < m_rects.size() && static_cast<std::int64_t>(i) < m_store->tokenCount(); ++i) {
        if (!m_rects[i].intersects(exposed)) continue;  // the strip scrolls: most tokens are out of sight
        const auto pos = static_cast<std::int64_t>(i);
        const PositionToken& t = m_store->token(pos);
        const QColor background = tokenBackground(pos);
        const bool shaded = m_colouring == Colouring::Attention && pos <= m_attentionPos;
        p.setPen(Qt::NoPen);
        p.setBrush(background);
        p.drawRoundedRect(m_rects[i], 3, 3);
        if (pos == selected || pos == m_marked) {
            // The marked token in the link colour of the line that marks it, dashed.
            QPen pen(pos == m_marked ? palette().link().color() : palette().highlight().color(), 2);
            if (pos == m_marked && pos != selected) pen.setStyle(Qt::DashLine);
            p.setPen(pen);
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(m_rects[i].adjusted(1, 1, -1, -1), 3, 3);
        }
        p.setPen(shaded ? textOn(background) : t.prob < 0 ? palette().placeholderText().color() : QColor(Qt::black));
        p.drawText(m_rects[i], Qt::AlignCenter, m_store->tokenLabel(pos));
    }
}

void TokenStrip::setMarked(std::int64_t pos) {
    if (pos == m_marked) return;
    m_marked = pos;
    update();
}

void TokenStrip::mousePressEvent(QMouseEvent* event) {
    const std::int64_t pos = tokenAt(event->position());
    if (pos >= 0) m_store->select(pos);
}

QString TokenStrip::tooltipFor(std::int64_t pos) const {
    if (pos < 0 || pos >= m_store->tokenCount()) return {};
    const PositionToken& t = m_store->token(pos);
    //: Tooltip header of a token: %1 token text, %2 position, %3 token id.
    QString text = tr("\"%1\" at position %2 (id %3)").arg(m_store->tokenLabel(pos)).arg(pos).arg(t.id);
    if (pos <= m_attentionPos && m_attentionPos < m_store->tokenCount())
        //: %1 the selected token, %2 its position, %3 layer, %4 head, %5 the weight in percent.
        text += QLatin1Char('\n') + tr("attention from \"%1\" (%2) in layer %3, head %4: %5%")
                                       .arg(m_store->tokenLabel(m_attentionPos))
                                       .arg(m_attentionPos)
                                       .arg(m_attentionLayer)
                                       .arg(m_attentionHead)
                                       .arg(probabilityPercent(m_attention[static_cast<std::size_t>(pos)]));
    if (t.prob < 0) return text + QLatin1Char('\n') + tr("prompt token");
    text += QLatin1Char('\n') + tr("probability %1%").arg(probabilityPercent(t.prob));
    if (!t.alternatives.empty()) text += QLatin1Char('\n') + tr("Most likely at this step:");
    for (const TokenProb& a : t.alternatives)
        text += QStringLiteral("\n  %1  %2%").arg(m_store->idLabel(a.id), probabilityPercent(a.prob));
    return text;
}

bool TokenStrip::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const std::int64_t pos = tokenAt(help->pos());
        if (pos >= 0) QToolTip::showText(help->globalPos(), tooltipFor(pos), this);
        else QToolTip::hideText();
        return true;
    }
    if (e->type() == QEvent::FontChange) {  // View → Zoom: every width again
        m_widths.clear();
        relayout();
    }
    return QWidget::event(e);
}

}  // namespace qe::gui
