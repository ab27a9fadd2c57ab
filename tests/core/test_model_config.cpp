// config.json / generation_config.json parsing and the numbers derived from it. Expected values
// come from shared/spec/qwen3.md (§2.2 YaRN constants, §3.2 parameter table), which were
// computed independently of this code.
#include <QtTest>

#include <cmath>

#include "core/model_config.h"
#include "core/model_info.h"

using namespace qe;

namespace {

std::string baseConfig(const std::string& extra = {}) {
    return R"({"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "vocab_size": 151936,
        "hidden_size": 5120, "intermediate_size": 25600, "num_hidden_layers": 64, "num_attention_heads": 64,
        "num_key_value_heads": 8, "head_dim": 128, "max_position_embeddings": 40960, "rms_norm_eps": 1e-06,
        "rope_theta": 1000000.0, "tie_word_embeddings": false, "hidden_act": "silu", "eos_token_id": 151645)" +
           extra + "}";
}

}  // namespace

class TestModelConfig : public QObject {
    Q_OBJECT
private slots:
    void parsesQwen3_32B() {
        auto c = parseModelConfig(baseConfig());
        QVERIFY(c.ok());
        QCOMPARE(c->headDim, 128);
        QCOMPARE(c->qWidth(), 8192);  // Nq·d != H for 32B (spec §1.1)
        QCOMPARE(c->groupSize(), 8);
        QVERIFY(!c->usesYarn());
        QCOMPARE(c->eosTokenIds, std::vector<int>{151645});
    }

