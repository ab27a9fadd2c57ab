// CLI contract of `qwen-explorer-cli chat-template`: every case of
// shared/testdata/chat_template/qwen3_public.jsonl through --tokenizer-config and --model, one
// {"rendered"} line per request in order; exit codes 2 (usage) and 1 (errors).
#include <QFile>
#include <QTest>

#include <nlohmann/json.hpp>

#include "tests/helpers/test_paths.h"

using qe::test::runCli;

class TestChatCli : public QObject {
    Q_OBJECT
private slots:
    void rendersAllPublicCases() {
        const QString config = qe::test::tokenizerDir() + QStringLiteral("/tokenizer_config.json");
        if (!QFile::exists(config)) QSKIP("Qwen3 tokenizer_config.json not fetched");
        QFile f(qe::test::testdataPath(QStringLiteral("chat_template/qwen3_public.jsonl")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray input = f.readAll();
        std::vector<std::string> expected;
        for (const QByteArray& line : input.split('\n')) {
            if (line.trimmed().isEmpty()) continue;
            expected.push_back(nlohmann::json::parse(line.toStdString())["rendered"].get<std::string>());
        }
        QVERIFY(expected.size() >= 50);
        for (const QStringList& args : {QStringList{QStringLiteral("chat-template"), QStringLiteral("--tokenizer-config"), config},
                                        QStringList{QStringLiteral("chat-template"), QStringLiteral("--model"), qe::test::tokenizerDir()}}) {
            auto run = runCli(args, input);
            QVERIFY2(run.exitCode == 0, run.err.constData());
            QList<QByteArray> lines = run.out.split('\n');
            if (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast();
            QCOMPARE(size_t(lines.size()), expected.size());
            for (size_t i = 0; i < expected.size(); ++i) {
                auto j = nlohmann::json::parse(lines[int(i)].toStdString(), nullptr, false);
                QVERIFY(j.is_object() && j.size() == 1 && j.contains("rendered"));
                QCOMPARE(QByteArray::fromStdString(j["rendered"].get<std::string>()), QByteArray::fromStdString(expected[i]));
            }
        }
    }

    void exitCodes() {
        auto noSource = runCli({QStringLiteral("chat-template")}, "{}\n");
        QCOMPARE(noSource.exitCode, 2);
        auto badFlag = runCli({QStringLiteral("chat-template"), QStringLiteral("--bogus")}, {});
        QCOMPARE(badFlag.exitCode, 2);
        auto missing = runCli({QStringLiteral("chat-template"), QStringLiteral("--model"), QStringLiteral("/nonexistent")}, {});
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(missing.err.count('\n'), 1);
        const QString config = qe::test::tokenizerDir() + QStringLiteral("/tokenizer_config.json");
        if (!QFile::exists(config)) return;
        auto badLine = runCli({QStringLiteral("chat-template"), QStringLiteral("--tokenizer-config"), config}, "not json\n");
        QCOMPARE(badLine.exitCode, 1);
        QVERIFY(badLine.err.contains("stdin line 1"));
    }
};

QTEST_APPLESS_MAIN(TestChatCli)
#include "test_chat_cli.moc"
