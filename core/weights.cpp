#include "core/weights.h"

#include <set>

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

Result<std::unique_ptr<Weights>> Weights::load(const std::string& folder, const ModelConfig& config,
                                               std::stop_token stop, const LoadProgressFn& progress, WeightMemory memory) {
    auto weights = std::unique_ptr<Weights>(new Weights());
    weights->m_config = config;
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
    auto vector = [&](const ExpectedTensor& e) -> Result<std::vector<float>> {
        QE_ASSIGN_OR_RETURN(const TensorInfo* t, find(e));
        std::vector<float> v(static_cast<std::size_t>(e.shape[0]));
        cpu::MatrixView view{t->data, weightType(*t).value(), 1, e.shape[0]};
        cpu::rowToFloat(view, 0, v.data());
        return v;
    };

    const auto expected = expectedTensors(config);
    std::set<std::string> expectedNames;
    for (const auto& e : expected) expectedNames.insert(e.name);
    std::size_t next = 0;
    QE_ASSIGN_OR_RETURN(weights->m_embed, matrix(expected[next++]));
    weights->m_layers.resize(static_cast<std::size_t>(config.numHiddenLayers));
    for (auto& layer : weights->m_layers) {
        if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "loading cancelled");
        QE_ASSIGN_OR_RETURN(layer.inputLayernorm, vector(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.qProj, matrix(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.kProj, matrix(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.vProj, matrix(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.qNorm, vector(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.kNorm, vector(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.oProj, matrix(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.postAttentionLayernorm, vector(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.gateProj, matrix(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.upProj, matrix(expected[next++]));
        QE_ASSIGN_OR_RETURN(layer.downProj, matrix(expected[next++]));
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

std::string Weights::dtypeSummary() const {
    std::set<std::string> names;
    for (const auto& t : m_checkpoint->tensors()) names.insert(dtypeName(t.dtype));
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : "+") + n;
    return out;
}

}  // namespace qe
