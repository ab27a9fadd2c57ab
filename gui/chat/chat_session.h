// The chat logic on the GUI thread between the conversation store and the engine: builds the
// prompt of a thread with the model's chat template, checks it fits the context, starts and
// streams a reply into the conversation (saved before generation starts and at least every 2 s
// while streaming) with every token's probability and alternatives, and records the stats. A
// reply can be branched from one of its tokens into a new conversation and continued there.
// Widgets only display what it reports.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <nlohmann/json.hpp>

#include "gui/conversations/conversation.h"
#include "gui/engine/engine_events.h"

namespace qe::gui {

class ConversationStore;
class EngineController;

struct ReplyOptions {
    bool thinking = true;
    SamplingParams sampling;          // its seed is set from `seed`
    int maxNewTokens = 2048;
    int seed = -1;                    // < 0: a new seed for each reply (Settings::kRandomSeed)
};

struct BuiltPrompt {
    std::vector<int> tokens;
    bool thinkingStarted = false;  // the rendered prompt ends inside an open <think> block
    QString error;                 // technical message when rendering failed
};

class ChatSession : public QObject {
    Q_OBJECT
public:
    ChatSession(EngineController* engine, ConversationStore* store, QObject* parent = nullptr);

    void setModel(const ModelLoaded& loaded);
    void clearModel();
    bool hasModel() const { return m_tokenizer != nullptr; }
    std::int64_t contextLimit() const { return m_contextLimit; }
    // The loaded model's name (its folder's), recorded with each reply ("" without a model).
    const QString& modelName() const { return m_modelName; }

    // Chat messages (role/content JSON) of the thread up to and including `lastId` ("" = whole
    // thread), leaving out the first `droppedTurns` user turns and their replies.
    static nlohmann::ordered_json threadMessages(const Conversation& c, const QString& lastId, int droppedTurns);
    BuiltPrompt buildPrompt(const nlohmann::ordered_json& messages, bool thinking, bool addGenerationPrompt) const;
    // The prompt reply `reply` was generated after, built again from its PromptRecipe (empty
    // without a model or recipe, or when it no longer encodes to the recorded length). Cached per
    // message until the model changes: the inspector's selection asks for it on every change.
    const std::vector<int>& replyPrompt(const Conversation& c, const Message& reply) const;
    // Tokens the conversation's active thread takes in the context (0 without a model).
    std::int64_t contextUsage(const Conversation& c, bool thinking) const;
    // Renders messages for the template preview (text and token count).
    QString renderPreview(const nlohmann::ordered_json& messages, bool thinking, int* tokens, QString* error) const;

    enum class StartStatus { Started, NoModel, Busy, Overflow, Failed };
    struct StartResult {
        StartStatus status = StartStatus::Failed;
        std::int64_t needed = 0;      // Overflow: prompt tokens + the room a reply needs (replyRoom)
        std::int64_t limit = 0;
        int turnsToDrop = -1;         // Overflow: fewest oldest turns to drop so it fits; -1: none helps
        QString details;
    };
    // The room a reply needs in the context to start: Max new tokens, or where that is more, a
    // quarter of the context (at least min(256, half of it)). A reply that starts gets all the
    // room left, up to Max new tokens, and stops with ContextFull when the context is full. So a
    // long Max new tokens never blocks a short conversation, and a reply never starts with only a
    // few tokens left.
    std::int64_t replyRoom(int maxNewTokens) const;
    // Adds an assistant reply under `parentId` (a user message) and starts generating it.
    StartResult startReply(const QString& conversationId, const QString& parentId, const ReplyOptions& options);

