// EngineWorker: runs loads and generations on the engine thread and reports value events.
#include "gui/engine/engine_worker.h"

#include <chrono>
#include <exception>
#include <filesystem>

#include <QThread>

#include "core/chat/chat_template.h"
#include "core/model_info.h"
#include "core/tokenizer/stream_decoder.h"
#include "core/tokenizer/tokenizer.h"

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
    card.weightBytes = m_session->weights().fileBytes();
    card.kvBytesPerToken = sizes.kvBytesPerTokenF32;
    card.contextLimit = m_session->contextLimit();
    card.layers = config.numHiddenLayers;
    card.hiddenSize = config.hiddenSize;
    card.threads = m_session->threads();
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
    // Diagnostics: positions up to the reused cache prefix are unchanged, so the first delta
    // starts where what the GUI holds, the cache and the prompt stop agreeing.
    const auto promptLen = static_cast<std::int64_t>(request.prompt.size());
    const std::int64_t reused = std::min(m_session->cache().commonPrefix(request.prompt), std::max<std::int64_t>(promptLen - 1, 0));
    std::int64_t diagSent = std::min(m_session->cache().commonPrefix(request.diagnosticsTokens), reused);
    std::vector<int> context(request.prompt);
    std::vector<PositionToken> generated;
    auto sendDiagnostics = [&] {
        const std::int64_t cached = m_session->cache().length();
        diagSent = std::min(diagSent, cached);
        emit diagnosticsReady(DiagnosticsDelta{id, makeDelta(diagSent, context, generated, promptLen)});
        diagSent = cached;
    };
    auto flush = [&] {
        if (batch.tokens.empty()) return;
        sendDiagnostics();
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
        if (batch.tokens.empty()) batch.tokens.push_back(TokenPiece{-1, std::move(tail), 0.0f});
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
    return data;
}

// Engine thread.
void EngineWorker::runAttention(const AttentionRequest& request) {
    Q_ASSERT(QThread::currentThread() == thread());
    try {
        doAttention(request);
    } catch (...) {
        emit attentionReady(AttentionRows{request.requestId, request.layer, request.head, 0, 0, 0, nullptr,
                                          QStringLiteral("unexpected error while computing attention")});
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
    AttentionRows rows{request.requestId, request.layer, request.head, request.firstPos, 0, 0, nullptr, {}};
    auto failWith = [&](const std::string& message) {
        rows.error = QString::fromStdString(message);
        emit attentionReady(rows);
    };
    if (!m_session) return failWith("no model is loaded");
    const std::int64_t cached = m_session->cache().length();
    if (request.firstPos < 0 || request.firstPos > request.lastPos || request.lastPos >= cached)
        return failWith("positions " + std::to_string(request.firstPos) + ".." + std::to_string(request.lastPos) +
                        " are not in the context of " + std::to_string(cached) + " tokens");
    rows.rows = request.lastPos - request.firstPos + 1;
    rows.keys = request.lastPos + 1;
    if (rows.rows * rows.keys > kMaxAttentionValues)
        return failWith("attention range too large: " + std::to_string(rows.rows) + " x " + std::to_string(rows.keys));
    auto probs = std::make_shared<std::vector<float>>(static_cast<std::size_t>(rows.rows * rows.keys), 0.0f);
    std::vector<float> row;
    for (std::int64_t pos = request.firstPos; pos <= request.lastPos; ++pos) {
        Status s = m_session->attentionRow(request.layer, request.head, pos, row);
        if (!s.ok()) return failWith(s.error().text());
        std::copy(row.begin(), row.end(), probs->begin() + (pos - request.firstPos) * rows.keys);
    }
    rows.probs = std::move(probs);
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
