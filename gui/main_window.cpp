// MainWindow: layout, menus, and the glue between the user's actions, the chat session and the
// engine controller.
#include "gui/main_window.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QUrl>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QElapsedTimer>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScreen>
#include <QScrollArea>
#include <QSet>
#include <QShortcut>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "gui/chat/chat_session.h"
#include "gui/chat/chat_view.h"
#include "gui/chat/token_positions.h"
#include "gui/conversations/conversation_export.h"
#include "gui/conversations/conversation_list.h"
#include "gui/conversations/conversation_store.h"
#include "gui/engine/engine_controller.h"
#include "gui/engine/model_validation.h"
#include "gui/error_text.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/inspector_panel.h"
#include "gui/language.h"
#include "gui/backend_choice.h"
#include "gui/model_bar.h"
#include "gui/model_card.h"
#include "gui/paths.h"
#include "gui/sampling_panel.h"
#include "gui/settings.h"
#include "gui/templates/prompt_template_dialog.h"
#include "gui/settings_dialog.h"

namespace qe::gui {

namespace {

// A number of tokens with the locale's digit grouping, as the context meter writes it.
QString tokenCount(std::int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

// `panel` in a frameless scroll area that shows the window's background.
QScrollArea* scrolling(QWidget* panel) {
    auto* area = new QScrollArea(panel->parentWidget());
    area->setFrameShape(QFrame::NoFrame);
    area->setWidgetResizable(true);
    area->setWidget(panel);
    area->viewport()->setAutoFillBackground(false);
    panel->setAutoFillBackground(false);
    return area;
}

}  // namespace

MainWindow::MainWindow(Settings& settings, LanguageManager& language, const QString& conversationsFolder, QWidget* parent)
    : QMainWindow(parent), m_settings(settings), m_language(language), m_engine(new EngineController(this)),
      m_store(new ConversationStore(conversationsFolder, this)), m_chat(new ChatSession(m_engine, m_store, this)),
      m_modelBar(new ModelBar(this)), m_card(new ModelCardView(this)), m_list(new ConversationList(m_store, this)),
      m_chatView(new ChatView(this)), m_sampling(new SamplingPanel(this)), m_splitter(new QSplitter(this)),
      m_errorBanner(new QFrame(this)), m_errorLabel(new QLabel(m_errorBanner)),
      m_errorDetailsButton(new QToolButton(m_errorBanner)), m_errorClose(new QToolButton(m_errorBanner)),
      m_errorDetails(new QPlainTextEdit(m_errorBanner)), m_composer(new QPlainTextEdit(this)),
      m_send(new QPushButton(this)), m_stop(new QPushButton(this)), m_templates(new QPushButton(this)),
      m_undoButton(new QPushButton(this)), m_inspector(new InspectorPanel(m_engine, this)),
      m_inspectorDock(new QDockWidget(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    // Left: conversations and the model card.
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(6, 6, 0, 6);
    leftLayout->addWidget(m_list, 1);
    leftLayout->addWidget(m_card);

    // Centre: error banner, chat, composer.
    m_errorBanner->setFrameShape(QFrame::StyledPanel);
    m_errorBanner->setStyleSheet(QStringLiteral("QFrame#errorBanner { background: #fdecea; border: 1px solid #f5c2c0; }"));
    m_errorBanner->setObjectName(QStringLiteral("errorBanner"));
    m_errorLabel->setWordWrap(true);
    m_errorDetails->setReadOnly(true);
    m_errorDetails->setMaximumHeight(90);
    m_errorDetails->setVisible(false);
    m_errorClose->setText(QStringLiteral("×"));
    m_errorClose->setAutoRaise(true);
    auto* bannerLayout = new QVBoxLayout(m_errorBanner);
    auto* bannerRow = new QHBoxLayout();
    bannerRow->addWidget(m_errorLabel, 1);
    bannerRow->addWidget(m_errorDetailsButton);
    bannerRow->addWidget(m_errorClose);
    bannerLayout->addLayout(bannerRow);
    bannerLayout->addWidget(m_errorDetails);
    m_errorBanner->setVisible(false);

    m_composer->setObjectName(QStringLiteral("composer"));
    m_composer->setMaximumHeight(110);
    m_composer->setTabChangesFocus(true);
    auto* composerButtons = new QVBoxLayout();
    composerButtons->addWidget(m_send);
    composerButtons->addWidget(m_stop);
    composerButtons->addWidget(m_templates);
    composerButtons->addStretch(1);
    auto* composerRow = new QHBoxLayout();
    composerRow->addWidget(m_composer, 1);
    composerRow->addLayout(composerButtons);
    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 6, 0, 6);
    centreLayout->addWidget(m_errorBanner);
    centreLayout->addWidget(m_chatView, 1);
    centreLayout->addLayout(composerRow);

    // Right: generation settings and context meter.
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 6, 6, 6);
    rightLayout->addWidget(m_sampling);
    rightLayout->addStretch(1);

    // The side panels and the inspector scroll when their contents need more room than they
    // have (large text, a small screen) instead of making the window wider than the screen.
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(scrolling(left));
    m_splitter->addWidget(centre);
    m_splitter->addWidget(scrolling(right));
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setCollapsible(1, false);  // the chat keeps its minimum width
    m_splitter->setSizes({m_zoomLayout.left, 640, m_zoomLayout.right});
    connect(m_splitter, &QSplitter::splitterMoved, this, &MainWindow::rememberPanelWidths);
    m_fitPanels.setSingleShot(true);
    connect(&m_fitPanels, &QTimer::timeout, this, &MainWindow::fitPanels);
    left->installEventFilter(this);  // LayoutRequest: their contents' needs may have changed
    right->installEventFilter(this);
    auto* root = new QWidget(this);
    auto* rootLayout = new QVBoxLayout(root);
    rootLayout->setContentsMargins(0, 0, 0, 0);
    rootLayout->setSpacing(0);
    rootLayout->addWidget(m_modelBar);
    rootLayout->addWidget(m_splitter, 1);
    setCentralWidget(root);
    // Inspector (issue #9) as a dock on the right; View menu toggles it.
    m_inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    m_inspectorDock->setWidget(scrolling(m_inspector));
    m_inspectorDock->installEventFilter(this);  // its width at 100 %, when the user drags its edge
    m_inspector->installEventFilter(this);      // LayoutRequest: what it needs may have changed
    // The timer as the context: the dock hides while the window is destroyed, after the timer.
    connect(m_inspectorDock, &QDockWidget::visibilityChanged, &m_fitPanels, [this] { m_fitPanels.start(); });
    connect(m_inspectorDock, &QDockWidget::topLevelChanged, &m_fitPanels, [this] { m_fitPanels.start(); });
    m_inspectorDock->setAllowedAreas(Qt::AllDockWidgetAreas);
    addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);
    statusBar()->addPermanentWidget(m_undoButton);
    m_undoButton->setVisible(false);

    buildMenus();
    m_sampling->loadFrom(m_settings);
    m_modelBar->setThreads(m_settings.threads());
    m_modelBar->setBackend(m_settings.backend());
    m_modelBar->setRecentModels(m_settings.recentModels(), builtinModelDir());
    m_card->clear(QString());

