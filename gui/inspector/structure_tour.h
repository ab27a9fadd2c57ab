// The guided tour of the structure view (issue #9): the steps of one token's forward pass through
// a Qwen3 model of a given config, block by block, and for each step its title, its explanation
// and that token's live numbers from the inspector's diagnostics. No widgets: the tour panel shows
// what this computes, and tests check it directly.
#pragma once

#include <cstdint>
#include <vector>

#include <QCoreApplication>
#include <QString>

#include "core/model_config.h"
#include "gui/engine/engine_events.h"
#include "gui/inspector/structure_diagram.h"

namespace qe::gui {

class DiagnosticsStore;

enum class TourStepKind {
    Token, Embedding, InputNorm, QkvProjection, QkNorm, Rope, Attention, OutputProjection, AttentionResidual,
    PostNorm, Mlp, MlpResidual, FinalNorm, LmHead, NextToken
};

struct TourStep {
    TourStepKind kind = TourStepKind::Token;
    StructureBlock block = StructureBlock::Embedding;  // the block highlighted in the diagram
    std::int64_t layer = -1;                            // decoder layer; -1 before and after the layers
};

// What the tour may know about its token besides the config. Every member may be missing; the
// step text then says where the numbers will appear. Pointers are borrowed for one call.
struct TourLive {
    const DiagnosticsStore* store = nullptr;  // used only if its model has the tour's shape
    std::int64_t pos = -1;                    // the token's position (-1: none)
    const LogitLens* lens = nullptr;          // used if lens->pos == pos
    const AttentionRows* attention = nullptr; // one head's rows; used if they cover pos
};

class StructureTour {
    Q_DECLARE_TR_FUNCTIONS(StructureTour)
public:
    static constexpr int kStepsBeforeLayers = 2;  // the token, its embedding
    static constexpr int kStepsPerLayer = 10;     // the blocks of one decoder layer in the diagram
    static constexpr int kStepsAfterLayers = 3;   // final norm, LM head, the next token

    explicit StructureTour(const ModelConfig& config);

    const ModelConfig& config() const { return m_config; }
    int size() const { return static_cast<int>(m_steps.size()); }
    const TourStep& step(int index) const { return m_steps[static_cast<std::size_t>(index)]; }

    // Jumps for the teacher: the first step of the next / previous layer (before layer 0: the
    // token; after the last layer: the final norm) and the first step of the last layer.
    int nextLayerStep(int index) const;
    int previousLayerStep(int index) const;
    int lastLayerStep() const;

    // Rich text of a step: its heading, its explanation (what, formula, why) and that token's
    // numbers at this step (from the config, and live ones when `live` has them).
    QString title(int index) const;
    QString explanation(int index) const;
    QString numbers(int index, const TourLive& live) const;
    // How the tour writes a live value (RMS, ratio, angle): 4 significant digits, UI locale.
    static QString formatNumber(double value);

private:
    bool hasLive(const TourLive& live) const;
    QString liveNumbers(const TourStep& step, const TourLive& live) const;
    QString configNumbers(const TourStep& step, const TourLive& live) const;
    QString attentionNumbers(std::int64_t layer, const TourLive& live) const;
    QString nextTokenNumbers(const TourLive& live) const;
    QString lensNumbers(const TourLive& live) const;

    ModelConfig m_config;
    std::vector<TourStep> m_steps;
};

}  // namespace qe::gui
