// Issue #9 on a tiny generated model: attention rows streamed while tokens stream equal the rows
// computed on request afterwards, switching the watched head mid-generation, aggregated tiles
// (block max / mean against the exact rows they cover), CSV export (RFC 4180 quoting, parsed back
// by an independent reader and compared with the JSON export), and the diagnostics budget from
// the setting to the session and the inspector's label.
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <map>

#include "gui/engine/attention_tiles.h"
#include "gui/engine/engine_controller.h"
#include "gui/engine/engine_worker.h"
#include "gui/inspector/attention_heatmap.h"
#include "gui/inspector/attention_view.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/inspector_export.h"
#include "gui/inspector/inspector_panel.h"
#include "gui/inspector/logit_lens_view.h"
#include "gui/inspector/token_strip.h"
#include "gui/settings.h"
#include "gui/settings_dialog.h"
#include "gui_test_support.h"

using namespace qe::gui;

namespace {

// Qwen3 tokenizer ids of '"', ',' and '\n' (tokenizer.json of shared/testdata/tokenizer): token
// texts that CSV must quote.
constexpr int kQuoteId = 1, kCommaId = 11, kNewlineId = 198;

std::vector<int> prompt(int n = 12) {
    std::vector<int> ids{kQuoteId, kCommaId, kNewlineId};
    for (int i = 0; static_cast<int>(ids.size()) < n; ++i) ids.push_back(100 + i * 37);
    return ids;
}

qe::SamplingParams sampling() {
    qe::SamplingParams p;
    p.temperature = 1.0f;
    p.seed = 5;
    return p;
}

// An RFC 4180 reader written for this test (not the exporter's code): quoted fields may hold
// commas, doubled quotes and line breaks; records end with CRLF.
QList<QStringList> parseCsv(const QByteArray& bytes) {
    const QString text = QString::fromUtf8(bytes);
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text[i];
        if (quoted) {
            if (ch == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                field += u'"';
                ++i;
            } else if (ch == u'"') {
                quoted = false;
            } else {
                field += ch;
            }
        } else if (ch == u'"') {
            quoted = true;
        } else if (ch == u',') {
            record << field;
            field.clear();
        } else if (ch == u'\r' && i + 1 < text.size() && text[i + 1] == u'\n') {
            record << field;
            records << record;
            record.clear();
            field.clear();
            ++i;
        } else {
            field += ch;
        }
    }
    return records;
}

QList<QStringList> readCsv(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return parseCsv(file.readAll());
}

QJsonObject readJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

bool near(double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b)); }

// Everything a synchronous run of the worker emitted.
struct WorkerLog {
    std::vector<AttentionRows> live;
    std::vector<AttentionRows> answers;
    std::vector<GenerationFinished> finished;
    std::vector<EngineFailed> failures;
    std::vector<DiagnosticsDelta> deltas;
};

}  // namespace

class TestAttentionLive : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tilesMatchExactRows_data();
    void tilesMatchExactRows();
    void tileBlockFits();
    void csvQuoting();
    void liveRowsEqualOnDemand();
    void switchWatchedHeadMidGeneration();
    void aggregatedAnswerMatchesExact();
    void panelStreamsAndRefills();
    void csvMatchesJson();
    void budgetSettingReachesSession();
    void cleanupTestCase();

private:
    // The worker on this thread: each run* call returns after its events were delivered.
    void attach(EngineWorker& worker, WorkerLog& log);
    bool loadWorker(EngineWorker& worker, WorkerLog& log);
    AttentionRows ask(EngineWorker& worker, WorkerLog& log, std::int64_t layer, std::int64_t head, std::int64_t first,
                      std::int64_t last, std::int64_t block = 1);
    bool generateInPanel(int maxNew);

    QTemporaryDir m_dir;
    QString m_model;
    EngineController* m_engine = nullptr;
    InspectorPanel* m_panel = nullptr;
};

void TestAttentionLive::initTestCase() {
    QString why;
    m_model = qe::test::makeTinyModel(m_dir, &why);
    if (m_model.isEmpty()) QSKIP(qPrintable(why));
}

void TestAttentionLive::tilesMatchExactRows_data() {
    QTest::addColumn<int>("firstPos");
    QTest::addColumn<int>("lastPos");
    QTest::addColumn<int>("block");
    QTest::newRow("exact") << 0 << 9 << 1;
    QTest::newRow("block 3, partial tiles") << 0 << 22 << 3;
    QTest::newRow("window, block 4") << 5 << 30 << 4;
    QTest::newRow("block larger than the map") << 2 << 6 << 16;
}

