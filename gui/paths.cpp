// Data locations; QE_DEFAULT_MODEL_DIR and QE_TEMPLATES_DIR come from gui/CMakeLists.txt.
#include "gui/paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "core/chat/prompt_template.h"

namespace qe::gui {

namespace {

// First existing folder holding `marker`, from env var, installed share dir, then build tree.
QString locate(const char* envVar, const QString& shareSub, const QString& buildDir, const QString& marker) {
    QStringList candidates;
    const QString fromEnv = qEnvironmentVariable(envVar);
    if (!fromEnv.isEmpty()) candidates << fromEnv;
    const QString appDir = QCoreApplication::applicationDirPath();
    candidates << QDir(appDir).filePath(QStringLiteral("../share/qwen-explorer/") + shareSub);
    for (const QString& dir : QStandardPaths::standardLocations(QStandardPaths::GenericDataLocation))
        candidates << QDir(dir).filePath(QStringLiteral("qwen-explorer/") + shareSub);
    candidates << buildDir;
    for (const QString& dir : candidates) {
        if (marker.isEmpty() ? QFileInfo(dir).isDir() : QFileInfo::exists(QDir(dir).filePath(marker)))
            return QDir::cleanPath(QDir(dir).absolutePath());
    }
    return {};
}

}  // namespace

QString builtinModelDir() {
    return locate("QE_DEFAULT_MODEL_DIR", QStringLiteral("default-model"), QStringLiteral(QE_DEFAULT_MODEL_DIR),
                  QStringLiteral("config.json"));
}

QString builtinTemplateDir() {
    return locate("QE_TEMPLATES_DIR", QStringLiteral("templates"), QStringLiteral(QE_TEMPLATES_DIR), QString());
}

QString userTemplateDir() { return QString::fromStdString(defaultUserPromptTemplateDir().string()); }

QString conversationsDir() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("conversations"));
}

}  // namespace qe::gui
