#include "core/qwen3_forward.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace qe {

void rmsNormRows(const float* x, float* y, std::int64_t rows, std::int64_t n, const float* weight, float eps) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* in = x + r * n;
        float* out = y + r * n;
        const double sumSquares = cpu::sumOfSquares(in, n);
        const float scale = 1.0f / std::sqrt(static_cast<float>(sumSquares / static_cast<double>(n)) + eps);
        for (std::int64_t i = 0; i < n; ++i) out[i] = in[i] * scale * weight[i];
    }
}

namespace {

// NeoX / half-split rotation of one head (spec §2.1): pairs (j, j + d/2).
void applyRope(float* head, std::int64_t half, const float* cosRow, const float* sinRow) {
    for (std::int64_t j = 0; j < half; ++j) {
        const float a = head[j], b = head[j + half];
        head[j] = a * cosRow[j] - b * sinRow[j];
        head[j + half] = b * cosRow[j] + a * sinRow[j];
    }
}

// A token's keys and values (n = kvWidth floats each) into the cache at `pos`, in its element
// type (bf16: rounded to nearest, ties to even).
void storeKeysValues(KvCache& cache, std::int64_t layer, std::int64_t pos, const float* k, const float* v, std::int64_t n) {
    if (cache.type() == KvType::F32) {
        std::copy_n(k, n, cache.keys<float>(layer, pos));
        std::copy_n(v, n, cache.values<float>(layer, pos));
        return;
    }
    static_assert(sizeof(cpu::Bf16) == 2);
    cpu::floatsToBf16(k, reinterpret_cast<std::uint16_t*>(cache.keys<cpu::Bf16>(layer, pos)), n);
    cpu::floatsToBf16(v, reinterpret_cast<std::uint16_t*>(cache.values<cpu::Bf16>(layer, pos)), n);
}

// Turns a query's n scores into attention probabilities in place (scaled by `scale`, softmax),
// and records the row's entropy and sink weight (probability of position 0) when asked.
// Σ e·(s − max) gives the entropy without a log per key: H = −Σ p log p = log Z − Σ e·(s − max) / Z.
// fastExp: cpu::expAndSumFast (a few ulp) instead of the exact exp.
void softmaxScores(float* row, std::int64_t n, float scale, float* entropy, float* sink, bool fastExp = false) {
    const float maxScore = cpu::scaleAndMax(row, n, scale);
    float weighted = 0.0f;
    const float sum = fastExp ? cpu::expAndSumFast(row, n, maxScore, &weighted) : cpu::expAndSum(row, n, maxScore, &weighted);
    const float inv = 1.0f / sum;
    cpu::scaleRow(row, n, inv);
    if (entropy) *entropy = std::max(0.0f, std::log(sum) - weighted * inv);
    if (sink) *sink = row[0];
}

}  // namespace

Qwen3Forward::Qwen3Forward(const Weights& weights, cpu::ThreadPool& pool, std::int64_t maxChunk,
                           cpu::GemmPrecision prefillMatmul)
    : m_weights(weights), m_config(weights.config()), m_pool(pool), m_maxChunk(std::max<std::int64_t>(maxChunk, 1)),
      m_prefillMatmul(prefillMatmul == cpu::GemmPrecision::Bf16 && cpu::amxAvailable() &&
                              weights.config().numHiddenLayers > 0 && weights.layer(0).qProj.type == cpu::WeightType::BF16
                          ? cpu::GemmPrecision::Bf16
                          : cpu::GemmPrecision::F32),
      m_rope(computeRope(weights.config())) {
    const auto t = static_cast<std::size_t>(m_maxChunk);
    const auto& c = m_config;
    m_hidden.resize(t * c.hiddenSize);
    m_normed.resize(t * c.hiddenSize);
    m_q.resize(t * c.qWidth());
    m_k.resize(t * c.kvWidth());
    m_v.resize(t * c.kvWidth());
    m_attnOut.resize(t * c.qWidth());
    m_gate.resize(t * c.intermediateSize);
    m_up.resize(t * c.intermediateSize);
    m_cos.resize(t * c.headDim / 2);
    m_sin.resize(t * c.headDim / 2);
    m_attention.resize(static_cast<std::size_t>(pool.size()));
}

std::string Qwen3Forward::description() const {
    return std::string("CPU, ") + std::to_string(m_pool.size()) + " threads, " + cpu::isaName(cpu::activeIsa());
}

