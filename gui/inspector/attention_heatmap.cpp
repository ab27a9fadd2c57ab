// AttentionHeatmap: painting through a per-pixel accumulation, zoom and pan, hit testing.
#include "gui/inspector/attention_heatmap.h"

#include <array>
#include <cmath>

#include <QHelpEvent>
#include <QImage>
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
constexpr int kLabels = 70;          // pixels reserved for token labels
constexpr double kLabelCell = 11.0;  // cell size from which token labels are drawn
constexpr double kMinMaxZoom = 64.0;
constexpr std::int64_t kMaxLiveValues = 16 << 20;  // streamed rows kept: 64 MiB of fp32
// Layers of the map, finer over coarser: a pixel shows only its finest layer.
constexpr std::uint8_t kOverviewLayer = 1, kDetailLayer = 2, kLiveLayer = 3;

std::int64_t lastQuery(const AttentionRows& rows) {
    return rows.lastPos >= 0 ? rows.lastPos : rows.firstPos + rows.rows * rows.block - 1;
}

// heatColor(sqrt(v)) for v in [0, 1], tabulated: the map colours every pixel on each paint.
QRgb heatRgb(float v) {
    static const std::array<QRgb, 1024> table = [] {
        std::array<QRgb, 1024> t{};
        for (std::size_t i = 0; i < t.size(); ++i) t[i] = heatColor(std::sqrt(i / double(t.size() - 1))).rgb();
        return t;
    }();
    const float clamped = std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
    return table[static_cast<std::size_t>(std::lround(clamped * (table.size() - 1)))];
}
}  // namespace

// The cells that fall on each pixel of the painted area: their maximum, sum and count, owned by
// the finest layer that reached the pixel.
struct AttentionHeatmap::Pixels {
    explicit Pixels(QRect area)
        : area(area), max(size(), 0.0f), sum(size(), 0.0f), count(size(), 0), layer(size(), 0) {}
    std::size_t size() const { return static_cast<std::size_t>(area.width()) * area.height(); }

    void add(int x0, int x1, int y0, int y1, float peak, float mean, std::uint8_t level) {
        for (int y = y0; y < y1; ++y) {
            for (int x = x0; x < x1; ++x) {
                const auto i = static_cast<std::size_t>(y) * area.width() + x;
                if (level < layer[i]) continue;
                if (level > layer[i]) {
                    layer[i] = level;
                    max[i] = sum[i] = 0.0f;
                    count[i] = 0;
                }
                max[i] = std::max(max[i], peak);
                sum[i] += mean;
                ++count[i];
            }
        }
    }

    // Each cell of `rows` inside the area, at origin `o` and `c` pixels per position.
    void splat(const AttentionRows& rows, std::uint8_t level, QPointF o, double c) {
        if (!rows.probs || rows.rows <= 0 || rows.keys <= 0) return;
        const std::int64_t b = std::max<std::int64_t>(rows.block, 1), last = lastQuery(rows);
        auto posAt = [&](double pixel, double origin) { return static_cast<std::int64_t>(std::floor((pixel - origin) / c)); };
        const std::int64_t qLo = posAt(area.top(), o.y()), qHi = posAt(area.bottom() + 1, o.y());
        const std::int64_t kLo = posAt(area.left(), o.x()), kHi = posAt(area.right() + 1, o.x());
        if (qHi < rows.firstPos || qLo > last || kHi < 0) return;
        const std::int64_t rFirst = std::max<std::int64_t>(0, (qLo - rows.firstPos) / b);
        const std::int64_t rLast = std::min(rows.rows - 1, (qHi - rows.firstPos) / b);
        const std::int64_t kFirst = std::max<std::int64_t>(0, kLo / b);
        // Pixels [a, z) a cell covers, at least the one it falls in when smaller than a pixel.
        auto span = [](double from, double to, int lo, int size, int* a, int* z) {
            const int start = static_cast<int>(std::floor(from)) - lo;
            const int end = std::max(static_cast<int>(std::ceil(to)) - lo, start + 1);
            *a = std::clamp(start, 0, size);
            *z = std::clamp(end, 0, size);
        };
        for (std::int64_t r = rFirst; r <= rLast; ++r) {
            const std::int64_t qs = rows.firstPos + r * b, qe = std::min(qs + b, last + 1);
            int y0 = 0, y1 = 0;
            span(o.y() + qs * c, o.y() + qe * c, area.top(), area.height(), &y0, &y1);
            const std::int64_t kLast = std::min({rows.keys - 1, kHi / b, (qe - 1) / b});  // causal
            for (std::int64_t k = kFirst; k <= kLast; ++k) {
                int x0 = 0, x1 = 0;
                span(o.x() + k * b * c, o.x() + std::min((k + 1) * b, last + 1) * c, area.left(), area.width(), &x0, &x1);
                const auto i = static_cast<std::size_t>(r * rows.keys + k);
                const float peak = (*rows.probs)[i];
                add(x0, x1, y0, y1, peak, rows.means ? (*rows.means)[i] : peak, level);
            }
        }
    }

