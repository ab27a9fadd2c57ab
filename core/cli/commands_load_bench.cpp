// load-bench (issue #6, loading): how fast a checkpoint loads against the raw sequential read
// rate of the same files, measured in the same run, and how much host memory loading takes
// beyond the page cache.
//  1. The shards are dropped from the page cache (posix_fadvise DONTNEED; whether that worked is
//     checked with mincore and reported) and read sequentially with read(2): the raw rate.
//  2. Dropped again, then loaded by Session::load on the chosen backend. The load is timed as a
//     whole and from the first to the last progress event (the streaming of the tensors, without
//     the fixed cost of creating the GPU context); a thread samples the process's anonymous
//     resident memory (RssAnon: not the mapped file pages, which are page cache) every 2 ms.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cli/args.h"
#include "core/cli/commands.h"
#include "core/session.h"

namespace qe::cli {

using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double>(to - from).count(); }

// RssAnon of this process in bytes (0 where /proc does not say).
std::uint64_t anonymousResidentBytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("RssAnon:", 0) == 0) return std::stoull(line.substr(8)) * 1024u;
    return 0;
}

// Asks the kernel to drop the file's clean pages from the page cache.
void dropFromCache(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

// Fraction of the file's pages in the page cache.
double cachedFraction(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0.0;
    struct stat st {};
    double fraction = 0.0;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
        const auto size = static_cast<std::size_t>(st.st_size);
        void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
        if (map != MAP_FAILED) {
            const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
            std::vector<unsigned char> resident((size + page - 1) / page);
            if (::mincore(map, size, resident.data()) == 0) {
                std::size_t in = 0;
                for (unsigned char r : resident) in += r & 1u;
                fraction = double(in) / double(resident.size());
            }
            ::munmap(map, size);
        }
    }
    ::close(fd);
    return fraction;
}

double cachedFraction(const std::vector<std::string>& files, const std::vector<std::uint64_t>& sizes) {
    double cached = 0.0, total = 0.0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        cached += cachedFraction(files[i]) * double(sizes[i]);
        total += double(sizes[i]);
    }
    return total > 0 ? cached / total : 0.0;
}

}  // namespace

