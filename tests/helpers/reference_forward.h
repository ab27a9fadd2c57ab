// An independent double-precision Qwen3 forward pass for tests, written straight from
// shared/spec/qwen3.md §1–§2 (not from the engine): logits at every position, plus every
// attention probability and the residual stream after each layer.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "core/cpu/cpu_kernels.h"
#include "core/model_config.h"
#include "core/safetensors.h"

namespace qe::test {

struct Reference {
    const SafetensorsCheckpoint& ckpt;
    ModelConfig c;
    // Filled by logits(): attention[layer][head][pos] = probabilities over keys 0..pos.
    mutable std::vector<std::vector<std::vector<std::vector<double>>>> attention;
    // Filled by logits(): hidden[layer][pos] = residual stream after `layer`.
    mutable std::vector<std::vector<std::vector<double>>> hiddenAfter;
    // Round the cached keys and values to bf16 (through fp32, to nearest even), as a bf16 KV cache
    // stores them; everything else stays in double.
    bool bf16Cache = false;

    std::vector<double> tensor(const std::string& name) const {
        const TensorInfo* t = ckpt.find(name);
        std::vector<double> out(static_cast<size_t>(t->numElements()));
        for (size_t i = 0; i < out.size(); ++i) {
            std::uint16_t h;
            float f;
            switch (t->dtype) {
            case DType::BF16: std::memcpy(&h, t->data + 2 * i, 2); out[i] = cpu::bf16ToFloat(h); break;
            case DType::F16: std::memcpy(&h, t->data + 2 * i, 2); out[i] = cpu::f16ToFloat(h); break;
            default: std::memcpy(&f, t->data + 4 * i, 4); out[i] = f; break;
            }
        }
        return out;
    }
    // A linear layer's weight [out, in]. In a quantized checkpoint it is dequantized here from the
    // stored tensors, straight from spec §7: AWQ's W[i][n] = (q - z) * scales[g][n], q and z the
    // nibbles REV[n % 8] of qweight[i][n / 8] and qzeros[g][n / 8], g = i / group size (the layout is
    // [in, out]); FP8's W[o][i] = e4m3(weight[o][i]) * weight_scale_inv[o / br][i / bc].
    std::vector<double> linearWeight(const std::string& name, size_t out, size_t in) const {
        if (!c.quantization) return tensor(name);
        const std::string base = name.substr(0, name.size() - std::string("weight").size());
        std::vector<double> w(out * in);
        const auto& q = *c.quantization;
        if (q.method == Quantization::Method::Awq) {
            static constexpr int kRev[8] = {0, 4, 1, 5, 2, 6, 3, 7};
            const TensorInfo* qweight = ckpt.find(base + "qweight");
            const TensorInfo* qzeros = ckpt.find(base + "qzeros");
            const auto scales = tensor(base + "scales");
            auto word = [](const TensorInfo* t, size_t index) {
                std::uint32_t v;
                std::memcpy(&v, t->data + 4 * index, 4);
                return v;
            };
            for (size_t i = 0; i < in; ++i)
                for (size_t n = 0; n < out; ++n) {
                    const size_t g = i / size_t(q.groupSize);
                    const std::uint32_t qv = (word(qweight, i * (out / 8) + n / 8) >> (4 * kRev[n % 8])) & 0xF;
                    const std::uint32_t zv = (word(qzeros, g * (out / 8) + n / 8) >> (4 * kRev[n % 8])) & 0xF;
                    w[n * in + i] = (double(qv) - double(zv)) * scales[g * out + n];
                }
            return w;
        }
        const TensorInfo* weight = ckpt.find(base + "weight");
        const auto scale = tensor(base + "weight_scale_inv");
        const size_t br = size_t(q.blockRows), bc = size_t(q.groupSize), blockCols = (in + bc - 1) / bc;
        for (size_t o = 0; o < out; ++o)
            for (size_t i = 0; i < in; ++i) {
                const std::uint8_t b = weight->data[o * in + i];
                const int e = (b >> 3) & 15, m = b & 7;
                double v = e == 0 ? m * std::ldexp(1.0, -9) : (1.0 + m / 8.0) * std::ldexp(1.0, e - 7);
                if (e == 15 && m == 7) v = std::nan("");
                w[o * in + i] = ((b & 0x80) ? -v : v) * scale[(o / br) * blockCols + i / bc];
            }
        return w;
    }
    static std::vector<double> linear(const std::vector<double>& w, const std::vector<double>& x, size_t out, size_t in) {
        std::vector<double> y(out, 0.0);
        for (size_t o = 0; o < out; ++o)
            for (size_t i = 0; i < in; ++i) y[o] += w[o * in + i] * x[i];
        return y;
    }
    void rms(std::vector<double>& x, size_t offset, size_t n, const std::vector<double>& w) const {
        double ss = 0;
        for (size_t i = 0; i < n; ++i) ss += x[offset + i] * x[offset + i];
        const double s = 1.0 / std::sqrt(ss / n + c.rmsNormEps);
        for (size_t i = 0; i < n; ++i) x[offset + i] = x[offset + i] * s * w[i];
    }
    // inv_freq and attention factor per spec §2.1/§2.2, in double.
    std::pair<std::vector<double>, double> rope() const {
        const size_t d = size_t(c.headDim);
        std::vector<double> inv(d / 2);
        double scale = 1.0;
        for (size_t i = 0; i < d / 2; ++i) inv[i] = std::pow(c.ropeTheta, -2.0 * double(i) / double(d));
        if (c.usesYarn()) {
            const auto& rs = *c.ropeScaling;
            auto corr = [&](double r) {
                return double(d) * std::log(double(rs.originalMaxPositionEmbeddings) / (r * 2 * std::numbers::pi)) / (2 * std::log(c.ropeTheta));
            };
            double low = std::max(std::floor(corr(32)), 0.0), high = std::min(std::ceil(corr(1)), double(d) - 1);
            if (low == high) high += 0.001;
            for (size_t i = 0; i < d / 2; ++i) {
                const double ramp = std::clamp((double(i) - low) / (high - low), 0.0, 1.0);
                inv[i] = inv[i] / rs.factor * ramp + inv[i] * (1.0 - ramp);
            }
            scale = 0.1 * std::log(rs.factor) + 1.0;
        }
        return {inv, scale};
    }

