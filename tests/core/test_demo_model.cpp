// The built-in demo model (issue #7) has learned something real: it is a Qwen3 checkpoint with
// the real tokenizer within the size limit, English text is far more predictable to it than the
// same tokens shuffled, and it has an induction head, measured like the issue says: 20
// sequences of 50 random common tokens repeated twice, attention from each second-half position
// to the position right after that token's first occurrence, through `qwen-explorer-cli diagnose`.
// The random tokens come from the tokenizer's vocabulary, not from the training recipe's pool.
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "core/session.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/helpers/test_paths.h"

using namespace qe;

namespace {

QString modelDir() { return QStringLiteral(QE_DEFAULT_MODEL_DIR); }

// Mean negative log-likelihood (nats) of tokens[1..] given the tokens before them.
double meanNll(Session& session, const std::vector<int>& tokens) {
    std::vector<float> logits;
    if (!session.allLogits(tokens, 0, logits).ok()) return NAN;
    const std::int64_t vocab = session.config().vocabSize;
    double nll = 0.0;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        const float* row = &logits[i * vocab];
        const float peak = *std::max_element(row, row + vocab);
        double sum = 0.0;
        for (std::int64_t v = 0; v < vocab; ++v) sum += std::exp(double(row[v]) - peak);
        nll += std::log(sum) - (double(row[tokens[i + 1]]) - peak);
    }
    return nll / double(tokens.size() - 1);
}