    QImage image(TileMode mode, QRgb empty) const {
        QImage out(area.size(), QImage::Format_RGB32);
        for (int y = 0; y < area.height(); ++y) {
            auto* line = reinterpret_cast<QRgb*>(out.scanLine(y));
            for (int x = 0; x < area.width(); ++x) {
                const auto i = static_cast<std::size_t>(y) * area.width() + x;
                line[x] = count[i] == 0 ? empty : heatRgb(mode == TileMode::Max ? max[i] : sum[i] / count[i]);
            }
        }
        return out;
    }

    QRect area;
    std::vector<float> max, sum;
    std::vector<int> count;
    std::vector<std::uint8_t> layer;
};

AttentionHeatmap::AttentionHeatmap(const DiagnosticsStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setMouseTracking(true);
    setMinimumSize(240, 200);
    setFocusPolicy(Qt::StrongFocus);
}

void AttentionHeatmap::setRows(const AttentionRows& rows) {
    m_overview = rows;
    // Detail no finer than the overview adds nothing.
    if (m_detail.block >= m_overview.block) m_detail = AttentionRows{};
    update();
}

void AttentionHeatmap::setDetail(const AttentionRows& rows) {
    m_detail = rows;
    update();
}

void AttentionHeatmap::appendLive(const AttentionRows& rows) {
    if (!rows.probs || rows.rows <= 0) return;
    m_live.push_back(rows);
    m_liveValues += rows.rows * rows.keys;
    while (m_liveValues > kMaxLiveValues && m_live.size() > 1) {
        m_liveValues -= m_live.front().rows * m_live.front().keys;
        m_live.pop_front();
    }
    update();
}

void AttentionHeatmap::truncate(std::int64_t pos) {
    while (!m_live.empty() && lastQuery(m_live.back()) >= pos) {
        m_liveValues -= m_live.back().rows * m_live.back().keys;
        m_live.pop_back();
    }
    if (m_detail.probs && lastQuery(m_detail) >= pos) m_detail = AttentionRows{};
    if (m_overview.probs && lastQuery(m_overview) >= pos) m_overview = AttentionRows{};
    update();
}

void AttentionHeatmap::clear() {
    m_overview = m_detail = AttentionRows{};
    m_live.clear();
    m_liveValues = 0;
    update();
}

void AttentionHeatmap::setTileMode(TileMode mode) {
    m_mode = mode;
    update();
}

void AttentionHeatmap::resetView() {
    m_zoom = 1.0;
    m_pan = {};
    update();
    emit viewChanged();
}

double AttentionHeatmap::maxZoom() const { return std::max(kMinMaxZoom, 2 * kLabelCell / fitCell()); }

void AttentionHeatmap::setZoom(double zoom) {
    m_zoom = std::clamp(zoom, 1.0, maxZoom());
    update();
}

