// Inspector (issue #9) on a tiny generated model: the worker's diagnostics events (order,
// shapes, deltas only, attention rows that sum to 1 and are causal, logit lens, stale requests
// dropped), each view renders, the 32B preset's parameter count (spec §3.2: 32,762,123,264),
// selection sync between the views, where the selected token looks (its attention row, in the
// attention view and as the token strip's colours), and PNG / JSON export.
#include <QJsonDocument>
#include <QJsonObject>
#include <QComboBox>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <optional>

#include "gui/engine/engine_controller.h"
#include "gui/inspector/attention_heatmap.h"
#include "gui/inspector/attention_view.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/heat_colors.h"
#include "gui/inspector/head_grid.h"
#include "gui/inspector/inspector_panel.h"
#include "gui/inspector/layer_charts_view.h"
#include "gui/inspector/logit_lens_view.h"
#include "gui/inspector/structure_diagram.h"
#include "gui/inspector/structure_view.h"
#include "gui/inspector/token_strip.h"
#include "gui_test_support.h"

using namespace qe::gui;

namespace {

std::vector<int> prompt(int n = 12) {
    std::vector<int> ids;
    for (int i = 0; i < n; ++i) ids.push_back(100 + i * 37);
    return ids;
}

qe::SamplingParams sampling() {
    qe::SamplingParams p;
    p.temperature = 1.0f;
    p.seed = 11;
    return p;
}

}  // namespace

class TestInspector : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void structurePresets_data();
    void structurePresets();
    void structureExplains();
    void diagnosticsEvents();
    void attentionAndLens();
    void staleOnDemandDropped();
    void viewsRender();
    void selectionSync();
    void focusRowColoursTheTokens();
    void exportWritesFiles();
    void cleanupTestCase();

private:
    bool generate(std::vector<int> ids, int maxNew);

    QTemporaryDir m_dir;
    QString m_model;
    EngineController* m_engine = nullptr;
    InspectorPanel* m_panel = nullptr;
    std::vector<DiagnosticsDelta> m_deltas;
    QStringList m_order;
};

void TestInspector::initTestCase() {
    QString why;
    m_model = qe::test::makeTinyModel(m_dir, &why);
    if (m_model.isEmpty()) QSKIP(qPrintable(why));
    m_engine = new EngineController(this);
    m_panel = new InspectorPanel(m_engine);
    m_panel->resize(900, 800);
    m_panel->show();
    connect(m_engine, &EngineController::diagnosticsReady, this, [this](const DiagnosticsDelta& d) {
        m_deltas.push_back(d);
        m_order << QStringLiteral("diagnostics");
    });
    connect(m_engine, &EngineController::tokensReady, this, [this] { m_order << QStringLiteral("tokens"); });
    connect(m_engine, &EngineController::generationFinished, this, [this] { m_order << QStringLiteral("finished"); });
    QSignalSpy loaded(m_engine, &EngineController::modelLoaded);
    m_engine->loadModel(m_model, 1);
    QVERIFY(loaded.wait(60000));
    QVERIFY(m_panel->store()->config().has_value());
    QCOMPARE(m_panel->store()->layers(), 2);
}

bool TestInspector::generate(std::vector<int> ids, int maxNew) {
    QSignalSpy finished(m_engine, &EngineController::generationFinished);
    m_engine->generate(std::move(ids), sampling(), maxNew);
    return finished.wait(60000);
}

void TestInspector::structurePresets_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("parameters");
    // spec §3.2 totals (shared/spec/qwen3.md), written with English digit grouping.
    QTest::newRow("0.6b") << QStringLiteral("0.6b") << QStringLiteral("596,049,920");
    QTest::newRow("32b") << QStringLiteral("32b") << QStringLiteral("32,762,123,264");
}

void TestInspector::structurePresets() {
    QFETCH(QString, preset);
    QFETCH(QString, parameters);
    StructureView* view = m_panel->structureView();
    QVERIFY(view->choosePreset(preset));
    QVERIFY2(view->totalsText().contains(parameters), qPrintable(view->totalsText()));
    m_panel->showTab(InspectorPanel::StructureTab);
    QVERIFY(!view->grab().isNull());
    const StructureDiagram* diagram = view->diagram();
    QVERIFY(diagram->blockTitle(StructureBlock::Layers).contains(QString::number(view->shownConfig().numHiddenLayers)));
    QVERIFY(diagram->blockDetail(StructureBlock::Embedding).contains(QString::number(view->shownConfig().vocabSize)));
    QVERIFY(!diagram->blockRect(StructureBlock::Mlp).isEmpty());
}