    connectEngine();
    connect(m_modelBar, &ModelBar::openRequested, this, &MainWindow::openModelDialog);
    connect(m_modelBar, &ModelBar::loadRequested, this, &MainWindow::loadModel);
    connect(m_modelBar, &ModelBar::cancelRequested, m_engine, &EngineController::cancelLoad);
    connect(m_modelBar, &ModelBar::threadsChanged, this, [this](int threads) { m_settings.setThreads(threads); });
    connect(m_modelBar, &ModelBar::backendChanged, this, [this](const QString& backend) { m_settings.setBackend(backend); });
    connect(m_list, &ConversationList::currentChanged, this, &MainWindow::selectConversation);
    connect(m_list, &ConversationList::newRequested, this, &MainWindow::newConversation);
    connect(m_list, &ConversationList::renameRequested, this, &MainWindow::renameConversation);
    connect(m_list, &ConversationList::deleteRequested, this, &MainWindow::deleteConversation);
    connect(m_store, &ConversationStore::saveFailed, this, [this](const QString& message) {
        showError(tr("A conversation could not be saved."), message);
    });
    connect(m_chatView, &ChatView::editSubmitted, this, &MainWindow::editAndResend);
    connect(m_chatView, &ChatView::regenerateRequested, this, &MainWindow::regenerate);
    connect(m_chatView, &ChatView::siblingRequested, this, &MainWindow::switchSibling);
    connect(m_chatView, &ChatView::tokenClicked, this, &MainWindow::selectChatToken);
    connect(m_chatView, &ChatView::inspectRequested, this, [this](const QString& messageId) {
        // The reply's first token, in the inspector on screen, where the tokens matter.
        if (m_inspectorDock->isHidden()) m_inspectorDock->show();
        if (m_inspector->tabs()->currentIndex() == InspectorPanel::StructureTab) m_inspector->showTab(InspectorPanel::AttentionTab);
        selectChatToken(messageId, 0);
    });
    connect(m_chatView, &ChatView::branchRequested, this, &MainWindow::branchFrom);
    connect(m_chatView, &ChatView::seedChosen, this, [this](int seed) {
        m_sampling->setSeed(seed);
        statusBar()->showMessage(tr("Replies now use seed %1 (Generation → Fixed seed)").arg(seed), 5000);
    });
    connect(m_inspector->store(), &DiagnosticsStore::selectionChanged, this, &MainWindow::showInspectorSelection);
    connect(m_sampling, &SamplingPanel::changed, this, [this] {
        m_sampling->saveTo(m_settings);
        updateContextMeter();
    });
    connect(m_send, &QPushButton::clicked, this, [this] {
        if (sendMessage(m_composer->toPlainText())) m_composer->clear();
    });
    connect(m_stop, &QPushButton::clicked, m_chat, &ChatSession::stop);
    connect(m_templates, &QPushButton::clicked, this, &MainWindow::openTemplates);
    // Only in the composer: Ctrl+Enter in a message being edited sends the edit (it sent the
    // composer's draft instead).
    auto* sendShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_composer, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(sendShortcut, &QShortcut::activated, m_send, &QPushButton::click);
    // Escape stops a reply from anywhere in the window; enabled only while one streams, so that
    // otherwise Escape reaches the widgets (the tour's filter takes it first while the tour runs).
    m_stopShortcut = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    connect(m_stopShortcut, &QShortcut::activated, m_stop, &QPushButton::click);
    setAcceptDrops(true);
    m_composer->viewport()->installEventFilter(this);  // a model folder or conversation file dropped there too
    connect(m_undoButton, &QPushButton::clicked, this, &MainWindow::undoDelete);
    connect(m_errorClose, &QToolButton::clicked, this, &MainWindow::hideError);
    connect(m_errorDetailsButton, &QToolButton::clicked, this,
            [this] { m_errorDetails->setVisible(!m_errorDetails->isVisible()); });
    m_streamRender.setSingleShot(true);
    connect(&m_streamRender, &QTimer::timeout, this, &MainWindow::showStreamingMessage);
    connect(m_chat, &ChatSession::messageUpdated, this, [this](const QString& conversationId, const QString& messageId) {
        if (conversationId != m_current) return;
        if (m_chat->isGenerating() && conversationId == m_chat->streamingConversation())
            m_sampling->setContextUsage(m_chat->streamingContextUsage(), m_chat->contextLimit());
        if (m_streamRender.isActive() && messageId == m_streamMessage) return;  // it will show this update too
        m_streamConversation = conversationId;
        m_streamMessage = messageId;
        const qint64 wait = m_sinceStreamRender.isValid() ? 3 * m_streamRenderMs - m_sinceStreamRender.elapsed() : 0;
        if (wait > 0 && m_chat->isGenerating()) m_streamRender.start(static_cast<int>(wait));
        else showStreamingMessage();
    });
    connect(m_chat, &ChatSession::busyChanged, this, [this] {
        m_streamRender.stop();  // refreshChat shows the whole thread
        updateActions();
        refreshChat();
        updateContextMeter();  // the finished reply is part of the thread now
    });
    connect(m_chat, &ChatSession::inspectionFinished, this,
            [this](const QString& conversationId, const QString& messageId, bool completed, const QString& details) {
                updateActions();
                // Its own message only: one shown meanwhile (an export, a deletion) stays.
                if (statusBar()->currentMessage() == m_inspectStatus) statusBar()->clearMessage();
                m_inspectStatus.clear();
                const bool wanted = messageId == m_inspectToken;
                const int index = m_inspectTokenIndex;
                m_inspectToken.clear();
                if (!completed && !details.isEmpty()) showError(tr("The reply could not be inspected."), details);
                const Conversation* c = m_store->find(m_current);
                const Message* reply = c ? c->find(messageId) : nullptr;
                if (!completed || !wanted || conversationId != m_current || !reply) return;
                const std::int64_t pos = contextPosition(*reply, promptOf(*c, *reply), index, *m_inspector->store());
                if (pos >= 0) m_inspector->store()->select(pos);
                if (!reply->model.isEmpty() && reply->model != m_chat->modelName())
                    //: %1 the loaded model, %2 the model that wrote the reply (folder names).
                    statusBar()->showMessage(tr("These are the diagnostics of %1, the model loaded now; %2 wrote this reply.")
                                                 .arg(m_chat->modelName(), reply->model),
                                             15000);
            });
    connect(m_chat, &ChatSession::replyFailed, this,
            [this](const QString&, const QString&, ErrorCode code, const QString& details) {
                showError(ErrorText::generationFailed(code), details);
            });

    retranslateUi();
    updateActions();
    m_textScale = m_settings.textScale();  // no "Text size" message for the size kept from last time
    setTextScale(m_textScale);
    if (!restoreGeometry(m_settings.windowGeometry())) {
        const QRect screenArea = screen() ? screen()->availableGeometry() : QRect(0, 0, 1920, 1080);
        resize(std::min(1600, screenArea.width() * 9 / 10), std::min(1000, screenArea.height() * 9 / 10));
    }
}

MainWindow::~MainWindow() {
    m_chat->flushSave();
    m_engine->shutdown();
}

