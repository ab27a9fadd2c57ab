// Editor for one of the user's own prompt templates; saves DIR/<id>.<language>.json atomically.
#pragma once

#include <QDialog>

#include "core/chat/prompt_template.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QDialogButtonBox;

namespace qe::gui {

class TemplateEditorDialog : public QDialog {
    Q_OBJECT
public:
    // `initial`: the template to edit or copy; `userDir`: where it is saved.
    TemplateEditorDialog(const PromptTemplate& initial, QString userDir, QWidget* parent = nullptr);

    // The file written by the last successful save.
    const QString& savedPath() const { return m_savedPath; }

    // The JSON the form describes (the core's template format).
    nlohmann::ordered_json toJson() const;
    // Validates with the core parser and writes the file. Shows the problem and returns false.
    bool save();

private:
    void retranslateUi();

    PromptTemplate m_initial;
    QString m_userDir;
    QString m_savedPath;
    QLineEdit* m_id;
    QLineEdit* m_language;
    QLineEdit* m_name;
    QLineEdit* m_description;
    QPlainTextEdit* m_system;
    QPlainTextEdit* m_body;
    QComboBox* m_preset;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
};

}  // namespace qe::gui
