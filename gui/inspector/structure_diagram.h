// The decoder-only flow of a Qwen3 model drawn from its config: embedding → N × [RMSNorm →
// attention (q/k/v, q_norm/k_norm, RoPE, GQA, o) → add → RMSNorm → SwiGLU MLP → add] → final
// norm → LM head, each block with its tensor shapes, parameters and bytes. With live numbers
// (the loaded model) a strip of N layer cells shows each layer's time and residual RMS.
#pragma once

#include <optional>
#include <vector>

#include <QWidget>

#include "core/model_config.h"
#include "core/model_info.h"

namespace qe::gui {

class DiagnosticsStore;

enum class StructureBlock {
    Embedding, InputNorm, QkvProjection, QkNorm, Rope, Attention, OutputProjection, AttentionResidual,
    PostNorm, Mlp, MlpResidual, FinalNorm, LmHead, Layers
};

class StructureDiagram : public QWidget {
    Q_OBJECT
public:
    explicit StructureDiagram(const DiagnosticsStore* store, QWidget* parent = nullptr);

    // Shows `config`; `live`: take per-layer numbers from the store (it is the loaded model).
    void setConfig(const ModelConfig& config, bool live);
    const ModelSizes& sizes() const { return m_sizes; }
    // Title and detail lines of a block as drawn (for tests and tooltips).
    QString blockTitle(StructureBlock block) const;
    QString blockDetail(StructureBlock block) const;
    // Rectangle of a block in widget coordinates (empty if not drawn).
    QRectF blockRect(StructureBlock block) const;
    std::optional<StructureBlock> blockAt(QPointF point) const;
    void setCurrent(std::optional<StructureBlock> block);
    std::optional<StructureBlock> current() const { return m_current; }
    QSize sizeHint() const override;

signals:
    void blockClicked(qe::gui::StructureBlock block);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    void relayout();
    // The geometry's scale: 1 at the usual text size, more where the text is larger.
    double unit() const;
    std::int64_t parametersOf(StructureBlock block) const;
    void paintLayerStrip(QPainter& p, const QRectF& area) const;

    const DiagnosticsStore* m_store;
    ModelConfig m_config;
    ModelSizes m_sizes;
    bool m_live = false;
    std::optional<StructureBlock> m_current;
    std::vector<std::pair<StructureBlock, QRectF>> m_rects;
    QRectF m_layerBox;
    double m_gap = 14.0;              // between blocks, as laid out
};

// Plain-language explanation of a block (what it computes, its formula, why Qwen3 has it).
QString structureExplanation(StructureBlock block, const ModelConfig& config);

}  // namespace qe::gui
