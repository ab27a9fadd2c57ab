// PromptTemplateDialog: library list, variable form, live preview with token count.
#include "gui/templates/prompt_template_dialog.h"

#include <algorithm>

#include <QDialogButtonBox>
#include <QEvent>
#include <QFile>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QVBoxLayout>

#include "gui/templates/template_editor_dialog.h"

namespace qe::gui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

PromptTemplateDialog::PromptTemplateDialog(QString builtinDir, QString userDir, PromptPreviewer previewer, QWidget* parent)
    : QDialog(parent), m_builtinDir(std::move(builtinDir)), m_userDir(std::move(userDir)), m_previewer(std::move(previewer)),
      m_listLabel(new QLabel(this)), m_list(new QListWidget(this)), m_new(new QPushButton(this)),
      m_edit(new QPushButton(this)), m_delete(new QPushButton(this)), m_description(new QLabel(this)),
      m_variablesLabel(new QLabel(this)), m_form(new QWidget(this)), m_formLayout(new QFormLayout(m_form)),
      m_previewLabel(new QLabel(this)), m_preview(new QPlainTextEdit(this)), m_tokens(new QLabel(this)),
      m_problems(new QLabel(this)), m_use(new QPushButton(this)), m_close(new QPushButton(this)) {
    m_description->setWordWrap(true);
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_preview->setReadOnly(true);
    m_preview->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_formLayout->setContentsMargins(0, 0, 0, 0);
    m_use->setDefault(true);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_listLabel);
    leftLayout->addWidget(m_list, 1);
    auto* libraryButtons = new QHBoxLayout();
    libraryButtons->addWidget(m_new);
    libraryButtons->addWidget(m_edit);
    libraryButtons->addWidget(m_delete);
    leftLayout->addLayout(libraryButtons);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_description);
    rightLayout->addWidget(m_variablesLabel);
    rightLayout->addWidget(m_form);
    rightLayout->addWidget(m_previewLabel);
    rightLayout->addWidget(m_preview, 1);
    rightLayout->addWidget(m_tokens);

    auto* splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 2);

    auto* buttons = new QHBoxLayout();
    buttons->addWidget(m_problems, 1);
    buttons->addWidget(m_close);
    buttons->addWidget(m_use);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addLayout(buttons);

    connect(m_list, &QListWidget::currentRowChanged, this, &PromptTemplateDialog::showTemplate);
    connect(m_new, &QPushButton::clicked, this, [this] { editTemplate(true); });
    connect(m_edit, &QPushButton::clicked, this, [this] { editTemplate(false); });
    connect(m_delete, &QPushButton::clicked, this, &PromptTemplateDialog::deleteTemplate);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_use, &QPushButton::clicked, this, [this] {
        updatePreview();
        if (!m_messages.empty()) accept();
    });
    retranslateUi();
    reload();
    resize(900, 620);
    // The list as wide as its longest entry (up to 40 % of the dialog), so names are not cut.
    const int listWidth = std::min(m_list->sizeHintForColumn(0) + 2 * m_list->frameWidth() +
                                       m_list->verticalScrollBar()->sizeHint().width(),
                                   width() * 2 / 5);
    splitter->setSizes({listWidth, width() - listWidth});
}

const PromptTemplate* PromptTemplateDialog::chosen() const {
    const int row = m_list->currentRow();
    return row >= 0 && row < static_cast<int>(m_library.templates.size()) ? &m_library.templates[static_cast<std::size_t>(row)]
                                                                          : nullptr;
}

void PromptTemplateDialog::reload() {
    const QString previous = chosen() ? q(chosen()->id + "." + chosen()->language) : QString();
    m_library = loadPromptLibrary(m_builtinDir.toStdString(), m_userDir.toStdString());
    m_list->blockSignals(true);
    m_list->clear();
    int select = 0;
    for (std::size_t i = 0; i < m_library.templates.size(); ++i) {
        const PromptTemplate& t = m_library.templates[i];
        //: Template list entry: %1 name, %2 language code, %3 "built-in" or "mine".
        const QString label = tr("%1 (%2, %3)").arg(q(t.name), q(t.language), t.builtin ? tr("built-in") : tr("mine"));
        auto* item = new QListWidgetItem(label, m_list);
        item->setToolTip(q(t.description));
        if (q(t.id + "." + t.language) == previous) select = static_cast<int>(i);
    }
    m_list->blockSignals(false);
    QStringList problems;
    for (const PromptTemplateProblem& p : m_library.problems) problems << q(p.path) + QStringLiteral(": ") + q(p.error.message);
    m_problems->setText(problems.isEmpty() ? QString() : tr("Some template files could not be used: %1").arg(problems.join(QStringLiteral("; "))));
    m_list->setCurrentRow(m_library.templates.empty() ? -1 : select);
    showTemplate();
}

