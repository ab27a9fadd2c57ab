// AttentionView: controls, heatmap and head grid.
#include "gui/inspector/attention_view.h"

#include <algorithm>
#include <cmath>

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
#include "gui/probability_text.h"

namespace qe::gui {

AttentionView::AttentionView(DiagnosticsStore* store, QWidget* parent)
    : QWidget(parent), m_store(store), m_layerLabel(new QLabel(this)), m_layer(new QSpinBox(this)),
      m_headLabel(new QLabel(this)), m_head(new QSpinBox(this)), m_gqa(new QLabel(this)), m_status(new QLabel(this)),
      m_focusLabel(new QLabel(this)),
      m_gridLabel(new QLabel(this)), m_metric(new QComboBox(this)), m_tileModeLabel(new QLabel(this)),
      m_tileMode(new QComboBox(this)), m_heatmap(new AttentionHeatmap(store, this)),
      m_grid(new HeadGrid(store, this)) {
    setObjectName(QStringLiteral("attentionView"));
    auto* controls = new QHBoxLayout();
    controls->addWidget(m_layerLabel);
    controls->addWidget(m_layer);
    controls->addWidget(m_headLabel);
    controls->addWidget(m_head);
    controls->addWidget(m_gqa, 1);
    controls->addWidget(m_tileModeLabel);
    controls->addWidget(m_tileMode);
    auto* gridControls = new QHBoxLayout();
    gridControls->addWidget(m_gridLabel, 1);
    gridControls->addWidget(m_metric);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(controls);
    leftLayout->addWidget(m_heatmap, 1);
    leftLayout->addWidget(m_status);
    leftLayout->addWidget(m_focusLabel);
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
    m_gqa->setWordWrap(true);  // else this line alone made the tab some 200 px wider than the others
    m_focusLabel->setObjectName(QStringLiteral("attentionFocus"));
    m_focusLabel->setWordWrap(true);
    // Each attended key is a link: hovering marks it in the token strip and the map, a click
    // selects it (to follow where it looks in turn).
    m_focusLabel->setTextFormat(Qt::RichText);
    m_focusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    connect(m_focusLabel, &QLabel::linkHovered, this, [this](const QString& link) {
        bool ok = false;
        const std::int64_t key = link.toLongLong(&ok);
        emit keyHovered(ok ? key : -1);
    });
    connect(m_focusLabel, &QLabel::linkActivated, this, [this](const QString& link) {
        bool ok = false;
        const std::int64_t key = link.toLongLong(&ok);
        if (ok && key >= 0 && key < m_store->tokenCount()) m_store->select(key);
    });
    m_metric->addItem(QString());
    m_metric->addItem(QString());
    m_tileMode->addItem(QString());
    m_tileMode->addItem(QString());

    connect(m_layer, &QSpinBox::valueChanged, this, &AttentionView::onHeadChanged);
    connect(m_head, &QSpinBox::valueChanged, this, &AttentionView::onHeadChanged);
    connect(m_tileMode, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_heatmap->setTileMode(index == 1 ? TileMode::Mean : TileMode::Max);
    });
    connect(m_heatmap, &AttentionHeatmap::viewChanged, this, &AttentionView::attentionWanted);
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_grid->setMetric(index == 1 ? HeadGrid::Metric::Sink : HeadGrid::Metric::Entropy);
    });
    connect(m_grid, &HeadGrid::headClicked, this, &AttentionView::openHead);
    connect(m_heatmap, &AttentionHeatmap::queryClicked, store, &DiagnosticsStore::select);
    connect(store, &DiagnosticsStore::modelChanged, this, &AttentionView::onModelChanged);
    connect(store, &DiagnosticsStore::positionsChanged, this, [this](std::int64_t first) {
        m_heatmap->truncate(first);
        if (m_focus.pos >= first) setFocus({});  // a row depends on the tokens up to its position
        updateFocus();
        emit attentionWanted();
    });
    connect(store, &DiagnosticsStore::selectionChanged, m_heatmap, qOverload<>(&QWidget::update));
    connect(store, &DiagnosticsStore::selectionChanged, this, &AttentionView::updateFocus);
    onModelChanged();
    retranslateUi();
}

int AttentionView::layer() const { return m_layer->value(); }
int AttentionView::head() const { return m_head->value(); }

