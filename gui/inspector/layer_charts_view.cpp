// LayerChartsView and its RMS chart.
#include "gui/inspector/layer_charts_view.h"

#include <cmath>

#include <QEvent>
#include <QHelpEvent>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QVBoxLayout>

#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/head_grid.h"

namespace qe::gui {

RmsChart::RmsChart(const DiagnosticsStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setMinimumSize(200, 140);
    setMouseTracking(true);
    connect(store, &DiagnosticsStore::selectionChanged, this, qOverload<>(&QWidget::update));
}

QRectF RmsChart::plotRect() const { return QRectF(rect()).adjusted(48, 8, -8, -22); }

void RmsChart::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const std::int64_t pos = m_store->selected();
    const auto layers = m_store->layers();
    if (pos < 0 || layers <= 0) return;
    double lo = 1e30, hi = 0;
    for (std::int64_t layer = 0; layer < layers; ++layer) {
        for (double v : {double(m_store->residualRms(pos, layer)), double(m_store->mlpRms(pos, layer))}) {
            if (v > 0) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    }
    if (hi <= 0) return;
    const double logLo = std::floor(std::log10(lo)), logHi = std::max(std::ceil(std::log10(hi)), logLo + 1);
    const QRectF r = plotRect();
    auto y = [&](double v) { return r.bottom() - (std::log10(std::max(v, 1e-30)) - logLo) / (logHi - logLo) * r.height(); };
    p.setPen(palette().mid().color());
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() - 1.5));
    p.setFont(small);
    for (double e = logLo; e <= logHi; e += 1) {
        const double yy = y(std::pow(10.0, e));
        p.drawLine(QPointF(r.left(), yy), QPointF(r.right(), yy));
        p.drawText(QRectF(0, yy - 8, r.left() - 4, 16), Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("1e%1").arg(e));
    }
    const double w = r.width() / layers;
    QPainterPath mlp;
    for (std::int64_t layer = 0; layer < layers; ++layer) {
        const double v = m_store->residualRms(pos, layer);
        p.fillRect(QRectF(r.left() + layer * w + w * 0.15, y(v), w * 0.7, r.bottom() - y(v)), QColor(59, 82, 139));
        const QPointF point(r.left() + (layer + 0.5) * w, y(m_store->mlpRms(pos, layer)));
        if (layer == 0) mlp.moveTo(point);
        else mlp.lineTo(point);
    }
    p.setPen(QPen(QColor(230, 120, 30), 2));
    p.drawPath(mlp);
    p.setPen(palette().text().color());
    const int step = std::max(1, static_cast<int>(std::ceil(22.0 / w)));
    const double labelWidth = std::max(w, 22.0);
    for (std::int64_t layer = 0; layer < layers; layer += step)  // under the bar's middle
        p.drawText(QRectF(r.left() + (layer + 0.5) * w - labelWidth / 2, r.bottom() + 2, labelWidth, 18), Qt::AlignHCenter | Qt::AlignTop,
                   QString::number(layer));
    // Legend
    const QRectF legend(r.left() + 6, r.top() + 2, r.width() - 12, 16);
    p.fillRect(QRectF(legend.left(), legend.top() + 4, 10, 8), QColor(59, 82, 139));
    p.drawText(legend.adjusted(14, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, tr("residual RMS"));
    const double x2 = legend.left() + 14 + p.fontMetrics().horizontalAdvance(tr("residual RMS")) + 16;
    p.setPen(QPen(QColor(230, 120, 30), 2));
    p.drawLine(QPointF(x2, legend.center().y()), QPointF(x2 + 12, legend.center().y()));
    p.setPen(palette().text().color());
    p.drawText(QRectF(x2 + 16, legend.top(), 200, 16), Qt::AlignLeft | Qt::AlignVCenter, tr("MLP activation RMS"));
}

