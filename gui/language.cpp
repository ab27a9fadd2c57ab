// LanguageManager: our catalog from the embedded resources (:/i18n) plus Qt's own for
// standard dialog buttons.
#include "gui/language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>

namespace qe::gui {

LanguageManager::LanguageManager() = default;
LanguageManager::~LanguageManager() { removeTranslators(); }

QString LanguageManager::systemLanguage() {
    return QLocale::system().language() == QLocale::Chinese ? QStringLiteral("zh_CN") : QStringLiteral("en");
}

void LanguageManager::removeTranslators() {
    if (m_app) QCoreApplication::removeTranslator(m_app.get());
    if (m_qt) QCoreApplication::removeTranslator(m_qt.get());
    m_app.reset();
    m_qt.reset();
}

bool LanguageManager::apply(const QString& language) {
    const QString wanted = language == QStringLiteral("system") ? systemLanguage() : language;
    removeTranslators();
    m_effective = wanted == QStringLiteral("zh_CN") ? wanted : QStringLiteral("en");
    // Numbers, sizes and dates follow the chosen language too.
    QLocale::setDefault(QLocale(m_effective == QStringLiteral("zh_CN") ? QLocale::Chinese : QLocale::English,
                                m_effective == QStringLiteral("zh_CN") ? QLocale::China : QLocale::UnitedStates));
    auto app = std::make_unique<QTranslator>();
    const bool ok = app->load(QStringLiteral(":/i18n/qwen_explorer_%1.qm").arg(m_effective));
    if (ok) {
        QCoreApplication::installTranslator(app.get());
        m_app = std::move(app);
    }
    if (m_effective != QStringLiteral("en")) {
        auto qt = std::make_unique<QTranslator>();
        if (qt->load(QStringLiteral("qtbase_") + m_effective, QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            QCoreApplication::installTranslator(qt.get());
            m_qt = std::move(qt);
        }
    }
    return ok;
}

}  // namespace qe::gui
