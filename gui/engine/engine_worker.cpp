// EngineWorker: runs loads and generations on the engine thread and reports value events.
#include "gui/engine/engine_worker.h"

#include <chrono>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>

#include <QThread>

#include "core/chat/chat_template.h"
#include "core/cpu/cpu_kernels.h"
#include "core/model_info.h"
#include "core/tokenizer/stream_decoder.h"
#include "core/tokenizer/tokenizer.h"
#include "gui/engine/attention_tiles.h"

namespace qe::gui {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr auto kFlushInterval = std::chrono::milliseconds(30);
constexpr std::size_t kFlushTokens = 16;
constexpr std::int64_t kTopAlternatives = 5;  // alternatives shown for each generated token
constexpr auto kProgressInterval = std::chrono::milliseconds(50);
constexpr std::int64_t kMaxAttentionValues = 16 << 20;  // one AttentionRows event: at most 64 MiB of fp32
constexpr std::int64_t kMaxLensTopK = 50;

// An answer of `layer`, `head` from `firstPos` on, empty until filled in.
AttentionRows attentionRows(RequestId id, std::int64_t layer, std::int64_t head, std::int64_t firstPos) {
    AttentionRows rows;
    rows.requestId = id;
    rows.layer = layer;
    rows.head = head;
    rows.firstPos = firstPos;
    return rows;
}

// Attention rows of the watched head for the positions a generation feeds, batched like the
// tokens. One row per new position (a single query over the cached keys): next to a decode
// step's full forward pass this is a rounding error.
class LiveAttention {
public:
    using SendFn = std::function<void(const AttentionRows&)>;

    LiveAttention(Session& session, const GenerationRequest& request, SendFn send)
        : m_session(session), m_watch(request.attentionWatch), m_id(request.requestId), m_send(std::move(send)) {}

    // Engine thread, inside the token callback: the row of the newest cached position for the
    // head watched now. A head switch sends what was batched for the previous head first.
    void addNewest() {
        const AttentionWatch::Head head = m_watch ? m_watch->get() : AttentionWatch::Head{};
        if (head != m_head) flush();
        m_head = head;
        const std::int64_t pos = m_session.cache().length() - 1;
        // Beyond the diagnostics budget there is no hidden state to recompute the row from.
        if (!head.valid() || pos < 0 || !m_session.attentionRow(head.layer, head.head, pos, m_row).ok()) return;
        if (m_rows == 0) m_firstPos = pos;
        if (pos != m_firstPos + m_rows) {  // not contiguous (cannot happen while decoding): start over
            flush();
            m_firstPos = pos;
        }
        m_pending.insert(m_pending.end(), m_row.begin(), m_row.end());
        ++m_rows;
    }

    // Sends the batched rows as one [rows][lastPos + 1] block, zero above the diagonal.
    void flush() {
        if (m_rows == 0) return;
        AttentionRows rows = attentionRows(m_id, m_head.layer, m_head.head, m_firstPos);
        rows.rows = m_rows;
        rows.keys = m_firstPos + m_rows;
        rows.lastPos = m_firstPos + m_rows - 1;
        auto probs = std::make_shared<std::vector<float>>(static_cast<std::size_t>(rows.rows * rows.keys), 0.0f);
        auto from = m_pending.begin();
        for (std::int64_t row = 0; row < m_rows; ++row) {
            const std::int64_t length = m_firstPos + row + 1;  // keys 0..pos
            std::copy(from, from + length, probs->begin() + row * rows.keys);
            from += length;
        }
        rows.probs = std::move(probs);
        m_pending.clear();
        m_rows = 0;
        m_send(rows);
    }

private:
    Session& m_session;
    std::shared_ptr<const AttentionWatch> m_watch;
    RequestId m_id;
    SendFn m_send;
    AttentionWatch::Head m_head;
    std::int64_t m_firstPos = 0;
    std::int64_t m_rows = 0;
    std::vector<float> m_row;      // [pos + 1], scratch
    std::vector<float> m_pending;  // rows back to back, each pos + 1 long
};

}  // namespace

EngineWorker::EngineWorker() = default;
EngineWorker::~EngineWorker() = default;

void EngineWorker::fail(RequestId id, const Error& error) {
    emit engineFailed(EngineFailed{id, error.code, QString::fromStdString(error.text())});
}

