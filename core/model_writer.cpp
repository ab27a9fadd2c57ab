#include "core/model_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
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

// The nearest e4m3fn value (ties to the even code), saturating at ±448; for the writer's FP8
// checkpoints. The positive codes 0x00 .. 0x7e increase with their value.
std::uint8_t floatToE4m3(float v) {
    static const std::vector<float> positive = [] {
        std::vector<float> p(127);
        for (int i = 0; i < 127; ++i) p[std::size_t(i)] = cpu::e4m3ToFloat(std::uint8_t(i));
        return p;
    }();
    const std::uint8_t sign = std::signbit(v) ? 0x80 : 0;
    const float a = std::min(std::fabs(v), 448.0f);
    const auto above = std::upper_bound(positive.begin(), positive.end(), a);
    if (above == positive.end()) return std::uint8_t(sign | 126);
    const int hi = int(above - positive.begin()), lo = hi - 1;
    const float dLo = a - positive[std::size_t(lo)], dHi = positive[std::size_t(hi)] - a;
    const int code = dLo < dHi ? lo : dHi < dLo ? hi : (lo % 2 == 0 ? lo : hi);
    return std::uint8_t(sign | code);
}

// One linear layer W [n, k] quantized as a checkpoint stores it.
struct WrittenLinear {
    std::vector<std::uint32_t> qweight, qzeros;  // AWQ: [k, n/8], [k/g, n/8]
    std::vector<std::uint16_t> scales;           // AWQ: fp16 [k/g, n]
    std::vector<std::uint8_t> fp8;               // FP8: [n, k]
    std::vector<float> blockScales;              // FP8: [ceil(n/br), ceil(k/bc)]
};

// AutoAWQ's quantizer (spec §7.1), per output column and group of g inputs: s = (max - min) / 15
// (at least 1e-5 / 15), stored as fp16; z = clamp(-round(min / s), 0, 15); q = clamp(round(w / s)
// + z, 0, 15); packed eight to a word, logical column ORDER[p] in nibble p.
WrittenLinear quantizeAwq(const std::vector<float>& w, std::int64_t n, std::int64_t k, std::int64_t g) {
    static constexpr int kOrder[8] = {0, 2, 4, 6, 1, 3, 5, 7};
    const std::int64_t groups = k / g, words = n / 8;
    WrittenLinear q;
    q.qweight.assign(std::size_t(k * words), 0);
    q.qzeros.assign(std::size_t(groups * words), 0);
    q.scales.resize(std::size_t(groups * n));
    std::vector<std::uint8_t> levels(std::size_t(k * n)), zeros(std::size_t(groups * n));  // [i, o], [gi, o]
    for (std::int64_t o = 0; o < n; ++o) {
        for (std::int64_t gi = 0; gi < groups; ++gi) {
            const float* row = &w[std::size_t(o * k + gi * g)];
            const auto [mn, mx] = std::minmax_element(row, row + g);
            const std::uint16_t s16 = cpu::floatToF16(std::max(*mx - *mn, 1e-5f) / 15.0f);
            const float s = cpu::f16ToFloat(s16);
            const float z = std::clamp(-std::nearbyint(*mn / s), 0.0f, 15.0f);
            q.scales[std::size_t(gi * n + o)] = s16;
            zeros[std::size_t(gi * n + o)] = std::uint8_t(z);
            for (std::int64_t j = 0; j < g; ++j)
                levels[std::size_t((gi * g + j) * n + o)] = std::uint8_t(std::clamp(std::nearbyint(row[j] / s) + z, 0.0f, 15.0f));
        }
    }
    auto pack = [&](const std::vector<std::uint8_t>& from, std::int64_t rows, std::vector<std::uint32_t>& to) {
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t c = 0; c < words; ++c)
                for (int p = 0; p < 8; ++p)
                    to[std::size_t(r * words + c)] |= std::uint32_t(from[std::size_t(r * n + 8 * c + kOrder[p])]) << (4 * p);
    };
    pack(levels, k, q.qweight);
    pack(zeros, groups, q.qzeros);
    return q;
}

// Fine-grained FP8 (spec §7.2): per block, scale = max|w| / 448 (1 for an all-zero block); the
// e4m3 values are w / scale.
WrittenLinear quantizeFp8(const std::vector<float>& w, std::int64_t n, std::int64_t k, std::int64_t br, std::int64_t bc) {
    const std::int64_t blockRows = (n + br - 1) / br, blockCols = (k + bc - 1) / bc;
    WrittenLinear q;
    q.fp8.resize(std::size_t(n * k));
    q.blockScales.assign(std::size_t(blockRows * blockCols), 0.0f);
    for (std::int64_t o = 0; o < n; ++o)
        for (std::int64_t i = 0; i < k; ++i) {
            float& m = q.blockScales[std::size_t((o / br) * blockCols + i / bc)];
            m = std::max(m, std::fabs(w[std::size_t(o * k + i)]));
        }
    for (float& s : q.blockScales) s = s > 0.0f ? s / 448.0f : 1.0f;
    for (std::int64_t o = 0; o < n; ++o)
        for (std::int64_t i = 0; i < k; ++i)
            q.fp8[std::size_t(o * k + i)] =
                floatToE4m3(w[std::size_t(o * k + i)] / q.blockScales[std::size_t((o / br) * blockCols + i / bc)]);
    return q;
}

