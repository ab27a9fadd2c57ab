// TensorHistogram: bars, range labels, a mark at zero and per-bin tooltips.
#include "gui/inspector/tensor_histogram.h"

#include <algorithm>
#include <cmath>

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QToolTip>

namespace qe::gui {

namespace {

constexpr double kLabelHeight = 16.0;

}  // namespace

TensorHistogram::TensorHistogram(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("tensorHistogram"));
    setMinimumHeight(90);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void TensorHistogram::setHistogram(std::vector<std::uint64_t> counts, double min, double max) {
    m_counts = std::move(counts);
    m_min = min;
    m_max = max;
    m_peak = m_counts.empty() ? 0 : *std::max_element(m_counts.begin(), m_counts.end());
    update();
}

void TensorHistogram::setLogScale(bool on) {
    m_log = on;
    update();
}

QSize TensorHistogram::sizeHint() const { return {320, 120}; }

double TensorHistogram::barHeight(std::uint64_t count) const {
    if (m_peak == 0) return 0.0;
    if (m_log) return std::log1p(static_cast<double>(count)) / std::log1p(static_cast<double>(m_peak));
    return static_cast<double>(count) / static_cast<double>(m_peak);
}

QRectF TensorHistogram::plotRect() const { return QRectF(rect()).adjusted(4, 4, -4, -4 - kLabelHeight); }

int TensorHistogram::binAt(QPointF point) const {
    const QRectF plot = plotRect();
    if (m_counts.empty() || !plot.contains(point)) return -1;
    const auto bin = static_cast<int>((point.x() - plot.left()) / plot.width() * static_cast<double>(m_counts.size()));
    return std::clamp(bin, 0, static_cast<int>(m_counts.size()) - 1);
}

void TensorHistogram::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const QRectF plot = plotRect();
    p.setPen(palette().mid().color());
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    if (m_counts.empty()) return;
    const double width = plot.width() / static_cast<double>(m_counts.size());
    p.setPen(Qt::NoPen);
    p.setBrush(palette().highlight());
    for (std::size_t bin = 0; bin < m_counts.size(); ++bin) {
        if (m_counts[bin] == 0) continue;
        // At least one pixel, so a bin with a single value is still seen.
        const double h = std::max(1.0, barHeight(m_counts[bin]) * plot.height());
        p.drawRect(QRectF(plot.left() + bin * width, plot.bottom() - h, std::max(width - 1.0, 1.0), h));
    }
    if (m_min < 0.0 && m_max > 0.0) {
        const double x = plot.left() + (0.0 - m_min) / (m_max - m_min) * plot.width();
        p.setPen(QPen(palette().text().color(), 1.0, Qt::DotLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    const QLocale locale;
    QFont small = font();
    small.setPointSizeF(std::max(6.5, small.pointSizeF() - 1.5));
    p.setFont(small);
    p.setPen(palette().text().color());
    const QRectF labels(plot.left(), plot.bottom() + 2, plot.width(), kLabelHeight - 2);
    p.drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, locale.toString(m_min, 'g', 4));
    p.drawText(labels, Qt::AlignRight | Qt::AlignVCenter, locale.toString(m_max, 'g', 4));
}

bool TensorHistogram::event(QEvent* e) {
    if (e->type() != QEvent::ToolTip) return QWidget::event(e);
    auto* help = static_cast<QHelpEvent*>(e);
    const int bin = binAt(help->pos());
    if (bin < 0) {
        QToolTip::hideText();
        return true;
    }
    const QLocale locale;
    const double width = (m_max - m_min) / static_cast<double>(m_counts.size());
    //: Histogram bin tooltip: %1 and %2 the bin's value range, %3 how many values fall in it.
    QToolTip::showText(help->globalPos(),
                       tr("[%1, %2): %3 values")
                           .arg(locale.toString(m_min + bin * width, 'g', 5), locale.toString(m_min + (bin + 1) * width, 'g', 5),
                                locale.toString(static_cast<qulonglong>(m_counts[static_cast<std::size_t>(bin)]))),
                       this);
    return true;
}

}  // namespace qe::gui
