// Generation controls: the thinking switch (enable_thinking of the chat template), Qwen's
// sampling presets (spec §6.3) or custom values, the reply length limit, and the context meter.
#pragma once

#include <QWidget>

#include "core/chat/prompt_template.h"
#include "core/sampler.h"
#include "gui/settings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QProgressBar;
class QSpinBox;

namespace qe::gui {

class SamplingPanel : public QWidget {
    Q_OBJECT
public:
    explicit SamplingPanel(QWidget* parent = nullptr);

    void loadFrom(const Settings& settings);
    void saveTo(Settings& settings) const;

    bool thinking() const;
    void setThinking(bool on);
    SamplingPresetChoice preset() const;
    void setPreset(SamplingPresetChoice preset);
    SamplingParams sampling() const;
    // A prompt template's sampling: a preset (and its thinking switch) or custom values; false
    // where the template leaves the user's setting.
    bool applyTemplateSampling(const SamplingPreset& sampling);
    int maxNewTokens() const;
    // Settings::kRandomSeed while "Fixed seed" is off; the seed while it is on.
    int seed() const;
    void setSeed(int seed);

    // Context meter: `used` tokens of `limit` (limit 0: no model).
    void setContextUsage(qint64 used, qint64 limit);
    QProgressBar* contextMeter() const { return m_context; }

signals:
    void changed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void applyPreset();
    // The value fields show `p` without switching the preset to Custom.
    void showValues(const SamplingParams& p);

    QGroupBox* m_group;
    QCheckBox* m_thinking;
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
    QCheckBox* m_fixedSeed;
    QSpinBox* m_seed;
    int m_lastSeed = 0;  // the fixed seed while Random shows
    QLabel* m_contextLabel;
    QProgressBar* m_context;
    qint64 m_used = 0;
    qint64 m_limit = 0;
    bool m_applying = false;
};

}  // namespace qe::gui
