// Token × token heatmap of one attention head: rows are query positions, columns key positions,
// colour is the attention probability (sqrt scale so small weights stay visible). The map spans
// the whole context; it paints up to three layers of immutable snapshots, finer over coarser:
// the overview (exact, or aggregated tiles for long contexts), the detail of a zoomed-in window,
// and the rows streamed live during a generation. Wherever one pixel covers several cells they
// collapse into their maximum or mean (setTileMode). Mouse wheel zooms around the cursor,
// dragging pans, hovering shows the value (or a tile's position range), clicking a row selects
// that query position. Token labels are drawn once cells are large enough to read them.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include <QWidget>

#include "gui/engine/attention_tiles.h"
#include "gui/engine/engine_events.h"

namespace qe::gui {

class DiagnosticsStore;

class AttentionHeatmap : public QWidget {
    Q_OBJECT
public:
    // What the map holds at one (query, key) cell: an exact probability or a tile's statistics.
    struct Cell {
        bool exact = false;
        std::int64_t firstQuery = 0, lastQuery = 0, firstKey = 0, lastKey = 0;
        float max = 0.0f;   // the probability itself when exact
        float mean = 0.0f;
    };

    AttentionHeatmap(const DiagnosticsStore* store, QWidget* parent = nullptr);

    // The whole-context map (empty probs: nothing to show). Keeps zoom and pan.
    void setRows(const AttentionRows& rows);
    const AttentionRows& rows() const { return m_overview; }
    // Finer rows of a window of queries, painted over the overview.
    void setDetail(const AttentionRows& rows);
    const AttentionRows& detail() const { return m_detail; }
    // Appends rows streamed during a generation (kept up to a memory bound, oldest dropped).
    void appendLive(const AttentionRows& rows);
    const std::deque<AttentionRows>& live() const { return m_live; }
    // Forgets everything at query positions >= pos (the context changed from there on).
    void truncate(std::int64_t pos);
    // Forgets all rows (another head or model).
    void clear();

    // Probability of (query pos, key pos) where an exact value is held (0 above the diagonal),
    // else -1.
    double probability(std::int64_t queryPos, std::int64_t keyPos) const;
    // The finest cell held at (query pos, key pos), causal or not; false when none.
    bool cellAt(std::int64_t queryPos, std::int64_t keyPos, Cell* cell) const;

    TileMode tileMode() const { return m_mode; }
    void setTileMode(TileMode mode);

    // Positions along each side of the map: the context as far as known.
    std::int64_t extent() const;
    // Query positions at least partly visible; false when the map is empty.
    bool visibleQueries(std::int64_t* first, std::int64_t* last) const;
    // Pixels per position at the current zoom.
    double cell() const { return fitCell() * m_zoom; }
    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    void resetView();
    QSize sizeHint() const override { return {520, 420}; }
    // A key's column outlined, from its own row down (a key hovered in the focus line); -1: none.
    void setMarkedKey(std::int64_t pos);
    std::int64_t markedKey() const { return m_markedKey; }

signals:
    void queryClicked(std::int64_t pos);
    // Zoom or pan changed what is visible (the view may ask for finer rows).
    void viewChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Pixels;
    double fitCell() const;
    double maxZoom() const;
    QPointF origin() const;
    bool positionAt(QPointF point, std::int64_t* queryPos, std::int64_t* keyPos) const;
    int labelWidth() const;
    void paintLabels(QPainter& p, std::int64_t firstPos, std::int64_t lastPos) const;
    void showTooltip(const QPoint& local, const QPoint& global);

    const DiagnosticsStore* m_store;
    AttentionRows m_overview;
    AttentionRows m_detail;
    std::deque<AttentionRows> m_live;  // contiguous batches, oldest first
    std::int64_t m_liveValues = 0;     // floats held in m_live
    TileMode m_mode = TileMode::Max;
    double m_zoom = 1.0;
    QPointF m_pan;          // pixels
    std::int64_t m_markedKey = -1;
    QPointF m_dragFrom;
    bool m_dragging = false;
    bool m_dragged = false;
};

}  // namespace qe::gui
