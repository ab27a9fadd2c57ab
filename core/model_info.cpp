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
    const std::int64_t linear = linearStoredBytes(c, q, h) + 2 * linearStoredBytes(c, kv, h) + linearStoredBytes(c, h, q) +
                                2 * linearStoredBytes(c, inter, h) + linearStoredBytes(c, h, inter);
    const std::int64_t plain = plainBytesPerParameter(c);
    s.storedBytes = plain * (s.embedding + s.lmHead + s.finalNorm + layers * (2 * h + 2 * d)) + layers * linear;
    return s;
}

std::int64_t plainBytesPerParameter(const ModelConfig& c) { return c.torchDtype == "float32" ? 4 : 2; }

std::int64_t linearStoredBytes(const ModelConfig& c, std::int64_t out, std::int64_t in) {
    if (!c.quantization) return out * in * plainBytesPerParameter(c);
    const Quantization& q = *c.quantization;
    if (q.method == Quantization::Method::Awq)  // int32 words of 8 nibbles; a zero nibble and an fp16 scale per group
        return out * in / 2 + (in / q.groupSize) * (out / 8) * 4 + (in / q.groupSize) * out * 2;
    return out * in + ((out + q.blockRows - 1) / q.blockRows) * ((in + q.groupSize - 1) / q.groupSize) * 4;
}

}  // namespace qe
