// Conversation tree operations and the JSON form stored on disk.
#include "gui/conversations/conversation.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iterator>

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QUuid>

namespace qe::gui {

QString newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

std::vector<const Message*> Conversation::thread() const {
    std::vector<const Message*> path;
    const Message* node = find(activeRoot);
    while (node && path.size() <= messages.size()) {
        path.push_back(node);
        node = node->activeChild.isEmpty() ? nullptr : find(node->activeChild);
    }
    return path;
}

const Message* Conversation::find(const QString& id) const {
    for (const Message& m : messages)
        if (m.id == id) return &m;
    return nullptr;
}

Message* Conversation::find(const QString& id) {
    return const_cast<Message*>(static_cast<const Conversation*>(this)->find(id));
}

std::vector<QString> Conversation::siblings(const QString& id) const {
    std::vector<QString> out;
    const Message* self = find(id);
    if (!self) return out;
    for (const Message& m : messages)
        if (m.parentId == self->parentId) out.push_back(m.id);
    return out;
}

Message& Conversation::append(const QString& parentId, Role role, const QString& text) {
    Message m;
    m.id = newId();
    m.parentId = parentId;
    m.role = role;
    m.text = text;
    m.created = QDateTime::currentDateTimeUtc();
    messages.push_back(m);
    activate(m.id);
    updated = m.created;
    return messages.back();
}

void Conversation::activate(const QString& id) {
    const Message* self = find(id);
    if (!self) return;
    if (self->parentId.isEmpty()) {
        activeRoot = id;
    } else if (Message* parent = find(self->parentId)) {
        parent->activeChild = id;
    }
}

bool Conversation::removeLeaf(const QString& id) {
    const auto it = std::find_if(messages.begin(), messages.end(), [&](const Message& m) { return m.id == id; });
    if (it == messages.end()) return false;
    if (std::any_of(messages.begin(), messages.end(), [&](const Message& m) { return m.parentId == id; })) return false;
    const QString parentId = it->parentId;
    messages.erase(it);
    Message* parent = parentId.isEmpty() ? nullptr : find(parentId);
    QString& shown = parent ? parent->activeChild : activeRoot;
    if (shown == id) {
        shown.clear();
        for (const Message& m : messages)
            if (m.parentId == parentId) shown = m.id;  // the last in creation order
    }
    updated = QDateTime::currentDateTimeUtc();
    return true;
}

bool Conversation::matches(const QString& needle) const {
    if (needle.isEmpty() || title.contains(needle, Qt::CaseInsensitive)) return true;
    for (const Message& m : messages)
        if (m.text.contains(needle, Qt::CaseInsensitive)) return true;
    return false;
}

namespace {

QString roleName(Role role) {
    switch (role) {
    case Role::System: return QStringLiteral("system");
    case Role::User: return QStringLiteral("user");
    case Role::Assistant: return QStringLiteral("assistant");
    }
    return QStringLiteral("user");
}

std::optional<Role> roleFromName(const QString& name) {
    if (name == QStringLiteral("system")) return Role::System;
    if (name == QStringLiteral("user")) return Role::User;
    if (name == QStringLiteral("assistant")) return Role::Assistant;
    return std::nullopt;
}

const char* const kFinishNames[] = {"complete", "streaming", "stopped", "length", "failed", "context_full"};

QJsonObject statsToJson(const MessageStats& s) {
    return QJsonObject{{QStringLiteral("prompt_tokens"), s.promptTokens},
                       {QStringLiteral("reused_tokens"), s.reusedTokens},
                       {QStringLiteral("new_tokens"), s.newTokens},
                       {QStringLiteral("ttft"), s.timeToFirstToken},
                       {QStringLiteral("decode_tps"), s.decodeTokensPerSecond},
                       {QStringLiteral("prefill_tps"), s.prefillTokensPerSecond}};
}

MessageStats statsFromJson(const QJsonObject& o) {
    MessageStats s;
    s.promptTokens = o.value(QStringLiteral("prompt_tokens")).toInteger();
    s.reusedTokens = o.value(QStringLiteral("reused_tokens")).toInteger();
    s.newTokens = o.value(QStringLiteral("new_tokens")).toInteger();
    s.timeToFirstToken = o.value(QStringLiteral("ttft")).toDouble();
    s.decodeTokensPerSecond = o.value(QStringLiteral("decode_tps")).toDouble();
    s.prefillTokensPerSecond = o.value(QStringLiteral("prefill_tps")).toDouble();
    return s;
}

// A float probability written with its shortest decimal form ("0.231", not the 17 digits of
// the double it widens to): replies carry several numbers per token.
double shortest(float value) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer - 1, value).ptr;
    *end = '\0';
    return std::strtod(buffer, nullptr);
}

