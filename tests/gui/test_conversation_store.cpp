// ConversationStore and the conversation tree: JSON round trip, atomic saves (no partial or
// temp files left), corrupt files moved aside without hiding the others, delete with undo,
// search by title and content, edit / regenerate branches (‹1/2›); export as Markdown and JSON,
// import under a new id.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTranslator>
#include <QTest>

#include "gui/conversations/conversation_export.h"
#include "gui/conversations/conversation_list.h"
#include "gui/conversations/conversation_store.h"

using namespace qe::gui;

class TestConversationStore : public QObject {
    Q_OBJECT
private slots:
    void roundTrip();
    void branchesKeepOldVersions();
    void streamingReplyLoadsAsStopped();
    void saveIsAtomic();
    void corruptFileIsMovedAside();
    void deleteAndUndo();
    void searchTitleAndContent();
    void markdownExportShowsTheVisibleThread();
    void jsonExportImportsEveryVersionUnderANewId();
    void importRejectsOtherFiles();
    void listGroupsByDate();
};

void TestConversationStore::roundTrip() {
    QTemporaryDir dir;
    QString id;
    {
        ConversationStore store(dir.path());
        QVERIFY(store.load().isEmpty());
        Conversation& c = store.create(QStringLiteral("数学 questions"));
        id = c.id;
        Message& user = c.append(QString(), Role::User, QStringLiteral("What is 2+2? 请回答"));
        const QString userId = user.id;
        Message& reply = c.append(userId, Role::Assistant, QStringLiteral("<think>\nadd\n</think>\n\n**4**"));
        reply.thinkingSeconds = 1.5;
        reply.stats = MessageStats{10, 4, 7, 0.25, 12.5, 100.0};
        reply.model = QStringLiteral("Qwen3-32B");
        qe::SamplingParams sampling;
        sampling.temperature = 0.6f;
        sampling.topK = 20;
        sampling.topP = 0.95f;
        sampling.minP = 0.05f;
        sampling.repetitionPenalty = 1.1f;
        sampling.presencePenalty = 1.5f;
        sampling.seed = 2147483646;
        reply.sampling = sampling;
        c.droppedTurns = 1;
        QVERIFY(store.save(id));
    }
    ConversationStore again(dir.path());
    QVERIFY(again.load().isEmpty());
    const Conversation* c = again.find(id);
    QVERIFY(c);
    QCOMPARE(c->title, QStringLiteral("数学 questions"));
    QCOMPARE(c->droppedTurns, 1);
    const auto thread = c->thread();
    QCOMPARE(thread.size(), std::size_t(2));
    QCOMPARE(thread[0]->text, QStringLiteral("What is 2+2? 请回答"));
    QCOMPARE(thread[1]->role, Role::Assistant);
    QCOMPARE(thread[1]->thinkingSeconds, 1.5);
    QVERIFY(thread[1]->stats.has_value());
    QCOMPARE(thread[1]->stats->reusedTokens, qint64(4));
    QCOMPARE(thread[1]->stats->decodeTokensPerSecond, 12.5);
    QCOMPARE(thread[1]->model, QStringLiteral("Qwen3-32B"));
    QVERIFY(thread[0]->model.isEmpty());
    // The reply's sampling, exactly (floats through their shortest decimal form).
    QVERIFY(thread[1]->sampling.has_value());
    const qe::SamplingParams& s = *thread[1]->sampling;
    QVERIFY(!s.greedy);
    QCOMPARE(s.temperature, 0.6f);
    QCOMPARE(s.topK, std::int64_t(20));
    QCOMPARE(s.topP, 0.95f);
    QCOMPARE(s.minP, 0.05f);
    QCOMPARE(s.repetitionPenalty, 1.1f);
    QCOMPARE(s.presencePenalty, 1.5f);
    QCOMPARE(s.seed, std::uint64_t(2147483646));
    QVERIFY(!thread[0]->sampling.has_value());
}