void AttentionView::openHead(int layer, int head) {
    if (layer == this->layer() && head == this->head()) return;
    const QSignalBlocker blockLayer(m_layer);
    const QSignalBlocker blockHead(m_head);
    m_layer->setValue(layer);
    m_head->setValue(head);
    onHeadChanged();
}

void AttentionView::onHeadChanged() {
    // The rows held are another head's: showing them under this one would mislead.
    m_heatmap->clear();
    m_grid->setCurrent(layer(), head());
    updateGqaLine();
    updateStatus();
    updateFocus();
    emit attentionWanted();
}

void AttentionView::setFocus(FocusRow focus) {
    const bool same = focus.layer == m_focus.layer && focus.head == m_focus.head && focus.pos == m_focus.pos &&
                      focus.probs.size() == m_focus.probs.size();
    m_focus = std::move(focus);
    m_focusLabel->setText(focusLine(true));
    emit keyHovered(-1);  // the links under the pointer, if any, are gone
    if (!same) emit focusRowChanged();
}

bool AttentionView::focusHolds(std::int64_t pos) const {
    return m_focus.layer == layer() && m_focus.head == head() && m_focus.pos == pos && !m_focus.probs.empty();
}

void AttentionView::updateFocus() {
    const std::int64_t pos = m_store->selected();
    if (pos < 0 || pos >= inspectablePositions()) {
        setFocus({});
        return;
    }
    if (focusHolds(pos)) return;
    for (const auto& [row, values] : exactRows()) {
        if (row != pos) continue;
        setFocus({layer(), head(), pos, std::vector<float>(values, values + pos + 1)});
        return;
    }
    setFocus({});
    emit attentionWanted();
}

std::optional<AttentionRequest> AttentionView::takeFocusRequest() {
    const std::int64_t pos = m_store->selected();
    if (pos < 0 || pos >= inspectablePositions()) return std::nullopt;
    if (focusHolds(pos)) return std::nullopt;
    const AttentionRequest wanted{0, layer(), head(), pos, pos, 1};
    if (m_focusPending && m_focusPending->layer == wanted.layer && m_focusPending->head == wanted.head &&
        m_focusPending->firstPos == wanted.firstPos)
        return std::nullopt;
    m_focusPending = wanted;
    return wanted;
}

void AttentionView::setFocusRow(const AttentionRows& rows) {
    m_focusPending.reset();
    const std::int64_t pos = m_store->selected();
    if (!rows.error.isEmpty()) {
        m_focusLabel->setText(tr("Where this token looks could not be computed: %1").arg(rows.error).toHtmlEscaped());
        return;
    }
    if (rows.layer == layer() && rows.head == head() && rows.firstPos == pos && rows.block == 1 && rows.rows == 1 && rows.probs &&
        rows.keys >= pos + 1) {
        setFocus({layer(), head(), pos, std::vector<float>(rows.probs->begin(), rows.probs->begin() + pos + 1)});
        return;
    }
    updateFocus();  // an answer for an earlier selection or head: ask for the current one
}

QString AttentionView::focusText() const { return focusLine(false); }

namespace {

// `text` kept on one line (Qt's rich text ignores nowrap and <nobr> inline): word joiners between
// its characters, its spaces non-breaking. Not a long one, which would widen the label (and the
// dock) to fit it.
QString unbroken(const QString& text) {
    if (text.size() > 40) return text;
    QString out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (i > 0 && !c.isLowSurrogate() && !c.isMark()) out += QChar(0x2060);
        out += c == QLatin1Char(' ') ? QChar(0x00A0) : c;
    }
    return out;
}

}  // namespace

