// SettingsDialog: a form over Settings.
#include "gui/settings_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QThread>
#include <QVBoxLayout>

#include "gui/backend_choice.h"
#include "gui/settings.h"

namespace qe::gui {

SettingsDialog::SettingsDialog(Settings& settings, QWidget* parent)
    : QDialog(parent), m_settings(settings), m_custom(settings.customSampling()), m_languageLabel(new QLabel(this)), m_language(new QComboBox(this)),
      m_modelLabel(new QLabel(this)), m_model(new QLineEdit(this)), m_browse(new QPushButton(this)),
      m_backendLabel(new QLabel(this)), m_backend(new QComboBox(this)), m_threadsLabel(new QLabel(this)),
      m_threads(new QSpinBox(this)), m_budgetLabel(new QLabel(this)), m_budget(new QSpinBox(this)),
      m_kvCacheLabel(new QLabel(this)), m_kvCache(new QComboBox(this)), m_prefillLabel(new QLabel(this)),
      m_prefill(new QComboBox(this)), m_presetLabel(new QLabel(this)), m_preset(new QComboBox(this)),
      m_temperatureLabel(new QLabel(this)), m_temperature(new QDoubleSpinBox(this)), m_topPLabel(new QLabel(this)),
      m_topP(new QDoubleSpinBox(this)), m_topKLabel(new QLabel(this)), m_topK(new QSpinBox(this)),
      m_minPLabel(new QLabel(this)), m_minP(new QDoubleSpinBox(this)), m_presenceLabel(new QLabel(this)),
      m_presence(new QDoubleSpinBox(this)),
      m_maxNewLabel(new QLabel(this)), m_maxNew(new QSpinBox(this)), m_systemPromptLabel(new QLabel(this)),
      m_systemPrompt(new QPlainTextEdit(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    // Language names are shown in their own language, as users look for them.
    m_language->addItem(QString(), QStringLiteral("system"));
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(settings.language())));
    m_model->setText(settings.defaultModelDir());
    initBackendCombo(m_backend, settings.backend());
    m_threads->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    m_threads->setValue(settings.threads());
    m_budget->setRange(0, Settings::kMaxDiagnosticsBudgetMiB);
    m_budget->setSingleStep(128);
    m_budget->setValue(settings.diagnosticsBudgetMiB());
    m_kvCache->addItem(QString(), QStringLiteral("f32"));
    m_kvCache->addItem(QString(), QStringLiteral("bf16"));
    m_kvCache->setCurrentIndex(settings.kvCache() == KvType::BF16 ? 1 : 0);
    m_prefill->addItem(QString(), QStringLiteral("f32"));
    m_prefill->addItem(QString(), QStringLiteral("bf16"));
    m_prefill->setCurrentIndex(settings.prefillMatmul() == cpu::GemmPrecision::Bf16 ? 1 : 0);
    if (!cpu::amxAvailable()) {  // shown, so people learn it exists, but not offered on this CPU
        if (auto* items = qobject_cast<QStandardItemModel*>(m_prefill->model())) items->item(1)->setEnabled(false);
    }
    m_preset->addItems({QString(), QString(), QString()});
    m_preset->setCurrentIndex(static_cast<int>(settings.samplingPreset()));
    m_temperature->setRange(0.01, 2.0);
    m_temperature->setSingleStep(0.05);
    m_topP->setRange(0.01, 1.0);
    m_topP->setSingleStep(0.05);
    m_topK->setRange(0, 1000);
    m_minP->setRange(0.0, 1.0);  // as in the Generation panel
    m_minP->setSingleStep(0.01);
    m_presence->setRange(0.0, 2.0);
    m_presence->setSingleStep(0.1);
    m_maxNew->setRange(1, 32768);
    m_maxNew->setValue(settings.maxNewTokens());
    m_maxNew->setObjectName(QStringLiteral("maxNewTokens"));
    m_systemPrompt->setPlainText(settings.defaultSystemPrompt());
    m_systemPrompt->setTabChangesFocus(true);
    // About four lines, from the font (the text size follows View → Zoom).
    m_systemPrompt->setFixedHeight(m_systemPrompt->fontMetrics().lineSpacing() * 4 +
                                   2 * (m_systemPrompt->frameWidth() + static_cast<int>(m_systemPrompt->document()->documentMargin())));

