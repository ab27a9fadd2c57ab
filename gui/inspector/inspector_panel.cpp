// InspectorPanel: layout, engine wiring, on-demand requests and export.
#include "gui/inspector/inspector_panel.h"

#include <algorithm>

#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "gui/engine/engine_controller.h"
#include "gui/inspector/attention_heatmap.h"
#include "gui/inspector/attention_view.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/layer_charts_view.h"
#include "gui/inspector/logit_lens_view.h"
#include "gui/inspector/structure_tour_panel.h"
#include "gui/inspector/structure_view.h"
#include "gui/inspector/token_strip.h"

namespace qe::gui {

InspectorPanel::InspectorPanel(EngineController* engine, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_store(new DiagnosticsStore(this)), m_strip(new TokenStrip(m_store, this)),
      m_stripScroll(new QScrollArea(this)), m_stripTitle(new QLabel(this)), m_colourLabel(new QLabel(this)),
      m_colour(new QComboBox(this)),
      m_follow(new QPushButton(this)), m_exportPng(new QPushButton(this)), m_exportJson(new QPushButton(this)),
      m_exportCsv(new QPushButton(this)), m_budget(new QLabel(this)),
      m_tabs(new QTabWidget(this)), m_structure(new StructureView(m_store, this)), m_attention(new AttentionView(m_store, this)),
      m_layers(new LayerChartsView(m_store, this)), m_lens(new LogitLensView(m_store, this)), m_requestTimer(new QTimer(this)) {
    setObjectName(QStringLiteral("inspector"));
    m_stripScroll->setWidget(m_strip);
    m_stripScroll->setWidgetResizable(true);
    m_stripScroll->setMinimumHeight(60);
    m_stripScroll->setMaximumHeight(110);
    for (int i = 0; i < 3; ++i) m_colour->addItem(QString());
    m_colourLabel->setBuddy(m_colour);
    auto* top = new QHBoxLayout();
    top->addWidget(m_stripTitle, 1);
    top->addWidget(m_colourLabel);
    top->addWidget(m_colour);
    top->addWidget(m_follow);
    auto* bottom = new QHBoxLayout();
    // The two long lines wrap, so that the dock can be narrow, also with View → Zoom.
    m_stripTitle->setWordWrap(true);
    m_budget->setWordWrap(true);
    bottom->addWidget(m_budget, 1);
    bottom->addWidget(m_exportPng);
    bottom->addWidget(m_exportJson);
    bottom->addWidget(m_exportCsv);
    m_tabs->addTab(m_structure, QString());
    m_tabs->addTab(m_attention, QString());
    m_tabs->addTab(m_layers, QString());
    m_tabs->addTab(m_lens, QString());
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_stripScroll);
    layout->addWidget(m_tabs, 1);
    layout->addLayout(bottom);

    m_requestTimer->setSingleShot(true);
    m_requestTimer->setInterval(80);
    connect(m_requestTimer, &QTimer::timeout, this, &InspectorPanel::sendRequests);
    connect(m_colour, &QComboBox::currentIndexChanged, this,
            [this](int index) {
                m_strip->setColouring(static_cast<TokenStrip::Colouring>(std::max(index, 0)));
                updateWatch();
            });
    connect(m_attention, &AttentionView::focusRowChanged, this, [this] {
        const AttentionView::FocusRow& focus = m_attention->focusRow();
        m_strip->setAttention(focus.pos, focus.probs, static_cast<int>(focus.layer), static_cast<int>(focus.head));
    });
    connect(engine, &EngineController::attentionRowReady, m_attention, &AttentionView::setFocusRow);
    connect(m_attention, &AttentionView::keyHovered, this, [this](std::int64_t pos) {
        m_strip->setMarked(pos);
        m_attention->heatmap()->setMarkedKey(pos);
        const QRectF r = m_strip->tokenRect(pos);
        if (r.isValid()) m_stripScroll->ensureVisible(static_cast<int>(r.center().x()), static_cast<int>(r.center().y()), 10, 20);
    });
    connect(m_follow, &QPushButton::clicked, this, [this] { m_store->select(-1); });
    connect(m_exportPng, &QPushButton::clicked, this, [this] { exportWithDialog(true); });
    connect(m_exportJson, &QPushButton::clicked, this, [this] { exportWithDialog(false); });
    connect(m_exportCsv, &QPushButton::clicked, this, &InspectorPanel::exportCsvWithDialog);
    connect(m_tabs, &QTabWidget::currentChanged, this, &InspectorPanel::updateWatch);
    connect(m_layers, &LayerChartsView::headClicked, this, [this](int layer, int head) {
        m_attention->openHead(layer, head);
        showTab(AttentionTab);
    });
    connect(m_attention, &AttentionView::attentionWanted, this, [this] {
        updateWatch();
        m_attentionDirty = true;
        scheduleRequests();
    });
    connect(m_lens, &LogitLensView::lensWanted, this, [this](std::int64_t pos) {
        m_lensPos = pos;
        scheduleRequests();
    });

    connect(engine, &EngineController::modelLoaded, this, [this](const ModelLoaded& loaded) {
        m_structure->setCheckpoint(loaded.checkpoint);  // before setModel, which shows the loaded model
        m_store->setModel(loaded.config, loaded.tokenizer);
    });
    connect(engine, &EngineController::diagnosticsReady, this, [this](const DiagnosticsDelta& delta) {
        if (delta.data) m_store->apply(*delta.data);
    });
    connect(engine, &EngineController::generationFinished, this, &InspectorPanel::scheduleRequests);
    connect(engine, &EngineController::engineFailed, this, &InspectorPanel::scheduleRequests);
    connect(engine, &EngineController::attentionReady, m_attention, &AttentionView::setRows);
    connect(engine, &EngineController::liveAttentionReady, m_attention, &AttentionView::appendLiveRows);
    connect(m_store, &DiagnosticsStore::positionsChanged, this, &InspectorPanel::updateBudget);
    connect(m_store, &DiagnosticsStore::modelChanged, this, &InspectorPanel::updateBudget);
    connect(engine, &EngineController::logitLensReady, m_lens, &LogitLensView::setLens);
    // The guided tour shows the same lens and attention rows when they match its token.
    connect(engine, &EngineController::attentionReady, m_structure->tourPanel(), &StructureTourPanel::setAttentionRows);
    connect(engine, &EngineController::logitLensReady, m_structure->tourPanel(), &StructureTourPanel::setLens);
    connect(m_store, &DiagnosticsStore::selectionChanged, this, [this](std::int64_t pos) {
        m_follow->setEnabled(!m_store->followsLatest());
        // After the strip's new height is laid out (the selection often comes with new positions).
        QTimer::singleShot(0, this, [this, pos] {
            const QRectF r = m_strip->tokenRect(pos);
            if (r.isValid()) m_stripScroll->ensureVisible(static_cast<int>(r.center().x()), static_cast<int>(r.center().y()), 10, 20);
        });
    });
    retranslateUi();
}

int InspectorPanel::heightForWidth(int width) const {
    return layout() ? layout()->minimumHeightForWidth(width) : QWidget::heightForWidth(width);
}

void InspectorPanel::scheduleRequests() { m_requestTimer->start(); }

void InspectorPanel::sendRequests() {
    if (m_engine->isGenerating() || m_engine->isLoading()) return;  // asked again on generationFinished
    if (m_attentionDirty) {
        if (auto r = m_attention->takeRequest()) m_engine->requestAttention(r->layer, r->head, r->firstPos, r->lastPos, r->block);
        m_attentionDirty = false;
    }
    if (auto r = m_attention->takeFocusRequest()) m_engine->requestAttentionRow(r->layer, r->head, r->firstPos);
    if (m_lensPos >= 0 && m_lensPos < m_store->positions()) {
        m_engine->requestLogitLens(m_lensPos, LogitLensView::kTopK);
        m_lensPos = -1;
    }
}

ExportableView* InspectorPanel::currentView() const {
    switch (m_tabs->currentIndex()) {
    case StructureTab: return m_structure;
    case AttentionTab: return m_attention;
    case LayersTab: return m_layers;
    case LensTab: return m_lens;
    default: return nullptr;
    }
}

void InspectorPanel::showTab(Tab tab) { m_tabs->setCurrentIndex(tab); }

// Live rows cost the engine a little per token: only while the attention map is on screen, or
// the context tokens show where the newest token looks.
void InspectorPanel::updateWatch() {
    const bool shown = m_tabs->currentIndex() == AttentionTab || m_strip->colouring() == TokenStrip::Colouring::Attention;
    m_engine->watchAttention(shown ? m_attention->layer() : -1, shown ? m_attention->head() : -1);
}

void InspectorPanel::updateBudget() {
    const QLocale locale;
    const std::int64_t kept = m_store->hiddenPositions();
    const QString used = locale.formattedDataSize(static_cast<qint64>(m_store->hiddenBytesUsed()), 1);
    const QString budget = locale.formattedDataSize(static_cast<qint64>(m_store->hiddenBudgetBytes()), 1);
    if (m_store->positions() <= 0) {
        m_budget->clear();
    } else if (kept <= 0) {
        //: %1: memory budget, e.g. "512 MiB".
        m_budget->setText(tr("Kept hidden states: none (budget %1) — attention and logit lens unavailable").arg(budget));
    } else {
        //: %1 used of %2 budget; %3–%4: positions that can be inspected.
        m_budget->setText(tr("Kept hidden states: %1 of %2 — positions %3–%4 available for the attention map and logit lens")
                              .arg(used, budget, locale.toString(0), locale.toString(kept - 1)));
    }
    m_budget->setToolTip(tr("The attention map and the logit lens are recomputed from each layer's input kept for every "
                            "position, within the diagnostics memory set in Settings (applies when a model is loaded)."));
}

bool InspectorPanel::exportCurrentPng(const QString& path, QString* error) {
    ExportableView* view = currentView();
    return view && exportPng(view->exportWidget(), path, error);
}

bool InspectorPanel::exportCurrentJson(const QString& path, QString* error) {
    ExportableView* view = currentView();
    return view && exportJson(view->diagnosticsJson(), path, error);
}

bool InspectorPanel::exportCurrentCsv(const QString& path, QString* error) {
    ExportableView* view = currentView();
    return view && exportCsv(view->diagnosticsCsv(), path, error);
}

void InspectorPanel::exportCsvWithDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export diagnostics as CSV"), QString(), tr("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportCurrentCsv(path, &error))
        QMessageBox::warning(this, tr("Export failed"), tr("The file could not be written.") + QStringLiteral("\n\n") + error);
}