QString AttentionView::focusLine(bool links) const {
    if (m_focus.probs.empty()) return {};
    std::vector<std::int64_t> keys(m_focus.probs.size());
    for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = static_cast<std::int64_t>(i);
    const auto shown = std::min<std::size_t>(kFocusKeys, keys.size());
    std::partial_sort(keys.begin(), keys.begin() + static_cast<long>(shown), keys.end(), [&](std::int64_t a, std::int64_t b) {
        return m_focus.probs[static_cast<std::size_t>(a)] > m_focus.probs[static_cast<std::size_t>(b)];
    });
    QStringList items;
    auto label = [this](std::int64_t pos) { return pos < m_store->tokenCount() ? m_store->tokenLabel(pos) : QString(); };
    const auto text = [links](const QString& plain) { return links ? plain.toHtmlEscaped() : plain; };
    for (std::size_t i = 0; i < shown; ++i) {
        const std::int64_t key = keys[i];
        //: One attended token: %1 its text, %2 its position, %3 the attention weight in percent.
        const QString item = tr("“%1” (%2) %3 %").arg(label(key)).arg(key).arg(probabilityPercent(m_focus.probs[static_cast<std::size_t>(key)]));
        items << (links ? QStringLiteral("<a href=\"%1\" style=\"text-decoration:none\">%2</a>").arg(key).arg(unbroken(item).toHtmlEscaped())
                        : item);
    }
    //: %1 the selected token, %2 its position, %3 the list of attended tokens.
    return tr("“%1” (%2) attends most to: %3").arg(text(label(m_focus.pos))).arg(m_focus.pos).arg(items.join(QStringLiteral(" · ")));
}

// Rows can be recomputed only where the session kept the hidden state.
std::int64_t AttentionView::inspectablePositions() const { return std::min(m_store->positions(), m_store->hiddenPositions()); }

std::optional<AttentionRequest> AttentionView::wantedOverview() const {
    const std::int64_t n = inspectablePositions();
    if (n <= 0) return std::nullopt;
    const std::int64_t block = n * n <= kMaxExactValues ? 1 : tileBlock(n, n, kMaxOverviewTiles);
    const AttentionRows& held = m_heatmap->rows();
    if (held.probs && held.layer == layer() && held.head == head() && held.firstPos == 0 && held.lastPos == n - 1 &&
        held.block == block)
        return std::nullopt;
    return AttentionRequest{0, layer(), head(), 0, n - 1, block};
}

// Once the overview's tiles are larger than a pixel: finer rows of the visible queries (and as
// many again around them, so that panning a little needs nothing new).
std::optional<AttentionRequest> AttentionView::wantedDetail() const {
    const AttentionRows& overview = m_heatmap->rows();
    const std::int64_t n = inspectablePositions();
    std::int64_t first = 0, last = 0;
    if (!overview.probs || overview.block <= 1 || !m_heatmap->visibleQueries(&first, &last)) return std::nullopt;
    last = std::min(last, n - 1);
    if (first > last) return std::nullopt;
    const auto perPixel = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(1.0 / m_heatmap->cell())));
    if (perPixel >= overview.block) return std::nullopt;
    const AttentionRows& held = m_heatmap->detail();
    const std::int64_t pad = (last - first + 1) / 2;
    const std::int64_t from = std::max<std::int64_t>(0, first - pad), to = std::min(n - 1, last + pad);
    const std::int64_t block = std::max(perPixel, tileBlock(to - from + 1, to + 1, kMaxExactValues));
    if (block >= overview.block) return std::nullopt;
    if (held.probs && held.layer == layer() && held.head == head() && held.block <= block && held.firstPos <= first &&
        held.lastPos >= last)
        return std::nullopt;
    return AttentionRequest{0, layer(), head(), from, to, block};
}

std::optional<AttentionRequest> AttentionView::takeRequest() {
    bool detail = false;
    auto next = wantedOverview();
    if (!next) {
        next = wantedDetail();
        detail = next.has_value();
    }
    auto same = [](const AttentionRequest& a, const AttentionRequest& b) {
        return a.layer == b.layer && a.head == b.head && a.firstPos == b.firstPos && a.lastPos == b.lastPos && a.block == b.block;
    };
    if (!next || (m_pending && same(*m_pending, *next))) return std::nullopt;
    m_pending = next;
    m_pendingDetail = detail;
    return next;
}

void AttentionView::setRows(const AttentionRows& rows) {
    const bool ours = m_pending && m_pending->layer == rows.layer && m_pending->head == rows.head &&
                      m_pending->firstPos == rows.firstPos && m_pending->block == rows.block;
    const bool detail = ours ? m_pendingDetail : rows.firstPos > 0;
    // Whatever answered, ours is no longer on its way (the controller forwards only the latest),
    // so the next attentionWanted may ask again.
    m_pending.reset();
    if (!rows.error.isEmpty()) {
        m_status->setText(tr("The attention pattern could not be computed: %1").arg(rows.error));
        return;
    }
    if (rows.layer == layer() && rows.head == head()) {
        if (detail) m_heatmap->setDetail(rows);
        else m_heatmap->setRows(rows);
        updateStatus();
        updateFocus();
    }
    // After our overview, maybe a finer window. Someone else's answer asks nothing: a request
    // of ours racing theirs would drop theirs.
    if (ours) emit attentionWanted();
}

