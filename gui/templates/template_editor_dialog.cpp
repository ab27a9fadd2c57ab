// TemplateEditorDialog: a form over the template JSON, validated by the core parser.
#include "gui/templates/template_editor_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QVBoxLayout>

namespace qe::gui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

TemplateEditorDialog::TemplateEditorDialog(const PromptTemplate& initial, QString userDir, QWidget* parent)
    : QDialog(parent), m_initial(initial), m_userDir(std::move(userDir)), m_id(new QLineEdit(this)),
      m_language(new QLineEdit(this)), m_name(new QLineEdit(this)), m_description(new QLineEdit(this)),
      m_system(new QPlainTextEdit(this)), m_body(new QPlainTextEdit(this)), m_preset(new QComboBox(this)),
      m_error(new QLabel(this)), m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this)) {
    m_id->setText(q(initial.id));
    m_language->setText(initial.language.empty() ? QStringLiteral("en") : q(initial.language));
    m_name->setText(q(initial.name));
    m_description->setText(q(initial.description));
    m_system->setPlainText(q(initial.systemPrompt));
    m_body->setPlainText(q(initial.body));
    m_system->setMaximumHeight(90);
    m_preset->addItems({QString(), QString(), QString()});
    // A template with sampling values of its own keeps them (a fourth choice; the values are
    // edited in the file).
    if (initial.sampling.kind == SamplingPresetKind::Custom) m_preset->addItem(QString());
    const int presetIndex = initial.sampling.kind == SamplingPresetKind::Thinking      ? 1
                            : initial.sampling.kind == SamplingPresetKind::NonThinking ? 2
                            : initial.sampling.kind == SamplingPresetKind::Custom      ? 3
                                                                                       : 0;
    m_preset->setCurrentIndex(presetIndex);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));

    auto* form = new QFormLayout();
    form->addRow(new QLabel(tr("Id"), this), m_id);
    form->addRow(new QLabel(tr("Language"), this), m_language);
    form->addRow(new QLabel(tr("Name"), this), m_name);
    form->addRow(new QLabel(tr("Description"), this), m_description);
    form->addRow(new QLabel(tr("System prompt"), this), m_system);
    form->addRow(new QLabel(tr("Body"), this), m_body);
    form->addRow(new QLabel(tr("Sampling"), this), m_preset);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (save()) accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    retranslateUi();
    resize(620, 560);
}

void TemplateEditorDialog::retranslateUi() {
    setWindowTitle(tr("Edit prompt template"));
    m_id->setPlaceholderText(tr("e.g. my-template (letters, digits, - and _)"));
    m_body->setPlaceholderText(tr("The user message; write {{name}} for each variable"));
    m_preset->setItemText(0, tr("Keep the user's setting"));
    m_preset->setItemText(1, tr("Thinking preset"));
    m_preset->setItemText(2, tr("Non-thinking preset"));
    if (m_preset->count() > 3) {
        const SamplingPreset& s = m_initial.sampling;
        const QLocale locale;
        //: A template's own sampling values: %1 temperature, %2 top-p, %3 top-k, %4 min-p, %5 presence penalty.
        m_preset->setItemText(3, tr("Its own: temperature %1, top-p %2, top-k %3, min-p %4, presence penalty %5")
                                     .arg(locale.toString(s.temperature, 'g', 3), locale.toString(s.topP, 'g', 3),
                                          locale.toString(s.topK), locale.toString(s.minP, 'g', 3))
                                     .arg(locale.toString(s.presencePenalty, 'g', 3)));
    }
}

nlohmann::ordered_json TemplateEditorDialog::toJson() const {
    nlohmann::ordered_json j;
    j["id"] = m_id->text().trimmed().toStdString();
    j["language"] = m_language->text().trimmed().toStdString();
    j["name"] = m_name->text().trimmed().toStdString();
    j["description"] = m_description->text().trimmed().toStdString();
    if (!m_system->toPlainText().trimmed().isEmpty()) j["system"] = m_system->toPlainText().toStdString();
    if (!m_initial.examples.empty()) {
        // Few-shot examples are kept as they were (edited in the file).
        auto examples = nlohmann::ordered_json::array();
        for (const FewShotTurn& shot : m_initial.examples) examples.push_back({{"user", shot.user}, {"assistant", shot.assistant}});
        j["examples"] = examples;
    }
    j["body"] = m_body->toPlainText().toStdString();
    if (m_preset->currentIndex() == 1) j["sampling"] = {{"preset", "thinking"}};
    if (m_preset->currentIndex() == 2) j["sampling"] = {{"preset", "non-thinking"}};
    if (m_preset->currentIndex() == 3) {
        const SamplingPreset& s = m_initial.sampling;
        j["sampling"] = {{"preset", "custom"}, {"temperature", s.temperature}, {"top_p", s.topP}, {"top_k", s.topK},
                         {"min_p", s.minP}, {"presence_penalty", s.presencePenalty}};
    }
    return j;
}

bool TemplateEditorDialog::save() {
    const nlohmann::ordered_json json = toJson();
    const QString id = m_id->text().trimmed();
    const QString language = m_language->text().trimmed();
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_-]+$"));
    if (!safe.match(id).hasMatch() || !safe.match(language).hasMatch()) {
        m_error->setText(tr("The id and language may only hold letters, digits, '-' and '_'."));
        return false;
    }
    auto parsed = parsePromptTemplate(json, "editor");
    if (!parsed.ok()) {
        m_error->setText(tr("The template is not valid: %1").arg(q(parsed.error().message)));
        return false;
    }
    QDir().mkpath(m_userDir);
    const QString path = QDir(m_userDir).filePath(QStringLiteral("%1.%2.json").arg(id, language));
    QSaveFile file(path);
    const std::string text = json.dump(2) + "\n";
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), static_cast<qint64>(text.size())) < 0 || !file.commit()) {
        m_error->setText(tr("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    // An edited template saved under a new id or language replaces its old file.
    if (!m_initial.builtin && !m_initial.path.empty() && q(m_initial.path) != path) QFile::remove(q(m_initial.path));
    m_savedPath = path;
    return true;
}

}  // namespace qe::gui
