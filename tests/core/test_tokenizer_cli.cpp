// qwen-explorer-cli tokenize / detokenize end to end: JSON Lines through the real Qwen3 tokenizer
// compared with shared/testdata/tokenizer/qwen3_public.jsonl, exit codes 1 and 2, --bench output.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/helpers/test_paths.h"

using qe::test::runCli;

class TestTokenizerCli : public QObject {
    Q_OBJECT

private:
    QList<QJsonObject> m_cases;  // {"text", "ids"} from qwen3_public.jsonl

    QString tokenizer() const { return qe::test::tokenizerDir(); }

private slots:
    void initTestCase() {
        if (!qe::test::haveTokenizer())
            QSKIP("real Qwen3 tokenizer.json not found in QE_TOKENIZER_DIR (fetched at configure time)");
        QFile file(qe::test::testdataPath(QStringLiteral("tokenizer/qwen3_public.jsonl")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        while (!file.atEnd()) {
            QByteArray line = file.readLine().trimmed();
            if (!line.isEmpty()) m_cases.push_back(QJsonDocument::fromJson(line).object());
        }
        QVERIFY(!m_cases.isEmpty());
    }

    void tokenizeAllPublicCases() {
        QByteArray input;
        for (const QJsonObject& c : m_cases)
            input += QJsonDocument(QJsonObject{{QStringLiteral("text"), c.value(QStringLiteral("text"))}})
                         .toJson(QJsonDocument::Compact) + '\n';
        auto run = runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), tokenizer()}, input);
        QCOMPARE(run.exitCode, 0);
        QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), m_cases.size());
        for (int i = 0; i < lines.size(); ++i) {
            QJsonObject got = QJsonDocument::fromJson(lines[i]).object();
            QCOMPARE(got.value(QStringLiteral("ids")).toArray(), m_cases[i].value(QStringLiteral("ids")).toArray());
        }
    }

    void detokenizeAllPublicCases() {
        QByteArray input;
        for (const QJsonObject& c : m_cases)
            input += QJsonDocument(QJsonObject{{QStringLiteral("ids"), c.value(QStringLiteral("ids"))}})
                         .toJson(QJsonDocument::Compact) + '\n';
        auto run = runCli({QStringLiteral("detokenize"), QStringLiteral("--tokenizer"),
                           tokenizer() + QStringLiteral("/tokenizer.json")}, input);
        QCOMPARE(run.exitCode, 0);
        QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), m_cases.size());
        for (int i = 0; i < lines.size(); ++i) {
            QJsonObject got = QJsonDocument::fromJson(lines[i]).object();
            QCOMPARE(got.value(QStringLiteral("text")).toString(),
                     m_cases[i].value(QStringLiteral("text")).toString().normalized(QString::NormalizationForm_C));
        }
    }

    // A lone byte-level token for 0xE4 decodes to U+FFFD: the output stays valid UTF-8 JSON.
    void detokenizeBrokenUtf8IsReplaced() {
        auto run = runCli({QStringLiteral("detokenize"), QStringLiteral("--tokenizer"), tokenizer()},
                          "{\"ids\": [64, 160]}\n");  // "a" and "ä" (byte 0xE4)
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("text")).toString(),
                 QStringLiteral("a\uFFFD"));
    }

    void errors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        const QString tok = qe::test::tokenizerDir();
        QTest::addRow("missing path") << QStringList{"tokenize", "--tokenizer", "/nonexistent/qwen"} << QByteArray() << 1
                                      << "/nonexistent/qwen";
        QTest::addRow("no --tokenizer") << QStringList{"tokenize"} << QByteArray() << 2 << "--tokenizer";
        QTest::addRow("unknown option") << QStringList{"tokenize", "--tokenizer", tok, "--frobnicate"} << QByteArray() << 2
                                        << "frobnicate";
        QTest::addRow("flag without value") << QStringList{"detokenize", "--tokenizer"} << QByteArray() << 2 << "tokenizer";
        QTest::addRow("bad json line") << QStringList{"tokenize", "--tokenizer", tok} << QByteArray("{\"text\": \"a\"}\nnope\n")
                                       << 1 << "line 2";
        QTest::addRow("text not string") << QStringList{"tokenize", "--tokenizer", tok} << QByteArray("{\"text\": 5}\n") << 1
                                         << "text";
        QTest::addRow("id out of range") << QStringList{"detokenize", "--tokenizer", tok} << QByteArray("{\"ids\": [151669]}\n")
                                         << 1 << "151669";
        QTest::addRow("bench file missing") << QStringList{"tokenize", "--tokenizer", tok, "--bench", "/nonexistent/bench.txt"}
                                            << QByteArray() << 1 << "/nonexistent/bench.txt";
    }
    void errors() {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        auto run = runCli(args, input);
        QCOMPARE(run.exitCode, exitCode);
        QString err = QString::fromUtf8(run.err);
        QVERIFY2(err.contains(mentions), qPrintable(err));
    }

    void corruptTokenizerFile() {
        QTemporaryDir dir;
        QFile file(dir.path() + QStringLiteral("/tokenizer.json"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"model": {"vocab": {"a": 0}, "merges": ["a b"]}, "pre_tokenizer": {"type": "ByteLevel"}})");
        file.close();
        auto run = runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), dir.path()}, "{\"text\": \"a\"}\n");
        QCOMPARE(run.exitCode, 1);
        QString err = QString::fromUtf8(run.err).trimmed();
        QVERIFY2(err.contains(QStringLiteral("tokenizer.json")) && err.contains(QStringLiteral("\"b\"")), qPrintable(err));
        QCOMPARE(err.count(QLatin1Char('\n')), 0);  // one line
    }

    void bench() {
        auto run = runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), tokenizer(), QStringLiteral("--bench"),
                           qe::test::testdataPath(QStringLiteral("tokenizer/bench_mixed_1mb.txt"))});
        QCOMPARE(run.exitCode, 0);
        QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QVERIFY(result.value(QStringLiteral("mb_per_s")).toDouble() > 0);
        QCOMPARE(result.value(QStringLiteral("bytes")).toInteger(), 1001377);
        QVERIFY(result.value(QStringLiteral("tokens")).toInteger() > 100000);
        QVERIFY(run.err.contains("MB/s"));
    }
};

QTEST_APPLESS_MAIN(TestTokenizerCli)
#include "test_tokenizer_cli.moc"
