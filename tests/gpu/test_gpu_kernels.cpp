// Every CUDA kernel of the forward pass against a CPU twin written here in double precision, on
// random inputs, odd sizes included. Prints a table row per kernel and shape (max abs and max
// relative error per output dtype); scripts/gpu-check.sh copies it into the docs/perf log.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <optional>
#include <random>

#include "core/model_config.h"
#include "core/sampler.h"
#include "core/session.h"
#include "kernels/device_kernels.h"
#include "kernels/plan.h"
#include "kernels/sampling.h"
#include "tests/gpu/gpu_test.h"

using namespace qe;
using namespace qe::cuda;
using namespace qe::gputest;

namespace {

void cudaCheck(cudaError_t e, const char* what) {
    GPU_CHECK(e == cudaSuccess, std::string(what) + ": " + cudaGetErrorString(e));
}

template <class T>
struct Dev {
    T* p = nullptr;
    std::size_t n = 0;
    explicit Dev(std::size_t count) : n(count) { cudaCheck(cudaMalloc(&p, std::max<std::size_t>(count, 1) * sizeof(T)), "cudaMalloc"); }
    explicit Dev(const std::vector<T>& host) : Dev(host.size()) { put(host); }
    ~Dev() { cudaFree(p); }
    void put(const std::vector<T>& host) { cudaCheck(cudaMemcpy(p, host.data(), n * sizeof(T), cudaMemcpyHostToDevice), "upload"); }
    std::vector<T> get() const {
        std::vector<T> host(n);
        cudaCheck(cudaDeviceSynchronize(), "kernel");
        cudaCheck(cudaMemcpy(host.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost), "download");
        return host;
    }
};

std::mt19937 rng(1234);
std::vector<float> randomFloats(std::size_t n, float scale = 1.0f, float offset = 0.0f) {
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v) x = normal(rng) + offset;
    return v;
}
std::vector<bf16> toBf16(const std::vector<float>& v) {
    std::vector<bf16> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = __float2bfloat16(v[i]);
    return out;
}
std::vector<float> toFloat(const std::vector<bf16>& v) {
    std::vector<float> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = __bfloat162float(v[i]);
    return out;
}
std::string dims(std::initializer_list<long long> d) {
    std::string s;
    for (long long x : d) s += (s.empty() ? "" : "×") + std::to_string(x);
    return s;
}
constexpr double kBf16Bound = 1.0 / 128;  // two bf16 roundings (8 mantissa bits) of the largest value
constexpr double kF32Bound = 1e-5;
constexpr double kFlashBound = 2.0 / 128;  // bf16 probabilities, bf16 out
// The tensor-core kernels' entropy and sink come from fp32 scores of (bf16 q + bf16 remainder)
// times bf16 keys: errors ~1e-5 of the largest value (a key missed in one row of 80: 6e-3).
constexpr double kFlashDiagBound = 1e-3;

void embed() {
    const int vocab = 1001, width = 333, tokens = 7;
    const auto table = toBf16(randomFloats(std::size_t(vocab) * width));
    std::vector<int> ids = {0, 1000, 17, 17, 500, 3, 999};
    Dev<bf16> dTable(table);
    Dev<int> dIds(ids);
    Dev<float> dOut(std::size_t(tokens) * width);
    cudaCheck(launchEmbed(dTable.p, dIds.p, dOut.p, tokens, width, nullptr), "launch");
    const auto out = dOut.get();
    std::vector<double> want(out.size());
    for (int t = 0; t < tokens; ++t)
        for (int i = 0; i < width; ++i) want[t * width + i] = __bfloat162float(table[std::size_t(ids[t]) * width + i]);
    report("embed", dims({tokens, width}), "f32", compare(out, want, out.size()), 0.0);
}

