// Inspector diagnostics (issue #9) against the independent double-precision reference in
// tests/helpers/reference_forward.h: attention rows (sum to 1, causal, equal to the reference),
// entropy and sink recorded during generation equal the same numbers recomputed afterwards,
// residual RMS, logit lens (after the last layer it is the model's own output), memory budget,
// and the `diagnose` JSON contract.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "core/model_writer.h"
#include "core/session.h"
#include "tests/helpers/reference_forward.h"
#include "tests/helpers/test_paths.h"

using namespace qe;

namespace {

ModelConfig diagConfig() {
    ModelConfig c = *presetConfig("tiny");
    c.vocabSize = 320;
    c.hiddenSize = 40;
    c.intermediateSize = 72;
    c.numAttentionHeads = 4;
    c.numKeyValueHeads = 2;
    c.headDim = 16;
    c.numHiddenLayers = 3;
    c.tieWordEmbeddings = false;
    c.maxPositionEmbeddings = 128;
    return c;
}

}  // namespace

class TestDiagnostics : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string model() const { return m_dir.path().toStdString(); }

private slots:
    void initTestCase() { QVERIFY(writeRandomModel(diagConfig(), model(), {.seed = 21}).ok()); }

    void duringGenerationMatchesReference() {
        auto loaded = Session::load(model(), {.threads = 2, .chunkSize = 4});
        QVERIFY(loaded.ok());
        Session& s = **loaded;
        GenerateRequest request;
        for (int i = 0; i < 11; ++i) request.prompt.push_back((i * 29 + 3) % 320);
        request.sampling.greedy = true;
        request.maxNewTokens = 7;
        auto result = s.generate(request);
        QVERIFY(result.ok());
        const std::vector<int> tokens = s.cache().tokens();  // prompt + the fed new tokens
        const auto T = static_cast<std::int64_t>(tokens.size());
        QCOMPARE(T, qint64(11 + 6));

        const ModelConfig& c = s.config();
        test::Reference ref{s.weights().checkpoint(), c, {}, {}};
        const auto refLogits = ref.logits(tokens);
        const Diagnostics& d = s.diagnostics();
        std::vector<float> row;
        for (std::int64_t layer = 0; layer < c.numHiddenLayers; ++layer) {
            for (std::int64_t pos = 0; pos < T; ++pos) {
                // Residual RMS after the layer.
                const auto& h = ref.hiddenAfter[size_t(layer)][size_t(pos)];
                double ss = 0;
                for (double v : h) ss += v * v;
                const double rms = std::sqrt(ss / double(h.size()));
                QVERIFY(std::abs(d.residualRms(pos, layer) - rms) <= 1e-4 * rms);
                for (std::int64_t head = 0; head < c.numAttentionHeads; ++head) {
                    QVERIFY(s.attentionRow(layer, head, pos, row).ok());
                    QCOMPARE(std::int64_t(row.size()), pos + 1);  // causal: keys 0..pos only
                    const auto& expected = ref.attention[size_t(layer)][size_t(head)][size_t(pos)];
                    double sum = 0, entropy = 0, worst = 0;
                    for (std::int64_t key = 0; key <= pos; ++key) {
                        sum += row[key];
                        worst = std::max(worst, std::abs(row[key] - expected[key]));
                        if (expected[key] > 0) entropy -= expected[key] * std::log(expected[key]);
                    }
                    QVERIFY(std::abs(sum - 1.0) < 1e-5);
                    QVERIFY2(worst < 1e-4, qPrintable(QStringLiteral("attention %1:%2 pos %3: %4").arg(layer).arg(head).arg(pos).arg(worst)));
                    // Recorded while generating == recomputed afterwards == reference.
                    QVERIFY(std::abs(d.attentionEntropy(pos, layer, head) - entropy) < 1e-4);
                    QVERIFY(std::abs(d.attentionSink(pos, layer, head) - row[0]) < 1e-5);
                }
            }
        }
        // Logit lens after the last layer equals the model's own output at every position.
        const std::int64_t last = c.numHiddenLayers - 1;
        for (std::int64_t pos = 0; pos < T; ++pos) {
            auto top = s.logitLens(last, pos, 3);
            QVERIFY(top.ok());
            const auto& l = refLogits[size_t(pos)];
            const double mx = *std::max_element(l.begin(), l.end());
            double z = 0;
            for (double v : l) z += std::exp(v - mx);
            const int best = int(std::max_element(l.begin(), l.end()) - l.begin());
            QCOMPARE(top->front().id, best);
            QVERIFY(std::abs(top->front().prob - std::exp(l[best] - mx) / z) < 1e-4);
            QVERIFY(top->at(0).prob >= top->at(1).prob && top->at(1).prob >= top->at(2).prob);
        }
        // An earlier layer: the reference residual after layer 0 through final norm + LM head.
        auto lens0 = s.logitLens(0, 5, 1);
        QVERIFY(lens0.ok());
        std::vector<double> h = ref.hiddenAfter[0][5];
        const auto norm = ref.tensor("model.norm.weight");
        const auto head = ref.tensor("lm_head.weight");
        double ss = 0;
        for (double v : h) ss += v * v;
        const double scale = 1.0 / std::sqrt(ss / double(h.size()) + c.rmsNormEps);
        for (size_t i = 0; i < h.size(); ++i) h[i] *= scale * norm[i];
        auto lensLogits = ref.linear(head, h, size_t(c.vocabSize), h.size());
        QCOMPARE(lens0->front().id, int(std::max_element(lensLogits.begin(), lensLogits.end()) - lensLogits.begin()));
    }

    // The same tokens computed in one batch afterwards give the numbers recorded while generating.
    void generationEqualsAfterwards() {
        auto loaded = Session::load(model(), {.threads = 2});
        QVERIFY(loaded.ok());
        Session& s = **loaded;
        GenerateRequest request{.prompt = {5, 6, 7, 8}, .sampling = {.greedy = true}, .maxNewTokens = 5, .stopIds = {}};
        QVERIFY(s.generate(request).ok());
        const std::vector<int> tokens = s.cache().tokens();
        std::vector<float> during;
        for (std::int64_t pos = 0; pos < std::int64_t(tokens.size()); ++pos)
            for (std::int64_t layer = 0; layer < 3; ++layer)
                for (std::int64_t head = 0; head < 4; ++head) during.push_back(s.diagnostics().attentionEntropy(pos, layer, head));
        std::vector<float> logits;
        QVERIFY(s.allLogits(tokens, 0, logits).ok());
        size_t i = 0;
        for (std::int64_t pos = 0; pos < std::int64_t(tokens.size()); ++pos)
            for (std::int64_t layer = 0; layer < 3; ++layer)
                for (std::int64_t head = 0; head < 4; ++head)
                    QVERIFY(std::abs(during[i++] - s.diagnostics().attentionEntropy(pos, layer, head)) < 1e-5);
    }

    void budgetIsRespected() {
        const std::uint64_t perPosition = (3 + 1) * 40 * sizeof(float);
        auto loaded = Session::load(model(), {.threads = 1, .diagnosticsBudgetBytes = perPosition * 4});
        QVERIFY(loaded.ok());
        Session& s = **loaded;
        QVERIFY(s.prefill(std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8}).ok());
        QVERIFY(s.diagnostics().hiddenBytesUsed() <= perPosition * 4);
        std::vector<float> row;
        QVERIFY(s.attentionRow(0, 0, 3, row).ok());
        QVERIFY(!s.attentionRow(0, 0, 6, row).ok());  // beyond the budget: an error, not a crash
        QVERIFY(!s.logitLens(0, 6, 5).ok());
        QVERIFY(!s.attentionRow(7, 0, 1, row).ok());  // no such layer
        // Always-on numbers exist for every position regardless of the budget.
        QVERIFY(s.diagnostics().residualRms(7, 2) > 0.0f);
    }

    void cliContract() {
        auto run = test::runCli({QStringLiteral("diagnose"), QStringLiteral("--model"), m_dir.path(), QStringLiteral("--tokens"),
                                 QStringLiteral("3,1,4,1,5,9"), QStringLiteral("--attention"), QStringLiteral("2:3"),
                                 QStringLiteral("--attention"), QStringLiteral("0:0"), QStringLiteral("--logit-lens"),
                                 QStringLiteral("2:5"), QStringLiteral("--top-k"), QStringLiteral("4"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const auto j = QJsonDocument::fromJson(run.out).object();
        const auto layers = j[QStringLiteral("layers")].toArray();
        QCOMPARE(layers.size(), 3);
        const auto l0 = layers[0].toObject();
        QCOMPARE(l0[QStringLiteral("layer")].toInt(), 0);
        QCOMPARE(l0[QStringLiteral("residual_rms")].toArray().size(), 6);
        QCOMPARE(l0[QStringLiteral("attn_entropy")].toArray().size(), 4);
        QCOMPARE(l0[QStringLiteral("attn_entropy")].toArray()[0].toArray().size(), 6);
        QCOMPARE(l0[QStringLiteral("attn_sink")].toArray()[1].toArray().size(), 6);
        const auto attention = j[QStringLiteral("attention")].toArray();
        QCOMPARE(attention.size(), 2);
        const auto probs = attention[0].toObject()[QStringLiteral("probs")].toArray();
        QCOMPARE(probs.size(), 6);
        for (int q = 0; q < 6; ++q) {
            const auto r = probs[q].toArray();
            double sum = 0;
            for (int k = 0; k < r.size(); ++k) {
                sum += r[k].toDouble();
                if (k > q) QCOMPARE(r[k].toDouble(), 0.0);
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
        }
        // The sink is the attention on key 0.
        const double sink = layers[2].toObject()[QStringLiteral("attn_sink")].toArray()[3].toArray()[4].toDouble();
        QVERIFY(std::abs(sink - probs[4].toArray()[0].toDouble()) < 1e-6);
        const auto lens = j[QStringLiteral("logit_lens")].toArray();
        QCOMPARE(lens.size(), 1);
        QCOMPARE(lens[0].toObject()[QStringLiteral("top")].toArray().size(), 4);
        // Out-of-range requests are usage errors.
        run = test::runCli({QStringLiteral("diagnose"), QStringLiteral("--model"), m_dir.path(), QStringLiteral("--tokens"),
                            QStringLiteral("1,2"), QStringLiteral("--attention"), QStringLiteral("9:0"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 2);
    }
};

QTEST_APPLESS_MAIN(TestDiagnostics)
#include "test_diagnostics.moc"
