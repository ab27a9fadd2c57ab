// StructureView: chooser, diagram, totals and explanations.
#include "gui/inspector/structure_view.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "core/model_info.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/structure_diagram.h"
#include "gui/inspector/structure_tour_panel.h"
#include "gui/inspector/tensor_stats_panel.h"
#include "gui/model_card.h"

namespace qe::gui {

namespace {

const QString kLoaded = QStringLiteral("loaded");

QString number(std::int64_t n) { return QLocale(QLocale::English, QLocale::UnitedStates).toString(static_cast<qlonglong>(n)); }

// "0.6b" -> "Qwen3-0.6B"
QString presetTitle(const std::string& name) {
    if (name == "tiny") return QString();
    return QStringLiteral("Qwen3-") + QString::fromStdString(name).toUpper();
}

}  // namespace

StructureView::StructureView(DiagnosticsStore* store, QWidget* parent)
    : QWidget(parent), m_store(store), m_chooserLabel(new QLabel(this)), m_chooser(new QComboBox(this)),
      m_tourButton(new QPushButton(this)), m_scroll(new QScrollArea(this)), m_diagram(new StructureDiagram(store, this)),
      m_totals(new QLabel(this)), m_explanation(new QTextBrowser(this)), m_tour(new StructureTourPanel(store, this)) {
    setObjectName(QStringLiteral("structureView"));
    m_stats = new TensorStatsPanel(this);
    auto* top = new QHBoxLayout();
    top->addWidget(m_chooserLabel);
    top->addWidget(m_chooser, 1);
    top->addWidget(m_tourButton);
    m_scroll->setWidget(m_diagram);
    m_scroll->setWidgetResizable(true);
    m_totals->setWordWrap(true);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanation->setOpenExternalLinks(false);
    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_totals);
    sideLayout->addWidget(m_explanation, 1);
    sideLayout->addWidget(m_tour, 1);
    sideLayout->addWidget(m_stats);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_scroll);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(m_chooser, &QComboBox::currentIndexChanged, this, &StructureView::onChosen);
    connect(m_diagram, &StructureDiagram::blockClicked, this, [this](StructureBlock block) {
        // During the tour the highlight belongs to the tour's step.
        if (m_tour->isRunning()) m_diagram->setCurrent(m_tour->tour()->step(m_tour->current()).block);
        else explain(static_cast<int>(block));
    });
    connect(m_tourButton, &QPushButton::clicked, this, &StructureView::startTour);
    auto* tourShortcut = new QShortcut(QKeySequence(Qt::Key_F5), this);
    tourShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(tourShortcut, &QShortcut::activated, this, &StructureView::startTour);
    connect(m_tour, &StructureTourPanel::stepShown, this, [this](int, StructureBlock block) { showTourStep(block); });
    connect(m_tour, &StructureTourPanel::finished, this, &StructureView::endTour);
    connect(store, &DiagnosticsStore::modelChanged, this, [this] {
        fillChooser();
        if (m_store->config()) chooseLoadedModel();
    });
    connect(store, &DiagnosticsStore::positionsChanged, this, &StructureView::updateTotals);
    fillChooser();
    choosePreset(QStringLiteral("0.6b"));
    retranslateUi();
}

void StructureView::fillChooser() {
    const QString current = m_chooser->currentData().toString();
    const QSignalBlocker block(m_chooser);
    m_chooser->clear();
    if (m_store->config()) m_chooser->addItem(tr("Loaded model"), kLoaded);
    for (const std::string& name : presetNames()) {
        const QString title = presetTitle(name);
        m_chooser->addItem(title.isEmpty() ? tr("Tiny test model") : title, QString::fromStdString(name));
    }
    const int index = m_chooser->findData(current);
    m_chooser->setCurrentIndex(index >= 0 ? index : 0);
}

bool StructureView::choosePreset(const QString& name) {
    const int index = m_chooser->findData(name.toLower());
    if (index < 0 || name == kLoaded) return false;
    if (m_chooser->currentIndex() == index) onChosen(index);
    else m_chooser->setCurrentIndex(index);
    return true;
}

