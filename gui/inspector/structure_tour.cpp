// StructureTour: the step list of one token's forward pass and the text of every step.
#include "gui/inspector/structure_tour.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <QLocale>
#include <QStringList>

#include "gui/inspector/diagnostics_store.h"

namespace qe::gui {

namespace {

constexpr std::size_t kAlternativesShown = 5;
constexpr std::int64_t kAttendedShown = 3;

// The blocks of one decoder layer in the order of the diagram (and of the forward pass).
constexpr std::pair<TourStepKind, StructureBlock> kLayerSteps[StructureTour::kStepsPerLayer] = {
    {TourStepKind::InputNorm, StructureBlock::InputNorm},
    {TourStepKind::QkvProjection, StructureBlock::QkvProjection},
    {TourStepKind::QkNorm, StructureBlock::QkNorm},
    {TourStepKind::Rope, StructureBlock::Rope},
    {TourStepKind::Attention, StructureBlock::Attention},
    {TourStepKind::OutputProjection, StructureBlock::OutputProjection},
    {TourStepKind::AttentionResidual, StructureBlock::AttentionResidual},
    {TourStepKind::PostNorm, StructureBlock::PostNorm},
    {TourStepKind::Mlp, StructureBlock::Mlp},
    {TourStepKind::MlpResidual, StructureBlock::MlpResidual},
};

QString paragraph(const QString& text) { return QStringLiteral("<p>") + text + QStringLiteral("</p>"); }
QString percent(double p) { return QLocale().toString(100.0 * p, 'f', 1) + QLatin1Char('%'); }
QString quoted(const QString& token) { return QStringLiteral("“%1”").arg(token.toHtmlEscaped()); }
QString tokenWithProb(const DiagnosticsStore& store, const TokenProb& t) {
    return QStringLiteral("%1 %2").arg(quoted(store.idLabel(t.id)), percent(t.prob));
}

// Steps whose numbers come from the inspector's diagnostics (the others are shapes only).
bool hasLiveNumbers(const TourStep& step) {
    switch (step.kind) {
    case TourStepKind::InputNorm:
    case TourStepKind::AttentionResidual: return step.layer > 0;  // layer 0 reads the embedding, not captured
    case TourStepKind::QkvProjection:
    case TourStepKind::QkNorm:
    case TourStepKind::OutputProjection:
    case TourStepKind::PostNorm: return false;
    default: return true;
    }
}

}  // namespace

StructureTour::StructureTour(const ModelConfig& config) : m_config(config) {
    m_steps.push_back({TourStepKind::Token, StructureBlock::Embedding, -1});
    m_steps.push_back({TourStepKind::Embedding, StructureBlock::Embedding, -1});
    for (std::int64_t layer = 0; layer < config.numHiddenLayers; ++layer)
        for (const auto& [kind, block] : kLayerSteps) m_steps.push_back({kind, block, layer});
    m_steps.push_back({TourStepKind::FinalNorm, StructureBlock::FinalNorm, -1});
    m_steps.push_back({TourStepKind::LmHead, StructureBlock::LmHead, -1});
    m_steps.push_back({TourStepKind::NextToken, StructureBlock::LmHead, -1});
}

QString StructureTour::formatNumber(double value) { return QLocale().toString(value, 'g', 4); }

// Layer steps are laid out contiguously after kStepsBeforeLayers, kStepsPerLayer per layer.
int StructureTour::nextLayerStep(int index) const {
    if (index < kStepsBeforeLayers) return m_config.numHiddenLayers > 0 ? kStepsBeforeLayers : size() - kStepsAfterLayers;
    if (index >= size() - kStepsAfterLayers) return size() - 1;
    const int layer = (index - kStepsBeforeLayers) / kStepsPerLayer;
    return std::min(kStepsBeforeLayers + (layer + 1) * kStepsPerLayer, size() - kStepsAfterLayers);
}

int StructureTour::previousLayerStep(int index) const {
    const int layer = std::min<int>((std::max(index, kStepsBeforeLayers) - kStepsBeforeLayers) / kStepsPerLayer,
                                    static_cast<int>(m_config.numHiddenLayers));
    return layer > 0 && index >= kStepsBeforeLayers ? kStepsBeforeLayers + (layer - 1) * kStepsPerLayer : 0;
}

int StructureTour::lastLayerStep() const {
    return m_config.numHiddenLayers > 0 ? size() - kStepsAfterLayers - kStepsPerLayer : kStepsBeforeLayers;
}

QString StructureTour::title(int index) const {
    const TourStep& s = step(index);
    QString name;
    switch (s.kind) {
    case TourStepKind::Token: name = tr("The token"); break;
    case TourStepKind::Embedding: name = tr("Embedding lookup"); break;
    case TourStepKind::InputNorm: name = tr("Input RMSNorm"); break;
    case TourStepKind::QkvProjection: name = tr("Query, key and value projections"); break;
    case TourStepKind::QkNorm: name = tr("QK-norm"); break;
    case TourStepKind::Rope: name = tr("RoPE"); break;
    case TourStepKind::Attention: name = tr("Grouped-query attention"); break;
    case TourStepKind::OutputProjection: name = tr("Output projection"); break;
    case TourStepKind::AttentionResidual: name = tr("Residual add after attention"); break;
    case TourStepKind::PostNorm: name = tr("Post-attention RMSNorm"); break;
    case TourStepKind::Mlp: name = tr("SwiGLU MLP"); break;
    case TourStepKind::MlpResidual: name = tr("Residual add after the MLP"); break;
    case TourStepKind::FinalNorm: name = tr("Final RMSNorm"); break;
    case TourStepKind::LmHead: name = m_config.tieWordEmbeddings ? tr("LM head (tied)") : tr("LM head (untied)"); break;
    case TourStepKind::NextToken: name = tr("The next token"); break;
    }
    //: Tour heading inside a decoder layer. %1: layer index (from 0), %2: number of layers, %3: block name.
    return s.layer >= 0 ? tr("Layer %1 (of %2): %3").arg(s.layer).arg(m_config.numHiddenLayers).arg(name) : name;
}

QString StructureTour::explanation(int index) const {
    const TourStep& s = step(index);
    if (s.kind == TourStepKind::Token)
        return tr("<b>The token</b><p>The tokenizer has cut the text into tokens from a vocabulary of %1. The model never "
                  "sees letters, only the token id. This tour follows one token through the whole forward pass and shows "
                  "its own numbers wherever the inspector has them.</p>")
            .arg(QLocale().toString(static_cast<qlonglong>(m_config.vocabSize)));
    if (s.kind == TourStepKind::NextToken)
        return tr("<b>The next token</b><p>Softmax turns the logits z into probabilities pᵢ = exp(zᵢ/T) / Σⱼ exp(zⱼ/T) "
                  "(T: the temperature); the sampler draws one token, which is appended to the context and fed in again. "
                  "One forward pass per token: this loop is how the model writes.</p>");
    return structureExplanation(s.block, m_config);
}

QString StructureTour::numbers(int index, const TourLive& live) const {
    const TourStep& s = step(index);
    QString text = configNumbers(s, live);
    if (!hasLiveNumbers(s)) return text;
    if (hasLive(live)) return text + liveNumbers(s, live);
    return text + paragraph(tr("<i>This token's live numbers for this step appear here after a generation with the loaded "
                               "model: choose “Loaded model” above, generate a reply and select a token.</i>"));
}

bool StructureTour::hasLive(const TourLive& live) const {
    const DiagnosticsStore* store = live.store;
    return store && store->config() && store->layers() == m_config.numHiddenLayers && store->heads() == m_config.numAttentionHeads &&
           live.pos >= 0 && live.pos < store->positions();
}

// Shapes and constants of the step, known from the config alone.
QString StructureTour::configNumbers(const TourStep& s, const TourLive& live) const {
    const ModelConfig& c = m_config;
    const QLocale locale;
    auto n = [&](std::int64_t v) { return locale.toString(static_cast<qlonglong>(v)); };
    switch (s.kind) {
    case TourStepKind::Token: return {};
    case TourStepKind::Embedding:
        //: %1 vocabulary size, %2 hidden size.
        return paragraph(tr("E has %1 rows of %2 numbers; x₀ is one of these rows.").arg(n(c.vocabSize), n(c.hiddenSize)));
    case TourStepKind::InputNorm:
    case TourStepKind::PostNorm:
    case TourStepKind::FinalNorm:
        return paragraph(tr("ε = %1; the gain g has %2 values.").arg(locale.toString(c.rmsNormEps, 'g', 3), n(c.hiddenSize)));
    case TourStepKind::QkvProjection:
        //: %1 query heads, %2 head dimension, %3 KV heads, %4 hidden size.
        return paragraph(tr("From %4 numbers: q = %1 heads × %2, k = %3 heads × %2, v = %3 heads × %2.")
                             .arg(n(c.numAttentionHeads), n(c.headDim), n(c.numKeyValueHeads), n(c.hiddenSize)));
    case TourStepKind::QkNorm:
        return paragraph(tr("%1 query heads and %2 key heads, each normalized over its own %3 dimensions.")
                             .arg(n(c.numAttentionHeads), n(c.numKeyValueHeads), n(c.headDim)));
    case TourStepKind::Rope: {
        // inv_freq[i] = θ^(−2i/d) (spec §4): pair 0 turns 1 rad per position, the last pair θ^(−(d−2)/d).
        const double slowest = c.headDim > 0 ? std::pow(c.ropeTheta, -static_cast<double>(c.headDim - 2) / c.headDim) : 1.0;
        //: %1 θ, %2 head dimension, %3 radians per position of the slowest pair, %4 positions for one turn.
        QString text = paragraph(tr("θ = %1, d = %2: the fastest pair turns by 1 rad per position, the slowest by %3 rad "
                                    "(one full turn every %4 positions).")
                                     .arg(locale.toString(c.ropeTheta, 'g', 8), n(c.headDim), formatNumber(slowest),
                                          n(std::llround(2 * std::numbers::pi / slowest))));
        if (c.usesYarn())
            text += paragraph(tr("YaRN stretches the slow frequencies by a factor of %1 beyond %2 positions.")
                                  .arg(locale.toString(c.ropeScaling->factor, 'g', 4), n(c.ropeScaling->originalMaxPositionEmbeddings)));
        if (hasLive(live))
            //: %1 position, %2 angle of the fastest pair, %3 angle of the slowest pair (radians).
            text += paragraph(tr("This token is at position %1: its fastest pair is turned by %2 rad, its slowest by %3 rad.")
                                  .arg(n(live.pos), n(live.pos), formatNumber(static_cast<double>(live.pos) * slowest)));
        return text;
    }
    case TourStepKind::Attention:
        //: %1 query heads, %2 KV heads, %3 query heads per KV head.
        return paragraph(tr("%1 query heads in %2 groups: each group of %3 query heads reads the keys and values of one KV head.")
                             .arg(n(c.numAttentionHeads), n(c.numKeyValueHeads), n(c.numKeyValueHeads > 0 ? c.groupSize() : 0)));
    case TourStepKind::OutputProjection:
        return paragraph(tr("%1 numbers (all heads side by side) → %2 numbers.").arg(n(c.qWidth()), n(c.hiddenSize)));
    case TourStepKind::AttentionResidual:
    case TourStepKind::MlpResidual: return {};
    case TourStepKind::Mlp:
        //: %1 hidden size, %2 intermediate size.
        return paragraph(tr("%1 → %2 hidden units (gate and up) → %1 (down).").arg(n(c.hiddenSize), n(c.intermediateSize)));
    case TourStepKind::LmHead:
        return paragraph(c.tieWordEmbeddings
                             ? tr("%1 scores, one per vocabulary entry, from the embedding matrix E (no extra parameters).").arg(n(c.vocabSize))
                             : tr("%1 scores, one per vocabulary entry, from its own matrix of %2 parameters.")
                                   .arg(n(c.vocabSize), n(c.vocabSize * c.hiddenSize)));
    case TourStepKind::NextToken: return {};
    }
    return {};
}

// That token's numbers at this step; only called when hasLive(live).
QString StructureTour::liveNumbers(const TourStep& s, const TourLive& live) const {
    const DiagnosticsStore& store = *live.store;
    const std::int64_t pos = live.pos, layer = s.layer;
    const std::int64_t lastLayer = m_config.numHiddenLayers - 1;
    switch (s.kind) {
    case TourStepKind::Token: {
        const PositionToken& t = store.token(pos);
        const QString at = QString::number(pos), label = quoted(store.tokenLabel(pos)), id = QString::number(t.id);
        // Multi-argument arg(): a token's own text may contain "%1".
        return paragraph(t.prob < 0 ? tr("Position %1: %2 (token id %3), part of the prompt.").arg(at, label, id)
                                    : tr("Position %1: %2 (token id %3), generated with probability %4.").arg(at, label, id, percent(t.prob)));
    }
    case TourStepKind::Embedding: return paragraph(tr("This token: x₀ = E[%1].").arg(store.token(pos).id));
    case TourStepKind::InputNorm:
    case TourStepKind::AttentionResidual:
        return paragraph(tr("The residual stream coming into layer %1 has RMS %2.").arg(layer).arg(formatNumber(store.residualRms(pos, layer - 1))));
    case TourStepKind::Rope: return {};  // the position is shown with the config numbers
    case TourStepKind::Attention: return attentionNumbers(layer, live);
    case TourStepKind::Mlp:
        //: %1 RMS of silu(gate)·up, %2 residual RMS after the layer.
        return paragraph(tr("RMS of silu(gate)·up for this token: %1; the residual stream after this layer: %2.")
                             .arg(formatNumber(store.mlpRms(pos, layer)), formatNumber(store.residualRms(pos, layer))));
    case TourStepKind::MlpResidual: {
        QString text = tr("Residual RMS after layer %1: %2.").arg(layer).arg(formatNumber(store.residualRms(pos, layer)));
        if (layer > 0 && store.residualRms(pos, layer - 1) > 0)
            //: %1 ratio of the residual RMS after and before this layer.
            text += QLatin1Char(' ') + tr("%1× the RMS before this layer.").arg(formatNumber(store.residualRms(pos, layer) / store.residualRms(pos, layer - 1)));
        return paragraph(text);
    }
    case TourStepKind::FinalNorm:
        return paragraph(tr("Input: the residual stream after layer %1, RMS %2.").arg(lastLayer).arg(formatNumber(store.residualRms(pos, lastLayer))));
    case TourStepKind::LmHead: return lensNumbers(live);
    case TourStepKind::NextToken: return nextTokenNumbers(live);
    default: return {};
    }
}

// Entropy and sink mass of every head of `layer` for the token, as a table (up to four heads
// per row so that 64 heads fit a projector), then the most-attended tokens of the head whose
// rows the attention view holds, when they cover this token.
QString StructureTour::attentionNumbers(std::int64_t layer, const TourLive& live) const {
    const DiagnosticsStore& store = *live.store;
    const std::int64_t heads = m_config.numAttentionHeads, group = std::max<std::int64_t>(m_config.groupSize(), 1);
    const std::int64_t perRow = heads <= 8 ? 1 : heads <= 32 ? 2 : 4;
    const QLocale locale;
    QString header;
    for (std::int64_t c = 0; c < perRow; ++c)
        header += QStringLiteral("<th>%1</th><th>%2</th><th>%3</th><th>%4</th>").arg(tr("Head"), tr("KV head"), tr("Entropy (nats)"), tr("Sink"));
    QString rows;
    double meanEntropy = 0;
    for (std::int64_t head = 0; head < heads; ++head) {
        if (head % perRow == 0) rows += QStringLiteral("<tr>");
        meanEntropy += store.entropy(live.pos, layer, head) / static_cast<double>(heads);
        rows += QStringLiteral("<td align=right>%1</td><td align=right>%2</td><td align=right>%3</td><td align=right>%4</td>")
                    .arg(head).arg(head / group).arg(locale.toString(store.entropy(live.pos, layer, head), 'f', 2))
                    .arg(percent(store.sink(live.pos, layer, head)));
        if (head % perRow == perRow - 1 || head == heads - 1) rows += QStringLiteral("</tr>");
    }
    //: %1 number of tokens attended to, %2 mean entropy, %3 ln(tokens): the entropy of attending evenly.
    QString text = paragraph(tr("This token attends to %1 token(s). Mean entropy %2 nats (attending evenly would be %3); "
                                "sink = attention on the first token.")
                                 .arg(live.pos + 1).arg(locale.toString(meanEntropy, 'f', 2))
                                 .arg(locale.toString(std::log(static_cast<double>(live.pos + 1)), 'f', 2)));
    text += QStringLiteral("<table cellspacing=0 cellpadding=3 border=1><tr>%1</tr>%2</table>").arg(header, rows);
    // Only exact rows (block 1) name single tokens; tiles of a long context do not.
    const AttentionRows* a = live.attention;
    if (!a || !a->probs || !a->error.isEmpty() || a->block != 1 || a->layer != layer || live.pos < a->firstPos ||
        live.pos >= a->firstPos + a->rows)
        return text;
    const std::int64_t row = live.pos - a->firstPos, keys = std::min(live.pos + 1, a->keys);
    std::vector<std::int64_t> order(static_cast<std::size_t>(keys));
    for (std::int64_t key = 0; key < keys; ++key) order[static_cast<std::size_t>(key)] = key;
    const auto prob = [&](std::int64_t key) { return (*a->probs)[static_cast<std::size_t>(row * a->keys + key)]; };
    const auto shown = std::min(keys, kAttendedShown);
    std::partial_sort(order.begin(), order.begin() + shown, order.end(), [&](auto x, auto y) { return prob(x) > prob(y); });
    QStringList attended;
    for (std::int64_t k = 0; k < shown; ++k) {
        const std::int64_t key = order[static_cast<std::size_t>(k)];
        //: One attended token: %1 token text, %2 its position, %3 attention weight.
        attended << tr("%1 (position %2) %3").arg(quoted(store.tokenLabel(key)), QString::number(key), percent(prob(key)));
    }
    //: %1 head, %2 list of tokens with their attention weight.
    return text + paragraph(tr("Head %1 (the one open in the Attention tab) looks most at: %2.").arg(a->head).arg(attended.join(QStringLiteral(", "))));
}

QString StructureTour::lensNumbers(const TourLive& live) const {
    if (!live.lens || live.lens->pos != live.pos || !live.lens->error.isEmpty() || live.lens->layers.empty())
        return paragraph(tr("<i>The logit lens of this token (what the LM head would say after each layer) appears here once "
                            "the engine has computed it, after the generation.</i>"));
    QStringList lines;
    for (std::size_t layer = 0; layer < live.lens->layers.size(); ++layer) {
        const auto& top = live.lens->layers[layer];
        if (top.empty()) continue;
        //: Logit lens line: %1 layer, %2 most likely next token with its probability.
        lines << tr("after layer %1: %2").arg(layer).arg(tokenWithProb(*live.store, top.front()));
    }
    return paragraph(tr("Logit lens, the top guess for the next token if the model stopped early:")) +
           paragraph(lines.join(QStringLiteral("<br>")));
}

QString StructureTour::nextTokenNumbers(const TourLive& live) const {
    const DiagnosticsStore& store = *live.store;
    if (live.pos + 1 >= store.tokenCount()) return paragraph(tr("No token follows this position yet."));
    const PositionToken& next = store.token(live.pos + 1);
    const QString label = quoted(store.tokenLabel(live.pos + 1));
    if (next.prob < 0) return paragraph(tr("The next token, %1, came from the prompt: nothing was sampled here.").arg(label));
    QStringList alternatives;
    for (std::size_t k = 0; k < next.alternatives.size() && k < kAlternativesShown; ++k) alternatives << tokenWithProb(store, next.alternatives[k]);
    //: %1 sampled token, %2 its id, %3 its probability.
    QString text = paragraph(tr("Sampled: %1 (token id %2) with probability %3.").arg(label, QString::number(next.id), percent(next.prob)));
    if (!alternatives.isEmpty()) text += paragraph(tr("The most likely tokens were: %1.").arg(alternatives.join(QStringLiteral(", "))));
    return text;
}

}  // namespace qe::gui