bool isLinear(const std::string& name) { return name.ends_with("_proj.weight"); }

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
    written.quantization = options.quantization;
    QE_TRY(writeText(outDir + "/config.json", modelConfigToJson(written)));
    QE_TRY(writeText(outDir + "/generation_config.json", generationConfigToJson(written)));

    const int threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());

    // The tensors to write: each expected one in `dtype`, except that a quantized checkpoint stores
    // a linear layer as the parts of its quantized form (quantized once, when the first part is
    // written, from the float weights the same seed gives an unquantized checkpoint).
    std::vector<TensorToWrite> tensors;
    for (const auto& t : expectedTensors(config)) {
        std::int64_t count = 1;
        for (auto d : t.shape) count *= d;
        const Init init = initFor(t.name, config);
        const std::uint64_t seed = hashName(t.name, options.seed);
        if (!options.quantization || !isLinear(t.name)) {
            const DType dtype = options.dtype;
            tensors.push_back({t.name, dtype, t.shape, [=](std::uint8_t* dst) { fillNormal(dst, count, dtype, init, seed, threads); }});
            continue;
        }
        const Quantization quant = *options.quantization;
        const std::int64_t n = t.shape[0], k = t.shape[1];
        // Quantized once, when the first part is written; dropped after the last.
        struct Cache {
            std::unique_ptr<WrittenLinear> q;
            int partsLeft = 0;
        };
        auto cache = std::make_shared<Cache>();
        cache->partsLeft = quant.method == Quantization::Method::Awq ? 3 : 2;
        auto part = [=](auto member) {
            return [=](std::uint8_t* dst) {
                if (!cache->q) {
                    std::vector<float> w(static_cast<std::size_t>(count));
                    fillNormal(reinterpret_cast<std::uint8_t*>(w.data()), count, DType::F32, init, seed, threads);
                    cache->q = std::make_unique<WrittenLinear>(quant.method == Quantization::Method::Awq
                                                                     ? quantizeAwq(w, n, k, quant.groupSize)
                                                                     : quantizeFp8(w, n, k, quant.blockRows, quant.groupSize));
                }
                const auto& values = (*cache->q).*member;
                std::memcpy(dst, values.data(), values.size() * sizeof(values[0]));
                if (--cache->partsLeft == 0) cache->q.reset();
            };
        };
        const std::string base = t.name.substr(0, t.name.size() - std::string("weight").size());
        if (quant.method == Quantization::Method::Awq) {
            const std::int64_t g = quant.groupSize;
            tensors.push_back({base + "qweight", DType::I32, {k, n / 8}, part(&WrittenLinear::qweight)});
            tensors.push_back({base + "qzeros", DType::I32, {k / g, n / 8}, part(&WrittenLinear::qzeros)});
            tensors.push_back({base + "scales", DType::F16, {k / g, n}, part(&WrittenLinear::scales)});
        } else {
            const std::int64_t br = quant.blockRows, bc = quant.groupSize;
            tensors.push_back({base + "weight", DType::F8_E4M3, {n, k}, part(&WrittenLinear::fp8)});
            tensors.push_back({base + "weight_scale_inv", DType::F32, {(n + br - 1) / br, (k + bc - 1) / bc},
                               part(&WrittenLinear::blockScales)});
        }
    }

    // Assign tensors to shards in order, about equal bytes each.
    auto bytesOf = [](const TensorToWrite& t) {
        std::uint64_t bits = dtypeBits(t.dtype);
        for (auto d : t.shape) bits *= static_cast<std::uint64_t>(d);
        return bits / 8;
    };
    std::uint64_t totalBytes = 0;
    for (const auto& t : tensors) totalBytes += bytesOf(t);
    const int shards = std::min<int>(options.shards, static_cast<int>(tensors.size()));
    std::vector<std::vector<TensorToWrite>> perShard(static_cast<std::size_t>(shards));
    std::map<std::string, std::string> weightMap;
    std::uint64_t running = 0;
    for (auto& t : tensors) {
        int shard = shards == 1 ? 0 : static_cast<int>(std::min<std::uint64_t>(running * shards / std::max<std::uint64_t>(totalBytes, 1), shards - 1));
        running += bytesOf(t);
        perShard[static_cast<std::size_t>(shard)].push_back(std::move(t));
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