// Engine thread.
void EngineWorker::runLoad(const LoadRequest& request) {
    Q_ASSERT(QThread::currentThread() == thread());
    try {
        doLoad(request);
    } catch (const std::exception& e) {
        fail(request.requestId, makeError(ErrorCode::Internal, std::string("unexpected error while loading: ") + e.what()));
    } catch (...) {
        fail(request.requestId, makeError(ErrorCode::Internal, "unexpected error while loading"));
    }
}

// Engine thread.
void EngineWorker::runGeneration(const GenerationRequest& request) {
    Q_ASSERT(QThread::currentThread() == thread());
    try {
        doGenerate(request);
    } catch (const std::exception& e) {
        fail(request.requestId, makeError(ErrorCode::Internal, std::string("unexpected error while generating: ") + e.what()));
    } catch (...) {
        fail(request.requestId, makeError(ErrorCode::Internal, "unexpected error while generating"));
    }
}

void EngineWorker::doLoad(const LoadRequest& request) {
    const auto start = Clock::now();
    m_session.reset();
    m_tokenizer.reset();
    if (request.stop.stop_requested()) {
        fail(request.requestId, makeError(ErrorCode::Cancelled, "loading cancelled"));
        return;
    }
    const std::string folder = std::filesystem::path(request.folder.toStdU16String()).string();
    auto tokenizer = Tokenizer::load(folder);
    if (!tokenizer.ok()) return fail(request.requestId, tokenizer.error());
    auto chatTemplate = ChatTemplate::fromModelDir(folder);
    if (!chatTemplate.ok()) return fail(request.requestId, chatTemplate.error());

    auto lastProgress = Clock::now() - kProgressInterval;
    const RequestId id = request.requestId;
    auto progress = [&](std::uint64_t done, std::uint64_t total) {
        const auto now = Clock::now();
        if (now - lastProgress < kProgressInterval && done < total) return;
        lastProgress = now;
        emit loadProgress(LoadProgress{id, done, total, secondsSince(start)});
    };
    SessionOptions options;
    options.threads = request.threads;
    options.maxContext = request.maxContext;
    options.diagnosticsBudgetBytes = request.diagnosticsBudgetBytes;
    options.backend = request.backend;
    options.kvCache = request.kvCache;
    options.prefillMatmul = request.prefillMatmul;
    auto session = Session::load(folder, options, request.stop, progress);
    if (!session.ok()) return fail(id, session.error());
    if (request.stop.stop_requested()) return fail(id, makeError(ErrorCode::Cancelled, "loading cancelled"));

    m_session = std::move(session).value();
    m_tokenizer = std::shared_ptr<const Tokenizer>(std::move(tokenizer).value());
    const ModelConfig& config = m_session->config();
    const ModelSizes sizes = computeModelSizes(config);

    ModelLoaded loaded;
    loaded.requestId = id;
    ModelCard& card = loaded.card;
    card.folder = request.folder;
    card.name = QString::fromStdString(std::filesystem::path(folder).filename().string());
    if (card.name.isEmpty()) card.name = QString::fromStdString(std::filesystem::path(folder).parent_path().filename().string());
    card.architecture = config.architectures.empty() ? QString::fromStdString(config.modelType)
                                                     : QString::fromStdString(config.architectures.front());
    card.parameters = sizes.total;
    card.dtype = QString::fromStdString(m_session->weights().dtypeSummary());
    card.quantization = config.quantization;
    card.weightBytes = m_session->weights().memoryBytes();
    card.kvCache = m_session->cache().type();  // bf16 on the GPU whatever was asked
    card.kvBytesPerToken = card.kvCache == KvType::BF16 ? sizes.kvBytesPerTokenBf16 : sizes.kvBytesPerTokenF32;
    card.device = QString::fromStdString(m_session->backend().description());
    card.prefillMatmul = m_session->prefillMatmul();
    card.backendNote = QString::fromStdString(m_session->backendNote());
    card.contextLimit = m_session->contextLimit();
    card.layers = config.numHiddenLayers;
    card.hiddenSize = config.hiddenSize;
    card.threads = m_session->threads();
    if (card.threads > 0) card.cpuIsa = QString::fromLatin1(cpu::isaName(cpu::activeIsa()));
    card.loadSeconds = secondsSince(start);
    loaded.tokenizer = m_tokenizer;
    loaded.chatTemplate = std::make_shared<const ChatTemplate>(std::move(chatTemplate).value());
    loaded.stopIds = stopTokenIds(config, m_session->generationConfig());
    if (auto imEnd = m_tokenizer->tokenId("<|im_end|>")) {
        if (std::find(loaded.stopIds.begin(), loaded.stopIds.end(), *imEnd) == loaded.stopIds.end())
            loaded.stopIds.push_back(*imEnd);
    }
    loaded.generation = m_session->generationConfig();
    loaded.config = config;
    if (auto checkpoint = SafetensorsCheckpoint::open(folder); checkpoint.ok())
        loaded.checkpoint = std::make_shared<const SafetensorsCheckpoint>(std::move(checkpoint).value());
    emit modelLoaded(loaded);
}

