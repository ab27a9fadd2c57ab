// Installs the translators for the chosen language ("system", "en", "zh_CN") at run time; every
// widget then gets QEvent::LanguageChange and retranslates itself, so no restart is needed.
#pragma once

#include <memory>

#include <QString>
#include <QTranslator>

namespace qe::gui {

class LanguageManager {
public:
    LanguageManager();
    ~LanguageManager();

    // Replaces the installed translators. Returns false if the language's catalog is missing
    // (the UI then stays English).
    bool apply(const QString& language);
    // The locale name actually used ("en" or "zh_CN").
    QString effectiveLanguage() const { return m_effective; }

    // "zh_CN" for a Chinese system locale, else "en".
    static QString systemLanguage();

private:
    void removeTranslators();

    std::unique_ptr<QTranslator> m_app;
    std::unique_ptr<QTranslator> m_qt;
    QString m_effective = QStringLiteral("en");
};

}  // namespace qe::gui
