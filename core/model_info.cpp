#include "core/model_info.h"

namespace qe {

ModelSizes computeModelSizes(const ModelConfig& c) {
    ModelSizes s;
    const std::int64_t h = c.hiddenSize, q = c.qWidth(), kv = c.kvWidth(), d = c.headDim, inter = c.intermediateSize;
    const std::int64_t layers = c.numHiddenLayers;
    auto add = [&](std::string name, std::vector<std::int64_t> shape, std::int64_t count) {
        std::int64_t n = 1;
        for (auto v : shape) n *= v;
        s.modules.push_back({std::move(name), std::move(shape), n, count});
        return n;
    };
    s.embedding = add("embed_tokens", {c.vocabSize, h}, 1);
    s.perLayer += add("layer.input_layernorm", {h}, layers);
    s.perLayer += add("layer.self_attn.q_proj", {q, h}, layers);
    s.perLayer += add("layer.self_attn.k_proj", {kv, h}, layers);
    s.perLayer += add("layer.self_attn.v_proj", {kv, h}, layers);
    s.perLayer += add("layer.self_attn.q_norm", {d}, layers);
    s.perLayer += add("layer.self_attn.k_norm", {d}, layers);
    s.perLayer += add("layer.self_attn.o_proj", {h, q}, layers);
    s.perLayer += add("layer.post_attention_layernorm", {h}, layers);
    s.perLayer += add("layer.mlp.gate_proj", {inter, h}, layers);
    s.perLayer += add("layer.mlp.up_proj", {inter, h}, layers);
    s.perLayer += add("layer.mlp.down_proj", {h, inter}, layers);
    s.finalNorm = add("norm", {h}, 1);
    s.lmHead = c.tieWordEmbeddings ? 0 : add("lm_head", {c.vocabSize, h}, 1);
    s.nonEmbedding = layers * s.perLayer + s.finalNorm;
    s.total = s.embedding + s.lmHead + s.nonEmbedding;
    s.bf16Bytes = 2 * s.total;
    s.kvBytesPerTokenBf16 = 2 * layers * kv * 2;
    s.kvBytesPerTokenF32 = 2 * layers * kv * 4;
    return s;
}

}  // namespace qe