// Random causal rows; every tile against the brute-force max / mean of the cells it covers.
void TestAttentionLive::tilesMatchExactRows() {
    QFETCH(int, firstPos);
    QFETCH(int, lastPos);
    QFETCH(int, block);
    QRandomGenerator rng(42);
    std::vector<std::vector<float>> rows;  // rows[pos - firstPos]: keys 0..pos
    AttentionTiles tiles(firstPos, lastPos, block);
    for (int pos = firstPos; pos <= lastPos; ++pos) {
        std::vector<float> row(static_cast<std::size_t>(pos + 1));
        for (float& p : row) p = static_cast<float>(rng.generateDouble());
        tiles.addRow(pos, row);
        rows.push_back(std::move(row));
    }
    QCOMPARE(tiles.rows(), (lastPos - firstPos + block) / block);
    QCOMPARE(tiles.cols(), (lastPos + block) / block);
    const std::vector<float> means = tiles.means();
    for (std::int64_t r = 0; r < tiles.rows(); ++r) {
        for (std::int64_t c = 0; c < tiles.cols(); ++c) {
            float peak = 0.0f;
            double sum = 0.0;
            int count = 0;
            for (std::int64_t q = firstPos + r * block; q < std::min<std::int64_t>(firstPos + (r + 1) * block, lastPos + 1); ++q) {
                for (std::int64_t k = c * block; k < (c + 1) * block && k <= q; ++k) {
                    peak = std::max(peak, rows[static_cast<std::size_t>(q - firstPos)][static_cast<std::size_t>(k)]);
                    sum += rows[static_cast<std::size_t>(q - firstPos)][static_cast<std::size_t>(k)];
                    ++count;
                }
            }
            const auto i = static_cast<std::size_t>(r * tiles.cols() + c);
            QCOMPARE(tiles.maxima()[i], peak);
            QVERIFY(near(means[i], count > 0 ? sum / count : 0.0));
        }
    }
}

void TestAttentionLive::tileBlockFits() {
    for (std::int64_t n : {1, 100, 2048, 2049, 32768}) {
        const std::int64_t cap = AttentionView::kMaxOverviewTiles;
        const std::int64_t b = tileBlock(n, n, cap);
        auto cells = [n](std::int64_t block) { return ((n + block - 1) / block) * ((n + block - 1) / block); };
        QVERIFY(cells(b) <= cap);
        QVERIFY(b == 1 || cells(b - 1) > cap);  // the finest that fits
    }
}

void TestAttentionLive::csvQuoting() {
    const CsvTable table{QStringLiteral("t"),
                         {QStringLiteral("a"), QStringLiteral("b,c")},
                         {{QStringLiteral("say \"hi\""), QStringLiteral("line1\nline2")},
                          {QStringLiteral("x\r\ny"), QStringLiteral("plain")},
                          {QString(), QStringLiteral("\u4f60\u597d, \"\"")}}};
    const QList<QStringList> parsed = parseCsv(csvText(table));
    QCOMPARE(parsed.size(), 4);
    QCOMPARE(parsed[0], table.header);
    for (int i = 0; i < table.rows.size(); ++i) QCOMPARE(parsed[i + 1], table.rows[i]);
    QCOMPARE(csvPath(QStringLiteral("/tmp/map.csv"), table, 0), QStringLiteral("/tmp/map.csv"));
    QCOMPARE(csvPath(QStringLiteral("/tmp/map.csv"), table, 1), QStringLiteral("/tmp/map-t.csv"));
}

void TestAttentionLive::attach(EngineWorker& worker, WorkerLog& log) {
    connect(&worker, &EngineWorker::liveAttentionReady, this, [&log](const AttentionRows& r) { log.live.push_back(r); });
    connect(&worker, &EngineWorker::attentionReady, this, [&log](const AttentionRows& r) { log.answers.push_back(r); });
    connect(&worker, &EngineWorker::generationFinished, this, [&log](const GenerationFinished& f) { log.finished.push_back(f); });
    connect(&worker, &EngineWorker::engineFailed, this, [&log](const EngineFailed& f) { log.failures.push_back(f); });
    connect(&worker, &EngineWorker::diagnosticsReady, this, [&log](const DiagnosticsDelta& d) { log.deltas.push_back(d); });
}

