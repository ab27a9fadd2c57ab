// Layers × heads grid coloured by one per-head value of the selected token (attention entropy
// or sink mass). Thick column rules separate the GQA groups: the query heads between two rules
// share one KV head. Clicking a cell emits headClicked.
#pragma once

#include <QWidget>

namespace qe::gui {

class DiagnosticsStore;

class HeadGrid : public QWidget {
    Q_OBJECT
public:
    enum class Metric { Entropy, Sink };
    HeadGrid(const DiagnosticsStore* store, QWidget* parent = nullptr);

    void setMetric(Metric metric);
    Metric metric() const { return m_metric; }
    // Outlines the cell of the head shown elsewhere (-1: none).
    void setCurrent(int layer, int head);
    // Value of a cell for the selected position (NaN when there is none).
    double value(int layer, int head) const;
    // Colour scale maximum: entropy up to ln(pos + 1), sink mass up to 1.
    double scaleMax() const;
    QSize sizeHint() const override;

signals:
    void headClicked(int layer, int head);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    QRect gridRect() const;
    bool cellAt(QPoint point, int* layer, int* head) const;

    const DiagnosticsStore* m_store;
    Metric m_metric = Metric::Entropy;
    int m_currentLayer = -1, m_currentHead = -1;
};

}  // namespace qe::gui
