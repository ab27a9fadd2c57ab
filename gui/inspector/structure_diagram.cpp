// StructureDiagram: layout of the blocks, painting, live layer strip, explanations.
#include "gui/inspector/structure_diagram.h"

#include <cmath>

#include <QCoreApplication>
#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/heat_colors.h"

namespace qe::gui {

namespace {

// Geometry at the desktop's usual text size; it grows with the text (View → Zoom), see unit().
constexpr double kBlockHeight = 44.0;
constexpr double kGap = 14.0;
constexpr double kInset = 22.0;      // layer box inset
constexpr double kStripHeight = 64.0;

QFont smallFont(const QFont& font) {
    QFont small = font;
    small.setPointSizeF(std::max(6.5, small.pointSizeF() - 1.5));
    return small;
}

// Height of the layer strip's caption line, above its cells.
double stripLabelHeight(const QFont& font) { return std::max(14.0, QFontMetricsF(smallFont(font)).height()); }

QString number(std::int64_t n) { return QLocale(QLocale::English, QLocale::UnitedStates).toString(static_cast<qlonglong>(n)); }

QString shape(const std::vector<std::int64_t>& dims) {
    QStringList parts;
    for (auto d : dims) parts << QString::number(d);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}



QColor blockColor(StructureBlock block) {
    switch (block) {
    case StructureBlock::Embedding:
    case StructureBlock::LmHead: return {222, 235, 247};
    case StructureBlock::InputNorm:
    case StructureBlock::PostNorm:
    case StructureBlock::FinalNorm:
    case StructureBlock::QkNorm: return {237, 237, 237};
    case StructureBlock::QkvProjection:
    case StructureBlock::OutputProjection:
    case StructureBlock::Rope:
    case StructureBlock::Attention: return {253, 232, 207};
    case StructureBlock::Mlp: return {221, 241, 218};
    case StructureBlock::AttentionResidual:
    case StructureBlock::MlpResidual: return {245, 245, 220};
    case StructureBlock::Layers: return {255, 255, 255};
    }
    return {255, 255, 255};
}

}  // namespace

StructureDiagram::StructureDiagram(const DiagnosticsStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setObjectName(QStringLiteral("structureDiagram"));
    setMouseTracking(true);
    // Only the layer strip shows the store's numbers: it alone is repainted as tokens stream.
    const auto updateStrip = [this] {
        if (m_live) update(blockRect(StructureBlock::Layers).toAlignedRect().adjusted(-2, -2, 2, 2));
    };
    connect(store, &DiagnosticsStore::positionsChanged, this, updateStrip);
    connect(store, &DiagnosticsStore::selectionChanged, this, updateStrip);
}

void StructureDiagram::setConfig(const ModelConfig& config, bool live) {
    m_config = config;
    m_sizes = computeModelSizes(config);
    m_live = live;
    relayout();
    updateGeometry();
    update();
}

double StructureDiagram::unit() const {
    // A block holds a bold title line and a smaller detail line: 44 px fit them at 9 pt.
    QFont bold = font();
    bold.setBold(true);
    const double lines = QFontMetricsF(bold).height() + QFontMetricsF(smallFont(font())).height() + 14;
    return std::max(1.0, lines / kBlockHeight);
}

QSize StructureDiagram::sizeHint() const {
    const int blocks = 13;
    const double u = unit();
    return {static_cast<int>(520 * u), static_cast<int>((blocks * (kBlockHeight + kGap) + 2 * kInset + kStripHeight + 60) * u)};
}

void StructureDiagram::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    relayout();
}

void StructureDiagram::relayout() {
    m_rects.clear();
    const double u = unit();
    const double blockHeight = kBlockHeight * u, gap = kGap * u, inset = kInset * u, strip = kStripHeight * u;
    m_gap = gap;
    const double left = 10, width = std::max(260.0 * u, this->width() - 20.0);
    double y = 8;
    auto add = [&](StructureBlock block, double indent) {
        m_rects.emplace_back(block, QRectF(left + indent, y, width - 2 * indent, blockHeight));
        y += blockHeight + gap;
    };
    add(StructureBlock::Embedding, 0);
    const double layerTop = y;
    y += inset + 4 * u;
    for (auto block : {StructureBlock::InputNorm, StructureBlock::QkvProjection, StructureBlock::QkNorm, StructureBlock::Rope,
                       StructureBlock::Attention, StructureBlock::OutputProjection, StructureBlock::AttentionResidual,
                       StructureBlock::PostNorm, StructureBlock::Mlp, StructureBlock::MlpResidual})
        add(block, inset);
    y += strip;
    m_layerBox = QRectF(left, layerTop, width, y - layerTop);
    m_rects.emplace_back(StructureBlock::Layers, QRectF(left + inset, y - strip - 4 * u, width - 2 * inset, strip - 8 * u));
    y += gap + 4 * u;
    add(StructureBlock::FinalNorm, 0);
    add(StructureBlock::LmHead, 0);
    setMinimumHeight(static_cast<int>(y));
}

