// A conversation as a tree of messages: editing a user message or regenerating a reply adds a
// sibling, so every earlier version stays reachable (‹1/2›). The visible thread follows each
// node's active child from the active root.
#pragma once

#include <optional>
#include <vector>

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include "core/sampler.h"

namespace qe::gui {

enum class Role { System, User, Assistant };

struct MessageStats {
    qint64 promptTokens = 0;
    qint64 reusedTokens = 0;
    qint64 newTokens = 0;
    double timeToFirstToken = 0.0;    // seconds
    double decodeTokensPerSecond = 0.0;
    double prefillTokensPerSecond = 0.0;
};

// One of the most likely tokens at a generation step.
struct TokenAlternative {
    int id = 0;
    float prob = 0.0f;
    QString text;                     // the token alone, decoded with special tokens kept
};

// One generated token of an assistant reply. The texts of a reply's tokens concatenate to its
// text, so a token maps to a span of the reply.
struct MessageToken {
    int id = -1;                      // -1: text that is no token (the decoder's held-back bytes)
    QString text;                     // what this token added to the reply (may be empty)
    float prob = -1.0f;               // under the model's own distribution; < 0 unknown
    std::vector<TokenAlternative> alternatives;  // most likely first
};

// How an assistant reply's prompt was built, so that its exact token ids can be built again
// (continuing the reply from one of its tokens reuses the cached prefix).
struct PromptRecipe {
    bool thinking = true;             // enable_thinking
    int droppedTurns = 0;             // leading user turns left out
    qint64 tokens = 0;                // prompt length = context position of the reply's first token
};

// How an assistant message ended.
// Length: the reply reached Max new tokens; ContextFull: it filled the model's context first.
enum class FinishState { Complete, Streaming, Stopped, Length, Failed, ContextFull };

struct Message {
    QString id;
    QString parentId;                 // "" for a first message
    Role role = Role::User;
    QString text;                     // user/system: the message; assistant: raw model output
    bool thinkingStarted = false;     // assistant: the prompt opened the think block
    double thinkingSeconds = -1.0;    // assistant: time spent reasoning; < 0 unknown
    FinishState finish = FinishState::Complete;
    std::optional<MessageStats> stats;
    std::vector<MessageToken> tokens;  // assistant: generated tokens (empty for older files)
    std::optional<PromptRecipe> prompt;  // assistant: unknown for older files
    QString model;                    // assistant: the model folder's name that generated it ("" for older files)
    // assistant: the sampling its tokens were drawn with, seed included (of its last part, for a
    // reply continued from one of its tokens); unknown for older files.
    std::optional<SamplingParams> sampling;
    QString activeChild;              // id of the child shown in the thread
    QDateTime created;
};

struct Conversation {
    QString id;
    QString title;
    QDateTime created;
    QDateTime updated;
    std::vector<Message> messages;    // every version, in creation order
    QString activeRoot;
    int droppedTurns = 0;             // leading user turns not sent to the model (context limit)

    // The active path, first message to last.
    std::vector<const Message*> thread() const;
    const Message* find(const QString& id) const;
    Message* find(const QString& id);
    // Ids of the messages sharing `id`'s parent, in creation order.
    std::vector<QString> siblings(const QString& id) const;
    // Appends a message under `parentId` ("" = a new first message) and makes it active.
    Message& append(const QString& parentId, Role role, const QString& text);
    // Makes `id` the active child of its parent.
    void activate(const QString& id);
    // Removes message `id` if nothing follows it (false otherwise); when it was shown, the last
    // of its remaining siblings is shown instead (none: the thread ends at its parent).
    bool removeLeaf(const QString& id);
    // The words searched for: title and every message text.
    bool matches(const QString& needle) const;

    QJsonObject toJson() const;
    // Fails (returns nullopt) on a document that is not a conversation.
    static std::optional<Conversation> fromJson(const QJsonObject& json);
};

QString newId();

// Reads a conversation file (the store's, or an export with every version). nullopt, with *reason
// set to a short phrase (the file cannot be opened, is not JSON, or is not a conversation), when
// it cannot be used.
std::optional<Conversation> readConversationFile(const QString& path, QString* reason);

}  // namespace qe::gui