void MainWindow::buildMenus() {
    m_fileMenu = menuBar()->addMenu(QString());
    m_openAction = m_fileMenu->addAction(QString(), this, &MainWindow::openModelDialog);
    m_openAction->setShortcut(QKeySequence::Open);
    m_templatesAction = m_fileMenu->addAction(QString(), this, &MainWindow::openTemplates);
    m_settingsAction = m_fileMenu->addAction(QString(), this, &MainWindow::openSettings);
    m_settingsAction->setShortcut(QKeySequence::Preferences);
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), this, &QWidget::close);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_conversationMenu = menuBar()->addMenu(QString());
    m_newAction = m_conversationMenu->addAction(QString(), this, &MainWindow::newConversation);
    m_newAction->setShortcut(QKeySequence::New);
    m_findAction = m_conversationMenu->addAction(QString(), this, [this] {
        m_list->searchField()->setFocus(Qt::ShortcutFocusReason);
        m_list->searchField()->selectAll();
    });
    m_findAction->setShortcut(QKeySequence::Find);
    m_renameAction = m_conversationMenu->addAction(QString(), this, [this] { renameConversation(m_current); });
    m_renameAction->setShortcut(QKeySequence(Qt::Key_F2));
    m_deleteAction = m_conversationMenu->addAction(QString(), this, [this] { deleteConversation(m_current); });
    m_systemPromptAction = m_conversationMenu->addAction(QString(), this, &MainWindow::editSystemPrompt);
    m_regenerateAction = m_conversationMenu->addAction(QString(), this, [this] {
        if (const QString id = lastReplyId(); !id.isEmpty()) regenerate(id);
    });
    m_regenerateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_undoAction = m_conversationMenu->addAction(QString(), this, &MainWindow::undoDelete);
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_conversationMenu->addSeparator();
    m_exportAction = m_conversationMenu->addAction(QString(), this, &MainWindow::exportConversation);
    m_exportAllAction = m_conversationMenu->addAction(QString(), this, &MainWindow::exportAll);
    m_importAction = m_conversationMenu->addAction(QString(), this, &MainWindow::importConversation);
    m_viewMenu = menuBar()->addMenu(QString());
    m_inspectorAction = m_inspectorDock->toggleViewAction();
    m_inspectorAction->setShortcut(QKeySequence(Qt::Key_F9));
    m_viewMenu->addAction(m_inspectorAction);
    m_colourTokensAction = m_viewMenu->addAction(QString());
    m_colourTokensAction->setCheckable(true);
    m_colourTokensAction->setChecked(m_settings.colourTokens());
    m_chatView->setColourTokens(m_settings.colourTokens());
    connect(m_colourTokensAction, &QAction::toggled, this, [this](bool on) {
        m_settings.setColourTokens(on);
        m_chatView->setColourTokens(on);
    });
    m_inspector->colouringCombo()->setCurrentIndex(m_settings.stripColouring());
    connect(m_inspector->colouringCombo(), &QComboBox::currentIndexChanged, this,
            [this](int index) { m_settings.setStripColouring(index); });
    m_viewMenu->addSeparator();
    auto showTab = [this](InspectorPanel::Tab tab) {
        m_inspectorDock->show();
        m_inspectorDock->raise();
        m_inspector->showTab(tab);
    };
    m_structureAction = m_viewMenu->addAction(QString(), this, [showTab] { showTab(InspectorPanel::StructureTab); });
    m_attentionAction = m_viewMenu->addAction(QString(), this, [showTab] { showTab(InspectorPanel::AttentionTab); });
    m_layersAction = m_viewMenu->addAction(QString(), this, [showTab] { showTab(InspectorPanel::LayersTab); });
    m_lensAction = m_viewMenu->addAction(QString(), this, [showTab] { showTab(InspectorPanel::LensTab); });
    m_viewMenu->addSeparator();
    m_zoomInAction = m_viewMenu->addAction(QString(), this, &MainWindow::zoomIn);
    // Ctrl++ on most layouts needs Shift; Ctrl+= (the same key) works too, as in browsers.
    m_zoomInAction->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    m_zoomOutAction = m_viewMenu->addAction(QString(), this, &MainWindow::zoomOut);
    m_zoomOutAction->setShortcut(QKeySequence::ZoomOut);
    m_zoomResetAction = m_viewMenu->addAction(QString(), this, [this] { setTextScale(1.0); });
    m_zoomResetAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    // For demos: the window over the whole screen, and back to how it was (maximized or not).
    m_fullScreenAction = m_viewMenu->addAction(QString());
    m_fullScreenAction->setCheckable(true);
    // The platform's full-screen keys, and F11 where they lack it (twice, it would be ambiguous).
    QList<QKeySequence> fullScreenKeys = QKeySequence::keyBindings(QKeySequence::FullScreen);
    if (!fullScreenKeys.contains(QKeySequence(Qt::Key_F11))) fullScreenKeys.append(QKeySequence(Qt::Key_F11));
    m_fullScreenAction->setShortcuts(fullScreenKeys);
    connect(m_fullScreenAction, &QAction::toggled, this, [this](bool on) {
        if (on == isFullScreen()) return;
        if (on) {
            m_wasMaximized = isMaximized();
            showFullScreen();
        } else if (m_wasMaximized) {
            showMaximized();
        } else {
            showNormal();
        }
    });
    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString(), this, [this] {
        QMessageBox::about(this, tr("About Qwen Explorer"),
                           tr("Qwen Explorer %1\nChat with Qwen3 models on your own machine and see the transformer work.")
                               .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::connectEngine() {
    connect(m_engine, &EngineController::loadProgress, m_modelBar, &ModelBar::setProgress);
    connect(m_engine, &EngineController::modelLoaded, this, [this](const ModelLoaded& loaded) {
        m_modelBar->setLoading(false);
        m_chat->setModel(loaded);
        m_card->setCard(loaded.card);
        m_modelLoaded = true;
        hideError();
        if (loaded.card.folder != builtinModelDir()) m_settings.addRecentModel(loaded.card.folder);
        m_modelBar->setRecentModels(m_settings.recentModels(), builtinModelDir());
        m_modelBar->setCurrentModel(loaded.card.folder);
        statusBar()->showMessage(tr("Loaded %1 in %2 s").arg(loaded.card.name, QLocale().toString(loaded.card.loadSeconds, 'f', 2)), 5000);
        updateActions();
        updateContextMeter();
        emit modelReady();
    });
    connect(m_engine, &EngineController::engineFailed, this, [this](const EngineFailed& failed, bool isLoad) {
        if (!isLoad) return;  // generation failures arrive through the chat session
        m_modelBar->setLoading(false);
        m_modelBar->setCurrentModel(QString());  // the model before was unloaded for this one
        m_card->clear(ErrorText::loadFailed(failed.code));
        if (failed.code == ErrorCode::Cancelled) statusBar()->showMessage(ErrorText::loadFailed(failed.code), 5000);
        else showError(ErrorText::loadFailed(failed.code), failed.message);
        updateActions();
    });
}

void MainWindow::startup(const QString& modelFolder) {
    const QStringList problems = m_store->load();
    if (!problems.isEmpty())
        showError(tr("Some conversation files could not be read; they were moved aside and the others are available."),
                  problems.join(QLatin1Char('\n')));
    const auto conversations = m_store->conversations();
    if (!conversations.empty()) selectConversation(conversations.front()->id);
    else refreshChat();
    QString folder = modelFolder;
    if (folder.isEmpty()) folder = m_settings.defaultModelDir();
    if (folder.isEmpty()) folder = builtinModelDir();
    if (folder.isEmpty()) {
        m_card->clear(tr("No model loaded. Open a Qwen3 model folder to start."));
        return;
    }
    loadModel(folder);
}

bool MainWindow::loadModel(const QString& folder) {
    const FolderCheck check = validateModelFolder(folder);
    if (!check.ok) {
        showError(check.problem, check.details);
        return false;
    }
    hideError();
    m_chat->clearModel();
    m_modelLoaded = false;
    m_loadingFolder = folder;
    m_card->clear(tr("Loading %1…").arg(QDir(folder).dirName()));
    m_modelBar->setLoading(true, folder);
    m_modelBar->setCurrentModel(folder);  // the one on its way (blank if it is not in the list yet)
    m_engine->loadModel(QDir(folder).absolutePath(), m_settings.threads(), 0, m_settings.diagnosticsBudgetBytes(),
                        backendFromSetting(m_settings.backend()), m_settings.kvCache(), m_settings.prefillMatmul());
    updateActions();
    return true;
}

void MainWindow::openModelDialog() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open model folder"), m_loadingFolder);
    if (!folder.isEmpty()) loadModel(folder);
}

bool MainWindow::isModelLoaded() const { return m_modelLoaded; }

void MainWindow::selectConversation(const QString& id) {
    if (id == m_current) return;
    if (m_chat->isGenerating()) m_chat->stop();
    m_current = m_store->find(id) ? id : QString();
    m_list->setCurrentId(m_current);
    refreshChat();
    updateContextMeter();
    updateActions();
}

void MainWindow::newConversation() {
    if (m_chat->isGenerating()) m_chat->stop();
    selectConversation(createConversation());
    m_composer->setFocus();
}

QString MainWindow::createConversation() {
    Conversation& c = m_store->create(QString());
    const QString system = m_settings.defaultSystemPrompt();
    if (!system.isEmpty()) {
        c.append(QString(), Role::System, system);
        m_store->save(c.id);
    }
    return c.id;
}

void MainWindow::renameConversation(const QString& id) {
    const Conversation* c = m_store->find(id);
    if (!c) return;
    bool ok = false;
    const QString title = QInputDialog::getText(this, tr("Rename conversation"), tr("Title:"), QLineEdit::Normal, c->title, &ok);
    if (ok) m_store->rename(id, title.trimmed());
}

void MainWindow::deleteConversation(const QString& id) {
    const Conversation* c = m_store->find(id);
    if (!c) return;
    if (m_chat->isGenerating() && m_chat->streamingConversation() == id) m_chat->stop();
    const QString title = c->title.isEmpty() ? tr("Untitled conversation") : c->title;
    m_store->remove(id);
    if (id == m_current) {
        m_current.clear();
        const auto rest = m_store->conversations();
        if (!rest.empty()) selectConversation(rest.front()->id);
        else selectConversation(QString());
        refreshChat();
    }
    statusBar()->showMessage(tr("Deleted \"%1\".").arg(title), 15000);
    m_undoButton->setVisible(true);
    QTimer::singleShot(15000, m_undoButton, [this] { m_undoButton->setVisible(false); });
    updateActions();
}

void MainWindow::undoDelete() {
    const QString id = m_store->undoRemove();
    m_undoButton->setVisible(m_store->canUndoRemove() && m_undoButton->isVisible());
    if (!id.isEmpty()) {
        selectConversation(id);
        statusBar()->showMessage(tr("Conversation restored."), 5000);
    }
    updateActions();
}

bool MainWindow::sendMessage(const QString& rawText) {
    const QString text = rawText.trimmed();
    if (text.isEmpty()) return false;
    if (!m_modelLoaded) {
        showError(tr("No model is loaded yet. Open a model folder or wait until loading has finished."), QString());
        return false;
    }
    if (m_chat->isGenerating()) return false;
    if (!m_store->find(m_current)) selectConversation(createConversation());
    Conversation* c = m_store->find(m_current);
    const auto thread = c->thread();
    Message& user = c->append(thread.empty() ? QString() : thread.back()->id, Role::User, text);
    const QString userId = user.id;
    m_store->save(m_current);
    refreshChat();
    startReply(userId);
    return true;
}

ReplyOptions MainWindow::replyOptions() const {
    ReplyOptions options;
    options.thinking = m_sampling->thinking();
    options.sampling = m_sampling->sampling();
    options.maxNewTokens = m_sampling->maxNewTokens();
    options.seed = m_sampling->seed();
    return options;
}

void MainWindow::showStreamingMessage() {
    m_streamRender.stop();
    if (m_streamConversation != m_current) return;
    m_sinceStreamRender.start();
    if (const Conversation* c = m_store->find(m_current)) m_chatView->updateMessage(*c, m_streamMessage, m_chat->isGenerating());
    m_streamRenderMs = m_sinceStreamRender.elapsed();
}

void MainWindow::startReply(const QString& parentId) {
    hideError();
    const ReplyOptions options = replyOptions();
    auto result = m_chat->startReply(m_current, parentId, options);
    if (result.status == ChatSession::StartStatus::Overflow) {
        const QString needed = tr("This conversation's prompt takes %1 tokens, and a reply needs room for %2 more, but the "
                                  "model's context holds %3.")
                                   .arg(tokenCount(result.needed - m_chat->replyRoom(options.maxNewTokens)),
                                        tokenCount(m_chat->replyRoom(options.maxNewTokens)), tokenCount(result.limit));
        if (result.turnsToDrop < 0) {
            showError(needed + QLatin1Char(' ') + tr("Lower \"Max new tokens\" or start a new conversation."), QString());
            return;
        }
        const auto answer = QMessageBox::question(
            this, tr("Context full"),
            needed + QStringLiteral("\n\n") +
                tr("Leave out the %n oldest turn(s) so that it fits? They stay in the conversation but the model no longer sees them.",
                   nullptr, result.turnsToDrop));
        if (answer != QMessageBox::Yes) return;
        m_store->find(m_current)->droppedTurns = result.turnsToDrop;
        m_store->save(m_current);
        result = m_chat->startReply(m_current, parentId, options);
    }
    switch (result.status) {
    case ChatSession::StartStatus::Started:
    case ChatSession::StartStatus::Overflow:
    case ChatSession::StartStatus::Busy: break;
    case ChatSession::StartStatus::NoModel:
        showError(tr("No model is loaded yet. Open a model folder or wait until loading has finished."), QString());
        break;
    case ChatSession::StartStatus::Failed:
        showError(tr("The prompt could not be built with the model's chat template."), result.details);
        break;
    }
    refreshChat();
    updateContextMeter();
}

void MainWindow::editAndResend(const QString& messageId, const QString& text) {
    Conversation* c = m_store->find(m_current);
    const Message* old = c ? c->find(messageId) : nullptr;
    if (!old || m_chat->isGenerating()) return;
    if (old->role == Role::System) {  // the system message's Edit
        setSystemPrompt(text);
        return;
    }
    Message& edited = c->append(old->parentId, Role::User, text);
    const QString id = edited.id;
    m_store->save(m_current);
    refreshChat();
    startReply(id);
}

QString MainWindow::systemPrompt() const {
    const Conversation* c = m_store->find(m_current);
    const auto thread = c ? c->thread() : std::vector<const Message*>{};
    return !thread.empty() && thread.front()->role == Role::System ? thread.front()->text : QString();
}

bool MainWindow::setSystemPrompt(const QString& rawText) {
    const QString text = rawText.trimmed();
    if (m_chat->isGenerating()) {
        showError(tr("The system prompt can be changed once the reply has finished."), QString());
        return false;
    }
    if (text == systemPrompt()) return true;
    if (!m_store->find(m_current)) selectConversation(m_store->create(QString()).id);
    Conversation* c = m_store->find(m_current);
    const auto thread = c->thread();
    const Message* system = !thread.empty() && thread.front()->role == Role::System ? thread.front() : nullptr;
    const Message* firstUser = nullptr;
    for (const Message* m : thread)
        if (!firstUser && m->role == Role::User) firstUser = m;
    if (!firstUser) {
        // Nothing depends on it yet: change it in place.
        if (system && text.isEmpty()) c->removeLeaf(system->id);
        else if (system) c->find(system->id)->text = text;
        else c->append(QString(), Role::System, text);
        c->updated = QDateTime::currentDateTimeUtc();
        m_store->save(m_current);
        refreshChat();
        updateContextMeter();
        return true;
    }
    if (!m_modelLoaded) {
        showError(tr("No model is loaded yet. Open a model folder or wait until loading has finished."), QString());
        return false;
    }
    // A new branch from the root: the earlier replies were written under the old prompt.
    const QString firstText = firstUser->text;
    const QString parent = text.isEmpty() ? QString() : c->append(QString(), Role::System, text).id;
    const QString userId = c->append(parent, Role::User, firstText).id;
    m_store->save(m_current);
    refreshChat();
    startReply(userId);
    statusBar()->showMessage(tr("New system prompt: the conversation starts again from its first message; "
                                "the earlier version is one click away (‹ ›)"),
                             8000);
    return true;
}

void MainWindow::editSystemPrompt() {
    bool ok = false;
    const QString text = QInputDialog::getMultiLineText(
        this, tr("System prompt"),
        tr("Instructions the model reads before the conversation: a role, a language, a style. Empty: none.\n"
           "In a conversation with replies, a change starts it again from its first message in a new branch; "
           "the earlier one stays reachable (‹ ›)."),
        systemPrompt(), &ok);
    if (ok) setSystemPrompt(text);
}

void MainWindow::regenerate(const QString& messageId) {
    const Conversation* c = m_store->find(m_current);
    const Message* reply = c ? c->find(messageId) : nullptr;
    if (!reply || reply->parentId.isEmpty() || m_chat->isGenerating()) return;
    startReply(reply->parentId);
}

QString MainWindow::lastReplyId() const {
    const Conversation* c = m_store->find(m_current);
    const auto thread = c ? c->thread() : std::vector<const Message*>{};
    return !thread.empty() && thread.back()->role == Role::Assistant && !thread.back()->parentId.isEmpty() ? thread.back()->id
                                                                                                          : QString();
}

void MainWindow::switchSibling(const QString& messageId, int offset) {
    Conversation* c = m_store->find(m_current);
    if (!c || m_chat->isGenerating()) return;
    const std::vector<QString> siblings = c->siblings(messageId);
    const auto it = std::find(siblings.begin(), siblings.end(), messageId);
    const auto index = (it - siblings.begin()) + offset;
    if (it == siblings.end() || index < 0 || index >= static_cast<long>(siblings.size())) return;
    c->activate(siblings[static_cast<std::size_t>(index)]);
    m_store->save(m_current);
    refreshChat();
    updateContextMeter();
}

void MainWindow::selectChatToken(const QString& messageId, int index) {
    const Conversation* c = m_store->find(m_current);
    const Message* reply = c ? c->find(messageId) : nullptr;
    if (!reply) return;
    m_chatView->setSelectedToken(messageId, index);
    const std::int64_t pos = contextPosition(*reply, promptOf(*c, *reply), index, *m_inspector->store());
    if (pos >= 0) m_inspector->store()->select(pos);
    else inspectChatToken(*reply, index);
}

PromptFn MainWindow::promptOf(const Conversation& c, const Message& reply) const {
    return [this, &c, &reply]() -> const std::vector<int>& { return m_chat->replyPrompt(c, reply); };
}

void MainWindow::inspectChatToken(const Message& reply, int index) {
    m_inspectToken.clear();
    if (m_chat->isGenerating())
        return statusBar()->showMessage(
            tr("The inspector holds the reply being generated. Click this token again once it has finished."), 8000);
    if (!m_modelLoaded)
        return statusBar()->showMessage(tr("Load a model to inspect this reply."), 8000);
    if (!reply.prompt)
        return statusBar()->showMessage(
            tr("This reply comes from an older file that does not record its prompt, so it cannot be inspected. "
               "Regenerate it to inspect the new version."), 8000);
    const ChatSession::StartResult result = m_chat->inspectReply(m_current, reply.id);
    if (result.status != ChatSession::StartStatus::Started) {
        showError(tr("This reply cannot be inspected."), result.details);
        return;
    }
    m_inspectToken = reply.id;
    m_inspectTokenIndex = index;
    m_inspectStatus = tr("Computing the diagnostics of this reply and its prompt, %Ln token(s)… Esc stops.", nullptr,
                         static_cast<int>(reply.prompt->tokens + static_cast<qint64>(reply.tokens.size())));
    statusBar()->showMessage(m_inspectStatus);
    updateActions();
}

void MainWindow::showInspectorSelection() {
    const DiagnosticsStore& diagnostics = *m_inspector->store();
    const Conversation* c = m_store->find(m_current);
    // Following the newest token is no choice of the user's: nothing to highlight.
    if (!c || diagnostics.followsLatest()) return m_chatView->setSelectedToken(QString(), -1);
    const auto thread = c->thread();
    for (auto it = thread.rbegin(); it != thread.rend(); ++it) {  // the latest reply first
        const int index =
            (*it)->role == Role::Assistant ? replyTokenAt(**it, promptOf(*c, **it), diagnostics.selected(), diagnostics) : -1;
        if (index >= 0) return m_chatView->setSelectedToken((*it)->id, index);
    }
    m_chatView->setSelectedToken(QString(), -1);
}

void MainWindow::branchFrom(const QString& messageId, int index, int alternativeId) {
    if (m_chat->isGenerating()) return;
    if (!m_modelLoaded) {
        showError(tr("No model is loaded yet. Open a model folder or wait until loading has finished."), QString());
        return;
    }
    const ChatSession::BranchResult branch = m_chat->createBranch(m_current, messageId, index, alternativeId);
    if (branch.conversationId.isEmpty()) {
        showError(tr("The branch could not be created."), branch.details);
        return;
    }
    hideError();
    selectConversation(branch.conversationId);
    const ReplyOptions options = replyOptions();
    const ChatSession::StartResult result = m_chat->continueReply(branch.conversationId, branch.messageId, options);
    switch (result.status) {
    case ChatSession::StartStatus::Started:
    case ChatSession::StartStatus::Busy: break;
    case ChatSession::StartStatus::NoModel:
        showError(tr("No model is loaded yet. Open a model folder or wait until loading has finished."), QString());
        break;
    case ChatSession::StartStatus::Overflow:
        showError(tr("The branch's prompt takes %1 tokens, and a reply needs room for %2 more, but the model's context "
                     "holds %3. Lower \"Max new tokens\".")
                      .arg(tokenCount(result.needed - m_chat->replyRoom(options.maxNewTokens)),
                           tokenCount(m_chat->replyRoom(options.maxNewTokens)), tokenCount(result.limit)),
                  QString());
        break;
    case ChatSession::StartStatus::Failed:
        showError(tr("The branch could not be continued: the reply's prompt cannot be built again as it was."), result.details);
        break;
    }
    refreshChat();
    updateContextMeter();
}

void MainWindow::refreshChat() {
    m_chatView->setConversation(m_store->find(m_current), m_chat->isGenerating());
}

void MainWindow::updateContextMeter() {
    const Conversation* c = m_store->find(m_current);
    m_sampling->setContextUsage(c ? m_chat->contextUsage(*c, m_sampling->thinking()) : 0, m_chat->contextLimit());
}

void MainWindow::updateActions() {
    const bool busy = m_chat->isGenerating();
    const bool haveConversation = m_store->find(m_current) != nullptr;
    m_send->setEnabled(!busy);  // a message sent while a reply is inspected cancels that
    m_stop->setEnabled(busy || m_chat->isInspecting());
    m_stopShortcut->setEnabled(m_stop->isEnabled());
    m_renameAction->setEnabled(haveConversation);
    m_deleteAction->setEnabled(haveConversation);
    m_exportAction->setEnabled(haveConversation);
    m_systemPromptAction->setEnabled(!busy);
    m_regenerateAction->setEnabled(!busy && m_modelLoaded && !lastReplyId().isEmpty());
    m_undoAction->setEnabled(m_store->canUndoRemove());
}

namespace {

// A conversation's title as a file name (no suffix), without characters that file systems refuse.
QString fileNameFor(const Conversation& c) {
    QString name = c.title.trimmed();
    name.replace(QRegularExpression(QStringLiteral(R"([\\/:*?"<>|\x00-\x1f]+)")), QStringLiteral(" "));
    name = name.simplified().left(80);
    return name.isEmpty() ? MainWindow::tr("conversation") : name;
}

}  // namespace

QString MainWindow::conversationFolder() const {
    const QString last = m_settings.conversationFolder();
    return !last.isEmpty() && QFileInfo(last).isDir() ? last : QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
}

void MainWindow::exportConversation() {
    const Conversation* c = m_store->find(m_current);
    if (!c) return;
    const QString name = fileNameFor(*c);
    const QString folder = conversationFolder();
    const QString markdown = tr("Markdown (*.md)");
    const QString json = tr("Every version, for Import (*.json)");
    QString filter = markdown;
    QString path = QFileDialog::getSaveFileName(this, tr("Export conversation"), QDir(folder).filePath(name + QStringLiteral(".md")),
                                                markdown + QStringLiteral(";;") + json, &filter);
    if (path.isEmpty()) return;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("md") && suffix != QLatin1String("json"))
        path += filter == json ? QStringLiteral(".json") : QStringLiteral(".md");
    m_settings.setConversationFolder(QFileInfo(path).absolutePath());
    exportConversationTo(path);
}

void MainWindow::exportAll() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export every conversation into"), conversationFolder());
    if (folder.isEmpty()) return;
    m_settings.setConversationFolder(folder);
    exportAllAsking(folder);
}

