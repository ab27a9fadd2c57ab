// Tensor statistics in the layer-structure view (issue #9) on a tiny generated model: clicking a
// block lists its tensors, the statistics arrive from the worker thread and equal core's
// computeTensorStats on the same checkpoint, the histogram renders, a stale selection's result is
// dropped, results are cached, and a preset (config only) says that weights are needed.
#include <QComboBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/tensor_stats.h"
#include "gui/engine/engine_controller.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/inspector_panel.h"
#include "gui/inspector/structure_diagram.h"
#include "gui/inspector/structure_view.h"
#include "gui/inspector/tensor_histogram.h"
#include "gui/inspector/tensor_stats_panel.h"
#include "gui_test_support.h"

using namespace qe::gui;

class TestTensorStatsView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void configOnlyNeedsWeights();
    void tensorsOfBlocks();
    void statsEqualCore();
    void staleSelectionDropped();
    void cachedResultShownAtOnce();
    void quantizedLayerIsDequantized();  // loads another model: keep last
    void cleanupTestCase();

private:
    void click(StructureBlock block);
    // Waits until the panel shows `tensor`; true when it did within the timeout.
    bool waitForStats(const QString& tensor);
    void compareWithCore(const QString& tensor);

    QTemporaryDir m_dir;
    QString m_model;
    EngineController* m_engine = nullptr;
    InspectorPanel* m_panel = nullptr;
    StructureView* m_view = nullptr;
    TensorStatsPanel* m_stats = nullptr;
    std::unique_ptr<qe::SafetensorsCheckpoint> m_checkpoint;  // opened by the test itself
};

void TestTensorStatsView::initTestCase() {
    QString why;
    m_model = qe::test::makeTinyModel(m_dir, &why);
    if (m_model.isEmpty()) QSKIP(qPrintable(why));
    m_engine = new EngineController(this);
    m_panel = new InspectorPanel(m_engine);
    m_panel->resize(900, 900);
    m_panel->show();
    m_panel->showTab(InspectorPanel::StructureTab);
    m_view = m_panel->structureView();
    m_stats = m_view->statsPanel();
    QSignalSpy loaded(m_engine, &EngineController::modelLoaded);
    m_engine->loadModel(m_model, 1);
    QVERIFY(loaded.wait(60000));
    auto checkpoint = qe::SafetensorsCheckpoint::open(m_model.toStdString());
    QVERIFY(checkpoint.ok());
    m_checkpoint = std::make_unique<qe::SafetensorsCheckpoint>(std::move(checkpoint).value());
}

void TestTensorStatsView::click(StructureBlock block) {
    StructureDiagram* diagram = m_view->diagram();
    QTest::mouseClick(diagram, Qt::LeftButton, {}, diagram->blockRect(block).center().toPoint());
}

bool TestTensorStatsView::waitForStats(const QString& tensor) {
    return QTest::qWaitFor([&] { return m_stats->shownStats() && m_stats->currentTensor() == tensor; }, 30000);
}

void TestTensorStatsView::compareWithCore(const QString& tensor) {
    const qe::TensorStats* shown = m_stats->shownStats();
    QVERIFY(shown);
    QCOMPARE(QString::fromStdString(shown->name), tensor);
    auto expected = qe::computeTensorStats(*m_checkpoint, tensor.toStdString(), static_cast<int>(shown->histogram.size()));
    QVERIFY(expected.ok());
    QCOMPARE(shown->dtype, expected->dtype);
    QCOMPARE(shown->shape, expected->shape);
    QCOMPARE(shown->count, expected->count);
    QCOMPARE(shown->nonFinite, expected->nonFinite);
    QCOMPARE(shown->mean, expected->mean);
    QCOMPARE(shown->stdDev, expected->stdDev);
    QCOMPARE(shown->min, expected->min);
    QCOMPARE(shown->max, expected->max);
    QCOMPARE(shown->histogram, expected->histogram);
    QCOMPARE(m_stats->histogram()->counts(), expected->histogram);
    QVERIFY(m_stats->summaryText().contains(tensor));
}