// Tokens in a compact form: {"id", "text", "p", "alt": [[id, p, text], ...]}.
QJsonArray tokensToJson(const std::vector<MessageToken>& tokens) {
    QJsonArray list;
    for (const MessageToken& t : tokens) {
        QJsonArray alternatives;
        for (const TokenAlternative& a : t.alternatives) alternatives.append(QJsonArray{a.id, shortest(a.prob), a.text});
        list.append(QJsonObject{{QStringLiteral("id"), t.id},
                                {QStringLiteral("text"), t.text},
                                {QStringLiteral("p"), shortest(t.prob)},
                                {QStringLiteral("alt"), alternatives}});
    }
    return list;
}

std::vector<MessageToken> tokensFromJson(const QJsonArray& list) {
    std::vector<MessageToken> tokens;
    tokens.reserve(static_cast<std::size_t>(list.size()));
    for (const QJsonValue& value : list) {
        const QJsonObject o = value.toObject();
        MessageToken t;
        t.id = o.value(QStringLiteral("id")).toInt(-1);
        t.text = o.value(QStringLiteral("text")).toString();
        t.prob = static_cast<float>(o.value(QStringLiteral("p")).toDouble(-1.0));
        for (const QJsonValue& entry : o.value(QStringLiteral("alt")).toArray()) {
            const QJsonArray a = entry.toArray();
            t.alternatives.push_back(TokenAlternative{a.at(0).toInt(), static_cast<float>(a.at(1).toDouble()), a.at(2).toString()});
        }
        tokens.push_back(std::move(t));
    }
    return tokens;
}

QJsonObject recipeToJson(const PromptRecipe& r) {
    return QJsonObject{{QStringLiteral("thinking"), r.thinking},
                       {QStringLiteral("dropped_turns"), r.droppedTurns},
                       {QStringLiteral("tokens"), r.tokens}};
}

PromptRecipe recipeFromJson(const QJsonObject& o) {
    PromptRecipe r;
    r.thinking = o.value(QStringLiteral("thinking")).toBool(true);
    r.droppedTurns = std::max(0, o.value(QStringLiteral("dropped_turns")).toInt());
    r.tokens = std::max<qint64>(0, o.value(QStringLiteral("tokens")).toInteger());
    return r;
}

QJsonObject samplingToJson(const SamplingParams& p) {
    return QJsonObject{{QStringLiteral("greedy"), p.greedy},
                       {QStringLiteral("temperature"), shortest(p.temperature)},
                       {QStringLiteral("top_k"), static_cast<qint64>(p.topK)},
                       {QStringLiteral("top_p"), shortest(p.topP)},
                       {QStringLiteral("min_p"), shortest(p.minP)},
                       {QStringLiteral("repetition_penalty"), shortest(p.repetitionPenalty)},
                       {QStringLiteral("presence_penalty"), shortest(p.presencePenalty)},
                       // The app's seeds are below 2^31; a JSON number holds them exactly.
                       {QStringLiteral("seed"), static_cast<qint64>(p.seed)}};
}

SamplingParams samplingFromJson(const QJsonObject& o) {
    const SamplingParams defaults;
    SamplingParams p;
    p.greedy = o.value(QStringLiteral("greedy")).toBool(defaults.greedy);
    p.temperature = static_cast<float>(o.value(QStringLiteral("temperature")).toDouble(defaults.temperature));
    p.topK = std::max<qint64>(0, o.value(QStringLiteral("top_k")).toInteger(defaults.topK));
    p.topP = static_cast<float>(o.value(QStringLiteral("top_p")).toDouble(defaults.topP));
    p.minP = static_cast<float>(o.value(QStringLiteral("min_p")).toDouble(defaults.minP));
    p.repetitionPenalty = static_cast<float>(o.value(QStringLiteral("repetition_penalty")).toDouble(defaults.repetitionPenalty));
    p.presencePenalty = static_cast<float>(o.value(QStringLiteral("presence_penalty")).toDouble(defaults.presencePenalty));
    p.seed = static_cast<std::uint64_t>(std::max<qint64>(0, o.value(QStringLiteral("seed")).toInteger()));
    return p;
}

}  // namespace

