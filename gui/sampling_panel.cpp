// SamplingPanel: presets switch the values; editing a value switches to Custom.
#include "gui/sampling_panel.h"

#include <limits>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QProgressBar>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qe::gui {

SamplingPanel::SamplingPanel(QWidget* parent)
    : QWidget(parent), m_group(new QGroupBox(this)), m_thinking(new QCheckBox(this)), m_presetLabel(new QLabel(this)),
      m_preset(new QComboBox(this)), m_temperatureLabel(new QLabel(this)), m_temperature(new QDoubleSpinBox(this)),
      m_topPLabel(new QLabel(this)), m_topP(new QDoubleSpinBox(this)), m_topKLabel(new QLabel(this)),
      m_topK(new QSpinBox(this)), m_minPLabel(new QLabel(this)), m_minP(new QDoubleSpinBox(this)),
      m_presenceLabel(new QLabel(this)), m_presence(new QDoubleSpinBox(this)),
      m_maxNewLabel(new QLabel(this)), m_maxNew(new QSpinBox(this)), m_fixedSeed(new QCheckBox(this)),
      m_seed(new QSpinBox(this)), m_contextLabel(new QLabel(this)),
      m_context(new QProgressBar(this)) {
    m_preset->addItems({QString(), QString(), QString()});
    m_temperature->setRange(0.01, 2.0);
    m_temperature->setSingleStep(0.05);
    m_topP->setRange(0.01, 1.0);
    m_topP->setSingleStep(0.05);
    m_topK->setRange(0, 1000);
    m_minP->setRange(0.0, 1.0);
    m_minP->setSingleStep(0.01);
    m_presence->setRange(0.0, 2.0);  // Qwen's range (spec §6.3)
    m_presence->setSingleStep(0.1);
    m_presence->setObjectName(QStringLiteral("presencePenalty"));
    m_maxNew->setRange(1, 32768);
    m_maxNew->setValue(2048);
    // Its lowest value, Settings::kRandomSeed, reads "Random" (specialValueText).
    m_seed->setRange(Settings::kRandomSeed, std::numeric_limits<int>::max());
    m_seed->setValue(Settings::kRandomSeed);
    m_seed->setEnabled(false);
    m_fixedSeed->setObjectName(QStringLiteral("fixedSeed"));
    m_seed->setObjectName(QStringLiteral("seed"));
    m_context->setRange(0, 1);
    m_context->setValue(0);
    m_context->setTextVisible(true);

    auto* form = new QFormLayout(m_group);
    form->addRow(m_thinking);
    form->addRow(m_presetLabel, m_preset);
    form->addRow(m_temperatureLabel, m_temperature);
    form->addRow(m_topPLabel, m_topP);
    form->addRow(m_topKLabel, m_topK);
    form->addRow(m_minPLabel, m_minP);
    form->addRow(m_presenceLabel, m_presence);
    form->addRow(m_maxNewLabel, m_maxNew);
    form->addRow(m_fixedSeed, m_seed);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_group);
    layout->addWidget(m_contextLabel);
    layout->addWidget(m_context);

    connect(m_thinking, &QCheckBox::toggled, this, [this](bool on) {
        // Qwen recommends different sampling with and without thinking.
        if (preset() != SamplingPresetChoice::Custom)
            setPreset(on ? SamplingPresetChoice::Thinking : SamplingPresetChoice::NonThinking);
        emit changed();
    });
    connect(m_preset, &QComboBox::currentIndexChanged, this, [this] {
        applyPreset();
        emit changed();
    });
    auto toCustom = [this] {
        if (m_applying) return;
        m_preset->blockSignals(true);
        m_preset->setCurrentIndex(static_cast<int>(SamplingPresetChoice::Custom));
        m_preset->blockSignals(false);
        emit changed();
    };
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, toCustom);
    connect(m_topP, &QDoubleSpinBox::valueChanged, this, toCustom);
    connect(m_topK, &QSpinBox::valueChanged, this, toCustom);
    connect(m_minP, &QDoubleSpinBox::valueChanged, this, toCustom);
    connect(m_presence, &QDoubleSpinBox::valueChanged, this, toCustom);
    connect(m_maxNew, &QSpinBox::valueChanged, this, &SamplingPanel::changed);
    connect(m_fixedSeed, &QCheckBox::toggled, this, [this](bool on) {
        // Off shows "Random" and keeps the number for when it is switched on again.
        if (!on && m_seed->value() >= 0) m_lastSeed = m_seed->value();
        m_seed->setValue(on ? m_lastSeed : Settings::kRandomSeed);
        m_seed->setEnabled(on);
        emit changed();
    });
    connect(m_seed, &QSpinBox::valueChanged, this, [this](int value) {
        if (value < 0 && m_fixedSeed->isChecked()) m_fixedSeed->setChecked(false);  // stepped down to Random
        emit changed();
    });
    retranslateUi();
}