void residualNorm(int rows, int width, bool withDelta) {
    auto h = randomFloats(std::size_t(rows) * width, 2.0f, 0.5f);
    const auto delta = randomFloats(h.size());
    const auto weight = randomFloats(width, 0.3f, 1.0f);
    const float eps = 1e-6f;
    const int layers = 3, layer = 1, startPos = 5, capacity = startPos + rows - 1;  // the last row is past the budget
    Dev<float> dH(h), dDelta(delta), dW(weight), dRms(std::size_t(rows) * layers);
    Dev<float> dKeep(std::size_t(capacity) * (layers + 1) * width);
    Dev<bf16> dOut(h.size());
    HiddenKeep keep{dKeep.p, capacity, startPos, layer, layers};
    cudaCheck(launchResidualNorm(dH.p, withDelta ? dDelta.p : nullptr, dW.p, dOut.p, rows, width, eps, keep, dRms.p + layer,
                                 layers, nullptr),
              "launch");
    const auto out = toFloat(dOut.get());
    const auto hOut = dH.get(), rms = dRms.get(), kept = dKeep.get();
    std::vector<double> wantH(h.size()), wantOut(h.size()), wantRms(rows), gotRms(rows), wantKeep, gotKeep;
    for (int r = 0; r < rows; ++r) {
        double ss = 0;
        for (int i = 0; i < width; ++i) {
            const double v = double(h[r * width + i]) + (withDelta ? double(delta[r * width + i]) : 0.0);
            wantH[r * width + i] = v;
            ss += v * v;
        }
        const double scale = 1.0 / std::sqrt(ss / width + eps);
        for (int i = 0; i < width; ++i) wantOut[r * width + i] = wantH[r * width + i] * scale * weight[i];
        wantRms[r] = std::sqrt(ss / width);
        gotRms[r] = rms[std::size_t(r) * layers + layer];
        if (startPos + r < capacity)
            for (int i = 0; i < width; ++i) {
                wantKeep.push_back(wantH[r * width + i]);
                gotKeep.push_back(kept[(std::size_t(startPos + r) * (layers + 1) + layer) * width + i]);
            }
    }
    const std::string shape = dims({rows, width}) + (withDelta ? " +residual" : "");
    report("residual_norm h", shape, "f32", compare(hOut, wantH, h.size()), kF32Bound);
    report("residual_norm out", shape, "bf16", compare(out, wantOut, out.size()), kBf16Bound);
    report("residual_norm rms", shape, "f32", compare(gotRms, wantRms, rows), kF32Bound);
    report("residual_norm keep", shape, "f32", compare(gotKeep, wantKeep, wantKeep.size()), kF32Bound);
}

// Shared by the RoPE tests: the table the CPU engine uses (spec §1.5).
RopeTables ropeOf(int headDim, bool yarn) {
    ModelConfig c = *presetConfig("0.6b");
    c.headDim = headDim;
    if (yarn) {
        c.ropeScaling = RopeScaling{};
        c.ropeScaling->ropeType = "yarn";
        c.ropeScaling->factor = 4.0;
        c.ropeScaling->originalMaxPositionEmbeddings = 32768;
    }
    return computeRope(c);
}

void ropeTable(int tokens, int headDim, long long startPos, bool yarn) {
    const RopeTables rope = ropeOf(headDim, yarn);
    const int half = headDim / 2;
    Dev<float> dInv(rope.invFreq), dCos(std::size_t(tokens) * half), dSin(std::size_t(tokens) * half);
    cudaCheck(launchRopeTable(dInv.p, rope.attentionScaling, startPos, tokens, half, dCos.p, dSin.p, nullptr), "launch");
    const auto cosT = dCos.get(), sinT = dSin.get();
    std::vector<double> wantCos(cosT.size()), wantSin(sinT.size());
    for (int t = 0; t < tokens; ++t)
        for (int j = 0; j < half; ++j) {
            const float angle = float(startPos + t) * rope.invFreq[j];
            wantCos[t * half + j] = float(std::cos(double(angle))) * rope.attentionScaling;
            wantSin[t * half + j] = float(std::sin(double(angle))) * rope.attentionScaling;
        }
    const std::string shape = dims({tokens, half}) + " @" + std::to_string(startPos) + (yarn ? " yarn" : "");
    report("rope_table cos", shape, "f32", compare(cosT, wantCos, cosT.size()), 1e-6);
    report("rope_table sin", shape, "f32", compare(sinT, wantSin, sinT.size()), 1e-6);
}

