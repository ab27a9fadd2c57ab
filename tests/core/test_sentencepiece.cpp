// SentencePiece tokenizers: a model trained at test time by spm_train (Debian package
// sentencepiece) must give the same ids as spm_encode and decode like spm_decode.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "core/tokenizer/stream_decoder.h"
#include "core/tokenizer/tokenizer.h"

namespace {

const QStringList kSentences = {
    QStringLiteral("The quick brown fox jumps over the lazy dog."),
    QStringLiteral("Tokenizers convert raw text into a sequence of integer ids."),
    QStringLiteral("SentencePiece treats the input as a raw stream, spaces included."),
    QStringLiteral("Numbers like 12345 and 3.14159 appear in technical writing."),
    QStringLiteral("今天天气很好。我们去公园散步吧。"),
    QStringLiteral("Über naïve café owners, résumé writers and jalapeño lovers."),
    QStringLiteral("Emoji such as 😀 and 🚀 are rare in this corpus."),
    QStringLiteral("Words never seen: zyxwvut qqqq xylophonist."),
};

QString corpusText() {
    QString text;
    const QStringList words = {QStringLiteral("model"), QStringLiteral("token"), QStringLiteral("language"),
                               QStringLiteral("the"), QStringLiteral("of"), QStringLiteral("attention"),
                               QStringLiteral("layer"), QStringLiteral("weights"), QStringLiteral("quick"),
                               QStringLiteral("brown"), QStringLiteral("fox"), QStringLiteral("数据"),
                               QStringLiteral("模型"), QStringLiteral("café"), QStringLiteral("123")};
    // Pseudo-random words from syllables (fixed LCG) give the trainer enough distinct pieces.
    const QStringList syllables = {QStringLiteral("ka"), QStringLiteral("ro"), QStringLiteral("mi"), QStringLiteral("tes"),
                                   QStringLiteral("lun"), QStringLiteral("dar"), QStringLiteral("ve"), QStringLiteral("sho"),
                                   QStringLiteral("pil"), QStringLiteral("qua"), QStringLiteral("zen"), QStringLiteral("bo")};
    quint32 state = 12345;
    auto next = [&state]() { return (state = state * 1103515245u + 12345u) >> 16; };
    for (int line = 0; line < 400; ++line) {
        for (int w = 0; w < 6; ++w) {
            int n = 1 + static_cast<int>(next() % 3);
            for (int k = 0; k < n; ++k) text += syllables[static_cast<int>(next() % syllables.size())];
            text += QLatin1Char(' ');
        }
        for (int w = 0; w < 12; ++w) {
            text += words[(line * 7 + w * 3 + (line / 5) * w) % words.size()];
            text += QLatin1Char(' ');
        }
        text += kSentences[line % kSentences.size()] + QLatin1Char('\n');
    }
    return text;
}

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run runTool(const QString& program, const QStringList& args) {
    QProcess proc;
    proc.start(program, args);
    Run run;
    if (!proc.waitForStarted(10000) || !proc.waitForFinished(120000)) return run;
    run.exitCode = proc.exitStatus() == QProcess::NormalExit ? proc.exitCode() : -1;
    run.out = proc.readAllStandardOutput();
    run.err = proc.readAllStandardError();
    return run;
}

}  // namespace

class TestSentencePiece : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_spmEncode, m_spmDecode;

    // Trains a model of `type` into <tmp>/<type>/tokenizer.model; returns its folder.
    QString train(const QString& type) {
        QString folder = m_dir.path() + QLatin1Char('/') + type;
        if (QFile::exists(folder + QStringLiteral("/tokenizer.model"))) return folder;
        QDir().mkpath(folder);
        QString spmTrain = QStandardPaths::findExecutable(QStringLiteral("spm_train"));
        Run run = runTool(spmTrain, {QStringLiteral("--input=") + m_dir.path() + QStringLiteral("/corpus.txt"),
                                     QStringLiteral("--model_prefix=") + folder + QStringLiteral("/m"),
                                     QStringLiteral("--vocab_size=200"), QStringLiteral("--hard_vocab_limit=false"),
                                     QStringLiteral("--model_type=") + type,
                                     QStringLiteral("--character_coverage=1.0"), QStringLiteral("--minloglevel=2")});
        if (run.exitCode != 0) return {};
        QFile::rename(folder + QStringLiteral("/m.model"), folder + QStringLiteral("/tokenizer.model"));
        return folder;
    }

    // Number of pieces spm_train listed in m.vocab (one per line).
    static int vocabLines(const QString& folder) {
        QFile file(folder + QStringLiteral("/m.vocab"));
        if (!file.open(QIODevice::ReadOnly)) return -1;
        return static_cast<int>(file.readAll().count('\n'));
    }

    QList<std::vector<int>> spmEncode(const QString& folder) {
        QString input = m_dir.path() + QStringLiteral("/sentences.txt");
        Run run = runTool(m_spmEncode, {QStringLiteral("--model=") + folder + QStringLiteral("/tokenizer.model"),
                                        QStringLiteral("--output_format=id"), QStringLiteral("--input=") + input});
        QList<std::vector<int>> result;
        for (const QByteArray& line : run.out.split('\n')) {
            if (line.isEmpty()) continue;
            std::vector<int> ids;
            for (const QByteArray& id : line.split(' ')) ids.push_back(id.toInt());
            result.push_back(ids);
        }
        return result;
    }