Status Qwen3Forward::forward(std::span<const int> tokens, KvCache& cache, LogitsFor which, float* logits,
                             std::stop_token stop, Diagnostics* diagnostics) {
    const auto& c = m_config;
    const std::int64_t numTokens = static_cast<std::int64_t>(tokens.size());
    const std::int64_t startPos = cache.length();
    if (numTokens == 0) return {};
    if (numTokens > m_maxChunk) {
        return makeError(ErrorCode::Internal, "chunk of " + std::to_string(numTokens) + " tokens exceeds the maximum of " +
                                                  std::to_string(m_maxChunk));
    }
    if (startPos + numTokens > cache.capacity()) {
        return makeError(ErrorCode::Internal, "KV cache has room for " + std::to_string(cache.capacity()) + " tokens, need " +
                                                  std::to_string(startPos + numTokens));
    }
    for (int tok : tokens) {
        if (tok < 0 || tok >= c.vocabSize) {
            return makeError(ErrorCode::InvalidArgument, "token id " + std::to_string(tok) + " is outside the vocabulary [0, " +
                                                             std::to_string(c.vocabSize) + ")");
        }
    }
    const std::int64_t hidden = c.hiddenSize, qWidth = c.qWidth(), kvWidth = c.kvWidth(), inter = c.intermediateSize;
    const std::int64_t headDim = c.headDim, half = headDim / 2;
    const float eps = static_cast<float>(c.rmsNormEps);
    Diagnostics* diag = diagnostics && diagnostics->enabled() ? diagnostics : nullptr;
    if (diag && diag->positions() < startPos + numTokens) {
        return makeError(ErrorCode::Internal, "diagnostics have room for " + std::to_string(diag->positions()) + " positions, need " +
                                                  std::to_string(startPos + numTokens));
    }
    auto rms = [](const float* v, std::int64_t n) {
        return static_cast<float>(std::sqrt(cpu::sumOfSquares(v, n) / static_cast<double>(n)));
    };

    // Embed: h = embed_tokens[t] (not scaled).
    for (std::int64_t t = 0; t < numTokens; ++t) cpu::rowToFloat(m_weights.embedTokens(), tokens[t], &m_hidden[t * hidden]);

    // RoPE tables for this chunk: angle = float(pos) · inv_freq in fp32, accurate cos/sin, times
    // the YaRN attention scaling (1 otherwise).
    for (std::int64_t t = 0; t < numTokens; ++t) {
        const float pos = static_cast<float>(startPos + t);
        for (std::int64_t j = 0; j < half; ++j) {
            const float angle = pos * m_rope.invFreq[j];
            m_cos[t * half + j] = static_cast<float>(std::cos(static_cast<double>(angle))) * m_rope.attentionScaling;
            m_sin[t * half + j] = static_cast<float>(std::sin(static_cast<double>(angle))) * m_rope.attentionScaling;
        }
    }

    // The work of each token between the matrix products (norms, RoPE, residual adds, diagnostics)
    // split across the pool: every token's operations are the same whichever thread runs them.
    auto perToken = [&](const auto& fn) {
        if (numTokens == 1) return fn(0);  // decoding: no hand-off
        m_pool.parallelFor(numTokens, 1, [&](std::int64_t begin, std::int64_t end, int) {
            for (std::int64_t t = begin; t < end; ++t) fn(t);
        });
    };

    for (std::int64_t layer = 0; layer < c.numHiddenLayers; ++layer) {
        if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "cancelled");
        const LayerWeights& w = m_weights.layer(layer);
        const auto layerStart = std::chrono::steady_clock::now();

        // Attention block input norm: x = RMSNorm(h; input_layernorm).
        perToken([&](std::int64_t t) {
            if (diag) diag->storeHidden(startPos + t, layer, &m_hidden[t * hidden]);
            rmsNormRows(&m_hidden[t * hidden], &m_normed[t * hidden], 1, hidden, w.inputLayernorm.data(), eps);
        });

        // q/k/v projections in one parallel region.
        const cpu::MatmulOut qkv[] = {{w.qProj, m_q.data(), qWidth}, {w.kProj, m_k.data(), kvWidth},
                                      {w.vProj, m_v.data(), kvWidth}};
        cpu::matmul(m_pool, m_normed.data(), numTokens, hidden, qkv, m_prefillMatmul);

        // QK-norm per head over head_dim, then RoPE (after the norm); keys and raw values go to the cache.
        perToken([&](std::int64_t t) {
            const float* cosRow = &m_cos[t * half];
            const float* sinRow = &m_sin[t * half];
            float* qRow = &m_q[t * qWidth];
            rmsNormRows(qRow, qRow, c.numAttentionHeads, headDim, w.qNorm.data(), eps);
            for (std::int64_t head = 0; head < c.numAttentionHeads; ++head) applyRope(qRow + head * headDim, half, cosRow, sinRow);
            float* kRow = &m_k[t * kvWidth];
            rmsNormRows(kRow, kRow, c.numKeyValueHeads, headDim, w.kNorm.data(), eps);
            for (std::int64_t kvHead = 0; kvHead < c.numKeyValueHeads; ++kvHead)
                applyRope(kRow + kvHead * headDim, half, cosRow, sinRow);
            storeKeysValues(cache, layer, startPos + t, kRow, &m_v[t * kvWidth], kvWidth);
        });

        // Causal GQA attention over the cache (positions 0 .. startPos + t for token t).
        attention(layer, numTokens, startPos, cache, diag);

        // Output projection and residual: h = h + o (o written to m_normed as scratch).
        cpu::matmul(m_pool, m_attnOut.data(), numTokens, qWidth, w.oProj, m_normed.data(), hidden, m_prefillMatmul);
        // MLP: h = h + down(silu(gate(x)) ⊙ up(x)), x = RMSNorm(h; post_attention_layernorm).
        perToken([&](std::int64_t t) {
            float* h = &m_hidden[t * hidden];
            float* x = &m_normed[t * hidden];
            for (std::int64_t i = 0; i < hidden; ++i) h[i] += x[i];
            rmsNormRows(h, x, 1, hidden, w.postAttentionLayernorm.data(), eps);
        });
        const cpu::MatmulOut gateUp[] = {{w.gateProj, m_gate.data(), inter}, {w.upProj, m_up.data(), inter}};
        cpu::matmul(m_pool, m_normed.data(), numTokens, hidden, gateUp, m_prefillMatmul);
        m_pool.parallelFor(numTokens * inter, 4096, [&](std::int64_t begin, std::int64_t end, int) {
            cpu::siluMul(&m_gate[begin], &m_up[begin], end - begin);
        });
        cpu::matmul(m_pool, m_gate.data(), numTokens, inter, w.downProj, m_normed.data(), hidden, m_prefillMatmul);
        // Residual, then the always-on diagnostics: residual RMS after the layer, MLP activation RMS.
        perToken([&](std::int64_t t) {
            float* h = &m_hidden[t * hidden];
            const float* x = &m_normed[t * hidden];
            for (std::int64_t i = 0; i < hidden; ++i) h[i] += x[i];
            if (!diag) return;
            diag->residualRms(startPos + t, layer) = rms(h, hidden);
            diag->mlpActivationRms(startPos + t, layer) = rms(&m_gate[t * inter], inter);
        });
        if (diag) {
            diag->layerSeconds()[static_cast<std::size_t>(layer)] =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - layerStart).count();
        }
    }
    if (diag)
        for (std::int64_t t = 0; t < numTokens; ++t) diag->storeHidden(startPos + t, c.numHiddenLayers, &m_hidden[t * hidden]);
    if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "cancelled");

    // Final norm and LM head, only for the positions asked for.
    if (which != LogitsFor::None) {
        const std::int64_t first = which == LogitsFor::Last ? numTokens - 1 : 0;
        const std::int64_t rows = numTokens - first;
        rmsNormRows(&m_hidden[first * hidden], m_normed.data(), rows, hidden, m_weights.finalNorm().data(), eps);
        cpu::matmul(m_pool, m_normed.data(), rows, hidden, m_weights.lmHead(), logits, c.vocabSize, m_prefillMatmul);
    }
    cache.append(tokens);
    return {};
}

