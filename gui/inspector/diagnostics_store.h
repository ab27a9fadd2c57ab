// The inspector's model on the GUI thread: the loaded model's shape and tokenizer, the always-on
// diagnostics of every position received so far (appended from DiagnosticsDelta events), and the
// selected position that every inspector view follows. Views read it; they compute nothing.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <QObject>
#include <QString>

#include "gui/engine/engine_events.h"

namespace qe::gui {

class DiagnosticsStore : public QObject {
    Q_OBJECT
public:
    explicit DiagnosticsStore(QObject* parent = nullptr);

    // A new model: forgets all positions. `tokenizer` may be null (labels become "#id").
    void setModel(const ModelConfig& config, std::shared_ptr<const Tokenizer> tokenizer);
    const std::optional<ModelConfig>& config() const { return m_config; }

    // Drops positions >= data.firstPos and appends the delta (GUI thread).
    void apply(const DiagnosticsData& data);

    std::int64_t layers() const { return m_layers; }
    std::int64_t heads() const { return m_heads; }
    std::int64_t kvHeads() const { return m_config ? m_config->numKeyValueHeads : 0; }
    // Positions with diagnostics; tokenCount() may be one more (the last sampled token).
    std::int64_t positions() const { return m_positions; }
    std::int64_t tokenCount() const { return static_cast<std::int64_t>(m_tokens.size()); }
    std::int64_t promptTokens() const { return m_promptTokens; }
    const PositionToken& token(std::int64_t pos) const { return m_tokens[static_cast<std::size_t>(pos)]; }
    // The token at `pos` as display text (special characters made visible).
    QString tokenLabel(std::int64_t pos) const { return m_labels[static_cast<std::size_t>(pos)]; }
    QString idLabel(int id) const;

    float residualRms(std::int64_t pos, std::int64_t layer) const { return m_residualRms[idx(pos, layer)]; }
    float mlpRms(std::int64_t pos, std::int64_t layer) const { return m_mlpRms[idx(pos, layer)]; }
    float entropy(std::int64_t pos, std::int64_t layer, std::int64_t head) const { return m_entropy[idx(pos, layer) * m_heads + head]; }
    float sink(std::int64_t pos, std::int64_t layer, std::int64_t head) const { return m_sink[idx(pos, layer) * m_heads + head]; }
    const std::vector<double>& layerSeconds() const { return m_layerSeconds; }

    // Kept hidden states, as of the latest delta: positions 0..hiddenPositions() - 1 can be
    // inspected in the attention map and the logit lens.
    std::uint64_t hiddenBytesUsed() const { return m_hiddenBytesUsed; }
    std::uint64_t hiddenBudgetBytes() const { return m_hiddenBudgetBytes; }
    std::int64_t hiddenPositions() const { return m_hiddenPositions; }

    // The selected position: set explicitly, else the last position with diagnostics (-1: none).
    std::int64_t selected() const;
    bool followsLatest() const { return m_selected < 0; }
    // pos < 0: follow the latest position again.
    void select(std::int64_t pos);

signals:
    void modelChanged();
    void positionsChanged(std::int64_t firstPos);
    void selectionChanged(std::int64_t pos);

private:
    std::size_t idx(std::int64_t pos, std::int64_t layer) const { return static_cast<std::size_t>(pos * m_layers + layer); }

    std::optional<ModelConfig> m_config;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    std::int64_t m_layers = 0, m_heads = 0;
    std::int64_t m_positions = 0;
    std::int64_t m_promptTokens = 0;
    std::int64_t m_selected = -1;
    std::vector<PositionToken> m_tokens;   // [tokenCount]
    std::vector<QString> m_labels;         // [tokenCount]
    std::vector<float> m_residualRms;      // [positions][layers]
    std::vector<float> m_mlpRms;           // [positions][layers]
    std::vector<float> m_entropy;          // [positions][layers][heads]
    std::vector<float> m_sink;             // [positions][layers][heads]
    std::vector<double> m_layerSeconds;    // [layers]
    std::uint64_t m_hiddenBytesUsed = 0;
    std::uint64_t m_hiddenBudgetBytes = 0;
    std::int64_t m_hiddenPositions = 0;
};

}  // namespace qe::gui