    std::vector<std::vector<double>> logits(const std::vector<int>& tokens) const {
        const size_t H = size_t(c.hiddenSize), T = tokens.size(), d = size_t(c.headDim), Nq = size_t(c.numAttentionHeads),
                     Nkv = size_t(c.numKeyValueHeads), I = size_t(c.intermediateSize), V = size_t(c.vocabSize);
        auto embed = tensor("model.embed_tokens.weight");
        std::vector<std::vector<double>> h(T, std::vector<double>(H));
        for (size_t t = 0; t < T; ++t)
            for (size_t i = 0; i < H; ++i) h[t][i] = embed[size_t(tokens[t]) * H + i];
        auto [inv, scale] = rope();
        attention.assign(size_t(c.numHiddenLayers), std::vector<std::vector<std::vector<double>>>(Nq, std::vector<std::vector<double>>(T)));
        hiddenAfter.assign(size_t(c.numHiddenLayers), {});
        auto rotate = [&](std::vector<double>& v, size_t off, size_t pos) {
            for (size_t j = 0; j < d / 2; ++j) {
                const double a = v[off + j], b = v[off + j + d / 2], th = double(pos) * inv[j];
                v[off + j] = (a * std::cos(th) - b * std::sin(th)) * 1.0;
                v[off + j + d / 2] = (b * std::cos(th) + a * std::sin(th)) * 1.0;
                v[off + j] *= scale;
                v[off + j + d / 2] *= scale;
            }
        };
        for (int layer = 0; layer < c.numHiddenLayers; ++layer) {
            const std::string p = "model.layers." + std::to_string(layer) + ".";
            auto ln1 = tensor(p + "input_layernorm.weight"), wq = linearWeight(p + "self_attn.q_proj.weight", Nq * d, H),
                 wk = linearWeight(p + "self_attn.k_proj.weight", Nkv * d, H), wv = linearWeight(p + "self_attn.v_proj.weight", Nkv * d, H),
                 qn = tensor(p + "self_attn.q_norm.weight"), kn = tensor(p + "self_attn.k_norm.weight"),
                 wo = linearWeight(p + "self_attn.o_proj.weight", H, Nq * d), ln2 = tensor(p + "post_attention_layernorm.weight"),
                 wg = linearWeight(p + "mlp.gate_proj.weight", I, H), wu = linearWeight(p + "mlp.up_proj.weight", I, H),
                 wd = linearWeight(p + "mlp.down_proj.weight", H, I);
            std::vector<std::vector<double>> q(T), k(T), v(T);
            for (size_t t = 0; t < T; ++t) {
                auto x = h[t];
                rms(x, 0, H, ln1);
                q[t] = linear(wq, x, Nq * d, H);
                k[t] = linear(wk, x, Nkv * d, H);
                v[t] = linear(wv, x, Nkv * d, H);
                for (size_t hd = 0; hd < Nq; ++hd) { rms(q[t], hd * d, d, qn); rotate(q[t], hd * d, t); }
                for (size_t hd = 0; hd < Nkv; ++hd) { rms(k[t], hd * d, d, kn); rotate(k[t], hd * d, t); }
                if (bf16Cache)
                    for (auto* row : {&k[t], &v[t]})
                        for (double& e : *row) e = cpu::bf16ToFloat(cpu::floatToBf16(static_cast<float>(e)));
            }
            for (size_t t = 0; t < T; ++t) {
                std::vector<double> att(Nq * d, 0.0);
                for (size_t hd = 0; hd < Nq; ++hd) {
                    const size_t kvh = hd / (Nq / Nkv);
                    std::vector<double> s(t + 1);
                    double mx = -1e300, sum = 0;
                    for (size_t j = 0; j <= t; ++j) {
                        double dot = 0;
                        for (size_t e = 0; e < d; ++e) dot += q[t][hd * d + e] * k[j][kvh * d + e];
                        s[j] = dot / std::sqrt(double(d));
                        mx = std::max(mx, s[j]);
                    }
                    for (auto& x : s) sum += (x = std::exp(x - mx));
                    attention[size_t(layer)][hd][t] = s;
                    for (auto& x : attention[size_t(layer)][hd][t]) x /= sum;
                    for (size_t j = 0; j <= t; ++j)
                        for (size_t e = 0; e < d; ++e) att[hd * d + e] += s[j] / sum * v[j][kvh * d + e];
                }
                auto o = linear(wo, att, H, Nq * d);
                for (size_t i = 0; i < H; ++i) h[t][i] += o[i];
                auto x = h[t];
                rms(x, 0, H, ln2);
                auto g = linear(wg, x, I, H), u = linear(wu, x, I, H);
                for (size_t i = 0; i < I; ++i) g[i] = g[i] / (1 + std::exp(-g[i])) * u[i];
                auto m = linear(wd, g, H, I);
                for (size_t i = 0; i < H; ++i) h[t][i] += m[i];
            }
            hiddenAfter[size_t(layer)] = h;
        }
        auto fn = tensor("model.norm.weight");
        auto head = tensor(c.tieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight");
        std::vector<std::vector<double>> out(T);
        for (size_t t = 0; t < T; ++t) {
            rms(h[t], 0, H, fn);
            out[t] = linear(head, h[t], V, H);
        }
        return out;
    }
};

}  // namespace qe::test