QRectF StructureDiagram::blockRect(StructureBlock block) const {
    for (const auto& [b, r] : m_rects)
        if (b == block) return r;
    return {};
}

std::optional<StructureBlock> StructureDiagram::blockAt(QPointF point) const {
    for (const auto& [b, r] : m_rects)
        if (r.contains(point)) return b;
    if (m_layerBox.contains(point)) return StructureBlock::Layers;
    return std::nullopt;
}

void StructureDiagram::setCurrent(std::optional<StructureBlock> block) {
    m_current = block;
    update();
}

std::int64_t StructureDiagram::parametersOf(StructureBlock block) const {
    auto module = [&](const char* name) -> std::int64_t {
        for (const ModuleSize& m : m_sizes.modules)
            if (m.name == name) return m.parameters;
        return 0;
    };
    switch (block) {
    case StructureBlock::Embedding: return m_sizes.embedding;
    case StructureBlock::InputNorm: return module("layer.input_layernorm");
    case StructureBlock::QkvProjection:
        return module("layer.self_attn.q_proj") + module("layer.self_attn.k_proj") + module("layer.self_attn.v_proj");
    case StructureBlock::QkNorm: return module("layer.self_attn.q_norm") + module("layer.self_attn.k_norm");
    case StructureBlock::OutputProjection: return module("layer.self_attn.o_proj");
    case StructureBlock::PostNorm: return module("layer.post_attention_layernorm");
    case StructureBlock::Mlp: return module("layer.mlp.gate_proj") + module("layer.mlp.up_proj") + module("layer.mlp.down_proj");
    case StructureBlock::FinalNorm: return m_sizes.finalNorm;
    case StructureBlock::LmHead: return m_sizes.lmHead;
    case StructureBlock::Layers: return m_sizes.perLayer * m_config.numHiddenLayers;
    case StructureBlock::Rope:
    case StructureBlock::Attention:
    case StructureBlock::AttentionResidual:
    case StructureBlock::MlpResidual: return 0;
    }
    return 0;
}

QString StructureDiagram::blockTitle(StructureBlock block) const {
    const ModelConfig& c = m_config;
    switch (block) {
    case StructureBlock::Embedding: return tr("Token embedding");
    case StructureBlock::InputNorm: return tr("RMSNorm (input_layernorm)");
    case StructureBlock::QkvProjection: return tr("Q, K, V projections");
    case StructureBlock::QkNorm: return tr("QK-norm: RMSNorm per head (q_norm, k_norm)");
    case StructureBlock::Rope: return tr("RoPE: rotary position encoding");
    //: %1 query heads, %2 key/value heads, %3 query heads per KV head.
    case StructureBlock::Attention:
        return tr("Grouped-query attention: %1 query heads, %2 KV heads (%3 per group)")
            .arg(c.numAttentionHeads).arg(c.numKeyValueHeads).arg(c.numKeyValueHeads > 0 ? c.groupSize() : 0);
    case StructureBlock::OutputProjection: return tr("Output projection (o_proj)");
    case StructureBlock::AttentionResidual:
    case StructureBlock::MlpResidual: return tr("Add to the residual stream");
    case StructureBlock::PostNorm: return tr("RMSNorm (post_attention_layernorm)");
    case StructureBlock::Mlp: return tr("SwiGLU MLP: down(silu(gate(x)) · up(x))");
    case StructureBlock::FinalNorm: return tr("Final RMSNorm");
    case StructureBlock::LmHead: return c.tieWordEmbeddings ? tr("LM head (tied: reuses the embedding matrix)") : tr("LM head (lm_head)");
    case StructureBlock::Layers: return tr("× %1 decoder layers").arg(c.numHiddenLayers);
    }
    return {};
}

