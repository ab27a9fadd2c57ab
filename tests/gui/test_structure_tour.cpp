// Guided tour of the structure view (issue #9) on a tiny generated model: the step list for a
// config, the teacher's keys (QTest::keyClick), the highlighted block of every step, the live
// numbers of the selected token (equal to the DiagnosticsStore's), a tour from config alone,
// and Escape ending it.
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/model_info.h"
#include "gui/engine/engine_controller.h"
#include "gui/inspector/diagnostics_store.h"
#include "gui/inspector/inspector_panel.h"
#include "gui/inspector/logit_lens_view.h"
#include "gui/inspector/structure_diagram.h"
#include "gui/inspector/structure_tour.h"
#include "gui/inspector/structure_tour_panel.h"
#include "gui/inspector/structure_view.h"
#include "gui_test_support.h"

using namespace qe::gui;

namespace {

// The blocks of one decoder layer as the diagram draws them, top to bottom.
const std::vector<StructureBlock> kLayerBlocks = {
    StructureBlock::InputNorm, StructureBlock::QkvProjection, StructureBlock::QkNorm, StructureBlock::Rope,
    StructureBlock::Attention, StructureBlock::OutputProjection, StructureBlock::AttentionResidual,
    StructureBlock::PostNorm, StructureBlock::Mlp, StructureBlock::MlpResidual};

// Token, embedding, the layers, final norm, LM head, the next token.
std::vector<StructureBlock> expectedBlocks(std::int64_t layers) {
    std::vector<StructureBlock> blocks = {StructureBlock::Embedding, StructureBlock::Embedding};
    for (std::int64_t layer = 0; layer < layers; ++layer) blocks.insert(blocks.end(), kLayerBlocks.begin(), kLayerBlocks.end());
    blocks.insert(blocks.end(), {StructureBlock::FinalNorm, StructureBlock::LmHead, StructureBlock::LmHead});
    return blocks;
}

int mlpResidualStep(int layer) { return 2 + layer * 10 + 9; }

}  // namespace

class TestStructureTour : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void stepCount_data();
    void stepCount();
    void configOnly();
    void keysMoveTheTour();
    void stepsHighlightTheirBlock();
    void liveNumbers();
    void escapeEnds();
    void cleanupTestCase();

private:
    StructureView* view() const { return m_panel->structureView(); }
    StructureTourPanel* tour() const { return view()->tourPanel(); }
    void startLiveTour();

    QTemporaryDir m_dir;
    EngineController* m_engine = nullptr;
    InspectorPanel* m_panel = nullptr;
};

void TestStructureTour::initTestCase() {
    QString why;
    const QString model = qe::test::makeTinyModel(m_dir, &why);
    if (model.isEmpty()) QSKIP(qPrintable(why));
    m_engine = new EngineController(this);
    m_panel = new InspectorPanel(m_engine);
    m_panel->resize(900, 700);
    m_panel->show();
    QSignalSpy loaded(m_engine, &EngineController::modelLoaded);
    m_engine->loadModel(model, 1);
    QVERIFY(loaded.wait(60000));
    std::vector<int> prompt;
    for (int i = 0; i < 12; ++i) prompt.push_back(100 + i * 37);
    qe::SamplingParams sampling;
    sampling.seed = 11;
    QSignalSpy finished(m_engine, &EngineController::generationFinished);
    m_engine->generate(prompt, sampling, 6);
    QVERIFY(finished.wait(60000));
    QVERIFY(m_panel->store()->positions() >= 17);
}

void TestStructureTour::stepCount_data() {
    QTest::addColumn<QString>("preset");
    QTest::newRow("tiny") << QStringLiteral("tiny");
    QTest::newRow("0.6b") << QStringLiteral("0.6b");
    QTest::newRow("32b") << QStringLiteral("32b");
}