void EngineWorker::doGenerate(const GenerationRequest& request) {
    const RequestId id = request.requestId;
    const auto start = Clock::now();
    if (!m_session || !m_tokenizer) return fail(id, makeError(ErrorCode::InvalidArgument, "no model is loaded"));
    if (request.stop.stop_requested()) {
        emit generationFinished(GenerationFinished{id, StopReason::Cancelled, {}});
        return;
    }
    if (request.inspect) return doInspect(request);
    GenerateRequest generate;
    generate.prompt = request.prompt;
    generate.sampling = request.sampling;
    generate.maxNewTokens = request.maxNewTokens;
    generate.maskFrom = m_tokenizer->size();
    generate.topAlternatives = kTopAlternatives;
    generate.stopIds = stopTokenIds(m_session->config(), m_session->generationConfig());
    if (auto imEnd = m_tokenizer->tokenId("<|im_end|>")) generate.stopIds.push_back(*imEnd);

    StreamDecoder decoder(*m_tokenizer, DecodeOptions{.skipSpecial = true});
    TokenBatch batch{id, {}, -1.0};
    batch.tokens.reserve(kFlushTokens);
    auto lastFlush = Clock::now();
    double timeToFirstToken = -1.0;
    const auto promptLen = static_cast<std::int64_t>(request.prompt.size());
    auto [reused, diagSent] = unchangedPrefix(request);
    std::vector<int> context(request.prompt);
    std::vector<PositionToken> generated;
    auto sendDiagnostics = [&] {
        const std::int64_t cached = m_session->cache().length();
        diagSent = std::min(diagSent, cached);
        emit diagnosticsReady(DiagnosticsDelta{id, makeDelta(diagSent, context, generated, promptLen)});
        diagSent = cached;
    };
    LiveAttention live(*m_session, request, [this](const AttentionRows& rows) { emit liveAttentionReady(rows); });
    auto flush = [&] {
        if (batch.tokens.empty()) return;
        sendDiagnostics();
        live.flush();
        emit tokensReady(batch);
        batch.tokens.clear();
        batch.timeToFirstToken = -1.0;
        lastFlush = Clock::now();
    };
    auto onToken = [&](const GeneratedToken& token) {
        if (timeToFirstToken < 0) {
            timeToFirstToken = secondsSince(start);
            batch.timeToFirstToken = timeToFirstToken;
        }
        live.addNewest();
        context.push_back(token.id);
        generated.push_back(PositionToken{token.id, token.prob,
                                          std::vector<TokenProb>(token.alternatives.begin(), token.alternatives.end())});
        auto piece = decoder.push(token.id);
        batch.tokens.push_back(TokenPiece{token.id, piece.ok() ? std::move(piece).value() : std::string(), token.prob,
                                          std::vector<TokenProb>(token.alternatives.begin(), token.alternatives.end())});
        if (batch.tokens.size() >= kFlushTokens || Clock::now() - lastFlush >= kFlushInterval) flush();
        return !request.stop.stop_requested();
    };
    auto result = m_session->generate(generate, request.stop, onToken);
    if (!result.ok()) {
        flush();
        return fail(id, result.error());
    }
    if (batch.tokens.empty()) sendDiagnostics();  // else flush() below sends them
    std::string tail = decoder.finish();
    if (!tail.empty()) {
        if (batch.tokens.empty()) batch.tokens.push_back(TokenPiece{-1, std::move(tail), 0.0f, {}});
        else batch.tokens.back().text += tail;
    }
    flush();
    GenerationFinished finished;
    finished.requestId = id;
    finished.reason = request.stop.stop_requested() ? StopReason::Cancelled : result->stopReason;
    GenerationStats& stats = finished.stats;
    stats.promptTokens = result->promptTokens;
    stats.reusedTokens = result->reusedTokens;
    stats.prefillTokens = result->prefillTokens;
    stats.newTokens = static_cast<std::int64_t>(result->newTokens.size());
    stats.prefillTokensPerSecond = result->prefillTokensPerSecond();
    stats.decodeTokensPerSecond = result->decodeTokensPerSecond();
    stats.timeToFirstToken = std::max(timeToFirstToken, 0.0);
    stats.totalSeconds = secondsSince(start);
    emit generationFinished(finished);
}

