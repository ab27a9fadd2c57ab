// The main window: model bar, conversations, chat, generation controls. Owns the engine
// controller (and so the engine thread), the conversation store and the chat session.
#pragma once

#include <QMainWindow>
#include <QElapsedTimer>
#include <QTimer>
#include <nlohmann/json_fwd.hpp>

#include "gui/chat/token_positions.h"
#include "gui/engine/engine_events.h"

class QAction;
class QDir;
class QDockWidget;
class QFrame;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QPushButton;
class QShortcut;
class QSplitter;
class QToolButton;

namespace qe {
struct PromptTemplate;
}

namespace qe::gui {

class ChatSession;
class ChatView;
class ConversationList;
class ConversationStore;
class InspectorPanel;
class EngineController;
class LanguageManager;
class ModelBar;
class ModelCardView;
class SamplingPanel;
class Settings;
struct ReplyOptions;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `conversationsFolder`: where conversations are stored (AppDataLocation/conversations).
    MainWindow(Settings& settings, LanguageManager& language, const QString& conversationsFolder, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads the conversations and the model: `modelFolder` if given, else the default model from
    // the settings, else the built-in model.
    void startup(const QString& modelFolder = {});

    // Validates and loads a model folder; false (with a message shown) if it is not usable.
    bool loadModel(const QString& folder);
    // Sends `text` as a user message in the current conversation (a new one, with the default
    // system prompt of the settings, if none).
    bool sendMessage(const QString& text);
    void applyLanguage(const QString& language);
    // Conversation → Export… and Import… without their file dialogs: writes the current
    // conversation (Markdown, or JSON with every version when the name ends in .json) / adds the
    // conversation in `path` and shows it. False, with the reason in the error banner, on failure.
    bool exportConversationTo(const QString& path);
    bool importConversationFrom(const QString& path);
    // Conversation → Export all… and Import… of several files, without their dialogs: every
    // conversation as JSON (every version) into `folder`, one file each named after its title
    // ("title (2).json" for a second one of that title); a file already there of that name is
    // replaced or kept (the conversation then takes the next free name). Export asks which when
    // there are any. False, with the reason shown, if a file cannot be written. Import adds each
    // file that is a conversation, shows the last, and names the ones that are not; the number added.
    enum class ExistingFiles { Replace, KeepBoth };
    bool exportAllTo(const QString& folder, ExistingFiles existing = ExistingFiles::KeepBoth);
    // Export all… after its folder dialog: asks Keep both / Replace / Cancel where files are there.
    bool exportAllAsking(const QString& folder);
    int importConversationsFrom(const QStringList& paths);
    // Conversation → System prompt… without its dialog: the current conversation's system prompt
    // ("" for none). Where nothing follows it yet it is changed in place; in a conversation with
    // messages the conversation starts again in a new branch: the new system prompt, its first
    // user message sent again, a new reply (needs a model); the earlier branch stays reachable
    // (‹ ›). False, with the reason shown, when it cannot be done now.
    bool setSystemPrompt(const QString& text);
    QString systemPrompt() const;
    // A prompt template chosen in its dialog (Templates…): its sampling takes effect in the
    // Generation panel (a preset, or the template's own values), its messages start a new
    // conversation named after it, and the reply starts where a model is loaded.
    void useTemplate(const PromptTemplate& chosen, const nlohmann::ordered_json& messages);
    // View → Zoom In / Zoom Out / Actual Size: every text in the app scaled from the desktop's font
    // size by one of a fixed set of steps (80 % to 300 %), remembered in the settings. setTextScale
    // takes any factor, clamped to the steps' range.
    void setTextScale(double scale);
    double textScale() const { return m_textScale; }
    void zoomIn();
    void zoomOut();

    // For tests and screenshots.
    EngineController* engine() const { return m_engine; }
    ConversationStore* store() const { return m_store; }
    ChatSession* chat() const { return m_chat; }
    ChatView* chatView() const { return m_chatView; }
    SamplingPanel* samplingPanel() const { return m_sampling; }
    ModelCardView* modelCard() const { return m_card; }
    InspectorPanel* inspector() const { return m_inspector; }
    QDockWidget* inspectorDock() const { return m_inspectorDock; }
    QString currentConversation() const { return m_current; }
    void selectConversation(const QString& id);
    QString errorText() const;
    bool isModelLoaded() const;

signals:
    void modelReady();

protected:
    void closeEvent(QCloseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    // A model folder (or one of its files) dropped on the window opens it; conversation files
    // (.json) are imported.
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildMenus();
    void retranslateUi();
    void connectEngine();
    void openModelDialog();
    void newConversation();
    // A new, empty conversation with the settings' default system prompt, if any; its id.
    QString createConversation();
    void renameConversation(const QString& id);
    void deleteConversation(const QString& id);
    void undoDelete();
    void exportConversation();
    void exportAll();
    QStringList exportAllNames(const QDir& dir, ExistingFiles existing) const;
    void importConversation();
    QString conversationFolder() const;
    void editSystemPrompt();
    void openTemplates();
    void openSettings();
    void startReply(const QString& parentId);
    void editAndResend(const QString& messageId, const QString& text);
    void regenerate(const QString& messageId);
    // The last message of the active thread when it is a reply ("" otherwise).
    QString lastReplyId() const;
    void switchSibling(const QString& messageId, int offset);
    ReplyOptions replyOptions() const;
    // Chat token <-> inspector position (issue #9): a click selects everywhere.
    void selectChatToken(const QString& messageId, int index);
    // A token of a reply the inspector does not hold: feeds the reply again (ChatSession::
    // inspectReply), then selects the token.
    void inspectChatToken(const Message& reply, int index);
    // The reply's prompt tokens, built when first asked (token_positions.h).
    PromptFn promptOf(const Conversation& c, const Message& reply) const;
    void showInspectorSelection();
    void branchFrom(const QString& messageId, int index, int alternativeId);
    void refreshChat();
    void updateContextMeter();
    void updateActions();
    void showError(const QString& sentence, const QString& details);
    void hideError();

    Settings& m_settings;
    LanguageManager& m_language;
    EngineController* m_engine;
    ConversationStore* m_store;
    ChatSession* m_chat;
    QString m_current;          // conversation shown
    QString m_inspectToken;     // the reply whose token is selected once its inspection ends
    int m_inspectTokenIndex = -1;
    QString m_inspectStatus;          // the status bar's message while an inspection runs
    QString m_loadingFolder;
    bool m_modelLoaded = false;

    ModelBar* m_modelBar;
    ModelCardView* m_card;
    ConversationList* m_list;
    ChatView* m_chatView;
    SamplingPanel* m_sampling;
    QSplitter* m_splitter;
    QFrame* m_errorBanner;
    QLabel* m_errorLabel;
    QToolButton* m_errorDetailsButton;
    QToolButton* m_errorClose;
    QPlainTextEdit* m_errorDetails;
    QPlainTextEdit* m_composer;
    QPushButton* m_send;
    QPushButton* m_stop;
    QShortcut* m_stopShortcut = nullptr;
    QPushButton* m_templates;
    QPushButton* m_undoButton;
    InspectorPanel* m_inspector;
    QDockWidget* m_inspectorDock;

    QMenu* m_fileMenu = nullptr;
    QMenu* m_conversationMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QAction* m_inspectorAction = nullptr;
    QAction* m_colourTokensAction = nullptr;
    QAction* m_structureAction = nullptr;
    QAction* m_attentionAction = nullptr;
    QAction* m_layersAction = nullptr;
    QAction* m_lensAction = nullptr;
    QAction* m_zoomInAction = nullptr;
    QAction* m_zoomOutAction = nullptr;
    QAction* m_zoomResetAction = nullptr;
    QAction* m_fullScreenAction = nullptr;
    bool m_wasMaximized = false;      // before full screen
    double m_textScale = 1.0;
    // View → Zoom's layout: the side panels' and the inspector's widths at 100 %
    // (layOutForScale), kept when the user drags them (rememberPanelWidths, eventFilter).
    void layOutForScale(double previous, double scale);
    void rememberPanelWidths();
    void setPanelWidths(int left, int right);
    void fitPanels();
    QTimer m_fitPanels;               // fitPanels, once, after the layout requests of a moment
    // A streaming reply re-renders its whole Markdown on each batch of tokens, a cost that grows
    // with the reply: it is shown again at most as often as keeps that to a third of the UI thread.
    void showStreamingMessage();
    QTimer m_streamRender;            // the next showStreamingMessage, when the last one was costly
    QString m_streamConversation;     // the message it shows
    QString m_streamMessage;
    qint64 m_streamRenderMs = 0;      // what the last one took
    QElapsedTimer m_sinceStreamRender;
    QElapsedTimer m_sinceZoom;        // since the text size last changed
    struct ZoomLayout {
        int left = 240;
        int right = 240;
        int dock = 0;                 // 0: not known yet
    } m_zoomLayout;
    QAction* m_openAction = nullptr;
    QAction* m_templatesAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_newAction = nullptr;
    QAction* m_renameAction = nullptr;
    QAction* m_findAction = nullptr;
    QAction* m_regenerateAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_exportAllAction = nullptr;
    QAction* m_systemPromptAction = nullptr;
    QAction* m_aboutAction = nullptr;
};

}  // namespace qe::gui
