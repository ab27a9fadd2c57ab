#include "core/weights.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <thread>

#include "core/log.h"

namespace qe {

namespace {

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

Result<cpu::WeightType> weightType(const TensorInfo& t) {
    switch (t.dtype) {
    case DType::BF16: return cpu::WeightType::BF16;
    case DType::F16: return cpu::WeightType::F16;
    case DType::F32: return cpu::WeightType::F32;
    default:
        return makeError(ErrorCode::Unsupported,
                         std::string("dtype ") + dtypeName(t.dtype) + " is not supported (BF16, F16 and F32 are)",
                         t.name);
    }
}

// A tensor of a float dtype (F32, BF16, F16: checked by the caller) widened to fp32, in order.
std::vector<float> widened(const TensorInfo& t) {
    std::vector<float> out(static_cast<std::size_t>(t.numElements()));
    cpu::rowToFloat(cpu::MatrixView{t.data, weightType(t).value(), 1, t.numElements()}, 0, out.data());
    return out;
}

std::uint32_t wordAt(const TensorInfo& t, std::int64_t i) {
    std::uint32_t w;
    std::memcpy(&w, t.data + 4 * i, 4);
    return w;
}

// AWQ's packing (spec §7.1): logical column j (0..7) of a word lives in nibble kAwqNibble[j].
constexpr int kAwqNibble[8] = {0, 4, 1, 5, 2, 6, 3, 7};

// Runs fn(begin, end) over [0, n) split across the hardware threads (load-time repacking).
template <typename Fn>
void parallelChunks(std::int64_t n, const Fn& fn) {
    const std::int64_t threads = std::clamp<std::int64_t>(std::thread::hardware_concurrency(), 1, std::max<std::int64_t>(n, 1));
    std::vector<std::thread> workers;
    for (std::int64_t t = 1; t < threads; ++t) workers.emplace_back(fn, n * t / threads, n * (t + 1) / threads);
    fn(0, n / threads);
    for (auto& w : workers) w.join();
}

}  // namespace

std::vector<ExpectedTensor> expectedTensors(const ModelConfig& c) {
    const std::int64_t h = c.hiddenSize, q = c.qWidth(), kv = c.kvWidth(), d = c.headDim, inter = c.intermediateSize;
    std::vector<ExpectedTensor> out;
    out.push_back({"model.embed_tokens.weight", {c.vocabSize, h}});
    for (std::int64_t layer = 0; layer < c.numHiddenLayers; ++layer) {
        const std::string p = "model.layers." + std::to_string(layer) + ".";
        out.push_back({p + "input_layernorm.weight", {h}});
        out.push_back({p + "self_attn.q_proj.weight", {q, h}});
        out.push_back({p + "self_attn.k_proj.weight", {kv, h}});
        out.push_back({p + "self_attn.v_proj.weight", {kv, h}});
        out.push_back({p + "self_attn.q_norm.weight", {d}});
        out.push_back({p + "self_attn.k_norm.weight", {d}});
        out.push_back({p + "self_attn.o_proj.weight", {h, q}});
        out.push_back({p + "post_attention_layernorm.weight", {h}});
        out.push_back({p + "mlp.gate_proj.weight", {inter, h}});
        out.push_back({p + "mlp.up_proj.weight", {inter, h}});
        out.push_back({p + "mlp.down_proj.weight", {h, inter}});
    }
    out.push_back({"model.norm.weight", {h}});
    if (!c.tieWordEmbeddings) out.push_back({"lm_head.weight", {c.vocabSize, h}});
    return out;
}

Result<std::unique_ptr<QuantizedLinear>> loadQuantizedLinear(const SafetensorsCheckpoint& ckpt, const ModelConfig& config,
                                                              const ExpectedTensor& e, const std::string& folder) {
    const Quantization& quant = *config.quantization;
    auto q = std::make_unique<QuantizedLinear>();
    // A tensor that stands for part of the layer: its name, dtype and shape checked.
    auto part = [&](const std::string& suffix, std::initializer_list<DType> dtypes,
                    std::vector<std::int64_t> shape) -> Result<const TensorInfo*> {
        const std::string name = e.name.substr(0, e.name.size() - std::string("weight").size()) + suffix;
        const TensorInfo* t = ckpt.find(name);
        if (!t) {
            return makeError(ErrorCode::NotFound,
                             "tensor is missing from the checkpoint in " + folder + " (config.json says " + quant.summary() + ")",
                             name);
        }
        if (std::find(dtypes.begin(), dtypes.end(), t->dtype) == dtypes.end()) {
            std::string allowed;
            for (DType d : dtypes) allowed += (allowed.empty() ? "" : " or ") + std::string(dtypeName(d));
            return makeError(ErrorCode::Unsupported, std::string("dtype ") + dtypeName(t->dtype) + ", expected " + allowed, name);
        }
        if (t->shape != shape) {
            return makeError(ErrorCode::InvalidArgument,
                             "shape " + shapeText(t->shape) + ", expected " + shapeText(shape) + " from config.json", name);
        }
        q->parts.push_back(t);
        return t;
    };
    const std::int64_t n = e.shape[0], k = e.shape[1];
    if (quant.method == Quantization::Method::Fp8) {
        // weight [N, K] e4m3 in place, weight_scale_inv [ceil(N/br), ceil(K/bc)] (multiplied,
        // despite its name).
        const std::int64_t br = quant.blockRows, bc = quant.groupSize;
        QE_ASSIGN_OR_RETURN(const TensorInfo* weight, part("weight", {DType::F8_E4M3}, {n, k}));
        QE_ASSIGN_OR_RETURN(const TensorInfo* scale,
                            part("weight_scale_inv", {DType::F32, DType::BF16, DType::F16}, {(n + br - 1) / br, (k + bc - 1) / bc}));
        q->scales = widened(*scale);
        q->view = cpu::MatrixView{weight->data, cpu::WeightType::F8E4M3, n, k, q->scales.data(), nullptr, bc, br};
        return q;
    }
    // AWQ: qweight [K, N/8] and qzeros [K/G, N/8] int32 words of eight 4-bit values, scales
    // [K/G, N]; repacked to cpu::WeightType::Q4's rows.
    const std::int64_t g = quant.groupSize, groups = k / g, words = n / 8;
    QE_ASSIGN_OR_RETURN(const TensorInfo* qweight, part("qweight", {DType::I32, DType::U32}, {k, words}));
    QE_ASSIGN_OR_RETURN(const TensorInfo* qzeros, part("qzeros", {DType::I32, DType::U32}, {groups, words}));
    QE_ASSIGN_OR_RETURN(const TensorInfo* scales, part("scales", {DType::F16, DType::BF16, DType::F32}, {groups, n}));
    try {
        q->data.assign(static_cast<std::size_t>(n * k / 2), 0);
        q->scales.resize(static_cast<std::size_t>(n * groups));
        q->zeros.resize(static_cast<std::size_t>(n * groups));
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory,
                         "not enough memory to unpack the 4-bit weights (" + std::to_string(n * k / 2 / 1048576) + " MiB)", e.name);
    }
    const std::vector<float> groupScales = widened(*scales);  // [K/G, N]
    const std::int64_t half = g / 2;
    // Each thread takes whole words (8 output rows), so no two write the same bytes.
    parallelChunks(words, [&](std::int64_t wordBegin, std::int64_t wordEnd) {
        for (std::int64_t gi = 0; gi < groups; ++gi) {
            for (std::int64_t c = wordBegin; c < wordEnd; ++c) {
                const std::uint32_t zw = wordAt(*qzeros, gi * words + c);
                for (int j = 0; j < 8; ++j) {
                    const std::int64_t row = 8 * c + j;
                    q->zeros[std::size_t(row * groups + gi)] = std::uint8_t((zw >> (4 * kAwqNibble[j])) & 15);
                    q->scales[std::size_t(row * groups + gi)] = groupScales[std::size_t(gi * n + row)];
                }
            }
        }
        for (std::int64_t i = 0; i < k; ++i) {
            const std::int64_t byte = (i / g) * half + (i % g) % half;
            const int shift = (i % g) < half ? 0 : 4;
            for (std::int64_t c = wordBegin; c < wordEnd; ++c) {
                const std::uint32_t w = wordAt(*qweight, i * words + c);
                for (int j = 0; j < 8; ++j) {
                    const auto nibble = std::uint8_t((w >> (4 * kAwqNibble[j])) & 15);
                    q->data[std::size_t((8 * c + j) * (k / 2) + byte)] |= std::uint8_t(nibble << shift);
                }
            }
        }
    });
    q->view = cpu::MatrixView{q->data.data(), cpu::WeightType::Q4, n, k, q->scales.data(), q->zeros.data(), g, 0};
    return q;
}

