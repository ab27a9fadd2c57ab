// The context's tokens as a wrapping strip: prompt tokens grey, generated tokens coloured by
// their probability under the model, or every token by the attention the selected token gives
// it in one head, or plain; a tooltip with the top alternatives at that step (and the attention
// weight), and a click selects the position in every inspector view.
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
    enum class Colouring { Probability, Attention, None };
    void setColouring(Colouring colouring);
    Colouring colouring() const { return m_colouring; }
    // The selected token's attention row in (layer, head): weights over positions 0..queryPos
    // (empty: none known). Shown in Colouring::Attention, relative to the row's largest weight.
    void setAttention(std::int64_t queryPos, std::vector<float> weights, int layer, int head);
    // A token outlined to be found (a key hovered in the attention view's focus line); -1: none.
    void setMarked(std::int64_t pos);
    std::int64_t marked() const { return m_marked; }
    // The background token `pos` has now.
    QColor tokenBackground(std::int64_t pos) const;
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
    Colouring m_colouring = Colouring::Probability;
    std::int64_t m_attentionPos = -1;
    std::vector<float> m_attention;
    float m_attentionMax = 0.0f;
    int m_attentionLayer = -1;
    int m_attentionHead = -1;
    std::int64_t m_marked = -1;
    mutable std::vector<double> m_widths;  // [pos] each token's box width in the current font, measured once
    std::vector<QRectF> m_rects;  // [tokenCount]
};

}  // namespace qe::gui
