// Data locations; QE_DEFAULT_MODEL_DIR and QE_TEMPLATES_DIR come from gui/CMakeLists.txt.
// Installed layout (installer/CMakeLists.txt, the CLI's builtinTemplateDir() alike):
// <prefix>/bin/qwen-explorer, <prefix>/share/qwen-explorer/{default-model,templates}.
#include "gui/paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "core/chat/prompt_template.h"

namespace qe::gui {

namespace {

// First existing folder holding `marker`: env var, <bin>/../share, build tree, XDG system dirs.
QString locate(const char* envVar, const QString& shareSub, const QString& buildDir, const QString& marker) {
    QStringList candidates;
    const QString fromEnv = qEnvironmentVariable(envVar);
    if (!fromEnv.isEmpty()) candidates << fromEnv;
    const QString appDir = QCoreApplication::applicationDirPath();
    candidates << QDir(appDir).filePath(QStringLiteral("../share/qwen-explorer/") + shareSub);
    // A build's own data before an installed package's.
    candidates << buildDir;
    // System data folders (XDG_DATA_DIRS) only: the writable one, ~/.local/share, holds the
    // user's own templates (userTemplateDir()), which must not pass for the built-in ones.
    const QString userData = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    for (const QString& dir : QStandardPaths::standardLocations(QStandardPaths::GenericDataLocation))
        if (dir != userData) candidates << QDir(dir).filePath(QStringLiteral("qwen-explorer/") + shareSub);
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
    // The same environment variable as the CLI's.
    return locate("QE_TEMPLATE_DIR", QStringLiteral("templates"), QStringLiteral(QE_TEMPLATES_DIR), QString());
}

QString userTemplateDir() { return QString::fromStdString(defaultUserPromptTemplateDir().string()); }

QString conversationsDir() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("conversations"));
}

}  // namespace qe::gui