int cmdLoadBench(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"json"}, {"model", "backend", "context", "device"});
    if (!args.ok()) return fail(args.error(), true);
    auto dir = args->get("model");
    if (!dir) return fail(makeError(ErrorCode::InvalidArgument, "load-bench: --model DIR is required"), true);
    auto backend = backendArg(*args);
    if (!backend.ok()) return fail(backend.error(), true);
    auto context = args->getInt("context", 4096);
    auto device = args->getInt("device", 0);
    if (!context.ok() || !device.ok() || *context < 1 || *device < 0)
        return fail(makeError(ErrorCode::InvalidArgument, "load-bench: --context and --device take non-negative integers"), true);

    std::vector<std::string> files;
    std::vector<std::uint64_t> sizes;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(*dir, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".safetensors") files.push_back(entry.path().string());
    if (ec || files.empty())
        return fail(makeError(ErrorCode::NotFound, "load-bench: no .safetensors files in " + *dir));
    std::sort(files.begin(), files.end());
    std::uint64_t totalBytes = 0;
    for (const std::string& f : files) {
        sizes.push_back(std::filesystem::file_size(f, ec));
        totalBytes += sizes.back();
    }

    // 1. Raw sequential read, from a cold cache where the kernel lets us drop it.
    for (const std::string& f : files) dropFromCache(f);
    const double cachedBeforeRead = cachedFraction(files, sizes);
    std::vector<char> buffer(16u << 20);
    std::uint64_t readBytes = 0;
    const auto readStart = Clock::now();
    for (const std::string& f : files) {
        const int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return fail(makeError(ErrorCode::NotFound, "load-bench: cannot open " + f));
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        for (;;) {
            const ssize_t n = ::read(fd, buffer.data(), buffer.size());
            if (n <= 0) break;
            readBytes += static_cast<std::uint64_t>(n);
        }
        ::close(fd);
    }
    const double readSeconds = seconds(readStart, Clock::now());

    // 2. The load, from a cold cache again, with the anonymous memory sampled.
    for (const std::string& f : files) dropFromCache(f);
    const double cachedBeforeLoad = cachedFraction(files, sizes);
    SessionOptions options;
    options.backend = *backend;
    options.cudaDevice = static_cast<int>(*device);
    options.maxContext = *context;
    const std::uint64_t baseline = anonymousResidentBytes();
    std::atomic<bool> loading{true};
    std::atomic<std::uint64_t> peak{baseline};
    std::thread sampler([&] {
        while (loading.load()) {
            peak = std::max(peak.load(), anonymousResidentBytes());
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    Clock::time_point firstProgress{}, lastProgress{};
    std::uint64_t progressBytes = 0;
    const auto loadStart = Clock::now();
    auto loaded = Session::load(*dir, options, {}, [&](std::uint64_t done, std::uint64_t) {
        const auto now = Clock::now();
        if (firstProgress == Clock::time_point{}) firstProgress = now;
        lastProgress = now;
        progressBytes = done;
    });
    const double loadSeconds = seconds(loadStart, Clock::now());
    loading = false;
    sampler.join();
    peak = std::max(peak.load(), anonymousResidentBytes());  // the sampler has stopped: no lost update
    if (!loaded.ok()) return fail(loaded.error());
    const Session& session = **loaded;
    const double streamSeconds = firstProgress == Clock::time_point{} ? 0.0 : seconds(firstProgress, lastProgress);

    const double readRate = readSeconds > 0 ? double(readBytes) / readSeconds : 0.0;
    const double loadRate = loadSeconds > 0 ? double(totalBytes) / loadSeconds : 0.0;
    const double streamRate = streamSeconds > 0 ? double(progressBytes) / streamSeconds : 0.0;
    const json out = {{"model", *dir},
                      {"files", files.size()},
                      {"bytes", totalBytes},
                      {"backend", backendKindName(session.backend().kind())},
                      {"device", session.backend().description()},
                      {"cached_before_read", cachedBeforeRead},
                      {"cached_before_load", cachedBeforeLoad},
                      {"raw_read_seconds", readSeconds},
                      {"raw_read_bytes_per_s", readRate},
                      {"load_seconds", loadSeconds},
                      {"load_bytes_per_s", loadRate},
                      {"load_ratio", readRate > 0 ? loadRate / readRate : 0.0},
                      {"stream_seconds", streamSeconds},
                      {"stream_bytes_per_s", streamRate},
                      {"stream_ratio", readRate > 0 ? streamRate / readRate : 0.0},
                      {"peak_anon_bytes_over_baseline", peak.load() - std::min(peak.load(), baseline)}};
    if (args->has("json")) {
        std::printf("%s\n", out.dump().c_str());
        return kExitOk;
    }
    std::printf("model          %s (%zu files, %.2f GB), %s\n", dir->c_str(), files.size(), double(totalBytes) * 1e-9,
                session.backend().description().c_str());
    std::printf("raw read       %.2f GB/s (%.0f %% cached before)\n", readRate * 1e-9, 100.0 * cachedBeforeRead);
    std::printf("load           %.2f s, %.2f GB/s = %.0f %% of the raw read (%.0f %% cached before)\n", loadSeconds,
                loadRate * 1e-9, readRate > 0 ? 100.0 * loadRate / readRate : 0.0, 100.0 * cachedBeforeLoad);
    std::printf("streaming      %.2f s, %.2f GB/s = %.0f %% of the raw read\n", streamSeconds, streamRate * 1e-9,
                readRate > 0 ? 100.0 * streamRate / readRate : 0.0);
    std::printf("host memory    %.0f MiB anonymous beyond the baseline at the peak\n",
                double(peak.load() - std::min(peak.load(), baseline)) / double(1 << 20));
    return kExitOk;
}

}  // namespace qe::cli