void TestConversationStore::branchesKeepOldVersions() {
    Conversation c;
    c.id = newId();
    const QString q1 = c.append(QString(), Role::User, QStringLiteral("first")).id;
    const QString a1 = c.append(q1, Role::Assistant, QStringLiteral("answer 1")).id;
    const QString a2 = c.append(q1, Role::Assistant, QStringLiteral("answer 2")).id;  // regenerate
    QCOMPARE(c.siblings(a2).size(), std::size_t(2));
    QCOMPARE(c.thread().back()->id, a2);
    c.activate(a1);
    QCOMPARE(c.thread().back()->id, a1);
    // Edit the first message: a sibling root; the old branch stays reachable.
    const QString q1b = c.append(QString(), Role::User, QStringLiteral("first, edited")).id;
    QCOMPARE(c.thread().size(), std::size_t(1));
    QCOMPARE(c.siblings(q1b).size(), std::size_t(2));
    c.activate(q1);
    QCOMPARE(c.thread().size(), std::size_t(2));
    QCOMPARE(c.thread().back()->id, a1);
    const auto json = Conversation::fromJson(c.toJson());
    QVERIFY(json.has_value());
    QCOMPARE(json->thread().back()->id, a1);
    QCOMPARE(json->messages.size(), std::size_t(4));

    // removeLeaf: only a message nothing follows; a shown one gives way to its last sibling.
    QVERIFY(!c.removeLeaf(q1));  // the answers follow it
    QVERIFY(!c.removeLeaf(QStringLiteral("no such id")));
    QVERIFY(c.removeLeaf(a1));   // shown: answer 2 takes its place
    QCOMPARE(c.thread().back()->id, a2);
    QVERIFY(c.removeLeaf(a2));   // the last answer: the thread ends at the question
    QCOMPARE(c.thread().back()->id, q1);
    QVERIFY(c.removeLeaf(q1));   // a root: the other root is shown
    QCOMPARE(c.thread().front()->id, q1b);
    QVERIFY(c.removeLeaf(q1b));
    QVERIFY(c.thread().empty() && c.messages.empty());
}

void TestConversationStore::streamingReplyLoadsAsStopped() {
    Conversation c;
    c.id = newId();
    const QString q = c.append(QString(), Role::User, QStringLiteral("hi")).id;
    c.append(q, Role::Assistant, QStringLiteral("partial")).finish = FinishState::Streaming;
    const auto loaded = Conversation::fromJson(c.toJson());
    QVERIFY(loaded.has_value());
    QCOMPARE(loaded->thread().back()->finish, FinishState::Stopped);
    QCOMPARE(loaded->thread().back()->text, QStringLiteral("partial"));
}

void TestConversationStore::saveIsAtomic() {
    QTemporaryDir dir;
    ConversationStore store(dir.path());
    QVERIFY(store.load().isEmpty());
    Conversation& c = store.create(QStringLiteral("t"));
    const QString id = c.id;
    for (int i = 0; i < 20; ++i) {
        store.find(id)->append(QString(), Role::User, QString(5000, QLatin1Char('x')) + QString::number(i));
        QVERIFY(store.save(id));
        // Only complete files: every write parses, and no temp file is left behind.
        QFile file(store.filePath(id));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(file.readAll()).isObject());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    }
    // A save into a folder that cannot be written reports the error instead of losing data.
    ConversationStore broken(QStringLiteral("/proc/qe-no-such-folder"));
    QSignalSpy failed(&broken, &ConversationStore::saveFailed);
    broken.create(QStringLiteral("x"));
    QCOMPARE(failed.count(), 1);
    QVERIFY(broken.conversations().size() == 1);
}

