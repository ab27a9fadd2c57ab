#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace qe {

std::shared_ptr<spdlog::logger> log() {
    static std::shared_ptr<spdlog::logger> fallback = [] {
        if (auto existing = spdlog::get("core")) return existing;
        auto logger = spdlog::stderr_color_mt("core");
        logger->set_level(spdlog::level::warn);
        return logger;
    }();
    if (auto registered = spdlog::get("core")) return registered;
    return fallback;
}

}  // namespace qe
