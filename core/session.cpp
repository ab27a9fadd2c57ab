#include "core/session.h"

#include <algorithm>
#include <cmath>

#include "core/log.h"

namespace qe {

const char* stopReasonName(StopReason reason) {
    switch (reason) {
    case StopReason::Eos: return "eos";
    case StopReason::Length: return "length";
    case StopReason::Cancelled: return "cancelled";
    }
    return "unknown";
}

Result<std::unique_ptr<Session>> Session::load(const std::string& folder, const SessionOptions& options,
                                               std::stop_token stop, const LoadProgressFn& progress) {
    QE_ASSIGN_OR_RETURN(ModelConfig config, loadModelConfig(folder));
    auto session = std::unique_ptr<Session>(new Session());
    QE_ASSIGN_OR_RETURN(session->m_generation, loadGenerationConfig(folder, config));
    const std::int64_t chunk = std::max<std::int64_t>(options.chunkSize, 1);
    std::int64_t limit = config.maxPositionEmbeddings;
    if (options.maxContext > 0) limit = std::min(limit, options.maxContext);

    // A GPU run streams the weights to the device from the mapped files (no resident host copy).
    bool tryCuda = options.backend == BackendKind::Cuda;
    if (options.backend == BackendKind::Auto) {
        const CudaProbe probe = probeCuda();
        tryCuda = !probe.devices.empty();
        if (!tryCuda) session->m_backendNote = probe.error;
    }
    const WeightMemory memory = tryCuda ? WeightMemory::Mapped : options.weightMemory;
    QE_ASSIGN_OR_RETURN(session->m_weights, Weights::load(folder, config, stop, tryCuda ? LoadProgressFn{} : progress, memory));
    if (tryCuda) {
        CudaBackendOptions cuda;
        cuda.device = options.cudaDevice;
        cuda.maxChunk = chunk;
        cuda.maxContext = limit;
        cuda.hiddenBudgetBytes = options.diagnosticsBudgetBytes;
        cuda.fitContext = options.maxContext <= 0;  // no length asked for: what the GPU holds
        auto backend = createCudaBackend(*session->m_weights, cuda, stop, progress);
        if (backend.ok()) {
            session->m_backend = std::move(*backend);
        } else if (options.backend == BackendKind::Cuda || backend.error().code == ErrorCode::Cancelled) {
            return backend.error();
        } else {
            session->m_backendNote = backend.error().message;
            log()->warn("CUDA backend not used: {}", backend.error().message);
            if (options.weightMemory != WeightMemory::Mapped) {  // the CPU reads resident weights faster
                session->m_weights.reset();
                QE_ASSIGN_OR_RETURN(session->m_weights,
                                    Weights::load(folder, config, stop, progress, options.weightMemory));
            }
        }
    }
    if (!session->m_backend) {
        session->m_pool = std::make_unique<cpu::ThreadPool>(options.threads);
        session->m_backend = std::make_unique<Qwen3Forward>(*session->m_weights, *session->m_pool, chunk, options.prefillMatmul);
    }
    const Backend& backend = *session->m_backend;
    if (backend.contextLimit() < limit) {
        session->m_backendNote = shorterContextNote(backend.contextLimit(), limit);
        limit = backend.contextLimit();
    }
    // The GPU backend keeps its own cache, in bf16 whatever was asked for the CPU's.
    const KvType kvType = backend.kvStorage() == KvStorage::Host ? options.kvCache : KvType::BF16;
    session->m_cache.configure(config, limit, backend.kvStorage(), kvType);
    session->m_diagnostics.configure(config, options.diagnosticsBudgetBytes, backend.hostHiddenStates());
    session->m_diagnostics.setEnabled(options.diagnostics);
    session->m_logits.resize(static_cast<std::size_t>(config.vocabSize));
    log()->info("loaded {} ({} layers, {}, context limit {}, weights {}, KV cache {})", folder, config.numHiddenLayers,
                backend.description(), limit, session->m_weights->resident() ? "resident" : "mapped", kvTypeName(kvType));
    return session;
}

cpu::GemmPrecision Session::prefillMatmul() const {
    if (const auto* cpuBackend = dynamic_cast<const Qwen3Forward*>(m_backend.get())) return cpuBackend->prefillMatmul();
    return cpu::GemmPrecision::Bf16;
}

Status Session::reserve(std::int64_t tokens) {
    QE_TRY(m_cache.reserve(tokens));
    if (m_diagnostics.enabled()) m_diagnostics.reserve(tokens);
    return {};
}

Result<std::int64_t> Session::prefill(std::span<const int> tokens, std::stop_token stop) {
    return prefillImpl(tokens, stop, true);
}

Result<std::int64_t> Session::prefillImpl(std::span<const int> tokens, std::stop_token stop, bool hostLogits) {
    if (tokens.empty()) return makeError(ErrorCode::InvalidArgument, "empty prompt: at least one token is needed");
    const auto total = static_cast<std::int64_t>(tokens.size());
    QE_TRY(reserve(total));
    // Keep the shared prefix, but recompute at least the last token to get its logits.
    const std::int64_t reuse = std::min(m_cache.commonPrefix(tokens), total - 1);
    m_cache.truncate(reuse);
    const std::int64_t chunk = m_backend->maxChunk();
    for (std::int64_t begin = reuse; begin < total; begin += chunk) {
        const std::int64_t end = std::min(begin + chunk, total);
        const LogitsFor which = end == total ? LogitsFor::Last : LogitsFor::None;
        QE_TRY(m_backend->forward(tokens.subspan(begin, end - begin), m_cache, which, hostLogits ? m_logits.data() : nullptr,
                                  stop, &m_diagnostics));
    }
    return total - reuse;
}

Status Session::step(int token, std::stop_token stop) { return stepImpl(token, stop, true); }

Status Session::stepImpl(int token, std::stop_token stop, bool hostLogits) {
    QE_TRY(reserve(m_cache.length() + 1));
    const int one[] = {token};
    return m_backend->forward(one, m_cache, LogitsFor::Last, hostLogits ? m_logits.data() : nullptr, stop, &m_diagnostics);
}

namespace {

// The distinct ids a penalty applies to, kept up to date token by token (the device sampler gets
// the list each step; sorting the whole context every token would cost more than the step at 32K).
class PenaltyIds {
public:
    PenaltyIds(bool active, std::int64_t vocab) : m_active(active) {
        if (active) m_seen.assign(static_cast<std::size_t>(vocab), 0);
    }
    void add(int id) {
        if (!m_active || id < 0 || static_cast<std::size_t>(id) >= m_seen.size() || m_seen[std::size_t(id)]) return;
        m_seen[std::size_t(id)] = 1;
        m_ids.push_back(id);
    }
    void add(std::span<const int> ids) {
        for (int id : ids) add(id);
    }
    std::span<const int> ids() const { return m_ids; }

private:
    bool m_active;
    std::vector<unsigned char> m_seen;
    std::vector<int> m_ids;
};

}  // namespace

Status Session::allLogits(std::span<const int> tokens, std::int64_t chunk, std::vector<float>& out, std::stop_token stop) {
    if (tokens.empty()) return makeError(ErrorCode::InvalidArgument, "empty token list");
    const auto total = static_cast<std::int64_t>(tokens.size());
    const std::int64_t vocab = config().vocabSize;
    chunk = chunk <= 0 ? m_backend->maxChunk() : std::min(chunk, m_backend->maxChunk());
    m_cache.clear();
    QE_TRY(reserve(total));
    out.resize(static_cast<std::size_t>(total * vocab));
    for (std::int64_t begin = 0; begin < total; begin += chunk) {
        const std::int64_t end = std::min(begin + chunk, total);
        QE_TRY(m_backend->forward(tokens.subspan(begin, end - begin), m_cache, LogitsFor::All, &out[begin * vocab], stop,
                                  &m_diagnostics));
    }
    std::copy_n(&out[(total - 1) * vocab], vocab, m_logits.begin());
    return {};
}

Status Session::attentionRow(std::int64_t layer, std::int64_t head, std::int64_t pos, std::vector<float>& out) {
    if (!m_diagnostics.enabled()) return makeError(ErrorCode::InvalidArgument, "diagnostics are switched off");
    return m_backend->attentionRow(layer, head, pos, m_diagnostics, m_cache, out);
}

Result<std::vector<TokenProb>> Session::logitLens(std::int64_t layer, std::int64_t pos, std::int64_t topK) {
    if (!m_diagnostics.enabled()) return makeError(ErrorCode::InvalidArgument, "diagnostics are switched off");
    if (pos < 0 || pos >= m_cache.length())
        return makeError(ErrorCode::InvalidArgument, "position " + std::to_string(pos) + " is not in the context");
    QE_TRY(m_backend->logitLens(layer, pos, m_diagnostics, m_lens));
    std::vector<TokenProb> top;
    topProbabilities(m_lens, static_cast<std::int64_t>(m_lens.size()), topK, m_order, top);
    return top;
}

void topProbabilities(std::span<const float> logits, std::int64_t limit, std::int64_t k, std::vector<int>& order,
                      std::vector<TokenProb>& out) {
    limit = std::clamp<std::int64_t>(limit, 1, static_cast<std::int64_t>(logits.size()));
    const float maxLogit = *std::max_element(logits.begin(), logits.begin() + limit);
    double sum = 0.0;
    for (std::int64_t i = 0; i < limit; ++i) sum += std::exp(static_cast<double>(logits[i] - maxLogit));
    order.resize(static_cast<std::size_t>(limit));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    const auto count = static_cast<std::ptrdiff_t>(std::clamp<std::int64_t>(k, 1, limit));
    std::partial_sort(order.begin(), order.begin() + count, order.end(),
                      [&](int a, int b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
    out.clear();
    for (std::ptrdiff_t i = 0; i < count; ++i)
        out.push_back({order[i], static_cast<float>(std::exp(static_cast<double>(logits[order[i]] - maxLogit)) / sum)});
}

Result<GenerateResult> Session::generate(const GenerateRequest& request, std::stop_token stop, const TokenFn& onToken) {
    QE_TRY(validateSampling(request.sampling));
    if (request.maxNewTokens < 0) return makeError(ErrorCode::InvalidArgument, "max new tokens must not be negative");
    const auto promptLen = static_cast<std::int64_t>(request.prompt.size());
    if (promptLen + std::max<std::int64_t>(request.maxNewTokens, 1) > contextLimit()) {
        return makeError(ErrorCode::InvalidArgument,
                         "context overflow: " + std::to_string(promptLen) + " prompt tokens + " +
                             std::to_string(request.maxNewTokens) + " new tokens exceed the context limit of " +
                             std::to_string(contextLimit()));
    }
    GenerateResult result;
    result.promptTokens = promptLen;
    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    // A backend that samples on its device keeps the logits there: only the token, its probability
    // and the alternatives cross over (and the whole row in the rare case it cannot decide).
    const bool onDevice = m_backend->samplesOnDevice();
    auto prefilled = prefillImpl(request.prompt, stop, !onDevice);
    if (!prefilled.ok()) {
        if (prefilled.error().code == ErrorCode::Cancelled) {
            result.stopReason = StopReason::Cancelled;
            return result;
        }
        return prefilled.error();
    }
    result.prefillTokens = *prefilled;
    result.reusedTokens = promptLen - *prefilled;
    auto t1 = Clock::now();
    result.prefillSeconds = std::chrono::duration<double>(t1 - t0).count();

    Sampler sampler(request.sampling, request.maskFrom);
    std::vector<int> context(request.prompt);
    context.reserve(static_cast<std::size_t>(promptLen + request.maxNewTokens));
    result.newTokens.reserve(static_cast<std::size_t>(request.maxNewTokens));
    std::vector<TokenProb> alternatives;
    alternatives.reserve(static_cast<std::size_t>(std::max<std::int64_t>(request.topAlternatives, 0)));
    const std::int64_t vocabLimit = request.maskFrom >= 0 ? request.maskFrom : config().vocabSize;
    const SamplingParams& params = request.sampling;
    PenaltyIds repetition(onDevice && !params.greedy && params.repetitionPenalty != 1.0f, config().vocabSize);
    PenaltyIds presence(onDevice && !params.greedy && params.presencePenalty != 0.0f, config().vocabSize);
    repetition.add(request.prompt);
    SampleOutcome outcome;
    auto decodeStart = Clock::now();
    result.stopReason = StopReason::Length;
    for (std::int64_t n = 0; n < request.maxNewTokens; ++n) {
        if (stop.stop_requested()) {
            result.stopReason = StopReason::Cancelled;
            break;
        }
        const std::int64_t wanted = onToken ? request.topAlternatives : 0;
        float prob = 0.0f;
        int token = 0;
        outcome.decided = false;
        const double uniform = params.greedy ? 0.0 : sampler.drawUniform();
        if (onDevice) {
            SampleRequest sr;
            sr.params = params;
            sr.limit = vocabLimit;
            sr.repetitionIds = repetition.ids();
            sr.presenceIds = presence.ids();
            sr.uniform = uniform;
            sr.alternatives = wanted;
            QE_TRY(m_backend->sample(sr, outcome));
            if (outcome.decided) {
                token = outcome.token;
                prob = outcome.prob;
                alternatives.assign(outcome.alternatives.begin(), outcome.alternatives.end());
            } else {
                QE_TRY(m_backend->readLogits(m_logits));
            }
        }
        if (!outcome.decided) {
            if (wanted > 0)  // before the sampler edits the logits
                topProbabilities(m_logits, vocabLimit, wanted, m_order, alternatives);
            // The model probability costs a softmax over the vocabulary: only when someone listens.
            token = sampler.sampleWith(uniform, m_logits, context, result.newTokens, onToken ? &prob : nullptr);
        }
        repetition.add(token);
        presence.add(token);
        result.newTokens.push_back(token);
        context.push_back(token);
        if (n == 0) decodeStart = Clock::now();  // decode rate: passes after the first token
        const bool keepGoing = !onToken || onToken(GeneratedToken{token, prob, alternatives});
        if (std::find(request.stopIds.begin(), request.stopIds.end(), token) != request.stopIds.end()) {
            result.stopReason = StopReason::Eos;
            break;
        }
        if (!keepGoing) {
            result.stopReason = StopReason::Cancelled;
            break;
        }
        if (n + 1 == request.maxNewTokens) break;  // no forward pass for a token nobody samples from
        Status s = stepImpl(token, stop, !onDevice);
        if (!s.ok()) {
            if (s.error().code == ErrorCode::Cancelled) {
                result.stopReason = StopReason::Cancelled;
                break;
            }
            return s.error();
        }
    }
    result.decodeSeconds = std::chrono::duration<double>(Clock::now() - decodeStart).count();
    return result;
}

}  // namespace qe
