// Layer structure: a model chooser (the loaded model or any Qwen3 preset, from config alone),
// the block diagram, the totals (parameters, bytes, KV cache per token and for the current
// context) and the explanation of the clicked block.
#pragma once

#include <QWidget>

#include "core/model_config.h"
#include "gui/inspector/inspector_export.h"

class QComboBox;
class QLabel;
class QTextBrowser;

namespace qe::gui {

class DiagnosticsStore;
class StructureDiagram;

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
    QJsonObject diagnosticsJson() const override;
    QWidget* exportWidget() override { return this; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void fillChooser();
    void onChosen(int index);
    void updateTotals();

    DiagnosticsStore* m_store;
    ModelConfig m_config;
    int m_explained = -1;
    QLabel* m_chooserLabel;
    QComboBox* m_chooser;
    StructureDiagram* m_diagram;
    QLabel* m_totals;
    QTextBrowser* m_explanation;
};

}  // namespace qe::gui
