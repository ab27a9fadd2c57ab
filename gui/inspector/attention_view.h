// Attention map: the token × token heatmap of one (layer, head) next to the layers × heads grid
// of the selected token (entropy or sink mass). Clicking a grid cell opens that head; the GQA
// line says which query heads share its KV head. The view decides what the map needs (the
// whole context, exact up to kMaxExactValues cells and aggregated into tiles beyond; then finer
// rows of a zoomed-in window) and asks through attentionWanted / takeRequest; answers arrive in
// setRows, rows streamed during a generation in appendLiveRows.
#pragma once

#include <optional>
#include <vector>

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
    // Exact cells asked at once (16 MiB of fp32): a context of up to 2048 positions is shown
    // exactly; longer ones as tiles, exact again once zoomed in that far.
    static constexpr std::int64_t kMaxExactValues = 4 << 20;
    static constexpr std::int64_t kMaxOverviewTiles = 1 << 20;  // tiles of a long context's overview

    AttentionView(DiagnosticsStore* store, QWidget* parent = nullptr);

    void openHead(int layer, int head);
    int layer() const;
    int head() const;
    // The next request the map needs, remembered as pending (requestId unset); none when the
    // map holds what the current head, context and zoom need or that request is on its way.
    std::optional<AttentionRequest> takeRequest();
    // An on-demand answer (any: the controller forwards only the latest request's).
    void setRows(const AttentionRows& rows);
    // Rows streamed during a generation; ignored unless they are of the head shown.
    void appendLiveRows(const AttentionRows& rows);

    // Where the selected token looks in the shown head: its exact row over keys 0..pos (empty
    // until known). Taken from the map's exact rows when they hold it, else asked for alone
    // (takeFocusRequest, answered in setFocusRow), so that long contexts shown as tiles have it too.
    struct FocusRow {
        std::int64_t layer = -1;
        std::int64_t head = -1;
        std::int64_t pos = -1;
        std::vector<float> probs;  // [pos + 1]
    };
    const FocusRow& focusRow() const { return m_focus; }
    std::optional<AttentionRequest> takeFocusRequest();
    void setFocusRow(const AttentionRows& rows);
    // "“garden” (40) attends most to: …", the top keys of the focus row. The label under the map
    // shows it with each key a link (keyHovered; a click selects that key).
    QString focusText() const;
    QLabel* focusLabel() const { return m_focusLabel; }
    static constexpr int kFocusKeys = 5;

    AttentionHeatmap* heatmap() const { return m_heatmap; }
    HeadGrid* grid() const { return m_grid; }
    QComboBox* tileModeCombo() const { return m_tileMode; }
    QJsonObject diagnosticsJson() const override;
    // The map (query,key,… per exact cell, or one line per tile) and the head grid.
    QList<CsvTable> diagnosticsCsv() const override;
    QWidget* exportWidget() override { return this; }

signals:
    // The shown head or the positions changed: ask the engine again.
    void attentionWanted();
    void focusRowChanged();
    // The pointer is over a key of the focus line (-1: it left them).
    void keyHovered(std::int64_t pos);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void onModelChanged();
    void updateGqaLine();
    void updateStatus();
    void onHeadChanged();
    // Adopts the selected token's row from the exact rows held, or drops a stale one and asks.
    void updateFocus();
    void setFocus(FocusRow focus);
    QString focusLine(bool links) const;  // focusText, as HTML with links when `links`
    // Whether the focus row held is position `pos`'s in the head shown.
    bool focusHolds(std::int64_t pos) const;
    std::int64_t inspectablePositions() const;
    std::optional<AttentionRequest> wantedOverview() const;
    std::optional<AttentionRequest> wantedDetail() const;
    // Exact rows held (overview, then streamed rows past it): query pos → probs over keys 0..pos.
    std::vector<std::pair<std::int64_t, const float*>> exactRows() const;
    CsvTable mapCsv() const;
    CsvTable headsCsv() const;

    DiagnosticsStore* m_store;
    QLabel* m_layerLabel;
    QSpinBox* m_layer;
    QLabel* m_headLabel;
    QSpinBox* m_head;
    QLabel* m_gqa;
    QLabel* m_status;
    QLabel* m_focusLabel;
    QLabel* m_gridLabel;
    QComboBox* m_metric;
    QLabel* m_tileModeLabel;
    QComboBox* m_tileMode;
    AttentionHeatmap* m_heatmap;
    HeadGrid* m_grid;
    std::optional<AttentionRequest> m_pending;
    bool m_pendingDetail = false;
    FocusRow m_focus;
    std::optional<AttentionRequest> m_focusPending;
};

}  // namespace qe::gui