bool TestAttentionLive::loadWorker(EngineWorker& worker, WorkerLog& log) {
    attach(worker, log);
    LoadRequest load;
    load.requestId = 1;
    load.folder = m_model;
    load.threads = 1;
    worker.runLoad(load);
    return log.failures.empty();
}

AttentionRows TestAttentionLive::ask(EngineWorker& worker, WorkerLog& log, std::int64_t layer, std::int64_t head,
                                     std::int64_t first, std::int64_t last, std::int64_t block) {
    worker.runAttention(AttentionRequest{100, layer, head, first, last, block});
    return log.answers.empty() ? AttentionRows{} : log.answers.back();
}

// Each streamed row against the same position's row recomputed on request after the generation.
void TestAttentionLive::liveRowsEqualOnDemand() {
    EngineWorker worker;
    WorkerLog log;
    QVERIFY(loadWorker(worker, log));
    auto watch = std::make_shared<AttentionWatch>();
    watch->set({1, 2});
    GenerationRequest request;
    request.requestId = 7;
    request.prompt = prompt();
    request.sampling = sampling();
    request.maxNewTokens = 40;
    request.attentionWatch = watch;
    worker.runGeneration(request);
    QCOMPARE(log.finished.size(), std::size_t(1));
    const std::int64_t promptLen = static_cast<std::int64_t>(request.prompt.size());
    const std::int64_t newTokens = log.finished[0].stats.newTokens;
    QVERIFY(!log.live.empty());
    // One row per fed position from the last prompt token on, contiguous, in order.
    std::int64_t next = promptLen - 1;
    for (const AttentionRows& rows : log.live) {
        QCOMPARE(rows.requestId, RequestId(7));
        QCOMPARE(rows.layer, 1);
        QCOMPARE(rows.head, 2);
        QCOMPARE(rows.block, 1);
        QCOMPARE(rows.firstPos, next);
        QCOMPARE(rows.keys, rows.firstPos + rows.rows);
        next += rows.rows;
    }
    QCOMPARE(next, promptLen + newTokens - 1);  // the last sampled token is never fed
    const AttentionRows exact = ask(worker, log, 1, 2, promptLen - 1, next - 1);
    QVERIFY2(exact.error.isEmpty(), qPrintable(exact.error));
    for (const AttentionRows& rows : log.live) {
        for (std::int64_t row = 0; row < rows.rows; ++row) {
            const std::int64_t pos = rows.firstPos + row;
            for (std::int64_t key = 0; key < rows.keys; ++key) {
                const float streamed = (*rows.probs)[row * rows.keys + key];
                const float computed = (*exact.probs)[(pos - exact.firstPos) * exact.keys + key];
                QVERIFY2(std::abs(streamed - computed) <= 1e-6f, qPrintable(QStringLiteral("pos %1 key %2").arg(pos).arg(key)));
            }
        }
    }
}

// The head switches from inside the stream (direct connection: deterministic): the rows before
// are of the first head, the rows after of the second, each position streamed once.
void TestAttentionLive::switchWatchedHeadMidGeneration() {
    EngineWorker worker;
    WorkerLog log;
    QVERIFY(loadWorker(worker, log));
    auto watch = std::make_shared<AttentionWatch>();
    watch->set({0, 1});
    connect(&worker, &EngineWorker::liveAttentionReady, this, [&watch] { watch->set({1, 3}); });
    GenerationRequest request;
    request.requestId = 8;
    request.prompt = prompt(20);
    request.sampling = sampling();
    request.maxNewTokens = 60;
    request.attentionWatch = watch;
    worker.runGeneration(request);
    QCOMPARE(log.finished.size(), std::size_t(1));
    QVERIFY(log.live.size() >= 2);
    QCOMPARE(log.live.front().layer, 0);
    QCOMPARE(log.live.front().head, 1);
    std::int64_t next = log.live.front().firstPos;
    for (std::size_t i = 1; i < log.live.size(); ++i) {
        QCOMPARE(log.live[i].layer, 1);
        QCOMPARE(log.live[i].head, 3);
    }
    for (const AttentionRows& rows : log.live) {
        QCOMPARE(rows.firstPos, next);
        next += rows.rows;
    }
    // The second head's rows equal its rows on request.
    const AttentionRows& second = log.live[1];
    const AttentionRows exact = ask(worker, log, 1, 3, second.firstPos, second.firstPos + second.rows - 1);
    QVERIFY2(exact.error.isEmpty(), qPrintable(exact.error));
    for (std::size_t i = 0; i < second.probs->size(); ++i) QVERIFY(std::abs((*second.probs)[i] - (*exact.probs)[i]) <= 1e-6f);
    // Nothing watched: nothing streamed.
    watch->set({});
    const std::size_t streamed = log.live.size(), finished = log.finished.size();
    request.requestId = 9;
    worker.runGeneration(request);
    QCOMPARE(log.finished.size(), finished + 1);
    QCOMPARE(log.live.size(), streamed);
}