std::pair<std::int64_t, std::int64_t> EngineWorker::unchangedPrefix(const GenerationRequest& request) const {
    // Diagnostics: positions up to the reused cache prefix are unchanged, so the first delta
    // starts where what the GUI holds, the cache and the prompt stop agreeing.
    const auto promptLen = static_cast<std::int64_t>(request.prompt.size());
    const std::int64_t reused = std::min(m_session->cache().commonPrefix(request.prompt), std::max<std::int64_t>(promptLen - 1, 0));
    return {reused, std::min(m_session->cache().commonPrefix(request.diagnosticsTokens), reused)};
}

void EngineWorker::doInspect(const GenerationRequest& request) {
    const RequestId id = request.requestId;
    const auto start = Clock::now();
    const auto total = static_cast<std::int64_t>(request.prompt.size());
    const auto replayed = static_cast<std::int64_t>(request.replayed.size());
    if (total == 0 || replayed > total)
        return fail(id, makeError(ErrorCode::InvalidArgument, "an inspection needs tokens, and no more replayed ones than tokens"));
    auto [reused, diagSent] = unchangedPrefix(request);
    const auto prefilled = m_session->prefill(request.prompt, request.stop);
    if (!prefilled.ok() && prefilled.error().code != ErrorCode::Cancelled) return fail(id, prefilled.error());
    // Cancelled: the cache holds a prefix, and the GUI learns which.
    const std::int64_t cached = m_session->cache().length();
    diagSent = std::min(diagSent, cached);
    const auto context = std::span<const int>(request.prompt).first(static_cast<std::size_t>(cached));
    emit diagnosticsReady(DiagnosticsDelta{id, makeDelta(diagSent, context, request.replayed, total - replayed)});
    GenerationFinished finished;
    finished.requestId = id;
    finished.reason = prefilled.ok() ? StopReason::Length : StopReason::Cancelled;
    finished.stats.promptTokens = total;
    finished.stats.reusedTokens = reused;
    finished.stats.prefillTokens = std::max<std::int64_t>(cached - reused, 0);
    finished.stats.totalSeconds = secondsSince(start);
    if (finished.stats.totalSeconds > 0)
        finished.stats.prefillTokensPerSecond = static_cast<double>(finished.stats.prefillTokens) / finished.stats.totalSeconds;
    emit generationFinished(finished);
}

std::shared_ptr<const DiagnosticsData> EngineWorker::makeDelta(std::int64_t firstPos, std::span<const int> context,
                                                               std::span<const PositionToken> generated,
                                                               std::int64_t promptTokens) const {
    const Diagnostics& d = m_session->diagnostics();
    auto data = std::make_shared<DiagnosticsData>();
    const std::int64_t cached = m_session->cache().length();
    data->firstPos = firstPos;
    data->positions = d.enabled() ? std::max<std::int64_t>(cached - firstPos, 0) : 0;
    data->layers = d.layers();
    data->heads = d.heads();
    data->promptTokens = promptTokens;
    const auto end = static_cast<std::int64_t>(context.size());
    for (std::int64_t pos = firstPos; pos < end; ++pos) {
        if (pos < promptTokens) data->tokens.push_back(PositionToken{context[pos], -1.0f, {}});
        else data->tokens.push_back(generated[static_cast<std::size_t>(pos - promptTokens)]);
    }
    const std::int64_t layers = d.layers(), heads = d.heads();
    data->residualRms.reserve(static_cast<std::size_t>(data->positions * layers));
    data->entropy.reserve(static_cast<std::size_t>(data->positions * layers * heads));
    for (std::int64_t pos = firstPos; pos < firstPos + data->positions; ++pos) {
        for (std::int64_t layer = 0; layer < layers; ++layer) {
            data->residualRms.push_back(d.residualRms(pos, layer));
            data->mlpRms.push_back(d.mlpActivationRms(pos, layer));
            for (std::int64_t head = 0; head < heads; ++head) {
                data->entropy.push_back(d.attentionEntropy(pos, layer, head));
                data->sink.push_back(d.attentionSink(pos, layer, head));
            }
        }
    }
    data->layerSeconds = d.layerSeconds();
    data->hiddenBytesUsed = d.enabled() ? d.hiddenBytesUsed() : 0;
    data->hiddenBudgetBytes = d.hiddenBudgetBytes();
    // Positions 0..n-1 keep theirs: the cached ones among those the budget has room for.
    const auto room = static_cast<std::int64_t>(d.hiddenBytesUsed() / std::max<std::uint64_t>(d.hiddenBytesPerPosition(), 1));
    data->hiddenPositions = d.enabled() ? std::min(cached, room) : 0;
    return data;
}