void TestInspector::structureExplains() {
    StructureView* view = m_panel->structureView();
    QVERIFY(view->choosePreset(QStringLiteral("32b")));
    StructureDiagram* diagram = view->diagram();
    const QPoint centre = diagram->blockRect(StructureBlock::QkNorm).center().toPoint();
    QTest::mouseClick(diagram, Qt::LeftButton, {}, centre);
    QVERIFY2(view->explanationText().contains(QStringLiteral("QK-norm")), qPrintable(view->explanationText()));
    view->explain(static_cast<int>(StructureBlock::Attention));
    QVERIFY(view->explanationText().contains(QStringLiteral("64 query heads use 8 KV heads")));
    view->chooseLoadedModel();
    QCOMPARE(view->shownConfig().hiddenSize, 64);
}

// Deltas arrive before the tokens they go with, before GenerationFinished, contiguous, with the
// right shapes; a follow-up generation sends only the positions that changed.
void TestInspector::diagnosticsEvents() {
    m_deltas.clear();
    m_order.clear();
    QVERIFY(generate(prompt(), 6));
    QVERIFY(!m_deltas.empty());
    QCOMPARE(m_order.last(), QStringLiteral("finished"));
    QCOMPARE(m_order.first(), QStringLiteral("diagnostics"));
    std::int64_t end = 0;
    for (const DiagnosticsDelta& delta : m_deltas) {
        const DiagnosticsData& d = *delta.data;
        QCOMPARE(d.firstPos, end);
        QCOMPARE(d.layers, 2);
        QCOMPARE(d.heads, 4);
        QCOMPARE(static_cast<std::int64_t>(d.residualRms.size()), d.positions * 2);
        QCOMPARE(static_cast<std::int64_t>(d.mlpRms.size()), d.positions * 2);
        QCOMPARE(static_cast<std::int64_t>(d.entropy.size()), d.positions * 2 * 4);
        QCOMPARE(static_cast<std::int64_t>(d.sink.size()), d.positions * 2 * 4);
        QVERIFY(static_cast<std::int64_t>(d.tokens.size()) >= d.positions);
        QCOMPARE(static_cast<int>(d.layerSeconds.size()), 2);
        for (float s : d.sink) QVERIFY(s >= 0.0f && s <= 1.0f + 1e-5f);
        end = d.firstPos + d.positions;
    }
    DiagnosticsStore* store = m_panel->store();
    QCOMPARE(store->positions(), end);
    QVERIFY(end >= 12 + 6 - 1);  // the prompt and every generated token fed back
    QCOMPARE(store->promptTokens(), 12);
    QVERIFY(store->token(12).prob > 0.0f);
    QVERIFY(!store->token(12).alternatives.empty());
    QCOMPARE(store->token(0).prob, -1.0f);
    QVERIFY(std::abs(store->entropy(0, 0, 0)) < 1e-5f);  // the first token attends only to itself
    QCOMPARE(store->sink(0, 1, 3), 1.0f);

    // Continue the same context: only the new positions come.
    std::vector<int> next = prompt();
    for (std::int64_t pos = 12; pos < store->tokenCount(); ++pos) next.push_back(store->token(pos).id);
    next.push_back(5000);
    m_deltas.clear();
    QVERIFY(generate(next, 3));
    QVERIFY(!m_deltas.empty());
    QVERIFY2(m_deltas.front().data->firstPos >= end - 1, "the reused prefix was sent again");
    QCOMPARE(store->positions(), static_cast<std::int64_t>(next.size()) + 3 - 1);
}

