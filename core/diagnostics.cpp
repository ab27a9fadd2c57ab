#include "core/diagnostics.h"

#include <algorithm>


namespace qe {

void Diagnostics::configure(const ModelConfig& config, std::uint64_t hiddenBudgetBytes, bool hostHidden) {
    m_hostHidden = hostHidden;
    m_layers = config.numHiddenLayers;
    m_heads = config.numAttentionHeads;
    m_hiddenSize = config.hiddenSize;
    m_budget = hiddenBudgetBytes;
    m_positions = 0;
    m_hiddenCapacity = 0;
    m_residualRms.clear();
    m_mlpRms.clear();
    m_entropy.clear();
    m_sink.clear();
    m_hidden.clear();
    m_layerSeconds.assign(static_cast<std::size_t>(m_layers), 0.0);
}

void Diagnostics::reserve(std::int64_t positions) {
    if (positions <= m_positions) return;
    // Grow geometrically so decoding reallocates only now and then.
    const std::int64_t want = std::max(positions, m_positions + m_positions / 2 + 64);
    m_residualRms.resize(static_cast<std::size_t>(want * m_layers));
    m_mlpRms.resize(static_cast<std::size_t>(want * m_layers));
    m_entropy.resize(static_cast<std::size_t>(want * m_layers * m_heads));
    m_sink.resize(static_cast<std::size_t>(want * m_layers * m_heads));
    const std::int64_t affordable = static_cast<std::int64_t>(m_budget / std::max<std::uint64_t>(hiddenBytesPerPosition(), 1));
    m_hiddenCapacity = std::min(want, affordable);
    if (m_hostHidden) m_hidden.resize(static_cast<std::size_t>(m_hiddenCapacity * (m_layers + 1) * m_hiddenSize));
    m_positions = want;
}

void Diagnostics::storeHidden(std::int64_t pos, std::int64_t layer, const float* h) {
    if (!keepsHidden(pos) || !m_hostHidden) return;
    std::copy_n(h, m_hiddenSize, &m_hidden[static_cast<std::size_t>((pos * (m_layers + 1) + layer) * m_hiddenSize)]);
}

void Diagnostics::loadHidden(std::int64_t pos, std::int64_t layer, float* out) const {
    std::copy_n(&m_hidden[static_cast<std::size_t>((pos * (m_layers + 1) + layer) * m_hiddenSize)], m_hiddenSize, out);
}

}  // namespace qe