void Qwen3Forward::attention(std::int64_t layer, std::int64_t numTokens, std::int64_t startPos, const KvCache& cache,
                             Diagnostics* diag) {
    const std::int64_t rowStride = cache.rowStride(), capacity = cache.capacity();
    if (cache.type() == KvType::BF16) {
        if (numTokens == 1) return attentionOneToken<cpu::Bf16>(layer, startPos, cache, diag);
        return attentionChunk<cpu::Bf16>(layer, numTokens, startPos, cache.keys<cpu::Bf16>(layer, 0),
                                         cache.values<cpu::Bf16>(layer, 0), rowStride, capacity, diag);
    }
    if (numTokens == 1) return attentionOneToken<float>(layer, startPos, cache, diag);
    if (m_prefillMatmul == cpu::GemmPrecision::Bf16 && m_config.headDim % 32 == 0 && numTokens > cpu::kMatvecMaxTokens) {
        // Bf16 products over an fp32 cache: the chunk's attention on AMX tiles as well, over the
        // bits a bf16 cache would hold (the same logits as one), while the cache keeps fp32 for
        // decoding. The conversion is under 1 % of a 2K prefill's profile; fp32 attention made that
        // prefill 2.2x slower (373 against 814 tok/s on 0.6B, 2 threads).
        const std::int64_t context = startPos + numTokens;
        const auto elements = static_cast<std::size_t>(context * rowStride);
        if (m_kvCopy.size() < 2 * elements) m_kvCopy.resize(2 * elements);
        auto* copy = reinterpret_cast<std::uint16_t*>(m_kvCopy.data());
        const float* keys = cache.keys<float>(layer, 0);
        const float* values = cache.values<float>(layer, 0);
        m_pool.parallelFor(2 * context, 64, [&](std::int64_t begin, std::int64_t end, int) {
            for (std::int64_t row = begin; row < end; ++row) {
                const float* from = row < context ? keys + row * rowStride : values + (row - context) * rowStride;
                cpu::floatsToBf16(from, copy + row * rowStride, rowStride);
            }
        });
        return attentionChunk<cpu::Bf16>(layer, numTokens, startPos, m_kvCopy.data(), m_kvCopy.data() + elements, rowStride,
                                         capacity, diag);
    }
    attentionChunk<float>(layer, numTokens, startPos, cache.keys<float>(layer, 0), cache.values<float>(layer, 0), rowStride,
                          capacity, diag);
}