QJsonObject Conversation::toJson() const {
    QJsonArray list;
    for (const Message& m : messages) {
        QJsonObject o{{QStringLiteral("id"), m.id},
                      {QStringLiteral("parent"), m.parentId},
                      {QStringLiteral("role"), roleName(m.role)},
                      {QStringLiteral("text"), m.text},
                      {QStringLiteral("active_child"), m.activeChild},
                      {QStringLiteral("created"), m.created.toString(Qt::ISODateWithMs)}};
        if (m.role == Role::Assistant) {
            o.insert(QStringLiteral("thinking_started"), m.thinkingStarted);
            o.insert(QStringLiteral("thinking_seconds"), m.thinkingSeconds);
            o.insert(QStringLiteral("finish"), QString::fromLatin1(kFinishNames[static_cast<int>(m.finish)]));
            if (m.stats) o.insert(QStringLiteral("stats"), statsToJson(*m.stats));
            if (m.prompt) o.insert(QStringLiteral("prompt"), recipeToJson(*m.prompt));
            if (!m.tokens.empty()) o.insert(QStringLiteral("tokens"), tokensToJson(m.tokens));
            if (!m.model.isEmpty()) o.insert(QStringLiteral("model"), m.model);
            if (m.sampling) o.insert(QStringLiteral("sampling"), samplingToJson(*m.sampling));
        }
        list.append(o);
    }
    return QJsonObject{{QStringLiteral("format"), 1},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("title"), title},
                       {QStringLiteral("created"), created.toString(Qt::ISODateWithMs)},
                       {QStringLiteral("updated"), updated.toString(Qt::ISODateWithMs)},
                       {QStringLiteral("active_root"), activeRoot},
                       {QStringLiteral("dropped_turns"), droppedTurns},
                       {QStringLiteral("messages"), list}};
}

std::optional<Conversation> Conversation::fromJson(const QJsonObject& json) {
    if (json.value(QStringLiteral("format")).toInt() != 1) return std::nullopt;
    Conversation c;
    c.id = json.value(QStringLiteral("id")).toString();
    if (c.id.isEmpty() || !json.value(QStringLiteral("messages")).isArray()) return std::nullopt;
    c.title = json.value(QStringLiteral("title")).toString();
    c.created = QDateTime::fromString(json.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
    c.updated = QDateTime::fromString(json.value(QStringLiteral("updated")).toString(), Qt::ISODateWithMs);
    c.activeRoot = json.value(QStringLiteral("active_root")).toString();
    c.droppedTurns = std::max(0, json.value(QStringLiteral("dropped_turns")).toInt());
    for (const QJsonValue& value : json.value(QStringLiteral("messages")).toArray()) {
        const QJsonObject o = value.toObject();
        auto role = roleFromName(o.value(QStringLiteral("role")).toString());
        if (!role) return std::nullopt;
        Message m;
        m.id = o.value(QStringLiteral("id")).toString();
        if (m.id.isEmpty()) return std::nullopt;
        m.parentId = o.value(QStringLiteral("parent")).toString();
        m.role = *role;
        m.text = o.value(QStringLiteral("text")).toString();
        m.activeChild = o.value(QStringLiteral("active_child")).toString();
        m.created = QDateTime::fromString(o.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
        m.thinkingStarted = o.value(QStringLiteral("thinking_started")).toBool();
        m.thinkingSeconds = o.value(QStringLiteral("thinking_seconds")).toDouble(-1.0);
        const QString finish = o.value(QStringLiteral("finish")).toString();
        for (int i = 0; i < static_cast<int>(std::size(kFinishNames)); ++i)
            if (finish == QLatin1String(kFinishNames[i])) m.finish = static_cast<FinishState>(i);
        // A reply that was still streaming when the app stopped keeps its text as stopped.
        if (m.finish == FinishState::Streaming) m.finish = FinishState::Stopped;
        if (o.contains(QStringLiteral("stats"))) m.stats = statsFromJson(o.value(QStringLiteral("stats")).toObject());
        // Files written before issue #9 have neither: the reply then shows without probabilities.
        if (o.contains(QStringLiteral("prompt"))) m.prompt = recipeFromJson(o.value(QStringLiteral("prompt")).toObject());
        m.tokens = tokensFromJson(o.value(QStringLiteral("tokens")).toArray());
        m.model = o.value(QStringLiteral("model")).toString();
        if (o.value(QStringLiteral("sampling")).isObject()) m.sampling = samplingFromJson(o.value(QStringLiteral("sampling")).toObject());
        c.messages.push_back(m);
    }
    return c;
}

// Translation context for readConversationFile's reasons.
class ConversationFile {
    Q_DECLARE_TR_FUNCTIONS(qe::gui::ConversationFile)
};

std::optional<Conversation> readConversationFile(const QString& path, QString* reason) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *reason = file.errorString();
        return std::nullopt;
    }
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError) {
        *reason = ConversationFile::tr("not valid JSON: %1 (at byte %2)").arg(error.errorString()).arg(error.offset);
        return std::nullopt;
    }
    auto conversation = document.isObject() ? Conversation::fromJson(document.object()) : std::nullopt;
    if (!conversation) *reason = ConversationFile::tr("not a Qwen Explorer conversation");
    return conversation;
}

}  // namespace qe::gui