bool MainWindow::exportAllAsking(const QString& folder) {
    const QDir dir(folder);
    const QStringList names = exportAllNames(dir, ExistingFiles::Replace);
    const auto existing = std::count_if(names.begin(), names.end(), [&](const QString& n) { return QFileInfo::exists(dir.filePath(n)); });
    ExistingFiles policy = ExistingFiles::KeepBoth;
    if (existing > 0) {
        QMessageBox box(QMessageBox::Question, tr("Export all"),
                        tr("%n file(s) in %1 already have the name of a conversation.", nullptr, static_cast<int>(existing))
                            .arg(QDir::toNativeSeparators(folder)),
                        QMessageBox::Cancel, this);
        box.setInformativeText(tr("Replace them, or keep them and write those conversations under new names "
                                  "(\"title (2).json\", ...)?"));
        QPushButton* keep = box.addButton(tr("&Keep both"), QMessageBox::AcceptRole);
        QPushButton* replace = box.addButton(tr("&Replace"), QMessageBox::DestructiveRole);
        box.setDefaultButton(keep);
        box.exec();
        if (box.clickedButton() == replace)
            policy = ExistingFiles::Replace;
        else if (box.clickedButton() != keep)
            return false;
    }
    return exportAllTo(folder, policy);
}

QStringList MainWindow::exportAllNames(const QDir& dir, ExistingFiles existing) const {
    QSet<QString> taken;  // two conversations with one title get "title (2)", ...
    QStringList names;
    for (const Conversation* c : m_store->conversations()) {
        const QString base = fileNameFor(*c);
        QString name = base + QStringLiteral(".json");
        for (int n = 2; taken.contains(name.toLower()) || (existing == ExistingFiles::KeepBoth && QFileInfo::exists(dir.filePath(name)));
             ++n)
            name = QStringLiteral("%1 (%2).json").arg(base).arg(n);
        taken.insert(name.toLower());
        names << name;
    }
    return names;
}

