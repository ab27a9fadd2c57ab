// Per-layer charts of the selected token: residual-stream RMS and MLP activation RMS after each
// layer (bars and line), and the attention-entropy heatmap (layers × heads).
#pragma once

#include <QWidget>

#include "gui/inspector/inspector_export.h"

class QLabel;

namespace qe::gui {

class DiagnosticsStore;
class HeadGrid;

// Bar chart of residual RMS by layer with the MLP RMS as a line (log scale: the residual stream
// of real models grows by orders of magnitude through the layers).
class RmsChart : public QWidget {
    Q_OBJECT
public:
    explicit RmsChart(const DiagnosticsStore* store, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {420, 220}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    QRectF plotRect() const;
    const DiagnosticsStore* m_store;
};

class LayerChartsView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit LayerChartsView(DiagnosticsStore* store, QWidget* parent = nullptr);
    RmsChart* chart() const { return m_chart; }
    HeadGrid* entropyGrid() const { return m_grid; }
    QJsonObject diagnosticsJson() const override;
    // One line per layer: layer,token,residual_rms,mlp_rms,seconds,entropy_head_0,...
    QList<CsvTable> diagnosticsCsv() const override;
    QWidget* exportWidget() override { return this; }

signals:
    void headClicked(int layer, int head);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    DiagnosticsStore* m_store;
    QLabel* m_rmsTitle;
    RmsChart* m_chart;
    QLabel* m_entropyTitle;
    HeadGrid* m_grid;
};

}  // namespace qe::gui