bool AttentionHeatmap::cellAt(std::int64_t queryPos, std::int64_t keyPos, Cell* cell) const {
    if (keyPos < 0) return false;
    auto look = [&](const AttentionRows& rows) {
        const std::int64_t b = std::max<std::int64_t>(rows.block, 1), last = lastQuery(rows);
        if (!rows.probs || queryPos < rows.firstPos || queryPos > last || keyPos > last) return false;
        const std::int64_t r = (queryPos - rows.firstPos) / b, k = keyPos / b;
        if (r >= rows.rows || k >= rows.keys) return false;
        const auto i = static_cast<std::size_t>(r * rows.keys + k);
        cell->exact = b == 1;
        cell->firstQuery = rows.firstPos + r * b;
        cell->lastQuery = std::min(cell->firstQuery + b - 1, last);
        cell->firstKey = k * b;
        cell->lastKey = std::min(cell->firstKey + b - 1, cell->lastQuery);
        cell->max = (*rows.probs)[i];
        cell->mean = rows.means ? (*rows.means)[i] : cell->max;
        return true;
    };
    for (auto it = m_live.rbegin(); it != m_live.rend(); ++it)
        if (look(*it)) return true;
    return look(m_detail) || look(m_overview);
}

double AttentionHeatmap::probability(std::int64_t queryPos, std::int64_t keyPos) const {
    Cell cell;
    return cellAt(queryPos, keyPos, &cell) && cell.exact ? cell.max : -1.0;
}

std::int64_t AttentionHeatmap::extent() const {
    std::int64_t n = m_store->positions();
    if (m_overview.probs) n = std::max(n, lastQuery(m_overview) + 1);
    if (!m_live.empty()) n = std::max(n, lastQuery(m_live.back()) + 1);
    return n;
}

int AttentionHeatmap::labelWidth() const { return cell() >= kLabelCell ? kLabels : 0; }

double AttentionHeatmap::fitCell() const {
    const std::int64_t n = extent();
    if (n <= 0) return 1.0;
    // Room for the labels is kept only when they show at this size (cells of kLabelCell pixels and
    // more); a long context's map fills the widget instead (it lost 70 pixels a side to no labels).
    const double side = std::min(width(), height()) - 2 * kMargin;
    const double bare = side / n, labelled = (side - kLabels) / n;
    if (labelled >= kLabelCell) return labelled;
    return std::max(1e-4, std::min(bare, std::nextafter(kLabelCell, 0.0)));
}

QPointF AttentionHeatmap::origin() const {
    const int label = labelWidth();
    return QPointF(kMargin + label, kMargin + label) + m_pan;
}

bool AttentionHeatmap::positionAt(QPointF point, std::int64_t* queryPos, std::int64_t* keyPos) const {
    const QPointF local = point - origin();
    const auto key = static_cast<std::int64_t>(std::floor(local.x() / cell()));
    const auto query = static_cast<std::int64_t>(std::floor(local.y() / cell()));
    if (key < 0 || key >= extent() || query < 0 || query >= extent()) return false;
    *queryPos = query;
    *keyPos = key;
    return true;
}

bool AttentionHeatmap::visibleQueries(std::int64_t* first, std::int64_t* last) const {
    const std::int64_t n = extent();
    if (n <= 0) return false;
    const double c = cell(), top = origin().y();
    *first = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor((kMargin + labelWidth() - top) / c)), 0, n - 1);
    *last = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor((height() - top) / c)), 0, n - 1);
    return *first <= *last;
}

void AttentionHeatmap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const std::int64_t n = extent();
    if (n <= 0 || (!m_overview.probs && !m_detail.probs && m_live.empty())) return;
    const double c = cell();
    const QPointF o = origin();
    const int label = labelWidth();
    const QRect plot(kMargin + label, kMargin + label, width() - 2 * kMargin - label, height() - 2 * kMargin - label);
    const QRect area = QRectF(o, QSizeF(n * c, n * c)).toAlignedRect().intersected(plot);
    if (area.isEmpty()) return;
    // Coarse layers first in the code, but per pixel the finest one wins whatever the order.
    Pixels pixels(area);
    pixels.splat(m_overview, kOverviewLayer, o, c);
    pixels.splat(m_detail, kDetailLayer, o, c);
    for (const AttentionRows& rows : m_live) pixels.splat(rows, kLiveLayer, o, c);
    p.drawImage(area.topLeft(), pixels.image(m_mode, palette().window().color().rgb()));

    const std::int64_t selected = m_store->selected();
    if (selected >= 0 && selected < n) {
        p.setClipRect(plot);
        p.setPen(QPen(palette().highlight().color(), 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(o.x(), o.y() + selected * c, (selected + 1) * c, std::max(c, 1.0)));
        p.setClipping(false);
    }
    if (m_markedKey >= 0 && m_markedKey < n) {
        p.setClipRect(plot);
        QPen pen(palette().link().color(), 1.5, Qt::DashLine);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(o.x() + m_markedKey * c, o.y() + m_markedKey * c, std::max(c, 1.0), (n - m_markedKey) * c));
        p.setClipping(false);
    }
    if (label == 0) return;
    std::int64_t first = 0, last = 0;
    if (visibleQueries(&first, &last)) paintLabels(p, first, last);
}