// The worker's tiles of a whole context against the tiles folded from its exact answer.
void TestAttentionLive::aggregatedAnswerMatchesExact() {
    EngineWorker worker;
    WorkerLog log;
    QVERIFY(loadWorker(worker, log));
    GenerationRequest request;
    request.requestId = 10;
    request.prompt = prompt(30);
    request.sampling = sampling();
    request.maxNewTokens = 8;
    worker.runGeneration(request);
    QCOMPARE(log.finished.size(), std::size_t(1));
    const std::int64_t last = 30 + log.finished[0].stats.newTokens - 2;
    const AttentionRows exact = ask(worker, log, 1, 0, 0, last);
    const AttentionRows tiled = ask(worker, log, 1, 0, 0, last, 4);
    QVERIFY2(tiled.error.isEmpty(), qPrintable(tiled.error));
    QCOMPARE(tiled.block, 4);
    QCOMPARE(tiled.lastPos, last);
    QVERIFY(tiled.means);
    for (std::int64_t r = 0; r < tiled.rows; ++r) {
        for (std::int64_t c = 0; c < tiled.keys; ++c) {
            float peak = 0.0f;
            for (std::int64_t q = r * 4; q < std::min<std::int64_t>((r + 1) * 4, last + 1); ++q)
                for (std::int64_t k = c * 4; k < (c + 1) * 4 && k <= q; ++k) peak = std::max(peak, (*exact.probs)[q * exact.keys + k]);
            QCOMPARE((*tiled.probs)[r * tiled.keys + c], peak);
        }
    }
    QVERIFY(!ask(worker, log, 1, 0, 0, last, 0).error.isEmpty());  // block 0 is refused
}

bool TestAttentionLive::generateInPanel(int maxNew) {
    QSignalSpy finished(m_engine, &EngineController::generationFinished);
    m_engine->generate(prompt(16), sampling(), maxNew);
    return finished.wait(60000);
}

// Through the controller and the panel: the map receives streamed rows of the head it shows,
// then the whole map on request; the heatmap's aggregation agrees with its exact cells.
void TestAttentionLive::panelStreamsAndRefills() {
    m_engine = new EngineController(this);
    m_panel = new InspectorPanel(m_engine);
    m_panel->resize(900, 800);
    m_panel->show();
    QSignalSpy loaded(m_engine, &EngineController::modelLoaded);
    m_engine->loadModel(m_model, 1);
    QVERIFY(loaded.wait(60000));
    m_panel->showTab(InspectorPanel::AttentionTab);
    AttentionView* view = m_panel->attentionView();
    view->openHead(1, 1);
    QSignalSpy live(m_engine, &EngineController::liveAttentionReady);
    QVERIFY(generateInPanel(24));
    QVERIFY(live.count() > 0);
    QCOMPARE(live.first().at(0).value<AttentionRows>().head, 1);
    QVERIFY(!view->heatmap()->live().empty());
    const std::int64_t n = m_panel->store()->positions();
    QVERIFY(QTest::qWaitFor([&] { return view->heatmap()->rows().probs && view->heatmap()->rows().lastPos == n - 1; }, 30000));
    QCOMPARE(view->heatmap()->rows().block, 1);  // short context: exact
    AttentionHeatmap::Cell cell;
    QVERIFY(view->heatmap()->cellAt(n - 1, 0, &cell));
    QVERIFY(cell.exact);
    QVERIFY(view->heatmap()->probability(n - 1, n) < 0);  // causal: no key after the query
    view->tileModeCombo()->setCurrentIndex(1);
    QCOMPARE(view->heatmap()->tileMode(), TileMode::Mean);
    QVERIFY(!view->grab().isNull());
    view->tileModeCombo()->setCurrentIndex(0);
    // Unzoomed, the map fills its widget, but for the labels' 70 pixels where they show (cells of
    // 11 pixels and more); it kept that room also when they did not.
    AttentionHeatmap alone(m_panel->store());
    const int extent = static_cast<int>(alone.extent());
    QVERIFY(extent > 0);
    alone.setMinimumSize(1, 1);
    alone.resize(extent * 5 + 8, extent * 5 + 40);  // 4 pixels of margin a side
    QCOMPARE(alone.cell(), 5.0);
    alone.resize(extent * 12 + 78, extent * 12 + 78);
    QCOMPARE(alone.cell(), 12.0);

    // Away from the map, rows stream only while the context tokens show where a token looks.
    m_panel->showTab(InspectorPanel::LayersTab);
    live.clear();
    QVERIFY(generateInPanel(8));
    QCOMPARE(live.count(), 0);
    m_panel->colouringCombo()->setCurrentIndex(static_cast<int>(TokenStrip::Colouring::Attention));
    QVERIFY(generateInPanel(8));
    QVERIFY(live.count() > 0);
    QCOMPARE(live.last().at(0).value<AttentionRows>().head, 1);
    QVERIFY(QTest::qWaitFor([&] {
        const AttentionView::FocusRow& focus = view->focusRow();
        return focus.pos == m_panel->store()->positions() - 1 && static_cast<std::int64_t>(focus.probs.size()) == focus.pos + 1;
    }, 30000));
    m_panel->colouringCombo()->setCurrentIndex(static_cast<int>(TokenStrip::Colouring::Probability));
    m_panel->showTab(InspectorPanel::AttentionTab);
}