template <typename Row>
void Qwen3Forward::attentionChunk(std::int64_t layer, std::int64_t numTokens, std::int64_t startPos, const Row* keys,
                                  const Row* values, std::int64_t rowStride, std::int64_t capacity, Diagnostics* diag) {
    const auto& c = m_config;
    const std::int64_t headDim = c.headDim, qWidth = c.qWidth(), group = c.groupSize();
    const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));
    const std::int64_t context = startPos + numTokens;
    const std::int64_t threads = m_pool.size();

    // Tasks: a KV head and a span of consecutive tokens. A task serves the G query heads that share
    // the KV head (HF repeat_kv: query head h reads KV head h / G) for each of its tokens, so each
    // key and value row is read from memory once for all of them (about kQueriesPerTask queries)
    // and from L1 for the rest (the kernels take the rows in small blocks). Spans shrink when that
    // leaves fewer than two tasks per thread, and with too few tasks even at one token (decoding
    // one token on a many-core CPU) a task takes one query head instead: the same results in any
    // split, more parallelism. 32 queries (16 tokens on 0.6B, 4 on 32B): a 2,048-token prompt on
    // the 0.6B shape, 2 threads, ran at 135, 146, 160 and 164 tok/s with 8, 16, 32 and 64.
    constexpr std::int64_t kQueriesPerTask = 32;
    std::int64_t members = group;
    std::int64_t span = std::clamp<std::int64_t>(kQueriesPerTask / group, 1, numTokens);
    auto tasksFor = [&](std::int64_t tokensPerTask) {
        return c.numKeyValueHeads * ((numTokens + tokensPerTask - 1) / tokensPerTask);
    };
    while (span > 1 && tasksFor(span) < 2 * threads) span = (span + 1) / 2;
    if (tasksFor(1) < 2 * threads) members = 1;
    const std::int64_t units = c.numAttentionHeads / members;  // KV heads, or query heads
    const std::int64_t spans = (numTokens + span - 1) / span;   // per unit
    const auto scoresFloats = static_cast<std::size_t>(members * span * context);
    const auto headFloats = static_cast<std::size_t>(members * span * headDim);
    for (auto& scratch : m_attention) {
        if (scratch.scores.size() < scoresFloats)
            scratch.scores.resize(static_cast<std::size_t>(members * span * std::max(context, capacity)));
        if (scratch.queries.size() < headFloats) {
            scratch.queries.resize(headFloats);
            scratch.outputs.resize(headFloats);
        }
        scratch.limits.resize(static_cast<std::size_t>(members * span));
    }

    // Bf16 products over a bf16 cache run on AMX tiles (cpu::dotRowsAmx, cpu::weightedRowSumAmx):
    // the queries and the probabilities rounded to bf16. The values of every position, per KV
    // head, are first laid out as the tiles read them (pairs of positions side by side).
    constexpr bool kBf16Rows = std::is_same_v<Row, cpu::Bf16>;
    const bool amx = kBf16Rows && m_prefillMatmul == cpu::GemmPrecision::Bf16 && headDim % 32 == 0 &&
                     numTokens > cpu::kMatvecMaxTokens;  // like the products: short chunks stay fp32
    const std::int64_t packedPerHead = amx ? cpu::amxPackedValuesSize(context, headDim) : 0;
    if constexpr (kBf16Rows) {
        if (amx) {
            const auto needed = static_cast<std::size_t>(c.numKeyValueHeads * packedPerHead);
            if (m_packedValues.size() < needed)
                m_packedValues.resize(static_cast<std::size_t>(
                    c.numKeyValueHeads * cpu::amxPackedValuesSize(std::max(context, capacity), headDim)));
            const std::int64_t pairs = (context + 31) / 32 * 16;
            m_pool.parallelFor(c.numKeyValueHeads * pairs, 256, [&](std::int64_t begin, std::int64_t end, int) {
                for (std::int64_t i = begin; i < end;) {
                    const std::int64_t head = i / pairs, first = i % pairs, last = std::min(pairs, first + end - i);
                    cpu::packValuesAmx(values + head * headDim, rowStride, context, headDim, first, last,
                                       m_packedValues.data() + head * packedPerHead);
                    i += last - first;
                }
            });
        }
    }

    m_pool.parallelFor(units * spans, 1, [&](std::int64_t begin, std::int64_t end, int worker) {
        auto& scratch = m_attention[static_cast<std::size_t>(worker)];
        float* scores = scratch.scores.data();
        float* queries = scratch.queries.data();
        float* outputs = scratch.outputs.data();
        const std::int64_t ld = context;  // a query's row of scores
        for (std::int64_t task = begin; task < end; ++task) {
            const std::int64_t unit = task / spans, t0 = (task % spans) * span;
            const std::int64_t tokens = std::min(span, numTokens - t0);
            const std::int64_t firstHead = unit * members, kvHead = firstHead / group;
            const std::int64_t count = tokens * members;  // queries: token-major, then head
            const std::size_t headBytes = static_cast<std::size_t>(members * headDim) * sizeof(float);
            for (std::int64_t i = 0; i < tokens; ++i)
                std::memcpy(queries + i * members * headDim, &m_q[(t0 + i) * qWidth + firstHead * headDim], headBytes);
            // Causal: token t0 + i sees positions 0 .. startPos + t0 + i. The scores of the span's
            // last token are computed for all (the extra ones are not used).
            const std::int64_t firstKeys = startPos + t0 + 1, lastKeys = firstKeys + tokens - 1;
            if constexpr (kBf16Rows) {
                if (amx)
                    cpu::dotRowsAmx(queries, headDim, static_cast<int>(count), keys + kvHead * headDim, rowStride, lastKeys,
                                    headDim, scores, ld);
            }
            if (!amx)
                cpu::dotRows(queries, headDim, static_cast<int>(count), keys + kvHead * headDim, rowStride, lastKeys, headDim,
                             scores, ld);
            for (std::int64_t qi = 0; qi < count; ++qi) {
                const std::int64_t pos = startPos + t0 + qi / members, head = firstHead + qi % members;
                // Probabilities that the AMX path rounds to bf16 next do not need exp's last bits.
                softmaxScores(scores + qi * ld, pos + 1, scale, diag ? &diag->attentionEntropy(pos, layer, head) : nullptr,
                              diag ? &diag->attentionSink(pos, layer, head) : nullptr, /*fastExp=*/amx);
                scratch.limits[static_cast<std::size_t>(qi)] = pos + 1;
            }
            if (amx) {
                cpu::weightedRowSumAmx(scores, ld, static_cast<int>(count), scratch.limits.data(),
                                       m_packedValues.data() + kvHead * packedPerHead, context, headDim, outputs, headDim);
                for (std::int64_t i = 0; i < tokens; ++i)
                    std::memcpy(&m_attnOut[(t0 + i) * qWidth + firstHead * headDim], outputs + i * members * headDim,
                                headBytes);
                continue;
            }
            // Values: the positions every token of the span sees, then position firstKeys + k for
            // the tokens after the k-th, continuing their sums in order (the same bits as one pass).
            cpu::weightedRowSum(scores, ld, static_cast<int>(count), values + kvHead * headDim, rowStride, firstKeys,
                                headDim, outputs, headDim);
            for (std::int64_t k = 0; k + 1 < tokens; ++k) {
                const std::int64_t first = (k + 1) * members, pos = firstKeys + k;
                cpu::weightedRowSum(scores + first * ld + pos, ld, static_cast<int>(count - first),
                                    values + pos * rowStride + kvHead * headDim, rowStride, 1, headDim,
                                    outputs + first * headDim, headDim, /*accumulate=*/true);
            }
            for (std::int64_t i = 0; i < tokens; ++i)
                std::memcpy(&m_attnOut[(t0 + i) * qWidth + firstHead * headDim], outputs + i * members * headDim, headBytes);
        }
    });
}

