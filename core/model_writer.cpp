#include "core/model_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "core/cpu/cpu_kernels.h"
#include "core/safetensors_writer.h"
#include "core/weights.h"

namespace qe {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::uint64_t hashName(const std::string& name, std::uint64_t seed) {
    std::uint64_t h = 1469598103934665603ull ^ seed;  // FNV-1a
    for (unsigned char ch : name) h = (h ^ ch) * 1099511628211ull;
    return h;
}

// How each tensor is initialised: normal(mean, std).
struct Init {
    double mean = 0.0;
    double std = 0.0;
};

Init initFor(const std::string& name, const ModelConfig& c) {
    auto endsWith = [&](const char* suffix) {
        std::string s(suffix);
        return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    if (endsWith("norm.weight") || endsWith("layernorm.weight")) return {1.0, 0.1};
    // Embedding / LM head: logit std about 2.5 after the final norm, so distributions are peaked.
    if (endsWith("embed_tokens.weight") || endsWith("lm_head.weight")) return {0.0, 2.5 / std::sqrt(double(c.hiddenSize))};
    if (endsWith("down_proj.weight")) return {0.0, 0.5 / std::sqrt(double(c.intermediateSize))};
    if (endsWith("o_proj.weight")) return {0.0, 0.5 / std::sqrt(double(c.qWidth()))};
    return {0.0, 1.0 / std::sqrt(double(c.hiddenSize))};
}

constexpr std::int64_t kFillChunk = 1 << 20;  // elements per independently seeded chunk

// Fills `count` elements of `dtype` at dst with normal(mean, std) values; chunk k of a tensor is
// seeded from (tensor seed, k) so the bytes do not depend on the thread count.
void fillNormal(std::uint8_t* dst, std::int64_t count, DType dtype, Init init, std::uint64_t tensorSeed, int threads) {
    const std::int64_t chunks = (count + kFillChunk - 1) / kFillChunk;
    auto work = [&](std::int64_t firstChunk, std::int64_t step) {
        for (std::int64_t chunk = firstChunk; chunk < chunks; chunk += step) {
            std::uint64_t state = tensorSeed ^ (0x632be59bd9b4e019ull * static_cast<std::uint64_t>(chunk + 1));
            const std::int64_t begin = chunk * kFillChunk, end = std::min(count, begin + kFillChunk);
            for (std::int64_t i = begin; i < end; i += 2) {
                // Box-Muller: two normals from two uniforms in (0, 1].
                const double u1 = (static_cast<double>(splitmix64(state) >> 11) + 1.0) * 0x1.0p-53;
                const double u2 = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
                const double r = std::sqrt(-2.0 * std::log(u1));
                const double pair[2] = {r * std::cos(2.0 * M_PI * u2), r * std::sin(2.0 * M_PI * u2)};
                for (int k = 0; k < 2 && i + k < end; ++k) {
                    const float v = static_cast<float>(init.mean + init.std * pair[k]);
                    const std::int64_t at = i + k;
                    if (dtype == DType::F32) {
                        std::memcpy(dst + at * 4, &v, 4);
                    } else {
                        const std::uint16_t h = dtype == DType::BF16 ? cpu::floatToBf16(v) : cpu::floatToF16(v);
                        std::memcpy(dst + at * 2, &h, 2);
                    }
                }
            }
        }
    };
    if (threads <= 1 || chunks <= 1) {
        work(0, 1);
        return;
    }
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t, threads);
    work(0, threads);
    for (auto& th : pool) th.join();
}

Status writeText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) return makeError(ErrorCode::InvalidArgument, "cannot write file", path);
    return {};
}

}  // namespace

Status writeRandomModel(const ModelConfig& config, const std::string& outDir, const RandomModelOptions& options) {
    if (options.dtype != DType::BF16 && options.dtype != DType::F16 && options.dtype != DType::F32)
        return makeError(ErrorCode::InvalidArgument, "dtype must be BF16, F16 or F32");
    if (options.shards < 1) return makeError(ErrorCode::InvalidArgument, "shards must be at least 1");
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec) return makeError(ErrorCode::InvalidArgument, "cannot create folder: " + ec.message(), outDir);
    // Remove checkpoint files of an earlier run so the folder holds one consistent checkpoint.
    for (const auto& entry : std::filesystem::directory_iterator(outDir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.ends_with(".safetensors") || name == "model.safetensors.index.json") std::filesystem::remove(entry.path(), ec);
    }

    ModelConfig written = config;
    written.torchDtype = options.dtype == DType::F32 ? "float32" : options.dtype == DType::F16 ? "float16" : "bfloat16";
    QE_TRY(writeText(outDir + "/config.json", modelConfigToJson(written)));
    QE_TRY(writeText(outDir + "/generation_config.json", generationConfigToJson(written)));

    const int threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const std::uint64_t elementBytes = options.dtype == DType::F32 ? 4 : 2;
    auto tensors = expectedTensors(config);

    // Assign tensors to shards in order, about equal bytes each.
    std::uint64_t totalBytes = 0;
    for (const auto& t : tensors) {
        std::uint64_t n = elementBytes;
        for (auto d : t.shape) n *= static_cast<std::uint64_t>(d);
        totalBytes += n;
    }
    const int shards = std::min<int>(options.shards, static_cast<int>(tensors.size()));
    std::vector<std::vector<TensorToWrite>> perShard(static_cast<std::size_t>(shards));
    std::map<std::string, std::string> weightMap;
    std::uint64_t running = 0;
    for (const auto& t : tensors) {
        std::int64_t count = 1;
        for (auto d : t.shape) count *= d;
        int shard = shards == 1 ? 0 : static_cast<int>(std::min<std::uint64_t>(running * shards / std::max<std::uint64_t>(totalBytes, 1), shards - 1));
        running += static_cast<std::uint64_t>(count) * elementBytes;
        const Init init = initFor(t.name, config);
        const std::uint64_t seed = hashName(t.name, options.seed);
        const DType dtype = options.dtype;
        perShard[static_cast<std::size_t>(shard)].push_back(
            {t.name, dtype, t.shape, [=](std::uint8_t* dst) { fillNormal(dst, count, dtype, init, seed, threads); }});
    }
    for (int shard = 0; shard < shards; ++shard) {
        char name[64];
        if (shards == 1) std::snprintf(name, sizeof name, "model.safetensors");
        else std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", shard + 1, shards);
        for (const auto& t : perShard[static_cast<std::size_t>(shard)]) weightMap[t.name] = name;
        QE_TRY(writeSafetensors(outDir + "/" + name, std::move(perShard[static_cast<std::size_t>(shard)]), {{"format", "pt"}}));
    }
    if (shards > 1) QE_TRY(writeSafetensorsIndex(outDir + "/model.safetensors.index.json", weightMap, totalBytes));
    return {};
}

}  // namespace qe