void StructureView::chooseLoadedModel() {
    const int index = m_chooser->findData(kLoaded);
    if (index < 0) return;
    if (m_chooser->currentIndex() == index) onChosen(index);
    else m_chooser->setCurrentIndex(index);
}

void StructureView::onChosen(int index) {
    m_tour->stop();  // its steps belong to the previous config
    const QString key = m_chooser->itemData(index).toString();
    if (key == kLoaded && m_store->config()) {
        m_config = *m_store->config();
        m_diagram->setConfig(m_config, true);
    } else if (auto preset = presetConfig(key.toStdString())) {
        m_config = *preset;
        m_diagram->setConfig(m_config, false);
    } else {
        return;
    }
    m_stats->setCheckpoint(key == kLoaded ? m_checkpoint : nullptr, m_config);  // a preset is a config without weights
    updateTotals();
    if (m_explained >= 0) explain(m_explained);
}

void StructureView::updateTotals() {
    const ModelSizes sizes = computeModelSizes(m_config);
    const QLocale locale;
    const std::int64_t context = m_store->tokenCount();
    QStringList lines;
    lines << tr("<b>%1 parameters</b> (%2 without the embedding)").arg(number(sizes.total), number(sizes.nonEmbedding));
    const QString dtype = QString::fromStdString(m_config.torchDtype);
    if (m_config.quantization) {
        //: %1: size of the weights as stored, %2: the linear layers' quantization ("AWQ 4-bit, groups of 128"), %3: the
        //: other tensors' data type such as float16.
        lines << tr("Weights: %1, linear layers in %2, the rest in %3")
                     .arg(locale.formattedDataSize(sizes.storedBytes), ModelCardView::quantizationText(*m_config.quantization), dtype);
    } else {
        //: %1: size of the weights, %2: data type such as bfloat16.
        lines << tr("Weights: %1 in %2").arg(locale.formattedDataSize(sizes.storedBytes), dtype);
    }
    //: KV cache: %1 bytes per token in BF16 (the GPU's cache, the CPU's when chosen in Settings), %2 in FP32 (the CPU's default).
    lines << tr("KV cache per token: %1 (BF16), %2 (FP32)")
                 .arg(locale.formattedDataSize(sizes.kvBytesPerTokenBf16), locale.formattedDataSize(sizes.kvBytesPerTokenF32));
    //: %n tokens in the current context; %1 and %2: the KV cache they need in BF16 and in FP32.
    lines << tr("Current context: %n token(s) → %1 (BF16), %2 (FP32)", nullptr, static_cast<int>(context))
                 .arg(locale.formattedDataSize(sizes.kvBytesPerTokenBf16 * context), locale.formattedDataSize(sizes.kvBytesPerTokenF32 * context));
    m_totals->setText(lines.join(QStringLiteral("<br>")));
}

QString StructureView::totalsText() const { return m_totals->text(); }
QString StructureView::explanationText() const { return m_explanation->toPlainText(); }

void StructureView::explain(int block) {
    m_explained = block;
    m_diagram->setCurrent(static_cast<StructureBlock>(block));
    m_explanation->setHtml(structureExplanation(static_cast<StructureBlock>(block), m_config));
    m_stats->showBlock(static_cast<StructureBlock>(block));
}

void StructureView::startTour() {
    m_explanation->hide();
    // A click on the diagram must not move the keyboard focus away from the tour panel.
    m_scroll->setFocusPolicy(Qt::NoFocus);
    m_tour->start(m_config, m_chooser->currentData().toString() == kLoaded && m_store->config());
}

void StructureView::showTourStep(StructureBlock block) {
    m_diagram->setCurrent(block);
    // Bottom edge first, then the top: the whole block ends up in view, the top winning if it cannot.
    const QRect r = m_diagram->blockRect(block).toRect();
    m_scroll->ensureVisible(r.center().x(), r.bottom(), 20, 8);
    m_scroll->ensureVisible(r.center().x(), r.top(), 20, 8);
}

void StructureView::endTour() {
    m_scroll->setFocusPolicy(Qt::StrongFocus);  // QAbstractScrollArea's own default
    m_explanation->show();
    m_diagram->setCurrent(m_explained >= 0 ? std::optional(static_cast<StructureBlock>(m_explained)) : std::nullopt);
}