void TestTensorStatsView::configOnlyNeedsWeights() {
    QVERIFY(m_view->choosePreset(QStringLiteral("0.6b")));
    click(StructureBlock::Mlp);
    QCOMPARE(m_stats->state(), TensorStatsPanel::State::NoWeights);
    QCOMPARE(m_stats->currentTensor(), QStringLiteral("model.layers.0.mlp.gate_proj.weight"));
    QVERIFY(m_stats->statusText().contains(QStringLiteral("need loaded weights")));
    QVERIFY(!m_stats->shownStats());
    QVERIFY(!m_stats->histogram()->isVisible());
}

void TestTensorStatsView::tensorsOfBlocks() {
    m_view->chooseLoadedModel();
    const qe::ModelConfig& config = m_view->shownConfig();
    QVERIFY(config.tieWordEmbeddings);  // the tiny preset ties its LM head to the embedding
    QCOMPARE(blockTensorNames(StructureBlock::LmHead, config, 0), std::vector<QString>{QStringLiteral("model.embed_tokens.weight")});
    QCOMPARE(blockTensorNames(StructureBlock::QkNorm, config, 1),
             (std::vector<QString>{QStringLiteral("model.layers.1.self_attn.q_norm.weight"), QStringLiteral("model.layers.1.self_attn.k_norm.weight")}));
    QVERIFY(blockTensorNames(StructureBlock::Rope, config, 0).empty());
    // Every name a block lists is in the checkpoint.
    for (int block = 0; block <= static_cast<int>(StructureBlock::Layers); ++block)
        for (const QString& name : blockTensorNames(static_cast<StructureBlock>(block), config, config.numHiddenLayers - 1))
            QVERIFY2(m_checkpoint->find(name.toStdString()), qPrintable(name));
    click(StructureBlock::Rope);
    QCOMPARE(m_stats->state(), TensorStatsPanel::State::NoTensor);
}

void TestTensorStatsView::statsEqualCore() {
    m_view->chooseLoadedModel();
    click(StructureBlock::QkvProjection);
    QCOMPARE(m_stats->currentTensor(), QStringLiteral("model.layers.0.self_attn.q_proj.weight"));
    QVERIFY(waitForStats(QStringLiteral("model.layers.0.self_attn.q_proj.weight")));
    compareWithCore(QStringLiteral("model.layers.0.self_attn.q_proj.weight"));
    QVERIFY(!m_stats->histogram()->grab().isNull());
    QVERIFY(!m_view->grab().isNull());

    m_stats->setLayer(1);
    QVERIFY(m_stats->selectTensor(QStringLiteral("model.layers.1.self_attn.k_proj.weight")));
    QVERIFY(waitForStats(QStringLiteral("model.layers.1.self_attn.k_proj.weight")));
    compareWithCore(QStringLiteral("model.layers.1.self_attn.k_proj.weight"));

    click(StructureBlock::FinalNorm);  // a vector: the final norm's gains
    QVERIFY(waitForStats(QStringLiteral("model.norm.weight")));
    compareWithCore(QStringLiteral("model.norm.weight"));
    m_stats->histogram()->setLogScale(true);
    QVERIFY(!m_stats->histogram()->grab().isNull());
}

void TestTensorStatsView::staleSelectionDropped() {
    m_view->chooseLoadedModel();
    click(StructureBlock::Mlp);
    m_stats->setLayer(0);
    QSignalSpy shown(m_stats, &TensorStatsPanel::statsShown);
    // No event is processed between the two choices, so the first result cannot arrive before
    // the second choice: it is either cancelled or dropped when it comes.
    QVERIFY(m_stats->selectTensor(QStringLiteral("model.layers.0.mlp.up_proj.weight")));
    QVERIFY(m_stats->selectTensor(QStringLiteral("model.layers.0.mlp.down_proj.weight")));
    QVERIFY(waitForStats(QStringLiteral("model.layers.0.mlp.down_proj.weight")));
    QTest::qWait(300);
    QCOMPARE(m_stats->currentTensor(), QStringLiteral("model.layers.0.mlp.down_proj.weight"));
    QCOMPARE(QString::fromStdString(m_stats->shownStats()->name), QStringLiteral("model.layers.0.mlp.down_proj.weight"));
    for (const auto& args : shown) QCOMPARE(args.at(0).toString(), QStringLiteral("model.layers.0.mlp.down_proj.weight"));
    compareWithCore(QStringLiteral("model.layers.0.mlp.down_proj.weight"));
}