// Token labels: queries on the left, keys on top (rotated).
void AttentionHeatmap::paintLabels(QPainter& p, std::int64_t firstPos, std::int64_t lastPos) const {
    const double c = cell();
    const QPointF o = origin();
    const int label = labelWidth();
    QFont small = font();
    small.setPointSizeF(std::clamp(c * 0.55, 6.0, 10.0));
    p.setFont(small);
    p.setPen(palette().text().color());
    for (std::int64_t pos = firstPos; pos <= lastPos && pos < m_store->tokenCount(); ++pos) {
        p.drawText(QRectF(kMargin, o.y() + pos * c, label - 4, c), Qt::AlignRight | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(m_store->tokenLabel(pos), Qt::ElideRight, label - 4));
    }
    const auto firstKey = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor((kMargin + label - o.x()) / c)));
    const auto lastKey = static_cast<std::int64_t>(std::floor((width() - o.x()) / c));
    for (std::int64_t key = firstKey; key <= lastKey && key < m_store->tokenCount(); ++key) {
        p.save();
        p.translate(o.x() + key * c + c / 2, kMargin + label - 2);
        p.rotate(-90);
        p.drawText(QRectF(0, -c / 2, label - 4, c), Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(m_store->tokenLabel(key), Qt::ElideRight, label - 4));
        p.restore();
    }
}

void AttentionHeatmap::setMarkedKey(std::int64_t pos) {
    if (pos == m_markedKey) return;
    m_markedKey = pos;
    update();
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
    emit viewChanged();
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
    emit viewChanged();
}

void AttentionHeatmap::mouseReleaseEvent(QMouseEvent* event) {
    if (!m_dragging) return;
    m_dragging = false;
    std::int64_t query = 0, key = 0;
    if (!m_dragged && positionAt(event->position(), &query, &key)) emit queryClicked(query);
}

void AttentionHeatmap::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    update();
    emit viewChanged();
}

void AttentionHeatmap::showTooltip(const QPoint& local, const QPoint& global) {
    std::int64_t query = 0, key = 0;
    Cell cell;
    if (!positionAt(local, &query, &key) || key > query || !cellAt(query, key, &cell)) {
        QToolTip::hideText();
        return;
    }
    const QLocale locale;
    auto label = [&](std::int64_t pos) { return pos < m_store->tokenCount() ? m_store->tokenLabel(pos) : QString(); };
    if (cell.exact) {
        //: Tooltip of the attention heatmap: query token %1 at position %2 attends to key token %3 at %4 with weight %5.
        QToolTip::showText(global, tr("\"%1\" (%2) → \"%3\" (%4)\nattention %5")
                                       .arg(label(query)).arg(query).arg(label(key)).arg(key)
                                       .arg(locale.toString(cell.max, 'f', 4)), this);
        return;
    }
    //: Tooltip of an aggregated tile of the attention heatmap: query positions %1–%2 over key positions %3–%4; the largest and the mean attention weight in the tile.
    QToolTip::showText(global, tr("Queries %1–%2 → keys %3–%4\nmax %5, mean %6 (zoom in for single tokens)")
                                   .arg(locale.toString(cell.firstQuery), locale.toString(cell.lastQuery),
                                        locale.toString(cell.firstKey), locale.toString(cell.lastKey),
                                        locale.toString(cell.max, 'f', 4), locale.toString(cell.mean, 'f', 4)), this);
}

bool AttentionHeatmap::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        showTooltip(help->pos(), help->globalPos());
        return true;
    }
    return QWidget::event(e);
}

}  // namespace qe::gui
