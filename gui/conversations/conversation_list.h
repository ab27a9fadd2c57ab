// The conversations panel: search (title and content), list, and New / Rename / Delete buttons.
// Shows the store, the most recent first under date headings; MainWindow performs the actions
// (delete has undo there).
#pragma once

#include <QWidget>

class QDate;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace qe::gui {

class ConversationStore;

class ConversationList : public QWidget {
    Q_OBJECT
public:
    explicit ConversationList(ConversationStore* store, QWidget* parent = nullptr);

    QString currentId() const;
    // Selects `id` without emitting currentChanged.
    void setCurrentId(const QString& id);
    // Rebuilds the rows from the store, keeping the selection.
    void refresh();
    QLineEdit* searchField() const { return m_search; }
    QListWidget* listWidget() const { return m_list; }
    // The heading a conversation last updated on `day` goes under: Today, Yesterday, Previous 7
    // days, Previous 30 days, Older.
    static QString dateGroup(const QDate& day, const QDate& today);

signals:
    void currentChanged(const QString& id);
    void newRequested();
    void renameRequested(const QString& id);
    void deleteRequested(const QString& id);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    ConversationStore* m_store;
    QLineEdit* m_search;
    QListWidget* m_list;
    QPushButton* m_new;
    QPushButton* m_rename;
    QPushButton* m_delete;
    QString m_current;
    bool m_refreshing = false;
};

}  // namespace qe::gui
