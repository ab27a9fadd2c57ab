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
    auto flush = [&] {
        if (batch.tokens.empty()) return;
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

}  // namespace qe::gui
