// Export of inspector views: a PNG of what a view shows, and the diagnostics behind it as a JSON
// file and as CSV tables. Each exportable view implements ExportableView.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

class QWidget;

namespace qe::gui {

// One CSV table: a header and rows of already formatted fields (numbers in the C locale, so a
// file reads the same everywhere).
struct CsvTable {
    QString name;                // file-name suffix of the second and later tables ("heads")
    QStringList header;
    QList<QStringList> rows;
};

class ExportableView {
public:
    virtual ~ExportableView() = default;
    // The numbers the view shows, self-describing (GUI thread; no engine call).
    virtual QJsonObject diagnosticsJson() const = 0;
    // The same numbers as tables; the first is the view's main table. Views whose diagnostics
    // are not tabular return none.
    virtual QList<CsvTable> diagnosticsCsv() const { return {}; }
    // The widget a PNG export grabs.
    virtual QWidget* exportWidget() = 0;
};

// Writes `widget` as a PNG; false with `error` set on failure.
bool exportPng(QWidget* widget, const QString& path, QString* error);
// Writes `object` as indented JSON; false with `error` set on failure.
bool exportJson(const QJsonObject& object, const QString& path, QString* error);
// RFC 4180 text of `table`: CRLF line ends; fields holding a comma, quote, CR or LF are quoted
// with inner quotes doubled. UTF-8.
QByteArray csvText(const CsvTable& table);
// Where table `index` of an export to `path` goes: `path` for the first, "name-<table>.csv" next
// to it for the others.
QString csvPath(const QString& path, const CsvTable& table, int index);
// Writes each table to csvPath(); false with `error` set on the first failure (files already
// written stay) or when there is no table.
bool exportCsv(const QList<CsvTable>& tables, const QString& path, QString* error);
// A number as a CSV field: nine significant digits, enough to read back the same float.
QString csvNumber(double value);

}  // namespace qe::gui