// 2 + layers × blocks per layer + tail, in the diagram's order.
void TestStructureTour::stepCount() {
    QFETCH(QString, preset);
    const auto config = qe::presetConfig(preset.toStdString());
    QVERIFY(config.has_value());
    const StructureTour steps(*config);
    QCOMPARE(steps.size(), 2 + static_cast<int>(config->numHiddenLayers) * 10 + 3);
    const auto blocks = expectedBlocks(config->numHiddenLayers);
    for (int index = 0; index < steps.size(); ++index) QCOMPARE(steps.step(index).block, blocks[static_cast<std::size_t>(index)]);
    QCOMPARE(steps.step(mlpResidualStep(1)).layer, 1);
    QCOMPARE(steps.lastLayerStep(), 2 + static_cast<int>(config->numHiddenLayers - 1) * 10);
    // Every step explains itself (what, formula, why) and has a heading.
    for (int index = 0; index < steps.size(); ++index) {
        QVERIFY(!steps.title(index).isEmpty());
        QVERIFY(steps.explanation(index).size() > 80);
    }
}

// No model loaded: the tour runs from the config and says where the numbers will appear.
void TestStructureTour::configOnly() {
    DiagnosticsStore store;
    StructureView configView(&store);
    configView.resize(700, 600);
    configView.show();
    QVERIFY(configView.choosePreset(QStringLiteral("0.6b")));
    QTest::mouseClick(configView.tourButton(), Qt::LeftButton);
    StructureTourPanel* panel = configView.tourPanel();
    QVERIFY(panel->isRunning());
    QVERIFY(panel->isVisible());
    QCOMPARE(panel->counterText(), QStringLiteral("Step 1 of %1").arg(2 + 28 * 10 + 3));
    panel->goTo(mlpResidualStep(3));
    QCOMPARE(panel->counterText(), QStringLiteral("Step %1 of 285").arg(mlpResidualStep(3) + 1));
    QVERIFY2(panel->bodyText().contains(QStringLiteral("appear here after a generation")), qPrintable(panel->bodyText()));
    QVERIFY(panel->titleText().contains(QStringLiteral("Layer 3")));
    // GQA step: what it saves, computed from the config (0.6B: 16 query heads, 8 KV heads).
    panel->goTo(2 + 4);
    QVERIFY2(panel->bodyText().contains(QStringLiteral("16 query heads use 8 KV heads")), qPrintable(panel->bodyText()));
    QVERIFY(panel->bodyText().contains(QStringLiteral("instead of")));
    panel->goTo(panel->tour()->size() - 2);
    QVERIFY(panel->titleText().contains(QStringLiteral("tied")));
    QVERIFY(panel->bodyText().contains(QStringLiteral("reuse the embedding matrix")));
    QVERIFY(!panel->bodyText().contains(QStringLiteral("LM head (tied)")));  // named once, in the title
    QVERIFY(!configView.grab().isNull());
}

void TestStructureTour::startLiveTour() {
    view()->chooseLoadedModel();
    m_panel->showTab(InspectorPanel::StructureTab);
    QTest::mouseClick(view()->tourButton(), Qt::LeftButton);
    QVERIFY(tour()->isRunning());
}

// Right/Space/PageDown forward, Left/PageUp back, Home/End, Ctrl+Right/Ctrl+Left per layer.
void TestStructureTour::keysMoveTheTour() {
    startLiveTour();
    StructureTourPanel* panel = tour();
    const int last = panel->tour()->size() - 1;
    QCOMPARE(last, 2 + 2 * 10 + 3 - 1);
    const std::vector<std::tuple<Qt::Key, Qt::KeyboardModifiers, int>> presses = {
        {Qt::Key_Right, Qt::NoModifier, 1},       {Qt::Key_Space, Qt::NoModifier, 2},
        {Qt::Key_PageDown, Qt::NoModifier, 3},    {Qt::Key_Left, Qt::NoModifier, 2},
        {Qt::Key_PageUp, Qt::NoModifier, 1},      {Qt::Key_End, Qt::NoModifier, last},
        {Qt::Key_Right, Qt::NoModifier, last},    {Qt::Key_Home, Qt::NoModifier, 0},
        {Qt::Key_Left, Qt::NoModifier, 0},        {Qt::Key_Right, Qt::ControlModifier, 2},
        {Qt::Key_Right, Qt::ControlModifier, 12}, {Qt::Key_Right, Qt::ControlModifier, 22},
        {Qt::Key_Left, Qt::ControlModifier, 12},  {Qt::Key_Left, Qt::ControlModifier, 2},
        {Qt::Key_Left, Qt::ControlModifier, 0},
    };
    for (const auto& [key, modifiers, expected] : presses) {
        QTest::keyClick(panel, key, modifiers);
        QCOMPARE(panel->current(), expected);
        QCOMPARE(panel->counterText(), QStringLiteral("Step %1 of %2").arg(expected + 1).arg(last + 1));
    }
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("tourLastLayer")), Qt::LeftButton);
    QCOMPARE(panel->current(), 12);
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("tourNextLayer")), Qt::LeftButton);
    QCOMPARE(panel->current(), 22);
}

