// AttentionHeatmap: painting, zoom and pan, hit testing.
#include "gui/inspector/attention_heatmap.h"

#include <cmath>

#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/heat_colors.h"

namespace qe::gui {

namespace {
constexpr int kMargin = 4;
constexpr double kLabelCell = 11.0;  // cell size from which token labels are drawn
}  // namespace

AttentionHeatmap::AttentionHeatmap(const DiagnosticsStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setMouseTracking(true);
    setMinimumSize(240, 200);
    setFocusPolicy(Qt::StrongFocus);
}

void AttentionHeatmap::setRows(const AttentionRows& rows) {
    const bool sameShape = rows.rows == m_rows.rows && rows.keys == m_rows.keys;
    m_rows = rows;
    if (!sameShape) resetView();
    update();
}

void AttentionHeatmap::resetView() {
    m_zoom = 1.0;
    m_pan = {};
    update();
}

void AttentionHeatmap::setZoom(double zoom) {
    m_zoom = std::clamp(zoom, 1.0, 64.0);
    update();
}

double AttentionHeatmap::probability(std::int64_t queryPos, std::int64_t keyPos) const {
    const std::int64_t row = queryPos - m_rows.firstPos;
    if (!m_rows.probs || row < 0 || row >= m_rows.rows || keyPos < 0 || keyPos >= m_rows.keys) return -1.0;
    return (*m_rows.probs)[static_cast<std::size_t>(row * m_rows.keys + keyPos)];
}

int AttentionHeatmap::labelWidth() const { return cell() >= kLabelCell ? 70 : 0; }

double AttentionHeatmap::fitCell() const {
    if (m_rows.rows <= 0 || m_rows.keys <= 0) return 1.0;
    const double w = width() - 2 * kMargin - 70, h = height() - 2 * kMargin - 70;
    return std::max(0.05, std::min(w / m_rows.keys, h / m_rows.rows));
}

QPointF AttentionHeatmap::origin() const {
    const int label = labelWidth();
    return QPointF(kMargin + label, kMargin + label) + m_pan;
}

bool AttentionHeatmap::cellAt(QPointF point, std::int64_t* queryPos, std::int64_t* keyPos) const {
    if (!m_rows.probs) return false;
    const QPointF local = point - origin();
    const auto key = static_cast<std::int64_t>(std::floor(local.x() / cell()));
    const auto row = static_cast<std::int64_t>(std::floor(local.y() / cell()));
    if (key < 0 || key >= m_rows.keys || row < 0 || row >= m_rows.rows) return false;
    *queryPos = m_rows.firstPos + row;
    *keyPos = key;
    return true;
}

void AttentionHeatmap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (!m_rows.probs || m_rows.rows <= 0) return;
    const double c = cell();
    const QPointF o = origin();
    // Only the visible cells; several keys per pixel collapse into their maximum.
    const auto firstKey = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(-o.x() / c)));
    const auto lastKey = std::min<std::int64_t>(m_rows.keys - 1, static_cast<std::int64_t>(std::ceil((width() - o.x()) / c)));
    const auto firstRow = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(-o.y() / c)));
    const auto lastRow = std::min<std::int64_t>(m_rows.rows - 1, static_cast<std::int64_t>(std::ceil((height() - o.y()) / c)));
    const std::int64_t stride = c < 1.0 ? static_cast<std::int64_t>(std::ceil(1.0 / c)) : 1;
    const float* probs = m_rows.probs->data();
    for (std::int64_t row = firstRow; row <= lastRow; row += stride) {
        for (std::int64_t key = firstKey; key <= lastKey; key += stride) {
            float v = 0.0f;
            for (std::int64_t r = row; r < std::min(row + stride, m_rows.rows); ++r)
                for (std::int64_t k = key; k < std::min(key + stride, m_rows.keys); ++k) v = std::max(v, probs[r * m_rows.keys + k]);
            const bool masked = key > m_rows.firstPos + row;  // causal: future keys
            const QRectF rect(o.x() + key * c, o.y() + row * c, c * stride + 0.5, c * stride + 0.5);
            p.fillRect(rect, masked ? palette().window().color() : heatColor(std::sqrt(v)));
        }
    }
    const std::int64_t selected = m_store->selected();
    if (selected >= m_rows.firstPos && selected < m_rows.firstPos + m_rows.rows) {
        p.setPen(QPen(palette().highlight().color(), 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(o.x(), o.y() + (selected - m_rows.firstPos) * c, m_rows.keys * c, c));
    }
    if (labelWidth() == 0) return;
    // Token labels: queries on the left, keys on top (rotated).
    QFont small = font();
    small.setPointSizeF(std::clamp(c * 0.55, 6.0, 10.0));
    p.setFont(small);
    p.setPen(palette().text().color());
    const int label = labelWidth();
    p.fillRect(QRect(0, 0, kMargin + label, height()), palette().base());
    p.fillRect(QRect(0, 0, width(), kMargin + label), palette().base());
    for (std::int64_t row = firstRow; row <= lastRow; ++row) {
        const std::int64_t pos = m_rows.firstPos + row;
        if (pos >= m_store->tokenCount()) break;
        p.drawText(QRectF(kMargin, o.y() + row * c, label - 4, c), Qt::AlignRight | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(m_store->tokenLabel(pos), Qt::ElideRight, label - 4));
    }
    for (std::int64_t key = firstKey; key <= lastKey && key < m_store->tokenCount(); ++key) {
        p.save();
        p.translate(o.x() + key * c + c / 2, kMargin + label - 2);
        p.rotate(-90);
        p.drawText(QRectF(0, -c / 2, label - 4, c), Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(m_store->tokenLabel(key), Qt::ElideRight, label - 4));
        p.restore();
    }
}

