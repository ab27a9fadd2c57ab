// AttentionView: controls, heatmap and head grid.
#include "gui/inspector/attention_view.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "gui/inspector/attention_heatmap.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/head_grid.h"

namespace qe::gui {

AttentionView::AttentionView(DiagnosticsStore* store, QWidget* parent)
    : QWidget(parent), m_store(store), m_layerLabel(new QLabel(this)), m_layer(new QSpinBox(this)),
      m_headLabel(new QLabel(this)), m_head(new QSpinBox(this)), m_gqa(new QLabel(this)), m_status(new QLabel(this)),
      m_gridLabel(new QLabel(this)), m_metric(new QComboBox(this)), m_heatmap(new AttentionHeatmap(store, this)),
      m_grid(new HeadGrid(store, this)) {
    setObjectName(QStringLiteral("attentionView"));
    auto* controls = new QHBoxLayout();
    controls->addWidget(m_layerLabel);
    controls->addWidget(m_layer);
    controls->addWidget(m_headLabel);
    controls->addWidget(m_head);
    controls->addWidget(m_gqa, 1);
    auto* gridControls = new QHBoxLayout();
    gridControls->addWidget(m_gridLabel, 1);
    gridControls->addWidget(m_metric);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(controls);
    leftLayout->addWidget(m_heatmap, 1);
    leftLayout->addWidget(m_status);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(gridControls);
    rightLayout->addWidget(m_grid, 1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);
    m_status->setWordWrap(true);
    m_metric->addItem(QString());
    m_metric->addItem(QString());

    connect(m_layer, &QSpinBox::valueChanged, this, [this] {
        m_grid->setCurrent(layer(), head());
        emit attentionWanted();
    });
    connect(m_head, &QSpinBox::valueChanged, this, [this] {
        m_grid->setCurrent(layer(), head());
        updateGqaLine();
        emit attentionWanted();
    });
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_grid->setMetric(index == 1 ? HeadGrid::Metric::Sink : HeadGrid::Metric::Entropy);
    });
    connect(m_grid, &HeadGrid::headClicked, this, &AttentionView::openHead);
    connect(m_heatmap, &AttentionHeatmap::queryClicked, store, &DiagnosticsStore::select);
    connect(store, &DiagnosticsStore::modelChanged, this, &AttentionView::onModelChanged);
    connect(store, &DiagnosticsStore::positionsChanged, this, [this] { emit attentionWanted(); });
    connect(store, &DiagnosticsStore::selectionChanged, m_heatmap, qOverload<>(&QWidget::update));
    onModelChanged();
    retranslateUi();
}

int AttentionView::layer() const { return m_layer->value(); }
int AttentionView::head() const { return m_head->value(); }

void AttentionView::openHead(int layer, int head) {
    const QSignalBlocker blockLayer(m_layer);
    const QSignalBlocker blockHead(m_head);
    m_layer->setValue(layer);
    m_head->setValue(head);
    m_grid->setCurrent(this->layer(), this->head());
    updateGqaLine();
    emit attentionWanted();
}

bool AttentionView::wantedRange(std::int64_t* first, std::int64_t* last) const {
    if (m_store->positions() <= 0) return false;
    *last = m_store->positions() - 1;
    *first = std::max<std::int64_t>(0, *last - kMaxRows + 1);
    return true;
}

void AttentionView::setRows(const AttentionRows& rows) {
    if (!rows.error.isEmpty()) {
        m_status->setText(tr("The attention pattern could not be computed: %1").arg(rows.error));
        return;
    }
    m_heatmap->setRows(rows);
    //: %1..%2: query positions shown; %3: number of key positions.
    m_status->setText(tr("Layer %1, head %2: queries %3–%4 over %5 keys. Wheel: zoom, drag: pan, click: select the token.")
                          .arg(rows.layer)
                          .arg(rows.head)
                          .arg(rows.firstPos)
                          .arg(rows.firstPos + rows.rows - 1)
                          .arg(rows.keys));
}

void AttentionView::onModelChanged() {
    const auto layers = std::max<std::int64_t>(m_store->layers(), 1);
    const auto heads = std::max<std::int64_t>(m_store->heads(), 1);
    m_layer->setRange(0, static_cast<int>(layers - 1));
    m_head->setRange(0, static_cast<int>(heads - 1));
    m_heatmap->setRows(AttentionRows{});
    m_grid->setCurrent(layer(), head());
    updateGqaLine();
}

void AttentionView::updateGqaLine() {
    const auto kv = m_store->kvHeads();
    if (kv <= 0) {
        m_gqa->clear();
        return;
    }
    const auto group = std::max<std::int64_t>(m_store->heads() / kv, 1);
    const auto kvHead = head() / group;
    //: GQA: query heads %2..%3 all read the keys and values of KV head %1.
    m_gqa->setText(tr("KV head %1, shared by query heads %2–%3").arg(kvHead).arg(kvHead * group).arg(kvHead * group + group - 1));
}

QJsonObject AttentionView::diagnosticsJson() const {
    const AttentionRows& rows = m_heatmap->rows();
    QJsonArray probs;
    for (std::int64_t row = 0; rows.probs && row < rows.rows; ++row) {
        QJsonArray line;
        const std::int64_t pos = rows.firstPos + row;
        for (std::int64_t key = 0; key <= pos && key < rows.keys; ++key) line.append((*rows.probs)[row * rows.keys + key]);
        probs.append(line);
    }
    QJsonArray tokens;
    for (std::int64_t pos = 0; pos < std::min(rows.keys, m_store->tokenCount()); ++pos) tokens.append(m_store->tokenLabel(pos));
    QJsonObject grid;
    const std::int64_t pos = m_store->selected();
    QJsonArray entropy, sink;
    for (std::int64_t layer = 0; pos >= 0 && layer < m_store->layers(); ++layer) {
        QJsonArray e, s;
        for (std::int64_t head = 0; head < m_store->heads(); ++head) {
            e.append(m_store->entropy(pos, layer, head));
            s.append(m_store->sink(pos, layer, head));
        }
        entropy.append(e);
        sink.append(s);
    }
    return QJsonObject{{QStringLiteral("view"), QStringLiteral("attention")},
                       {QStringLiteral("layer"), static_cast<qint64>(rows.layer)},
                       {QStringLiteral("head"), static_cast<qint64>(rows.head)},
                       {QStringLiteral("first_pos"), static_cast<qint64>(rows.firstPos)},
                       {QStringLiteral("tokens"), tokens},
                       {QStringLiteral("probs"), probs},
                       {QStringLiteral("selected_pos"), static_cast<qint64>(pos)},
                       {QStringLiteral("attn_entropy"), entropy},
                       {QStringLiteral("attn_sink"), sink}};
}

void AttentionView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void AttentionView::retranslateUi() {
    m_layerLabel->setText(tr("Layer"));
    m_headLabel->setText(tr("Head"));
    m_metric->setItemText(0, tr("Entropy"));
    m_metric->setItemText(1, tr("Sink mass"));
    m_metric->setToolTip(tr("Entropy: how spread out a head's attention is. Sink mass: the share of attention on the first token."));
    m_gridLabel->setText(tr("All heads for the selected token (click a cell to open that head; rules separate GQA groups)"));
    m_gridLabel->setWordWrap(true);
    if (!m_heatmap->rows().probs) m_status->setText(tr("Generate a reply to see attention patterns."));
    updateGqaLine();
}

}  // namespace qe::gui