// Every view that exports JSON exports CSV tables with the same numbers and token texts.
void TestAttentionLive::csvMatchesJson() {
    QVERIFY(m_panel);
    QTemporaryDir out;
    QString error;
    // Attention map (+ heads table).
    m_panel->showTab(InspectorPanel::AttentionTab);
    const QString json = out.filePath(QStringLiteral("attention.json")), csv = out.filePath(QStringLiteral("attention.csv"));
    QVERIFY2(m_panel->exportCurrentJson(json, &error), qPrintable(error));
    QVERIFY2(m_panel->exportCurrentCsv(csv, &error), qPrintable(error));
    const QJsonObject attention = readJson(json);
    const QList<QStringList> map = readCsv(csv);
    QCOMPARE(map.value(0), (QStringList{QStringLiteral("query"), QStringLiteral("key"), QStringLiteral("query_token"),
                                        QStringLiteral("key_token"), QStringLiteral("prob")}));
    const QJsonArray probs = attention[QStringLiteral("probs")].toArray();
    const QJsonArray tokens = attention[QStringLiteral("tokens")].toArray();
    const int first = attention[QStringLiteral("first_pos")].toInt();
    int lines = 0;
    for (const QJsonValue& row : probs) lines += static_cast<int>(row.toArray().size());
    QCOMPARE(map.size() - 1, lines);
    QVERIFY(lines > 0);
    bool sawComma = false, sawQuote = false;
    for (int i = 1; i < map.size(); ++i) {
        const int query = map[i][0].toInt(), key = map[i][1].toInt();
        QCOMPARE(map[i][2], tokens[query].toString());
        QCOMPARE(map[i][3], tokens[key].toString());
        QVERIFY(near(map[i][4].toDouble(), probs[query - first].toArray()[key].toDouble()));
        sawComma = sawComma || map[i][3] == QStringLiteral(",");
        sawQuote = sawQuote || map[i][3] == QStringLiteral("\"");
    }
    QVERIFY(sawComma && sawQuote);  // the prompt's tricky tokens came back intact
    const QList<QStringList> heads = readCsv(out.filePath(QStringLiteral("attention-heads.csv")));
    const QJsonArray entropy = attention[QStringLiteral("attn_entropy")].toArray();
    const QJsonArray sink = attention[QStringLiteral("attn_sink")].toArray();
    QCOMPARE(heads.size() - 1, 2 * 4);  // tiny model: 2 layers × 4 heads
    for (int i = 1; i < heads.size(); ++i) {
        const int layer = heads[i][1].toInt(), head = heads[i][2].toInt();
        QVERIFY(near(heads[i][3].toDouble(), entropy[layer].toArray()[head].toDouble()));
        QVERIFY(near(heads[i][4].toDouble(), sink[layer].toArray()[head].toDouble()));
    }
    // Layer charts.
    m_panel->showTab(InspectorPanel::LayersTab);
    QVERIFY2(m_panel->exportCurrentJson(json, &error), qPrintable(error));
    QVERIFY2(m_panel->exportCurrentCsv(csv, &error), qPrintable(error));
    const QJsonObject layers = readJson(json);
    const QList<QStringList> layerRows = readCsv(csv);
    QCOMPARE(layerRows.size() - 1, 2);
    QCOMPARE(layerRows[0].value(3), QStringLiteral("residual_rms"));
    for (int i = 1; i < layerRows.size(); ++i) {
        const int layer = layerRows[i][2].toInt();
        QCOMPARE(layerRows[i][1], layers[QStringLiteral("token")].toString());
        QVERIFY(near(layerRows[i][3].toDouble(), layers[QStringLiteral("residual_rms")].toArray()[layer].toDouble()));
        QVERIFY(near(layerRows[i][4].toDouble(), layers[QStringLiteral("mlp_rms")].toArray()[layer].toDouble()));
        for (int head = 0; head < 4; ++head)
            QVERIFY(near(layerRows[i][6 + head].toDouble(), layers[QStringLiteral("attn_entropy")].toArray()[layer].toArray()[head].toDouble()));
    }
    // Logit lens of a selected position.
    m_panel->showTab(InspectorPanel::LensTab);
    QSignalSpy lensSpy(m_engine, &EngineController::logitLensReady);
    m_panel->store()->select(2);
    QVERIFY(QTest::qWaitFor([&] { return m_panel->logitLensView()->lens().pos == 2 && !m_panel->logitLensView()->lens().layers.empty(); }, 30000));
    QVERIFY2(m_panel->exportCurrentJson(json, &error), qPrintable(error));
    QVERIFY2(m_panel->exportCurrentCsv(csv, &error), qPrintable(error));
    const QJsonArray lens = readJson(json)[QStringLiteral("layers")].toArray();
    const QList<QStringList> lensRows = readCsv(csv);
    QCOMPARE(lensRows.value(0), (QStringList{QStringLiteral("pos"), QStringLiteral("layer"), QStringLiteral("rank"),
                                             QStringLiteral("token_id"), QStringLiteral("token"), QStringLiteral("prob")}));
    QCOMPARE(lensRows.size() - 1, 2 * static_cast<int>(LogitLensView::kTopK));
    for (int i = 1; i < lensRows.size(); ++i) {
        const QJsonObject top = lens[lensRows[i][1].toInt()].toObject()[QStringLiteral("top")].toArray()[lensRows[i][2].toInt() - 1].toObject();
        QCOMPARE(lensRows[i][3].toInt(), top[QStringLiteral("id")].toInt());
        QCOMPARE(lensRows[i][4], top[QStringLiteral("token")].toString());
        QVERIFY(near(lensRows[i][5].toDouble(), top[QStringLiteral("prob")].toDouble()));
    }
    // Structure: the module table (as in the JSON) and, for the loaded model, the live per-layer
    // numbers of the selected position.
    m_panel->showTab(InspectorPanel::StructureTab);
    QVERIFY2(m_panel->exportCurrentJson(json, &error), qPrintable(error));
    QVERIFY2(m_panel->exportCurrentCsv(csv, &error), qPrintable(error));
    const QJsonObject structure = readJson(json);
    const QJsonArray modules = structure[QStringLiteral("modules")].toArray();
    const QList<QStringList> moduleRows = readCsv(csv);
    QCOMPARE(moduleRows.size() - 1, modules.size() + 1);  // + the total
    for (int i = 0; i < modules.size(); ++i) {
        QCOMPARE(moduleRows[i + 1][0], modules[i].toObject()[QStringLiteral("name")].toString());
        QCOMPARE(moduleRows[i + 1][2].toLongLong(), modules[i].toObject()[QStringLiteral("parameters")].toInteger());
    }
    QCOMPARE(moduleRows.last()[4].toLongLong(), structure[QStringLiteral("parameters")].toInteger());
    const QList<QStringList> structureLayers = readCsv(out.filePath(QStringLiteral("attention-layers.csv")));
    QCOMPARE(structureLayers.size() - 1, 2);
    for (int i = 1; i < structureLayers.size(); ++i) {
        QCOMPARE(structureLayers[i][2].toInt(), 2);
        QVERIFY(near(structureLayers[i][3].toDouble(), m_panel->store()->residualRms(2, structureLayers[i][0].toInt())));
    }
    // The last sampled token has no diagnostics yet: its rows are left empty, not read past the end.
    m_panel->store()->select(m_panel->store()->tokenCount() - 1);
    QVERIFY2(m_panel->exportCurrentCsv(csv, &error), qPrintable(error));
    m_panel->store()->select(-1);
    QVERIFY(!m_panel->exportCurrentCsv(QStringLiteral("/nonexistent-dir/x.csv"), &error));
}