void qkNormRope(int tokens, int numHeads, int numKv, int headDim, long long startPos) {
    const int all = numHeads + 2 * numKv, half = headDim / 2;
    const auto qkv = randomFloats(std::size_t(tokens) * all * headDim, 1.5f);
    const auto qNorm = randomFloats(headDim, 0.2f, 1.0f), kNorm = randomFloats(headDim, 0.2f, 1.0f);
    const RopeTables rope = ropeOf(headDim, false);
    std::vector<float> cosT(std::size_t(tokens) * half), sinT(cosT.size());
    for (int t = 0; t < tokens; ++t)
        for (int j = 0; j < half; ++j) {
            const float angle = float(startPos + t) * rope.invFreq[j];
            cosT[t * half + j] = float(std::cos(double(angle)));
            sinT[t * half + j] = float(std::sin(double(angle)));
        }
    const std::size_t cacheRows = std::size_t(startPos + tokens);
    Dev<float> dQkv(qkv), dQn(qNorm), dKn(kNorm), dCos(cosT), dSin(sinT);
    Dev<bf16> dK(cacheRows * numKv * headDim), dV(cacheRows * numKv * headDim);
    const float eps = 1e-6f;
    cudaCheck(launchQkNormRope(dQkv.p, dQn.p, dKn.p, dCos.p, dSin.p, dK.p, dV.p, tokens, startPos, numHeads, numKv, headDim,
                               eps, nullptr),
              "launch");
    const auto outQkv = dQkv.get();
    const auto kc = toFloat(dK.get()), vc = toFloat(dV.get());
    std::vector<double> wantQ, gotQ, wantK, gotK, wantV, gotV;
    for (int t = 0; t < tokens; ++t) {
        for (int head = 0; head < numHeads + numKv; ++head) {
            const float* x = &qkv[(std::size_t(t) * all + head) * headDim];
            const bool isQ = head < numHeads;
            double ss = 0;
            for (int i = 0; i < headDim; ++i) ss += double(x[i]) * x[i];
            const double scale = 1.0 / std::sqrt(ss / headDim + eps);
            std::vector<double> n(headDim);
            for (int i = 0; i < headDim; ++i) n[i] = x[i] * scale * (isQ ? qNorm[i] : kNorm[i]);
            for (int j = 0; j < headDim; ++j) {
                const int p = j % half;
                const double c = cosT[t * half + p], s = sinT[t * half + p];
                const double r = j < half ? n[j] * c - n[j + half] * s : n[j] * c + n[j - half] * s;
                if (isQ) {
                    wantQ.push_back(r / std::sqrt(double(headDim)));
                    gotQ.push_back(outQkv[(std::size_t(t) * all + head) * headDim + j]);
                } else {
                    wantK.push_back(r);
                    gotK.push_back(kc[((startPos + t) * numKv + (head - numHeads)) * std::size_t(headDim) + j]);
                }
            }
        }
        for (int kv = 0; kv < numKv; ++kv)
            for (int i = 0; i < headDim; ++i) {
                wantV.push_back(qkv[(std::size_t(t) * all + numHeads + numKv + kv) * headDim + i]);
                gotV.push_back(vc[((startPos + t) * numKv + kv) * std::size_t(headDim) + i]);
            }
    }
    const std::string shape = dims({tokens, numHeads, numKv, headDim}) + " @" + std::to_string(startPos);
    report("qk_norm_rope q", shape, "f32", compare(gotQ, wantQ, wantQ.size()), kF32Bound);
    report("qk_norm_rope k", shape, "bf16", compare(gotK, wantK, wantK.size()), kBf16Bound);
    report("qk_norm_rope v", shape, "bf16", compare(gotV, wantV, wantV.size()), kBf16Bound);
}

std::string flashName(std::optional<FlashKernel> flash) {
    if (!flash) return "";
    switch (*flash) {
    case FlashKernel::Pipelined: return " mma.sync";
    case FlashKernel::Wmma: return " wmma";
    case FlashKernel::PipelinedBf16Q: return " mma.sync bf16 q";
    }
    return "";
}

