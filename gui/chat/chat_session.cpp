// ChatSession: prompt building, context checks and the streaming reply's life cycle.
#include "gui/chat/chat_session.h"

#include <algorithm>
#include <limits>

#include <QRandomGenerator>

#include "core/chat/chat_template.h"
#include "core/chat/output_parser.h"
#include "core/tokenizer/stream_decoder.h"
#include "core/tokenizer/tokenizer.h"
#include "gui/conversations/conversation_store.h"
#include "gui/engine/engine_controller.h"

namespace qe::gui {

namespace {

const char* roleKey(Role role) {
    switch (role) {
    case Role::System: return "system";
    case Role::User: return "user";
    case Role::Assistant: return "assistant";
    }
    return "user";
}

// The messages from the first one down to `id`, following parent links (not the active path).
std::vector<Message> pathTo(const Conversation& c, const QString& id) {
    std::vector<Message> path;
    for (const Message* m = c.find(id); m && path.size() < c.messages.size(); m = c.find(m->parentId)) path.push_back(*m);
    std::reverse(path.begin(), path.end());
    return path;
}

}  // namespace

ChatSession::ChatSession(EngineController* engine, ConversationStore* store, QObject* parent)
    : QObject(parent), m_engine(engine), m_store(store) {
    connect(m_engine, &EngineController::tokensReady, this, &ChatSession::onTokens);
    connect(m_engine, &EngineController::generationFinished, this, &ChatSession::onFinished);
    connect(m_engine, &EngineController::engineFailed, this, &ChatSession::onFailed);
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(kMaxUnsavedMs);
    connect(&m_saveTimer, &QTimer::timeout, this, &ChatSession::flushSave);
}

const std::vector<int>& ChatSession::replyPrompt(const Conversation& c, const Message& reply) const {
    static const std::vector<int> none;
    if (!reply.prompt || !hasModel()) return none;
    if (auto it = m_replyPrompts.find(reply.id); it != m_replyPrompts.end()) return it->second;
    BuiltPrompt built = buildPrompt(threadMessages(c, reply.parentId, reply.prompt->droppedTurns), reply.prompt->thinking, true);
    if (!built.error.isEmpty() || static_cast<qint64>(built.tokens.size()) != reply.prompt->tokens) built.tokens.clear();
    return m_replyPrompts.emplace(reply.id, std::move(built.tokens)).first->second;
}

void ChatSession::setModel(const ModelLoaded& loaded) {
    m_replyPrompts.clear();
    m_tokenizer = loaded.tokenizer;
    m_template = loaded.chatTemplate;
    m_contextLimit = loaded.card.contextLimit;
    m_modelName = loaded.card.name;
}

void ChatSession::clearModel() {
    if (isGenerating()) {
        // A new load makes the engine drop this generation's events: end it here.
        stop();
        if (Message* m = streamingMessagePtr()) m->finish = FinishState::Stopped;
        endStream();
    }
    if (isInspecting()) {
        stop();
        endInspection(false, QString());
    }
    m_tokenizer.reset();
    m_template.reset();
    m_replyPrompts.clear();
    m_contextLimit = 0;
    m_modelName.clear();
}

namespace {

// User turns in the thread up to and including `lastId` ("" = the whole thread).
int userTurns(const Conversation& c, const QString& lastId) {
    int turns = 0;
    for (const Message* m : c.thread()) {
        turns += m->role == Role::User;
        if (!lastId.isEmpty() && m->id == lastId) break;
    }
    return turns;
}

// The conversation's dropped turns as a prompt of `turns` user turns sees them: never its own last
// one. A new branch (an edited first message, a new system prompt) can be shorter than the thread
// they were counted on.
int droppedTurnsFor(const Conversation& c, int turns) { return std::min(c.droppedTurns, std::max(0, turns - 1)); }

}  // namespace

nlohmann::ordered_json ChatSession::threadMessages(const Conversation& c, const QString& lastId, int droppedTurns) {
    auto messages = nlohmann::ordered_json::array();
    int userTurns = 0;
    for (const Message* m : c.thread()) {
        if (m->role == Role::User) ++userTurns;
        const bool dropped = m->role != Role::System && userTurns <= droppedTurns;
        if (!dropped) {
            std::string content = m->text.toStdString();
            // Earlier replies go back as their answer; the template drops old reasoning anyway.
            if (m->role == Role::Assistant) content = parseOutput(content, m->thinkingStarted).content;
            messages.push_back({{"role", roleKey(m->role)}, {"content", content}});
        }
        if (!lastId.isEmpty() && m->id == lastId) break;
    }
    return messages;
}

BuiltPrompt ChatSession::buildPrompt(const nlohmann::ordered_json& messages, bool thinking, bool addGenerationPrompt) const {
    BuiltPrompt built;
    if (!m_tokenizer || !m_template) {
        built.error = QStringLiteral("no model is loaded");
        return built;
    }
    ChatTemplateInput input;
    input.messages = messages;
    input.addGenerationPrompt = addGenerationPrompt;
    input.enableThinking = thinking;
    auto rendered = m_template->render(input);
    if (!rendered.ok()) {
        built.error = QString::fromStdString(rendered.error().text());
        return built;
    }
    const std::string& text = *rendered;
    const std::string open = "<think>\n";
    built.thinkingStarted = addGenerationPrompt && text.size() >= open.size() &&
                            text.compare(text.size() - open.size(), open.size(), open) == 0;
    built.tokens = m_tokenizer->encode(text);
    return built;
}

std::int64_t ChatSession::contextUsage(const Conversation& c, bool thinking) const {
    if (!hasModel()) return 0;
    const auto messages = threadMessages(c, QString(), droppedTurnsFor(c, userTurns(c, QString())));
    if (messages.empty()) return 0;
    return static_cast<std::int64_t>(buildPrompt(messages, thinking, false).tokens.size());
}

QString ChatSession::renderPreview(const nlohmann::ordered_json& messages, bool thinking, int* tokens, QString* error) const {
    *tokens = -1;
    if (!m_template || !m_tokenizer) return {};
    ChatTemplateInput input;
    input.messages = messages;
    input.addGenerationPrompt = true;
    input.enableThinking = thinking;
    auto rendered = m_template->render(input);
    if (!rendered.ok()) {
        *error = QString::fromStdString(rendered.error().text());
        return {};
    }
    *tokens = static_cast<int>(m_tokenizer->encode(*rendered).size());
    return QString::fromStdString(*rendered);
}

ChatSession::StartResult ChatSession::precheck() const {
    StartResult result;
    if (!hasModel()) result.status = StartStatus::NoModel;
    else if (isGenerating()) result.status = StartStatus::Busy;
    return result;
}

std::int64_t ChatSession::replyRoom(int maxNewTokens) const {
    const std::int64_t floor = std::max<std::int64_t>(m_contextLimit / 4, std::min<std::int64_t>(256, m_contextLimit / 2));
    return std::max<std::int64_t>(1, std::min<std::int64_t>(maxNewTokens, floor));
}

bool ChatSession::overflows(std::int64_t promptTokens, const ReplyOptions& options, StartResult& result) const {
    const std::int64_t needed = promptTokens + replyRoom(options.maxNewTokens);
    if (needed <= m_contextLimit) return false;
    result.status = StartStatus::Overflow;
    result.needed = needed;
    result.limit = m_contextLimit;
    return true;
}

ChatSession::StartResult ChatSession::startReply(const QString& conversationId, const QString& parentId,
                                                 const ReplyOptions& options) {
    StartResult result = precheck();
    if (result.status != StartStatus::Failed) return result;
    Conversation* c = m_store->find(conversationId);
    if (!c || !c->find(parentId)) {
        result.details = QStringLiteral("unknown conversation or message");
        return result;
    }
    const int turns = userTurns(*c, parentId);
    const int dropped = droppedTurnsFor(*c, turns);
    const BuiltPrompt prompt = buildPrompt(threadMessages(*c, parentId, dropped), options.thinking, true);
    if (!prompt.error.isEmpty()) {
        result.details = prompt.error;
        return result;
    }
    if (overflows(static_cast<std::int64_t>(prompt.tokens.size()), options, result)) {
        // Fewest oldest turns to leave out so that the prompt leaves a reply its room.
        for (int drop = dropped + 1; drop < turns; ++drop) {
            const BuiltPrompt smaller = buildPrompt(threadMessages(*c, parentId, drop), options.thinking, true);
            StartResult ignored;
            if (smaller.error.isEmpty() && !overflows(static_cast<std::int64_t>(smaller.tokens.size()), options, ignored)) {
                result.turnsToDrop = drop;
                break;
            }
        }
        return result;
    }
    Message& reply = c->append(parentId, Role::Assistant, QString());
    reply.thinkingStarted = prompt.thinkingStarted;
    reply.finish = FinishState::Streaming;
    reply.prompt = PromptRecipe{options.thinking, dropped, static_cast<qint64>(prompt.tokens.size())};
    if (c->title.isEmpty()) {
        const Message* first = nullptr;
        for (const Message* m : c->thread())
            if (!first && m->role == Role::User) first = m;
        if (first) c->title = first->text.simplified().left(48);
    }
    startStream(conversationId, reply.id, prompt.tokens, options);
    result.status = StartStatus::Started;
    return result;
}

ChatSession::BranchResult ChatSession::createBranch(const QString& conversationId, const QString& messageId, int tokenIndex,
                                                    int alternativeId) {
    BranchResult result;
    const Conversation* source = m_store->find(conversationId);
    const Message* found = source ? source->find(messageId) : nullptr;
    if (!found || found->role != Role::Assistant || !found->prompt || found->finish == FinishState::Streaming) {
        result.details = QStringLiteral("message %1 is not a finished reply with a known prompt").arg(messageId);
        return result;
    }
    if (tokenIndex < 0 || tokenIndex >= static_cast<int>(found->tokens.size())) {
        result.details = QStringLiteral("token %1 is not in the reply's %2 tokens").arg(tokenIndex).arg(found->tokens.size());
        return result;
    }
    const MessageToken& at = found->tokens[static_cast<std::size_t>(tokenIndex)];
    const auto alternative = std::find_if(at.alternatives.begin(), at.alternatives.end(),
                                          [&](const TokenAlternative& a) { return a.id == alternativeId; });
    if (alternative == at.alternatives.end() || !m_tokenizer) {
        result.details = m_tokenizer ? QStringLiteral("token id %1 is not an alternative at that step").arg(alternativeId)
                                     : QStringLiteral("no model is loaded");
        return result;
    }
    // Copies first: creating the conversation may move the source in memory.
    const Message reply = *found;
    const std::vector<Message> history = pathTo(*source, reply.parentId);
    const int droppedTurns = source->droppedTurns;
    const QString title = source->title.isEmpty() ? tr("Untitled conversation") : source->title;

    std::vector<MessageToken> tokens(reply.tokens.begin(), reply.tokens.begin() + tokenIndex);
    std::vector<int> ids;
    for (const MessageToken& t : tokens) ids.push_back(t.id);
    // The forced token's text as the engine would have streamed it after the same ids.
    StreamDecoder decoder(*m_tokenizer, DecodeOptions{.skipSpecial = true});
    const bool decoded = decoder.push(ids).ok();
    auto piece = decoder.push(alternativeId);
    tokens.push_back(MessageToken{alternativeId, decoded && piece.ok() ? QString::fromStdString(*piece) : QString(),
                                  alternative->prob, at.alternatives});
    QString text;
    for (const MessageToken& t : tokens) text += t.text;

    //: Title of a conversation branched from a token of another one; %1 is that one's title.
    Conversation& branch = m_store->create(tr("Branch of %1").arg(title));
    branch.droppedTurns = droppedTurns;
    QString parent;
    for (const Message& m : history) {  // fresh ids; the path is the branch's only thread
        Message copy = m;
        copy.id = newId();
        copy.parentId = parent;
        copy.activeChild.clear();
        branch.messages.push_back(copy);
        branch.activate(copy.id);
        parent = copy.id;
    }
    Message& forced = branch.append(parent, Role::Assistant, text);
    forced.tokens = std::move(tokens);
    forced.prompt = reply.prompt;
    forced.thinkingStarted = reply.thinkingStarted;
    // Stopped until continued: a valid, if short, reply should generation not start.
    forced.finish = FinishState::Stopped;
    if (parseOutput(text.toStdString(), reply.thinkingStarted).hasThinkBlock) forced.thinkingSeconds = reply.thinkingSeconds;
    result.conversationId = branch.id;
    result.messageId = forced.id;
    m_store->save(branch.id);
    emit m_store->conversationsChanged();
    return result;
}

ChatSession::StartResult ChatSession::continueReply(const QString& conversationId, const QString& messageId,
                                                    const ReplyOptions& options) {
    StartResult result = precheck();
    if (result.status != StartStatus::Failed) return result;
    Conversation* c = m_store->find(conversationId);
    Message* reply = replyOnThread(c, messageId);
    if (!reply) {
        result.details = QStringLiteral("message %1 is not a reply with a known prompt on the active thread").arg(messageId);
        return result;
    }
    BuiltPrompt prompt = replyContext(*c, *reply);
    if (!prompt.error.isEmpty()) {
        result.details = prompt.error;
        return result;
    }
    // Leaving out turns would change the prefix being continued.
    if (overflows(static_cast<std::int64_t>(prompt.tokens.size()), options, result)) return result;
    reply->finish = FinishState::Streaming;
    reply->stats.reset();
    startStream(conversationId, messageId, std::move(prompt.tokens), options);
    result.status = StartStatus::Started;
    return result;
}

Message* ChatSession::replyOnThread(Conversation* c, const QString& messageId) {
    Message* reply = c ? c->find(messageId) : nullptr;
    const auto thread = c ? c->thread() : std::vector<const Message*>{};
    if (!reply || reply->role != Role::Assistant || !reply->prompt || std::find(thread.begin(), thread.end(), reply) == thread.end())
        return nullptr;
    return reply;
}

BuiltPrompt ChatSession::replyContext(const Conversation& c, const Message& reply) const {
    const PromptRecipe recipe = *reply.prompt;
    BuiltPrompt prompt = buildPrompt(threadMessages(c, reply.parentId, recipe.droppedTurns), recipe.thinking, true);
    if (prompt.error.isEmpty() && static_cast<qint64>(prompt.tokens.size()) != recipe.tokens)
        prompt.error = QStringLiteral("the reply's prompt now encodes to %1 tokens instead of %2 (another model or chat template?)")
                           .arg(prompt.tokens.size())
                           .arg(recipe.tokens);
    if (!prompt.error.isEmpty()) return prompt;
    for (const MessageToken& t : reply.tokens)
        if (t.id >= 0) prompt.tokens.push_back(t.id);  // id < 0: held-back bytes, no token
    return prompt;
}

ChatSession::StartResult ChatSession::inspectReply(const QString& conversationId, const QString& messageId) {
    StartResult result = precheck();
    if (result.status != StartStatus::Failed) return result;
    Conversation* c = m_store->find(conversationId);
    Message* reply = replyOnThread(c, messageId);
    if (!reply) {
        result.details = QStringLiteral("message %1 is not a reply with a known prompt on the active thread").arg(messageId);
        return result;
    }
    BuiltPrompt context = replyContext(*c, *reply);
    if (context.error.isEmpty() && static_cast<std::int64_t>(context.tokens.size()) > m_contextLimit)
        context.error = QStringLiteral("the reply and its prompt take %1 tokens, more than the model's context of %2")
                            .arg(context.tokens.size())
                            .arg(m_contextLimit);
    if (!context.error.isEmpty()) {
        result.details = context.error;
        return result;
    }
    std::vector<PositionToken> replayed;
    for (const MessageToken& t : reply->tokens) {
        if (t.id < 0) continue;
        PositionToken position{t.id, t.prob, {}};
        for (const TokenAlternative& a : t.alternatives) position.alternatives.push_back(TokenProb{a.id, a.prob});
        replayed.push_back(std::move(position));
    }
    if (isInspecting()) endInspection(false, QString());
    m_inspectConversation = conversationId;
    m_inspectMessage = messageId;
    m_inspectId = m_engine->inspect(std::move(context.tokens), std::move(replayed));
    result.status = StartStatus::Started;
    return result;
}

void ChatSession::endInspection(bool completed, const QString& details) {
    const QString conversationId = m_inspectConversation;
    const QString messageId = m_inspectMessage;
    m_inspectId = 0;
    m_inspectConversation.clear();
    m_inspectMessage.clear();
    emit inspectionFinished(conversationId, messageId, completed, details);
}

void ChatSession::startStream(const QString& conversationId, const QString& messageId, std::vector<int> prompt,
                              const ReplyOptions& options) {
    m_conversationId = conversationId;
    m_messageId = messageId;
    // Seeds below 2^31, so that the one a reply names fits the sampling panel's box.
    SamplingParams sampling = options.sampling;
    sampling.seed = static_cast<std::uint64_t>(options.seed >= 0 ? options.seed
                                                                  : QRandomGenerator::global()->bounded(std::numeric_limits<int>::max()));
    if (Message* m = streamingMessagePtr()) {
        m->model = m_modelName;  // a continued reply: the model that continues it
        m->sampling = sampling;
    }
    // The user's message (or the reply being continued) is on disk before generation starts.
    m_store->save(conversationId);
    emit m_store->conversationsChanged();
    const std::int64_t room = m_contextLimit - static_cast<std::int64_t>(prompt.size());
    const int maxNew = static_cast<int>(std::clamp<std::int64_t>(room, 1, options.maxNewTokens));
    m_contextCapped = maxNew < options.maxNewTokens;
    m_streamPromptTokens = static_cast<std::int64_t>(prompt.size());
    m_streamNewTokens = 0;
    m_sinceStart.start();
    if (isInspecting()) endInspection(false, QString());  // generate() cancels it
    m_requestId = m_engine->generate(std::move(prompt), sampling, maxNew);
    emit busyChanged(true);
}

void ChatSession::stop() {
    if (isGenerating() || isInspecting()) m_engine->cancelGeneration();
}

Message* ChatSession::streamingMessagePtr() {
    Conversation* c = m_store->find(m_conversationId);
    return c ? c->find(m_messageId) : nullptr;
}

void ChatSession::flushSave() {
    m_saveTimer.stop();
    if (isGenerating() && m_store->find(m_conversationId)) m_store->save(m_conversationId);
}

MessageToken ChatSession::messageToken(const TokenPiece& piece) const {
    // id < 0: the decoder's held-back bytes at the end, text without a token of its own.
    MessageToken token{piece.id, QString::fromStdString(piece.text), piece.id < 0 ? -1.0f : piece.prob, {}};
    token.alternatives.reserve(piece.alternatives.size());
    for (const TokenProb& a : piece.alternatives) token.alternatives.push_back(TokenAlternative{a.id, a.prob, tokenText(a.id)});
    return token;
}

QString ChatSession::tokenText(int id) const {
    if (!m_tokenizer) return {};
    auto text = m_tokenizer->decode(std::span<const int>(&id, 1), DecodeOptions{.skipSpecial = false});
    return text.ok() ? QString::fromStdString(*text) : QString();
}

void ChatSession::onTokens(const TokenBatch& batch) {
    if (batch.requestId != m_requestId) return;
    Message* m = streamingMessagePtr();
    if (!m) return;
    for (const TokenPiece& piece : batch.tokens) {
        m->tokens.push_back(messageToken(piece));
        m->text += m->tokens.back().text;
        if (piece.id >= 0) ++m_streamNewTokens;
    }
    if (m->thinkingSeconds < 0) {
        const ParsedOutput parsed = parseOutput(m->text.toStdString(), m->thinkingStarted);
        if (parsed.hasThinkBlock) m->thinkingSeconds = m_sinceStart.elapsed() / 1000.0;
    }
    if (!m_saveTimer.isActive()) m_saveTimer.start();
    emit messageUpdated(m_conversationId, m_messageId);
}

void ChatSession::onFinished(const GenerationFinished& finished) {
    if (isInspecting() && finished.requestId == m_inspectId)
        return endInspection(finished.reason != StopReason::Cancelled, QString());
    if (finished.requestId != m_requestId) return;
    if (Message* m = streamingMessagePtr()) {
        switch (finished.reason) {
        case StopReason::Eos: m->finish = FinishState::Complete; break;
        case StopReason::Length: m->finish = m_contextCapped ? FinishState::ContextFull : FinishState::Length; break;
        case StopReason::Cancelled: m->finish = FinishState::Stopped; break;
        }
        MessageStats stats;
        stats.promptTokens = finished.stats.promptTokens;
        stats.reusedTokens = finished.stats.reusedTokens;
        stats.newTokens = finished.stats.newTokens;
        stats.timeToFirstToken = finished.stats.timeToFirstToken;
        stats.decodeTokensPerSecond = finished.stats.decodeTokensPerSecond;
        stats.prefillTokensPerSecond = finished.stats.prefillTokensPerSecond;
        m->stats = stats;
    }
    endStream();
}

void ChatSession::onFailed(const EngineFailed& failed, bool isLoad) {
    if (!isLoad && isInspecting() && failed.requestId == m_inspectId) return endInspection(false, failed.message);
    if (isLoad || failed.requestId != m_requestId) return;
    const QString conversationId = m_conversationId;
    const QString messageId = m_messageId;
    if (Message* m = streamingMessagePtr()) m->finish = FinishState::Failed;
    endStream();
    emit replyFailed(conversationId, messageId, failed.code, failed.message);
}

void ChatSession::endStream() {
    m_saveTimer.stop();
    const QString conversationId = m_conversationId;
    const QString messageId = m_messageId;
    if (Conversation* c = m_store->find(conversationId)) {
        c->updated = QDateTime::currentDateTimeUtc();
        m_store->save(conversationId);
    }
    m_requestId = 0;
    m_conversationId.clear();
    m_messageId.clear();
    emit busyChanged(false);
    emit messageUpdated(conversationId, messageId);
    emit replyFinished(conversationId, messageId);
}

}  // namespace qe::gui