QString StructureDiagram::blockDetail(StructureBlock block) const {
    const ModelConfig& c = m_config;
    const std::int64_t params = parametersOf(block);
    const QLocale locale;
    // Bytes as the checkpoint stores them: a quantized checkpoint's linear layers in their format.
    std::int64_t stored = params * plainBytesPerParameter(c);
    if (block == StructureBlock::QkvProjection)
        stored = linearStoredBytes(c, c.qWidth(), c.hiddenSize) + 2 * linearStoredBytes(c, c.kvWidth(), c.hiddenSize);
    else if (block == StructureBlock::OutputProjection)
        stored = linearStoredBytes(c, c.hiddenSize, c.qWidth());
    else if (block == StructureBlock::Mlp)
        stored = 2 * linearStoredBytes(c, c.intermediateSize, c.hiddenSize) + linearStoredBytes(c, c.hiddenSize, c.intermediateSize);
    const QString bytes = locale.formattedDataSize(stored);
    //: Detail line of a block with weights: %1 tensor shapes, %2 parameters, %3 bytes.
    auto weights = [&](const QString& shapes) { return tr("%1 · %2 parameters · %3").arg(shapes, number(params), bytes); };
    const QString h = QString::number(c.hiddenSize), d = QString::number(c.headDim);
    switch (block) {
    case StructureBlock::Embedding: return weights(shape({c.vocabSize, c.hiddenSize}));
    case StructureBlock::InputNorm:
    case StructureBlock::PostNorm:
    case StructureBlock::FinalNorm: return weights(shape({c.hiddenSize}));
    case StructureBlock::QkvProjection:
        return weights(QStringLiteral("q %1, k %2, v %3").arg(shape({c.qWidth(), c.hiddenSize}), shape({c.kvWidth(), c.hiddenSize}),
                                                             shape({c.kvWidth(), c.hiddenSize})));
    case StructureBlock::QkNorm: return weights(QStringLiteral("%1 + %1").arg(shape({c.headDim})));
    case StructureBlock::Rope:
        //: %1: RoPE base frequency theta, %2: head dimension.
        return tr("no weights · θ = %1 · rotates pairs of the %2 dimensions of each q and k head")
            .arg(locale.toString(c.ropeTheta, 'g', 8), d);
    case StructureBlock::Attention: {
        const auto kvPerToken = m_sizes.kvBytesPerTokenBf16 / std::max<std::int64_t>(c.numHiddenLayers, 1);
        //: %1: bytes of keys and values one token stores in one layer's KV cache.
        return tr("no weights · softmax(q·kᵀ/√%1 + causal mask)·v · KV cache %2 per token and layer (BF16)")
            .arg(d, locale.formattedDataSize(kvPerToken));
    }
    case StructureBlock::OutputProjection: return weights(shape({c.hiddenSize, c.qWidth()}));
    case StructureBlock::AttentionResidual:
    case StructureBlock::MlpResidual: return tr("no weights · x + f(x), width %1").arg(h);
    case StructureBlock::Mlp:
        return weights(QStringLiteral("gate %1, up %1, down %2").arg(shape({c.intermediateSize, c.hiddenSize}), shape({c.hiddenSize, c.intermediateSize})));
    case StructureBlock::LmHead:
        return c.tieWordEmbeddings ? tr("%1 · shares the embedding's parameters").arg(shape({c.vocabSize, c.hiddenSize}))
                                   : weights(shape({c.vocabSize, c.hiddenSize}));
    case StructureBlock::Layers:
        //: %1 parameters per layer; %2 parameters of all layers.
        return tr("%1 parameters per layer, %2 in all layers").arg(number(m_sizes.perLayer), number(params));
    }
    return {};
}