void TestConversationStore::corruptFileIsMovedAside() {
    QTemporaryDir dir;
    QString good;
    {
        ConversationStore store(dir.path());
        QVERIFY(store.load().isEmpty());
        good = store.create(QStringLiteral("good")).id;
    }
    QFile bad(QDir(dir.path()).filePath(QStringLiteral("broken.json")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{\"format\": 1, \"id\": \"x\", \"messa");
    bad.close();
    QFile list(QDir(dir.path()).filePath(QStringLiteral("list.json")));  // valid JSON, not a conversation
    QVERIFY(list.open(QIODevice::WriteOnly));
    list.write("[1, 2]");
    list.close();
    ConversationStore store(dir.path());
    const QStringList problems = store.load();
    QCOMPARE(problems.size(), 2);
    QVERIFY(problems[0].contains(QStringLiteral("broken.json")) && problems[0].contains(QStringLiteral("not valid JSON")));
    QVERIFY2(problems[1].contains(QStringLiteral("list.json")) && problems[1].contains(QStringLiteral("not a Qwen Explorer conversation")),
             qPrintable(problems[1]));
    QVERIFY(store.find(good));
    QVERIFY(!QFile::exists(bad.fileName()));
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("broken.json.corrupt-*")}, QDir::Files).size(), 1);
}

void TestConversationStore::deleteAndUndo() {
    QTemporaryDir dir;
    ConversationStore store(dir.path());
    QVERIFY(store.load().isEmpty());
    Conversation& c = store.create(QStringLiteral("keep me"));
    const QString id = c.id;
    c.append(QString(), Role::User, QStringLiteral("hello"));
    QVERIFY(store.save(id));
    QVERIFY(store.remove(id));
    QVERIFY(!store.find(id));
    QVERIFY(!QFile::exists(store.filePath(id)));
    QVERIFY(store.canUndoRemove());
    QCOMPARE(store.undoRemove(), id);
    QVERIFY(store.find(id));
    QCOMPARE(store.find(id)->thread().front()->text, QStringLiteral("hello"));
    QVERIFY(QFile::exists(store.filePath(id)));
    QVERIFY(!store.canUndoRemove());
}

void TestConversationStore::searchTitleAndContent() {
    Conversation c;
    c.id = newId();
    c.title = QStringLiteral("Quadratic equations");
    c.append(QString(), Role::User, QStringLiteral("Solve x^2 - 5x + 6 = 0"));
    QVERIFY(c.matches(QStringLiteral("quadratic")));
    QVERIFY(c.matches(QStringLiteral("5X + 6")));
    QVERIFY(!c.matches(QStringLiteral("photosynthesis")));
    QVERIFY(c.matches(QString()));
}



namespace {

// A conversation with an edited question (two versions; the second is shown), a reply with
// reasoning, Markdown of its own and a tool call, and a reply stopped at the token limit.
Conversation exportSample() {
    Conversation c;
    c.id = newId();
    c.title = QStringLiteral("Sorting 排序");
    c.created = c.updated = QDateTime::currentDateTimeUtc();
    const QString first = c.append(QString(), Role::User, QStringLiteral("Old question")).id;
    c.append(first, Role::Assistant, QStringLiteral("Old answer"));
    const QString edited = c.append(QString(), Role::User, QStringLiteral("How do I sort a list?\nIn place, please.")).id;
    Message& reply = c.append(edited, Role::Assistant,
                              QStringLiteral("The user wants sorting.\n\nIn place means list.sort().\n</think>\n\n"
                                             "Use `list.sort()`:\n\n```python\nxs.sort()\n```\n"
                                             "<tool_call>\n{\"name\": \"run\", \"arguments\": {\"code\": \"xs.sort()\"}}\n</tool_call>"));
    reply.thinkingStarted = true;
    reply.thinkingSeconds = 2.31;
    reply.model = QStringLiteral("Qwen3-32B");
    const QString replyId = reply.id;
    const QString next = c.append(replyId, Role::User, QStringLiteral("And descending?")).id;
    Message& cut = c.append(next, Role::Assistant, QStringLiteral("Pass reverse=True"));
    cut.finish = FinishState::Length;
    return c;
}

}  // namespace

