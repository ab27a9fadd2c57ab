// Conversations on disk: one JSON file per conversation in a folder (normally
// AppDataLocation/conversations), each written atomically with QSaveFile (temp file, flush,
// rename), so a crash or kill never leaves a half-written file. A corrupt file is moved aside
// and reported; it never hides the others. GUI thread only.
#pragma once

#include <deque>
#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>

#include "gui/conversations/conversation.h"

namespace qe::gui {

class ConversationStore : public QObject {
    Q_OBJECT
public:
    explicit ConversationStore(const QString& folder, QObject* parent = nullptr);

    // Reads every *.json in the folder. Returns one line per file that could not be used (it was
    // renamed to NAME.corrupt-TIMESTAMP); the others load normally.
    QStringList load();

    const QString& folder() const { return m_folder; }
    // Most recently updated first.
    std::vector<const Conversation*> conversations() const;
    const Conversation* find(const QString& id) const;
    Conversation* find(const QString& id);

    // Creates an empty conversation (saved at once) and returns it.
    Conversation& create(const QString& title);
    // Adds a conversation from elsewhere (an exported file) under a new id, so it never replaces
    // one already here, marked as updated now; saves it and returns it.
    Conversation& add(Conversation conversation);
    // Writes the conversation atomically. Emits saveFailed with the reason on error.
    bool save(const QString& id);
    bool rename(const QString& id, const QString& title);
    // Deletes the file; the conversation stays restorable by undoRemove() until kUndoDepth more
    // deletions. Returns false if unknown.
    bool remove(const QString& id);
    bool canUndoRemove() const { return !m_removed.empty(); }
    // Restores the last removed conversation (and its file); returns its id or "".
    QString undoRemove();
    static constexpr std::size_t kUndoDepth = 20;

    QString filePath(const QString& id) const;

signals:
    void conversationsChanged();
    void saveFailed(const QString& message);

private:
    QString m_folder;
    std::vector<Conversation> m_conversations;
    std::deque<Conversation> m_removed;  // newest at the back
};

}  // namespace qe::gui