    // Spec §3.2 table: P_layer, total P, KV bytes per token for every preset.
    void presetSizes_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<qint64>("perLayer");
        QTest::addColumn<qint64>("total");
        QTest::addColumn<qint64>("nonEmbedding");
        QTest::addColumn<qint64>("kvPerToken");
        QTest::newRow("0.6b") << "0.6b" << 15730944LL << 596049920LL << 440467456LL << 114688LL;
        QTest::newRow("1.7b") << "1.7b" << 50336000LL << 1720574976LL << 1409410048LL << 114688LL;
        QTest::newRow("4b") << "4b" << 100930816LL << 4022468096LL << 3633511936LL << 147456LL;
        QTest::newRow("8b") << "8b" << 192946432LL << 8190735360LL << 6946075648LL << 147456LL;
        QTest::newRow("14b") << "14b" << 330311936LL << 14768307200LL << 13212482560LL << 163840LL;
        QTest::newRow("32b") << "32b" << 487598336LL << 32762123264LL << 31206298624LL << 262144LL;
    }
    void presetSizes() {
        QFETCH(QString, preset);
        QFETCH(qint64, perLayer);
        QFETCH(qint64, total);
        QFETCH(qint64, nonEmbedding);
        QFETCH(qint64, kvPerToken);
        auto c = presetConfig(preset.toStdString());
        QVERIFY(c.has_value());
        const ModelSizes s = computeModelSizes(*c);
        QCOMPARE(s.perLayer, perLayer);
        QCOMPARE(s.total, total);
        QCOMPARE(s.nonEmbedding, nonEmbedding);
        QCOMPARE(s.bf16Bytes, 2 * total);
        QCOMPARE(s.kvBytesPerTokenBf16, kvPerToken);
        // The JSON we write for a preset parses back to the same shape.
        auto round = parseModelConfig(modelConfigToJson(*c));
        QVERIFY(round.ok());
        QCOMPARE(computeModelSizes(*round).total, total);
    }

    // YaRN in all three spellings (spec §2.2): rope_scaling.rope_type, legacy "type", and
    // transformers v5 rope_parameters (which also carries rope_theta).
    void yarnSpellings_data() {
        QTest::addColumn<QString>("extra");
        QTest::newRow("rope_type") << R"(, "rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768})";
        QTest::newRow("type") << R"(, "rope_scaling": {"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768})";
        QTest::newRow("rope_parameters")
            << R"(, "rope_parameters": {"rope_type": "yarn", "rope_theta": 1000000.0, "factor": 4.0, "original_max_position_embeddings": 32768})";
    }
    void yarnSpellings() {
        QFETCH(QString, extra);
        auto c = parseModelConfig(baseConfig(extra.toStdString()));
        QVERIFY2(c.ok(), c.ok() ? "" : c.error().text().c_str());
        QVERIFY(c->usesYarn());
        QCOMPARE(c->ropeScaling->factor, 4.0);
        const RopeTables t = computeRope(*c);
        QCOMPARE(t.invFreq.size(), size_t(64));
        // attention_factor = 0.1·ln 4 + 1 = 1.1386294361 (spec §2.2 / §8).
        QVERIFY(std::abs(t.attentionScaling - 1.1386294361) < 1e-6);
        // Frequencies i <= 23 unchanged, i >= 40 divided by 4, i = 32 scaled by 0.6029.
        for (int i = 0; i < 64; ++i) {
            const double theta = std::pow(1e6, -2.0 * i / 128.0);
            const double ratio = t.invFreq[size_t(i)] / theta;
            if (i <= 23) QVERIFY2(std::abs(ratio - 1.0) < 1e-5, qPrintable(QString::number(i)));
            if (i >= 40) QVERIFY2(std::abs(ratio - 0.25) < 1e-5, qPrintable(QString::number(i)));
        }
        const double r32 = t.invFreq[32] / std::pow(1e6, -64.0 / 128.0);
        QVERIFY2(std::abs(r32 - 0.6029) < 5e-4, qPrintable(QString::number(r32)));
    }

    void defaultRopeIsPlain() {
        auto c = parseModelConfig(baseConfig(R"(, "rope_scaling": null)"));
        QVERIFY(c.ok());
        const RopeTables t = computeRope(*c);
        QCOMPARE(t.attentionScaling, 1.0f);
        QVERIFY(std::abs(t.invFreq[1] / std::pow(1e6, -2.0 / 128.0) - 1.0) < 1e-6);  // fp32 as HF
    }

    void errors_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("invalid json") << "{\"hidden_size\": " << "invalid JSON";
        QTest::newRow("not object") << "[1, 2]" << "object";
        QTest::newRow("llama") << R"({"model_type": "llama", "hidden_size": 1})" << "unsupported architecture";
        const std::string full = baseConfig();
        for (const char* key : {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
                                "vocab_size", "intermediate_size"}) {
            // Remove the key entirely.
            std::string text = full;
            const std::string needle = std::string("\"") + key + "\": ";
            auto at = text.find(needle);
            auto end = text.find(',', at);
            text.erase(at, end - at + 1);
            QTest::newRow((std::string("missing ") + key).c_str()) << QString::fromStdString(text) << QString::fromLatin1(key);
        }
        QTest::newRow("heads not multiple") << QString::fromStdString(baseConfig(R"(, "num_key_value_heads": 7)")) << "multiple";
        QTest::newRow("zero heads") << QString::fromStdString(baseConfig(R"(, "num_attention_heads": 0)")) << "num_attention_heads";
        QTest::newRow("string dim") << QString::fromStdString(baseConfig(R"(, "hidden_size": "big")")) << "hidden_size";
        QTest::newRow("odd head_dim") << QString::fromStdString(baseConfig(R"(, "head_dim": 127)")) << "head_dim";
        QTest::newRow("bad rope") << QString::fromStdString(baseConfig(R"(, "rope_scaling": {"rope_type": "longrope"})")) << "longrope";
        QTest::newRow("gelu") << QString::fromStdString(baseConfig(R"(, "hidden_act": "gelu")")) << "hidden_act";
    }
    void errors() {
        QFETCH(QString, json);
        QFETCH(QString, mentions);
        auto c = parseModelConfig(json.toStdString(), "config.json");
        QVERIFY(!c.ok());
        const QString text = QString::fromStdString(c.error().text());
        QVERIFY2(text.contains(mentions), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("config.json")), qPrintable(text));
    }

    void generationConfig() {
        auto g = parseGenerationConfig(R"({"bos_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643],
            "pad_token_id": 151643, "temperature": 0.6, "top_k": 20, "top_p": 0.95})");
        QVERIFY(g.ok());
        QVERIFY(g->doSample);
        QCOMPARE(g->topK, 20);
        QCOMPARE(g->eosTokenIds, (std::vector<int>{151645, 151643}));
        auto c = parseModelConfig(baseConfig());
        QVERIFY(c.ok());
        QCOMPARE(stopTokenIds(*c, *g), (std::vector<int>{151645, 151643}));
        QVERIFY(!parseGenerationConfig(R"({"top_p": 0})").ok());
    }
};

QTEST_APPLESS_MAIN(TestModelConfig)
#include "test_model_config.moc"