void StructureDiagram::paintEvent(QPaintEvent* event) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    if (m_config.numHiddenLayers <= 0) return;
    // The repeated decoder layer.
    p.setPen(QPen(QColor(120, 120, 120), 1.2, Qt::DashLine));
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(m_layerBox, 8, 8);
    QFont bold = font();
    bold.setBold(true);
    const QFont small = smallFont(font());
    p.setFont(bold);
    p.setPen(palette().text().color());
    const QRectF title = m_layerBox.adjusted(10, 2, -10, 0);
    const QString layers = blockTitle(StructureBlock::Layers);
    p.drawText(title, Qt::AlignLeft | Qt::AlignTop, layers);
    // The detail right-aligned in the room the title leaves (elided where the box is narrow).
    const double room = title.width() - QFontMetricsF(bold).horizontalAdvance(layers) - 12;
    p.setFont(small);
    if (room > 20)
        p.drawText(m_layerBox.adjusted(10, 4, -10, 0), Qt::AlignRight | Qt::AlignTop,
                   p.fontMetrics().elidedText(blockDetail(StructureBlock::Layers), Qt::ElideRight, static_cast<int>(room)));

    // Arrows between consecutive blocks (the data flow), the residual skips on the side.
    QRectF previous;
    for (const auto& [block, r] : m_rects) {
        if (block == StructureBlock::Layers) continue;
        if (!previous.isNull()) {
            p.setPen(QPen(QColor(110, 110, 110), 1.4));
            const QPointF from(r.center().x(), previous.bottom()), to(r.center().x(), r.top());
            p.drawLine(from, to);
            p.drawLine(to, to + QPointF(-4, -5));
            p.drawLine(to, to + QPointF(4, -5));
        }
        previous = r;
    }
    auto skip = [&](StructureBlock from, StructureBlock to) {
        const QRectF a = blockRect(from), b = blockRect(to);
        const double x = a.right() + 10;
        p.setPen(QPen(QColor(190, 150, 40), 1.6));
        QPolygonF line{QPointF(a.right(), a.top() - m_gap / 2), QPointF(x, a.top() - m_gap / 2), QPointF(x, b.center().y()),
                       QPointF(b.right(), b.center().y())};
        p.drawPolyline(line);
    };
    skip(StructureBlock::InputNorm, StructureBlock::AttentionResidual);
    skip(StructureBlock::PostNorm, StructureBlock::MlpResidual);

    for (const auto& [block, r] : m_rects) {
        if (!r.adjusted(-3, -3, 3, 3).intersects(event->rect())) continue;
        if (block == StructureBlock::Layers) {
            paintLayerStrip(p, r);
            continue;
        }
        p.setPen(QPen(m_current == block ? palette().highlight().color() : QColor(150, 150, 150), m_current == block ? 2.5 : 1.0));
        p.setBrush(blockColor(block));
        p.drawRoundedRect(r, 6, 6);
        p.setPen(QColor(20, 20, 20));
        p.setFont(bold);
        const QRectF inner = r.adjusted(8, 3, -8, -3);
        p.drawText(inner, Qt::AlignLeft | Qt::AlignTop, p.fontMetrics().elidedText(blockTitle(block), Qt::ElideRight, static_cast<int>(inner.width())));
        p.setFont(small);
        p.drawText(inner, Qt::AlignLeft | Qt::AlignBottom, p.fontMetrics().elidedText(blockDetail(block), Qt::ElideRight, static_cast<int>(inner.width())));
    }
}

// One cell per layer: height of the bar = that layer's share of the forward time, colour = the
// residual RMS after the layer (log scale) at the selected token.
void StructureDiagram::paintLayerStrip(QPainter& p, const QRectF& area) const {
    const auto layers = m_config.numHiddenLayers;
    const bool live = m_live && m_store->layers() == layers && m_store->selected() >= 0;
    const QFont small = smallFont(font());
    p.setFont(small);
    p.setPen(palette().text().color());
    const double line = stripLabelHeight(font());
    const QRectF label(area.left(), area.top(), area.width(), line);
    const QString text = live ? tr("Live: bar height = time per layer, colour = residual RMS after the layer (selected token)")
                              : tr("Per-layer time and residual RMS appear here while the loaded model generates.");
    p.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, p.fontMetrics().elidedText(text, Qt::ElideRight, static_cast<int>(label.width())));
    const QRectF cells = area.adjusted(0, line + 2, 0, 0);
    const double w = cells.width() / layers;
    double maxSeconds = 0, lo = 1e30, hi = 0;
    const std::int64_t pos = m_store->selected();
    const auto& seconds = m_store->layerSeconds();
    if (live) {
        for (std::int64_t layer = 0; layer < layers; ++layer) {
            if (layer < static_cast<std::int64_t>(seconds.size())) maxSeconds = std::max(maxSeconds, seconds[layer]);
            const double v = m_store->residualRms(pos, layer);
            if (v > 0) {
                lo = std::min(lo, std::log(v));
                hi = std::max(hi, std::log(v));
            }
        }
    }
    for (std::int64_t layer = 0; layer < layers; ++layer) {
        const QRectF cell(cells.left() + layer * w, cells.top(), std::max(w - 1, 0.5), cells.height());
        p.setPen(Qt::NoPen);
        p.setBrush(palette().window());
        p.drawRect(cell);
        if (!live) continue;
        const double v = m_store->residualRms(pos, layer);
        const double t = hi > lo && v > 0 ? (std::log(v) - lo) / (hi - lo) : 0.5;
        const double share = maxSeconds > 0 && layer < static_cast<std::int64_t>(seconds.size()) ? seconds[layer] / maxSeconds : 0.0;
        const double barHeight = std::max(2.0, share * cell.height());
        p.setBrush(heatColor(t));
        p.drawRect(QRectF(cell.left(), cell.bottom() - barHeight, cell.width(), barHeight));
    }
}

