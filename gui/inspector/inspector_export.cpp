// PNG and JSON export of inspector views.
#include "gui/inspector/inspector_export.h"

#include <QJsonDocument>
#include <QPixmap>
#include <QSaveFile>
#include <QWidget>

namespace qe::gui {

bool exportPng(QWidget* widget, const QString& path, QString* error) {
    const QPixmap pixmap = widget->grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        *error = QStringLiteral("cannot write PNG %1").arg(path);
        return false;
    }
    return true;
}

bool exportJson(const QJsonObject& object, const QString& path, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(object).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

}  // namespace qe::gui
