// InspectorPanel: layout, engine wiring, on-demand requests and export.
#include "gui/inspector/inspector_panel.h"

#include <QCheckBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "gui/engine/engine_controller.h"
#include "gui/inspector/attention_view.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/layer_charts_view.h"
#include "gui/inspector/logit_lens_view.h"
#include "gui/inspector/structure_view.h"
#include "gui/inspector/token_strip.h"

namespace qe::gui {

InspectorPanel::InspectorPanel(EngineController* engine, QWidget* parent)
    : QWidget(parent), m_engine(engine), m_store(new DiagnosticsStore(this)), m_strip(new TokenStrip(m_store, this)),
      m_stripScroll(new QScrollArea(this)), m_stripTitle(new QLabel(this)), m_colour(new QCheckBox(this)),
      m_follow(new QPushButton(this)), m_exportPng(new QPushButton(this)), m_exportJson(new QPushButton(this)),
      m_tabs(new QTabWidget(this)), m_structure(new StructureView(m_store, this)), m_attention(new AttentionView(m_store, this)),
      m_layers(new LayerChartsView(m_store, this)), m_lens(new LogitLensView(m_store, this)), m_requestTimer(new QTimer(this)) {
    setObjectName(QStringLiteral("inspector"));
    m_stripScroll->setWidget(m_strip);
    m_stripScroll->setWidgetResizable(true);
    m_stripScroll->setMinimumHeight(60);
    m_stripScroll->setMaximumHeight(110);
    m_colour->setChecked(true);
    auto* top = new QHBoxLayout();
    top->addWidget(m_stripTitle, 1);
    top->addWidget(m_colour);
    top->addWidget(m_follow);
    auto* bottom = new QHBoxLayout();
    bottom->addStretch(1);
    bottom->addWidget(m_exportPng);
    bottom->addWidget(m_exportJson);
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
    connect(m_colour, &QCheckBox::toggled, m_strip, &TokenStrip::setColourByProbability);
    connect(m_follow, &QPushButton::clicked, this, [this] { m_store->select(-1); });
    connect(m_exportPng, &QPushButton::clicked, this, [this] { exportWithDialog(true); });
    connect(m_exportJson, &QPushButton::clicked, this, [this] { exportWithDialog(false); });
    connect(m_layers, &LayerChartsView::headClicked, this, [this](int layer, int head) {
        m_attention->openHead(layer, head);
        showTab(AttentionTab);
    });
    connect(m_attention, &AttentionView::attentionWanted, this, [this] {
        m_attentionDirty = true;
        scheduleRequests();
    });
    connect(m_lens, &LogitLensView::lensWanted, this, [this](std::int64_t pos) {
        m_lensPos = pos;
        scheduleRequests();
    });

    connect(engine, &EngineController::modelLoaded, this, [this](const ModelLoaded& loaded) {
        m_store->setModel(loaded.config, loaded.tokenizer);
    });
    connect(engine, &EngineController::diagnosticsReady, this, [this](const DiagnosticsDelta& delta) {
        if (delta.data) m_store->apply(*delta.data);
    });
    connect(engine, &EngineController::generationFinished, this, &InspectorPanel::scheduleRequests);
    connect(engine, &EngineController::engineFailed, this, &InspectorPanel::scheduleRequests);
    connect(engine, &EngineController::attentionReady, m_attention, &AttentionView::setRows);
    connect(engine, &EngineController::logitLensReady, m_lens, &LogitLensView::setLens);
    connect(m_store, &DiagnosticsStore::selectionChanged, this, [this](std::int64_t pos) {
        m_follow->setEnabled(!m_store->followsLatest());
        const QRectF r = m_strip->tokenRect(pos);
        if (r.isValid()) m_stripScroll->ensureVisible(static_cast<int>(r.center().x()), static_cast<int>(r.center().y()), 10, 20);
    });
    retranslateUi();
}

void InspectorPanel::scheduleRequests() { m_requestTimer->start(); }

void InspectorPanel::sendRequests() {
    if (m_engine->isGenerating() || m_engine->isLoading()) return;  // asked again on generationFinished
    if (m_attentionDirty) {
        std::int64_t first = 0, last = 0;
        if (m_attention->wantedRange(&first, &last)) m_engine->requestAttention(m_attention->layer(), m_attention->head(), first, last);
        m_attentionDirty = false;
    }
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

bool InspectorPanel::exportCurrentPng(const QString& path, QString* error) {
    ExportableView* view = currentView();
    return view && exportPng(view->exportWidget(), path, error);
}

bool InspectorPanel::exportCurrentJson(const QString& path, QString* error) {
    ExportableView* view = currentView();
    return view && exportJson(view->diagnosticsJson(), path, error);
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
    m_colour->setText(tr("Colour by probability"));
    m_colour->setToolTip(tr("Colour each generated token by the probability the model gave it: red unlikely, green likely"));
    m_follow->setText(tr("Follow latest"));
    m_follow->setToolTip(tr("Select the newest token again as it streams"));
    m_follow->setEnabled(!m_store->followsLatest());
    m_exportPng->setText(tr("Export PNG…"));
    m_exportJson->setText(tr("Export JSON…"));
    m_exportJson->setToolTip(tr("Save the numbers behind the current view"));
    m_tabs->setTabText(StructureTab, tr("Structure"));
    m_tabs->setTabText(AttentionTab, tr("Attention"));
    m_tabs->setTabText(LayersTab, tr("Layers"));
    m_tabs->setTabText(LensTab, tr("Logit lens"));
}

}  // namespace qe::gui
