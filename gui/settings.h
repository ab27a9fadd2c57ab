// Every persistent user setting behind one class with a typed accessor per key (style.md §8).
// Key string and default are declared together in settings.cpp. GUI thread only: the engine
// receives copies inside its requests and never reads settings.
#pragma once

#include <cstdint>

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

#include "core/cpu/cpu_kernels.h"
#include "core/kv_cache.h"
#include "core/sampler.h"

namespace qe::gui {

enum class SamplingPresetChoice { Thinking, NonThinking, Custom };

// Qwen3's recommended sampling (spec §6.3).
SamplingParams presetSampling(SamplingPresetChoice preset);

class Settings {
public:
    // Uses the application's default QSettings (organization / application names).
    Settings();
    // A specific file (tests).
    explicit Settings(const QString& iniFile);

    // "system", "en" or "zh_CN".
    QString language() const;
    void setLanguage(const QString& language);

    // The model opened at start; "" means the built-in default model.
    QString defaultModelDir() const;
    void setDefaultModelDir(const QString& folder);
    // Most recent first, at most kMaxRecent.
    QStringList recentModels() const;
    void addRecentModel(const QString& folder);
    static constexpr int kMaxRecent = 8;

    QString backend() const;  // "auto" (default), "cpu" or "cuda" (gui/backend_choice.h)
    void setBackend(const QString& backend);
    int threads() const;      // 0: all hardware threads
    void setThreads(int threads);
    // Memory for the kept hidden states the attention map and logit lens are recomputed from
    // (SessionOptions::diagnosticsBudgetBytes); takes effect when a model loads. 0: none kept.
    int diagnosticsBudgetMiB() const;
    void setDiagnosticsBudgetMiB(int mib);
    std::uint64_t diagnosticsBudgetBytes() const { return std::uint64_t(diagnosticsBudgetMiB()) << 20; }
    // Element type of the CPU's KV cache (SessionOptions::kvCache); takes effect when a model loads.
    KvType kvCache() const;
    void setKvCache(KvType type);
    // How the CPU multiplies prompts (SessionOptions::prefillMatmul: f32, or bf16 on AMX tiles);
    // takes effect when a model loads.
    cpu::GemmPrecision prefillMatmul() const;
    void setPrefillMatmul(cpu::GemmPrecision precision);
    static constexpr int kMaxDiagnosticsBudgetMiB = 1 << 20;  // 1 TiB: a sanity bound, not a recommendation

    SamplingPresetChoice samplingPreset() const;
    void setSamplingPreset(SamplingPresetChoice preset);
    // The custom sampling values (used when the preset is Custom).
    SamplingParams customSampling() const;
    void setCustomSampling(const SamplingParams& params);
    int maxNewTokens() const;
    void setMaxNewTokens(int tokens);
    // The sampler's seed for replies: kRandomSeed (the default) draws a new one for each reply; a
    // number repeats a reply from the same prompt, settings and model.
    int seed() const;
    void setSeed(int seed);
    static constexpr int kRandomSeed = -1;
    bool thinking() const;    // enable_thinking for new turns
    void setThinking(bool on);
    // The system prompt a new conversation starts with ("": none).
    QString defaultSystemPrompt() const;
    void setDefaultSystemPrompt(const QString& text);
    // Chat replies show their tokens coloured by probability instead of Markdown.
    bool colourTokens() const;
    void setColourTokens(bool on);
    // The inspector's Colour choice for the context tokens, as TokenStrip::Colouring's index
    // (0 probability, 1 attention, 2 none).
    int stripColouring() const;
    void setStripColouring(int index);
    // The folder last used to export or import conversations ("": the Documents folder).
    QString conversationFolder() const;
    void setConversationFolder(const QString& folder);
    // View → Zoom: the text size as a factor of the desktop's font size (1 = as the desktop).
    double textScale() const;
    void setTextScale(double scale);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);

    void sync() { m_settings.sync(); }

private:
    QSettings m_settings;
};

}  // namespace qe::gui