void TestTensorStatsView::cachedResultShownAtOnce() {
    m_view->chooseLoadedModel();
    click(StructureBlock::QkvProjection);
    m_stats->setLayer(0);
    QVERIFY(m_stats->selectTensor(QStringLiteral("model.layers.0.self_attn.q_proj.weight")));
    // Computed in statsEqualCore: shown without a trip to the worker.
    QCOMPARE(m_stats->state(), TensorStatsPanel::State::Ready);
    compareWithCore(QStringLiteral("model.layers.0.self_attn.q_proj.weight"));
    // A preset has no weights; back on the loaded model its cache is still there.
    QVERIFY(m_view->choosePreset(QStringLiteral("32b")));
    QCOMPARE(m_stats->state(), TensorStatsPanel::State::NoWeights);
    m_view->chooseLoadedModel();
    QVERIFY(m_stats->selectTensor(QStringLiteral("model.layers.0.self_attn.q_proj.weight")));
    QCOMPARE(m_stats->state(), TensorStatsPanel::State::Ready);
}

// An AWQ checkpoint's q_proj has no .weight tensor: the panel shows the statistics of its
// dequantized values, those of core's computeWeightStats, and says so.
void TestTensorStatsView::quantizedLayerIsDequantized() {
    QString why;
    const QString awq = qe::test::makeTinyModel(m_dir, &why, {QStringLiteral("--quantize"), QStringLiteral("awq"),
                                                              QStringLiteral("--group-size"), QStringLiteral("32")},
                                                QStringLiteral("awq"));
    QVERIFY2(!awq.isEmpty(), qPrintable(why));
    QSignalSpy loaded(m_engine, &EngineController::modelLoaded);
    m_engine->loadModel(awq, 1);
    QVERIFY(loaded.wait(60000));
    m_view->chooseLoadedModel();
    click(StructureBlock::QkvProjection);
    const QString name = QStringLiteral("model.layers.0.self_attn.q_proj.weight");
    QCOMPARE(m_stats->currentTensor(), name);
    QVERIFY(waitForStats(name));
    const qe::TensorStats* shown = m_stats->shownStats();
    QVERIFY(shown->quantization.has_value());
    auto checkpoint = qe::SafetensorsCheckpoint::open(awq.toStdString());
    auto config = qe::loadModelConfig(awq.toStdString());
    QVERIFY(checkpoint.ok() && config.ok());
    auto expected = qe::computeWeightStats(*checkpoint, &*config, name.toStdString(), int(shown->histogram.size()));
    QVERIFY(expected.ok());
    QCOMPARE(shown->mean, expected->mean);
    QCOMPARE(shown->histogram, expected->histogram);
    QCOMPARE(shown->shape, (std::vector<std::int64_t>{64, 64}));
    QVERIFY2(m_stats->summaryText().contains(QStringLiteral("AWQ 4-bit, groups of 32, dequantized")), qPrintable(m_stats->summaryText()));
    // The totals under the diagram: the bytes as stored, the linear layers in their format.
    QVERIFY2(m_view->totalsText().contains(QStringLiteral("linear layers in AWQ 4-bit, groups of 32, the rest in float16")),
             qPrintable(m_view->totalsText()));
}

void TestTensorStatsView::cleanupTestCase() {
    delete m_panel;
    m_panel = nullptr;
}

QTEST_MAIN(TestTensorStatsView)
#include "test_tensor_stats_view.moc"
