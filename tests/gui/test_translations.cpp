// Translations: both .ts files are complete (no unfinished or empty entry, every numerus form
// filled) and the compiled, embedded zh_CN catalog translates key strings at run time.
#include <QDir>
#include <QFile>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

#include "gui/language.h"

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    void tsFilesComplete_data();
    void tsFilesComplete();
    void embeddedCatalogTranslates();
    void languageManagerSwitches();
};

void TestTranslations::tsFilesComplete_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("en") << QStringLiteral("qwen_explorer_en.ts");
    QTest::newRow("zh_CN") << QStringLiteral("qwen_explorer_zh_CN.ts");
}

void TestTranslations::tsFilesComplete() {
    QFETCH(QString, file);
    QFile ts(QDir(QStringLiteral(QE_TRANSLATIONS_DIR)).filePath(file));
    QVERIFY2(ts.open(QIODevice::ReadOnly), qPrintable(ts.fileName()));
    QXmlStreamReader xml(&ts);
    int messages = 0;
    QString source;
    QStringList problems;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        if (xml.name() == QLatin1String("message")) ++messages;
        if (xml.name() == QLatin1String("source")) source = xml.readElementText();
        if (xml.name() == QLatin1String("translation")) {
            const QString type = xml.attributes().value(QStringLiteral("type")).toString();
            if (type == QLatin1String("unfinished") || type == QLatin1String("vanished") || type == QLatin1String("obsolete"))
                problems << QStringLiteral("%1: %2").arg(type, source);
            QString text;
            bool numerus = false;
            while (!(xml.isEndElement() && xml.name() == QLatin1String("translation")) && !xml.atEnd()) {
                xml.readNext();
                if (xml.isStartElement() && xml.name() == QLatin1String("numerusform")) {
                    numerus = true;
                    if (xml.readElementText().trimmed().isEmpty()) problems << QStringLiteral("empty numerus form: ") + source;
                } else if (xml.isCharacters() && !numerus) {
                    text += xml.text();
                }
            }
            if (!numerus && text.trimmed().isEmpty()) problems << QStringLiteral("empty: ") + source;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 100);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

void TestTranslations::embeddedCatalogTranslates() {
    QTranslator zh;
    QVERIFY(zh.load(QStringLiteral(":/i18n/qwen_explorer_zh_CN.qm")));
    QCOMPARE(zh.translate("qe::gui::MainWindow", "Send"), QStringLiteral("发送"));
    QCOMPARE(zh.translate("qe::gui::MainWindow", "Stop"), QStringLiteral("停止"));
    QCOMPARE(zh.translate("qe::gui::SamplingPanel", "Thinking"), QStringLiteral("思考"));
    QCOMPARE(zh.translate("qe::gui::ModelBar", "Open model folder…"), QStringLiteral("打开模型文件夹…"));
    QVERIFY(!zh.translate("qe::gui::ErrorText", "Loading was cancelled; no model is loaded.").isEmpty());
    QTranslator en;
    QVERIFY(en.load(QStringLiteral(":/i18n/qwen_explorer_en.qm")));
}

void TestTranslations::languageManagerSwitches() {
    qe::gui::LanguageManager manager;
    QVERIFY(manager.apply(QStringLiteral("zh_CN")));
    QCOMPARE(QCoreApplication::translate("qe::gui::MainWindow", "Send"), QStringLiteral("发送"));
    QVERIFY(manager.apply(QStringLiteral("en")));
    QCOMPARE(QCoreApplication::translate("qe::gui::MainWindow", "Send"), QStringLiteral("Send"));
}

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