void StructureDiagram::mousePressEvent(QMouseEvent* event) {
    if (auto block = blockAt(event->position())) {
        setCurrent(block);
        emit blockClicked(*block);
    }
}

bool StructureDiagram::event(QEvent* e) {
    if (e->type() == QEvent::FontChange) {  // View → Zoom: the blocks grow with their text
        relayout();
        updateGeometry();
        update();
    }
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const QRectF strip = blockRect(StructureBlock::Layers).adjusted(0, stripLabelHeight(font()) + 2, 0, 0);
        const auto layers = m_config.numHiddenLayers;
        if (m_live && strip.contains(help->pos()) && layers > 0 && m_store->selected() >= 0 && m_store->layers() == layers) {
            const auto layer = std::min<std::int64_t>(static_cast<std::int64_t>((help->pos().x() - strip.left()) / (strip.width() / layers)), layers - 1);
            const auto& seconds = m_store->layerSeconds();
            const QLocale locale;
            QToolTip::showText(help->globalPos(),
                               tr("Layer %1: %2 ms, residual RMS %3")
                                   .arg(layer)
                                   .arg(locale.toString(layer < static_cast<std::int64_t>(seconds.size()) ? seconds[layer] * 1e3 : 0.0, 'f', 3))
                                   .arg(locale.toString(m_store->residualRms(m_store->selected(), layer), 'g', 4)),
                               this);
        } else if (auto block = blockAt(help->pos())) {
            QToolTip::showText(help->globalPos(), blockTitle(*block) + QLatin1Char('\n') + blockDetail(*block), this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

namespace {

// What GQA saves for this config, in bytes of KV cache (BF16): per token over all layers, and at
// the full context.
QString gqaSavings(const ModelConfig& c) {
    if (c.numKeyValueHeads <= 0 || c.groupSize() <= 1) return {};
    const QLocale locale;
    const std::int64_t perToken = computeModelSizes(c).kvBytesPerTokenBf16, withoutGqa = perToken * c.groupSize();
    //: %1 layers, %2 KV bytes per token with GQA, %3 without (one KV head per query head), %4 context length, %5 and %6 the same at that context.
    return QCoreApplication::translate("qe::gui::StructureExplanation", "<p>For this model: each token stores %2 of keys and values over "
                                       "its %1 layers instead of %3; at the full context of %4 tokens that is %5 instead of %6.</p>")
        .arg(c.numHiddenLayers)
        .arg(locale.formattedDataSize(perToken), locale.formattedDataSize(withoutGqa), locale.toString(static_cast<qlonglong>(c.maxPositionEmbeddings)),
             locale.formattedDataSize(perToken * c.maxPositionEmbeddings), locale.formattedDataSize(withoutGqa * c.maxPositionEmbeddings));
}

}  // namespace

QString structureExplanation(StructureBlock block, const ModelConfig& c) {
    switch (block) {
    case StructureBlock::Embedding:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>Token embedding</b><p>Each token id picks one row of a vocabulary × hidden matrix: x₀ = E[id]. "
                  "This vector starts the <i>residual stream</i> that every layer reads from and adds to.</p>");
    case StructureBlock::InputNorm:
    case StructureBlock::PostNorm:
    case StructureBlock::FinalNorm:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>RMSNorm</b><p>y = x / √(mean(x²) + ε) · g. It rescales a vector to a fixed size and then weights each "
                  "dimension with the learned gain g. Unlike LayerNorm it does not subtract the mean, which is cheaper and works "
                  "as well. Qwen3 normalizes <i>before</i> each sublayer (pre-norm), so the residual stream itself is never "
                  "squashed and deep stacks train stably.</p>");
    case StructureBlock::QkvProjection:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>Query, key and value projections</b><p>q = W_q·x, k = W_k·x, v = W_v·x, split into heads. A query asks "
                  "\"what am I looking for\", a key says \"what do I contain\", a value is what gets passed on. Keys and "
                  "values of every token are kept in the KV cache so later tokens can attend to them without recomputing.</p>");
    case StructureBlock::QkNorm:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>QK-norm</b><p>Qwen3 applies an RMSNorm to every query head and every key head (over the head "
                  "dimension) before RoPE. This keeps q·k from growing huge, so attention logits stay in a sane range and "
                  "softmax does not saturate; it replaces the QKV bias of Qwen2 and makes training more stable.</p>") +
               //: %1: head dimension.
               QCoreApplication::translate("qe::gui::StructureExplanation", "<p>Per head h: q_h ← q_h / √(mean(q_h²) + ε) · g_q and "
                  "k_h ← k_h / √(mean(k_h²) + ε) · g_k, where the gains g_q and g_k have %1 values each, shared by all heads of "
                  "the layer.</p>").arg(c.headDim);
    case StructureBlock::Rope:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>RoPE (rotary position embedding)</b><p>Pairs of dimensions of q and k are rotated by an angle "
                  "pos·θ^(−2i/d). The dot product q·k then depends only on the <i>distance</i> between two tokens, so "
                  "the model learns relative positions, and no position vector is added to the residual stream.</p>");
    case StructureBlock::Attention:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>Grouped-query attention (GQA)</b><p>Each query head computes softmax(q·kᵀ/√d)·v over all earlier "
                  "tokens (causal mask). Several query heads share one key/value head: here %1 query heads use %2 KV heads, "
                  "so the KV cache is %3× smaller than with one KV head per query head, which saves memory and bandwidth "
                  "at long contexts with little loss in quality.</p>")
            .arg(c.numAttentionHeads)
            .arg(c.numKeyValueHeads)
            .arg(c.numKeyValueHeads > 0 ? c.groupSize() : 0) + gqaSavings(c);
    case StructureBlock::OutputProjection:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>Output projection</b><p>The heads' outputs are concatenated and mixed back to the hidden size: "
                  "o = W_o·[head₁ … headₙ]. This is what the attention sublayer adds to the residual stream.</p>");
    case StructureBlock::AttentionResidual:
    case StructureBlock::MlpResidual:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>Residual stream</b><p>x ← x + f(norm(x)). Every sublayer only <i>adds</i> its result to the running "
                  "vector instead of replacing it. Information can flow straight from the embedding to the LM head, each "
                  "layer makes a small edit, and gradients pass through deep stacks. The residual RMS chart shows how this "
                  "vector grows layer by layer.</p>");
    case StructureBlock::Mlp:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>SwiGLU MLP</b><p>y = W_down · (silu(W_gate·x) ⊙ W_up·x), silu(z) = z·σ(z). The gate decides, per "
                  "hidden unit, how much of the up-projection passes. Gated units learn better than a plain ReLU MLP for the "
                  "same compute; this is where most of the parameters live and where much factual knowledge is stored.</p>");
    case StructureBlock::LmHead:
        return c.tieWordEmbeddings
                   ? QCoreApplication::translate("qe::gui::StructureExplanation", "<b>LM head (tied)</b><p>logits = E·x: the next-token scores reuse the embedding matrix transposed. "
                        "Small Qwen3 models tie them to save vocabulary × hidden parameters, a large share of a small model.</p>")
                   : QCoreApplication::translate("qe::gui::StructureExplanation", "<b>LM head (untied)</b><p>logits = W_lm·x with its own matrix. Larger Qwen3 models keep input and "
                        "output embeddings separate: the extra parameters are a small share of the model and give the output "
                        "side its own freedom.</p>");
    case StructureBlock::Layers:
        return QCoreApplication::translate("qe::gui::StructureExplanation", "<b>Decoder layers</b><p>The same block repeated %1 times, each with its own weights: attention lets tokens "
                  "read from each other, the MLP transforms each token on its own. The strip shows the time each layer took "
                  "for the last forward pass and the residual RMS after it.</p>")
            .arg(c.numHiddenLayers);
    }
    return {};
}

}  // namespace qe::gui