void AttentionView::appendLiveRows(const AttentionRows& rows) {
    if (rows.layer != layer() || rows.head != head()) return;
    m_heatmap->appendLive(rows);
    updateStatus();
    updateFocus();
}

void AttentionView::updateStatus() {
    const AttentionRows& rows = m_heatmap->rows();
    const std::int64_t n = m_heatmap->extent();
    if (!rows.probs && m_heatmap->live().empty()) {
        m_status->setText(n > 0 && m_store->hiddenPositions() <= 0
                              ? tr("No hidden states are kept (diagnostics memory is 0), so attention cannot be recomputed.")
                              : tr("Generate a reply to see attention patterns."));
        return;
    }
    if (rows.block > 1) {
        //: %3: context length; %4: positions per side of one aggregated tile.
        m_status->setText(tr("Layer %1, head %2: %3 positions in tiles of %4 × %4 (zoom in for single tokens). "
                             "Wheel: zoom, drag: pan, click: select the token.")
                              .arg(layer()).arg(head()).arg(n).arg(rows.block));
        return;
    }
    //: %1..%2: query positions shown; %3: number of key positions.
    m_status->setText(tr("Layer %1, head %2: queries %3–%4 over %5 keys. Wheel: zoom, drag: pan, click: select the token.")
                          .arg(layer()).arg(head()).arg(0).arg(n - 1).arg(n));
}