void SamplingPanel::loadFrom(const Settings& settings) {
    {
        // Quiet until all is loaded: a `changed` on the way has the window save the panel, a
        // preset not yet loaded included, over the settings being read.
        const QSignalBlocker quiet(this);
        m_thinking->blockSignals(true);
        m_thinking->setChecked(settings.thinking());
        m_thinking->blockSignals(false);
        showValues(settings.customSampling());
        m_maxNew->setValue(settings.maxNewTokens());
        setSeed(settings.seed());
        setPreset(settings.samplingPreset());
    }
    emit changed();
}

void SamplingPanel::saveTo(Settings& settings) const {
    settings.setThinking(thinking());
    settings.setSamplingPreset(preset());
    if (preset() == SamplingPresetChoice::Custom) settings.setCustomSampling(sampling());
    settings.setMaxNewTokens(maxNewTokens());
    settings.setSeed(seed());
}

bool SamplingPanel::thinking() const { return m_thinking->isChecked(); }
void SamplingPanel::setThinking(bool on) { m_thinking->setChecked(on); }

SamplingPresetChoice SamplingPanel::preset() const {
    return static_cast<SamplingPresetChoice>(std::max(0, m_preset->currentIndex()));
}

void SamplingPanel::setPreset(SamplingPresetChoice preset) {
    m_preset->setCurrentIndex(static_cast<int>(preset));
    applyPreset();
}

void SamplingPanel::applyPreset() {
    if (preset() == SamplingPresetChoice::Custom) return;
    showValues(presetSampling(preset()));
}

void SamplingPanel::showValues(const SamplingParams& p) {
    const bool applying = m_applying;
    m_applying = true;  // not an edit: the preset stays
    m_temperature->setValue(p.temperature);
    m_topP->setValue(p.topP);
    m_topK->setValue(static_cast<int>(p.topK));
    m_minP->setValue(p.minP);
    m_presence->setValue(p.presencePenalty);
    m_applying = applying;
}

SamplingParams SamplingPanel::sampling() const {
    SamplingParams p;
    p.temperature = static_cast<float>(m_temperature->value());
    p.topP = static_cast<float>(m_topP->value());
    p.topK = m_topK->value();
    p.minP = static_cast<float>(m_minP->value());
    p.presencePenalty = static_cast<float>(m_presence->value());
    return p;
}

bool SamplingPanel::applyTemplateSampling(const SamplingPreset& sampling) {
    switch (sampling.kind) {
    case SamplingPresetKind::None: return false;
    case SamplingPresetKind::Thinking:
    case SamplingPresetKind::NonThinking: {
        const bool thinking = sampling.kind == SamplingPresetKind::Thinking;
        m_thinking->blockSignals(true);  // its handler would choose the preset only when not Custom
        m_thinking->setChecked(thinking);
        m_thinking->blockSignals(false);
        setPreset(thinking ? SamplingPresetChoice::Thinking : SamplingPresetChoice::NonThinking);
        break;
    }
    case SamplingPresetKind::Custom: {
        SamplingParams own;
        own.temperature = static_cast<float>(sampling.temperature);
        own.topP = static_cast<float>(sampling.topP);
        own.topK = sampling.topK;
        own.minP = static_cast<float>(sampling.minP);
        own.presencePenalty = static_cast<float>(sampling.presencePenalty);
        showValues(own);
        setPreset(SamplingPresetChoice::Custom);
        break;
    }
    }
    emit changed();
    return true;
}