Result<std::unique_ptr<Weights>> Weights::load(const std::string& folder, const ModelConfig& config,
                                               std::stop_token stop, const LoadProgressFn& progress, WeightMemory memory) {
    auto weights = std::unique_ptr<Weights>(new Weights());
    weights->m_config = config;
    // AWQ's layers are repacked into memory of their own: reading the files into memory as well
    // would hold them twice (19 + 16 GB for 32B). Mapped, they are read once and left to the page cache.
    if (config.quantization && config.quantization->method == Quantization::Method::Awq) memory = WeightMemory::Mapped;
    CheckpointLoadOptions open{.memory = memory, .stop = stop, .progress = progress};
    QE_ASSIGN_OR_RETURN(auto checkpoint, SafetensorsCheckpoint::open(folder, open));
    weights->m_checkpoint = std::make_unique<SafetensorsCheckpoint>(std::move(checkpoint));
    const SafetensorsCheckpoint& ckpt = *weights->m_checkpoint;

    const std::uint64_t total = ckpt.totalBytes();
    std::uint64_t done = 0;
    auto find = [&](const ExpectedTensor& e) -> Result<const TensorInfo*> {
        const TensorInfo* t = ckpt.find(e.name);
        if (!t) return makeError(ErrorCode::NotFound, "tensor is missing from the checkpoint in " + folder, e.name);
        if (t->shape != e.shape) {
            return makeError(ErrorCode::InvalidArgument,
                             "shape " + shapeText(t->shape) + ", expected " + shapeText(e.shape) + " from config.json",
                             e.name);
        }
        QE_TRY(weightType(*t));
        done += t->byteSize();
        if (progress && !ckpt.resident()) progress(done, total);
        return t;
    };
    auto matrix = [&](const ExpectedTensor& e) -> Result<cpu::MatrixView> {
        QE_ASSIGN_OR_RETURN(const TensorInfo* t, find(e));
        return cpu::MatrixView{t->data, weightType(*t).value(), e.shape[0], e.shape[1]};
    };
    std::set<std::string> expectedNames;
    // A linear layer: quantized in a quantized checkpoint, else as stored.
    auto linear = [&](const ExpectedTensor& e) -> Result<cpu::MatrixView> {
        if (!config.quantization) return matrix(e);
        expectedNames.erase(e.name);
        QE_ASSIGN_OR_RETURN(auto q, loadQuantizedLinear(ckpt, config, e, folder));
        for (const TensorInfo* t : q->parts) {
            expectedNames.insert(t->name);
            done += t->byteSize();
            if (config.quantization->method == Quantization::Method::Awq) weights->m_repackedFileBytes += t->byteSize();
        }
        if (progress && !ckpt.resident()) progress(done, total);
        const cpu::MatrixView view = q->view;
        weights->m_quantized.push_back(std::move(q));
        return view;
    };

    auto vector = [&](const ExpectedTensor& e) -> Result<std::vector<float>> {
        QE_ASSIGN_OR_RETURN(const TensorInfo* t, find(e));
        std::vector<float> v(static_cast<std::size_t>(e.shape[0]));
        cpu::MatrixView view{t->data, weightType(*t).value(), 1, e.shape[0]};
        cpu::rowToFloat(view, 0, v.data());
        return v;
    };

    const auto expected = expectedTensors(config);
    for (const auto& e : expected) expectedNames.insert(e.name);
    std::size_t next = 0;
    QE_ASSIGN_OR_RETURN(weights->m_embed, matrix(expected[next++]));
    weights->m_layers.resize(static_cast<std::size_t>(config.numHiddenLayers));
    for (auto& layer : weights->m_layers) {
        if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "loading cancelled");
        QE_ASSIGN_OR_RETURN(layer.inputLayernorm, vector(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.qProj, linear(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.kProj, linear(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.vProj, linear(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.qNorm, vector(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.kNorm, vector(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.oProj, linear(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.postAttentionLayernorm, vector(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.gateProj, linear(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.upProj, linear(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.downProj, linear(expected[next++]));
    }
    QE_ASSIGN_OR_RETURN(weights->m_finalNorm, vector(expected[next++]));
    if (config.tieWordEmbeddings) {
        // Some re-uploads of tied models still carry lm_head.weight; HF tying uses embed_tokens.
        if (ckpt.find("lm_head.weight")) {
            log()->warn("{}: tie_word_embeddings is true; ignoring lm_head.weight and using model.embed_tokens.weight",
                        folder);
            expectedNames.insert("lm_head.weight");
        }
        weights->m_lmHead = weights->m_embed;
    } else {
        QE_ASSIGN_OR_RETURN(weights->m_lmHead, matrix(expected[next++]));
    }
    for (const auto& t : ckpt.tensors()) {
        if (!expectedNames.count(t.name)) log()->warn("{}: unused tensor {} in {}", folder, t.name, t.file);
    }
    return weights;
}

std::uint64_t Weights::repackedBytes() const {
    std::uint64_t bytes = 0;
    for (const auto& q : m_quantized)
        if (q->view.type == cpu::WeightType::Q4) bytes += q->data.size() + q->scales.size() * sizeof(float) + q->zeros.size();
    return bytes;
}

std::string Weights::dtypeSummary() const {
    std::set<std::string> names;
    for (const auto& t : m_checkpoint->tensors()) names.insert(dtypeName(t.dtype));
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : "+") + n;
    return out;
}

}  // namespace qe
