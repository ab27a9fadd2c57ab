// Per-layer diagnostics of the forward pass (issue #9).
//  - Always on (unless disabled), per position: residual-stream RMS after each layer, MLP
//    activation RMS (silu(gate)·up) per layer, attention entropy and attention mass on the first
//    token ("sink") per (layer, head); wall time per layer for each forward call.
//  - Kept for on-demand views: each layer's input hidden state (and the final one) per position,
//    fp32, within a memory budget; attention patterns and the logit lens are recomputed from
//    these and the KV cache instead of being stored (one vector per layer and position instead of
//    L·Nq·T² attention weights).
#pragma once

#include <cstdint>
#include <algorithm>
#include <vector>

#include "core/model_config.h"

namespace qe {

class Diagnostics {
public:
    // Sizes per-position storage lazily; `hiddenBudgetBytes` bounds the kept hidden states.
    // Without `hostHidden` the hidden states are kept by the backend (GPU memory): this object
    // still says which positions fit the budget (keepsHidden) but stores none.
    void configure(const ModelConfig& config, std::uint64_t hiddenBudgetBytes, bool hostHidden = true);
    bool hostHidden() const { return m_hostHidden; }

    bool enabled() const { return m_enabled; }
    void setEnabled(bool on) { m_enabled = on; }

    // Makes room for positions [0, positions); called before a forward pass (allocates, like the
    // KV cache, only when the context grows). Values past the cached length are stale and get
    // overwritten by the next forward pass.
    void reserve(std::int64_t positions);

    std::int64_t positions() const { return m_positions; }
    std::int64_t layers() const { return m_layers; }
    std::int64_t heads() const { return m_heads; }

    // Written by the forward pass.
    float& residualRms(std::int64_t pos, std::int64_t layer) { return m_residualRms[pos * m_layers + layer]; }
    float& mlpActivationRms(std::int64_t pos, std::int64_t layer) { return m_mlpRms[pos * m_layers + layer]; }
    float& attentionEntropy(std::int64_t pos, std::int64_t layer, std::int64_t head) {
        return m_entropy[(pos * m_layers + layer) * m_heads + head];
    }
    float& attentionSink(std::int64_t pos, std::int64_t layer, std::int64_t head) {
        return m_sink[(pos * m_layers + layer) * m_heads + head];
    }
    std::vector<double>& layerSeconds() { return m_layerSeconds; }  // [layers], last forward call

    float residualRms(std::int64_t pos, std::int64_t layer) const { return m_residualRms[pos * m_layers + layer]; }
    float mlpActivationRms(std::int64_t pos, std::int64_t layer) const { return m_mlpRms[pos * m_layers + layer]; }
    float attentionEntropy(std::int64_t pos, std::int64_t layer, std::int64_t head) const {
        return m_entropy[(pos * m_layers + layer) * m_heads + head];
    }
    float attentionSink(std::int64_t pos, std::int64_t layer, std::int64_t head) const {
        return m_sink[(pos * m_layers + layer) * m_heads + head];
    }
    const std::vector<double>& layerSeconds() const { return m_layerSeconds; }

    // Hidden state entering layer `layer` (layer == layers(): after the last layer, before the
    // final norm) at `pos`. keepsHidden(pos) says whether it is within the budget.
    bool keepsHidden(std::int64_t pos) const { return pos < m_hiddenCapacity; }
    void storeHidden(std::int64_t pos, std::int64_t layer, const float* h);
    void loadHidden(std::int64_t pos, std::int64_t layer, float* out) const;

    std::uint64_t hiddenBytesPerPosition() const { return std::uint64_t(m_layers + 1) * m_hiddenSize * sizeof(float); }
    std::uint64_t hiddenBudgetBytes() const { return m_budget; }
    std::uint64_t hiddenBytesUsed() const { return hiddenBytesPerPosition() * std::uint64_t(std::min(m_positions, m_hiddenCapacity)); }

private:
    bool m_enabled = true;
    bool m_hostHidden = true;
    std::int64_t m_layers = 0, m_heads = 0, m_hiddenSize = 0;
    std::int64_t m_positions = 0;       // positions with room
    std::int64_t m_hiddenCapacity = 0;  // positions whose hidden states fit the budget
    std::uint64_t m_budget = 0;
    std::vector<float> m_residualRms;   // [pos][layer]
    std::vector<float> m_mlpRms;        // [pos][layer]
    std::vector<float> m_entropy;       // [pos][layer][head], nats
    std::vector<float> m_sink;          // [pos][layer][head]
    std::vector<double> m_layerSeconds; // [layer]
    std::vector<float> m_hidden;        // [pos][layer + 1][hiddenSize]
};

}  // namespace qe