// splitKeys > 0: the split-KV decode pair (one token) instead of the one-pass kernel, its first
// pass as `decode` says (tensor cores where they apply, else a warp per head); flash: a
// tensor-core prefill kernel. The tensor-core kernels round P to bf16, so their output has the
// wider bound; their entropy and sink come from fp32 scores (kFlashDiagBound) unless q is
// rounded to bf16 too (the what-if variant).
void attention(int tokens, long long startPos, int numHeads, int numKv, int headDim, int splitKeys = 0,
               std::optional<FlashKernel> flash = {}, DecodeKernel decode = DecodeKernel::TensorCores) {
    const std::size_t context = std::size_t(startPos + tokens);
    const int qStride = (numHeads + 2 * numKv) * headDim + 3;  // odd stride: q is a slice of qkv
    const auto q = randomFloats(std::size_t(tokens) * qStride, 0.4f);
    const auto k = toBf16(randomFloats(context * numKv * headDim, 1.0f));
    const auto v = toBf16(randomFloats(context * numKv * headDim, 1.0f));
    const int layers = 2, layer = 1, diagStride = layers * numHeads;
    Dev<float> dQ(q), dEntropy(std::size_t(tokens) * diagStride), dSink(std::size_t(tokens) * diagStride);
    Dev<bf16> dK(k), dV(v), dOut(std::size_t(tokens) * numHeads * headDim);
    if (splitKeys > 0) {
        GPU_CHECK(tokens == 1, "split-KV decode is for one token");
        const std::size_t splits = std::size_t(decodeSplits(startPos + 1, splitKeys));
        Dev<float> partial(std::size_t(numHeads) * splits * std::size_t(decodePartialFloats(headDim)));
        cudaCheck(launchAttentionSplit(dQ.p, dK.p, dV.p, partial.p, startPos, numHeads, numKv, headDim, splitKeys, nullptr, nullptr,
                                       decode),
                  "launch split");
        cudaCheck(launchAttentionMerge(partial.p, dOut.p, startPos, numHeads, headDim, splitKeys, dEntropy.p + layer * numHeads,
                                       dSink.p + layer * numHeads, nullptr),
                  "launch merge");
        cudaCheck(cudaDeviceSynchronize(), "kernels");
    } else if (flash) {
        cudaCheck(launchFlashAttention(dQ.p, qStride, dK.p, dV.p, dOut.p, tokens, startPos, numHeads, numKv, headDim,
                                       dEntropy.p + layer * numHeads, dSink.p + layer * numHeads, diagStride, nullptr, *flash),
                  "launch flash");
    } else {
        cudaCheck(launchAttention(dQ.p, qStride, dK.p, dV.p, dOut.p, tokens, startPos, numHeads, numKv, headDim,
                                  dEntropy.p + layer * numHeads, dSink.p + layer * numHeads, diagStride, nullptr),
                  "launch");
    }
    const auto out = toFloat(dOut.get());
    const auto entropy = dEntropy.get(), sink = dSink.get();
    std::vector<double> want(out.size()), wantEntropy, gotEntropy, wantSink, gotSink;
    const int group = numHeads / numKv;
    for (int t = 0; t < tokens; ++t)
        for (int head = 0; head < numHeads; ++head) {
            const int kv = head / group;
            const std::size_t keys = std::size_t(startPos + t + 1);
            std::vector<double> s(keys);
            double m = -INFINITY;
            for (std::size_t p = 0; p < keys; ++p) {
                double dot = 0;
                for (int i = 0; i < headDim; ++i)
                    dot += double(q[std::size_t(t) * qStride + head * headDim + i]) *
                           __bfloat162float(k[(p * numKv + kv) * headDim + i]);
                s[p] = dot;
                m = std::max(m, dot);
            }
            double z = 0, w = 0;
            for (double& x : s) z += std::exp(x - m);
            for (double x : s) w += std::exp(x - m) / z * (x - m);
            for (int i = 0; i < headDim; ++i) {
                double acc = 0;
                for (std::size_t p = 0; p < keys; ++p) acc += std::exp(s[p] - m) / z * __bfloat162float(v[(p * numKv + kv) * headDim + i]);
                want[(std::size_t(t) * numHeads + head) * headDim + i] = acc;
            }
            wantEntropy.push_back(std::log(z) - w);
            gotEntropy.push_back(entropy[std::size_t(t) * diagStride + layer * numHeads + head]);
            wantSink.push_back(std::exp(s[0] - m) / z);
            gotSink.push_back(sink[std::size_t(t) * diagStride + layer * numHeads + head]);
        }
    // The tensor-core decode pass rounds P to bf16 like the prefill kernels.
    const bool mmaDecode = splitKeys > 0 && decode == DecodeKernel::TensorCores && decodeMmaApplies(numHeads / numKv, headDim);
    const std::string shape = dims({tokens, numHeads, numKv, headDim}) + " keys≤" + std::to_string(context) +
                              (splitKeys > 0 ? " split " + std::to_string(splitKeys) + (mmaDecode ? " mma.sync" : " warps") : "") +
                              flashName(flash);
    report("attention out", shape, "bf16", compare(out, want, out.size()), flash || mmaDecode ? kFlashBound : kBf16Bound);
    // Without q's remainder the scores carry bf16 error (entropy and sink ~0.4 % off).
    const double diagBound = mmaDecode ? kFlashDiagBound
                             : !flash  ? 1e-4
                             : *flash == FlashKernel::PipelinedBf16Q ? kFlashBound
                                                                     : kFlashDiagBound;
    report("attention entropy", shape, "f32", compare(gotEntropy, wantEntropy, wantEntropy.size()), diagBound);
    report("attention sink", shape, "f32", compare(gotSink, wantSink, wantSink.size()), diagBound);
}