bool MainWindow::exportAllTo(const QString& folder, ExistingFiles existing) {
    const QDir dir(folder);
    const QStringList names = exportAllNames(dir, existing);
    const std::vector<const Conversation*> conversations = m_store->conversations();
    int written = 0;
    for (std::size_t i = 0; i < conversations.size(); ++i) {
        QSaveFile file(dir.filePath(names[static_cast<qsizetype>(i)]));
        if (!file.open(QIODevice::WriteOnly) || file.write(conversationJson(*conversations[i])) < 0 || !file.commit()) {
            showError(tr("The conversations could not be exported."),
                      tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(file.fileName()), file.errorString()) +
                          QLatin1Char('\n') + tr("%n conversation(s) were written before it.", nullptr, written));
            return false;
        }
        ++written;
    }
    statusBar()->showMessage(tr("Exported %n conversation(s) to %1", nullptr, written).arg(QDir::toNativeSeparators(folder)), 5000);
    return true;
}

bool MainWindow::exportConversationTo(const QString& path) {
    const Conversation* c = m_store->find(m_current);
    if (!c) return false;
    const bool asJson = QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(asJson ? conversationJson(*c) : conversationMarkdown(*c).toUtf8());
        if (file.commit()) {
            statusBar()->showMessage(tr("Exported to %1").arg(QDir::toNativeSeparators(path)), 5000);
            return true;
        }
    }
    showError(tr("The conversation could not be exported."), tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
    return false;
}

