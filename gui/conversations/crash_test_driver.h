// Hidden test mode `qwen-explorer --crash-test-loop FOLDER` (tests/gui/test_crash_recovery):
// chats without end with the built-in model through the real ChatSession and ConversationStore
// while also saving the conversation as fast as it can, and reports on stdout every message once
// it is on disk. The test kills the process with SIGKILL at random moments and checks that each
// reported message survived intact and the store still loads. GUI thread only.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include "gui/chat/chat_session.h"
#include "gui/conversations/conversation_store.h"
#include "gui/engine/engine_controller.h"

namespace qe::gui {

// Lines on stdout, each flushed at once:
//   store LOADED PROBLEMS          the store was read (PROBLEMS: files it had to move aside)
//   ready                          the model is loaded; chatting starts
//   saved CONV MSG SHA1            message MSG (SHA-1 of its UTF-8 text) is complete and on disk
//   reply MSG                      generation of reply MSG started
//   save-begin / save-end          around each extra save
//   error TEXT                     something failed (the process keeps running)
class CrashTestDriver : public QObject {
    Q_OBJECT
public:
    CrashTestDriver(const QString& folder, const QString& modelDir, QObject* parent = nullptr);

    // Loads the store and the model; from then on the driver runs until the process is killed.
    void start();

    // The SHA-1 reported in a "saved" line.
    static QByteArray textHash(const QString& text);

private:
    void onModelLoaded(const ModelLoaded& loaded);
    void sendNextTurn();
    void onReplyFinished(const QString& conversationId, const QString& messageId);
    void saveUnderPressure();
    void report(const QByteArray& line);

    QString m_modelDir;
    EngineController m_engine;
    ConversationStore m_store;
    ChatSession m_chat;
    QTimer m_pressure;
    QString m_conversationId;
    int m_turn = 0;
};

}  // namespace qe::gui
