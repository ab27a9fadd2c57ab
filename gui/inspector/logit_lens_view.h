// Logit lens: for the selected position, what the residual stream after each layer would
// predict as the next token (final norm + LM head applied early), as a table of layers × top
// tokens with probabilities. Computed on demand by the engine (lensWanted → setLens) for
// positions whose hidden states the diagnostics budget kept; for others it says so.
#pragma once

#include <QWidget>

#include "gui/engine/engine_events.h"
#include "gui/inspector/inspector_export.h"

class QLabel;
class QTableWidget;

namespace qe::gui {

class DiagnosticsStore;

class LogitLensView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    static constexpr std::int64_t kTopK = 5;

    LogitLensView(DiagnosticsStore* store, QWidget* parent = nullptr);
    void setLens(const LogitLens& lens);
    const LogitLens& lens() const { return m_lens; }
    QTableWidget* table() const { return m_table; }
    QLabel* titleLabel() const { return m_title; }
    QJsonObject diagnosticsJson() const override;
    // One line per (layer, rank): pos,layer,rank,token_id,token,prob.
    QList<CsvTable> diagnosticsCsv() const override;
    QWidget* exportWidget() override { return this; }

signals:
    void lensWanted(std::int64_t pos);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void fill();

    DiagnosticsStore* m_store;
    LogitLens m_lens;
    QLabel* m_title;
    QTableWidget* m_table;
};

}  // namespace qe::gui