void AttentionHeatmap::wheelEvent(QWheelEvent* event) {
    const double before = cell();
    const QPointF at = event->position();
    const QPointF o = origin();
    setZoom(m_zoom * std::pow(1.0015, event->angleDelta().y()));
    // Keep the point under the cursor fixed.
    const double scale = cell() / before;
    m_pan += (at - o) - (at - o) * scale + (o - origin());
    update();
    event->accept();
}

void AttentionHeatmap::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    m_dragging = true;
    m_dragged = false;
    m_dragFrom = event->position();
}

void AttentionHeatmap::mouseMoveEvent(QMouseEvent* event) {
    if (!m_dragging) return;
    const QPointF delta = event->position() - m_dragFrom;
    if (!m_dragged && delta.manhattanLength() < 4) return;
    m_dragged = true;
    m_pan += delta;
    m_dragFrom = event->position();
    update();
}

void AttentionHeatmap::mouseReleaseEvent(QMouseEvent* event) {
    if (!m_dragging) return;
    m_dragging = false;
    std::int64_t query = 0, key = 0;
    if (!m_dragged && cellAt(event->position(), &query, &key)) emit queryClicked(query);
}

void AttentionHeatmap::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    update();
}

bool AttentionHeatmap::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        std::int64_t query = 0, key = 0;
        if (cellAt(help->pos(), &query, &key) && key <= query) {
            //: Tooltip of the attention heatmap: query token %1 at position %2 attends to key token %3 at %4 with weight %5.
            QToolTip::showText(help->globalPos(),
                               tr("\"%1\" (%2) → \"%3\" (%4)\nattention %5")
                                   .arg(query < m_store->tokenCount() ? m_store->tokenLabel(query) : QString())
                                   .arg(query)
                                   .arg(key < m_store->tokenCount() ? m_store->tokenLabel(key) : QString())
                                   .arg(key)
                                   .arg(QLocale().toString(probability(query, key), 'f', 4)),
                               this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

}  // namespace qe::gui
