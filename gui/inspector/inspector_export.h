// Export of inspector views: a PNG of what a view shows and a JSON file of the diagnostics
// behind it. Each exportable view implements ExportableView.
#pragma once

#include <QJsonObject>
#include <QString>

class QWidget;

namespace qe::gui {

class ExportableView {
public:
    virtual ~ExportableView() = default;
    // The numbers the view shows, self-describing (GUI thread; no engine call).
    virtual QJsonObject diagnosticsJson() const = 0;
    // The widget a PNG export grabs.
    virtual QWidget* exportWidget() = 0;
};

// Writes `widget` as a PNG; false with `error` set on failure.
bool exportPng(QWidget* widget, const QString& path, QString* error);
// Writes `object` as indented JSON; false with `error` set on failure.
bool exportJson(const QJsonObject& object, const QString& path, QString* error);

}  // namespace qe::gui
