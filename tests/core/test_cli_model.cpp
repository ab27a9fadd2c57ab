// The command-line contract of the model commands (issue #2): JSON shapes, exit codes,
// make-model presets, chunked logits equal one pass, generate/bench fields.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/helpers/test_paths.h"

using qe::test::runCli;

namespace {

QJsonObject json(const QByteArray& out) { return QJsonDocument::fromJson(out).object(); }

}  // namespace

class TestCliModel : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString model() const { return m_dir.filePath(QStringLiteral("tiny")); }

private slots:
    void initTestCase() {
        auto run = runCli({QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("tiny"), QStringLiteral("--seed"),
                           QStringLiteral("3"), QStringLiteral("--out"), model()});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(QFile::exists(model() + QStringLiteral("/config.json")));
        QVERIFY(QFile::exists(model() + QStringLiteral("/generation_config.json")));
        QVERIFY(QFile::exists(model() + QStringLiteral("/model.safetensors")));
    }

    void info() {
        auto run = runCli({QStringLiteral("info"), QStringLiteral("--model"), model(), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const auto j = json(run.out);
        QCOMPARE(j[QStringLiteral("architecture")].toString(), QStringLiteral("Qwen3ForCausalLM"));
        // tiny preset: 151936·64 + 2·49312 + 64 parameters (spec §3.2 formula, tied).
        QCOMPARE(j[QStringLiteral("parameters")].toObject()[QStringLiteral("total")].toDouble(), 151936.0 * 64 + 2 * 49312 + 64);
        QCOMPARE(j[QStringLiteral("kv_bytes_per_token")].toInt(), 2 * 2 * 2 * 16 * 2);
        QVERIFY(j[QStringLiteral("bytes")].toObject()[QStringLiteral("weights")].toDouble() > 0);
        auto text = runCli({QStringLiteral("info"), QStringLiteral("--model"), model()});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("parameters"));
    }

    void configOnlyInfoFor32B() {
        QTemporaryDir dir;
        // A folder with only the 32B config: info works from config alone (spec §3.2: 32,762,123,264).
        auto run = runCli({QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("tiny"), QStringLiteral("--out"), dir.path()});
        QCOMPARE(run.exitCode, 0);
        QFile::remove(dir.filePath(QStringLiteral("model.safetensors")));
        QFile cfg(dir.filePath(QStringLiteral("config.json")));
        QVERIFY(cfg.open(QIODevice::WriteOnly | QIODevice::Truncate));
        cfg.write(R"({"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "vocab_size": 151936, "hidden_size": 5120,
            "intermediate_size": 25600, "num_hidden_layers": 64, "num_attention_heads": 64, "num_key_value_heads": 8,
            "head_dim": 128, "tie_word_embeddings": false})");
        cfg.close();
        run = runCli({QStringLiteral("info"), QStringLiteral("--model"), dir.path(), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(json(run.out)[QStringLiteral("total_parameters")].toDouble(), 32762123264.0);
        QCOMPARE(json(run.out)[QStringLiteral("kv_bytes_per_token")].toInt(), 262144);
    }

    void logitsChunkedEqualsOnePass() {
        const QString tokens = QStringLiteral("5,17,99,151935,0,42,7,7,7,1000,20000");
        auto one = runCli({QStringLiteral("logits"), QStringLiteral("--model"), model(), QStringLiteral("--tokens"), tokens,
                           QStringLiteral("--top-k"), QStringLiteral("5"), QStringLiteral("--json")});
        auto chunked = runCli({QStringLiteral("logits"), QStringLiteral("--model"), model(), QStringLiteral("--tokens"), tokens,
                               QStringLiteral("--top-k"), QStringLiteral("5"), QStringLiteral("--chunk"), QStringLiteral("4"),
                               QStringLiteral("--json")});
        QCOMPARE(one.exitCode, 0);
        QCOMPARE(chunked.exitCode, 0);
        const auto a = json(one.out)[QStringLiteral("positions")].toArray();
        const auto b = json(chunked.out)[QStringLiteral("positions")].toArray();
        QCOMPARE(a.size(), 11);
        QCOMPARE(b.size(), 11);
        for (int pos = 0; pos < 11; ++pos) {
            const auto ta = a[pos].toObject()[QStringLiteral("top")].toArray();
            const auto tb = b[pos].toObject()[QStringLiteral("top")].toArray();
            QCOMPARE(ta.size(), 5);
            for (int i = 0; i < 5; ++i) {
                QCOMPARE(ta[i].toObject()[QStringLiteral("id")].toInt(), tb[i].toObject()[QStringLiteral("id")].toInt());
                QVERIFY(std::abs(ta[i].toObject()[QStringLiteral("logit")].toDouble() - tb[i].toObject()[QStringLiteral("logit")].toDouble()) < 1e-4);
            }
        }
    }

    void generateJson() {
        auto run = runCli({QStringLiteral("generate"), QStringLiteral("--model"), model(), QStringLiteral("--tokens"), QStringLiteral("1,2,3"),
                           QStringLiteral("--max-new"), QStringLiteral("6"), QStringLiteral("--greedy"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const auto j = json(run.out);
        QCOMPARE(j[QStringLiteral("prompt_tokens")].toArray().size(), 3);
        const int produced = int(j[QStringLiteral("new_tokens")].toArray().size());
        const QString reason = j[QStringLiteral("stop_reason")].toString();
        QVERIFY(reason == QLatin1String("length") ? produced == 6 : reason == QLatin1String("eos"));
        const auto stats = j[QStringLiteral("stats")].toObject();
        QCOMPARE(stats[QStringLiteral("prefill_tokens")].toInt(), 3);
        QVERIFY(stats.contains(QStringLiteral("prefill_tok_s")) && stats.contains(QStringLiteral("decode_tok_s")));
        // Seeded sampling is reproducible across processes.
        const QStringList sampled = {QStringLiteral("generate"), QStringLiteral("--model"), model(), QStringLiteral("--tokens"),
                                     QStringLiteral("1,2,3"), QStringLiteral("--max-new"), QStringLiteral("8"), QStringLiteral("--temperature"),
                                     QStringLiteral("0.9"), QStringLiteral("--top-k"), QStringLiteral("50"), QStringLiteral("--top-p"),
                                     QStringLiteral("0.9"), QStringLiteral("--min-p"), QStringLiteral("0.01"), QStringLiteral("--seed"),
                                     QStringLiteral("12"), QStringLiteral("--json")};
        auto s1 = runCli(sampled), s2 = runCli(sampled);
        QCOMPARE(s1.exitCode, 0);
        QCOMPARE(json(s1.out)[QStringLiteral("new_tokens")], json(s2.out)[QStringLiteral("new_tokens")]);
    }

    void bench() {
        auto run = runCli({QStringLiteral("bench"), QStringLiteral("--model"), model(), QStringLiteral("--prompt-len"), QStringLiteral("16"),
                           QStringLiteral("--gen"), QStringLiteral("4"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const auto j = json(run.out);
        QVERIFY(j[QStringLiteral("prefill_tok_s")].toDouble() > 0);
        QVERIFY(j[QStringLiteral("decode_tok_s")].toDouble() > 0);
        QVERIFY(j[QStringLiteral("peak_rss_bytes")].toDouble() > 0);
    }

    void exitCodes_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::newRow("no command") << QStringList{} << 2;
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << 2;
        QTest::newRow("unknown flag") << QStringList{QStringLiteral("info"), QStringLiteral("--modle"), QStringLiteral("x")} << 2;
        QTest::newRow("missing model flag") << QStringList{QStringLiteral("logits"), QStringLiteral("--tokens"), QStringLiteral("1")} << 2;
        QTest::newRow("bad token list") << QStringList{QStringLiteral("logits"), QStringLiteral("--model"), QStringLiteral("x"),
                                                       QStringLiteral("--tokens"), QStringLiteral("1,a")} << 2;
        QTest::newRow("bad preset") << QStringList{QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("70b"),
                                                   QStringLiteral("--out"), QStringLiteral("/tmp/x")} << 2;
        QTest::newRow("missing folder") << QStringList{QStringLiteral("info"), QStringLiteral("--model"), QStringLiteral("/nonexistent/qwen")} << 1;
    }
    void exitCodes() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        auto run = runCli(args);
        QCOMPARE(run.exitCode, code);
        QVERIFY(!run.err.isEmpty());
    }

    void outOfVocabToken() {
        auto run = runCli({QStringLiteral("logits"), QStringLiteral("--model"), model(), QStringLiteral("--tokens"), QStringLiteral("151936"),
                           QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains("151936"));
    }
};

QTEST_APPLESS_MAIN(TestCliModel)
#include "test_cli_model.moc"
