// Logging set-up for the app (style.md §7): the core/engine/gui spdlog loggers write to a
// rotating file in the app data folder (and the console in debug builds); Qt messages are
// forwarded to the gui logger.
#pragma once

#include <QString>

namespace qe::gui {

// Creates the loggers; returns the log file path.
QString setUpLogging();

}  // namespace qe::gui
