// qwen-explorer: the desktop app. Optional argument: a model folder to open.
// --version and --smoke-test serve packaging (installer/, tests/installer); the hidden
// --crash-test-loop serves tests/gui/test_crash_recovery.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>

#include <initializer_list>
#include <string_view>

#include "gui/app_logging.h"
#include "gui/conversations/conversation_store.h"
#include "gui/conversations/crash_test_driver.h"
#include "gui/language.h"
#include "gui/main_window.h"
#include "gui/paths.h"
#include "gui/settings.h"
#include "gui/smoke_test.h"

namespace {

// True when argv holds one of `names`, alone or as "--name=value".
bool hasOption(int argc, char** argv, std::initializer_list<std::string_view> names) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        for (std::string_view name : names)
            if (arg == name || (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '='))
                return true;
    }
    return false;
}

struct Options {
    QCommandLineOption smokeTest{
        QStringLiteral("smoke-test"),
        QStringLiteral("Open the built-in model without a window, generate 8 tokens and exit (0: passed).")};
    QCommandLineOption crashTestLoop{QStringLiteral("crash-test-loop"),
                                     QStringLiteral("Test only: chat and save into FOLDER until killed."),
                                     QStringLiteral("FOLDER")};
};

void describe(QCommandLineParser& parser, Options& options) {
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(options.smokeTest);
    options.crashTestLoop.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(options.crashTestLoop);
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("Model folder to open (optional)."));
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication::setOrganizationName(QStringLiteral("QwenExplorer"));
    QCoreApplication::setApplicationName(QStringLiteral("qwen-explorer"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QE_VERSION));
    Options options;
    // --help and --version answer without a display (no GUI application, no platform plugin).
    if (hasOption(argc, argv, {"-h", "--help", "--help-all", "-v", "--version"})) {
        QCoreApplication app(argc, argv);
        QCommandLineParser parser;
        describe(parser, options);
        parser.process(app);  // prints and exits
        return 0;
    }
    // The test modes never show a window: they run on any machine, with or without a display.
    if (hasOption(argc, argv, {"--smoke-test", "--crash-test-loop"}) && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Qwen Explorer"));
    // Matches installer/io.github.qwen_explorer.QwenExplorer.desktop (Wayland app id, icon).
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.qwen_explorer.QwenExplorer"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.qwen_explorer.QwenExplorer")));
    QCommandLineParser parser;
    describe(parser, options);
    parser.process(app);

    qe::gui::setUpLogging();
    if (parser.isSet(options.smokeTest)) return qe::gui::runSmokeTest();
    if (parser.isSet(options.crashTestLoop)) {
        qe::gui::CrashTestDriver driver(QDir(parser.value(options.crashTestLoop)).absolutePath(),
                                        qe::gui::builtinModelDir());
        driver.start();
        return QApplication::exec();  // ends only when the test kills the process
    }

    qe::gui::Settings settings;
    qe::gui::LanguageManager language;
    language.apply(settings.language());
    int rc = 0;
    {
        qe::gui::MainWindow window(settings, language, qe::gui::conversationsDir());
        window.show();
        const QStringList args = parser.positionalArguments();
        window.startup(args.isEmpty() ? QString() : QDir(args.front()).absolutePath());
        rc = QApplication::exec();
        // The window's destructor joins the engine thread before QApplication goes away.
    }
    return rc;
}