// Engine thread.
void EngineWorker::runAttention(const AttentionRequest& request) {
    Q_ASSERT(QThread::currentThread() == thread());
    try {
        doAttention(request);
    } catch (...) {
        AttentionRows rows = attentionRows(request.requestId, request.layer, request.head, request.firstPos);
        rows.error = QStringLiteral("unexpected error while computing attention");
        emit attentionReady(rows);
    }
}

// Engine thread.
void EngineWorker::runLogitLens(const LogitLensRequest& request) {
    Q_ASSERT(QThread::currentThread() == thread());
    try {
        doLogitLens(request);
    } catch (...) {
        emit logitLensReady(LogitLens{request.requestId, request.pos, {}, QStringLiteral("unexpected error in the logit lens")});
    }
}

void EngineWorker::doAttention(const AttentionRequest& request) {
    AttentionRows rows = attentionRows(request.requestId, request.layer, request.head, request.firstPos);
    rows.block = request.block;
    rows.lastPos = request.lastPos;
    auto failWith = [&](const std::string& message) {
        rows.error = QString::fromStdString(message);
        emit attentionReady(rows);
    };
    if (!m_session) return failWith("no model is loaded");
    const std::int64_t cached = m_session->cache().length();
    if (request.firstPos < 0 || request.firstPos > request.lastPos || request.lastPos >= cached)
        return failWith("positions " + std::to_string(request.firstPos) + ".." + std::to_string(request.lastPos) +
                        " are not in the context of " + std::to_string(cached) + " tokens");
    if (request.block < 1) return failWith("attention block size " + std::to_string(request.block) + ", expected >= 1");
    const std::int64_t block = request.block;
    rows.rows = (request.lastPos - request.firstPos + block) / block;
    rows.keys = (request.lastPos + block) / block;
    if (rows.rows * rows.keys > kMaxAttentionValues)
        return failWith("attention range too large: " + std::to_string(rows.rows) + " x " + std::to_string(rows.keys) +
                        " cells of block " + std::to_string(request.block));
    // Exact rows go straight into the answer; aggregated ones are folded into tiles one row at
    // a time, so memory stays at one row plus the tiles whatever the context length.
    std::optional<AttentionTiles> tiles;
    std::shared_ptr<std::vector<float>> probs;
    if (block > 1) tiles.emplace(request.firstPos, request.lastPos, block);
    else probs = std::make_shared<std::vector<float>>(static_cast<std::size_t>(rows.rows * rows.keys), 0.0f);
    std::vector<float> row;
    for (std::int64_t pos = request.firstPos; pos <= request.lastPos; ++pos) {
        Status s = m_session->attentionRow(request.layer, request.head, pos, row);
        if (!s.ok()) return failWith(s.error().text());
        if (probs) std::copy(row.begin(), row.end(), probs->begin() + (pos - request.firstPos) * rows.keys);
        else tiles->addRow(pos, row);
    }
    if (probs) {
        rows.probs = std::move(probs);
    } else {
        rows.probs = std::make_shared<const std::vector<float>>(tiles->maxima());
        rows.means = std::make_shared<const std::vector<float>>(tiles->means());
    }
    emit attentionReady(rows);
}

void EngineWorker::doLogitLens(const LogitLensRequest& request) {
    LogitLens lens{request.requestId, request.pos, {}, {}};
    if (!m_session) {
        lens.error = QStringLiteral("no model is loaded");
        return emit logitLensReady(lens);
    }
    const std::int64_t topK = std::clamp<std::int64_t>(request.topK, 1, kMaxLensTopK);
    for (std::int64_t layer = 0; layer < m_session->config().numHiddenLayers; ++layer) {
        auto top = m_session->logitLens(layer, request.pos, topK);
        if (!top.ok()) {
            lens.layers.clear();
            lens.error = QString::fromStdString(top.error().text());
            break;
        }
        lens.layers.push_back(std::move(top).value());
    }
    emit logitLensReady(lens);
}

}  // namespace qe::gui
