// makeTinyModel: CLI-generated tiny model plus the fetched tokenizer; WindowUnderTest.
#include "gui_test_support.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include "tests/helpers/test_paths.h"

namespace qe::test {

void useTestScreen(const char* configFile) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", QByteArrayLiteral("offscreen:configfile=") + QByteArray(configFile));
}

QString makeTinyModel(const QTemporaryDir& dir, QString* why, const QStringList& options, const QString& name) {
    if (!haveTokenizer()) {
        *why = QStringLiteral("Qwen3 tokenizer not found in ") + tokenizerDir();
        return {};
    }
    const QString folder = QDir(dir.path()).filePath(name);
    const CliRun run = runCli(QStringList{QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("tiny"),
                                          QStringLiteral("--out"), folder} + options);
    if (run.exitCode != 0) {
        *why = QStringLiteral("make-model failed: ") + QString::fromUtf8(run.err);
        return {};
    }
    for (const char* name : {"tokenizer.json", "tokenizer_config.json"}) {
        const QString file = QString::fromLatin1(name);
        QFile::remove(QDir(folder).filePath(file));
        if (!QFile::copy(QDir(tokenizerDir()).filePath(file), QDir(folder).filePath(file))) {
            *why = QStringLiteral("cannot copy ") + file;
            return {};
        }
    }
    return folder;
}

bool WindowUnderTest::open(const QString& model, const std::function<void(gui::Settings&)>& configure) {
    data = std::make_unique<QTemporaryDir>();
    qputenv("XDG_DATA_HOME", QFile::encodeName(data->filePath(QStringLiteral("xdg"))));
    settings = std::make_unique<gui::Settings>(data->filePath(QStringLiteral("settings.ini")));
    settings->setThreads(1);
    settings->setLanguage(QStringLiteral("en"));
    if (configure) configure(*settings);
    language = std::make_unique<gui::LanguageManager>();
    language->apply(QStringLiteral("en"));
    window = std::make_unique<gui::MainWindow>(*settings, *language, data->filePath(QStringLiteral("conversations")));
    window->show();
    window->startup(model);
    return QTest::qWaitFor([&] { return window->isModelLoaded(); }, 60000);
}

void WindowUnderTest::close() {
    window.reset();
    language.reset();
    settings.reset();
    data.reset();
}

}  // namespace qe::test