void AttentionView::onModelChanged() {
    const auto layers = std::max<std::int64_t>(m_store->layers(), 1);
    const auto heads = std::max<std::int64_t>(m_store->heads(), 1);
    m_layer->setRange(0, static_cast<int>(layers - 1));
    m_head->setRange(0, static_cast<int>(heads - 1));
    m_heatmap->clear();
    m_heatmap->resetView();
    m_grid->setCurrent(layer(), head());
    m_focusPending.reset();
    setFocus({});
    updateGqaLine();
    updateStatus();
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

std::vector<std::pair<std::int64_t, const float*>> AttentionView::exactRows() const {
    std::vector<std::pair<std::int64_t, const float*>> out;
    const AttentionRows& rows = m_heatmap->rows();
    if (rows.probs && rows.block == 1)
        for (std::int64_t row = 0; row < rows.rows; ++row) out.emplace_back(rows.firstPos + row, rows.probs->data() + row * rows.keys);
    for (const AttentionRows& live : m_heatmap->live()) {
        for (std::int64_t row = 0; row < live.rows; ++row) {
            const std::int64_t pos = live.firstPos + row;
            if (out.empty() || pos == out.back().first + 1) out.emplace_back(pos, live.probs->data() + row * live.keys);
        }
    }
    return out;
}

QJsonObject AttentionView::diagnosticsJson() const {
    const AttentionRows& rows = m_heatmap->rows();
    QJsonObject map{{QStringLiteral("view"), QStringLiteral("attention")},
                    {QStringLiteral("layer"), layer()},
                    {QStringLiteral("head"), head()}};
    std::int64_t keys = 0;
    if (rows.probs && rows.block > 1) {
        // Tiles: [row][col] of the block maximum and mean, causal tiles only.
        QJsonArray maxima, means;
        for (std::int64_t row = 0; row < rows.rows; ++row) {
            QJsonArray peak, mean;
            const std::int64_t lastQuery = std::min(rows.firstPos + (row + 1) * rows.block - 1, rows.lastPos);
            for (std::int64_t col = 0; col < rows.keys && col * rows.block <= lastQuery; ++col) {
                peak.append((*rows.probs)[row * rows.keys + col]);
                mean.append((*rows.means)[row * rows.keys + col]);
            }
            maxima.append(peak);
            means.append(mean);
        }
        map.insert(QStringLiteral("first_pos"), static_cast<qint64>(rows.firstPos));
        map.insert(QStringLiteral("last_pos"), static_cast<qint64>(rows.lastPos));
        map.insert(QStringLiteral("block"), static_cast<qint64>(rows.block));
        map.insert(QStringLiteral("tile_max"), maxima);
        map.insert(QStringLiteral("tile_mean"), means);
        keys = rows.lastPos + 1;
    } else {
        const auto exact = exactRows();
        QJsonArray probs;
        for (const auto& [pos, values] : exact) {
            QJsonArray line;
            for (std::int64_t key = 0; key <= pos; ++key) line.append(values[key]);
            probs.append(line);
        }
        map.insert(QStringLiteral("first_pos"), static_cast<qint64>(exact.empty() ? 0 : exact.front().first));
        map.insert(QStringLiteral("block"), 1);
        map.insert(QStringLiteral("probs"), probs);
        keys = exact.empty() ? 0 : exact.back().first + 1;
    }
    QJsonArray tokens;
    for (std::int64_t pos = 0; pos < std::min(keys, m_store->tokenCount()); ++pos) tokens.append(m_store->tokenLabel(pos));
    map.insert(QStringLiteral("tokens"), tokens);
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
    map.insert(QStringLiteral("selected_pos"), static_cast<qint64>(pos));
    map.insert(QStringLiteral("attn_entropy"), entropy);
    map.insert(QStringLiteral("attn_sink"), sink);
    return map;
}

CsvTable AttentionView::mapCsv() const {
    const AttentionRows& rows = m_heatmap->rows();
    CsvTable table;
    auto token = [this](std::int64_t pos) { return pos < m_store->tokenCount() ? m_store->tokenLabel(pos) : QString(); };
    if (rows.probs && rows.block > 1) {
        table.header = {QStringLiteral("query_first"), QStringLiteral("query_last"), QStringLiteral("key_first"),
                        QStringLiteral("key_last"), QStringLiteral("max"), QStringLiteral("mean")};
        for (std::int64_t row = 0; row < rows.rows; ++row) {
            const std::int64_t firstQuery = rows.firstPos + row * rows.block;
            const std::int64_t lastQuery = std::min(firstQuery + rows.block - 1, rows.lastPos);
            for (std::int64_t col = 0; col < rows.keys && col * rows.block <= lastQuery; ++col) {
                const auto i = static_cast<std::size_t>(row * rows.keys + col);
                table.rows.append({QString::number(firstQuery), QString::number(lastQuery), QString::number(col * rows.block),
                                   QString::number(std::min((col + 1) * rows.block - 1, lastQuery)),
                                   csvNumber((*rows.probs)[i]), csvNumber((*rows.means)[i])});
            }
        }
        return table;
    }
    table.header = {QStringLiteral("query"), QStringLiteral("key"), QStringLiteral("query_token"), QStringLiteral("key_token"),
                    QStringLiteral("prob")};
    for (const auto& [pos, values] : exactRows())
        for (std::int64_t key = 0; key <= pos; ++key)
            table.rows.append({QString::number(pos), QString::number(key), token(pos), token(key), csvNumber(values[key])});
    return table;
}

CsvTable AttentionView::headsCsv() const {
    CsvTable table{QStringLiteral("heads"),
                   {QStringLiteral("pos"), QStringLiteral("layer"), QStringLiteral("head"), QStringLiteral("entropy"), QStringLiteral("sink")},
                   {}};
    const std::int64_t pos = m_store->selected();
    for (std::int64_t layer = 0; pos >= 0 && layer < m_store->layers(); ++layer)
        for (std::int64_t head = 0; head < m_store->heads(); ++head)
            table.rows.append({QString::number(pos), QString::number(layer), QString::number(head),
                               csvNumber(m_store->entropy(pos, layer, head)), csvNumber(m_store->sink(pos, layer, head))});
    return table;
}

QList<CsvTable> AttentionView::diagnosticsCsv() const { return {mapCsv(), headsCsv()}; }

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
    m_tileModeLabel->setText(tr("Tiles show"));
    m_tileMode->setItemText(0, tr("Block maximum"));
    m_tileMode->setItemText(1, tr("Block mean"));
    m_tileMode->setToolTip(tr("Where one cell on screen stands for a block of queries × keys (long contexts, zoomed out): "
                              "the largest weight in the block keeps sharp heads visible; the mean shows where attention mass goes."));
    m_focusLabel->setText(focusLine(true));
    updateStatus();
    updateGqaLine();
}

}  // namespace qe::gui