void MainWindow::importConversation() {
    const QStringList paths =
        QFileDialog::getOpenFileNames(this, tr("Import conversations"), conversationFolder(), tr("Conversations (*.json)"));
    if (paths.isEmpty()) return;
    m_settings.setConversationFolder(QFileInfo(paths.front()).absolutePath());
    importConversationsFrom(paths);
}

int MainWindow::importConversationsFrom(const QStringList& paths) {
    QString lastId;
    QStringList failures;
    for (const QString& path : paths) {
        QString reason;
        auto conversation = readConversationFile(path, &reason);
        if (!conversation) {
            failures << tr("%1 could not be read: %2").arg(QDir::toNativeSeparators(path), reason);
            continue;
        }
        lastId = m_store->add(std::move(*conversation)).id;
    }
    const int added = static_cast<int>(paths.size() - failures.size());
    if (!lastId.isEmpty()) selectConversation(lastId);
    if (!failures.isEmpty())
        showError(tr("%n file(s) could not be imported.", nullptr, static_cast<int>(failures.size())), failures.join(QLatin1Char('\n')));
    if (added > 0) statusBar()->showMessage(tr("Imported %n conversation(s)", nullptr, added), 5000);
    return added;
}

bool MainWindow::importConversationFrom(const QString& path) { return importConversationsFrom({path}) == 1; }

void MainWindow::openTemplates() {
    PromptPreviewer previewer = [this](const nlohmann::ordered_json& messages) {
        PromptPreview preview;
        preview.text = m_chat->renderPreview(messages, m_sampling->thinking(), &preview.tokens, &preview.error);
        if (preview.tokens < 0 && preview.error.isEmpty()) {
            for (const auto& m : messages)
                preview.text += QStringLiteral("[%1]\n%2\n\n").arg(QString::fromStdString(m.value("role", std::string())),
                                                                   QString::fromStdString(m.value("content", std::string())));
        }
        return preview;
    };
    PromptTemplateDialog dialog(builtinTemplateDir(), userTemplateDir(), previewer, this);
    if (dialog.exec() == QDialog::Accepted && dialog.chosen()) useTemplate(*dialog.chosen(), dialog.messages());
}

void MainWindow::useTemplate(const PromptTemplate& t, const nlohmann::ordered_json& messages) {
    if (m_chat->isGenerating()) m_chat->stop();
    // Before the reply starts, so that it is sampled so (its seed stays the user's choice).
    if (m_sampling->applyTemplateSampling(t.sampling))
        statusBar()->showMessage(tr("The template “%1” set the sampling (Generation panel)").arg(QString::fromStdString(t.name)), 5000);
    Conversation& c = m_store->create(QString::fromStdString(t.name));
    QString parent;
    QString lastUser;
    for (const auto& m : messages) {
        const std::string role = m.value("role", std::string("user"));
        const Role r = role == "system" ? Role::System : role == "assistant" ? Role::Assistant : Role::User;
        parent = c.append(parent, r, QString::fromStdString(m.value("content", std::string()))).id;
        if (r == Role::User) lastUser = parent;
    }
    m_store->save(c.id);
    const QString id = c.id;
    selectConversation(id);
    if (!lastUser.isEmpty() && m_modelLoaded) startReply(lastUser);
}

void MainWindow::openSettings() {
    SettingsDialog dialog(m_settings, this);
    if (dialog.exec() != QDialog::Accepted) return;
    applyLanguage(m_settings.language());
    m_sampling->loadFrom(m_settings);
    m_modelBar->setThreads(m_settings.threads());
    m_modelBar->setBackend(m_settings.backend());
}

void MainWindow::applyLanguage(const QString& language) {
    m_settings.setLanguage(language);
    m_language.apply(language);
}

void MainWindow::showError(const QString& sentence, const QString& details) {
    m_errorLabel->setText(sentence);
    m_errorDetails->setPlainText(details);
    m_errorDetails->setVisible(false);
    m_errorDetailsButton->setVisible(!details.isEmpty());
    m_errorBanner->setVisible(true);
}

void MainWindow::hideError() { m_errorBanner->setVisible(false); }

QString MainWindow::errorText() const { return m_errorBanner->isVisible() ? m_errorLabel->text() : QString(); }