private slots:
    void initTestCase() {
        m_spmEncode = QStandardPaths::findExecutable(QStringLiteral("spm_encode"));
        m_spmDecode = QStandardPaths::findExecutable(QStringLiteral("spm_decode"));
        if (QStandardPaths::findExecutable(QStringLiteral("spm_train")).isEmpty() || m_spmEncode.isEmpty() ||
            m_spmDecode.isEmpty())
            QSKIP("spm_train/spm_encode/spm_decode not installed (Debian package sentencepiece)");
        QVERIFY(m_dir.isValid());
        QFile corpus(m_dir.path() + QStringLiteral("/corpus.txt"));
        QVERIFY(corpus.open(QIODevice::WriteOnly));
        corpus.write(corpusText().toUtf8());
        corpus.close();
        QFile sentences(m_dir.path() + QStringLiteral("/sentences.txt"));
        QVERIFY(sentences.open(QIODevice::WriteOnly));
        sentences.write(kSentences.join(QLatin1Char('\n')).toUtf8() + '\n');
        sentences.close();
    }

    void matchesSpmEncode_data() {
        QTest::addColumn<QString>("type");
        QTest::newRow("unigram") << QStringLiteral("unigram");
        QTest::newRow("bpe") << QStringLiteral("bpe");
    }
    void matchesSpmEncode() {
        QFETCH(QString, type);
        QString folder = train(type);
        QVERIFY2(!folder.isEmpty(), "spm_train failed");
        auto loaded = qe::Tokenizer::load(folder.toStdString());  // folder holding tokenizer.model
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().text().c_str());
        const qe::Tokenizer& tok = **loaded;
        QCOMPARE(tok.kind(), qe::TokenizerKind::SentencePiece);
        QCOMPARE(tok.size(), vocabLines(folder));

        QList<std::vector<int>> expected = spmEncode(folder);
        QCOMPARE(expected.size(), kSentences.size());
        for (int i = 0; i < kSentences.size(); ++i) {
            std::string text = kSentences[i].toStdString();
            std::vector<int> ids = tok.encode(text);
            QCOMPARE(ids, expected[i]);
            // Round trip is exact: every sentence is NFKC-stable and single-spaced.
            QCOMPARE(QString::fromStdString(*tok.decode(ids)), kSentences[i]);
            // Streaming pieces concatenate to the same text.
            qe::StreamDecoder stream(tok);
            std::string joined;
            for (int id : ids) joined += *stream.push(id);
            joined += stream.finish();
            QCOMPARE(joined, text);
        }
    }

    void decodeMatchesSpmDecode() {
        QString folder = train(QStringLiteral("unigram"));
        QVERIFY(!folder.isEmpty());
        auto tok = qe::Tokenizer::load((folder + QStringLiteral("/tokenizer.model")).toStdString());
        QVERIFY(tok.ok());
        // Ids chosen to include the unknown token (0) and pieces with and without "▁".
        const int last = (*tok)->size() - 1;
        std::vector<int> ids = {5, 0, 17, 42, 3, last / 2, last, 0, 7};
        QString idsFile = m_dir.path() + QStringLiteral("/ids.txt");
        QFile file(idsFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray line;
        for (int id : ids) line += QByteArray::number(id) + ' ';
        file.write(line.trimmed() + '\n');
        file.close();
        Run run = runTool(m_spmDecode, {QStringLiteral("--model=") + folder + QStringLiteral("/tokenizer.model"),
                                        QStringLiteral("--input_format=id"), QStringLiteral("--input=") + idsFile});
        QCOMPARE(run.exitCode, 0);
        QByteArray expected = run.out;
        if (expected.endsWith('\n')) expected.chop(1);
        QCOMPARE(QByteArray::fromStdString(*(*tok)->decode(ids)), expected);
    }

    void specialTokens() {
        QString folder = train(QStringLiteral("unigram"));
        QVERIFY(!folder.isEmpty());
        auto tok = qe::Tokenizer::load(folder.toStdString());
        QVERIFY(tok.ok());
        // spm_train defaults: <unk>=0, <s>=1, </s>=2; <s> and </s> are control tokens.
        QCOMPARE((*tok)->tokenId("<s>"), std::optional<int>(1));
        QCOMPARE((*tok)->tokenId("</s>"), std::optional<int>(2));
        QVERIFY((*tok)->isSpecial(1) && (*tok)->isSpecial(2) && !(*tok)->isSpecial(0));
        QCOMPARE((*tok)->tokenId("no-such-piece"), std::optional<int>());
        QCOMPARE(*(*tok)->tokenString(2), std::string("</s>"));
        std::vector<int> ids = (*tok)->encode("the model");
        ids.push_back(2);
        QCOMPARE(*(*tok)->decode(ids, {.skipSpecial = true}), std::string("the model"));
        QVERIFY(!(*tok)->decode(std::vector<int>{(*tok)->size()}).ok());
    }

    void corruptModelIsAnError() {
        QString folder = m_dir.path() + QStringLiteral("/corrupt");
        QDir().mkpath(folder);
        QFile file(folder + QStringLiteral("/tokenizer.model"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a protobuf");
        file.close();
        auto tok = qe::Tokenizer::load(folder.toStdString());
        QVERIFY(!tok.ok());
        QVERIFY(QString::fromStdString(tok.error().text()).contains(QStringLiteral("tokenizer.model")));
    }
};

QTEST_APPLESS_MAIN(TestSentencePiece)
#include "test_sentencepiece.moc"
