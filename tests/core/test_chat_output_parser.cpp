// Output parser: reasoning/answer split (spec qwen3.md §6.1 "To parse output", §6.2 outputs with
// or without an empty think block) and <tool_call> extraction; streaming results must not depend
// on how the text is split. Expected values are written by hand from the spec.
#include <QRandomGenerator>
#include <QTest>

#include "core/chat/output_parser.h"

using qe::OutputParser;
using qe::ParsedOutput;
using qe::parseOutput;

namespace {

QString describe(const ParsedOutput& p) {
    QString s = QStringLiteral("R[%1] C[%2] open=%3 think=%4").arg(QString::fromStdString(p.reasoning), QString::fromStdString(p.content))
                    .arg(p.thinkingOpen).arg(p.hasThinkBlock);
    for (const auto& c : p.toolCalls) s += QStringLiteral(" T[%1 %2]").arg(QString::fromStdString(c.name), QString::fromStdString(c.arguments.dump()));
    for (const auto& pr : p.problems) s += QStringLiteral(" P[%1]").arg(QString::fromStdString(pr.message));
    return s;
}

}  // namespace

class TestChatOutputParser : public QObject {
    Q_OBJECT
private slots:
    void whole_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("reasoning");
        QTest::addColumn<QString>("content");
        QTest::newRow("thinking") << "<think>\nLet me think.\n</think>\n\nThe answer is 4." << "Let me think." << "The answer is 4.";
        QTest::newRow("no opening tag") << "Reasoning here\n</think>\n\nAnswer" << "Reasoning here" << "Answer";
        QTest::newRow("empty think block") << "<think>\n\n</think>\n\nHello!" << "" << "Hello!";
        QTest::newRow("no think at all") << "Just an answer.\n" << "" << "Just an answer.";
        // Spec: reasoning is the text before the last </think>, after the last <think>.
        QTest::newRow("last </think> wins") << "<think>a</think>b</think>\nc" << "a</think>b" << "c";
        QTest::newRow("chinese") << "<think>\n想一想\n</think>\n\n你好" << "想一想" << "你好";
        QTest::newRow("unfinished thinking") << "<think>\nstill going" << "still going" << "";
        QTest::newRow("inner newlines kept") << "<think>\na\n\nb\n</think>\n\nx\n\ny" << "a\n\nb" << "x\n\ny";
    }
    void whole() {
        QFETCH(QString, text);
        QFETCH(QString, reasoning);
        QFETCH(QString, content);
        ParsedOutput p = parseOutput(text.toStdString());
        QCOMPARE(QString::fromStdString(p.reasoning), reasoning);
        QCOMPARE(QString::fromStdString(p.content), content);
        QVERIFY(p.problems.empty());
    }

    void thinkingStartedByTemplate() {
        ParsedOutput p = qe::parseOutput("Reasoning only so far", true);
        QVERIFY(p.thinkingOpen);
        QCOMPARE(QString::fromStdString(p.reasoning), QStringLiteral("Reasoning only so far"));
        QCOMPARE(QString::fromStdString(p.content), QString());
    }

    void toolCalls() {
        const std::string text =
            "<think>\nNeed weather.\n</think>\n\nLet me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Beijing\"}}\n</tool_call>\n"
            "<tool_call>\n{\"name\": \"get_time\", \"arguments\": \"{\\\"tz\\\": \\\"UTC\\\"}\"}\n</tool_call>";
        ParsedOutput p = parseOutput(text);
        QCOMPARE(QString::fromStdString(p.reasoning), QStringLiteral("Need weather."));
        QCOMPARE(QString::fromStdString(p.content), QStringLiteral("Let me check."));
        QCOMPARE(p.toolCalls.size(), size_t{2});
        QCOMPARE(QString::fromStdString(p.toolCalls[0].name), QStringLiteral("get_weather"));
        QCOMPARE(QString::fromStdString(p.toolCalls[0].arguments.dump()), QStringLiteral("{\"city\":\"Beijing\"}"));
        QCOMPARE(QString::fromStdString(p.toolCalls[1].name), QStringLiteral("get_time"));
        QCOMPARE(QString::fromStdString(p.toolCalls[1].arguments.dump()), QStringLiteral("{\"tz\":\"UTC\"}"));
        QVERIFY(p.problems.empty());
    }

    void invalidToolCallIsReportedNotFatal() {
        ParsedOutput p = parseOutput("<tool_call>\n{\"name\": \"a\", \"arguments\": {\n</tool_call>\n<tool_call>\n{\"name\": \"b\", \"arguments\": {}}\n</tool_call>\n<tool_call>\n[1]\n</tool_call>");
        QCOMPARE(p.toolCalls.size(), size_t{1});
        QCOMPARE(QString::fromStdString(p.toolCalls[0].name), QStringLiteral("b"));
        QCOMPARE(p.problems.size(), size_t{2});
        QVERIFY(p.problems[0].message.find("not valid JSON") != std::string::npos);
        QVERIFY(p.problems[1].message.find("\"name\"") != std::string::npos);
        ParsedOutput open = parseOutput("x <tool_call>\n{\"name\"");
        QCOMPARE(open.problems.size(), size_t{1});
        QVERIFY(open.problems[0].message.find("unterminated") != std::string::npos);
    }

    void streamingIndependentOfSplit_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("think + tools") << QStringLiteral(
            "<think>\n让我想想 step\n</think>\n\nSure.\n<tool_call>\n{\"name\": \"f\", \"arguments\": {\"x\": 1}}\n</tool_call>");
        QTest::newRow("no think") << QStringLiteral("Plain <b>answer</b> with < and </ signs </thin");
        QTest::newRow("empty think") << QStringLiteral("<think>\n\n</think>\n\nHi<tool_call>bad json</tool_call>");
    }
    void streamingIndependentOfSplit() {
        QFETCH(QString, text);
        const std::string s = text.toStdString();
        const QString expected = describe(parseOutput(s));
        // Byte by byte, with snapshots along the way (they must never crash or show partial tags).
        OutputParser bytes;
        for (char c : s) {
            bytes.feed(std::string_view(&c, 1));
            ParsedOutput snap = bytes.snapshot();
            QVERIFY(snap.content.find("<tool_call") == std::string::npos);
            QVERIFY(snap.content.find("</thi") == std::string::npos || s.find("</thin") != std::string::npos);
        }
        QCOMPARE(describe(bytes.finish()), expected);
        // Random splits.
        QRandomGenerator rng(1234);
        for (int round = 0; round < 50; ++round) {
            OutputParser parser;
            size_t pos = 0;
            while (pos < s.size()) {
                size_t n = std::min<size_t>(s.size() - pos, 1 + rng.bounded(7));
                parser.feed(std::string_view(s).substr(pos, n));
                pos += n;
            }
            QCOMPARE(describe(parser.finish()), expected);
        }
    }

    void snapshotHoldsBackPartialTags() {
        OutputParser p;
        p.feed("<think>\nabc\n</thi");
        ParsedOutput s1 = p.snapshot();
        QVERIFY(s1.thinkingOpen);
        QCOMPARE(QString::fromStdString(s1.reasoning), QStringLiteral("abc"));
        p.feed("nk>\n\nAnswer <tool_call>\n{\"name\"");
        ParsedOutput s2 = p.snapshot();
        QVERIFY(!s2.thinkingOpen);
        QCOMPARE(QString::fromStdString(s2.content), QStringLiteral("Answer "));
        QVERIFY(s2.problems.empty());
        QVERIFY(s2.toolCalls.empty());
    }
};

QTEST_APPLESS_MAIN(TestChatOutputParser)
#include "test_chat_output_parser.moc"
