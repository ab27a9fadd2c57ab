// ConversationStore: loading (corrupt files moved aside), atomic saves, delete with undo.
#include "gui/conversations/conversation_store.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace qe::gui {

ConversationStore::ConversationStore(const QString& folder, QObject* parent) : QObject(parent), m_folder(folder) {}

QString ConversationStore::filePath(const QString& id) const {
    return QDir(m_folder).filePath(id + QStringLiteral(".json"));
}

QStringList ConversationStore::load() {
    QStringList problems;
    m_conversations.clear();
    QDir dir(m_folder);
    if (!dir.exists() && !dir.mkpath(QStringLiteral("."))) {
        problems << tr("The conversation folder %1 cannot be created.").arg(m_folder);
        return problems;
    }
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString& name : files) {
        const QString path = dir.filePath(name);
        QString reason;
        std::optional<Conversation> conversation = readConversationFile(path, &reason);
        if (conversation && find(conversation->id)) {
            reason = tr("duplicate conversation id");
            conversation.reset();
        }
        if (conversation) {
            m_conversations.push_back(std::move(*conversation));
            continue;
        }
        const QString aside =
            path + QStringLiteral(".corrupt-") + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmss"));
        QFile::rename(path, aside);
        //: %1 is a file name, %2 the reason it could not be read, %3 the new file name.
        problems << tr("%1 could not be read (%2) and was moved to %3.").arg(name, reason, QFileInfo(aside).fileName());
    }
    emit conversationsChanged();
    return problems;
}

std::vector<const Conversation*> ConversationStore::conversations() const {
    std::vector<const Conversation*> out;
    for (const Conversation& c : m_conversations) out.push_back(&c);
    std::stable_sort(out.begin(), out.end(), [](const Conversation* a, const Conversation* b) { return a->updated > b->updated; });
    return out;
}

const Conversation* ConversationStore::find(const QString& id) const {
    for (const Conversation& c : m_conversations)
        if (c.id == id) return &c;
    return nullptr;
}

Conversation* ConversationStore::find(const QString& id) {
    return const_cast<Conversation*>(static_cast<const ConversationStore*>(this)->find(id));
}

Conversation& ConversationStore::create(const QString& title) {
    Conversation c;
    c.id = newId();
    c.title = title;
    c.created = c.updated = QDateTime::currentDateTimeUtc();
    m_conversations.push_back(std::move(c));
    const QString id = m_conversations.back().id;
    save(id);
    emit conversationsChanged();
    return *find(id);
}

Conversation& ConversationStore::add(Conversation conversation) {
    conversation.id = newId();
    conversation.updated = QDateTime::currentDateTimeUtc();
    if (!conversation.created.isValid()) conversation.created = conversation.updated;
    m_conversations.push_back(std::move(conversation));
    const QString id = m_conversations.back().id;
    save(id);
    emit conversationsChanged();
    return *find(id);
}

bool ConversationStore::save(const QString& id) {
    const Conversation* c = find(id);
    if (!c) return false;
    QDir().mkpath(m_folder);
    QSaveFile file(filePath(id));
    if (!file.open(QIODevice::WriteOnly)) {
        emit saveFailed(tr("Cannot write %1: %2").arg(file.fileName(), file.errorString()));
        return false;
    }
    // Compact: replies carry every token with its alternatives, which indentation would
    // multiply several times over, and streaming saves rewrite the file every few seconds.
    file.write(QJsonDocument(c->toJson()).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        emit saveFailed(tr("Cannot write %1: %2").arg(file.fileName(), file.errorString()));
        return false;
    }
    return true;
}

bool ConversationStore::rename(const QString& id, const QString& title) {
    Conversation* c = find(id);
    if (!c) return false;
    c->title = title;
    c->updated = QDateTime::currentDateTimeUtc();
    const bool ok = save(id);
    emit conversationsChanged();
    return ok;
}

bool ConversationStore::remove(const QString& id) {
    auto it = std::find_if(m_conversations.begin(), m_conversations.end(), [&](const Conversation& c) { return c.id == id; });
    if (it == m_conversations.end()) return false;
    m_removed.push_back(std::move(*it));
    m_conversations.erase(it);
    while (m_removed.size() > kUndoDepth) m_removed.pop_front();
    QFile::remove(filePath(id));
    emit conversationsChanged();
    return true;
}

QString ConversationStore::undoRemove() {
    if (m_removed.empty()) return {};
    m_conversations.push_back(std::move(m_removed.back()));
    m_removed.pop_back();
    const QString id = m_conversations.back().id;
    save(id);
    emit conversationsChanged();
    return id;
}

}  // namespace qe::gui