int SamplingPanel::maxNewTokens() const { return m_maxNew->value(); }

int SamplingPanel::seed() const { return m_fixedSeed->isChecked() ? std::max(0, m_seed->value()) : Settings::kRandomSeed; }

void SamplingPanel::setSeed(int seed) {
    if (seed < 0) return m_fixedSeed->setChecked(false);
    m_lastSeed = seed;
    if (m_fixedSeed->isChecked()) m_seed->setValue(seed);
    else m_fixedSeed->setChecked(true);
}

void SamplingPanel::setContextUsage(qint64 used, qint64 limit) {
    m_used = used;
    m_limit = limit;
    // QProgressBar is int-based; contexts fit easily.
    m_context->setRange(0, static_cast<int>(std::max<qint64>(limit, 1)));
    m_context->setValue(static_cast<int>(std::min(used, std::max<qint64>(limit, 1))));
    retranslateUi();
}

void SamplingPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void SamplingPanel::retranslateUi() {
    m_group->setTitle(tr("Generation"));
    m_thinking->setText(tr("Thinking"));
    m_thinking->setToolTip(tr("Let the model reason in a <think> block before answering (enable_thinking)"));
    m_presetLabel->setText(tr("Sampling"));
    m_preset->setItemText(0, tr("Thinking preset"));
    m_preset->setItemText(1, tr("Non-thinking preset"));
    m_preset->setItemText(2, tr("Custom"));
    m_preset->setToolTip(tr("Thinking: T 0.6, top-p 0.95, top-k 20. Non-thinking: T 0.7, top-p 0.8, top-k 20."));
    m_temperatureLabel->setText(tr("Temperature"));
    m_topPLabel->setText(tr("Top-p"));
    m_topKLabel->setText(tr("Top-k"));
    m_minPLabel->setText(tr("Min-p"));
    m_presenceLabel->setText(tr("Presence penalty"));
    m_presence->setToolTip(tr("Lowers the score of every token the reply has already used, against endless repetition "
                              "(0: off; Qwen uses 0 to 2, and 1.5 in its examples without thinking)."));
    m_maxNewLabel->setText(tr("Max new tokens"));
    m_maxNew->setToolTip(tr("The longest a reply may be, in tokens. A reply also stops when the model's context is full."));
    m_fixedSeed->setText(tr("Fixed seed"));
    const QString seedTip = tr("Off: each reply draws a new seed for its sampling. On: every reply uses this seed, so the same "
                               "prompt, model, backend and settings give the same reply again. The line under a reply names its seed; "
                               "click it to use it here.");
    m_fixedSeed->setToolTip(seedTip);
    //: The seed box while "Fixed seed" is off.
    m_seed->setSpecialValueText(tr("Random"));
    m_seed->setToolTip(seedTip);
    m_contextLabel->setText(tr("Context"));
    if (m_limit > 0) {
        //: Context meter: tokens used of the model's context limit.
        m_context->setFormat(tr("%1 / %2 tokens").arg(QLocale().toString(m_used), QLocale().toString(m_limit)));
    } else {
        m_context->setFormat(tr("no model"));
    }
    m_context->setToolTip(tr("Tokens this conversation uses of the model's context. While a reply streams: its prompt and the tokens so far. "
                             "Then: the conversation as the next prompt holds it, without the thinking of earlier replies (the chat template leaves it out)."));
}

}  // namespace qe::gui
