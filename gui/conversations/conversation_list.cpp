// ConversationList: filtered list of the store's conversations.
#include "gui/conversations/conversation_list.h"

#include <QDate>
#include <QEvent>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "gui/conversations/conversation_store.h"

namespace qe::gui {

ConversationList::ConversationList(ConversationStore* store, QWidget* parent)
    : QWidget(parent), m_store(store), m_search(new QLineEdit(this)), m_list(new QListWidget(this)),
      m_new(new QPushButton(this)), m_rename(new QPushButton(this)), m_delete(new QPushButton(this)) {
    m_search->setClearButtonEnabled(true);
    auto* buttons = new QHBoxLayout();
    buttons->addWidget(m_new);
    buttons->addWidget(m_rename);
    buttons->addWidget(m_delete);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);

    connect(m_search, &QLineEdit::textChanged, this, &ConversationList::refresh);
    connect(m_store, &ConversationStore::conversationsChanged, this, &ConversationList::refresh);
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (m_refreshing || !item) return;
        m_current = item->data(Qt::UserRole).toString();
        emit currentChanged(m_current);
    });
    connect(m_list, &QListWidget::itemDoubleClicked, this,
            [this](QListWidgetItem* item) { emit renameRequested(item->data(Qt::UserRole).toString()); });
    connect(m_new, &QPushButton::clicked, this, &ConversationList::newRequested);
    connect(m_rename, &QPushButton::clicked, this, [this] {
        if (!m_current.isEmpty()) emit renameRequested(m_current);
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        if (!m_current.isEmpty()) emit deleteRequested(m_current);
    });
    retranslateUi();
    refresh();
}

QString ConversationList::currentId() const { return m_current; }

void ConversationList::setCurrentId(const QString& id) {
    m_current = id;
    refresh();
}

QString ConversationList::dateGroup(const QDate& day, const QDate& today) {
    const qint64 days = day.daysTo(today);
    if (days <= 0) return tr("Today");
    if (days == 1) return tr("Yesterday");
    if (days <= 7) return tr("Previous 7 days");
    if (days <= 30) return tr("Previous 30 days");
    return tr("Older");
}

void ConversationList::refresh() {
    m_refreshing = true;
    m_list->clear();
    const QString needle = m_search->text().trimmed();
    const QDate today = QDate::currentDate();
    QString group;
    for (const Conversation* c : m_store->conversations()) {  // the most recently updated first
        if (!c->matches(needle)) continue;
        // A heading before each span of dates (Today, Yesterday, …): neither selectable nor
        // reachable with the keys.
        const QString g = dateGroup(c->updated.toLocalTime().date(), today);
        if (g != group) {
            group = g;
            auto* heading = new QListWidgetItem(group, m_list);
            heading->setFlags(Qt::NoItemFlags);
            QFont bold = m_list->font();
            bold.setBold(true);
            heading->setFont(bold);
            heading->setForeground(palette().placeholderText());
        }
        auto* item = new QListWidgetItem(c->title.isEmpty() ? tr("Untitled conversation") : c->title, m_list);
        item->setData(Qt::UserRole, c->id);
        item->setToolTip(QLocale().toString(c->updated.toLocalTime(), QLocale::ShortFormat));
        if (c->id == m_current) m_list->setCurrentItem(item);
    }
    m_refreshing = false;
    const bool haveCurrent = m_store->find(m_current) != nullptr;
    m_rename->setEnabled(haveCurrent);
    m_delete->setEnabled(haveCurrent);
}

void ConversationList::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void ConversationList::retranslateUi() {
    m_search->setPlaceholderText(tr("Search conversations"));
    m_new->setText(tr("New"));
    m_new->setToolTip(tr("Start a new conversation"));
    m_rename->setText(tr("Rename"));
    m_delete->setText(tr("Delete"));
    m_delete->setToolTip(tr("Delete the conversation (can be undone)"));
    refresh();
}

}  // namespace qe::gui