void TestConversationStore::markdownExportShowsTheVisibleThread() {
    QLocale::setDefault(QLocale::c());
    const QString md = conversationMarkdown(exportSample());
    const QString expected = QStringLiteral(
        "# Sorting 排序\n\n"
        "### You\n\nHow do I sort a list?\nIn place, please.\n\n"
        "### Assistant · Qwen3-32B\n\n"
        "> *Thought for 2.3 s*\n>\n> The user wants sorting.\n>\n> In place means list.sort().\n\n"
        "Use `list.sort()`:\n\n```python\nxs.sort()\n```\n\n"
        "Tool call:\n\n```json\n{\"name\": \"run\", \"arguments\": {\"code\": \"xs.sort()\"}}\n```\n\n"
        "### You\n\nAnd descending?\n\n"
        "### Assistant\n\nPass reverse=True\n\n*Stopped at the token limit.*\n");
    QCOMPARE(md, expected);
    QVERIFY(!md.contains(QStringLiteral("Old question")));  // only the version on screen
    // A code block inside a tool call's JSON cannot close its fence early.
    Conversation fenced;
    fenced.id = newId();
    fenced.append(QString(), Role::Assistant, QStringLiteral("<tool_call>\n{\"name\": \"f\", \"arguments\": {\"s\": \"```\"}}\n</tool_call>"));
    QVERIFY(conversationMarkdown(fenced).contains(QStringLiteral("````json\n")));
    // No title: the same words as the conversation list.
    QVERIFY(conversationMarkdown(fenced).startsWith(QStringLiteral("# Untitled conversation\n")));
    // In Chinese, the speakers and notes are translated.
    QTranslator zh;
    QVERIFY(zh.load(QStringLiteral(":/i18n/qwen_explorer_zh_CN.qm")));
    QCoreApplication::installTranslator(&zh);
    const QString chinese = conversationMarkdown(exportSample());
    QCoreApplication::removeTranslator(&zh);
    QVERIFY(chinese.contains(QStringLiteral("### 你\n\nHow do I sort a list?")));
    QVERIFY(chinese.contains(QStringLiteral("### 助手 · Qwen3-32B\n\n> *思考了 2.3 秒*")));
    QVERIFY(chinese.contains(QStringLiteral("*已达到词元上限。*")));
}

