// StructureTourPanel: step navigation, keyboard handling and the projector-friendly layout.
#include "gui/inspector/structure_tour_panel.h"

#include <algorithm>

#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "gui/inspector/diagnostics_store.h"

namespace qe::gui {

namespace {

// Readable from the back of a classroom: black on white, large type, a strong frame.
constexpr double kBodyScale = 1.5;
constexpr double kTitleScale = 2.0;
constexpr int kBodyLines = 9;
const QString kStyle = QStringLiteral(
    "#structureTour { background: #ffffff; border: 3px solid #0b3d91; border-radius: 6px; }"
    "#structureTour QLabel, #structureTour QTextBrowser { color: #000000; background: #ffffff; border: none; }");

QFont scaled(const QFont& base, double scale, bool bold) {
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * scale);
    font.setBold(bold);
    return font;
}

}  // namespace

StructureTourPanel::StructureTourPanel(const DiagnosticsStore* store, QWidget* parent)
    : QFrame(parent), m_store(store), m_counter(new QLabel(this)), m_title(new QLabel(this)), m_body(new QTextBrowser(this)),
      m_previous(new QPushButton(this)), m_next(new QPushButton(this)), m_nextLayer(new QPushButton(this)),
      m_lastLayer(new QPushButton(this)), m_end(new QPushButton(this)) {
    setObjectName(QStringLiteral("structureTour"));
    setStyleSheet(kStyle);
    m_previous->setObjectName(QStringLiteral("tourPrevious"));
    m_next->setObjectName(QStringLiteral("tourNext"));
    m_nextLayer->setObjectName(QStringLiteral("tourNextLayer"));
    m_lastLayer->setObjectName(QStringLiteral("tourLastLayer"));
    m_end->setObjectName(QStringLiteral("tourEnd"));
    // The panel keeps the focus so that the keys always drive the tour; clicks elsewhere in it
    // (buttons, text) must not take the focus away.
    setFocusPolicy(Qt::StrongFocus);
    for (QWidget* child : std::initializer_list<QWidget*>{m_body, m_previous, m_next, m_nextLayer, m_lastLayer, m_end})
        child->setFocusPolicy(Qt::NoFocus);
    applyFonts();
    m_title->setWordWrap(true);
    m_body->setOpenLinks(false);
    // Two rows: the step and End tour, then the way through. In one row they made the inspector
    // some 110 px wider when a tour started, narrowing the chat.
    auto* top = new QHBoxLayout();
    top->addWidget(m_counter, 1);
    top->addWidget(m_end);
    auto* buttons = new QHBoxLayout();
    for (QPushButton* button : {m_previous, m_next, m_nextLayer, m_lastLayer}) buttons->addWidget(button);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(buttons);
    layout->addWidget(m_title);
    layout->addWidget(m_body, 1);

    connect(m_previous, &QPushButton::clicked, this, [this] { goTo(m_current - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { goTo(m_current + 1); });
    connect(m_nextLayer, &QPushButton::clicked, this, [this] { if (m_tour) goTo(m_tour->nextLayerStep(m_current)); });
    connect(m_lastLayer, &QPushButton::clicked, this, [this] { if (m_tour) goTo(m_tour->lastLayerStep()); });
    connect(m_end, &QPushButton::clicked, this, &StructureTourPanel::stop);
    // The numbers follow the selected token and the positions as they stream in.
    connect(store, &DiagnosticsStore::selectionChanged, this, &StructureTourPanel::showCurrent);
    connect(store, &DiagnosticsStore::positionsChanged, this, &StructureTourPanel::showCurrent);
    hide();
    retranslateUi();
}

void StructureTourPanel::start(const ModelConfig& config, bool live) {
    m_tour = std::make_unique<StructureTour>(config);
    m_live = live;
    show();
    setFocus(Qt::OtherFocusReason);
    goTo(0);
}

void StructureTourPanel::stop() {
    if (!m_tour) return;
    m_tour.reset();
    hide();
    emit finished();
}

void StructureTourPanel::goTo(int index) {
    if (!m_tour) return;
    m_current = std::clamp(index, 0, m_tour->size() - 1);
    showCurrent();
    emit stepShown(m_current, m_tour->step(m_current).block);
}

void StructureTourPanel::setLens(const LogitLens& lens) {
    m_lens = lens;
    showCurrent();
}

void StructureTourPanel::setAttentionRows(const AttentionRows& rows) {
    m_attention = rows;
    showCurrent();
}

void StructureTourPanel::showCurrent() {
    if (!m_tour) return;
    const TourLive live{.store = m_live ? m_store : nullptr, .pos = m_store->selected(), .lens = &m_lens, .attention = &m_attention};
    //: Tour step counter, e.g. "Step 7 of 53".
    m_counter->setText(tr("Step %1 of %2").arg(m_current + 1).arg(m_tour->size()));
    m_title->setText(m_tour->title(m_current));
    // The explanations open with the block's name in bold (for the diagram's info box); the
    // title above already names the step.
    QString explanation = m_tour->explanation(m_current);
    if (explanation.startsWith(QLatin1String("<b>")) && explanation.indexOf(QLatin1String("</b>")) > 0)
        explanation.remove(0, explanation.indexOf(QLatin1String("</b>")) + 4);
    m_body->setHtml(explanation + QStringLiteral("<hr>") + m_tour->numbers(m_current, live));
    m_previous->setEnabled(m_current > 0);
    m_next->setEnabled(m_current + 1 < m_tour->size());
}

QString StructureTourPanel::counterText() const { return m_counter->text(); }
QString StructureTourPanel::titleText() const { return m_title->text(); }
QString StructureTourPanel::bodyText() const { return m_body->toPlainText(); }

// The step a navigation key leads to; -1 for any other key.
int StructureTourPanel::targetOf(const QKeyEvent* event) const {
    if (!m_tour) return -1;
    const bool ctrl = event->modifiers().testFlag(Qt::ControlModifier);
    switch (event->key()) {
    case Qt::Key_Right: return ctrl ? m_tour->nextLayerStep(m_current) : std::min(m_current + 1, m_tour->size() - 1);
    case Qt::Key_Left: return ctrl ? m_tour->previousLayerStep(m_current) : std::max(m_current - 1, 0);
    case Qt::Key_Space:
    case Qt::Key_PageDown: return std::min(m_current + 1, m_tour->size() - 1);
    case Qt::Key_PageUp: return std::max(m_current - 1, 0);
    case Qt::Key_Home: return 0;
    case Qt::Key_End: return m_tour->size() - 1;
    default: return -1;
    }
}

// While the tour runs its keys win over application shortcuts (Escape, Home, Ctrl+arrows).
bool StructureTourPanel::event(QEvent* event) {
    if (event->type() == QEvent::ShortcutOverride && m_tour) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Escape || targetOf(key) >= 0) {
            event->accept();
            return true;
        }
    }
    return QFrame::event(event);
}

