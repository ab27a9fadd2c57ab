// The model bar: open a model folder, recent models, backend and threads, and the load
// progress (bytes, speed, ETA) with Cancel. Emits what the user asked for; MainWindow acts.
#pragma once

#include <QWidget>

#include "gui/engine/engine_events.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace qe::gui {

class ModelBar : public QWidget {
    Q_OBJECT
public:
    explicit ModelBar(QWidget* parent = nullptr);

    // The Recent list: these folders, newest first, then the built-in demo model (when there is
    // one) so that it is a click away after another model. The list shows the loaded model
    // (setCurrentModel; "" or one not listed: nothing).
    void setRecentModels(const QStringList& folders, const QString& builtin = {});
    void setCurrentModel(const QString& folder);
    QString currentModel() const;
    void setThreads(int threads);
    int threads() const;
    QString backend() const;  // "auto", "cpu" or "cuda"
    void setBackend(const QString& backend);

    // Load state: shows the progress bar and Cancel while loading.
    void setLoading(bool loading, const QString& folder = {});
    void setProgress(const LoadProgress& progress);

    // Narrower than its controls with their labels (large text, a small screen), the bar hides
    // the labels "Recent:", "Backend:", "Threads:" (the controls keep their words as accessible
    // names): its minimum width leaves them out, its preferred width has them.
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;
    bool labelsShown() const;

signals:
    void openRequested();
    void loadRequested(const QString& folder);
    void cancelRequested();
    void threadsChanged(int threads);
    void backendChanged(const QString& backend);

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void retranslateUi();
    // The width the labels take in the row, spacing included.
    int labelsWidth() const;
    void fitLabels();

    QPushButton* m_open;
    QLabel* m_recentLabel;
    QComboBox* m_recent;
    QLabel* m_backendLabel;
    QComboBox* m_backend;
    QLabel* m_threadsLabel;
    QSpinBox* m_threads;
    QProgressBar* m_progress;
    QLabel* m_progressText;
    QPushButton* m_cancel;
    QString m_loadingFolder;
    QString m_builtin;
    QString m_currentModel;
    LoadProgress m_last;
};

}  // namespace qe::gui