void TestConversationStore::jsonExportImportsEveryVersionUnderANewId() {
    QTemporaryDir dir;
    const Conversation original = exportSample();
    const QString path = dir.filePath(QStringLiteral("export.json"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(conversationJson(original));
    }
    QString error;
    auto read = readConversationFile(path, &error);
    QVERIFY2(read.has_value(), qPrintable(error));
    QCOMPARE(read->toJson(), original.toJson());  // every version, ids and all

    ConversationStore store(dir.filePath(QStringLiteral("store")));
    QVERIFY(store.load().isEmpty());
    const QString first = store.add(*read).id;
    const QString second = store.add(*read).id;  // the same file twice: two conversations
    QVERIFY(first != original.id && second != original.id && first != second);
    QCOMPARE(store.conversations().size(), std::size_t(2));
    ConversationStore again(store.folder());
    QVERIFY(again.load().isEmpty());
    const Conversation* imported = again.find(first);
    QVERIFY(imported);
    QCOMPARE(imported->title, original.title);
    QCOMPARE(imported->messages.size(), original.messages.size());
    QCOMPARE(imported->thread().size(), std::size_t(4));
    QCOMPARE(imported->thread()[1]->thinkingSeconds, 2.31);
    QCOMPARE(imported->siblings(imported->thread()[0]->id).size(), std::size_t(2));
}

void TestConversationStore::importRejectsOtherFiles() {
    QTemporaryDir dir;
    auto write = [&](const QString& name, const QByteArray& bytes) {
        QFile file(dir.filePath(name));
        if (file.open(QIODevice::WriteOnly)) file.write(bytes);
        return file.fileName();
    };
    QString error;
    QVERIFY(!readConversationFile(dir.filePath(QStringLiteral("missing.json")), &error));
    QVERIFY(!error.isEmpty());  // the system's reason
    error.clear();
    QVERIFY(!readConversationFile(write(QStringLiteral("bad.json"), "{\"format\": 1, \"id\": "), &error));
    QVERIFY(error.contains(QStringLiteral("not valid JSON")));
    error.clear();
    QVERIFY(!readConversationFile(write(QStringLiteral("other.json"), "{\"name\": \"a template\"}"), &error));
    QVERIFY(error.contains(QStringLiteral("not a Qwen Explorer conversation")));
    error.clear();
    QVERIFY(!readConversationFile(write(QStringLiteral("list.json"), "[1, 2]"), &error));
    QVERIFY(error.contains(QStringLiteral("not a Qwen Explorer conversation")));
}

// The list, the most recent first, under a heading for each span of dates; the headings cannot
// be selected, not with the keys either.
void TestConversationStore::listGroupsByDate() {
    const QDate today(2026, 12, 7);
    QCOMPARE(ConversationList::dateGroup(today, today), QStringLiteral("Today"));
    QCOMPARE(ConversationList::dateGroup(today.addDays(1), today), QStringLiteral("Today"));  // clock changed
    QCOMPARE(ConversationList::dateGroup(today.addDays(-1), today), QStringLiteral("Yesterday"));
    QCOMPARE(ConversationList::dateGroup(today.addDays(-2), today), QStringLiteral("Previous 7 days"));
    QCOMPARE(ConversationList::dateGroup(today.addDays(-7), today), QStringLiteral("Previous 7 days"));
    QCOMPARE(ConversationList::dateGroup(today.addDays(-8), today), QStringLiteral("Previous 30 days"));
    QCOMPARE(ConversationList::dateGroup(today.addDays(-30), today), QStringLiteral("Previous 30 days"));
    QCOMPARE(ConversationList::dateGroup(today.addDays(-31), today), QStringLiteral("Older"));

    QTemporaryDir dir;
    ConversationStore store(dir.path());
    const QDateTime now = QDateTime::currentDateTime();
    const auto make = [&](const QString& title, int daysAgo) {
        Conversation& c = store.create(title);
        c.updated = now.addDays(-daysAgo).toUTC();
    };
    make(QStringLiteral("old"), 100);
    make(QStringLiteral("fresh"), 0);
    make(QStringLiteral("last week"), 3);
    make(QStringLiteral("also fresh"), 0);
    ConversationList list(&store);
    list.show();
    QVERIFY(QTest::qWaitForWindowExposed(&list));
    QListWidget* rows = list.listWidget();
    QStringList shown;
    for (int i = 0; i < rows->count(); ++i) shown << rows->item(i)->text();
    QCOMPARE(shown, QStringList({QStringLiteral("Today"), QStringLiteral("fresh"), QStringLiteral("also fresh"),
                                 QStringLiteral("Previous 7 days"), QStringLiteral("last week"), QStringLiteral("Older"),
                                 QStringLiteral("old")}));
    QVERIFY(!(rows->item(0)->flags() & Qt::ItemIsSelectable));
    QVERIFY(rows->item(1)->flags() & Qt::ItemIsSelectable);
    // Up from the first conversation stays on it; Down past a heading reaches the next one.
    QSignalSpy chosen(&list, &ConversationList::currentChanged);
    rows->setFocus();
    rows->setCurrentRow(1);
    QCOMPARE(list.currentId(), chosen.last().at(0).toString());
    QTest::keyClick(rows, Qt::Key_Up);
    QCOMPARE(rows->currentRow(), 1);
    QTest::keyClick(rows, Qt::Key_Down);
    QTest::keyClick(rows, Qt::Key_Down);
    QCOMPARE(rows->currentItem()->text(), QStringLiteral("last week"));
    // Searching keeps the headings of what it finds only.
    list.searchField()->setText(QStringLiteral("old"));
    shown.clear();
    for (int i = 0; i < rows->count(); ++i) shown << rows->item(i)->text();
    QCOMPARE(shown, QStringList({QStringLiteral("Older"), QStringLiteral("old")}));
}

QTEST_MAIN(TestConversationStore)
#include "test_conversation_store.moc"