    struct BranchResult {
        QString conversationId;       // the new conversation; "" on failure
        QString messageId;            // its last message, the forced reply
        QString details;              // technical message on failure
    };
    // Copies the history before the finished reply `messageId` into a new conversation and adds a
    // reply there made of the reply's tokens before `tokenIndex` followed by `alternativeId`, one
    // of the alternatives at that step. The original conversation is not changed. Needs a model
    // (to decode the forced token); generate the rest with continueReply().
    BranchResult createBranch(const QString& conversationId, const QString& messageId, int tokenIndex, int alternativeId);
    // Generates more of the assistant reply `messageId` (on the active thread) after its tokens.
    // The prompt is the reply's own prompt, built again from its PromptRecipe (options.thinking
    // is not used), followed by the reply's token ids: never its re-tokenized text, which could
    // split differently. So the engine reuses the KV cache of the prefix they share.
    StartResult continueReply(const QString& conversationId, const QString& messageId, const ReplyOptions& options);
    // Feeds the reply `messageId` (on the active thread) again, its prompt and its tokens as in
    // continueReply, so the inspector holds its diagnostics: for a reply from an earlier session
    // or one the latest generation has replaced. Generates nothing and changes nothing in the
    // conversation; ends with inspectionFinished. A reply started meanwhile cancels it.
    StartResult inspectReply(const QString& conversationId, const QString& messageId);
    bool isInspecting() const { return m_inspectId != 0; }
    const QString& inspectedMessage() const { return m_inspectMessage; }
    // Stops the streaming reply or the inspection.
    void stop();
    bool isGenerating() const { return m_requestId != 0; }
    const QString& streamingConversation() const { return m_conversationId; }
    const QString& streamingMessage() const { return m_messageId; }
    // Tokens the streaming reply's conversation takes in the context now: its prompt and the
    // tokens generated so far (0 when nothing streams). Cheap, for a meter that follows the stream.
    std::int64_t streamingContextUsage() const { return isGenerating() ? m_streamPromptTokens + m_streamNewTokens : 0; }
    // Saves the streaming reply now (quit, conversation switch).
    void flushSave();
    // Streamed text is on disk at most this long after it arrived (the promise is 2 s; the
    // margin covers a busy event loop).
    static constexpr int kMaxUnsavedMs = 1500;

signals:
    void messageUpdated(const QString& conversationId, const QString& messageId);
    void busyChanged(bool busy);
    // Generation ended (any reason); `messageId` is the reply.
    void replyFinished(const QString& conversationId, const QString& messageId);
    void replyFailed(const QString& conversationId, const QString& messageId, qe::ErrorCode code, const QString& details);
    // An inspection ended: `completed` when the inspector now holds all of the reply; else it was
    // stopped, replaced by a reply, or failed (`details` says why; empty when stopped).
    void inspectionFinished(const QString& conversationId, const QString& messageId, bool completed, const QString& details);

private:
    // NoModel or Busy when no reply can start now, else Failed (nothing decided yet).
    StartResult precheck() const;
    // Marks `result` Overflow when a prompt of `promptTokens` leaves less than replyRoom.
    bool overflows(std::int64_t promptTokens, const ReplyOptions& options, StartResult& result) const;
    // Generates up to Max new tokens, or as many as the context has room for.
    void startStream(const QString& conversationId, const QString& messageId, std::vector<int> prompt, const ReplyOptions& options);
    // Reply `messageId` of `c` when it is on the active thread with its prompt recipe, else null.
    static Message* replyOnThread(Conversation* c, const QString& messageId);
    // The reply's prompt, built again from its PromptRecipe, followed by its token ids.
    BuiltPrompt replyContext(const Conversation& c, const Message& reply) const;
    // Ends a running inspection (its events are no longer awaited) and says so.
    void endInspection(bool completed, const QString& details);
    MessageToken messageToken(const TokenPiece& piece) const;
    // The token alone as text, special tokens kept ("" without a model).
    QString tokenText(int id) const;
    void onTokens(const TokenBatch& batch);
    void onFinished(const GenerationFinished& finished);
    void onFailed(const EngineFailed& failed, bool isLoad);
    Message* streamingMessagePtr();
    void endStream();

    EngineController* m_engine;
    ConversationStore* m_store;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    std::shared_ptr<const ChatTemplate> m_template;
    std::int64_t m_contextLimit = 0;
    QString m_modelName;

    RequestId m_requestId = 0;
    bool m_contextCapped = false;
    std::int64_t m_streamPromptTokens = 0;
    std::int64_t m_streamNewTokens = 0;     // the streaming reply's limit is the context's room, not Max new tokens
    QString m_conversationId;
    QString m_messageId;
    QElapsedTimer m_sinceStart;
    QTimer m_saveTimer;               // single-shot, started by the first unsaved token
    mutable std::map<QString, std::vector<int>> m_replyPrompts;  // replyPrompt's cache, by message id
    RequestId m_inspectId = 0;
    QString m_inspectConversation;
    QString m_inspectMessage;
};

}  // namespace qe::gui