void InspectorPanel::exportWithDialog(bool png) {
    const QString path = png ? QFileDialog::getSaveFileName(this, tr("Export view as PNG"), QString(), tr("PNG images (*.png)"))
                             : QFileDialog::getSaveFileName(this, tr("Export diagnostics as JSON"), QString(), tr("JSON files (*.json)"));
    if (path.isEmpty()) return;
    QString error;
    if (!(png ? exportCurrentPng(path, &error) : exportCurrentJson(path, &error)))
        QMessageBox::warning(this, tr("Export failed"), tr("The file could not be written.") + QStringLiteral("\n\n") + error);
}

void InspectorPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void InspectorPanel::retranslateUi() {
    m_stripTitle->setText(tr("Context tokens (click one to inspect it; hover for the alternatives)"));
    //: Label of the choice of what colours the context tokens.
    m_colourLabel->setText(tr("Colour:"));
    m_colour->setItemText(0, tr("Probability"));
    m_colour->setItemText(1, tr("Attention"));
    m_colour->setItemText(2, tr("None"));
    m_colour->setToolTip(tr("Probability: each generated token by the probability the model gave it, red unlikely, green "
                            "likely. Attention: every token by the weight the selected token gives it in the head the "
                            "Attention tab shows, white none, blue the most."));
    m_follow->setText(tr("Follow latest"));
    m_follow->setToolTip(tr("Select the newest token again as it streams"));
    m_follow->setEnabled(!m_store->followsLatest());
    m_exportPng->setText(tr("Export PNG…"));
    m_exportJson->setText(tr("Export JSON…"));
    m_exportJson->setToolTip(tr("Save the numbers behind the current view"));
    m_exportCsv->setText(tr("Export CSV…"));
    //: Tooltip of the CSV export; the attention map also writes a second file "<name>-heads.csv" for the head grid.
    m_exportCsv->setToolTip(tr("Save the numbers behind the current view as CSV tables (the attention map adds a -heads file)"));
    m_tabs->setTabText(StructureTab, tr("Structure"));
    m_tabs->setTabText(AttentionTab, tr("Attention"));
    m_tabs->setTabText(LayersTab, tr("Layers"));
    m_tabs->setTabText(LensTab, tr("Logit lens"));
    updateBudget();
}

}  // namespace qe::gui
