// A small bar chart of a tensor's value histogram (core TensorStats): one bar per bin over
// [min, max], linear or logarithmic counts, the range under the bars. Paints what it is given.
#pragma once

#include <cstdint>
#include <vector>

#include <QWidget>

namespace qe::gui {

class TensorHistogram : public QWidget {
    Q_OBJECT
public:
    explicit TensorHistogram(QWidget* parent = nullptr);

    // Bin counts over [min, max]; empty counts clear the chart. GUI thread.
    void setHistogram(std::vector<std::uint64_t> counts, double min, double max);
    // log(1 + count) bar heights, so sparse tails stay visible next to a tall centre.
    void setLogScale(bool on);
    bool logScale() const { return m_log; }
    const std::vector<std::uint64_t>& counts() const { return m_counts; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    double barHeight(std::uint64_t count) const;  // 0..1 of the plot height
    QRectF plotRect() const;
    int binAt(QPointF point) const;               // -1 outside the bars

    std::vector<std::uint64_t> m_counts;
    double m_min = 0.0;
    double m_max = 0.0;
    std::uint64_t m_peak = 0;
    bool m_log = false;
};

}  // namespace qe::gui
