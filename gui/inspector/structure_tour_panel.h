// The guided tour's step panel in the structure view (issue #9): large, high-contrast text for a
// projector, a step counter and buttons, driven from the keyboard in front of a class (arrow
// keys, Space, Page Up / Page Down from presenter clickers, Home / End, Ctrl+arrows per layer,
// Escape to end). It follows the selected token of the DiagnosticsStore; the tour logic lives
// in StructureTour.
#pragma once

#include <memory>

#include <QFrame>

#include "gui/engine/engine_events.h"
#include "gui/inspector/structure_tour.h"

class QLabel;
class QPushButton;
class QTextBrowser;

namespace qe::gui {

class DiagnosticsStore;

class StructureTourPanel : public QFrame {
    Q_OBJECT
public:
    explicit StructureTourPanel(const DiagnosticsStore* store, QWidget* parent = nullptr);

    // Starts at the first step for `config`; `live`: the config is the loaded model's, so the
    // store's numbers belong to it. Shows the panel and takes the keyboard focus.
    void start(const ModelConfig& config, bool live);
    // Ends the tour (hides the panel, emits finished()); nothing if not running.
    void stop();
    bool isRunning() const { return m_tour != nullptr; }
    void goTo(int index);
    int current() const { return m_current; }
    const StructureTour* tour() const { return m_tour.get(); }

    // The latest on-demand results of the engine; shown when they match the token and layer.
    void setLens(const LogitLens& lens);
    void setAttentionRows(const AttentionRows& rows);

    // Shown text (tests): "Step 7 of 53", the heading, and explanation + numbers as plain text.
    QString counterText() const;
    QString titleText() const;
    QString bodyText() const;

signals:
    // The tour moved to step `index`: the view highlights its block and scrolls to it.
    void stepShown(int index, qe::gui::StructureBlock block);
    void finished();

protected:
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    int targetOf(const QKeyEvent* event) const;
    void showCurrent();
    void retranslateUi();
    void applyFonts();

    const DiagnosticsStore* m_store;
    std::unique_ptr<StructureTour> m_tour;
    bool m_live = false;
    int m_current = 0;
    LogitLens m_lens;
    AttentionRows m_attention;
    QLabel* m_counter;
    QLabel* m_title;
    QTextBrowser* m_body;
    QPushButton* m_previous;
    QPushButton* m_next;
    QPushButton* m_nextLayer;
    QPushButton* m_lastLayer;
    QPushButton* m_end;
};

}  // namespace qe::gui
