// Preferences: language, default model, backend, threads, diagnostics memory, KV cache format,
// prompt processing, default sampling, the system prompt of new conversations. Reads and writes through Settings; MainWindow applies the changes (language
// at once, without restart).
#pragma once

#include <QDialog>

#include "core/sampler.h"

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace qe::gui {

class Settings;

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(Settings& settings, QWidget* parent = nullptr);

    // Writes the form into the settings (called on OK).
    void apply();
    QComboBox* languageCombo() const { return m_language; }
    QSpinBox* diagnosticsBudgetSpin() const { return m_budget; }
    QComboBox* kvCacheCombo() const { return m_kvCache; }
    QComboBox* prefillCombo() const { return m_prefill; }
    QComboBox* samplingPresetCombo() const { return m_preset; }
    QDoubleSpinBox* temperatureSpin() const { return m_temperature; }
    QDoubleSpinBox* presencePenaltySpin() const { return m_presence; }
    QDoubleSpinBox* topPSpin() const { return m_topP; }
    QPlainTextEdit* systemPromptEdit() const { return m_systemPrompt; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    Settings& m_settings;
    SamplingParams m_custom;          // the custom sampling as edited (min-p kept from the settings)
    bool m_showingSampling = false;   // the fields are being set from a preset or m_custom
    QLabel* m_languageLabel;
    QComboBox* m_language;
    QLabel* m_modelLabel;
    QLineEdit* m_model;
    QPushButton* m_browse;
    QLabel* m_backendLabel;
    QComboBox* m_backend;
    QLabel* m_threadsLabel;
    QSpinBox* m_threads;
    QLabel* m_budgetLabel;
    QSpinBox* m_budget;
    QLabel* m_kvCacheLabel;
    QComboBox* m_kvCache;
    QLabel* m_prefillLabel;
    QComboBox* m_prefill;
    QLabel* m_presetLabel;
    QComboBox* m_preset;
    QLabel* m_temperatureLabel;
    QDoubleSpinBox* m_temperature;
    QLabel* m_topPLabel;
    QDoubleSpinBox* m_topP;
    QLabel* m_topKLabel;
    QSpinBox* m_topK;
    QLabel* m_minPLabel;
    QDoubleSpinBox* m_minP;
    QLabel* m_presenceLabel;
    QDoubleSpinBox* m_presence;
    QLabel* m_maxNewLabel;
    QSpinBox* m_maxNew;
    QLabel* m_systemPromptLabel;
    QPlainTextEdit* m_systemPrompt;
    QDialogButtonBox* m_buttons;
};

}  // namespace qe::gui