// "Common tokens": word tokens of the byte-level BPE vocabulary (a space, then 3+ lowercase
// letters) among its first 20,000 ids; BPE ids follow merge order, so low ids are frequent.
std::vector<int> commonTokens() {
    QFile file(modelDir() + QStringLiteral("/tokenizer.json"));
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QJsonObject vocab = QJsonDocument::fromJson(file.readAll())[QStringLiteral("model")][QStringLiteral("vocab")].toObject();
    static const QRegularExpression word(QStringLiteral("^\u0120[a-z]{3,}$"));
    std::vector<int> out;
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        const int id = it.value().toInt();
        if (id < 20000 && word.match(it.key()).hasMatch()) out.push_back(id);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

class TestDemoModel : public QObject {
    Q_OBJECT
private slots:
    void isAQwen3CheckpointWithinTheSizeLimit() {
        QVERIFY2(QFileInfo::exists(modelDir() + QStringLiteral("/tokenizer.json")), "the built-in model has no tokenizer");
        const qint64 bytes = QFileInfo(modelDir() + QStringLiteral("/model.safetensors")).size();
        QVERIFY2(bytes > 0 && bytes <= 40'000'000, qPrintable(QString::number(bytes)));
        auto run = test::runCli({QStringLiteral("info"), QStringLiteral("--model"), modelDir(), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject info = QJsonDocument::fromJson(run.out).object();
        const QJsonObject config = info[QStringLiteral("config")].toObject();
        QCOMPARE(info[QStringLiteral("architecture")].toString(), QStringLiteral("Qwen3ForCausalLM"));
        QCOMPARE(info[QStringLiteral("dtype")].toString(), QStringLiteral("BF16"));
        QCOMPARE(config[QStringLiteral("vocab_size")].toInt(), 151936);  // the real Qwen3 vocabulary
        QVERIFY(config[QStringLiteral("tie_word_embeddings")].toBool());
    }

    void englishIsFarMorePredictableThanShuffledTokens() {
        auto tokenizer = Tokenizer::load(modelDir().toStdString());
        QVERIFY2(tokenizer.ok(), tokenizer.ok() ? "" : tokenizer.error().text().c_str());
        SessionOptions options;
        options.diagnostics = false;
        auto session = Session::load(modelDir().toStdString(), options);
        QVERIFY2(session.ok(), session.ok() ? "" : session.error().text().c_str());
        // Written for this test (not from the training corpus).
        const std::string text =
            "The man who had been sitting in the back of the room stood up and walked to the door. He said that he "
            "would not be able to come to the meeting on Monday, but that he had asked his wife to tell the others "
            "what he thought about the new school. It was a long time before anyone said a word.";
        std::vector<int> tokens = (*tokenizer)->encode(text);
        QVERIFY(tokens.size() > 50);
        std::vector<int> shuffled = tokens;
        std::shuffle(shuffled.begin() + 1, shuffled.end(), std::mt19937(7));
        const double english = std::exp(meanNll(**session, tokens));
        const double scrambled = std::exp(meanNll(**session, shuffled));
        qInfo("perplexity: English %.1f, the same tokens shuffled %.1f", english, scrambled);
        QVERIFY2(english < 150.0, qPrintable(QString::number(english)));
        // `perplexity` agrees, in one window and in windows of 16 (each token predicted once).
        QStringList ids;
        for (int id : tokens) ids << QString::number(id);
        for (const char* window : {"1024", "16"}) {
            auto run = test::runCli({QStringLiteral("perplexity"), QStringLiteral("--model"), modelDir(), QStringLiteral("--tokens"),
                                     ids.join(QLatin1Char(',')), QStringLiteral("--window"), QLatin1String(window), QStringLiteral("--json")});
            QVERIFY2(run.exitCode == 0, run.err.constData());
            const QJsonObject j = QJsonDocument::fromJson(run.out).object();
            QCOMPARE(j[QStringLiteral("predicted")].toInt(), int(tokens.size()) - 1);
            if (QByteArray(window) == "1024") QVERIFY(std::abs(j[QStringLiteral("perplexity")].toDouble() - english) < 1e-3 * english);
            else QVERIFY(j[QStringLiteral("perplexity")].toDouble() > english);  // less context per token
        }
        QCOMPARE(test::runCli({QStringLiteral("perplexity"), QStringLiteral("--model"), modelDir()}).exitCode, 2);
        QVERIFY2(english * 8.0 < scrambled, qPrintable(QStringLiteral("%1 vs %2").arg(english).arg(scrambled)));
    }

    void hasAnInductionHead() {
        const std::vector<int> pool = commonTokens();
        QVERIFY2(pool.size() > 2000, qPrintable(QString::number(pool.size())));
        QFile configFile(modelDir() + QStringLiteral("/config.json"));
        QVERIFY(configFile.open(QIODevice::ReadOnly));
        const QJsonObject config = QJsonDocument::fromJson(configFile.readAll()).object();
        const int layers = config[QStringLiteral("num_hidden_layers")].toInt();
        const int heads = config[QStringLiteral("num_attention_heads")].toInt();
        constexpr int kSequences = 20, kLength = 50;
        std::mt19937 rng(2026);
        std::map<std::pair<int, int>, double> score;
        for (int s = 0; s < kSequences; ++s) {
            std::vector<int> seq = pool;
            std::shuffle(seq.begin(), seq.end(), rng);  // distinct tokens: "first occurrence" is unambiguous
            seq.resize(kLength);
            QStringList ids;
            for (int round = 0; round < 2; ++round)
                for (int id : seq) ids << QString::number(id);
            QStringList args{QStringLiteral("diagnose"), QStringLiteral("--model"), modelDir(), QStringLiteral("--tokens"),
                             ids.join(QLatin1Char(',')), QStringLiteral("--json")};
            for (int l = 0; l < layers; ++l)
                for (int h = 0; h < heads; ++h) args << QStringLiteral("--attention") << QStringLiteral("%1:%2").arg(l).arg(h);
            auto run = test::runCli(args);
            QVERIFY2(run.exitCode == 0, run.err.constData());
            const QJsonArray maps = QJsonDocument::fromJson(run.out)[QStringLiteral("attention")].toArray();
            QCOMPARE(maps.size(), layers * heads);
            for (const auto& m : maps) {
                const QJsonArray probs = m[QStringLiteral("probs")].toArray();
                double sum = 0.0;
                for (int j = 0; j < kLength; ++j) sum += probs[kLength + j].toArray()[j + 1].toDouble();
                score[{m[QStringLiteral("layer")].toInt(), m[QStringLiteral("head")].toInt()}] += sum / kLength / kSequences;
            }
        }
        auto best = std::max_element(score.begin(), score.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
        qInfo("best induction head: layer %d head %d, mean attention %.3f", best->first.first, best->first.second, best->second);
        QVERIFY2(best->second >= 0.4, qPrintable(QString::number(best->second)));
    }
};

QTEST_GUILESS_MAIN(TestDemoModel)
#include "test_demo_model.moc"
