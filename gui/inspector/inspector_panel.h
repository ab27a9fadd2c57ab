// The inspector: the context's tokens (coloured by probability or by where the selected token
// looks in the attention map's head; click to select) above tabs for
// the layer structure, attention map, per-layer charts and logit lens, with PNG / JSON export of
// the current tab. Feeds the DiagnosticsStore from the engine's events and asks the engine for
// attention rows and logit lenses when the views need them (after a generation, never during
// one: the worker is busy generating and the answers would queue up; while generating, the
// engine streams the rows of the head the attention map shows instead). Shows how much memory
// the kept hidden states use.
#pragma once

#include <QWidget>

#include "gui/engine/engine_events.h"

class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QTabWidget;
class QTimer;

namespace qe::gui {

class AttentionView;
class DiagnosticsStore;
class EngineController;
class ExportableView;
class LayerChartsView;
class LogitLensView;
class StructureView;
class TokenStrip;

class InspectorPanel : public QWidget {
    Q_OBJECT
public:
    enum Tab { StructureTab, AttentionTab, LayersTab, LensTab };

    InspectorPanel(EngineController* engine, QWidget* parent = nullptr);

    DiagnosticsStore* store() const { return m_store; }
    StructureView* structureView() const { return m_structure; }
    AttentionView* attentionView() const { return m_attention; }
    LayerChartsView* layerChartsView() const { return m_layers; }
    LogitLensView* logitLensView() const { return m_lens; }
    TokenStrip* tokenStrip() const { return m_strip; }
    QComboBox* colouringCombo() const { return m_colour; }
    QTabWidget* tabs() const { return m_tabs; }
    ExportableView* currentView() const;
    void showTab(Tab tab);

    // Writes the current tab as PNG / JSON; false with `error` set on failure.
    bool exportCurrentPng(const QString& path, QString* error);
    bool exportCurrentJson(const QString& path, QString* error);
    bool exportCurrentCsv(const QString& path, QString* error);
    QLabel* budgetLabel() const { return m_budget; }
    // The least height at `width` (the wrapped lines' layout's minimum), not the preferred one:
    // a scroll area takes heightForWidth as the height its widget needs, and the preferred
    // heights of the tabs' views add some 400 px that they do not need.
    int heightForWidth(int width) const override;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void scheduleRequests();
    void sendRequests();
    void exportWithDialog(bool png);
    void exportCsvWithDialog();
    void updateWatch();
    void updateBudget();

    EngineController* m_engine;
    DiagnosticsStore* m_store;
    TokenStrip* m_strip;
    QScrollArea* m_stripScroll;
    QLabel* m_stripTitle;
    QLabel* m_colourLabel;
    QComboBox* m_colour;  // TokenStrip::Colouring, in its order
    QPushButton* m_follow;
    QPushButton* m_exportPng;
    QPushButton* m_exportJson;
    QPushButton* m_exportCsv;
    QLabel* m_budget;
    QTabWidget* m_tabs;
    StructureView* m_structure;
    AttentionView* m_attention;
    LayerChartsView* m_layers;
    LogitLensView* m_lens;
    QTimer* m_requestTimer;
    bool m_attentionDirty = false;
    std::int64_t m_lensPos = -1;     // position of the logit lens to ask for (-1: none)
};

}  // namespace qe::gui
