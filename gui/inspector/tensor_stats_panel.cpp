// TensorStatsPanel: the block's tensor list, the worker-thread computation (QtConcurrent on a
// one-thread pool, result back through a QFutureWatcher on the GUI thread), cache and display.
#include "gui/inspector/tensor_stats_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QThreadPool>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "gui/inspector/tensor_histogram.h"
#include "gui/model_card.h"

namespace qe::gui {

namespace {

constexpr int kBins = 64;

// What the worker hands back; default-constructible so QFuture can hold it.
struct StatsOutcome {
    std::optional<TensorStats> stats;
    Error error;  // when stats is empty
};

bool inLayer(StructureBlock block) {
    switch (block) {
    case StructureBlock::InputNorm:
    case StructureBlock::QkvProjection:
    case StructureBlock::QkNorm:
    case StructureBlock::OutputProjection:
    case StructureBlock::PostNorm:
    case StructureBlock::Mlp: return true;
    default: return false;
    }
}

// "model.layers.3.self_attn.q_proj.weight" -> "q_proj", "model.norm.weight" -> "norm".
QString shortName(const QString& name) {
    QString base = name;
    if (base.endsWith(QStringLiteral(".weight"))) base.chop(7);
    return base.section(QLatin1Char('.'), -1);
}

QString shapeText(const std::vector<std::int64_t>& shape) {
    QStringList dims;
    for (auto d : shape) dims << QString::number(d);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

}  // namespace

std::vector<QString> blockTensorNames(StructureBlock block, const ModelConfig& config, std::int64_t layer) {
    const QString prefix = QStringLiteral("model.layers.%1.").arg(layer);
    auto inLayerNames = [&](std::initializer_list<const char*> parts) {
        std::vector<QString> names;
        for (const char* part : parts) names.push_back(prefix + QLatin1String(part) + QStringLiteral(".weight"));
        return names;
    };
    switch (block) {
    case StructureBlock::Embedding: return {QStringLiteral("model.embed_tokens.weight")};
    case StructureBlock::InputNorm: return inLayerNames({"input_layernorm"});
    case StructureBlock::QkvProjection: return inLayerNames({"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"});
    case StructureBlock::QkNorm: return inLayerNames({"self_attn.q_norm", "self_attn.k_norm"});
    case StructureBlock::OutputProjection: return inLayerNames({"self_attn.o_proj"});
    case StructureBlock::PostNorm: return inLayerNames({"post_attention_layernorm"});
    case StructureBlock::Mlp: return inLayerNames({"mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"});
    case StructureBlock::FinalNorm: return {QStringLiteral("model.norm.weight")};
    case StructureBlock::LmHead:
        return {config.tieWordEmbeddings ? QStringLiteral("model.embed_tokens.weight") : QStringLiteral("lm_head.weight")};
    default: return {};
    }
}

TensorStatsPanel::TensorStatsPanel(QWidget* parent)
    : QWidget(parent), m_pool(new QThreadPool(this)), m_title(new QLabel(this)), m_tensorLabel(new QLabel(this)),
      m_tensor(new QComboBox(this)), m_layerLabel(new QLabel(this)), m_layer(new QSpinBox(this)), m_summary(new QLabel(this)),
      m_status(new QLabel(this)), m_histogram(new TensorHistogram(this)), m_logScale(new QCheckBox(this)) {
    setObjectName(QStringLiteral("tensorStatsPanel"));
    m_pool->setMaxThreadCount(1);
    m_tensor->setObjectName(QStringLiteral("tensorChooser"));
    m_layer->setObjectName(QStringLiteral("tensorLayer"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_status->setWordWrap(true);
    auto* chooser = new QHBoxLayout();
    chooser->addWidget(m_tensorLabel);
    chooser->addWidget(m_tensor, 1);
    chooser->addWidget(m_layerLabel);
    chooser->addWidget(m_layer);
    chooser->addWidget(m_logScale);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addLayout(chooser);
    layout->addWidget(m_status);
    layout->addWidget(m_summary);
    layout->addWidget(m_histogram, 1);

    connect(m_tensor, &QComboBox::currentIndexChanged, this, &TensorStatsPanel::request);
    connect(m_layer, &QSpinBox::valueChanged, this, [this] {
        fillTensors();
        request();
    });
    connect(m_logScale, &QCheckBox::toggled, m_histogram, &TensorHistogram::setLogScale);
    retranslateUi();
}

TensorStatsPanel::~TensorStatsPanel() {
    cancel();
    m_pool->waitForDone();  // the worker checks the stop token every few thousand values
}

void TensorStatsPanel::setCheckpoint(std::shared_ptr<const SafetensorsCheckpoint> checkpoint, const ModelConfig& config) {
    if (checkpoint != m_checkpoint) cancel();
    // Viewing a preset (null) keeps the loaded model's cache; other weights start a new one.
    if (checkpoint && checkpoint != m_cacheOf) {
        ++m_generation;
        m_cache.clear();
        m_cacheOf = checkpoint;
    }
    m_checkpoint = std::move(checkpoint);
    m_config = config;
    {
        const QSignalBlocker block(m_layer);
        m_layer->setRange(0, static_cast<int>(std::max<std::int64_t>(config.numHiddenLayers - 1, 0)));
    }
    fillTensors();
    request();
}

void TensorStatsPanel::showBlock(StructureBlock block) {
    if (m_block != block) {
        m_block = block;
        const QSignalBlocker blocker(m_tensor);
        m_tensor->clear();  // a new block starts at its first tensor
    }
    fillTensors();
    request();
}

bool TensorStatsPanel::selectTensor(const QString& name) {
    const int index = m_tensor->findData(name);
    if (index < 0) return false;
    if (index == m_tensor->currentIndex()) request();
    else m_tensor->setCurrentIndex(index);
    return true;
}

void TensorStatsPanel::setLayer(int layer) { m_layer->setValue(layer); }

QString TensorStatsPanel::currentTensor() const { return m_tensor->currentData().toString(); }

const TensorStats* TensorStatsPanel::shownStats() const { return m_state == State::Ready && m_shown ? &*m_shown : nullptr; }

QString TensorStatsPanel::summaryText() const { return m_summary->text(); }
QString TensorStatsPanel::statusText() const { return m_status->text(); }

// Rebuilds the tensor list for the block and layer, keeping the position in the list.
void TensorStatsPanel::fillTensors() {
    const QSignalBlocker blocker(m_tensor);
    const int index = std::max(m_tensor->currentIndex(), 0);
    m_tensor->clear();
    const bool layered = m_block && inLayer(*m_block);
    m_layer->setVisible(layered);
    m_layerLabel->setVisible(layered);
    if (!m_block) return;
    for (const QString& name : blockTensorNames(*m_block, m_config, m_layer->value())) {
        const bool tiedHead = *m_block == StructureBlock::LmHead && m_config.tieWordEmbeddings;
        //: Entry of the tensor chooser for a tied LM head, which reads the embedding matrix.
        m_tensor->addItem(tiedHead ? tr("lm_head (tied: embed_tokens)") : shortName(name), name);
    }
    m_tensor->setCurrentIndex(std::min(index, m_tensor->count() - 1));
}

void TensorStatsPanel::request() {
    if (!m_block) return setState(State::NoBlock);
    const QString name = currentTensor();
    if (m_state == State::Computing && name == m_pending) return;  // already on its way
    cancel();
    if (name.isEmpty()) return setState(State::NoTensor);
    if (!m_checkpoint) return setState(State::NoWeights);
    if (auto cached = m_cache.constFind(name); cached != m_cache.constEnd()) return show(*cached);
    start(name);
}

void TensorStatsPanel::start(const QString& name) {
    m_stop = std::stop_source();
    m_pending = name;
    setState(State::Computing);
    auto* watcher = new QFutureWatcher<StatsOutcome>(this);
    const std::uint64_t generation = m_generation;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, name, generation] {
        const StatsOutcome outcome = watcher->result();
        watcher->deleteLater();
        finished(name, generation, outcome.stats, outcome.error);
    });
    // The lambda owns a reference to the checkpoint, so the mapping outlives a model switch.
    watcher->setFuture(QtConcurrent::run(m_pool, [checkpoint = m_checkpoint, config = m_config, tensor = name.toStdString(),
                                                  stop = m_stop.get_token()] {
        auto result = computeWeightStats(*checkpoint, &config, tensor, kBins, stop);
        return result.ok() ? StatsOutcome{std::move(result).value(), {}} : StatsOutcome{std::nullopt, result.error()};
    }));
}

void TensorStatsPanel::finished(const QString& name, std::uint64_t generation, const std::optional<TensorStats>& stats,
                                const Error& error) {
    if (generation != m_generation) return;  // computed from a model that is gone
    if (stats) m_cache.insert(name, *stats);
    if (m_state != State::Computing || name != m_pending) return;  // the selection moved on
    if (stats) return show(*stats);
    if (error.code == ErrorCode::Cancelled) return;
    m_error = QString::fromStdString(error.text());
    setState(State::Failed);
}

void TensorStatsPanel::show(const TensorStats& stats) {
    m_shown = stats;
    updateSummary();
    m_histogram->setHistogram(stats.histogram, stats.min, stats.max);
    setState(State::Ready);
    emit statsShown(QString::fromStdString(stats.name));
}

void TensorStatsPanel::updateSummary() {
    if (!m_shown) return;
    const TensorStats& stats = *m_shown;
    const QLocale locale;
    auto value = [&](double v) { return locale.toString(v, 'g', 6); };
    QStringList lines;
    if (stats.quantization) {
        //: Tensor statistics header of a quantized layer: %1 tensor name, %2 its quantization ("AWQ 4-bit, groups of 128"),
        //: %3 shape, %4 number of values. The numbers below are of the dequantized weights.
        lines << tr("<b>%1</b><br>%2, dequantized: %3 · %4 values")
                     .arg(QString::fromStdString(stats.name).toHtmlEscaped(), ModelCardView::quantizationText(*stats.quantization),
                          shapeText(stats.shape), locale.toString(static_cast<qulonglong>(stats.count)));
    } else {
        //: Tensor statistics header: %1 tensor name, %2 dtype (BF16…), %3 shape, %4 number of values.
        lines << tr("<b>%1</b><br>%2 %3 · %4 values")
                     .arg(QString::fromStdString(stats.name).toHtmlEscaped(), QString::fromLatin1(dtypeName(stats.dtype)),
                          shapeText(stats.shape), locale.toString(static_cast<qulonglong>(stats.count)));
    }
    //: Population standard deviation; all four numbers leave out NaN and infinite values.
    lines << tr("mean %1 · std %2 · min %3 · max %4").arg(value(stats.mean), value(stats.stdDev), value(stats.min), value(stats.max));
    lines << (stats.nonFinite == 0
                  ? tr("No NaN or infinite values.")
                  : tr("%1 NaN or infinite values, left out of the numbers above.").arg(locale.toString(static_cast<qulonglong>(stats.nonFinite))));
    m_summary->setText(lines.join(QStringLiteral("<br>")));
}

void TensorStatsPanel::setState(State state) {
    m_state = state;
    const bool ready = state == State::Ready;
    m_summary->setVisible(ready);
    m_histogram->setVisible(ready);
    m_logScale->setVisible(ready);
    m_tensor->setEnabled(m_tensor->count() > 1);
    m_tensorLabel->setVisible(m_tensor->count() > 0);
    m_tensor->setVisible(m_tensor->count() > 0);
    switch (state) {
    case State::NoBlock: m_status->setText(tr("Click a block with weights to see the statistics of its tensors.")); break;
    case State::NoWeights:
        m_status->setText(tr("Statistics need loaded weights: load a model and choose “Loaded model” above. A preset is only a config."));
        break;
    case State::NoTensor: m_status->setText(tr("This block has no weights of its own.")); break;
    //: %1: tensor name.
    case State::Computing: m_status->setText(tr("Computing the statistics of %1…").arg(m_pending)); break;
    case State::Ready: m_status->clear(); break;
    //: %1: technical error message.
    case State::Failed: m_status->setText(tr("The statistics could not be computed: %1").arg(m_error)); break;
    }
    m_status->setVisible(state != State::Ready);
}

void TensorStatsPanel::cancel() {
    m_stop.request_stop();
    m_pending.clear();
}

void TensorStatsPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void TensorStatsPanel::retranslateUi() {
    m_title->setText(tr("<b>Tensor statistics</b>"));
    m_tensorLabel->setText(tr("Tensor:"));
    m_layerLabel->setText(tr("Layer:"));
    m_logScale->setText(tr("Log scale"));
    m_logScale->setToolTip(tr("Bar heights grow with log(1 + count), so rare values in the tails stay visible."));
    fillTensors();
    updateSummary();
    setState(m_state);
}

}  // namespace qe::gui
