// Qwen3 chat template goldens: every case of shared/testdata/chat_template/qwen3_public.jsonl
// (rendered by Python jinja2 as transformers does) through ChatTemplate, with the real
// tokenizer_config.json chat_template and with the testdata .jinja file; and 250 random
// conversations (tools, tool calls, reasoning, <think> in odd places) rendered by Hugging Face's
// JavaScript Jinja, tests/core/data/chat_template_crosscheck.jsonl (scripts/make-crosscheck-refs.js).
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include "core/chat/chat_template.h"
#include "tests/helpers/test_paths.h"

using qe::ChatTemplate;

namespace {

struct GoldenCase {
    nlohmann::ordered_json request;
    std::string rendered;
};

std::vector<GoldenCase> loadCases(const QString& path) {
    std::vector<GoldenCase> cases;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return cases;
    while (!f.atEnd()) {
        QByteArray line = f.readLine().trimmed();
        if (line.isEmpty()) continue;
        auto j = nlohmann::ordered_json::parse(line.toStdString(), nullptr, false);
        if (j.is_discarded()) continue;
        GoldenCase c;
        c.rendered = j["rendered"].get<std::string>();
        j.erase("rendered");
        c.request = std::move(j);
        cases.push_back(std::move(c));
    }
    return cases;
}

std::string readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll().toStdString();
}

QString publicCasesPath() { return qe::test::testdataPath(QStringLiteral("chat_template/qwen3_public.jsonl")); }
QString crosscheckCasesPath() {
    return QStringLiteral(QE_SOURCE_DIR "/tests/core/data/chat_template_crosscheck.jsonl");
}

void checkAllCases(const ChatTemplate& tmpl, const QString& path = publicCasesPath(), std::size_t minimum = 50) {
    const auto cases = loadCases(path);
    const QByteArray file = QFileInfo(path).fileName().toUtf8();
    QVERIFY2(cases.size() >= minimum, (file + " missing or short").constData());
    int index = 0;
    for (const auto& c : cases) {
        auto input = qe::chatTemplateInputFromJson(c.request);
        QVERIFY2(input.ok(), input.ok() ? "" : input.error().text().c_str());
        auto out = tmpl.render(*input);
        const QByteArray where = file + " case " + QByteArray::number(index);
        QVERIFY2(out.ok(), (where + ": " + QByteArray::fromStdString(out.ok() ? "" : out.error().text())).constData());
        if (*out != c.rendered) {
            qWarning("%s\n--- expected ---\n%s\n--- got ---\n%s", where.constData(), c.rendered.c_str(), out->c_str());
        }
        QCOMPARE(QByteArray::fromStdString(*out), QByteArray::fromStdString(c.rendered));
        ++index;
    }
}

}  // namespace

class TestChatTemplate : public QObject {
    Q_OBJECT
private slots:
    void jinjaFileMatchesAllPublicCases() {
        std::string source = readFile(qe::test::testdataPath(QStringLiteral("chat_template/qwen3_chat_template.jinja")));
        QVERIFY(!source.empty());
        auto tmpl = ChatTemplate::fromSource(source, {}, "<|im_end|>");
        QVERIFY2(tmpl.ok(), tmpl.ok() ? "" : tmpl.error().text().c_str());
        checkAllCases(*tmpl);
    }

    void tokenizerConfigMatchesAllPublicCases() {
        const QString dir = qe::test::tokenizerDir();
        if (!QFile::exists(dir + QStringLiteral("/tokenizer_config.json"))) QSKIP("Qwen3 tokenizer_config.json not fetched");
        auto tmpl = ChatTemplate::fromModelDir(dir.toStdString());
        QVERIFY2(tmpl.ok(), tmpl.ok() ? "" : tmpl.error().text().c_str());
        checkAllCases(*tmpl);
    }

    // The model's own template on random conversations, against another Jinja implementation.
    void tokenizerConfigMatchesCrosscheckCases() {
        const QString dir = qe::test::tokenizerDir();
        if (!QFile::exists(dir + QStringLiteral("/tokenizer_config.json"))) QSKIP("Qwen3 tokenizer_config.json not fetched");
        auto tmpl = ChatTemplate::fromModelDir(dir.toStdString());
        QVERIFY2(tmpl.ok(), tmpl.ok() ? "" : tmpl.error().text().c_str());
        checkAllCases(*tmpl, crosscheckCasesPath(), 250);
    }

    void namedTemplateListUsesDefault() {
        auto config = nlohmann::ordered_json::parse("{\"chat_template\": [\n"
            "            {\"name\": \"tool_use\", \"template\": \"TOOLS\"},\n"
            "            {\"name\": \"default\", \"template\": \"{{ bos_token }}{% for m in messages %}[{{ m.role }}]{% endfor %}\"}],\n"
            "            \"bos_token\": {\"content\": \"<s>\", \"lstrip\": false}}");
        auto tmpl = ChatTemplate::fromTokenizerConfig(config);
        QVERIFY(tmpl.ok());
        qe::ChatTemplateInput in;
        in.messages = nlohmann::ordered_json::parse("[{\"role\": \"user\", \"content\": \"a\"}]");
        auto out = tmpl->render(in);
        QVERIFY(out.ok());
        QCOMPARE(QString::fromStdString(*out), QStringLiteral("<s>[user]"));
    }

    void missingChatTemplateIsAnError() {
        auto r = ChatTemplate::fromTokenizerConfig(nlohmann::ordered_json::parse("{\"eos_token\": \"x\"}"), "cfg.json");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, qe::ErrorCode::NotFound);
        auto bad = ChatTemplate::fromTokenizerConfigFile("/nonexistent/tokenizer_config.json");
        QVERIFY(!bad.ok());
    }

    void enableThinkingAbsentWhenNull() {
        auto tmpl = ChatTemplate::fromSource("{{ enable_thinking is defined }}|{{ tools is none }}");
        QVERIFY(tmpl.ok());
        qe::ChatTemplateInput in;
        QCOMPARE(QString::fromStdString(*tmpl->render(in)), QStringLiteral("False|True"));
        in.enableThinking = false;
        QCOMPARE(QString::fromStdString(*tmpl->render(in)), QStringLiteral("True|True"));
    }

    void raiseExceptionFromTemplate() {
        auto tmpl = ChatTemplate::fromSource("{% if messages|length == 0 %}\n{{ raise_exception('No messages!') }}{% endif %}");
        QVERIFY(tmpl.ok());
        auto out = tmpl->render({});
        QVERIFY(!out.ok());
        QVERIFY2(out.error().message.find("line 2") != std::string::npos, out.error().message.c_str());
        QVERIFY2(out.error().message.find("No messages!") != std::string::npos, out.error().message.c_str());
    }
};

QTEST_APPLESS_MAIN(TestChatTemplate)
#include "test_chat_template.moc"