void gemv(int rows, int cols, bool offset) {
    const auto w = toBf16(randomFloats(std::size_t(rows) * cols + 1, 0.05f));
    const auto x = toBf16(randomFloats(std::size_t(cols) + 1, 1.0f));
    Dev<bf16> dW(w), dX(x);
    Dev<float> dY(static_cast<std::size_t>(rows));
    // `offset`: both one element in, so not 16-byte aligned (the scalar path).
    cudaCheck(launchGemv(dW.p + offset, dX.p + offset, dY.p, rows, cols, nullptr), "launch");
    const auto y = dY.get();
    std::vector<double> want(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            want[r] += double(__bfloat162float(w[std::size_t(r) * cols + c + offset])) * __bfloat162float(x[std::size_t(c) + offset]);
    report("gemv", dims({rows, cols}) + (offset ? " unaligned" : ""), "f32", compare(y, want, want.size()), 1e-5);
}

void swiGlu(int tokens, int inter) {
    const auto gateUp = randomFloats(std::size_t(tokens) * 2 * inter, 2.0f);
    const int layers = 4, layer = 2;
    Dev<float> dIn(gateUp), dRms(std::size_t(tokens) * layers);
    Dev<bf16> dAct(std::size_t(tokens) * inter);
    cudaCheck(launchSwiGlu(dIn.p, dAct.p, tokens, inter, dRms.p + layer, layers, nullptr), "launch");
    const auto act = toFloat(dAct.get());
    const auto rms = dRms.get();
    std::vector<double> want(act.size()), wantRms(tokens), gotRms(tokens);
    for (int t = 0; t < tokens; ++t) {
        double ss = 0;
        for (int i = 0; i < inter; ++i) {
            const double g = gateUp[std::size_t(t) * 2 * inter + i], u = gateUp[std::size_t(t) * 2 * inter + inter + i];
            const double a = g / (1 + std::exp(-g)) * u;
            want[std::size_t(t) * inter + i] = a;
            ss += a * a;
        }
        wantRms[t] = std::sqrt(ss / inter);
        gotRms[t] = rms[std::size_t(t) * layers + layer];
    }
    const std::string shape = dims({tokens, inter});
    report("swiglu act", shape, "bf16", compare(act, want, act.size()), kBf16Bound);
    report("swiglu rms", shape, "f32", compare(gotRms, wantRms, tokens), kF32Bound);
}

void attentionRow(long long pos, int numKv, int kvHead, int headDim, bool yarn) {
    const RopeTables rope = ropeOf(headDim, yarn);
    const auto q = randomFloats(headDim, 1.0f);
    const auto qNorm = randomFloats(headDim, 0.2f, 1.0f);
    const auto k = toBf16(randomFloats(std::size_t(pos + 1) * numKv * headDim, 1.0f));
    const float eps = 1e-6f;
    Dev<float> dQ(q), dQn(qNorm), dInv(rope.invFreq), dProbs(std::size_t(pos + 1));
    Dev<bf16> dK(k);
    cudaCheck(launchAttentionRow(dQ.p, dQn.p, dInv.p, rope.attentionScaling, eps, dK.p, numKv, kvHead, headDim, pos, dProbs.p,
                                 nullptr),
              "launch");
    const auto probs = dProbs.get();
    const int half = headDim / 2;
    double ss = 0;
    for (float x : q) ss += double(x) * x;
    std::vector<double> n(headDim), r(headDim);
    for (int i = 0; i < headDim; ++i) n[i] = q[i] / std::sqrt(ss / headDim + eps) * qNorm[i];
    for (int j = 0; j < half; ++j) {
        const float angle = float(pos) * rope.invFreq[j];
        const double c = float(std::cos(double(angle))) * rope.attentionScaling;
        const double s = float(std::sin(double(angle))) * rope.attentionScaling;
        r[j] = n[j] * c - n[j + half] * s;
        r[j + half] = n[j + half] * c + n[j] * s;
    }
    std::vector<double> want(std::size_t(pos + 1));
    double m = -INFINITY, z = 0;
    for (long long p = 0; p <= pos; ++p) {
        double dot = 0;
        for (int i = 0; i < headDim; ++i) dot += r[i] * __bfloat162float(k[(std::size_t(p) * numKv + kvHead) * headDim + i]);
        want[p] = dot / std::sqrt(double(headDim));
        m = std::max(m, want[p]);
    }
    for (double& x : want) z += (x = std::exp(x - m));
    for (double& x : want) x /= z;
    report("attention_row", dims({pos + 1, numKv, headDim}) + (yarn ? " yarn" : ""), "f32", compare(probs, want, want.size()),
           1e-4);
}

// Sampling on the device against core/sampler.cpp given the same draw: the same token whenever
// the device decides, the same alternatives, the row left as it was. `ties`: logits on a coarse
// grid, so equal values straddle every cut.
void sampling(int vocab, int limit, bool ties, int rounds) {
    struct Params {
        const char* name;
        SamplingParams p;
        int alternatives;
    };
    auto make = [](bool greedy, float t, std::int64_t k, float topP, float minP, float rep, float pres) {
        SamplingParams p;
        p.greedy = greedy;
        p.temperature = t;
        p.topK = k;
        p.topP = topP;
        p.minP = minP;
        p.repetitionPenalty = rep;
        p.presencePenalty = pres;
        return p;
    };
    const std::vector<Params> cases = {
        {"greedy", make(true, 1, 0, 1, 0, 1, 0), 5},
        {"qwen3", make(false, 0.6f, 20, 0.95f, 0, 1, 0), 0},
        {"top-k 1024", make(false, 1.0f, 1024, 1, 0, 1, 0), 3},
        {"plain", make(false, 1.0f, 0, 1, 0, 1, 0), 0},
        {"peaked top-p", make(false, 0.3f, 0, 0.9f, 0, 1, 0), 0},
        {"flat top-p", make(false, 2.0f, 0, 0.95f, 0, 1, 0), 0},
        {"min-p", make(false, 1.3f, 0, 1, 0.05f, 1, 0), 0},
        {"penalties", make(false, 0.7f, 50, 0.9f, 0.02f, 1.3f, 0.5f), 7},
        {"penalty < 1", make(false, 0.8f, 0, 0.8f, 0, 0.7f, -0.4f), 1024},
    };
    std::mt19937_64 draws(99);
    int decided = 0, total = 0;
    double worstProb = 0.0;
    for (int round = 0; round < rounds; ++round) {
        std::vector<float> logits = randomFloats(std::size_t(vocab), 3.0f);
        if (ties)
            for (float& v : logits) v = std::round(v * 2.0f) / 2.0f;
        std::uniform_int_distribution<int> pick(0, vocab - 1);
        std::vector<int> context(60);
        for (int& id : context) id = pick(draws);
        const std::span<const int> generated = std::span<const int>(context).last(15);
        auto distinct = [](std::span<const int> ids) {
            std::vector<int> d(ids.begin(), ids.end());
            std::sort(d.begin(), d.end());
            d.erase(std::unique(d.begin(), d.end()), d.end());
            return d;
        };
        std::vector<int> penaltyIds = distinct(context);
        const int repetitionCount = static_cast<int>(penaltyIds.size());
        const std::vector<int> presenceIds = distinct(generated);
        penaltyIds.insert(penaltyIds.end(), presenceIds.begin(), presenceIds.end());
        Dev<float> dLogits(logits);
        Dev<int> dIds(penaltyIds);
        Dev<float> dSaved(penaltyIds.size());
        Dev<SampleOutput> dOut(1);
        for (const Params& c : cases) {
            const double u = static_cast<double>(draws() >> 11) * 0x1.0p-53;
            std::vector<float> cpuRow = logits;
            Sampler sampler(c.p, limit);
            float cpuProb = 0.0f;
            const int cpuToken = sampler.sampleWith(u, cpuRow, context, generated, &cpuProb);
            std::vector<int> order;
            std::vector<TokenProb> cpuAlternatives;
            if (c.alternatives > 0) topProbabilities(logits, limit, c.alternatives, order, cpuAlternatives);

            SampleArgs a;
            a.logits = dLogits.p;
            a.limit = limit;
            a.greedy = c.p.greedy;
            a.temperature = c.p.temperature;
            a.topK = static_cast<int>(std::min<std::int64_t>(c.p.topK, limit));
            a.topP = c.p.topP;
            a.minP = c.p.minP;
            a.repetitionPenalty = c.p.repetitionPenalty;
            a.presencePenalty = c.p.presencePenalty;
            a.penaltyIds = dIds.p;
            a.repetitionCount = repetitionCount;
            a.presenceCount = static_cast<int>(presenceIds.size());
            a.saved = dSaved.p;
            a.uniform = u;
            a.alternatives = c.alternatives;
            a.out = dOut.p;
            cudaCheck(launchSample(a, nullptr), "launchSample");
            const SampleOutput out = dOut.get().front();
            const std::string what = std::string(c.name) + ", vocab " + std::to_string(vocab) + ", round " + std::to_string(round);
            GPU_CHECK(dLogits.get() == logits, what + ": the row was not restored");
            GPU_CHECK(out.alternatives == static_cast<int>(cpuAlternatives.size()), what + ": alternatives");
            for (std::size_t i = 0; i < cpuAlternatives.size(); ++i) {
                GPU_CHECK(out.alt[i].id == cpuAlternatives[i].id, what + ": alternative " + std::to_string(i));
                GPU_CHECK(std::abs(out.alt[i].prob - cpuAlternatives[i].prob) <= 1e-6f * cpuAlternatives[i].prob + 1e-12f,
                          what + ": alternative probability");
            }
            // The device must decide unless the kept set may reach past its candidates (no top-k
            // cut, more tokens than candidates).
            const bool mayPass = !c.p.greedy && !(c.p.topK > 0 && c.p.topK < limit) && limit > kSampleCandidates;
            GPU_CHECK(out.decided || mayPass, what + ": not decided");
            ++total;
            if (!out.decided) continue;
            ++decided;
            GPU_CHECK(out.token == cpuToken, what + ": token " + std::to_string(out.token) + ", CPU sampler " + std::to_string(cpuToken));
            worstProb = std::max(worstProb, std::abs(double(out.prob) - cpuProb) / std::max(double(cpuProb), 1e-30));
        }
    }
    report("sample", dims({vocab, limit}) + (ties ? " ties" : "") + " (" + std::to_string(decided) + "/" +
                         std::to_string(total) + " on the device)", "token", ErrorStats{0.0, worstProb}, 1e-6);
}

}  // namespace

