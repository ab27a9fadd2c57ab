#include "gui/conversations/conversation_export.h"

#include <algorithm>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLocale>
#include <QStringList>

#include "core/chat/output_parser.h"

namespace qe::gui {

// Translation context for the texts below.
class ConversationExport {
    Q_DECLARE_TR_FUNCTIONS(qe::gui::ConversationExport)
};

namespace {

QString speaker(Role role) {
    switch (role) {
    case Role::System: return ConversationExport::tr("System");
    case Role::User: return ConversationExport::tr("You");
    case Role::Assistant: return ConversationExport::tr("Assistant");
    }
    return {};
}

// Every line of `text` behind "> " (empty lines as ">"), so Markdown keeps it one quote block.
QString quoted(const QString& text) {
    QStringList lines = text.split(QLatin1Char('\n'));
    for (QString& line : lines) line = line.isEmpty() ? QStringLiteral(">") : QStringLiteral("> ") + line;
    return lines.join(QLatin1Char('\n'));
}

// A fence longer than any run of backticks inside `text`, so the block cannot end early.
QString fenceFor(const QString& text) {
    int longest = 0, run = 0;
    for (QChar ch : text) {
        run = ch == QLatin1Char('`') ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return QString(std::max(3, longest + 1), QLatin1Char('`'));
}

QString assistantMarkdown(const Message& m) {
    const ParsedOutput parsed = parseOutput(m.text.toStdString(), m.thinkingStarted);
    QStringList parts;
    const QString reasoning = QString::fromStdString(parsed.reasoning).trimmed();
    if (!reasoning.isEmpty()) {
        const QString heading = m.thinkingSeconds >= 0
                                    ? ConversationExport::tr("Thought for %1 s").arg(QLocale().toString(m.thinkingSeconds, 'f', 1))
                                    : ConversationExport::tr("Thinking");
        parts << quoted(QStringLiteral("*%1*\n\n%2").arg(heading, reasoning));
    }
    const QString content = QString::fromStdString(parsed.content).trimmed();
    if (!content.isEmpty()) parts << content;
    for (const ToolCall& call : parsed.toolCalls) {
        const QString json = QString::fromStdString(call.raw);
        const QString fence = fenceFor(json);
        parts << ConversationExport::tr("Tool call:") + QStringLiteral("\n\n") + fence + QStringLiteral("json\n") + json + QLatin1Char('\n') + fence;
    }
    switch (m.finish) {
    case FinishState::Stopped: parts << QStringLiteral("*%1*").arg(ConversationExport::tr("Stopped before the end.")); break;
    case FinishState::Length: parts << QStringLiteral("*%1*").arg(ConversationExport::tr("Stopped at the token limit.")); break;
    case FinishState::ContextFull: parts << QStringLiteral("*%1*").arg(ConversationExport::tr("Stopped: the context is full.")); break;
    case FinishState::Failed: parts << QStringLiteral("*%1*").arg(ConversationExport::tr("Generation failed.")); break;
    case FinishState::Complete:
    case FinishState::Streaming: break;
    }
    return parts.join(QStringLiteral("\n\n"));
}

}  // namespace

QString conversationMarkdown(const Conversation& conversation) {
    QStringList parts;
    const QString title = conversation.title.trimmed();
    parts << QStringLiteral("# ") + (title.isEmpty() ? ConversationExport::tr("Untitled conversation") : title);
    for (const Message* m : conversation.thread()) {
        QString body = m->role == Role::Assistant ? assistantMarkdown(*m) : m->text.trimmed();
        // A reply names the model that wrote it (the folder's name), as the chat's stats line does.
        const bool named = m->role == Role::Assistant && !m->model.isEmpty();
        parts << QStringLiteral("### ") + speaker(m->role) + (named ? QStringLiteral(" · ") + m->model : QString());
        if (!body.isEmpty()) parts << body;
    }
    return parts.join(QStringLiteral("\n\n")) + QLatin1Char('\n');
}

QByteArray conversationJson(const Conversation& conversation) {
    return QJsonDocument(conversation.toJson()).toJson(QJsonDocument::Indented);
}

}  // namespace qe::gui
