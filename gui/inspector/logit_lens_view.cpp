// LogitLensView: a table filled from the LogitLens event.
#include "gui/inspector/logit_lens_view.h"

#include <QEvent>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/heat_colors.h"
#include "gui/probability_text.h"

namespace qe::gui {

LogitLensView::LogitLensView(DiagnosticsStore* store, QWidget* parent)
    : QWidget(parent), m_store(store), m_title(new QLabel(this)), m_table(new QTableWidget(this)) {
    setObjectName(QStringLiteral("logitLensView"));
    m_title->setWordWrap(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_table, 1);
    connect(store, &DiagnosticsStore::selectionChanged, this, [this](std::int64_t pos) {
        if (pos < 0 || pos == m_lens.pos) return;
        if (pos < m_store->hiddenPositions()) {
            emit lensWanted(pos);
            return;
        }
        // Nothing to recompute the lens from: say so instead of asking the engine.
        m_lens = LogitLens{0, pos, {}, {}};
        fill();
    });
    connect(store, &DiagnosticsStore::modelChanged, this, [this] {
        m_lens = LogitLens{};
        m_lens.pos = -1;
        fill();
    });
    m_lens.pos = -1;
    retranslateUi();
}

void LogitLensView::setLens(const LogitLens& lens) {
    m_lens = lens;
    fill();
}

void LogitLensView::fill() {
    m_table->clear();
    const auto layers = static_cast<int>(m_lens.layers.size());
    m_table->setRowCount(layers);
    m_table->setColumnCount(static_cast<int>(kTopK));
    QStringList columns;
    for (int k = 0; k < kTopK; ++k) columns << tr("#%1").arg(k + 1);
    m_table->setHorizontalHeaderLabels(columns);
    QStringList rows;
    const QLocale locale;
    for (int layer = 0; layer < layers; ++layer) {
        rows << tr("after layer %1").arg(layer);
        const auto& top = m_lens.layers[static_cast<std::size_t>(layer)];
        for (int k = 0; k < static_cast<int>(top.size()) && k < kTopK; ++k) {
            const TokenProb& t = top[static_cast<std::size_t>(k)];
            auto* item = new QTableWidgetItem(QStringLiteral("%1  %2%").arg(m_store->idLabel(t.id), probabilityPercent(t.prob)));
            const QColor background = heatColor(t.prob);
            item->setBackground(background);
            item->setForeground(textOn(background));
            item->setToolTip(tr("Token id %1, probability %2").arg(t.id).arg(locale.toString(t.prob, 'g', 4)));
            m_table->setItem(layer, k, item);
        }
    }
    m_table->setVerticalHeaderLabels(rows);
    if (!m_lens.error.isEmpty()) {
        m_title->setText(tr("The logit lens could not be computed: %1").arg(m_lens.error));
    } else if (m_lens.pos >= 0 && m_lens.pos < m_store->positions() && m_lens.pos >= m_store->hiddenPositions()) {
        const QLocale locale;
        //: %1: position; %2: memory budget; %3: how many positions fit it.
        m_title->setText(tr("Position %1 is outside the kept hidden states: the diagnostics memory (%2) holds positions 0–%3 only. "
                            "Raise it under Settings → Diagnostics memory and reload the model to inspect it.")
                             .arg(locale.toString(m_lens.pos))
                             .arg(locale.formattedDataSize(static_cast<qint64>(m_store->hiddenBudgetBytes()), 1))
                             .arg(locale.toString(m_store->hiddenPositions() - 1)));
    } else if (m_lens.pos < 0 || m_lens.pos >= m_store->tokenCount()) {
        m_title->setText(tr("Select a token to see what each layer would predict next."));
    } else {
        //: %1: token text, %2: its position.
        m_title->setText(tr("Next-token predictions after each layer for \"%1\" (position %2): the residual stream put through the final norm and the LM head early.")
                             .arg(m_store->tokenLabel(m_lens.pos))
                             .arg(m_lens.pos));
    }
}

QJsonObject LogitLensView::diagnosticsJson() const {
    QJsonArray layers;
    for (std::size_t layer = 0; layer < m_lens.layers.size(); ++layer) {
        QJsonArray top;
        for (const TokenProb& t : m_lens.layers[layer])
            top.append(QJsonObject{{QStringLiteral("id"), t.id}, {QStringLiteral("token"), m_store->idLabel(t.id)}, {QStringLiteral("prob"), t.prob}});
        layers.append(QJsonObject{{QStringLiteral("layer"), static_cast<qint64>(layer)}, {QStringLiteral("top"), top}});
    }
    return QJsonObject{{QStringLiteral("view"), QStringLiteral("logit_lens")},
                       {QStringLiteral("pos"), static_cast<qint64>(m_lens.pos)},
                       {QStringLiteral("layers"), layers}};
}

QList<CsvTable> LogitLensView::diagnosticsCsv() const {
    CsvTable table;
    table.header = {QStringLiteral("pos"), QStringLiteral("layer"), QStringLiteral("rank"), QStringLiteral("token_id"),
                    QStringLiteral("token"), QStringLiteral("prob")};
    for (std::size_t layer = 0; layer < m_lens.layers.size(); ++layer) {
        const auto& top = m_lens.layers[layer];
        for (std::size_t rank = 0; rank < top.size(); ++rank)
            table.rows.append({QString::number(m_lens.pos), QString::number(layer), QString::number(rank + 1),
                               QString::number(top[rank].id), m_store->idLabel(top[rank].id), csvNumber(top[rank].prob)});
    }
    return {table};
}

void LogitLensView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

void LogitLensView::retranslateUi() { fill(); }

}  // namespace qe::gui