void TestInspector::attentionAndLens() {
    QSignalSpy rowsSpy(m_engine, &EngineController::attentionReady);
    // The answer to one request (the panel asks for rows of its own as well).
    const auto answerTo = [&](RequestId id) -> std::optional<AttentionRows> {
        if (!QTest::qWaitFor([&] {
                return std::any_of(rowsSpy.begin(), rowsSpy.end(), [&](const QList<QVariant>& args) { return args.at(0).value<AttentionRows>().requestId == id; });
            }, 30000))
            return std::nullopt;
        for (const QList<QVariant>& args : rowsSpy)
            if (args.at(0).value<AttentionRows>().requestId == id) return args.at(0).value<AttentionRows>();
        return std::nullopt;
    };
    const std::int64_t last = m_panel->store()->positions() - 1;
    const std::optional<AttentionRows> answer = answerTo(m_engine->requestAttention(1, 2, 0, last));
    QVERIFY(answer);
    const AttentionRows rows = *answer;
    QVERIFY2(rows.error.isEmpty(), qPrintable(rows.error));
    QCOMPARE(rows.rows, last + 1);
    QCOMPARE(rows.keys, last + 1);
    for (std::int64_t row = 0; row < rows.rows; ++row) {
        double sum = 0;
        for (std::int64_t key = 0; key < rows.keys; ++key) {
            const float p = (*rows.probs)[row * rows.keys + key];
            if (key > row) QCOMPARE(p, 0.0f);  // causal
            sum += p;
        }
        QVERIFY2(std::abs(sum - 1.0) < 1e-4, qPrintable(QString::number(sum)));
    }
    // Entropy from the rows equals the always-on diagnostic of the same head.
    double entropy = 0;
    for (std::int64_t key = 0; key <= last; ++key) {
        const double p = (*rows.probs)[last * rows.keys + key];
        if (p > 0) entropy -= p * std::log(p);
    }
    QVERIFY(std::abs(entropy - m_panel->store()->entropy(last, 1, 2)) < 1e-3);

    QSignalSpy lensSpy(m_engine, &EngineController::logitLensReady);
    m_engine->requestLogitLens(last, 5);
    QVERIFY(lensSpy.wait(30000));
    const auto lens = lensSpy.last().at(0).value<LogitLens>();
    QVERIFY2(lens.error.isEmpty(), qPrintable(lens.error));
    QCOMPARE(lens.pos, last);
    QCOMPARE(static_cast<int>(lens.layers.size()), 2);
    for (const auto& top : lens.layers) {
        QCOMPARE(static_cast<int>(top.size()), 5);
        for (std::size_t k = 1; k < top.size(); ++k) QVERIFY(top[k - 1].prob >= top[k].prob);
    }
    // Out of range: an error value, not a crash.
    const std::optional<AttentionRows> outOfRange = answerTo(m_engine->requestAttention(0, 0, 0, last + 100));
    QVERIFY(outOfRange);
    QVERIFY(!outOfRange->error.isEmpty());
}

void TestInspector::staleOnDemandDropped() {
    QSignalSpy rowsSpy(m_engine, &EngineController::attentionReady);
    const RequestId stale = m_engine->requestAttention(0, 0, 0, 3);
    const RequestId latest = m_engine->requestAttention(0, 1, 0, 4);
    QVERIFY(rowsSpy.wait(30000));
    QTest::qWait(200);
    // (The panel may ask for its own rows meanwhile; the stale answer must never come.)
    bool sawLatest = false;
    for (const auto& args : rowsSpy) {
        const auto id = args.at(0).value<AttentionRows>().requestId;
        QVERIFY(id != stale);
        sawLatest = sawLatest || id == latest;
    }
    QVERIFY(sawLatest || rowsSpy.count() > 0);
}

void TestInspector::viewsRender() {
    AttentionView* attention = m_panel->attentionView();
    m_panel->showTab(InspectorPanel::AttentionTab);
    attention->openHead(1, 3);
    QVERIFY(QTest::qWaitFor([&] { return attention->heatmap()->rows().probs && attention->heatmap()->rows().head == 3; }, 30000));
    QVERIFY(attention->heatmap()->probability(5, 0) > 0.0);
    QCOMPARE(attention->heatmap()->probability(5, 6), 0.0);
    QVERIFY(!std::isnan(attention->grid()->value(1, 3)));
    QVERIFY(!attention->grab().isNull());
    m_panel->showTab(InspectorPanel::LayersTab);
    QVERIFY(!m_panel->layerChartsView()->grab().isNull());
    m_panel->showTab(InspectorPanel::LensTab);
    QVERIFY(QTest::qWaitFor([&] { return m_panel->logitLensView()->table()->rowCount() == 2; }, 30000));
    QVERIFY(!m_panel->logitLensView()->table()->item(0, 0)->text().isEmpty());
    QVERIFY(m_panel->tokenStrip()->tokenRect(0).isValid());
    QVERIFY(m_panel->tokenStrip()->tooltipFor(13).contains(QLatin1Char('%')));
    QVERIFY(!m_panel->tokenStrip()->grab().isNull());
}

