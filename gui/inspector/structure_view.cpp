// StructureView: chooser, diagram, totals and explanations.
#include "gui/inspector/structure_view.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "core/model_info.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/structure_diagram.h"

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
      m_diagram(new StructureDiagram(store, this)), m_totals(new QLabel(this)), m_explanation(new QTextBrowser(this)) {
    setObjectName(QStringLiteral("structureView"));
    auto* top = new QHBoxLayout();
    top->addWidget(m_chooserLabel);
    top->addWidget(m_chooser, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_diagram);
    scroll->setWidgetResizable(true);
    m_totals->setWordWrap(true);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanation->setOpenExternalLinks(false);
    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_totals);
    sideLayout->addWidget(m_explanation, 1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(scroll);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(m_chooser, &QComboBox::currentIndexChanged, this, &StructureView::onChosen);
    connect(m_diagram, &StructureDiagram::blockClicked, this, [this](StructureBlock block) { explain(static_cast<int>(block)); });
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
    updateTotals();
    if (m_explained >= 0) explain(m_explained);
}

void StructureView::updateTotals() {
    const ModelSizes sizes = computeModelSizes(m_config);
    const QLocale locale;
    const std::int64_t context = m_store->tokenCount();
    const int bytesPerParameter = m_config.torchDtype == "float32" ? 4 : 2;
    QStringList lines;
    lines << tr("<b>%1 parameters</b> (%2 without the embedding)").arg(number(sizes.total), number(sizes.nonEmbedding));
    //: %1: size of the weights, %2: data type such as bfloat16.
    lines << tr("Weights: %1 in %2").arg(locale.formattedDataSize(sizes.total * bytesPerParameter), QString::fromStdString(m_config.torchDtype));
    //: KV cache: %1 bytes per token in BF16, %2 in FP32 (the CPU engine's cache).
    lines << tr("KV cache per token: %1 (BF16), %2 (FP32, CPU engine)")
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

void StructureView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void StructureView::retranslateUi() {
    m_chooserLabel->setText(tr("Model:"));
    fillChooser();
    updateTotals();
    if (m_explained >= 0) explain(m_explained);
    else m_explanation->setHtml(tr("<p>Click a block of the diagram to see what it computes and why Qwen3 has it.</p>"));
    m_diagram->update();
}

}  // namespace qe::gui