void StructureTourPanel::keyPressEvent(QKeyEvent* event) {
    if (m_tour && event->key() == Qt::Key_Escape) {
        stop();
        return;
    }
    const int target = targetOf(event);
    if (target < 0) {
        QFrame::keyPressEvent(event);
        return;
    }
    goTo(target);
}

// The large type is relative to the panel's font, so it follows View → Zoom.
void StructureTourPanel::applyFonts() {
    m_counter->setFont(scaled(font(), kBodyScale, false));
    m_title->setFont(scaled(font(), kTitleScale, true));
    m_body->setFont(scaled(font(), kBodyScale, false));
    // Room for an explanation and its numbers without scrolling; the diagram above gives way.
    m_body->setMinimumHeight(QFontMetrics(m_body->font()).lineSpacing() * kBodyLines);
}

void StructureTourPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    if (event->type() == QEvent::FontChange) applyFonts();
    QFrame::changeEvent(event);
}

void StructureTourPanel::retranslateUi() {
    m_previous->setText(tr("◀ Back"));
    m_previous->setToolTip(tr("Previous step (Left, Page Up)"));
    m_next->setText(tr("Next ▶"));
    m_next->setToolTip(tr("Next step (Right, Space, Page Down)"));
    m_nextLayer->setText(tr("Next layer ▶▶"));
    m_nextLayer->setToolTip(tr("Skip to the next layer (Ctrl+Right; Ctrl+Left goes back one layer)"));
    m_lastLayer->setText(tr("Last layer"));
    m_lastLayer->setToolTip(tr("Skip to the last decoder layer (End goes to the last step, Home to the first)"));
    m_end->setText(tr("End tour"));
    m_end->setToolTip(tr("End the tour (Escape)"));
    showCurrent();
}

}  // namespace qe::gui