// Selecting a token anywhere selects it in every view.
void TestInspector::selectionSync() {
    DiagnosticsStore* store = m_panel->store();
    TokenStrip* strip = m_panel->tokenStrip();
    QSignalSpy selection(store, &DiagnosticsStore::selectionChanged);
    QTest::mouseClick(strip, Qt::LeftButton, {}, strip->tokenRect(4).center().toPoint());
    QCOMPARE(store->selected(), 4);
    QVERIFY(!store->followsLatest());
    QVERIFY(selection.count() >= 1);
    // The logit lens follows the selection.
    QVERIFY(QTest::qWaitFor([&] { return m_panel->logitLensView()->lens().pos == 4; }, 30000));
    // The head grid opens a head in the attention map; clicking a heatmap row selects it.
    AttentionView* attention = m_panel->attentionView();
    emit attention->grid()->headClicked(0, 2);
    QCOMPARE(attention->layer(), 0);
    QCOMPARE(attention->head(), 2);
    emit m_panel->layerChartsView()->entropyGrid()->headClicked(1, 1);
    QCOMPARE(attention->layer(), 1);
    QCOMPARE(m_panel->tabs()->currentIndex(), static_cast<int>(InspectorPanel::AttentionTab));
    emit attention->heatmap()->queryClicked(7);
    QCOMPARE(store->selected(), 7);
    store->select(-1);
    QVERIFY(store->followsLatest());
    QCOMPARE(store->selected(), store->positions() - 1);
}

namespace {

// Entropy of an attention row, nats: the always-on diagnostic computes it in the forward pass,
// independently of the on-demand recomputation.
double rowEntropy(const std::vector<float>& row) {
    double entropy = 0;
    for (const float p : row)
        if (p > 0) entropy -= p * std::log(static_cast<double>(p));
    return entropy;
}

}  // namespace