int main() {
    // These call the CUDA runtime directly (not through the backend library): ask it.
    int count = 0;
    std::string device, whyNot;
    if (const cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess || count == 0) {
        whyNot = std::string("no usable NVIDIA GPU: ") + (e != cudaSuccess ? cudaGetErrorString(e) : "none found");
    } else {
        cudaDeviceProp props{};
        cudaGetDeviceProperties(&props, 0);
        device = std::string(props.name) + " (sm_" + std::to_string(props.major) + std::to_string(props.minor) + ")";
        // The attention kernels' shared memory allowance, as the backend sets it at load.
        if (const cudaError_t p = prepareAttentionKernels(); p != cudaSuccess) {
            std::printf("FAIL prepareAttentionKernels: %s\n", cudaGetErrorString(p));
            return 1;
        }
    }
    return runAll("test_gpu_kernels",
                  {
                      {"embed", embed},
                      {"residual_norm", [] { residualNorm(3, 1001, true); residualNorm(1, 5120, false); residualNorm(17, 64, true); }},
                      {"rope_table", [] { ropeTable(5, 128, 1000, false); ropeTable(3, 128, 131000, true); ropeTable(2, 16, 0, false); }},
                      {"qk_norm_rope", [] { qkNormRope(3, 8, 2, 128, 37); qkNormRope(5, 5, 1, 16, 0); qkNormRope(1, 64, 8, 128, 4095); }},
                      {"attention", [] {
                           attention(5, 37, 8, 2, 128);      // prefill chunk after a cached prefix
                           attention(1, 2000, 4, 1, 128);    // decode over many tiles
                           attention(7, 0, 4, 2, 16);        // tiny head dim, first chunk
                           attention(3, 100, 6, 3, 66);      // head dim not a multiple of 32
                       }},
                      {"attention_tensor_cores", [] {
                           // The pipelined kernel (64 rows and 64 keys a tile, cp.async).
                           const auto mma = FlashKernel::Pipelined;
                           attention(70, 0, 4, 2, 128, 0, mma);     // first chunk: two row tiles and two key tiles, partial
                           attention(33, 100, 8, 2, 128, 0, mma);   // after a cached prefix, GQA group 4
                           attention(16, 5, 3, 1, 66, 0, mma);      // head dim not a multiple of 8: no cp.async, padded to 80
                           attention(40, 3, 2, 1, 72, 0, mma);      // cp.async rows, then zeros to 80
                           attention(20, 0, 2, 2, 16, 0, mma);      // smallest head dim
                           attention(150, 61, 4, 1, 64, 0, mma);    // three row tiles; warps whose rows precede a key tile skip it
                           attention(80, 1, 2, 1, 32, 0, mma);      // a warp's last row (position 64) is a key tile's first key
                           // The first kernel (tiles of 64 rows and 32 keys, wmma through shared memory).
                           const auto wmma = FlashKernel::Wmma;
                           attention(70, 0, 4, 2, 128, 0, wmma);
                           attention(33, 100, 8, 2, 128, 0, wmma);
                           attention(16, 5, 3, 1, 66, 0, wmma);
                           attention(20, 0, 2, 2, 16, 0, wmma);
                           // The what-if variant gpu-bench times: q in bf16 alone (head dim 128).
                           attention(70, 0, 4, 2, 128, 0, FlashKernel::PipelinedBf16Q);
                           attention(33, 100, 8, 2, 128, 0, FlashKernel::PipelinedBf16Q);
                       }},
                      {"attention_split_kv", [] {
                           // Tensor cores (the group's heads as MMA rows, a warp per split).
                           attention(1, 2000, 8, 2, 128, 256);  // decode, 8 splits, GQA group 4
                           attention(1, 4096, 64, 8, 128, 256); // Qwen3-32B's heads, 17 splits (the last one key)
                           attention(1, 4100, 64, 8, 128, int(decodeSplitKeys(4101)));  // the backend's choice: 33 of 128
                           attention(1, 36, 5, 1, 66, 16);      // odd head dim (no cp.async), group 5, 3 splits
                           attention(1, 0, 4, 2, 16, 256);      // one key
                           attention(1, 700, 16, 1, 72, 64);    // group 16 (both row halves), 11 splits: an odd warp left alone
                           attention(1, 130, 16, 16, 128, 64);  // no GQA (group 1), 3 splits of 64, 64 and 3 keys
                           // A warp per query head (any group; QE_CUDA_DECODE_ATTENTION=warps).
                           const auto warps = DecodeKernel::Warps;
                           attention(1, 2000, 8, 2, 128, 256, {}, warps);
                           attention(1, 4100, 64, 8, 128, int(decodeSplitKeys(4101)), {}, warps);
                           attention(1, 36, 5, 1, 66, 16, {}, warps);
                           attention(1, 0, 4, 2, 16, 256, {}, warps);
                           attention(1, 300, 32, 1, 32, 64);  // group 32: beyond the tensor cores, warps either way
                       }},
                      {"gemv", [] {
                           gemv(100, 5120, false);  // 16-byte loads, two in flight
                           gemv(37, 1000, false);   // a tail of one load per lane
                           gemv(9, 8, false);       // one load
                           gemv(33, 1001, false);   // columns not a multiple of 8: scalar
                           gemv(20, 640, true);     // unaligned: scalar
                       }},
                      {"swiglu", [] { swiGlu(3, 1001); swiGlu(1, 25600); }},
                      {"sample", [] {
                           sampling(37, 37, false, 3);      // fewer tokens than candidates
                           sampling(3000, 2900, false, 3);  // more: top-p / min-p / the draw may need the host
                           sampling(1500, 1500, true, 2);   // ties at every cut
                       }},
                      {"attention_row", [] { attentionRow(0, 2, 1, 128, false); attentionRow(777, 8, 5, 128, true); attentionRow(40, 1, 0, 16, false); }},
                  },
                  device, whyNot);
}
