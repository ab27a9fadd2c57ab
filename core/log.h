// The `core` logger (style.md §7). main() of the app and CLI configure sinks; tests may install
// their own logger under the same name. Never log prompts or responses above debug.
#pragma once

#include <memory>

#include <spdlog/logger.h>

namespace qe {

// Returns the "core" logger, creating a stderr logger at warn level if none is registered.
std::shared_ptr<spdlog::logger> log();

}  // namespace qe