// Each step highlights its block in the diagram and scrolls it into view.
void TestStructureTour::stepsHighlightTheirBlock() {
    startLiveTour();
    StructureTourPanel* panel = tour();
    const StructureDiagram* diagram = view()->diagram();
    const auto blocks = expectedBlocks(2);
    for (int index = 0; index < panel->tour()->size(); ++index) {
        panel->goTo(index);
        QCOMPARE(diagram->current(), std::optional(blocks[static_cast<std::size_t>(index)]));
        const QRect visible = diagram->visibleRegion().boundingRect();
        QVERIFY2(visible.intersects(diagram->blockRect(blocks[static_cast<std::size_t>(index)]).toRect()), qPrintable(QString::number(index)));
    }
}

// The residual step shows the store's residual RMS of the selected token and layer, and follows
// a new selection; the attention and next-token steps show that token's numbers too.
void TestStructureTour::liveNumbers() {
    DiagnosticsStore* store = m_panel->store();
    store->select(5);
    startLiveTour();
    StructureTourPanel* panel = tour();
    panel->goTo(mlpResidualStep(1));
    QVERIFY(panel->titleText().contains(QStringLiteral("Layer 1")));
    QVERIFY2(panel->bodyText().contains(StructureTour::formatNumber(store->residualRms(5, 1))), qPrintable(panel->bodyText()));
    store->select(14);
    QVERIFY2(panel->bodyText().contains(StructureTour::formatNumber(store->residualRms(14, 1))), qPrintable(panel->bodyText()));
    panel->goTo(0);
    QVERIFY(panel->bodyText().contains(QStringLiteral("Position 14")));
    panel->goTo(2 + 10 + 4);  // attention of layer 1: head 3's entropy, two decimals
    QVERIFY(panel->bodyText().contains(QLocale().toString(store->entropy(14, 1, 3), 'f', 2)));
    panel->goTo(panel->tour()->size() - 1);  // position 15 was sampled after position 14
    QVERIFY(store->token(15).prob > 0.0f);
    QVERIFY2(panel->bodyText().contains(QStringLiteral("Sampled")), qPrintable(panel->bodyText()));
    // The logit lens of the selected token arrives from the engine after the selection.
    panel->goTo(panel->tour()->size() - 2);
    QVERIFY(QTest::qWaitFor([&] { return panel->bodyText().contains(QStringLiteral("after layer 1")); }, 30000));
    store->select(-1);
}

void TestStructureTour::escapeEnds() {
    startLiveTour();
    StructureTourPanel* panel = tour();
    QSignalSpy finished(panel, &StructureTourPanel::finished);
    QTest::keyClick(panel, Qt::Key_Escape);
    QCOMPARE(finished.count(), 1);
    QVERIFY(!panel->isRunning());
    QVERIFY(!panel->isVisible());
    QVERIFY(view()->tourButton()->isVisible());
}

void TestStructureTour::cleanupTestCase() {
    delete m_panel;
    if (m_engine) m_engine->shutdown();
}

QTEST_MAIN(TestStructureTour)
#include "test_structure_tour.moc"
