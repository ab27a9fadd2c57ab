// Requests to and events from the engine thread (style.md §4). All are immutable value types,
// registered as metatypes here so they travel through queued connections. Every event carries
// the requestId of the request it answers; the controller drops events of stale requests.
#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <QMetaType>
#include <QString>

#include "core/result.h"
#include "core/sampler.h"
#include "core/session.h"
#include "gui/engine/attention_watch.h"

namespace qe {
class Tokenizer;
class ChatTemplate;
}  // namespace qe

namespace qe::gui {

using RequestId = std::uint64_t;

// Load a model folder. Settings (threads) are copied in on the GUI thread.
struct LoadRequest {
    RequestId requestId = 0;
    QString folder;
    int threads = 0;                 // 0: all hardware threads
    std::int64_t maxContext = 0;     // 0: the model's own limit
    std::stop_token stop;
    std::uint64_t diagnosticsBudgetBytes = SessionOptions{}.diagnosticsBudgetBytes;  // kept hidden states
    BackendKind backend = BackendKind::Auto;
    KvType kvCache = KvType::F32;    // the CPU backend's cache
    cpu::GemmPrecision prefillMatmul = cpu::GemmPrecision::F32;  // the CPU's prompt products
};

// One position of the context as the inspector sees it: the token there and, for a generated
// token, its probability and the alternatives when it was sampled (prob < 0: prompt token).
struct PositionToken {
    int id = 0;
    float prob = -1.0f;
    std::vector<TokenProb> alternatives;
};

// Generate a reply for already tokenized prompt.
struct GenerationRequest {
    RequestId requestId = 0;
    std::vector<int> prompt;         // rendered chat template, encoded
    SamplingParams sampling;
    std::int64_t maxNewTokens = 1024;
    std::stop_token stop;
    // Token ids of the diagnostics positions the GUI already holds (EngineController fills it
    // in). The first DiagnosticsDelta of this generation starts where these, the KV cache and
    // the prompt stop agreeing (diagnostics of a position depend only on the tokens up to it).
    std::vector<int> diagnosticsTokens;
    // The head the attention map shows (null or none: no live rows). While generating, the
    // worker streams the row of each new position for it as liveAttentionReady events.
    std::shared_ptr<const AttentionWatch> attentionWatch;
    // An inspection: the prompt is only fed (prefilled), for the diagnostics of its positions,
    // and no token is generated (maxNewTokens is not used). Its last `replayed.size()` tokens are
    // a reply generated earlier; their probabilities and alternatives are those it was generated with.
    bool inspect = false;
    std::vector<PositionToken> replayed;
};

// On demand (inspector): attention of query head `head` in `layer` for query positions
// [firstPos, lastPos], over keys 0..lastPos, recomputed by the worker from the session.
// block > 1: aggregated into block × block tiles (gui/engine/attention_tiles.h) as the rows
// are computed, so a long context never needs the exact matrix in memory.
struct AttentionRequest {
    RequestId requestId = 0;
    std::int64_t layer = 0;
    std::int64_t head = 0;
    std::int64_t firstPos = 0;
    std::int64_t lastPos = 0;
    std::int64_t block = 1;
};

// On demand (inspector): logit lens at `pos`, top-k after every layer.
struct LogitLensRequest {
    RequestId requestId = 0;
    std::int64_t pos = 0;
    std::int64_t topK = 8;
};

struct LoadProgress {
    RequestId requestId = 0;
    std::uint64_t bytesDone = 0;
    std::uint64_t bytesTotal = 0;
    double seconds = 0.0;            // since the load started
    double bytesPerSecond() const { return seconds > 0 ? bytesDone / seconds : 0.0; }
    // Remaining seconds at the current rate; negative when unknown.
    double etaSeconds() const {
        const double rate = bytesPerSecond();
        return rate > 0 && bytesTotal >= bytesDone ? (bytesTotal - bytesDone) / rate : -1.0;
    }
};

// What the model card shows.
struct ModelCard {
    QString folder;
    QString name;                    // folder name
    QString architecture;            // "Qwen3ForCausalLM"
    std::int64_t parameters = 0;
    QString dtype;                   // "BF16", "F32", "BF16+F32"
    std::optional<Quantization> quantization;  // AWQ or FP8 linear layers (config.json)
    std::uint64_t weightBytes = 0;   // Weights::memoryBytes(): the checkpoint's file bytes (memory-mapped), with AWQ's
                                     // repacked layers counted instead of their files
    std::int64_t kvBytesPerToken = 0;
    KvType kvCache = KvType::F32;    // element type of the cache
    // The CPU's prompt products in effect (Session::prefillMatmul); unused on the GPU.
    cpu::GemmPrecision prefillMatmul = cpu::GemmPrecision::F32;
    std::int64_t contextLimit = 0;
    std::int64_t layers = 0;
    std::int64_t hiddenSize = 0;
    int threads = 0;                 // CPU threads (0 on the GPU)
    QString cpuIsa;                  // on the CPU: the instruction sets in use, "avx512f+avx2+fma+f16c"
    QString device;                  // Backend::description(): "CPU, 8 threads, avx2+fma+f16c", "CUDA, NVIDIA H200 (…)"
    QString backendNote;             // why Automatic did not use the GPU, or the GPU's shorter context (English detail)
    double loadSeconds = 0.0;
};

// The tokenizer and chat template are immutable and thread-safe for const use, so the GUI
// thread may share them (token counts, prompt previews).
struct ModelLoaded {
    RequestId requestId = 0;
    ModelCard card;
    std::shared_ptr<const Tokenizer> tokenizer;
    std::shared_ptr<const ChatTemplate> chatTemplate;
    std::vector<int> stopIds;
    GenerationConfig generation;
    ModelConfig config;              // the loaded model's shape (inspector)
    // The checkpoint mapped once more for the inspector's tensor statistics: mapped read-only and
    // never modified, so any thread may read it while holding this (null if it could not be opened).
    std::shared_ptr<const SafetensorsCheckpoint> checkpoint;
};

struct TokenPiece {
    int id = 0;
    std::string text;                // UTF-8, complete characters (may be empty)
    float prob = 0.0f;               // probability under the unmodified model distribution
    std::vector<TokenProb> alternatives;  // the most likely tokens at this step, most likely first
};

struct TokenBatch {
    RequestId requestId = 0;
    std::vector<TokenPiece> tokens;
    double timeToFirstToken = -1.0;  // seconds; set on the batch holding the first token
};

struct GenerationStats {
    std::int64_t promptTokens = 0;
    std::int64_t reusedTokens = 0;   // prompt tokens served from the KV cache
    std::int64_t prefillTokens = 0;
    std::int64_t newTokens = 0;
    double prefillTokensPerSecond = 0.0;
    double decodeTokensPerSecond = 0.0;
    double timeToFirstToken = 0.0;   // seconds from request start to the first sampled token
    double totalSeconds = 0.0;
};

struct GenerationFinished {
    RequestId requestId = 0;
    StopReason reason = StopReason::Length;
    GenerationStats stats;
};

// The always-on diagnostics of new positions (core/diagnostics.h), sent with the token batches
// of a generation and once more before GenerationFinished. The receiver drops what it holds
// from `firstPos` on and appends. Per-position arrays cover `positions` positions; `tokens` may
// hold one more (the last sampled token is not fed through the model yet).
struct DiagnosticsData {
    std::int64_t firstPos = 0;
    std::int64_t positions = 0;
    std::int64_t layers = 0;
    std::int64_t heads = 0;
    std::int64_t promptTokens = 0;           // positions < promptTokens are the prompt
    std::vector<PositionToken> tokens;       // [positions or positions + 1]
    std::vector<float> residualRms;          // [positions][layers]
    std::vector<float> mlpRms;               // [positions][layers]
    std::vector<float> entropy;              // [positions][layers][heads], nats
    std::vector<float> sink;                 // [positions][layers][heads]
    std::vector<double> layerSeconds;        // [layers], the latest forward call
    // Kept hidden states (what the attention map and logit lens are recomputed from): bytes in
    // use, the budget, and how many positions from 0 on have one.
    std::uint64_t hiddenBytesUsed = 0;
    std::uint64_t hiddenBudgetBytes = 0;
    std::int64_t hiddenPositions = 0;
};

struct DiagnosticsDelta {
    RequestId requestId = 0;                 // the generation
    std::shared_ptr<const DiagnosticsData> data;
};

// Attention of one head: exact rows (block 1) or aggregated tiles. Streamed during a generation
// (liveAttentionReady, requestId of the generation: rows to append) or answering a request.
struct AttentionRows {
    RequestId requestId = 0;
    std::int64_t layer = 0;
    std::int64_t head = 0;
    std::int64_t firstPos = 0;
    std::int64_t rows = 0;                   // cells down: query positions firstPos.. in steps of block
    std::int64_t keys = 0;                   // cells across: key positions 0.. in steps of block; block 1: lastPos + 1
    std::shared_ptr<const std::vector<float>> probs;  // [rows][keys], row-major; exact, or each tile's maximum; 0 above the diagonal
    QString error;                           // technical message; empty on success
    std::int64_t block = 1;                  // positions per cell side
    std::int64_t lastPos = -1;               // last query position covered (the last tiles may be partial)
    std::shared_ptr<const std::vector<float>> means;  // [rows][keys], block > 1 only: each tile's causal mean
};

struct LogitLens {
    RequestId requestId = 0;
    std::int64_t pos = 0;
    std::vector<std::vector<TokenProb>> layers;  // [layers][topK], most likely first
    QString error;
};

// Terminal event of a failed request (load or generation).
struct EngineFailed {
    RequestId requestId = 0;
    ErrorCode code = ErrorCode::Internal;
    QString message;                 // technical text for the Details pane and the log
};

// Registers every type above with Qt's meta-type system; call once before connecting.
void registerEngineMetaTypes();

}  // namespace qe::gui

Q_DECLARE_METATYPE(qe::gui::LoadRequest)
Q_DECLARE_METATYPE(qe::gui::GenerationRequest)
Q_DECLARE_METATYPE(qe::gui::LoadProgress)
Q_DECLARE_METATYPE(qe::gui::ModelLoaded)
Q_DECLARE_METATYPE(qe::gui::TokenBatch)
Q_DECLARE_METATYPE(qe::gui::GenerationFinished)
Q_DECLARE_METATYPE(qe::gui::EngineFailed)
Q_DECLARE_METATYPE(qe::gui::AttentionRequest)
Q_DECLARE_METATYPE(qe::gui::LogitLensRequest)
Q_DECLARE_METATYPE(qe::gui::DiagnosticsDelta)
Q_DECLARE_METATYPE(qe::gui::AttentionRows)
Q_DECLARE_METATYPE(qe::gui::LogitLens)
