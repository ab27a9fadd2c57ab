// A minimal test harness for the GPU tests. They are plain C++ (no QtTest) because the GPU
// machine the check script runs on has no Qt. Exit code 0: passed, 1: failed, 77: skipped (no
// usable GPU; CTest reports it as skipped through SKIP_RETURN_CODE, never as passed).
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/backend.h"

namespace qe::gputest {

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

#define GPU_CHECK(cond, message)                                                                            \
    do {                                                                                                    \
        if (!(cond))                                                                                        \
            throw ::qe::gputest::Failure(std::string(__FILE__ ":") + std::to_string(__LINE__) + ": " + #cond + \
                                         ": " + (message));                                                 \
    } while (0)

struct Case {
    std::string name;
    std::function<void()> run;
};

// Max absolute error and max error relative to max(|reference|) of two arrays.
struct ErrorStats {
    double maxAbs = 0.0, maxRel = 0.0;
};
template <class A, class B>
ErrorStats compare(const A& got, const B& want, std::size_t n) {
    double scale = 0.0;
    for (std::size_t i = 0; i < n; ++i) scale = std::max(scale, std::abs(double(want[i])));
    ErrorStats s;
    for (std::size_t i = 0; i < n; ++i) s.maxAbs = std::max(s.maxAbs, std::abs(double(got[i]) - double(want[i])));
    s.maxRel = scale > 0 ? s.maxAbs / scale : s.maxAbs;
    return s;
}

// Prints a result row "| kernel | shape | dtype | max abs | max rel |" and checks the bound.
inline void report(const std::string& kernel, const std::string& shape, const char* dtype, ErrorStats s, double bound) {
    std::printf("| %s | %s | %s | %.3g | %.3g | %s |\n", kernel.c_str(), shape.c_str(), dtype, s.maxAbs, s.maxRel,
                s.maxRel <= bound ? "ok" : "FAIL");
    GPU_CHECK(s.maxRel <= bound, kernel + " " + shape + ": relative error " + std::to_string(s.maxRel) + " > " +
                                     std::to_string(bound));
}

// The device as the backend library sees it ("" and the reason when there is none).
inline std::string pluginDevice(std::string& whyNot) {
    const CudaProbe probe = probeCuda();
    whyNot = probe.error;
    return probe.devices.empty() ? std::string() : probe.devices.front();
}

// Runs the cases on `device`, or skips them all (exit 77) when it is empty.
inline int runAll(const char* suite, const std::vector<Case>& cases, const std::string& device, const std::string& whyNot) {
    if (device.empty()) {
        std::printf("SKIP %s: %s\n", suite, whyNot.c_str());
        return 77;
    }
    std::printf("%s on %s\n", suite, device.c_str());
    // QE_GPU_TEST_FILTER=a|b: only the cases whose name contains one of them; QE_GPU_TEST_EXCLUDE=a|b:
    // not those (CTest runs the slow cases of the emulator as tests of their own, side by side).
    const auto names = [](const char* variable) {
        std::vector<std::string> parts;
        const char* value = std::getenv(variable);
        if (!value) return parts;
        std::string rest = value;
        for (std::size_t bar; (bar = rest.find('|')) != std::string::npos; rest.erase(0, bar + 1)) parts.push_back(rest.substr(0, bar));
        parts.push_back(rest);
        return parts;
    };
    const auto matches = [](const std::string& name, const std::vector<std::string>& parts) {
        for (const std::string& part : parts)
            if (name.find(part) != std::string::npos) return true;
        return false;
    };
    const std::vector<std::string> only = names("QE_GPU_TEST_FILTER"), excluded = names("QE_GPU_TEST_EXCLUDE");
    int failed = 0, ran = 0;
    for (const Case& c : cases) {
        if ((!only.empty() && !matches(c.name, only)) || matches(c.name, excluded)) continue;
        ++ran;
        try {
            c.run();
            std::printf("PASS %s\n", c.name.c_str());
        } catch (const std::exception& e) {
            ++failed;
            std::printf("FAIL %s: %s\n", c.name.c_str(), e.what());
        }
        std::fflush(stdout);
    }
    std::printf("%s: %d passed, %d failed\n", suite, ran - failed, failed);
    if (ran == 0) std::printf("FAIL: no case matched QE_GPU_TEST_FILTER / QE_GPU_TEST_EXCLUDE\n");
    return failed || ran == 0 ? 1 : 0;
}

}  // namespace qe::gputest