bool RmsChart::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const QRectF r = plotRect();
        const std::int64_t pos = m_store->selected();
        const auto layers = m_store->layers();
        if (pos >= 0 && layers > 0 && r.contains(help->pos())) {
            const auto layer = std::min<std::int64_t>(static_cast<std::int64_t>((help->pos().x() - r.left()) / (r.width() / layers)), layers - 1);
            const QLocale locale;
            QToolTip::showText(help->globalPos(),
                               tr("Layer %1\nresidual RMS %2\nMLP activation RMS %3")
                                   .arg(layer)
                                   .arg(locale.toString(m_store->residualRms(pos, layer), 'g', 4))
                                   .arg(locale.toString(m_store->mlpRms(pos, layer), 'g', 4)),
                               this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

LayerChartsView::LayerChartsView(DiagnosticsStore* store, QWidget* parent)
    : QWidget(parent), m_store(store), m_rmsTitle(new QLabel(this)), m_chart(new RmsChart(store, this)),
      m_entropyTitle(new QLabel(this)), m_grid(new HeadGrid(store, this)) {
    setObjectName(QStringLiteral("layerChartsView"));
    m_rmsTitle->setWordWrap(true);
    m_entropyTitle->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_rmsTitle);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_entropyTitle);
    layout->addWidget(m_grid, 1);
    connect(m_grid, &HeadGrid::headClicked, this, &LayerChartsView::headClicked);
    connect(store, &DiagnosticsStore::selectionChanged, this, [this] { retranslateUi(); });
    retranslateUi();
}

QJsonObject LayerChartsView::diagnosticsJson() const {
    const std::int64_t pos = m_store->selected();
    QJsonArray residual, mlp, entropy;
    for (std::int64_t layer = 0; pos >= 0 && pos < m_store->positions() && layer < m_store->layers(); ++layer) {
        residual.append(m_store->residualRms(pos, layer));
        mlp.append(m_store->mlpRms(pos, layer));
        QJsonArray heads;
        for (std::int64_t head = 0; head < m_store->heads(); ++head) heads.append(m_store->entropy(pos, layer, head));
        entropy.append(heads);
    }
    QJsonArray seconds;
    for (double s : m_store->layerSeconds()) seconds.append(s);
    return QJsonObject{{QStringLiteral("view"), QStringLiteral("layers")},
                       {QStringLiteral("pos"), static_cast<qint64>(pos)},
                       {QStringLiteral("token"), pos >= 0 ? m_store->tokenLabel(pos) : QString()},
                       {QStringLiteral("residual_rms"), residual},
                       {QStringLiteral("mlp_rms"), mlp},
                       {QStringLiteral("attn_entropy"), entropy},
                       {QStringLiteral("layer_seconds"), seconds}};
}

QList<CsvTable> LayerChartsView::diagnosticsCsv() const {
    const std::int64_t pos = m_store->selected();
    CsvTable table;
    table.header = {QStringLiteral("pos"), QStringLiteral("token"), QStringLiteral("layer"), QStringLiteral("residual_rms"),
                    QStringLiteral("mlp_rms"), QStringLiteral("layer_seconds")};
    for (std::int64_t head = 0; head < m_store->heads(); ++head) table.header << QStringLiteral("entropy_head_%1").arg(head);
    const std::vector<double>& seconds = m_store->layerSeconds();
    for (std::int64_t layer = 0; pos >= 0 && pos < m_store->positions() && layer < m_store->layers(); ++layer) {
        QStringList row{QString::number(pos), m_store->tokenLabel(pos), QString::number(layer),
                        csvNumber(m_store->residualRms(pos, layer)), csvNumber(m_store->mlpRms(pos, layer)),
                        layer < static_cast<std::int64_t>(seconds.size()) ? csvNumber(seconds[static_cast<std::size_t>(layer)]) : QString()};
        for (std::int64_t head = 0; head < m_store->heads(); ++head) row << csvNumber(m_store->entropy(pos, layer, head));
        table.rows.append(row);
    }
    return {table};
}

void LayerChartsView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void LayerChartsView::retranslateUi() {
    const std::int64_t pos = m_store->selected();
    const QString token = pos >= 0 && pos < m_store->tokenCount() ? m_store->tokenLabel(pos) : QString();
    //: %1: token text, %2: its position.
    m_rmsTitle->setText(pos >= 0 ? tr("Residual stream and MLP size after each layer for \"%1\" (position %2), log scale").arg(token).arg(pos)
                                 : tr("Generate a reply to see per-layer numbers."));
    m_entropyTitle->setText(tr("Attention entropy per layer (rows) and head (columns): dark = focused on few tokens, bright = spread out"));
}

}  // namespace qe::gui
