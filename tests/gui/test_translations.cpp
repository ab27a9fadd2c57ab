// Translations: both .ts files are complete (no unfinished or empty entry, every numerus form
// filled) and the compiled, embedded zh_CN catalog translates key strings at run time.
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

#include <QLocale>
#include <QPushButton>

#include "core/backend.h"
#include "gui/language.h"
#include "gui/model_card.h"

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    void tsFilesComplete_data();
    void tsFilesComplete();
    void embeddedCatalogTranslates();
    void languageManagerSwitches();
    void modelCardSpeaksTheLanguage();
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
    // Qt's own words too (dialog buttons, Yes / No, text menus): Qt's translations, which
    // scripts/install-deps.sh installs (qt6-translations-l10n; the package recommends it). OK and
    // Cancel stayed English in the Chinese UI without them.
    QCOMPARE(QDialogButtonBox(QDialogButtonBox::Ok).button(QDialogButtonBox::Ok)->text(), QStringLiteral("确定"));
    QCOMPARE(QDialogButtonBox(QDialogButtonBox::Cancel).button(QDialogButtonBox::Cancel)->text(), QStringLiteral("取消"));
    QVERIFY(manager.apply(QStringLiteral("en")));
    QCOMPARE(QCoreApplication::translate("qe::gui::MainWindow", "Send"), QStringLiteral("Send"));
    QCOMPARE(QDialogButtonBox(QDialogButtonBox::Ok).button(QDialogButtonBox::Ok)->text(), QStringLiteral("OK"));
}

// The model card's Device and Note rows come from the engine in English; the fixed sentences
// are translated, and a technical reason stays English after a translated lead.
void TestTranslations::modelCardSpeaksTheLanguage() {
    using qe::gui::ModelCardView;
    qe::gui::ModelCard cpu;
    cpu.threads = 2;
    cpu.cpuIsa = QStringLiteral("avx512f+avx2");
    cpu.device = QStringLiteral("CPU, 2 threads, avx512f+avx2");
    qe::gui::ModelCard gpu;
    gpu.device = QStringLiteral("CUDA, NVIDIA H200 (sm_90, 139.8 GiB)");
    const QString shorter = QString::fromStdString(qe::shorterContextNote(4096, 32768));
    const QString other = QStringLiteral("cannot load libqe_cuda.so: libcublas.so.13: cannot open shared object file");
    qe::gui::LanguageManager manager;
    QVERIFY(manager.apply(QStringLiteral("en")));
    QCOMPARE(ModelCardView::deviceText(cpu), QStringLiteral("CPU, 2 threads, avx512f+\u200bavx2"));
    QCOMPARE(ModelCardView::deviceText(gpu), gpu.device);
    QCOMPARE(ModelCardView::noteText(QString::fromLatin1(qe::kNoNvidiaDriverNote)),
             QStringLiteral("No NVIDIA driver found (libcuda.so.1): the model runs on the CPU."));
    QCOMPARE(ModelCardView::noteText(shorter), QStringLiteral("The GPU's memory holds %1 of the model's %2 context positions.")
                                                   .arg(QLocale().toString(4096), QLocale().toString(32768)));
    QCOMPARE(ModelCardView::noteText(other), QStringLiteral("The GPU is not used: ") + other);

    QVERIFY(manager.apply(QStringLiteral("zh_CN")));
    QCOMPARE(ModelCardView::deviceText(cpu), QStringLiteral("CPU，2 个线程，avx512f+\u200bavx2"));
    QCOMPARE(ModelCardView::noteText(QString::fromLatin1(qe::kNoNvidiaDriverNote)),
             QStringLiteral("未找到 NVIDIA 驱动（libcuda.so.1）：模型在 CPU 上运行。"));
    QCOMPARE(ModelCardView::noteText(QString::fromLatin1(qe::kNoCudaBackendNote)),
             QStringLiteral("此版本没有 GPU 后端（libqe_cuda.so）：模型在 CPU 上运行。"));
    QCOMPARE(ModelCardView::noteText(shorter), QStringLiteral("GPU 显存可容纳模型 %2 个上下文位置中的 %1 个。")
                                                   .arg(QLocale().toString(4096), QLocale().toString(32768)));
    QCOMPARE(ModelCardView::noteText(other), QStringLiteral("未使用 GPU：") + other);
    QVERIFY(manager.apply(QStringLiteral("en")));
}

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
