// The model card: name, architecture, parameters, dtype, memory and context length of the
// loaded model, or why none is loaded.
#pragma once

#include <optional>

#include <QGroupBox>

#include "gui/engine/engine_events.h"

class QLabel;

namespace qe::gui {

class ModelCardView : public QGroupBox {
    Q_OBJECT
public:
    explicit ModelCardView(QWidget* parent = nullptr);

    void setCard(const ModelCard& card);
    // No model: shows `reason` (translated) instead.
    void clear(const QString& reason);
    QString text() const;
    // The card's Device and Note rows in the current language. The note's fixed sentences (no
    // driver, no CUDA backend, the GPU's shorter context) are translated; others are technical
    // details from the engine, kept in English after a translated lead.
    static QString deviceText(const ModelCard& card);
    static QString noteText(const QString& note);
    // "AWQ 4-bit, groups of 128", "FP8 e4m3, blocks of 128×128", translated.
    static QString quantizationText(const Quantization& q);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    QLabel* m_label;
    std::optional<ModelCard> m_card;
    QString m_reason;
};

}  // namespace qe::gui