// Decoding one token: the work is reading the cache, so the split follows its layout. A position's
// keys (values) for all KV heads are one contiguous row, and a task that took one KV head would
// read 512 of every 4,096 bytes (0.6B), a separate stream per head, which hardware prefetchers
// follow poorly. So the scores are split by blocks of positions, each task reading whole rows, 8
// positions at a time for every head; then the softmax and the values are split by heads, each
// task taking its heads' values 16 positions at a time (a contiguous part of each row). The same
// operations in the same order as the general path, so the same bits. Measured on the 0.6B shape
// at ~2K context: 10.0 -> 11.2 tok/s with one KV head per task before, and 8 / 16 positions per
// step instead of 64 another ~4 %.
template <typename Row>
void Qwen3Forward::attentionOneToken(std::int64_t layer, std::int64_t startPos, const KvCache& cache, Diagnostics* diag) {
    const auto& c = m_config;
    const std::int64_t headDim = c.headDim, group = c.groupSize();
    const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));
    const std::int64_t context = startPos + 1, ld = context;
    const std::int64_t rowStride = cache.rowStride();
    const std::int64_t threads = m_pool.size();
    if (static_cast<std::int64_t>(m_decodeScores.size()) < c.numAttentionHeads * context)
        m_decodeScores.resize(static_cast<std::size_t>(c.numAttentionHeads * std::max(context, cache.capacity())));
    float* scores = m_decodeScores.data();  // [Nq, context]
    const Row* keys = cache.keys<Row>(layer, 0);
    const Row* values = cache.values<Row>(layer, 0);

    constexpr std::int64_t kPositions = 64;  // per block: 256 KiB of keys on 0.6B, 1 MiB on 32B
    constexpr std::int64_t kStep = 8;         // positions per head in turn
    const std::int64_t blocks = (context + kPositions - 1) / kPositions;
    m_pool.parallelFor(blocks, 1, [&](std::int64_t begin, std::int64_t end, int) {
        const std::int64_t pEnd = std::min(context, end * kPositions);
        for (std::int64_t p0 = begin * kPositions; p0 < pEnd; p0 += kStep) {
            const std::int64_t count = std::min(kStep, pEnd - p0);
            for (std::int64_t kv = 0; kv < c.numKeyValueHeads; ++kv)  // the query heads of KV head kv
                cpu::dotRows(&m_q[kv * group * headDim], headDim, static_cast<int>(group), keys + p0 * rowStride + kv * headDim,
                             rowStride, count, headDim, scores + kv * group * ld + p0, ld);
        }
    });

    // Units of `members` query heads (a KV head's, or one when there are too few KV heads for the
    // threads); each thread takes a contiguous run of units.
    const std::int64_t members = c.numKeyValueHeads >= 2 * threads ? group : 1;
    const std::int64_t units = c.numAttentionHeads / members;
    m_pool.parallelFor(units, std::max<std::int64_t>(1, units / threads), [&](std::int64_t begin, std::int64_t end, int) {
        for (std::int64_t head = begin * members; head < end * members; ++head)
            softmaxScores(scores + head * ld, context, scale, diag ? &diag->attentionEntropy(startPos, layer, head) : nullptr,
                          diag ? &diag->attentionSink(startPos, layer, head) : nullptr);
        for (std::int64_t p0 = 0; p0 < context; p0 += 2 * kStep) {
            const std::int64_t count = std::min(2 * kStep, context - p0);
            for (std::int64_t unit = begin; unit < end; ++unit) {
                const std::int64_t head = unit * members, kv = head / group;
                cpu::weightedRowSum(scores + head * ld + p0, ld, static_cast<int>(members),
                                    values + p0 * rowStride + kv * headDim, rowStride, count, headDim,
                                    &m_attnOut[head * headDim], headDim, /*accumulate=*/p0 > 0);
            }
        }
    });
}

