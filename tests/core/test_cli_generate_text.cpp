// `generate` with text: the folder's tokenizer and chat template turn --prompt / --template into
// ids (checked against the ChatML structure of spec §6.1 and the token ids of §5.4), the text is
// streamed, and mistakes are clear errors.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/helpers/test_paths.h"

using qe::test::runCli;

namespace {

constexpr int kImStart = 151644, kImEnd = 151645, kThink = 151667, kEndThink = 151668;

QList<int> ids(const QJsonValue& v) {
    QList<int> out;
    for (const auto& x : v.toArray()) out << x.toInt();
    return out;
}

}  // namespace

class TestCliGenerateText : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString model() const { return m_dir.filePath(QStringLiteral("m")); }
    QJsonObject generate(const QStringList& extra) {
        QStringList args{QStringLiteral("generate"), QStringLiteral("--model"), model(), QStringLiteral("--max-new"), QStringLiteral("3"),
                         QStringLiteral("--greedy"), QStringLiteral("--json")};
        auto run = runCli(args + extra);
        if (run.exitCode != 0) qWarning("%s", run.err.constData());
        return QJsonDocument::fromJson(run.out).object();
    }

private slots:
    void initTestCase() {
        if (!qe::test::haveTokenizer()) QSKIP("the Qwen3 tokenizer was not fetched (scripts/fetch-tokenizer.sh)");
        auto run = runCli({QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("tiny"), QStringLiteral("--out"), model()});
        QCOMPARE(run.exitCode, 0);
        for (const char* f : {"tokenizer.json", "tokenizer_config.json"})
            QVERIFY(QFile::copy(qe::test::tokenizerDir() + QLatin1Char('/') + QLatin1String(f), model() + QLatin1Char('/') + QLatin1String(f)));
    }

    void chatPromptFollowsTemplate() {
        const auto j = generate({QStringLiteral("--prompt"), QStringLiteral("Hello"), QStringLiteral("--chat"), QStringLiteral("--system"),
                                 QStringLiteral("Be brief.")});
        const auto prompt = ids(j[QStringLiteral("prompt_tokens")]);
        QVERIFY(prompt.size() > 8);
        QCOMPARE(prompt.first(), kImStart);
        QCOMPARE(prompt.count(kImStart), 3);  // system, user, assistant
        QCOMPARE(prompt.count(kImEnd), 2);
        QVERIFY(!prompt.contains(kThink));   // thinking on: the model opens <think> itself
        QCOMPARE(j[QStringLiteral("new_tokens")].toArray().size(), 3);
        QVERIFY(j.contains(QStringLiteral("text")));
    }

    void noThinkAddsEmptyThinkBlock() {
        const auto prompt = ids(generate({QStringLiteral("--prompt"), QStringLiteral("Hi"), QStringLiteral("--no-think")})[QStringLiteral("prompt_tokens")]);
        QVERIFY(prompt.contains(kThink));
        QVERIFY(prompt.contains(kEndThink));
        QVERIFY(prompt.indexOf(kThink) < prompt.indexOf(kEndThink));
    }

    void rawPromptHasNoControlTokens() {
        const auto prompt = ids(generate({QStringLiteral("--prompt"), QStringLiteral("The quick brown fox")})[QStringLiteral("prompt_tokens")]);
        // shared/testdata/tokenizer/qwen3_public.jsonl: "The quick brown fox jumps ..." starts 785,3974,13876,38835.
        QCOMPARE(prompt, (QList<int>{785, 3974, 13876, 38835}));
    }

    void promptTemplate() {
        const auto j = generate({QStringLiteral("--template"), QStringLiteral("quadratic-solver"), QStringLiteral("--var"),
                                 QStringLiteral("equation=x^2 - 3x + 2 = 0")});
        const auto prompt = ids(j[QStringLiteral("prompt_tokens")]);
        // system + few-shot user/assistant + the new user turn + generation prompt.
        QVERIFY(prompt.count(kImStart) >= 4);
        auto bad = runCli({QStringLiteral("generate"), QStringLiteral("--model"), model(), QStringLiteral("--template"),
                           QStringLiteral("no-such-template"), QStringLiteral("--json")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY(bad.err.contains("quadratic-solver"));  // lists what exists
    }

    // Without sampling flags, a template's own sampling is used, its presence penalty included
    // (it was left at 0): the same tokens as those values given as flags, with the same seed.
    void templateSamplingIsUsed() {
        // A template of its own: the tiny model's logits are so far apart that Qwen's presets
        // sample the same token whatever the penalty.
        QTemporaryDir templates;
        QFile file(templates.filePath(QStringLiteral("wide.en.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"id": "wide", "language": "en", "name": "Wide", "body": "Tell me about {{topic}}.",
                       "sampling": {"preset": "custom", "temperature": 1.5, "top_p": 1.0, "top_k": 0, "min_p": 0.0,
                                    "presence_penalty": 2.0}})");
        file.close();
        const QByteArray before = qgetenv("QE_TEMPLATE_DIR");
        qputenv("QE_TEMPLATE_DIR", QFile::encodeName(templates.path()));
        const QStringList base{QStringLiteral("generate"), QStringLiteral("--model"), model(), QStringLiteral("--template"),
                               QStringLiteral("wide"), QStringLiteral("--var"), QStringLiteral("topic=rainbows"),
                               QStringLiteral("--max-new"), QStringLiteral("40"), QStringLiteral("--json")};
        const auto tokens = [&](const QStringList& extra) {
            auto run = runCli(base + extra);
            if (run.exitCode != 0) qWarning("%s", run.err.constData());
            return ids(QJsonDocument::fromJson(run.out).object()[QStringLiteral("new_tokens")]);
        };
        const QStringList values{QStringLiteral("--temperature"), QStringLiteral("1.5"), QStringLiteral("--top-p"), QStringLiteral("1"),
                                 QStringLiteral("--top-k"), QStringLiteral("0"), QStringLiteral("--min-p"), QStringLiteral("0"),
                                 QStringLiteral("--seed"), QStringLiteral("0")};
        const auto byTemplate = tokens({});
        const auto withPenalty = tokens(values + QStringList{QStringLiteral("--presence-penalty"), QStringLiteral("2")});
        const auto without = tokens(values + QStringList{QStringLiteral("--presence-penalty"), QStringLiteral("0")});
        if (before.isNull()) qunsetenv("QE_TEMPLATE_DIR");
        else qputenv("QE_TEMPLATE_DIR", before);
        QCOMPARE(byTemplate.size(), 40);
        QCOMPARE(byTemplate, withPenalty);
        QVERIFY(byTemplate != without);  // the penalty changes these tokens
    }

    void streamsTextWithoutJson() {
        auto run = runCli({QStringLiteral("generate"), QStringLiteral("--model"), model(), QStringLiteral("--prompt"), QStringLiteral("Hi"),
                           QStringLiteral("--chat"), QStringLiteral("--max-new"), QStringLiteral("4"), QStringLiteral("--greedy")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("new tokens"));
    }

    void missingTokenizerIsClear() {
        QTemporaryDir bare;
        QVERIFY(runCli({QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("tiny"), QStringLiteral("--out"), bare.path()}).exitCode == 0);
        auto run = runCli({QStringLiteral("generate"), QStringLiteral("--model"), bare.path(), QStringLiteral("--prompt"), QStringLiteral("Hi")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains("tokenizer"));
        auto usage = runCli({QStringLiteral("generate"), QStringLiteral("--model"), model(), QStringLiteral("--think"), QStringLiteral("--no-think"),
                             QStringLiteral("--prompt"), QStringLiteral("x")});
        QCOMPARE(usage.exitCode, 2);
    }
};

QTEST_APPLESS_MAIN(TestCliGenerateText)
#include "test_cli_generate_text.moc"
