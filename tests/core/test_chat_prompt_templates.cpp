// Prompt templates: the built-ins in resources/templates/ load in English and Chinese, the
// quadratic solver instantiates to system + few-shot + body, variable errors, a broken user file
// next to good ones, duplicate ids.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "core/chat/prompt_template.h"

namespace {

std::filesystem::path builtinDir() { return std::filesystem::path(QE_SOURCE_DIR) / "resources" / "templates"; }

void writeFile(const QString& path, const QByteArray& data) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

const char* kGood = R"({"id": "mine", "language": "en", "name": "Mine", "body": "Hello {{ who }}, {{who}} again"})";

}  // namespace

class TestChatPromptTemplates : public QObject {
    Q_OBJECT
private slots:
    void builtinsLoadInBothLanguages() {
        qe::PromptLibrary lib = qe::loadPromptLibrary(builtinDir(), {});
        for (const auto& p : lib.problems) qWarning("%s: %s", p.path.c_str(), p.error.text().c_str());
        QVERIFY(lib.problems.empty());
        QCOMPARE(lib.templates.size(), size_t{10});
        for (const char* id : {"quadratic-solver", "translate-zh-en", "code-review", "summarize", "explain-like-teacher"}) {
            for (const char* lang : {"en", "zh"}) {
                const qe::PromptTemplate* t = lib.find(id, lang);
                QVERIFY2(t, id);
                QCOMPARE(QString::fromStdString(t->language), QString::fromLatin1(lang));
                QVERIFY(t->builtin);
                QVERIFY(!t->variables.empty());
            }
        }
    }

    void quadraticSolverFewShot() {
        qe::PromptLibrary lib = qe::loadPromptLibrary(builtinDir(), {});
        const qe::PromptTemplate* t = lib.find("quadratic-solver", "en");
        QVERIFY(t);
        QCOMPARE(t->variables, std::vector<std::string>{"equation"});
        QCOMPARE(t->sampling.kind, qe::SamplingPresetKind::Thinking);
        auto messages = qe::instantiatePrompt(*t, {{"equation", "2x² + 3x - 2 = 0"}});
        QVERIFY(messages.ok());
        QCOMPARE(messages->size(), size_t{4});
        QCOMPARE(QString::fromStdString((*messages)[0]["role"].get<std::string>()), QStringLiteral("system"));
        QCOMPARE(QString::fromStdString((*messages)[1]["content"].get<std::string>()), QStringLiteral("Solve step by step: x² - 5x + 6 = 0"));
        QVERIFY(QString::fromStdString((*messages)[2]["content"].get<std::string>()).endsWith(QStringLiteral("x = 2 or x = 3")));
        QCOMPARE(QString::fromStdString((*messages)[2]["role"].get<std::string>()), QStringLiteral("assistant"));
        QCOMPARE(QString::fromStdString((*messages)[3]["content"].get<std::string>()), QStringLiteral("Solve step by step: 2x² + 3x - 2 = 0"));
        const qe::PromptTemplate* zh = lib.find("quadratic-solver", "zh");
        QVERIFY(zh);
        auto zhMessages = qe::instantiatePrompt(*zh, {{"equation", "x² - 1 = 0"}});
        QVERIFY(zhMessages.ok());
        QVERIFY(QString::fromStdString((*zhMessages)[3]["content"].get<std::string>()).endsWith(QStringLiteral("x² - 1 = 0")));
    }

    void variableErrors() {
        auto t = qe::parsePromptTemplate(nlohmann::ordered_json::parse(kGood));
        QVERIFY(t.ok());
        QCOMPARE(t->variables, std::vector<std::string>{"who"});
        auto ok = qe::instantiatePrompt(*t, {{"who", "Ann"}});
        QVERIFY(ok.ok());
        QCOMPARE(QString::fromStdString((*ok)[0]["content"].get<std::string>()), QStringLiteral("Hello Ann, Ann again"));
        auto missing = qe::instantiatePrompt(*t, {});
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.find("missing variable 'who'") != std::string::npos, missing.error().message.c_str());
        auto unknown = qe::instantiatePrompt(*t, {{"who", "A"}, {"whom", "B"}});
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().message.find("unknown variable 'whom'") != std::string::npos, unknown.error().message.c_str());
        auto bad = qe::promptVariables("Hi {{ two words }}");
        QVERIFY(!bad.ok());
        QVERIFY(!qe::promptVariables("Hi {{name").ok());
    }

    void invalidFieldsAreErrors() {
        QVERIFY(!qe::parsePromptTemplate(nlohmann::ordered_json::parse(R"({"id": "x", "language": "en", "name": "X"})")).ok());
        QVERIFY(!qe::parsePromptTemplate(nlohmann::ordered_json::parse(
                     R"({"id": "x", "language": "en", "name": "X", "body": "b", "sampling": {"preset": "custom", "top_p": 3}})")).ok());
        QVERIFY(!qe::parsePromptTemplate(nlohmann::ordered_json::parse(
                     R"({"id": "x", "language": "en", "name": "X", "body": "b", "examples": [{"user": "u"}]})")).ok());
        auto custom = qe::parsePromptTemplate(nlohmann::ordered_json::parse(
            R"({"id": "x", "language": "en", "name": "X", "body": "b", "sampling": {"preset": "custom", "temperature": 0.3, "top_k": 5}})"));
        QVERIFY(custom.ok());
        QCOMPARE(custom->sampling.temperature, 0.3);
        QCOMPARE(custom->sampling.topK, 5);
    }

    void brokenUserFileDoesNotHideOthers() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath(QStringLiteral("a_good.json")), kGood);
        writeFile(dir.filePath(QStringLiteral("b_broken.json")), "{\"id\": \"oops\", ");
        writeFile(dir.filePath(QStringLiteral("c_dup.json")), kGood);
        writeFile(dir.filePath(QStringLiteral("d_dup_builtin.json")),
                  R"({"id": "summarize", "language": "en", "name": "S", "body": "{{text}}"})");
        writeFile(dir.filePath(QStringLiteral("e_other_lang.json")),
                  R"({"id": "mine", "language": "zh", "name": "我的", "body": "你好 {{who}}"})");
        writeFile(dir.filePath(QStringLiteral("notes.txt")), "ignored");
        qe::PromptLibrary lib = qe::loadPromptLibrary(builtinDir(), dir.path().toStdString());
        QCOMPARE(lib.templates.size(), size_t{12});
        QVERIFY(lib.find("mine", "en"));
        QCOMPARE(QString::fromStdString(lib.find("mine", "zh")->name), QStringLiteral("我的"));
        QVERIFY(!lib.find("mine", "en")->builtin);
        QCOMPARE(lib.problems.size(), size_t{3});
        QVERIFY(lib.problems[0].path.find("b_broken.json") != std::string::npos);
        QVERIFY(lib.problems[0].error.message.find("not valid JSON") != std::string::npos);
        QVERIFY(lib.problems[1].error.message.find("duplicate") != std::string::npos);
        QVERIFY(lib.problems[2].path.find("d_dup_builtin.json") != std::string::npos);
    }

    void missingUserDirIsFine() {
        qe::PromptLibrary lib = qe::loadPromptLibrary(builtinDir(), "/nonexistent/qwen-explorer/templates");
        QVERIFY(lib.problems.empty());
        QCOMPARE(lib.templates.size(), size_t{10});
    }
};

QTEST_APPLESS_MAIN(TestChatPromptTemplates)
#include "test_chat_prompt_templates.moc"