QJsonObject StructureView::diagnosticsJson() const {
    const ModelSizes sizes = computeModelSizes(m_config);
    QJsonArray modules;
    for (const ModuleSize& m : sizes.modules) {
        QJsonArray shape;
        for (auto d : m.shape) shape.append(static_cast<qint64>(d));
        modules.append(QJsonObject{{QStringLiteral("name"), QString::fromStdString(m.name)},
                                   {QStringLiteral("shape"), shape},
                                   {QStringLiteral("parameters"), static_cast<qint64>(m.parameters)},
                                   {QStringLiteral("count"), static_cast<qint64>(m.count)}});
    }
    QJsonArray seconds;
    if (m_chooser->currentData().toString() == kLoaded)
        for (double s : m_store->layerSeconds()) seconds.append(s);
    return QJsonObject{{QStringLiteral("view"), QStringLiteral("structure")},
                       {QStringLiteral("model"), m_chooser->currentText()},
                       {QStringLiteral("config"), QJsonDocument::fromJson(QByteArray::fromStdString(modelConfigToJson(m_config))).object()},
                       {QStringLiteral("modules"), modules},
                       {QStringLiteral("parameters"), static_cast<qint64>(sizes.total)},
                       {QStringLiteral("kv_bytes_per_token_bf16"), static_cast<qint64>(sizes.kvBytesPerTokenBf16)},
                       {QStringLiteral("kv_bytes_per_token_f32"), static_cast<qint64>(sizes.kvBytesPerTokenF32)},
                       {QStringLiteral("context_tokens"), static_cast<qint64>(m_store->tokenCount())},
                       {QStringLiteral("layer_seconds"), seconds}};
}

QList<CsvTable> StructureView::diagnosticsCsv() const {
    const ModelSizes sizes = computeModelSizes(m_config);
    CsvTable modules;
    modules.header = {QStringLiteral("module"), QStringLiteral("shape"), QStringLiteral("parameters"), QStringLiteral("count"),
                      QStringLiteral("parameters_total")};
    for (const ModuleSize& m : sizes.modules) {
        QStringList shape;
        for (auto d : m.shape) shape << QString::number(d);
        modules.rows.append({QString::fromStdString(m.name), shape.join(QLatin1Char('x')), QString::number(m.parameters),
                             QString::number(m.count), QString::number(m.parameters * m.count)});
    }
    modules.rows.append({QStringLiteral("total"), QString(), QString(), QString(), QString::number(sizes.total)});
    if (m_chooser->currentData().toString() != kLoaded) return {modules};
    // The loaded model: the live numbers the diagram shows per layer.
    CsvTable layers;
    layers.name = QStringLiteral("layers");
    layers.header = {QStringLiteral("layer"), QStringLiteral("seconds"), QStringLiteral("pos"), QStringLiteral("residual_rms")};
    const std::vector<double>& seconds = m_store->layerSeconds();
    const std::int64_t pos = m_store->selected();
    for (std::int64_t layer = 0; layer < m_config.numHiddenLayers; ++layer) {
        const bool timed = layer < static_cast<std::int64_t>(seconds.size());
        const bool known = pos >= 0 && pos < m_store->positions() && layer < m_store->layers();
        layers.rows.append({QString::number(layer), timed ? csvNumber(seconds[static_cast<std::size_t>(layer)]) : QString(),
                            known ? QString::number(pos) : QString(), known ? csvNumber(m_store->residualRms(pos, layer)) : QString()});
    }
    return {modules, layers};
}

void StructureView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void StructureView::retranslateUi() {
    m_chooserLabel->setText(tr("Model:"));
    m_tourButton->setText(tr("Start tour"));
    //: Tooltip of the guided tour button; F5 is its shortcut.
    m_tourButton->setToolTip(tr("Step through the forward pass of the selected token block by block, with its live numbers (F5)"));
    fillChooser();
    updateTotals();
    if (m_explained >= 0) explain(m_explained);
    else m_explanation->setHtml(tr("<p>Click a block of the diagram to see what it computes and why Qwen3 has it.</p>"));
    m_diagram->update();
}

}  // namespace qe::gui
