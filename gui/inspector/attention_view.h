// Attention map: the token × token heatmap of one (layer, head) next to the layers × heads grid
// of the selected token (entropy or sink mass). Clicking a grid cell opens that head; the GQA
// line says which query heads share its KV head. The rows are asked from the engine through
// attentionWanted and arrive in setRows.
#pragma once

#include <QWidget>

#include "gui/engine/engine_events.h"
#include "gui/inspector/inspector_export.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace qe::gui {

class AttentionHeatmap;
class DiagnosticsStore;
class HeadGrid;

class AttentionView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    static constexpr std::int64_t kMaxRows = 512;  // query positions asked at once (the latest ones)

    AttentionView(DiagnosticsStore* store, QWidget* parent = nullptr);

    void openHead(int layer, int head);
    int layer() const;
    int head() const;
    // The query range to ask for: the latest kMaxRows positions ([first, last]); false if none.
    bool wantedRange(std::int64_t* first, std::int64_t* last) const;
    void setRows(const AttentionRows& rows);

    AttentionHeatmap* heatmap() const { return m_heatmap; }
    HeadGrid* grid() const { return m_grid; }
    QJsonObject diagnosticsJson() const override;
    QWidget* exportWidget() override { return this; }

signals:
    // The shown head or the positions changed: ask the engine again.
    void attentionWanted();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void onModelChanged();
    void updateGqaLine();

    DiagnosticsStore* m_store;
    QLabel* m_layerLabel;
    QSpinBox* m_layer;
    QLabel* m_headLabel;
    QSpinBox* m_head;
    QLabel* m_gqa;
    QLabel* m_status;
    QLabel* m_gridLabel;
    QComboBox* m_metric;
    AttentionHeatmap* m_heatmap;
    HeadGrid* m_grid;
};

}  // namespace qe::gui
