// Prompt templates: pick one (built-in or the user's own), fill its variables in a form, see the
// final prompt as the model will get it with its token count, and create, edit or delete the
// user's own templates. The chosen template's messages start a new conversation.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <QDialog>
#include <nlohmann/json.hpp>

#include "core/chat/prompt_template.h"

class QFormLayout;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace qe::gui {

// Renders messages as the model's prompt; tokens < 0 when no model is loaded.
struct PromptPreview {
    QString text;
    int tokens = -1;
    QString error;
};
using PromptPreviewer = std::function<PromptPreview(const nlohmann::ordered_json& messages)>;

class PromptTemplateDialog : public QDialog {
    Q_OBJECT
public:
    PromptTemplateDialog(QString builtinDir, QString userDir, PromptPreviewer previewer, QWidget* parent = nullptr);

    // After accept(): the instantiated messages and the chosen template.
    const nlohmann::ordered_json& messages() const { return m_messages; }
    const PromptTemplate* chosen() const;

    // For tests: select by id and set a variable's text.
    bool selectTemplate(const QString& id, const QString& language);
    bool setVariable(const QString& name, const QString& value);
    QString previewText() const;
    QString tokenCountText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void reload();
    void showTemplate();
    void updatePreview();
    void editTemplate(bool asNew);
    void deleteTemplate();

    QString m_builtinDir;
    QString m_userDir;
    PromptPreviewer m_previewer;
    PromptLibrary m_library;
    nlohmann::ordered_json m_messages;
    std::map<std::string, QPlainTextEdit*> m_fields;

    QLabel* m_listLabel;
    QListWidget* m_list;
    QPushButton* m_new;
    QPushButton* m_edit;
    QPushButton* m_delete;
    QLabel* m_description;
    QLabel* m_variablesLabel;
    QWidget* m_form;
    QFormLayout* m_formLayout;
    QLabel* m_previewLabel;
    QPlainTextEdit* m_preview;
    QLabel* m_tokens;
    QLabel* m_problems;
    QPushButton* m_use;
    QPushButton* m_close;
};

}  // namespace qe::gui