// Settings → dialog → loadModel → SessionOptions: the store reports the session's budget, the
// label shows it, and a position beyond it is refused by the logit lens with an explanation.
void TestAttentionLive::budgetSettingReachesSession() {
    QTemporaryDir dir;
    Settings settings(dir.filePath(QStringLiteral("settings.ini")));
    QCOMPARE(settings.diagnosticsBudgetMiB(), 512);
    SettingsDialog dialog(settings);
    dialog.diagnosticsBudgetSpin()->setValue(3);
    QCOMPARE(settings.kvCache(), qe::KvType::F32);
    QCOMPARE(dialog.kvCacheCombo()->currentIndex(), 0);
    dialog.kvCacheCombo()->setCurrentIndex(1);
    QCOMPARE(settings.prefillMatmul(), qe::cpu::GemmPrecision::F32);
    QCOMPARE(dialog.prefillCombo()->currentIndex(), 0);
    dialog.prefillCombo()->setCurrentIndex(1);
    dialog.apply();
    QCOMPARE(Settings(dir.filePath(QStringLiteral("settings.ini"))).diagnosticsBudgetBytes(), std::uint64_t(3) << 20);
    QCOMPARE(Settings(dir.filePath(QStringLiteral("settings.ini"))).kvCache(), qe::KvType::BF16);
    QCOMPARE(SettingsDialog(settings).kvCacheCombo()->currentIndex(), 1);  // the dialog shows what is saved
    QCOMPARE(Settings(dir.filePath(QStringLiteral("settings.ini"))).prefillMatmul(), qe::cpu::GemmPrecision::Bf16);
    QCOMPARE(SettingsDialog(settings).prefillCombo()->currentIndex(), 1);

    QSignalSpy loaded(m_engine, &EngineController::modelLoaded);
    m_engine->loadModel(m_model, 1, 0, settings.diagnosticsBudgetBytes());
    QVERIFY(loaded.wait(60000));
    QVERIFY(generateInPanel(4));
    DiagnosticsStore* store = m_panel->store();
    QCOMPARE(store->hiddenBudgetBytes(), std::uint64_t(3) << 20);
    QCOMPARE(store->hiddenPositions(), store->positions());
    QVERIFY(store->hiddenBytesUsed() > 0);
    const QString label = m_panel->budgetLabel()->text();
    QVERIFY2(label.contains(QLocale().formattedDataSize(qint64(3) << 20, 1)), qPrintable(label));
    QVERIFY2(label.contains(QLocale().toString(store->positions() - 1)), qPrintable(label));

    // A budget of 10 positions: tiny model, (2 layers + 1) × hidden 64 × 4 bytes per position.
    const std::uint64_t perPosition = 3 * 64 * 4;
    m_engine->loadModel(m_model, 1, 0, 10 * perPosition);
    QVERIFY(loaded.wait(60000));
    QVERIFY(generateInPanel(4));
    QCOMPARE(store->hiddenPositions(), 10);
    QVERIFY(store->positions() > 12);
    m_panel->showTab(InspectorPanel::LensTab);
    store->select(12);
    QCOMPARE(m_panel->logitLensView()->lens().pos, 12);
    QVERIFY(m_panel->logitLensView()->lens().layers.empty());
    const QString title = m_panel->logitLensView()->titleLabel()->text();
    QVERIFY2(title.contains(QStringLiteral("0–9")), qPrintable(title));
    QVERIFY2(m_panel->budgetLabel()->text().contains(QStringLiteral("0–9")), qPrintable(m_panel->budgetLabel()->text()));
}

void TestAttentionLive::cleanupTestCase() {
    delete m_panel;
    if (m_engine) m_engine->shutdown();
}

QTEST_MAIN(TestAttentionLive)
#include "test_attention_live.moc"
