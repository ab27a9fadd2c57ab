// DiagnosticsStore: appends diagnostics deltas and keeps the shared selection.
#include "gui/inspector/diagnostics_store.h"

#include "core/tokenizer/tokenizer.h"

namespace qe::gui {

DiagnosticsStore::DiagnosticsStore(QObject* parent) : QObject(parent) {}

void DiagnosticsStore::setModel(const ModelConfig& config, std::shared_ptr<const Tokenizer> tokenizer) {
    m_config = config;
    m_tokenizer = std::move(tokenizer);
    m_layers = config.numHiddenLayers;
    m_heads = config.numAttentionHeads;
    m_positions = m_promptTokens = 0;
    m_selected = -1;
    m_tokens.clear();
    m_labels.clear();
    m_residualRms.clear();
    m_mlpRms.clear();
    m_entropy.clear();
    m_sink.clear();
    m_layerSeconds.clear();
    m_hiddenBytesUsed = m_hiddenBudgetBytes = 0;
    m_hiddenPositions = 0;
    emit modelChanged();
    emit positionsChanged(0);
    emit selectionChanged(selected());
}

QString DiagnosticsStore::idLabel(int id) const {
    if (m_tokenizer) {
        auto text = m_tokenizer->decode(std::span<const int>(&id, 1), DecodeOptions{.skipSpecial = false});
        if (text.ok() && !text->empty()) {
            QString label = QString::fromStdString(*text);
            label.replace(QLatin1Char('\n'), QStringLiteral("\u21b5"));  // ↵
            label.replace(QLatin1Char('\t'), QStringLiteral("\u21e5"));  // ⇥
            return label;
        }
    }
    return QStringLiteral("#%1").arg(id);
}

void DiagnosticsStore::apply(const DiagnosticsData& d) {
    if (!m_config || d.layers != m_layers || d.heads != m_heads) return;
    const std::int64_t first = std::clamp<std::int64_t>(d.firstPos, 0, tokenCount());
    const std::int64_t keep = std::min(first, m_positions);
    m_tokens.resize(static_cast<std::size_t>(first));
    m_labels.resize(static_cast<std::size_t>(first));
    m_residualRms.resize(static_cast<std::size_t>(keep * m_layers));
    m_mlpRms.resize(static_cast<std::size_t>(keep * m_layers));
    m_entropy.resize(static_cast<std::size_t>(keep * m_layers * m_heads));
    m_sink.resize(static_cast<std::size_t>(keep * m_layers * m_heads));
    m_positions = keep;
    if (first == d.firstPos && keep == first) {  // contiguous: append
        for (const PositionToken& t : d.tokens) {
            m_tokens.push_back(t);
            m_labels.push_back(idLabel(t.id));
        }
        m_residualRms.insert(m_residualRms.end(), d.residualRms.begin(), d.residualRms.end());
        m_mlpRms.insert(m_mlpRms.end(), d.mlpRms.begin(), d.mlpRms.end());
        m_entropy.insert(m_entropy.end(), d.entropy.begin(), d.entropy.end());
        m_sink.insert(m_sink.end(), d.sink.begin(), d.sink.end());
        m_positions += d.positions;
    }
    m_promptTokens = d.promptTokens;
    if (!d.layerSeconds.empty()) m_layerSeconds = d.layerSeconds;
    m_hiddenBytesUsed = d.hiddenBytesUsed;
    m_hiddenBudgetBytes = d.hiddenBudgetBytes;
    m_hiddenPositions = std::min(d.hiddenPositions, m_positions);
    if (m_selected >= m_positions) m_selected = -1;
    emit positionsChanged(first);
    emit selectionChanged(selected());
}

std::int64_t DiagnosticsStore::selected() const { return m_selected >= 0 ? m_selected : m_positions - 1; }

void DiagnosticsStore::select(std::int64_t pos) {
    const std::int64_t next = pos >= 0 && pos < m_positions ? pos : -1;
    if (next == m_selected) return;
    m_selected = next;
    emit selectionChanged(selected());
}

}  // namespace qe::gui
