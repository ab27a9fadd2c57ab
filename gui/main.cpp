// qwen-explorer: the desktop app. Optional argument: a model folder to open.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>

#include "gui/app_logging.h"
#include "gui/conversations/conversation_store.h"
#include "gui/language.h"
#include "gui/main_window.h"
#include "gui/paths.h"
#include "gui/settings.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("QwenExplorer"));
    QApplication::setApplicationName(QStringLiteral("qwen-explorer"));
    QApplication::setApplicationDisplayName(QStringLiteral("Qwen Explorer"));
    QApplication::setApplicationVersion(QStringLiteral(QE_VERSION));
    qe::gui::setUpLogging();

    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("Model folder to open (optional)."));
    parser.process(app);

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
