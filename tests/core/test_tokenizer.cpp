// Byte-level BPE tokenizer against shared/testdata/tokenizer/qwen3_public.jsonl (ids produced by
// Hugging Face tokenizers for Qwen3) and against 1,800 random strings encoded by Hugging Face's
// tokenizers (tests/core/data/tokenizer_crosscheck.jsonl, decoding in detokenizer_crosscheck.jsonl;
// scripts/make-crosscheck-refs.js), spec §5 facts (added tokens, sizes), Python's
// errors="replace" rules for invalid UTF-8, and malformed tokenizer.json files.
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QtTest>

#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/stream_decoder.h"
#include "core/tokenizer/tokenizer.h"
#include "tests/helpers/test_paths.h"

using qe::BpeTokenizer;
using qe::StreamDecoder;
using qe::Tokenizer;

namespace {

struct Case {
    QString text;
    std::vector<int> ids;
};

QList<Case> loadCases(const QString& path) {
    QList<Case> cases;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return cases;
    while (!file.atEnd()) {
        QByteArray line = file.readLine().trimmed();
        if (line.isEmpty()) continue;
        QJsonObject obj = QJsonDocument::fromJson(line).object();
        Case c{obj.value(QStringLiteral("text")).toString(), {}};
        for (const auto& v : obj.value(QStringLiteral("ids")).toArray()) c.ids.push_back(v.toInt());
        cases.push_back(c);
    }
    return cases;
}

std::string utf8(const QString& s) { return s.toStdString(); }

// Independent UTF-8 validity check (Qt's decoder, not ours).
bool validUtf8(const std::string& bytes) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString decoded = decoder.decode(QByteArrayView(bytes.data(), static_cast<qsizetype>(bytes.size())));
    return !decoder.hasError() && decoded.toStdString() == bytes;
}

QString nfc(const QString& s) { return s.normalized(QString::NormalizationForm_C); }

// A tiny byte-level tokenizer.json: vocab of the bytes a, b, c, space (Ġ) plus merged tokens.
std::string tinyJson(const std::string& merges, const std::string& extraVocab = {}) {
    return R"({"normalizer": {"type": "NFC"},
      "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
      "added_tokens": [{"id": 100, "content": "<eot>", "special": true}, {"id": 101, "content": "<t>", "special": false},
                       {"id": 102, "content": "<t>xx", "special": false}],
      "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "c": 2, "Ġ": 3, "ab": 4, "bc": 5, "abc": 6, "aa": 7, "Ġa": 8)" +
           extraVocab + R"(}, "merges": )" + merges + "}}";
}

// Malformed tokenizer.json files and a word their error message must contain.
struct MalformedCase {
    const char* name;
    std::string json;
    const char* mentions;
};

