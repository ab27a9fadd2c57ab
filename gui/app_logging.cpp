// setUpLogging: spdlog sinks and the Qt message handler.
#include "gui/app_logging.h"

#include <chrono>
#include <memory>
#include <vector>

#include <QDir>
#include <QStandardPaths>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace qe::gui {

namespace {

void forwardQtMessage(QtMsgType type, const QMessageLogContext&, const QString& message) {
    auto log = spdlog::get("gui");
    if (!log) return;
    const std::string text = message.toStdString();
    switch (type) {
    case QtDebugMsg: log->debug("{}", text); break;
    case QtInfoMsg: log->info("{}", text); break;
    case QtWarningMsg: log->warn("{}", text); break;
    case QtCriticalMsg:
    case QtFatalMsg: log->error("{}", text); break;
    }
}

}  // namespace

QString setUpLogging() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(QStringLiteral("qwen-explorer.log"));
    std::vector<spdlog::sink_ptr> sinks;
    try {
        sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path.toStdString(), 2 * 1024 * 1024, 3));
    } catch (const spdlog::spdlog_ex&) {
        // No log file (read-only data folder): the console sink below still works.
    }
#ifndef NDEBUG
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
#endif
    for (const char* name : {"core", "engine", "gui", "cuda"}) {
        spdlog::drop(name);
        auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
        logger->set_level(spdlog::level::info);
        logger->flush_on(spdlog::level::warn);
        spdlog::register_logger(logger);
    }
    spdlog::flush_every(std::chrono::seconds(2));  // a crash loses at most 2 s of log
    qInstallMessageHandler(forwardQtMessage);
    return path;
}

}  // namespace qe::gui
