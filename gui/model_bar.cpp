// ModelBar: controls and the load progress line.
#include "gui/model_bar.h"

#include <utility>

#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QResizeEvent>
#include <QSpinBox>
#include <QThread>

#include "gui/backend_choice.h"

namespace qe::gui {

namespace {

bool sameFolder(const QString& a, const QString& b) { return QDir::cleanPath(QDir(a).absolutePath()) == QDir::cleanPath(QDir(b).absolutePath()); }

}  // namespace

ModelBar::ModelBar(QWidget* parent)
    : QWidget(parent), m_open(new QPushButton(this)), m_recentLabel(new QLabel(this)), m_recent(new QComboBox(this)),
      m_backendLabel(new QLabel(this)), m_backend(new QComboBox(this)), m_threadsLabel(new QLabel(this)),
      m_threads(new QSpinBox(this)), m_progress(new QProgressBar(this)), m_progressText(new QLabel(this)),
      m_cancel(new QPushButton(this)) {
    m_recent->setMinimumContentsLength(12);  // a model folder's name; narrower leaves room at large text sizes
    m_recent->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    initBackendCombo(m_backend, QStringLiteral("auto"));
    m_threads->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(false);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_open);
    layout->addWidget(m_recentLabel);
    layout->addWidget(m_recent, 1);
    layout->addWidget(m_backendLabel);
    layout->addWidget(m_backend);
    layout->addWidget(m_threadsLabel);
    layout->addWidget(m_threads);
    layout->addWidget(m_progress);
    layout->addWidget(m_progressText);
    layout->addWidget(m_cancel);
    setLoading(false);

    connect(m_open, &QPushButton::clicked, this, &ModelBar::openRequested);
    connect(m_recent, &QComboBox::activated, this, [this](int index) {
        const QString folder = m_recent->itemData(index).toString();
        if (!folder.isEmpty()) emit loadRequested(folder);
    });
    connect(m_cancel, &QPushButton::clicked, this, &ModelBar::cancelRequested);
    connect(m_threads, &QSpinBox::valueChanged, this, &ModelBar::threadsChanged);
    connect(m_backend, &QComboBox::activated, this, [this] { emit backendChanged(backend()); });
    retranslateUi();
}

void ModelBar::setRecentModels(const QStringList& folders, const QString& builtin) {
    m_builtin = builtin;
    m_recent->clear();
    for (const QString& folder : folders) {
        if (!builtin.isEmpty() && sameFolder(folder, builtin)) continue;
        m_recent->addItem(QDir(folder).dirName(), folder);
        m_recent->setItemData(m_recent->count() - 1, QDir::toNativeSeparators(folder), Qt::ToolTipRole);
    }
    if (!builtin.isEmpty()) {
        m_recent->addItem(QString(), builtin);  // its name in retranslateUi
        m_recent->setItemData(m_recent->count() - 1, QDir::toNativeSeparators(builtin), Qt::ToolTipRole);
    }
    retranslateUi();
    setCurrentModel(m_currentModel);
}

void ModelBar::setCurrentModel(const QString& folder) {
    m_currentModel = folder;
    int index = -1;
    for (int i = 0; i < m_recent->count() && !folder.isEmpty(); ++i)
        if (sameFolder(m_recent->itemData(i).toString(), folder)) index = i;
    m_recent->setCurrentIndex(index);
}

QString ModelBar::currentModel() const { return m_recent->currentData().toString(); }

void ModelBar::setThreads(int threads) { m_threads->setValue(threads); }
int ModelBar::threads() const { return m_threads->value(); }
QString ModelBar::backend() const { return m_backend->currentData().toString(); }
void ModelBar::setBackend(const QString& backend) { selectBackend(m_backend, backend); }

void ModelBar::setLoading(bool loading, const QString& folder) {
    m_loadingFolder = folder;
    m_last = LoadProgress{};
    m_progress->setVisible(loading);
    m_progressText->setVisible(loading);
    m_cancel->setVisible(loading);
    m_progress->setValue(0);
    retranslateUi();
    fitLabels();  // the progress widgets come or go: the labels may fit again
}

void ModelBar::setProgress(const LoadProgress& progress) {
    m_last = progress;
    if (progress.bytesTotal > 0)
        m_progress->setValue(static_cast<int>(1000.0 * static_cast<double>(progress.bytesDone) / static_cast<double>(progress.bytesTotal)));
    retranslateUi();
}

void ModelBar::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::FontChange) fitLabels();
}

int ModelBar::labelsWidth() const {
    int width = 0;
    for (const QLabel* label : {m_recentLabel, m_backendLabel, m_threadsLabel}) width += label->sizeHint().width() + layout()->spacing();
    return width;
}

bool ModelBar::labelsShown() const { return !m_recentLabel->isHidden(); }

QSize ModelBar::minimumSizeHint() const {
    QSize size = QWidget::minimumSizeHint();
    if (labelsShown()) size.rwidth() -= labelsWidth();
    return size;
}

QSize ModelBar::sizeHint() const {
    QSize size = QWidget::sizeHint();
    if (!labelsShown()) size.rwidth() += labelsWidth();
    return size;
}

void ModelBar::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitLabels();
}

void ModelBar::fitLabels() {
    const bool fit = width() >= minimumSizeHint().width() + labelsWidth();
    if (fit == labelsShown()) return;
    for (QLabel* label : {m_recentLabel, m_backendLabel, m_threadsLabel}) label->setVisible(fit);
}

void ModelBar::retranslateUi() {
    m_open->setText(tr("Open model folder…"));
    m_open->setToolTip(tr("Open a Hugging Face Qwen3 folder (config.json, tokenizer, safetensors)"));
    m_recentLabel->setText(tr("Recent:"));
    m_recent->setToolTip(tr("Load a recently used model"));
    if (!m_builtin.isEmpty() && m_recent->count() > 0) m_recent->setItemText(m_recent->count() - 1, tr("Built-in demo model"));
    m_backendLabel->setText(tr("Backend:"));
    retranslateBackendCombo(m_backend);
    m_threadsLabel->setText(tr("Threads:"));
    // The labels' words, for when they are hidden (fitLabels) and for screen readers.
    for (auto [label, control] : {std::pair<QLabel*, QWidget*>{m_recentLabel, m_recent}, {m_backendLabel, m_backend}, {m_threadsLabel, m_threads}})
        control->setAccessibleName(label->text().remove(QRegularExpression(QStringLiteral("[:：]\\s*$"))));
    m_threads->setSpecialValueText(tr("All cores"));
    m_threads->setToolTip(tr("Compute threads; applies to the next model load"));
    m_cancel->setText(tr("Cancel"));
    if (m_progressText->isVisible() || m_cancel->isVisible()) {
        const QLocale locale;
        QString text;
        if (m_last.bytesTotal > 0) {
            const double eta = m_last.etaSeconds();
            //: Load progress: %1 bytes loaded, %2 total, %3 speed per second, %4 seconds left.
            text = tr("%1 of %2 · %3/s · %4 s left")
                       .arg(locale.formattedDataSize(static_cast<qint64>(m_last.bytesDone)),
                            locale.formattedDataSize(static_cast<qint64>(m_last.bytesTotal)),
                            locale.formattedDataSize(static_cast<qint64>(m_last.bytesPerSecond())),
                            eta >= 0 ? locale.toString(eta, 'f', 0) : QStringLiteral("?"));
        } else {
            text = tr("Loading %1…").arg(QDir(m_loadingFolder).dirName());
        }
        m_progressText->setText(text);
        fitLabels();  // the text grows as the numbers arrive: hide the labels if it needs their room
    }
}

}  // namespace qe::gui
