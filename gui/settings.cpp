// Settings: key strings and defaults, one place.
#include "gui/settings.h"

#include <algorithm>

namespace qe::gui {

namespace {

// Each key next to its default.
const QString kLanguage = QStringLiteral("ui/language");                const QString kLanguageDefault = QStringLiteral("system");
const QString kModelDir = QStringLiteral("engine/modelDir");            // default "": built-in model
const QString kRecent = QStringLiteral("engine/recentModels");          // default empty
const QString kBackend = QStringLiteral("engine/backend");              const QString kBackendDefault = QStringLiteral("auto");
const QString kThreads = QStringLiteral("engine/threads");              constexpr int kThreadsDefault = 0;
const QString kDiagBudget = QStringLiteral("engine/diagnosticsBudgetMiB"); constexpr int kDiagBudgetDefault = 512;
const QString kKvCache = QStringLiteral("engine/kvCache");              const QString kKvCacheDefault = QStringLiteral("f32");
const QString kPrefillMatmul = QStringLiteral("engine/prefillMatmul");  const QString kPrefillMatmulDefault = QStringLiteral("f32");
const QString kPreset = QStringLiteral("sampling/preset");              const QString kPresetDefault = QStringLiteral("thinking");
const QString kTemperature = QStringLiteral("sampling/temperature");    constexpr double kTemperatureDefault = 0.7;
const QString kTopP = QStringLiteral("sampling/topP");                  constexpr double kTopPDefault = 0.8;
const QString kTopK = QStringLiteral("sampling/topK");                  constexpr int kTopKDefault = 20;
const QString kMinP = QStringLiteral("sampling/minP");                  constexpr double kMinPDefault = 0.0;
const QString kPresence = QStringLiteral("sampling/presencePenalty");   constexpr double kPresenceDefault = 0.0;
const QString kMaxNew = QStringLiteral("sampling/maxNewTokens");        constexpr int kMaxNewDefault = 2048;
const QString kSeed = QStringLiteral("sampling/seed");                  constexpr int kSeedDefault = Settings::kRandomSeed;
const QString kThinking = QStringLiteral("chat/thinking");              constexpr bool kThinkingDefault = true;
const QString kSystemPrompt = QStringLiteral("chat/defaultSystemPrompt"); // default "": none
const QString kColourTokens = QStringLiteral("chat/colourTokens");      constexpr bool kColourTokensDefault = false;
const QString kStripColouring = QStringLiteral("inspector/colouring");  // default "probability"
const QString kConversationFolder = QStringLiteral("ui/conversationFolder");  // default "": Documents
const QString kTextScale = QStringLiteral("ui/textScale");              constexpr double kTextScaleDefault = 1.0;
const QString kGeometry = QStringLiteral("ui/geometry");
const QString kState = QStringLiteral("ui/state");

// The stored words of the colourings, by index (TokenStrip::Colouring).
const QStringList& stripColourings() {
    static const QStringList words{QStringLiteral("probability"), QStringLiteral("attention"), QStringLiteral("none")};
    return words;
}

}  // namespace

SamplingParams presetSampling(SamplingPresetChoice preset) {
    SamplingParams p;
    if (preset == SamplingPresetChoice::NonThinking) {
        p.temperature = 0.7f;
        p.topP = 0.8f;
    } else {
        p.temperature = 0.6f;
        p.topP = 0.95f;
    }
    p.topK = 20;
    p.minP = 0.0f;
    return p;
}

Settings::Settings() = default;
Settings::Settings(const QString& iniFile) : m_settings(iniFile, QSettings::IniFormat) {}

QString Settings::language() const {
    const QString value = m_settings.value(kLanguage, kLanguageDefault).toString();
    return value == QStringLiteral("en") || value == QStringLiteral("zh_CN") ? value : kLanguageDefault;
}
void Settings::setLanguage(const QString& language) { m_settings.setValue(kLanguage, language); }

QString Settings::defaultModelDir() const { return m_settings.value(kModelDir).toString(); }
void Settings::setDefaultModelDir(const QString& folder) { m_settings.setValue(kModelDir, folder); }

QStringList Settings::recentModels() const { return m_settings.value(kRecent).toStringList(); }
void Settings::addRecentModel(const QString& folder) {
    QStringList list = recentModels();
    list.removeAll(folder);
    list.prepend(folder);
    while (list.size() > kMaxRecent) list.removeLast();
    m_settings.setValue(kRecent, list);
}

QString Settings::backend() const { return m_settings.value(kBackend, kBackendDefault).toString(); }
void Settings::setBackend(const QString& backend) { m_settings.setValue(kBackend, backend); }
int Settings::threads() const { return std::max(0, m_settings.value(kThreads, kThreadsDefault).toInt()); }
void Settings::setThreads(int threads) { m_settings.setValue(kThreads, threads); }
int Settings::diagnosticsBudgetMiB() const {
    return std::clamp(m_settings.value(kDiagBudget, kDiagBudgetDefault).toInt(), 0, kMaxDiagnosticsBudgetMiB);
}
void Settings::setDiagnosticsBudgetMiB(int mib) { m_settings.setValue(kDiagBudget, mib); }
KvType Settings::kvCache() const {
    KvType type = KvType::F32;
    parseKvType(m_settings.value(kKvCache, kKvCacheDefault).toString().toStdString(), &type);  // unknown: f32
    return type;
}
void Settings::setKvCache(KvType type) { m_settings.setValue(kKvCache, QString::fromLatin1(kvTypeName(type))); }
cpu::GemmPrecision Settings::prefillMatmul() const {
    const QString value = m_settings.value(kPrefillMatmul, kPrefillMatmulDefault).toString();
    return value == QLatin1String("bf16") ? cpu::GemmPrecision::Bf16 : cpu::GemmPrecision::F32;  // unknown: f32
}
void Settings::setPrefillMatmul(cpu::GemmPrecision precision) {
    m_settings.setValue(kPrefillMatmul, QString::fromLatin1(cpu::gemmPrecisionName(precision)));
}

SamplingPresetChoice Settings::samplingPreset() const {
    const QString value = m_settings.value(kPreset, kPresetDefault).toString();
    if (value == QStringLiteral("non-thinking")) return SamplingPresetChoice::NonThinking;
    if (value == QStringLiteral("custom")) return SamplingPresetChoice::Custom;
    return SamplingPresetChoice::Thinking;
}
void Settings::setSamplingPreset(SamplingPresetChoice preset) {
    const char* names[] = {"thinking", "non-thinking", "custom"};
    m_settings.setValue(kPreset, QString::fromLatin1(names[static_cast<int>(preset)]));
}

SamplingParams Settings::customSampling() const {
    SamplingParams p;
    p.temperature = m_settings.value(kTemperature, kTemperatureDefault).toFloat();
    p.topP = m_settings.value(kTopP, kTopPDefault).toFloat();
    p.topK = m_settings.value(kTopK, kTopKDefault).toInt();
    p.minP = m_settings.value(kMinP, kMinPDefault).toFloat();
    p.presencePenalty = std::clamp(m_settings.value(kPresence, kPresenceDefault).toFloat(), 0.0f, 2.0f);
    return p;
}
void Settings::setCustomSampling(const SamplingParams& p) {
    m_settings.setValue(kTemperature, static_cast<double>(p.temperature));
    m_settings.setValue(kTopP, static_cast<double>(p.topP));
    m_settings.setValue(kTopK, static_cast<int>(p.topK));
    m_settings.setValue(kMinP, static_cast<double>(p.minP));
    m_settings.setValue(kPresence, static_cast<double>(p.presencePenalty));
}

int Settings::maxNewTokens() const { return std::max(1, m_settings.value(kMaxNew, kMaxNewDefault).toInt()); }
void Settings::setMaxNewTokens(int tokens) { m_settings.setValue(kMaxNew, tokens); }
int Settings::seed() const { return std::max(kRandomSeed, m_settings.value(kSeed, kSeedDefault).toInt()); }
void Settings::setSeed(int seed) { m_settings.setValue(kSeed, seed); }

QString Settings::defaultSystemPrompt() const { return m_settings.value(kSystemPrompt).toString().trimmed(); }
void Settings::setDefaultSystemPrompt(const QString& text) { m_settings.setValue(kSystemPrompt, text.trimmed()); }
bool Settings::thinking() const { return m_settings.value(kThinking, kThinkingDefault).toBool(); }
void Settings::setThinking(bool on) { m_settings.setValue(kThinking, on); }
bool Settings::colourTokens() const { return m_settings.value(kColourTokens, kColourTokensDefault).toBool(); }
void Settings::setColourTokens(bool on) { m_settings.setValue(kColourTokens, on); }
int Settings::stripColouring() const {
    return std::max<int>(0, stripColourings().indexOf(m_settings.value(kStripColouring).toString()));  // unknown: probability
}
void Settings::setStripColouring(int index) { m_settings.setValue(kStripColouring, stripColourings().value(index, stripColourings().front())); }
QString Settings::conversationFolder() const { return m_settings.value(kConversationFolder).toString(); }
void Settings::setConversationFolder(const QString& folder) { m_settings.setValue(kConversationFolder, folder); }
double Settings::textScale() const {
    bool ok = false;
    const double scale = m_settings.value(kTextScale, kTextScaleDefault).toDouble(&ok);
    return ok && scale > 0 ? scale : kTextScaleDefault;  // MainWindow clamps it to its steps' range
}
void Settings::setTextScale(double scale) { m_settings.setValue(kTextScale, scale); }

QByteArray Settings::windowGeometry() const { return m_settings.value(kGeometry).toByteArray(); }
void Settings::setWindowGeometry(const QByteArray& geometry) { m_settings.setValue(kGeometry, geometry); }
QByteArray Settings::windowState() const { return m_settings.value(kState).toByteArray(); }
void Settings::setWindowState(const QByteArray& state) { m_settings.setValue(kState, state); }

}  // namespace qe::gui