std::vector<MalformedCase> malformedCases() {
    return {
        {"not json", std::string("{\"model\": "), "JSON"},
        {"array", std::string("[1,2]"), "object"},
        {"no model", std::string(R"({"pre_tokenizer": {"type": "ByteLevel"}})"), "model"},
        {"no vocab", std::string(R"({"pre_tokenizer": {"type": "ByteLevel"}, "model": {"merges": []}})"), "vocab"},
        {"no merges", std::string(R"({"pre_tokenizer": {"type": "ByteLevel"}, "model": {"vocab": {"a": 0}}})"), "merges"},
        {"vocab id string", std::string(R"({"pre_tokenizer": {"type": "ByteLevel"}, "model": {"vocab": {"a": "0"}, "merges": []}})"), "integer"},
        {"vocab id negative", std::string(R"({"pre_tokenizer": {"type": "ByteLevel"}, "model": {"vocab": {"a": -5}, "merges": []}})"), "range"},
        {"vocab id huge", std::string(R"({"pre_tokenizer": {"type": "ByteLevel"}, "model": {"vocab": {"a": 4000000000}, "merges": []}})"), "range"},
        {"merge unknown token", tinyJson(R"(["a z"])"), "\"z\""},
        {"merge result unknown", tinyJson(R"(["c a"])"), "\"ca\""},
        {"merge one part", tinyJson(R"(["ab"])"), "merges[0]"},
        {"merge number", tinyJson(R"([42])"), "merges[0]"},
        {"merges object", tinyJson(R"({"a": "b"})"), "merges"},
        {"added token no id", std::string(R"({"pre_tokenizer": {"type": "ByteLevel"}, "added_tokens": [{"content": "x"}], "model": {"vocab": {"a": 0}, "merges": []}})"), "added_tokens[0]"},
        {"bad regex", std::string(R"({"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(["}, "behavior": "Isolated"}, "model": {"vocab": {"a": 0}, "merges": []}})"), "regex"},
        {"not byte level", std::string(R"({"pre_tokenizer": {"type": "Metaspace"}, "model": {"vocab": {"a": 0}, "merges": []}})"), "Metaspace"},
        {"wordpiece", std::string(R"({"pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "WordPiece", "vocab": {"a": 0}}})"), "WordPiece"},
    };
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<Tokenizer> m_tok;
    QList<Case> m_cases;
    QList<Case> m_crosscheck;

    void requireTokenizer() {
        if (!m_tok) QSKIP("real Qwen3 tokenizer.json not found in QE_TOKENIZER_DIR (fetched at configure time)");
    }

private slots:
    void initTestCase() {
        m_cases = loadCases(qe::test::testdataPath(QStringLiteral("tokenizer/qwen3_public.jsonl")));
        m_crosscheck = loadCases(QStringLiteral(QE_SOURCE_DIR "/tests/core/data/tokenizer_crosscheck.jsonl"));
        QVERIFY2(m_crosscheck.size() >= 1800, "tests/core/data/tokenizer_crosscheck.jsonl is missing or short");
        QVERIFY2(!m_cases.isEmpty(), "shared/testdata/tokenizer/qwen3_public.jsonl is missing or empty");
        if (!qe::test::haveTokenizer()) return;
        QElapsedTimer timer;
        timer.start();
        auto loaded = Tokenizer::load(qe::test::tokenizerDir().toStdString());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().text().c_str());
        qInfo("loaded the Qwen3 tokenizer in %lld ms", static_cast<long long>(timer.elapsed()));
        m_tok = std::move(loaded).value();
    }

    // Every case of shared/testdata/tokenizer/qwen3_public.jsonl: ids equal HF's.
    void publicCases_data() {
        QTest::addColumn<int>("index");
        for (int i = 0; i < m_cases.size(); ++i) QTest::addRow("line %d", i + 1) << i;
    }
    void publicCases() {
        requireTokenizer();
        QFETCH(int, index);
        const Case& c = m_cases[index];
        std::vector<int> ids = m_tok->encode(utf8(c.text));
        QCOMPARE(ids, c.ids);
        auto decoded = m_tok->decode(ids);
        QVERIFY(decoded.ok());
        QCOMPARE(QString::fromStdString(*decoded), nfc(c.text));  // decode(encode(x)) == NFC(x)
    }

    // Random mixes of scripts, emoji, digits, whitespace runs, contractions, control characters
    // and added tokens, and random code points from every plane: ids equal HF's.
    void crosscheckCases() {
        requireTokenizer();
        int mismatches = 0;
        for (int i = 0; i < m_crosscheck.size(); ++i) {
            const Case& c = m_crosscheck[i];
            const std::vector<int> ids = m_tok->encode(utf8(c.text));
            if (ids == c.ids) continue;
            if (++mismatches <= 5) qWarning("tokenizer_crosscheck.jsonl line %d differs: %s", i + 1, qPrintable(c.text));
        }
        QCOMPARE(mismatches, 0);
    }

    // Random ids from the whole vocabulary and encodings cut mid-character: text equals HF's
    // decode (skip_special_tokens=false), U+FFFD for incomplete UTF-8 included.
    void crosscheckDecode() {
        requireTokenizer();
        QFile file(QStringLiteral(QE_SOURCE_DIR "/tests/core/data/detokenizer_crosscheck.jsonl"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        int lines = 0, mismatches = 0;
        while (!file.atEnd()) {
            const QByteArray line = file.readLine().trimmed();
            if (line.isEmpty()) continue;
            ++lines;
            const QJsonObject obj = QJsonDocument::fromJson(line).object();
            std::vector<int> ids;
            for (const auto& v : obj.value(QStringLiteral("ids")).toArray()) ids.push_back(v.toInt());
            auto text = m_tok->decode(ids);
            QVERIFY(text.ok());
            if (QString::fromStdString(*text) == obj.value(QStringLiteral("text")).toString()) continue;
            if (++mismatches <= 5) qWarning("detokenizer_crosscheck.jsonl line %d differs", lines);
        }
        QCOMPARE(lines, 300);
        QCOMPARE(mismatches, 0);
    }

    // Stream decoder on every public case: valid UTF-8 pieces that concatenate to decode().
    void streamDecoderPublicCases() {
        requireTokenizer();
        for (const Case& c : m_cases) {
            StreamDecoder stream(*m_tok);
            std::string joined;
            for (int id : c.ids) {
                auto piece = stream.push(id);
                QVERIFY(piece.ok());
                QVERIFY2(validUtf8(*piece), qPrintable(c.text.left(40)));
                joined += *piece;
            }
            std::string tail = stream.finish();
            QVERIFY(validUtf8(tail));
            joined += tail;
            QCOMPARE(QString::fromStdString(joined), QString::fromStdString(*m_tok->decode(c.ids)));
        }
    }

    // Token-by-token decoding of Chinese and emoji text: characters span several tokens, so some
    // pushes must hold bytes back, and nothing emitted may be a broken sequence.
    void streamDecoderHoldsBackPartialCharacters() {
        requireTokenizer();
        const std::string text = "萦绕在开发者心头 👨‍👩‍👧‍👦 🇯🇵 🏴 ok";
        std::vector<int> ids = m_tok->encode(text);
        StreamDecoder stream(*m_tok);
        std::string joined;
        int heldBack = 0;
        for (int id : ids) {
            auto piece = stream.push(id);
            QVERIFY(piece.ok());
            QVERIFY(validUtf8(*piece));
            if (stream.pendingBytes() > 0) ++heldBack;
            joined += *piece;
        }
        joined += stream.finish();
        QVERIFY2(heldBack > 0, "expected byte-level tokens that split a character");
        QCOMPARE(joined, text);
    }

    // A stream that ends inside a character: the rest becomes one U+FFFD, as bytes.decode(errors="replace").
    void streamDecoderFinishesWithReplacement() {
        requireTokenizer();
        // "ä" is the byte-level token for the single byte 0xE4 (a lead byte of a 3-byte sequence).
        auto lead = m_tok->tokenId("ä");
        QVERIFY(lead.has_value());
        StreamDecoder stream(*m_tok);
        auto piece = stream.push(std::vector<int>{*m_tok->tokenId("a"), *lead});
        QVERIFY(piece.ok());
        QCOMPARE(*piece, std::string("a"));
        QCOMPARE(stream.finish(), std::string("\xEF\xBF\xBD"));
        QCOMPARE(*m_tok->decode(std::vector<int>{*lead, *lead}), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
    }

    // spec §5.4/§5.5: sizes, added token ids and their special flags.
    void addedTokens() {
        requireTokenizer();
        QCOMPARE(m_tok->size(), 151669);
        QCOMPARE(m_tok->tokenId("<|endoftext|>"), std::optional<int>(151643));
        QCOMPARE(m_tok->tokenId("<|im_start|>"), std::optional<int>(151644));
        QCOMPARE(m_tok->tokenId("<|im_end|>"), std::optional<int>(151645));
        QCOMPARE(m_tok->tokenId("<think>"), std::optional<int>(151667));
        QCOMPARE(m_tok->tokenId("</think>"), std::optional<int>(151668));
        QCOMPARE(m_tok->tokenId("<no such token>"), std::optional<int>());
        QCOMPARE(*m_tok->tokenString(151645), std::string("<|im_end|>"));
        for (int id = 151643; id <= 151656; ++id) QVERIFY2(m_tok->isSpecial(id), qPrintable(QString::number(id)));
        for (int id = 151657; id <= 151668; ++id) QVERIFY2(!m_tok->isSpecial(id), qPrintable(QString::number(id)));
        QVERIFY(!m_tok->isSpecial(785));
        // Ids from qwen3_public.jsonl line 1 ("The quick ...") and line 5 (" " before "4").
        QCOMPARE(*m_tok->tokenString(785), std::string("The"));
        QCOMPARE(*m_tok->tokenString(220), std::string("\xC4\xA0"));  // "Ġ"
        QCOMPARE(m_tok->tokenId("\xC4\xA0"), std::optional<int>(220));

        std::vector<int> ids = m_tok->encode("<think>x</think><|im_end|>");
        QCOMPARE(ids.front(), 151667);
        QCOMPARE(ids.back(), 151645);
        QCOMPARE(ids[ids.size() - 2], 151668);
        QCOMPARE(*m_tok->decode(ids, {.skipSpecial = true}), std::string("<think>x</think>"));
        QCOMPARE(*m_tok->decode(ids), std::string("<think>x</think><|im_end|>"));
        // Leftmost-longest: "<|im_start|>" wins over any shorter overlap; an unfinished tag is text.
        std::vector<int> partial = m_tok->encode("<|im_start|");
        QVERIFY(std::find(partial.begin(), partial.end(), 151644) == partial.end());
        QCOMPARE(*m_tok->decode(partial), std::string("<|im_start|"));
    }

    void badIdsAreErrors() {
        requireTokenizer();
        QVERIFY(!m_tok->decode(std::vector<int>{151669}).ok());  // padding row, spec §5.5
        QVERIFY(!m_tok->decode(std::vector<int>{-1}).ok());
        QVERIFY(!m_tok->tokenString(151935).ok());
        StreamDecoder stream(*m_tok);
        QVERIFY(!stream.push(200000).ok());
        QCOMPARE(*stream.push(785), std::string("The"));  // still usable
    }

    // Invalid UTF-8 input is repaired like Python's bytes.decode("utf-8", errors="replace") before
    // tokenizing: one U+FFFD per maximal ill-formed subpart. Expected strings written from Python.
    void invalidUtf8Input_data() {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QString>("repaired");
        QTest::addRow("lone 0xFF") << QByteArray("a\xFF" "b") << QStringLiteral("a\uFFFDb");
        QTest::addRow("truncated 3-byte") << QByteArray("x\xE4\xB8") << QStringLiteral("x\uFFFD");
        QTest::addRow("truncated then ascii") << QByteArray("\xE4\xB8y") << QStringLiteral("\uFFFDy");
        QTest::addRow("surrogate ED A0 80") << QByteArray("\xED\xA0\x80") << QStringLiteral("\uFFFD\uFFFD\uFFFD");
        QTest::addRow("overlong C0 AF") << QByteArray("\xC0\xAF") << QStringLiteral("\uFFFD\uFFFD");
        QTest::addRow("F4 90 (above U+10FFFF)") << QByteArray("\xF4\x90\x80\x80z") << QStringLiteral("\uFFFD\uFFFD\uFFFD\uFFFDz");
        QTest::addRow("F0 9F 98 (truncated emoji) + space") << QByteArray("\xF0\x9F\x98 ok") << QStringLiteral("\uFFFD ok");
    }
    void invalidUtf8Input() {
        requireTokenizer();
        QFETCH(QByteArray, raw);
        QFETCH(QString, repaired);
        QCOMPARE(m_tok->encode(std::string_view(raw.constData(), static_cast<std::size_t>(raw.size()))),
                 m_tok->encode(utf8(repaired)));
        QCOMPARE(QString::fromStdString(*m_tok->decode(m_tok->encode(raw.toStdString()))), repaired);
    }

    // decode(encode(x)) == NFC(x) on the mixed benchmark text, line by line and whole.
    void roundTripBenchText() {
        requireTokenizer();
        QFile file(qe::test::testdataPath(QStringLiteral("tokenizer/bench_mixed_1mb.txt")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray all = file.readAll();
        std::string text = all.toStdString();
        auto decoded = m_tok->decode(m_tok->encode(text));
        QVERIFY(decoded.ok());
        QVERIFY(*decoded == utf8(nfc(QString::fromUtf8(all))));
    }

    // Edge cases whose round trip must be exact (all already NFC) and whose pieces must be valid.
    void roundTripEdgeCases_data() {
        QTest::addColumn<QString>("text");
        QTest::addRow("empty") << QString();
        QTest::addRow("crlf") << QStringLiteral("a\r\nb\r\n\r\n  \r\n");
        QTest::addRow("exotic spaces") << QStringLiteral("a\u00A0b\u2003c\u3000d\u205F\u0085e\u2028f\u2029 ");
        QTest::addRow("controls") << QStringLiteral("\u0000\u0001\u001F\u007F\t\v\f");
        QTest::addRow("long spaces") << QString(5000, QLatin1Char(' ')) + QStringLiteral("x");
        QTest::addRow("long letters") << QString(3000, QLatin1Char('a'));
        QTest::addRow("digits") << QStringLiteral("1234567890１２３٤٥");
        QTest::addRow("contractions") << QStringLiteral("I'M HE'LL we'VE it'S ſ'S");
        QTest::addRow("added tokens glued") << QStringLiteral("<|im_start|><|im_start|><think></think>x<|im_end|>");
    }
    void roundTripEdgeCases() {
        requireTokenizer();
        QFETCH(QString, text);
        std::vector<int> ids = m_tok->encode(utf8(text));
        QCOMPARE(QString::fromStdString(*m_tok->decode(ids)), nfc(text));
        for (int id : ids) QVERIFY(id >= 0 && id < m_tok->size());
    }

    // Combining marks are composed (NFC) before splitting: e + U+0301 tokenizes as é.
    void nfcBeforeSplit() {
        requireTokenizer();
        QCOMPARE(m_tok->encode("cafe\xCC\x81"), m_tok->encode("caf\xC3\xA9"));
        // ...but not across an added token (each segment is normalized on its own).
        std::vector<int> ids = m_tok->encode("e<think>\xCC\x81");
        QCOMPARE(ids[1], 151667);
    }

    // Hand-checked BPE on a tiny tokenizer.json: lowest rank first, equal ranks left to right.
    void tinyMerges_data() {
        QTest::addColumn<QString>("merges");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<int>>("ids");
        QTest::addRow("a b then ab c") << R"(["a b", "ab c"])" << "abc" << QList<int>{6};
        QTest::addRow("b c first") << R"(["b c", "a b", "ab c"])" << "abc" << QList<int>{0, 5};
        QTest::addRow("pairs form") << R"([["a", "b"], ["ab", "c"]])" << "abc" << QList<int>{6};
        QTest::addRow("left to right") << R"(["a a"])" << "aaa" << QList<int>{7, 0};
        QTest::addRow("space word") << R"(["Ġ a", "a b"])" << "a ab" << QList<int>{0, 8, 1};
        QTest::addRow("added tokens") << R"(["a b"])" << "ab<eot>ab<t>" << QList<int>{4, 100, 4, 101};
        QTest::addRow("longest added token") << R"(["a b"])" << "<t>xxa<t>x" << QList<int>{102, 0, 101};
        // No token for "x" and no unk token: HF drops the byte, and its neighbours still merge.
        QTest::addRow("unknown bytes dropped") << R"(["a b"])" << "axb" << QList<int>{4};
    }
    void tinyMerges() {
        QFETCH(QString, merges);
        QFETCH(QString, text);
        QFETCH(QList<int>, ids);
        auto tok = BpeTokenizer::loadFromJson(tinyJson(utf8(merges)));
        QVERIFY2(tok.ok(), tok.ok() ? "" : tok.error().text().c_str());
        std::vector<int> got = (*tok)->encode(utf8(text));
        QCOMPARE(QList<int>(got.begin(), got.end()), ids);
        QCOMPARE((*tok)->size(), 103);
        QVERIFY((*tok)->isSpecial(100));
        QVERIFY(!(*tok)->isSpecial(101));
        QCOMPARE(*(*tok)->decode(std::vector<int>{4, 100, 101}, {.skipSpecial = true}), std::string("ab<t>"));
        QVERIFY(!(*tok)->decode(std::vector<int>{50}).ok());  // a hole between vocab and added ids
    }

    // Malformed tokenizer.json: a clear error, never a crash.
    void malformedJson_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        for (const MalformedCase& c : malformedCases())
            QTest::newRow(c.name) << QByteArray::fromStdString(c.json) << QString::fromUtf8(c.mentions);
    }
    void malformedJson() {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        auto tok = BpeTokenizer::loadFromJson(json.toStdString(), {}, "bad/tokenizer.json");
        QVERIFY(!tok.ok());
        QString message = QString::fromStdString(tok.error().text());
        QVERIFY2(message.contains(mentions), qPrintable(message));
        QVERIFY2(message.startsWith(QStringLiteral("bad/tokenizer.json: ")), qPrintable(message));
    }

    void loadErrorsNameWhatWasLookedFor() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto tok = Tokenizer::load(dir.path().toStdString());
        QVERIFY(!tok.ok());
        QCOMPARE(tok.error().code, qe::ErrorCode::NotFound);
        QString message = QString::fromStdString(tok.error().text());
        QVERIFY2(message.contains(QStringLiteral("tokenizer.json")) && message.contains(QStringLiteral("tokenizer.model")),
                 qPrintable(message));
        QVERIFY(!Tokenizer::load((dir.path() + QStringLiteral("/missing.json")).toStdString()).ok());
        QFile bad(dir.path() + QStringLiteral("/tokenizer.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"truncated\": ");
        bad.close();
        auto corrupt = Tokenizer::load(dir.path().toStdString());
        QVERIFY(!corrupt.ok());
        QCOMPARE(corrupt.error().code, qe::ErrorCode::Corrupt);
        QVERIFY(QString::fromStdString(corrupt.error().text()).contains(QStringLiteral("tokenizer.json")));
    }
};

QTEST_APPLESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
