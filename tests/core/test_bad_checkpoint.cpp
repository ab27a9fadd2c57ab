// Broken checkpoints load as clear errors naming the file, tensor or key — never a crash.
// (Byte-level safetensors rules are covered by test_safetensors.)
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "core/model_writer.h"
#include "core/safetensors_writer.h"
#include "core/session.h"
#include "tests/helpers/test_paths.h"

using namespace qe;

namespace {

ModelConfig tinyConfig() {
    ModelConfig c = *presetConfig("tiny");
    c.vocabSize = 256;
    return c;
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QString loadError(const QString& dir) {
    auto s = Session::load(dir.toStdString(), {.threads = 1});
    return s.ok() ? QString() : QString::fromStdString(s.error().text());
}

}  // namespace

class TestBadCheckpoint : public QObject {
    Q_OBJECT
private slots:
    void missingFolderAndConfig() {
        QTemporaryDir dir;
        QVERIFY(loadError(dir.path()).contains(QStringLiteral("config.json")));
        QVERIFY(!loadError(dir.filePath(QStringLiteral("nope"))).isEmpty());
    }

    void noWeights() {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("config.json")), QByteArray::fromStdString(modelConfigToJson(tinyConfig())));
        const QString e = loadError(dir.path());
        QVERIFY2(e.contains(QStringLiteral("model.safetensors")), qPrintable(e));
    }

    void wrongShape() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(tinyConfig(), dir.path().toStdString(), {.seed = 1}).ok());
        ModelConfig other = tinyConfig();
        other.intermediateSize = 128;  // the file has 192
        writeFile(dir.filePath(QStringLiteral("config.json")), QByteArray::fromStdString(modelConfigToJson(other)));
        const QString e = loadError(dir.path());
        QVERIFY2(e.contains(QStringLiteral("model.layers.0.mlp.gate_proj.weight")) && e.contains(QStringLiteral("[192, 64]")) &&
                     e.contains(QStringLiteral("[128, 64]")),
                 qPrintable(e));
    }

    void missingTensor() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(tinyConfig(), dir.path().toStdString(), {.seed = 1}).ok());
        ModelConfig other = tinyConfig();
        other.numHiddenLayers = 3;  // the file has 2 layers
        writeFile(dir.filePath(QStringLiteral("config.json")), QByteArray::fromStdString(modelConfigToJson(other)));
        const QString e = loadError(dir.path());
        QVERIFY2(e.contains(QStringLiteral("model.layers.2.input_layernorm.weight")) && e.contains(QStringLiteral("missing")), qPrintable(e));
    }

    void untiedWithoutLmHead() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(tinyConfig(), dir.path().toStdString(), {.seed = 1}).ok());
        ModelConfig other = tinyConfig();
        other.tieWordEmbeddings = false;
        writeFile(dir.filePath(QStringLiteral("config.json")), QByteArray::fromStdString(modelConfigToJson(other)));
        QVERIFY(loadError(dir.path()).contains(QStringLiteral("lm_head.weight")));
    }

    void unsupportedDtype() {
        QTemporaryDir dir;
        const ModelConfig c = tinyConfig();
        QVERIFY(writeRandomModel(c, dir.path().toStdString(), {.seed = 1}).ok());
        // Rewrite the file with model.norm.weight stored as I32.
        auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY(ckpt.ok());
        std::vector<TensorToWrite> tensors;
        std::vector<std::vector<std::uint8_t>> copies;
        for (const auto& t : ckpt->tensors()) copies.emplace_back(t.data, t.data + t.byteSize());
        for (size_t i = 0; i < ckpt->tensors().size(); ++i) {
            const auto& t = ckpt->tensors()[i];
            const auto* bytes = &copies[i];
            DType dtype = t.dtype;
            std::vector<std::int64_t> shape = t.shape;
            if (t.name == "model.norm.weight") {
                dtype = DType::I32;
                shape = {32};  // same byte size as 64 BF16 values
            }
            tensors.push_back({t.name, dtype, shape, [bytes](std::uint8_t* dst) { std::memcpy(dst, bytes->data(), bytes->size()); }});
        }
        const std::string path = dir.filePath(QStringLiteral("model.safetensors")).toStdString();
        ckpt = Error{};  // unmap before rewriting
        QVERIFY(writeSafetensors(path, std::move(tensors), {}).ok());
        const QString e = loadError(dir.path());
        QVERIFY2(e.contains(QStringLiteral("model.norm.weight")), qPrintable(e));
    }

    void truncatedFile() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(tinyConfig(), dir.path().toStdString(), {.seed = 1}).ok());
        QFile f(dir.filePath(QStringLiteral("model.safetensors")));
        QVERIFY(f.resize(f.size() - 10));
        QVERIFY(!loadError(dir.path()).isEmpty());
    }

    void missingShard() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(tinyConfig(), dir.path().toStdString(), {.seed = 1, .shards = 3}).ok());
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("model-00002-of-00003.safetensors"))));
        const QString e = loadError(dir.path());
        QVERIFY2(e.contains(QStringLiteral("model-00002-of-00003.safetensors")), qPrintable(e));
    }

    // The CLI reports the same errors as one line on stderr with exit code 1.
    void cliReportsOneLine() {
        QTemporaryDir dir;
        QVERIFY(writeRandomModel(tinyConfig(), dir.path().toStdString(), {.seed = 1}).ok());
        ModelConfig other = tinyConfig();
        other.intermediateSize = 128;
        writeFile(dir.filePath(QStringLiteral("config.json")), QByteArray::fromStdString(modelConfigToJson(other)));
        auto run = test::runCli({QStringLiteral("logits"), QStringLiteral("--model"), dir.path(), QStringLiteral("--tokens"),
                                 QStringLiteral("1,2"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.out.isEmpty());
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY(run.err.contains("gate_proj"));
    }
};

QTEST_APPLESS_MAIN(TestBadCheckpoint)
#include "test_bad_checkpoint.moc"
