// HeadGrid: painting, hit testing and tooltips.
#include "gui/inspector/head_grid.h"

#include <cmath>
#include <limits>

#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/heat_colors.h"

namespace qe::gui {

namespace {
constexpr int kLeft = 34;   // room for layer numbers
constexpr int kTop = 16;    // room for head numbers
}  // namespace

HeadGrid::HeadGrid(const DiagnosticsStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setMouseTracking(true);
    setMinimumSize(160, 120);
    connect(store, &DiagnosticsStore::selectionChanged, this, qOverload<>(&QWidget::update));
    connect(store, &DiagnosticsStore::modelChanged, this, qOverload<>(&QWidget::update));
}

void HeadGrid::setMetric(Metric metric) {
    m_metric = metric;
    update();
}

void HeadGrid::setCurrent(int layer, int head) {
    m_currentLayer = layer;
    m_currentHead = head;
    update();
}

QSize HeadGrid::sizeHint() const { return {360, 300}; }

double HeadGrid::value(int layer, int head) const {
    const std::int64_t pos = m_store->selected();
    if (pos < 0 || layer >= m_store->layers() || head >= m_store->heads()) return std::numeric_limits<double>::quiet_NaN();
    return m_metric == Metric::Entropy ? m_store->entropy(pos, layer, head) : m_store->sink(pos, layer, head);
}

double HeadGrid::scaleMax() const {
    if (m_metric == Metric::Sink) return 1.0;
    return std::max(std::log(static_cast<double>(m_store->selected() + 1)), 1e-6);
}

QRect HeadGrid::gridRect() const { return rect().adjusted(kLeft, kTop, -4, -4); }

bool HeadGrid::cellAt(QPoint point, int* layer, int* head) const {
    const QRect r = gridRect();
    const auto layers = m_store->layers(), heads = m_store->heads();
    if (layers <= 0 || heads <= 0 || !r.contains(point)) return false;
    *head = std::min<int>(static_cast<int>((point.x() - r.left()) * heads / std::max(r.width(), 1)), static_cast<int>(heads - 1));
    *layer = std::min<int>(static_cast<int>((point.y() - r.top()) * layers / std::max(r.height(), 1)), static_cast<int>(layers - 1));
    return true;
}

void HeadGrid::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const auto layers = m_store->layers(), heads = m_store->heads();
    if (layers <= 0 || heads <= 0) return;
    const QRect r = gridRect();
    const double cw = r.width() / double(heads), ch = r.height() / double(layers);
    const double top = scaleMax();
    for (int layer = 0; layer < layers; ++layer) {
        for (int head = 0; head < heads; ++head) {
            const QRectF cell(r.left() + head * cw, r.top() + layer * ch, cw, ch);
            const double v = value(layer, head);
            p.fillRect(cell, std::isnan(v) ? palette().window().color() : heatColor(v / top));
        }
    }
    // GQA groups: query heads [g·G, (g+1)·G) share KV head g.
    const auto kv = std::max<std::int64_t>(m_store->kvHeads(), 1);
    const auto group = heads / kv;
    p.setPen(QPen(palette().base().color(), 2));
    for (std::int64_t g = 1; g < kv; ++g) p.drawLine(QPointF(r.left() + g * group * cw, r.top()), QPointF(r.left() + g * group * cw, r.bottom()));
    if (m_currentLayer >= 0 && m_currentHead >= 0) {
        p.setPen(QPen(palette().highlight().color(), 2));
        p.drawRect(QRectF(r.left() + m_currentHead * cw, r.top() + m_currentLayer * ch, cw, ch));
    }
    p.setPen(palette().text().color());
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() - 2));
    p.setFont(small);
    const int layerStep = std::max(1, static_cast<int>(std::ceil(12.0 / std::max(ch, 1.0))));
    for (int layer = 0; layer < layers; layer += layerStep)
        p.drawText(QRectF(0, r.top() + layer * ch, kLeft - 4, std::max(ch, 12.0)), Qt::AlignRight | Qt::AlignTop, QString::number(layer));
    const int headStep = std::max(1, static_cast<int>(std::ceil(18.0 / std::max(cw, 1.0))));
    for (int head = 0; head < heads; head += headStep)
        p.drawText(QRectF(r.left() + head * cw, 0, std::max(cw, 18.0), kTop), Qt::AlignLeft | Qt::AlignVCenter, QString::number(head));
}

void HeadGrid::mousePressEvent(QMouseEvent* event) {
    int layer = 0, head = 0;
    if (event->button() == Qt::LeftButton && cellAt(event->position().toPoint(), &layer, &head)) emit headClicked(layer, head);
}

bool HeadGrid::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        int layer = 0, head = 0;
        if (cellAt(help->pos(), &layer, &head) && !std::isnan(value(layer, head))) {
            const auto group = std::max<std::int64_t>(m_store->heads() / std::max<std::int64_t>(m_store->kvHeads(), 1), 1);
            const QString metric = m_metric == Metric::Entropy ? tr("entropy %1 nats").arg(QLocale().toString(value(layer, head), 'f', 3))
                                                               : tr("sink mass %1").arg(QLocale().toString(value(layer, head), 'f', 3));
            //: Tooltip of a cell of the layers × heads grid. %4 is a value such as "entropy 1.2 nats".
            QToolTip::showText(help->globalPos(), tr("Layer %1, head %2 (KV head %3)\n%4").arg(layer).arg(head).arg(head / group).arg(metric), this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

}  // namespace qe::gui
