// CrashTestDriver: endless chat plus back-to-back saves, reporting what is safely on disk.
#include "gui/conversations/crash_test_driver.h"

#include <cstdio>

#include <QCryptographicHash>

namespace qe::gui {

namespace {

// Replies are short so that many complete within a run; user texts mix scripts so that the
// check also covers UTF-8 round trips.
constexpr int kReplyTokens = 12;
const char* const kPrompts[] = {
    "Tell me about the sea.", "用三句话介绍长城。", "Write a haiku about autumn — with an em dash.",
    "List three prime numbers.", "为什么天空是蓝色的？",
};

}  // namespace

CrashTestDriver::CrashTestDriver(const QString& folder, const QString& modelDir, QObject* parent)
    : QObject(parent), m_modelDir(modelDir), m_store(folder), m_chat(&m_engine, &m_store) {
    connect(&m_engine, &EngineController::modelLoaded, this, &CrashTestDriver::onModelLoaded);
    connect(&m_engine, &EngineController::engineFailed, this, [this](const EngineFailed& failed, bool) {
        report("error " + failed.message.toUtf8());
    });
    connect(&m_chat, &ChatSession::replyFinished, this, &CrashTestDriver::onReplyFinished);
    connect(&m_store, &ConversationStore::saveFailed, this, [this](const QString& message) { report("error " + message.toUtf8()); });
    m_pressure.setInterval(1);
    connect(&m_pressure, &QTimer::timeout, this, &CrashTestDriver::saveUnderPressure);
}

QByteArray CrashTestDriver::textHash(const QString& text) {
    return QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha1).toHex();
}

void CrashTestDriver::report(const QByteArray& line) {
    std::fwrite(line.constData(), 1, static_cast<std::size_t>(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void CrashTestDriver::start() {
    const QStringList problems = m_store.load();
    report("store " + QByteArray::number(static_cast<qsizetype>(m_store.conversations().size())) + ' ' +
           QByteArray::number(problems.size()));
    for (const QString& problem : problems) report("error " + problem.toUtf8());
    m_engine.loadModel(m_modelDir, 1);
}

void CrashTestDriver::onModelLoaded(const ModelLoaded& loaded) {
    m_chat.setModel(loaded);
    report("ready");
    m_conversationId = m_store.create(QStringLiteral("crash test")).id;
    m_pressure.start();
    sendNextTurn();
}

void CrashTestDriver::sendNextTurn() {
    for (int attempt = 0; attempt < 2; ++attempt) {
        Conversation* c = m_store.find(m_conversationId);
        const auto thread = c->thread();
        const QString parentId = thread.empty() ? QString() : thread.back()->id;
        const QString text = QStringLiteral("%1 (%2)").arg(QString::fromUtf8(kPrompts[m_turn % std::size(kPrompts)])).arg(m_turn);
        Message& user = c->append(parentId, Role::User, text);
        const QString userId = user.id;
        ReplyOptions options;
        options.thinking = false;
        options.maxNewTokens = kReplyTokens;
        const ChatSession::StartResult started = m_chat.startReply(m_conversationId, userId, options);
        if (started.status == ChatSession::StartStatus::Started) {
            ++m_turn;
            // startReply saved the conversation, user message included, before it returned.
            report("saved " + m_conversationId.toUtf8() + ' ' + userId.toUtf8() + ' ' + textHash(text));
            report("reply " + m_chat.streamingMessage().toUtf8());
            return;
        }
        // Context full (or any other refusal): go on in a fresh conversation. The unsent user
        // message stays in memory only and is never reported.
        m_conversationId = m_store.create(QStringLiteral("crash test")).id;
    }
    report("error cannot start a reply");
}

void CrashTestDriver::onReplyFinished(const QString& conversationId, const QString& messageId) {
    // ChatSession saved the finished reply before emitting replyFinished.
    if (const Conversation* c = m_store.find(conversationId))
        if (const Message* m = c->find(messageId); m && m->finish != FinishState::Failed)
            report("saved " + conversationId.toUtf8() + ' ' + messageId.toUtf8() + ' ' + textHash(m->text));
    QTimer::singleShot(0, this, &CrashTestDriver::sendNextTurn);
}

void CrashTestDriver::saveUnderPressure() {
    report("save-begin");
    m_store.save(m_conversationId);
    report("save-end");
}

}  // namespace qe::gui
