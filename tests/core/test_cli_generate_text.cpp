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