namespace {

// What a drop on the window does: open a model folder (the folder, or a file of one: config.json,
// tokenizer files, weights), or import conversation files (any other .json). Empty: refused.
struct DropAction {
    QString modelFolder;
    QStringList conversations;
};

bool isModelFile(const QFileInfo& info) {
    const QString name = info.fileName().toLower();
    return name == QLatin1String("config.json") || name == QLatin1String("generation_config.json") ||
           name == QLatin1String("tokenizer.json") || name == QLatin1String("tokenizer_config.json") ||
           name == QLatin1String("model.safetensors.index.json") || name.endsWith(QLatin1String(".safetensors"));
}

DropAction dropActionFor(const QMimeData* mime) {
    if (!mime || !mime->hasUrls()) return {};
    const QList<QUrl> urls = mime->urls();
    DropAction action;
    for (const QUrl& url : urls) {
        if (!url.isLocalFile()) return {};
        const QFileInfo info(url.toLocalFile());
        if (urls.size() == 1 && info.isDir())
            action.modelFolder = info.absoluteFilePath();
        else if (urls.size() == 1 && info.isFile() && isModelFile(info))
            action.modelFolder = info.absolutePath();
        else if (info.isFile() && info.suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0)
            action.conversations << info.absoluteFilePath();
        else
            return {};
    }
    return action;
}

}  // namespace

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const DropAction action = dropActionFor(event->mimeData());
    if (!action.modelFolder.isEmpty() || !action.conversations.isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const DropAction action = dropActionFor(event->mimeData());
    if (!action.modelFolder.isEmpty())
        loadModel(action.modelFolder);
    else if (!action.conversations.isEmpty())
        importConversationsFrom(action.conversations);
    else
        return;
    event->acceptProposedAction();
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::LayoutRequest) {
        const auto contents = [this](int i) {
            auto* area = qobject_cast<QScrollArea*>(m_splitter->widget(i));
            return area ? area->widget() : nullptr;
        };
        if (watched == contents(0) || watched == contents(2) || watched == m_inspector) m_fitPanels.start();
    }
    // The inspector resized with a mouse button down: the user dragging its edge (a window resize
    // leaves a docked inspector's width alone).
    if (watched == m_inspectorDock && event->type() == QEvent::Resize && QGuiApplication::mouseButtons() != Qt::NoButton &&
        !m_inspectorDock->isFloating())
        m_zoomLayout.dock = qRound(m_inspectorDock->width() / m_textScale);
    // The composer takes dropped text; dropped model folders and conversation files go to the window.
    const bool drag = event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove || event->type() == QEvent::Drop;
    if (drag && watched == m_composer->viewport()) {
        auto* drop = static_cast<QDropEvent*>(event);
        const DropAction action = dropActionFor(drop->mimeData());
        if (!action.modelFolder.isEmpty() || !action.conversations.isEmpty()) {
            if (event->type() == QEvent::Drop) dropEvent(drop);
            else drop->acceptProposedAction();
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::resizeEvent(QResizeEvent* event) {
    QMainWindow::resizeEvent(event);
    m_fitPanels.start();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_chat->flushSave();
    m_sampling->saveTo(m_settings);
    m_settings.setWindowGeometry(saveGeometry());
    m_settings.sync();
    m_engine->shutdown();
    event->accept();
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    if (event->type() == QEvent::WindowStateChange && m_fullScreenAction) m_fullScreenAction->setChecked(isFullScreen());
    QMainWindow::changeEvent(event);
}

namespace {

// The text sizes of View → Zoom, as factors of the desktop's font size.
constexpr double kTextScales[] = {0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0};

// The application font before any zoom: the desktop's, taken once per process (several windows
// in the tests, and each zoom, start from it rather than from the last zoomed font).
const QFont& desktopFont() {
    static const QFont font = QApplication::font();
    return font;
}

// A widget with a style sheet keeps the font it had when the sheet was applied: Qt resolves its
// font apart from the usual inheritance, so it misses a change of the application font. Such
// widgets (and those below them) are told to inherit again, parents first. Our style sheets set
// colours and backgrounds, never fonts; widgets with fonts of their own keep them. So is any other
// widget left at another size than its parent without a font of its own (seen: the corner button
// of a table in a tab never shown, after a quick run of zoom steps).
void followApplicationFont(QWidget* widget) {
    const QWidget* parent = widget->isWindow() ? nullptr : widget->parentWidget();
    const bool stale = parent && widget->font().pointSizeF() != parent->font().pointSizeF();
    if ((widget->testAttribute(Qt::WA_StyleSheet) || stale) && !widget->testAttribute(Qt::WA_SetFont)) widget->setFont(QFont());
    for (QObject* child : widget->children())
        if (auto* w = qobject_cast<QWidget*>(child)) followApplicationFont(w);
}

}  // namespace

void MainWindow::setTextScale(double scale) {
    scale = std::clamp(scale, kTextScales[0], std::end(kTextScales)[-1]);
    const QFont& base = desktopFont();
    QFont font = base;
    if (base.pointSizeF() > 0) font.setPointSizeF(base.pointSizeF() * scale);
    else font.setPixelSize(std::max(1, qRound(base.pixelSize() * scale)));
    QApplication::setFont(font);  // every widget without a font of its own follows, through posted events
    QMetaObject::invokeMethod(this, [this, previous = m_textScale, scale] {  // after those events
        followApplicationFont(this);
        layOutForScale(previous, scale);
    }, Qt::QueuedConnection);
    const bool changed = std::abs(scale - m_textScale) > 1e-9;
    m_textScale = scale;
    m_settings.setTextScale(scale);
    m_zoomInAction->setEnabled(scale < std::end(kTextScales)[-1] - 1e-9);
    m_zoomOutAction->setEnabled(scale > kTextScales[0] + 1e-9);
    m_zoomResetAction->setEnabled(std::abs(scale - 1.0) > 1e-9);
    if (changed) statusBar()->showMessage(tr("Text size %1 %").arg(qRound(scale * 100)), 3000);
}

void MainWindow::setPanelWidths(int left, int right) {
    // The chat keeps at least 40 % of the splitter where the panels' minimum widths allow it.
    const QList<int> sizes = m_splitter->sizes();
    const int total = std::accumulate(sizes.begin(), sizes.end(), 0);
    if (sizes.size() != 3 || total <= 0) return;
    const int most = total * 3 / 5;
    if (left + right > most) {
        const double fit = double(most) / (left + right);
        left = qRound(left * fit);
        right = qRound(right * fit);
    }
    // Not below their minimum widths; where one has to be wider, the other gives way. A panel the
    // user has collapsed (dragged shut) stays so.
    const int leftMin = m_splitter->widget(0)->minimumWidth(), rightMin = m_splitter->widget(2)->minimumWidth();
    left = sizes[0] == 0 ? 0 : std::max(left, leftMin);
    right = sizes[2] == 0 ? 0 : std::max(right, rightMin);
    if (left + right > most) {
        if (right > 0) right = std::max(rightMin, most - left);
        if (left > 0) left = std::max(leftMin, most - right);
    }
    if (left != sizes[0] || right != sizes[2]) m_splitter->setSizes({left, std::max(total - left - right, 0), right});
}

void MainWindow::layOutForScale(double previous, double scale) {
    // The side panels and the docked inspector are as wide as at 100 % times the scale (at least
    // their minimum widths, fitPanels), and the chat takes the rest; but the inspector takes at
    // most 45 % of the window. Their widths at 100 % change where the user drags them
    // (rememberPanelWidths, eventFilter); the inspector's is its width when the text size first
    // changes (at the start the window state restores it).
    if (std::abs(scale - previous) > 1e-9) m_sinceZoom.start();
    fitPanels();
    const Qt::DockWidgetArea area = dockWidgetArea(m_inspectorDock);
    if (std::abs(scale - previous) > 1e-9 && m_inspectorDock->isVisible() && !m_inspectorDock->isFloating() &&
        (area == Qt::LeftDockWidgetArea || area == Qt::RightDockWidgetArea)) {
        if (m_zoomLayout.dock <= 0) m_zoomLayout.dock = qRound(m_inspectorDock->width() / previous);
        // At most 45 % of the window, and what the side panels' minimums and the chat's quarter
        // of the screen leave.
        const int screenWidth = screen() ? screen()->availableGeometry().width() : 1920;
        const int leaves = width() - m_splitter->widget(0)->minimumWidth() - m_splitter->widget(2)->minimumWidth() -
                           std::max(320, screenWidth / 4) - 20;
        const int most = std::max(m_inspectorDock->widget()->minimumWidth(), std::min(width() * 9 / 20, leaves));
        resizeDocks({m_inspectorDock}, {std::min(qRound(m_zoomLayout.dock * scale), most)}, Qt::Horizontal);
    }
    m_fitPanels.start();  // again once the layouts have run: the splitter's width follows the dock's
}

void MainWindow::fitPanels() {
    // Each side panel and the docked inspector is at least as wide and as high as its contents
    // need (its minimum size, so the window grows for them as for any widget), as far as the
    // screen allows: together the three leave the chat a quarter of its width (at least 320 px),
    // shared in proportion to what they need, and each at most the screen's height less the rest
    // of the window. Beyond that they scroll, instead of making the window larger than the screen.
    auto* left = qobject_cast<QScrollArea*>(m_splitter->widget(0));
    auto* right = qobject_cast<QScrollArea*>(m_splitter->widget(2));
    auto* dock = qobject_cast<QScrollArea*>(m_inspectorDock->widget());
    if (!left || !right || !dock) return;
    const QSize screenArea = screen() ? screen()->availableGeometry().size() : QSize(1920, 1080);
    const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent);
    const auto needs = [&](QScrollArea* area) {
        QWidget* contents = area->widget();
        QSize size = contents->minimumSizeHint();
        // Wrapped text needs more height than the minimum where the panel is narrow. (The least
        // height at that width: heightForWidth is the preferred one, which for the inspector is
        // some 400 px more and made the window as high as the screen.)
        if (QLayout* layout = contents->layout(); layout && layout->hasHeightForWidth())
            size.setHeight(std::max(size.height(), layout->minimumHeightForWidth(std::max(size.width(), area->viewport()->width()))));
        return size + QSize(scrollBar, 0);
    };
    const bool docked = m_inspectorDock->isVisible() && !m_inspectorDock->isFloating();
    const QSize l = needs(left), r = needs(right), d = docked ? needs(dock) : QSize(0, 0);
    const int budget = screenArea.width() - std::max(320, screenArea.width() / 4);  // the chat keeps a quarter
    const double fit = l.width() + r.width() + d.width() > budget ? double(budget) / (l.width() + r.width() + d.width()) : 1.0;
    // The rest of the window's height around a panel: menu, model bar, dock title, status bar.
    const int frame = std::max(0, frameGeometry().height() - height());  // the window manager's title bar
    const auto tallest = [&](QWidget* area) { return std::max(100, screenArea.height() - frame - std::max(0, height() - area->height())); };
    left->setMinimumSize(int(l.width() * fit), std::min(l.height(), tallest(left)));
    right->setMinimumSize(int(r.width() * fit), std::min(r.height(), tallest(right)));
    if (docked) dock->setMinimumSize(int(d.width() * fit), std::min(d.height(), tallest(dock)));
    else dock->setMinimumSize(0, 0);
    // The splitter does not narrow a panel whose minimum shrank: set the widths again.
    setPanelWidths(qRound(m_zoomLayout.left * m_textScale), qRound(m_zoomLayout.right * m_textScale));
    // A window that grew past the screen on the way (its minimum is larger for a moment while the
    // fonts change and before the panels' minimums follow) comes back to it.
    if (screen() && !isMaximized() && !isFullScreen()) {
        const QRect available = screen()->availableGeometry();
        const QSize most = available.size() - (frameGeometry().size() - size());
        const QSize least = minimumSize().expandedTo(minimumSizeHint());
        if (width() > most.width() || height() > most.height())
            resize(std::max(least.width(), std::min(width(), most.width())), std::max(least.height(), std::min(height(), most.height())));
        // Just after a change of the text size, the window grows for the chat's quarter of the
        // screen, as far as the screen allows (not when the user makes the window narrower).
        const int chat = m_splitter->widget(1)->width();
        const int wanted = std::max(320, available.width() / 4);
        const bool zoomed = m_sinceZoom.isValid() && m_sinceZoom.elapsed() < 1000;
        if (zoomed && isVisible() && chat > 0 && chat < wanted && width() < most.width())
            resize(std::min(most.width(), width() + wanted - chat), height());
    }
}

void MainWindow::rememberPanelWidths() {
    const QList<int> sizes = m_splitter->sizes();
    if (sizes.size() == 3 && sizes[0] > 0) m_zoomLayout.left = qRound(sizes[0] / m_textScale);
    if (sizes.size() == 3 && sizes[2] > 0) m_zoomLayout.right = qRound(sizes[2] / m_textScale);
}

void MainWindow::zoomIn() {
    for (double step : kTextScales)
        if (step > m_textScale + 1e-9) return setTextScale(step);
}

void MainWindow::zoomOut() {
    for (auto it = std::rbegin(kTextScales); it != std::rend(kTextScales); ++it)
        if (*it < m_textScale - 1e-9) return setTextScale(*it);
}

void MainWindow::retranslateUi() {
    setWindowTitle(tr("Qwen Explorer"));
    m_fileMenu->setTitle(tr("&File"));
    m_openAction->setText(tr("&Open model folder…"));
    m_templatesAction->setText(tr("Prompt &templates…"));
    m_settingsAction->setText(tr("&Settings…"));
    m_quitAction->setText(tr("&Quit"));
    m_conversationMenu->setTitle(tr("&Conversation"));
    m_newAction->setText(tr("&New conversation"));
    m_renameAction->setText(tr("&Rename…"));
    m_findAction->setText(tr("&Find conversation"));
    m_findAction->setStatusTip(tr("Search the conversations' titles and messages"));
    m_regenerateAction->setText(tr("Re&generate last reply"));
    m_regenerateAction->setStatusTip(tr("Generate another version of the last reply; the old one stays reachable"));
    m_deleteAction->setText(tr("&Delete"));
    m_undoAction->setText(tr("&Undo delete"));
    m_systemPromptAction->setText(tr("&System prompt…"));
    m_systemPromptAction->setToolTip(tr("Instructions the model reads before the conversation: a role, a language, a style"));
    m_exportAction->setText(tr("&Export…"));
    m_exportAction->setToolTip(tr("Save the conversation as Markdown, or as JSON with every version"));
    m_importAction->setText(tr("&Import…"));
    m_importAction->setToolTip(tr("Add conversations exported as JSON"));
    m_exportAllAction->setText(tr("Export &all…"));
    m_exportAllAction->setToolTip(tr("Save every conversation as JSON into a folder, for a backup or another computer"));
    m_viewMenu->setTitle(tr("&View"));
    m_inspectorDock->setWindowTitle(tr("Inspector"));
    m_inspectorAction->setText(tr("&Inspector"));
    m_colourTokensAction->setText(tr("&Colour tokens by probability"));
    m_colourTokensAction->setStatusTip(tr("Show the replies token by token on the colour of each token's probability: red unlikely, "
                                          "green likely. Hover a token for the alternatives; click it to select it or to branch."));
    m_structureAction->setText(tr("Layer &structure"));
    m_attentionAction->setText(tr("&Attention map"));
    m_layersAction->setText(tr("Per-&layer charts"));
    m_lensAction->setText(tr("Logit &lens"));
    m_zoomInAction->setText(tr("Zoom &in"));
    m_zoomInAction->setStatusTip(tr("Larger text everywhere, for reading from a distance or a projector"));
    m_zoomOutAction->setText(tr("Zoom &out"));
    m_zoomOutAction->setStatusTip(tr("Smaller text everywhere"));
    m_zoomResetAction->setText(tr("&Actual size"));
    m_fullScreenAction->setText(tr("&Full screen"));
    m_zoomResetAction->setStatusTip(tr("The desktop's text size"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About Qwen Explorer"));
    m_composer->setPlaceholderText(tr("Type a message… (Ctrl+Enter sends)"));
    m_send->setText(tr("Send"));
    m_stop->setText(tr("Stop"));
    m_stop->setToolTip(tr("Stop generating; the text so far is kept (Esc)"));
    m_templates->setText(tr("Templates…"));
    m_templates->setToolTip(tr("Start a conversation from a prompt template"));
    m_undoButton->setText(tr("Undo delete"));
    m_errorDetailsButton->setText(tr("Details"));
    m_errorClose->setToolTip(tr("Dismiss"));
    m_chatView->setPlaceholder(tr("Send a message to start the conversation."));
}

}  // namespace qe::gui