void TestInspector::focusRowColoursTheTokens() {
    DiagnosticsStore* store = m_panel->store();
    AttentionView* attention = m_panel->attentionView();
    TokenStrip* strip = m_panel->tokenStrip();
    const std::int64_t pos = store->positions() - 3;
    QVERIFY(pos >= 4);
    m_panel->showTab(InspectorPanel::AttentionTab);
    attention->openHead(1, 2);
    store->select(pos);
    const auto focusIs = [&](std::int64_t layer, std::int64_t head) {
        const AttentionView::FocusRow& f = attention->focusRow();
        return f.layer == layer && f.head == head && f.pos == pos && static_cast<std::int64_t>(f.probs.size()) == pos + 1;
    };
    QVERIFY(QTest::qWaitFor([&] { return focusIs(1, 2); }, 30000));
    const std::vector<float> row = attention->focusRow().probs;
    double sum = 0;
    for (const float p : row) sum += p;
    QVERIFY2(std::abs(sum - 1.0) < 1e-4, qPrintable(QString::number(sum)));
    QVERIFY2(std::abs(rowEntropy(row) - store->entropy(pos, 1, 2)) < 1e-3,
             qPrintable(QStringLiteral("%1 against %2").arg(rowEntropy(row)).arg(store->entropy(pos, 1, 2))));
    const auto top = static_cast<std::int64_t>(std::max_element(row.begin(), row.end()) - row.begin());
    const QString focus = attention->focusText();
    QVERIFY2(focus.contains(QStringLiteral("“%1” (%2)").arg(store->tokenLabel(top)).arg(top)), qPrintable(focus));
    // Under the map each key is a link: hovered, it is marked in the strip and the map.
    QLabel* focusLabel = attention->findChild<QLabel*>(QStringLiteral("attentionFocus"));
    QVERIFY2(focusLabel->text().contains(QStringLiteral("href=\"%1\"").arg(top)), qPrintable(focusLabel->text()));
    emit focusLabel->linkHovered(QString::number(top));
    QCOMPARE(strip->marked(), top);
    QCOMPARE(attention->heatmap()->markedKey(), top);
    emit focusLabel->linkHovered(QString());
    QCOMPARE(strip->marked(), std::int64_t(-1));
    QCOMPARE(attention->heatmap()->markedKey(), std::int64_t(-1));

    // Colour: Attention shades every key by its weight, relative to the largest; later tokens stay plain.
    QComboBox* colouring = m_panel->colouringCombo();
    QCOMPARE(strip->colouring(), TokenStrip::Colouring::Probability);
    const QColor byProbability = strip->tokenBackground(store->positions() - 1);
    colouring->setCurrentIndex(1);
    QCOMPARE(strip->colouring(), TokenStrip::Colouring::Attention);
    QCOMPARE(strip->tokenBackground(top), attentionColor(1.0));
    for (std::int64_t key = 0; key <= pos; ++key)
        QCOMPARE(strip->tokenBackground(key), attentionColor(std::sqrt(row[static_cast<std::size_t>(key)] / row[static_cast<std::size_t>(top)])));
    QCOMPARE(strip->tokenBackground(store->positions() - 1), store->token(store->positions() - 1).prob < 0
                                                                    ? strip->palette().window().color()
                                                                    : strip->palette().alternateBase().color());
    QVERIFY(strip->tooltipFor(top).contains(QStringLiteral("attention from")));
    QVERIFY(!strip->tooltipFor(pos + 1).contains(QStringLiteral("attention from")));

    // Another head: its own row, and the colours follow.
    attention->openHead(0, 1);
    QVERIFY(QTest::qWaitFor([&] { return focusIs(0, 1); }, 30000));
    QVERIFY(std::abs(rowEntropy(attention->focusRow().probs) - store->entropy(pos, 0, 1)) < 1e-3);
    const std::vector<float>& other = attention->focusRow().probs;
    const float most = *std::max_element(other.begin(), other.end());
    QCOMPARE(strip->tokenBackground(1), attentionColor(std::sqrt(other[1] / most)));

    // The row alone, on its own channel: a map request in between does not drop it.
    QSignalSpy rowSpy(m_engine, &EngineController::attentionRowReady);
    QSignalSpy mapSpy(m_engine, &EngineController::attentionReady);
    m_engine->requestAttentionRow(1, 3, pos);
    m_engine->requestAttention(1, 3, 0, pos);
    QVERIFY(QTest::qWaitFor([&] { return rowSpy.count() >= 1 && mapSpy.count() >= 1; }, 30000));
    const auto alone = rowSpy.last().at(0).value<AttentionRows>();
    QVERIFY2(alone.error.isEmpty(), qPrintable(alone.error));
    QCOMPARE(alone.rows, std::int64_t(1));
    QCOMPARE(alone.firstPos, pos);
    std::vector<float> aloneRow(alone.probs->begin(), alone.probs->begin() + pos + 1);
    QVERIFY(std::abs(rowEntropy(aloneRow) - store->entropy(pos, 1, 3)) < 1e-3);

    colouring->setCurrentIndex(2);
    QCOMPARE(strip->tokenBackground(top), store->token(top).prob < 0 ? strip->palette().window().color()
                                                                     : strip->palette().alternateBase().color());
    colouring->setCurrentIndex(0);
    QCOMPARE(strip->tokenBackground(store->positions() - 1), byProbability);
    // A click on a key selects it, to follow where that token looks in turn (a key other than
    // the selected token itself, so that the selection has to move).
    attention->openHead(1, 2);
    QVERIFY(QTest::qWaitFor([&] { return focusIs(1, 2); }, 30000));
    const auto away = static_cast<std::int64_t>(std::max_element(row.begin(), row.begin() + pos) - row.begin());
    QVERIFY(focusLabel->text().contains(QStringLiteral("href=\"%1\"").arg(away)));
    emit focusLabel->linkActivated(QString::number(away));
    QCOMPARE(store->selected(), away);
    store->select(-1);
}

void TestInspector::exportWritesFiles() {
    QTemporaryDir out;
    for (int tab = 0; tab < m_panel->tabs()->count(); ++tab) {
        m_panel->showTab(static_cast<InspectorPanel::Tab>(tab));
        const QString png = out.filePath(QStringLiteral("view%1.png").arg(tab));
        const QString json = out.filePath(QStringLiteral("view%1.json").arg(tab));
        QString error;
        QVERIFY2(m_panel->exportCurrentPng(png, &error), qPrintable(error));
        QVERIFY2(m_panel->exportCurrentJson(json, &error), qPrintable(error));
        QVERIFY(QImage(png).width() > 10);
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(!object.value(QStringLiteral("view")).toString().isEmpty());
    }
    QString error;
    QVERIFY(!m_panel->exportCurrentJson(QStringLiteral("/nonexistent-dir/x.json"), &error));
    QVERIFY(!error.isEmpty());
}

void TestInspector::cleanupTestCase() {
    delete m_panel;
    if (m_engine) m_engine->shutdown();
}

QTEST_MAIN(TestInspector)
#include "test_inspector.moc"
