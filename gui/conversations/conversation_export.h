// Conversations out of the app: the visible thread as Markdown, to read or paste elsewhere, and
// the whole conversation (every edited and regenerated version, the tokens and their
// probabilities) as JSON in the store's own format, to keep it or move it to another machine
// (readConversationFile in conversation.h reads it back). GUI thread only (the speakers' names
// are translated).
#pragma once

#include <QByteArray>
#include <QString>

#include "gui/conversations/conversation.h"

namespace qe::gui {

// The active thread as Markdown: the title as a heading, each message under its speaker's name
// (a reply's with the model that wrote it, when known), an assistant's reasoning as a quoted
// block before its answer, tool calls as JSON code blocks, and a note on replies that did not
// finish.
QString conversationMarkdown(const Conversation& conversation);

// The whole conversation as indented JSON; readConversationFile (conversation.h) reads it back.
QByteArray conversationJson(const Conversation& conversation);

}  // namespace qe::gui
