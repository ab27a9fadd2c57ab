// PNG, JSON and CSV export of inspector views.
#include "gui/inspector/inspector_export.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QPixmap>
#include <QSaveFile>
#include <QWidget>

namespace qe::gui {

namespace {

// All or nothing: QSaveFile leaves no half-written file behind.
bool writeFile(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(bytes);
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QByteArray csvField(const QString& field) {
    QByteArray bytes = field.toUtf8();
    if (!bytes.contains(',') && !bytes.contains('"') && !bytes.contains('\n') && !bytes.contains('\r')) return bytes;
    bytes.replace('"', "\"\"");
    return '"' + bytes + '"';
}

void appendLine(QByteArray& out, const QStringList& fields) {
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        out += csvField(fields[i]);
    }
    out += "\r\n";
}

}  // namespace

bool exportPng(QWidget* widget, const QString& path, QString* error) {
    const QPixmap pixmap = widget->grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        *error = QStringLiteral("cannot write PNG %1").arg(path);
        return false;
    }
    return true;
}

bool exportJson(const QJsonObject& object, const QString& path, QString* error) {
    return writeFile(path, QJsonDocument(object).toJson(QJsonDocument::Indented), error);
}

QByteArray csvText(const CsvTable& table) {
    QByteArray out;
    appendLine(out, table.header);
    for (const QStringList& row : table.rows) appendLine(out, row);
    return out;
}

QString csvPath(const QString& path, const CsvTable& table, int index) {
    if (index == 0) return path;
    const QFileInfo info(path);
    return info.dir().filePath(QStringLiteral("%1-%2.csv").arg(info.completeBaseName(), table.name));
}

bool exportCsv(const QList<CsvTable>& tables, const QString& path, QString* error) {
    if (tables.isEmpty()) {
        *error = QStringLiteral("this view has no table to export");
        return false;
    }
    for (int i = 0; i < tables.size(); ++i)
        if (!writeFile(csvPath(path, tables[i], i), csvText(tables[i]), error)) return false;
    return true;
}

QString csvNumber(double value) { return QString::number(value, 'g', 9); }

}  // namespace qe::gui