Status Qwen3Forward::attentionRow(std::int64_t layer, std::int64_t head, std::int64_t pos, const Diagnostics& diagnostics,
                                  const KvCache& cache, std::vector<float>& out) {
    const auto& c = m_config;
    QE_TRY(checkAttentionRowRequest(c, layer, head, pos, diagnostics, cache));
    const std::int64_t hidden = c.hiddenSize, headDim = c.headDim, half = headDim / 2;
    const float eps = static_cast<float>(c.rmsNormEps);
    const LayerWeights& w = m_weights.layer(layer);
    // x = RMSNorm(h; input_layernorm); q = rows [head·d, head·d + d) of q_proj · x; q_norm; RoPE.
    std::vector<float> x(static_cast<std::size_t>(hidden)), q(static_cast<std::size_t>(headDim));
    diagnostics.loadHidden(pos, layer, x.data());
    rmsNormRows(x.data(), x.data(), 1, hidden, w.inputLayernorm.data(), eps);
    const std::size_t elementBytes = w.qProj.type == cpu::WeightType::F32 ? 4 : 2;
    cpu::MatrixView rows = w.qProj;
    rows.data = static_cast<const std::uint8_t*>(w.qProj.data) + head * headDim * hidden * elementBytes;
    rows.rows = headDim;
    cpu::matmul(m_pool, x.data(), 1, hidden, rows, q.data(), headDim);
    rmsNormRows(q.data(), q.data(), 1, headDim, w.qNorm.data(), eps);
    std::vector<float> cosRow(static_cast<std::size_t>(half)), sinRow(static_cast<std::size_t>(half));
    for (std::int64_t j = 0; j < half; ++j) {
        const float angle = static_cast<float>(pos) * m_rope.invFreq[j];
        cosRow[j] = static_cast<float>(std::cos(static_cast<double>(angle))) * m_rope.attentionScaling;
        sinRow[j] = static_cast<float>(std::sin(static_cast<double>(angle))) * m_rope.attentionScaling;
    }
    applyRope(q.data(), half, cosRow.data(), sinRow.data());
    // softmax(q·Kᵀ/√d) over the cached keys 0..pos of KV head head / G, read by attention's own
    // kernel (each score has dot()'s bits, from fp32 or bf16 rows).
    const std::int64_t keyOffset = (head / c.groupSize()) * headDim, keys = pos + 1;
    const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));
    out.resize(static_cast<std::size_t>(keys));
    if (cache.type() == KvType::BF16)
        cpu::dotRows(q.data(), headDim, 1, cache.keys<cpu::Bf16>(layer, 0) + keyOffset, cache.rowStride(), keys, headDim,
                     out.data(), keys);
    else
        cpu::dotRows(q.data(), headDim, 1, cache.keys<float>(layer, 0) + keyOffset, cache.rowStride(), keys, headDim,
                     out.data(), keys);
    float maxScore = -INFINITY;
    for (float& v : out) maxScore = std::max(maxScore, v *= scale);
    double sum = 0.0;
    for (float& v : out) sum += (v = std::exp(v - maxScore));
    for (float& v : out) v = static_cast<float>(v / sum);
    return {};
}

Status Qwen3Forward::logitLens(std::int64_t layer, std::int64_t pos, const Diagnostics& diagnostics, std::vector<float>& out) {
    const auto& c = m_config;
    QE_TRY(checkLogitLensRequest(c, layer, pos, diagnostics));
    std::vector<float> h(static_cast<std::size_t>(c.hiddenSize));
    diagnostics.loadHidden(pos, layer + 1, h.data());  // the residual stream after `layer`
    rmsNormRows(h.data(), h.data(), 1, c.hiddenSize, m_weights.finalNorm().data(), static_cast<float>(c.rmsNormEps));
    out.resize(static_cast<std::size_t>(c.vocabSize));
    cpu::matmul(m_pool, h.data(), 1, c.hiddenSize, m_weights.lmHead(), out.data(), c.vocabSize);
    return {};
}

}  // namespace qe