    auto* modelRow = new QHBoxLayout();
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(m_browse);
    auto* form = new QFormLayout();
    form->addRow(m_languageLabel, m_language);
    form->addRow(m_modelLabel, modelRow);
    form->addRow(m_backendLabel, m_backend);
    form->addRow(m_threadsLabel, m_threads);
    form->addRow(m_budgetLabel, m_budget);
    form->addRow(m_kvCacheLabel, m_kvCache);
    form->addRow(m_prefillLabel, m_prefill);
    form->addRow(m_presetLabel, m_preset);
    form->addRow(m_temperatureLabel, m_temperature);
    form->addRow(m_topPLabel, m_topP);
    form->addRow(m_topKLabel, m_topK);
    form->addRow(m_minPLabel, m_minP);
    form->addRow(m_presenceLabel, m_presence);
    form->addRow(m_maxNewLabel, m_maxNew);
    form->addRow(m_systemPromptLabel, m_systemPrompt);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_buttons);

    // The fields show the values in effect: a preset's, greyed, or the custom ones to edit. What
    // was typed under Custom comes back when Custom is chosen again.
    auto showSampling = [this] {
        const auto choice = static_cast<SamplingPresetChoice>(m_preset->currentIndex());
        const bool custom = choice == SamplingPresetChoice::Custom;
        const SamplingParams shown = custom ? m_custom : presetSampling(choice);
        m_showingSampling = true;
        m_temperature->setValue(shown.temperature);
        m_topP->setValue(shown.topP);
        m_topK->setValue(static_cast<int>(shown.topK));
        m_minP->setValue(shown.minP);
        m_presence->setValue(shown.presencePenalty);
        m_showingSampling = false;
        m_temperature->setEnabled(custom);
        m_topP->setEnabled(custom);
        m_topK->setEnabled(custom);
        m_minP->setEnabled(custom);
        m_presence->setEnabled(custom);
    };
    auto keepCustom = [this] {
        if (m_showingSampling || m_preset->currentIndex() != static_cast<int>(SamplingPresetChoice::Custom)) return;
        m_custom.temperature = static_cast<float>(m_temperature->value());
        m_custom.topP = static_cast<float>(m_topP->value());
        m_custom.topK = m_topK->value();
        m_custom.minP = static_cast<float>(m_minP->value());
        m_custom.presencePenalty = static_cast<float>(m_presence->value());
    };
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, keepCustom);
    connect(m_topP, &QDoubleSpinBox::valueChanged, this, keepCustom);
    connect(m_topK, &QSpinBox::valueChanged, this, keepCustom);
    connect(m_minP, &QDoubleSpinBox::valueChanged, this, keepCustom);
    connect(m_presence, &QDoubleSpinBox::valueChanged, this, keepCustom);
    connect(m_preset, &QComboBox::currentIndexChanged, this, showSampling);
    showSampling();
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Default model folder"), m_model->text());
        if (!dir.isEmpty()) m_model->setText(dir);
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    retranslateUi();
}

void SettingsDialog::apply() {
    m_settings.setLanguage(m_language->currentData().toString());
    m_settings.setDefaultModelDir(m_model->text().trimmed());
    m_settings.setBackend(m_backend->currentData().toString());
    m_settings.setThreads(m_threads->value());
    m_settings.setDiagnosticsBudgetMiB(m_budget->value());
    m_settings.setKvCache(m_kvCache->currentIndex() == 1 ? KvType::BF16 : KvType::F32);
    m_settings.setPrefillMatmul(m_prefill->currentIndex() == 1 ? cpu::GemmPrecision::Bf16 : cpu::GemmPrecision::F32);
    m_settings.setSamplingPreset(static_cast<SamplingPresetChoice>(m_preset->currentIndex()));
    m_settings.setCustomSampling(m_custom);
    m_settings.setMaxNewTokens(m_maxNew->value());
    m_settings.setDefaultSystemPrompt(m_systemPrompt->toPlainText());
    m_settings.sync();
}

void SettingsDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QDialog::changeEvent(event);
}

void SettingsDialog::retranslateUi() {
    setWindowTitle(tr("Settings"));
    m_languageLabel->setText(tr("Language"));
    m_language->setItemText(0, tr("System language"));
    m_modelLabel->setText(tr("Default model"));
    m_model->setPlaceholderText(tr("Built-in model"));
    m_browse->setText(tr("Browse…"));
    m_backendLabel->setText(tr("Backend"));
    retranslateBackendCombo(m_backend);
    m_threadsLabel->setText(tr("Threads"));
    m_threads->setSpecialValueText(tr("All cores"));
    m_budgetLabel->setText(tr("Diagnostics memory"));
    //: Unit suffix of the diagnostics memory budget (mebibytes).
    m_budget->setSuffix(tr(" MiB"));
    m_budget->setSpecialValueText(tr("None kept"));
    m_budget->setToolTip(tr("Memory for the hidden states the attention map and the logit lens are recomputed from. "
                            "Positions beyond it cannot be inspected. Applies when a model is loaded."));
    m_kvCacheLabel->setText(tr("KV cache"));
    m_kvCache->setItemText(0, tr("32-bit float (exact)"));
    m_kvCache->setItemText(1, tr("bf16 (half the memory)"));
    m_kvCache->setToolTip(tr("How the CPU keeps the attention keys and values of the context. bf16 halves their memory "
                             "and speeds up long chats, and changes the model's outputs slightly. The GPU always uses "
                             "bf16. Applies when a model is loaded."));
    m_prefillLabel->setText(tr("Prompt processing"));
    m_prefill->setItemText(0, tr("32-bit float (exact)"));
    m_prefill->setItemText(1, cpu::amxAvailable() ? tr("bf16 on AMX (several times faster)")
                                                  : tr("bf16 on AMX (this CPU has no AMX)"));
    m_prefill->setToolTip(tr("How the CPU multiplies the tokens of a prompt by the weights. bf16 rounds the numbers "
                             "going in to bf16 and runs on the AMX units of recent Intel Xeon processors: prompts are "
                             "read several times faster, and the model's outputs change slightly. The tokens of a reply "
                             "are computed in 32-bit float either way. Needs bf16 weights. Applies when a model is "
                             "loaded."));
    m_presetLabel->setText(tr("Default sampling"));
    m_preset->setItemText(0, tr("Thinking preset"));
    m_preset->setItemText(1, tr("Non-thinking preset"));
    m_preset->setItemText(2, tr("Custom"));
    m_temperatureLabel->setText(tr("Temperature"));
    m_topPLabel->setText(tr("Top-p"));
    m_topKLabel->setText(tr("Top-k"));
    m_minPLabel->setText(tr("Min-p"));
    m_presenceLabel->setText(tr("Presence penalty"));
    m_maxNewLabel->setText(tr("Max new tokens"));
    m_systemPromptLabel->setText(tr("System prompt"));
    m_systemPrompt->setPlaceholderText(tr("None. Instructions every new conversation starts with: a role, a language, a style."));
    m_systemPrompt->setToolTip(tr("The system prompt of new conversations. A conversation's own can be changed with "
                                  "Conversation → System prompt…"));
}

}  // namespace qe::gui
