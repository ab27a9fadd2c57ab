// The context's tokens as a wrapping strip: prompt tokens grey, generated tokens coloured by
// their probability under the model (toggle), a tooltip with the top alternatives at that
// step, and a click selects the position in every inspector view.
#pragma once

#include <vector>

#include <QRectF>
#include <QWidget>

namespace qe::gui {

class DiagnosticsStore;

class TokenStrip : public QWidget {
    Q_OBJECT
public:
    TokenStrip(DiagnosticsStore* store, QWidget* parent = nullptr);
    void setColourByProbability(bool on);
    bool colourByProbability() const { return m_colour; }
    // Layout rectangle of the token at `pos` (empty if not laid out).
    QRectF tokenRect(std::int64_t pos) const;
    QString tooltipFor(std::int64_t pos) const;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    int layout(int width, std::vector<QRectF>* rects) const;
    void relayout();
    std::int64_t tokenAt(QPointF point) const;

    DiagnosticsStore* m_store;
    bool m_colour = true;
    std::vector<QRectF> m_rects;  // [tokenCount]
};

}  // namespace qe::gui
