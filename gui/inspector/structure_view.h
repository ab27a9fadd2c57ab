// Layer structure: a model chooser (the loaded model or any Qwen3 preset, from config alone),
// the block diagram, the totals (parameters, bytes, KV cache per token and for the current
// context) and the explanation (and tensor statistics) of the clicked block, or the guided tour of one token's forward pass.
#pragma once

#include <memory>

#include <QWidget>

#include "core/model_config.h"
#include "gui/inspector/inspector_export.h"

class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QTextBrowser;

namespace qe {
class SafetensorsCheckpoint;
}

namespace qe::gui {

class DiagnosticsStore;
class TensorStatsPanel;
class StructureDiagram;
class StructureTourPanel;
enum class StructureBlock;

class StructureView : public QWidget, public ExportableView {
    Q_OBJECT
public:
    explicit StructureView(DiagnosticsStore* store, QWidget* parent = nullptr);

    // Chooses a preset by its core name ("0.6b" … "32b", "tiny"); false if unknown.
    bool choosePreset(const QString& name);
    void chooseLoadedModel();
    const ModelConfig& shownConfig() const { return m_config; }
    QString totalsText() const;
    QString explanationText() const;
    void explain(int block);
    StructureDiagram* diagram() const { return m_diagram; }
    // The guided tour of the selected token through the shown model (button, F5).
    void startTour();
    StructureTourPanel* tourPanel() const { return m_tour; }
    QPushButton* tourButton() const { return m_tourButton; }
    // The loaded model's tensors for the statistics panel (null: none). Applied when the store
    // next reports the model (InspectorPanel sets it just before DiagnosticsStore::setModel).
    void setCheckpoint(std::shared_ptr<const SafetensorsCheckpoint> checkpoint) { m_checkpoint = std::move(checkpoint); }
    TensorStatsPanel* statsPanel() const { return m_stats; }
    QJsonObject diagnosticsJson() const override;
    QList<CsvTable> diagnosticsCsv() const override;
    QWidget* exportWidget() override { return this; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void fillChooser();
    void onChosen(int index);
    void updateTotals();
    void showTourStep(StructureBlock block);
    void endTour();

    DiagnosticsStore* m_store;
    ModelConfig m_config;
    int m_explained = -1;
    QLabel* m_chooserLabel;
    QComboBox* m_chooser;
    QPushButton* m_tourButton;
    QScrollArea* m_scroll;
    StructureDiagram* m_diagram;
    QLabel* m_totals;
    QTextBrowser* m_explanation;
    StructureTourPanel* m_tour;
    std::shared_ptr<const SafetensorsCheckpoint> m_checkpoint;
    TensorStatsPanel* m_stats;
};

}  // namespace qe::gui