void PromptTemplateDialog::showTemplate() {
    // Keep what the user typed for variables of the same name.
    std::map<std::string, QString> typed;
    for (const auto& [name, field] : m_fields) typed[name] = field->toPlainText();
    while (m_formLayout->rowCount() > 0) m_formLayout->removeRow(0);
    m_fields.clear();
    const PromptTemplate* t = chosen();
    m_edit->setEnabled(t != nullptr);
    m_delete->setEnabled(t && !t->builtin);
    m_use->setEnabled(t != nullptr);
    m_description->setText(t ? q(t->description) : tr("No template is available."));
    if (!t) return updatePreview();
    for (const std::string& name : t->variables) {
        auto* field = new QPlainTextEdit(m_form);
        field->setObjectName(q(name));
        field->setFixedHeight(name == "text" || name == "code" ? 90 : 34);
        if (auto it = typed.find(name); it != typed.end()) field->setPlainText(it->second);
        connect(field, &QPlainTextEdit::textChanged, this, &PromptTemplateDialog::updatePreview);
        m_formLayout->addRow(q(name), field);
        m_fields[name] = field;
    }
    m_variablesLabel->setVisible(!t->variables.empty());
    updatePreview();
}

void PromptTemplateDialog::updatePreview() {
    m_messages = nlohmann::ordered_json();
    const PromptTemplate* t = chosen();
    if (!t) {
        m_preview->clear();
        m_tokens->clear();
        return;
    }
    std::map<std::string, std::string> values;
    QStringList empty;
    for (const auto& [name, field] : m_fields) {
        values[name] = field->toPlainText().toStdString();
        if (field->toPlainText().trimmed().isEmpty()) empty << q(name);
    }
    auto messages = instantiatePrompt(*t, values);
    if (!messages.ok()) {
        m_preview->setPlainText(q(messages.error().message));
        m_tokens->clear();
        m_use->setEnabled(false);
        return;
    }
    const PromptPreview preview = m_previewer ? m_previewer(*messages) : PromptPreview{};
    m_preview->setPlainText(preview.error.isEmpty() ? preview.text : preview.error);
    if (preview.tokens >= 0) m_tokens->setText(tr("%n token(s) in the final prompt", nullptr, preview.tokens));
    else m_tokens->setText(tr("Load a model to count the prompt's tokens."));
    if (!empty.isEmpty()) m_tokens->setText(m_tokens->text() + QStringLiteral(" · ") + tr("Empty: %1").arg(empty.join(QStringLiteral(", "))));
    m_use->setEnabled(true);
    m_messages = *messages;
}

void PromptTemplateDialog::editTemplate(bool asNew) {
    PromptTemplate initial;
    if (!asNew && chosen()) {
        initial = *chosen();
        if (initial.builtin) {
            // Built-ins are read-only: edit a copy in the user's folder.
            initial.id += "-copy";
            initial.builtin = false;
            initial.path.clear();
        }
    } else {
        initial.language = "en";
        initial.body = "{{text}}";
    }
    TemplateEditorDialog editor(initial, m_userDir, this);
    if (editor.exec() == QDialog::Accepted) reload();
}

void PromptTemplateDialog::deleteTemplate() {
    const PromptTemplate* t = chosen();
    if (!t || t->builtin) return;
    if (QMessageBox::question(this, tr("Delete template"), tr("Delete the template \"%1\"?").arg(q(t->name))) != QMessageBox::Yes)
        return;
    QFile::remove(q(t->path));
    reload();
}

bool PromptTemplateDialog::selectTemplate(const QString& id, const QString& language) {
    for (std::size_t i = 0; i < m_library.templates.size(); ++i) {
        if (q(m_library.templates[i].id) == id && q(m_library.templates[i].language) == language) {
            m_list->setCurrentRow(static_cast<int>(i));
            return true;
        }
    }
    return false;
}

bool PromptTemplateDialog::setVariable(const QString& name, const QString& value) {
    auto it = m_fields.find(name.toStdString());
    if (it == m_fields.end()) return false;
    it->second->setPlainText(value);
    return true;
}

QString PromptTemplateDialog::previewText() const { return m_preview->toPlainText(); }
QString PromptTemplateDialog::tokenCountText() const { return m_tokens->text(); }

void PromptTemplateDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QDialog::changeEvent(event);
}

void PromptTemplateDialog::retranslateUi() {
    setWindowTitle(tr("Prompt templates"));
    m_listLabel->setText(tr("Templates"));
    m_new->setText(tr("New…"));
    m_edit->setText(tr("Edit…"));
    m_edit->setToolTip(tr("Edit your template, or a copy of a built-in one"));
    m_delete->setText(tr("Delete"));
    m_variablesLabel->setText(tr("Variables"));
    m_previewLabel->setText(tr("Final prompt (as the model receives it)"));
    m_use->setText(tr("Start conversation"));
    m_close->setText(tr("Close"));
}

}  // namespace qe::gui
