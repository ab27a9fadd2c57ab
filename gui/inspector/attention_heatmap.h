// Token × token heatmap of one attention head: rows are query positions, columns key positions,
// colour is the attention probability (sqrt scale so small weights stay visible). Mouse wheel
// zooms around the cursor, dragging pans, hovering shows the value, clicking a row selects that
// query position. Token labels are drawn once cells are large enough to read them.
#pragma once

#include <memory>
#include <vector>

#include <QWidget>

#include "gui/engine/engine_events.h"

namespace qe::gui {

class DiagnosticsStore;

class AttentionHeatmap : public QWidget {
    Q_OBJECT
public:
    AttentionHeatmap(const DiagnosticsStore* store, QWidget* parent = nullptr);

    // Shows `rows` (an immutable snapshot; empty probs: nothing to show).
    void setRows(const AttentionRows& rows);
    const AttentionRows& rows() const { return m_rows; }
    // Probability of (query pos, key pos), or -1 when not shown.
    double probability(std::int64_t queryPos, std::int64_t keyPos) const;
    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    void resetView();
    QSize sizeHint() const override { return {520, 420}; }

signals:
    void queryClicked(std::int64_t pos);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    double fitCell() const;
    double cell() const { return fitCell() * m_zoom; }
    QPointF origin() const;
    bool cellAt(QPointF point, std::int64_t* queryPos, std::int64_t* keyPos) const;
    int labelWidth() const;

    const DiagnosticsStore* m_store;
    AttentionRows m_rows;
    double m_zoom = 1.0;
    QPointF m_pan;          // pixels
    QPointF m_dragFrom;
    bool m_dragging = false;
    bool m_dragged = false;
};

}  // namespace qe::gui
