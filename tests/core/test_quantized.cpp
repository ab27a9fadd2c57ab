// Quantized checkpoints (spec §7): AWQ 4-bit and FP8 e4m3 linear layers.
// - The loader unpacks literal words and bytes as the spec's formulas say (hand-written values).
// - The CPU engine on such checkpoints against the double-precision reference, which dequantizes
//   straight from the stored tensors (tests/helpers/reference_forward.h), through the GEMM and the
//   matrix-vector path.
// - Quantized products give the same bits as fp32 products over the dequantized matrix.
// - Bad quantization configs and tensors are refused with a message that names them.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <random>

#include "core/cpu/cpu_kernels.h"
#include "core/model_info.h"
#include "core/model_writer.h"
#include "core/session.h"
#include "core/tensor_stats.h"
#include "core/weights.h"
#include "tests/helpers/reference_forward.h"
#include "tests/helpers/small_models.h"
#include "tests/helpers/test_paths.h"

using namespace qe;
using namespace qe::test;

namespace {

ModelConfig quantizedConfig(Quantization::Method method, std::int64_t group, std::int64_t blockRows, bool tiny = false) {
    ModelConfig c = tiny ? *presetConfig("tiny") : smallConfig(false);
    if (tiny) {
        c.vocabSize = 300;
        c.eosTokenIds = {7};
        c.maxPositionEmbeddings = 256;
    }
    c.quantization = Quantization{.method = method, .groupSize = group, .blockRows = blockRows};
    return c;
}

Status writeModel(const ModelConfig& c, const QString& dir, std::uint64_t seed = 5) {
    RandomModelOptions options;
    options.seed = seed;
    options.dtype = c.quantization && c.quantization->method == Quantization::Method::Awq ? DType::F16 : DType::BF16;
    options.quantization = c.quantization;
    return writeRandomModel(c, dir.toStdString(), options);
}

// Overwrites bytes of a tensor in a single-file checkpoint: `bytes` at element byte `offset`.
bool patchTensor(const QString& dir, const std::string& name, std::size_t offset, const void* bytes, std::size_t size) {
    QFile f(dir + QStringLiteral("/model.safetensors"));
    if (!f.open(QIODevice::ReadWrite)) return false;
    QByteArray all = f.readAll();
    auto header = parseSafetensors({reinterpret_cast<const std::uint8_t*>(all.constData()), std::size_t(all.size())}, "model");
    if (!header.ok()) return false;
    for (const auto& t : header->tensors) {
        if (t.name != name) continue;
        if (!f.seek(qint64(header->dataStart + t.begin + offset))) return false;
        return f.write(static_cast<const char*>(bytes), qint64(size)) == qint64(size);
    }
    return false;
}

double maxDiff(const float* ours, const std::vector<double>& expected) {
    double worst = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) worst = std::max(worst, std::abs(double(ours[i]) - expected[i]));
    return worst;
}

}  // namespace

class TestQuantized : public QObject {
    Q_OBJECT
private slots:
    // qweight [in, out/8]: nibble p of a word holds output column 8c + ORDER[p], ORDER = [0, 2, 4, 6,
    // 1, 3, 5, 7] (column j in nibble REV[j] = [0, 4, 1, 5, 2, 6, 3, 7]); W = (q - z) * scale.
    void awqUnpacksAsTheSpecSays() {
        QTemporaryDir dir;
        const ModelConfig c = quantizedConfig(Quantization::Method::Awq, 16, 0);
        QVERIFY(writeModel(c, dir.path()).ok());
        const std::string p = "model.layers.0.self_attn.q_proj.";
        const std::int64_t words = c.qWidth() / 8;
        const std::uint32_t row0 = 0x76543210, row1 = 0xFEDCBA98, zeros = 0x00000010;  // z = 1 in nibble 1: column 2
        QVERIFY(patchTensor(dir.path(), p + "qweight", 0, &row0, 4));
        QVERIFY(patchTensor(dir.path(), p + "qweight", std::size_t(words) * 4, &row1, 4));
        QVERIFY(patchTensor(dir.path(), p + "qzeros", 0, &zeros, 4));
        const std::uint16_t scales[8] = {0x3C00, 0x3C00, 0x3C00, 0x3800, 0x3C00, 0x3C00, 0x3C00, 0x3C00};  // 1, column 3: 0.5
        QVERIFY(patchTensor(dir.path(), p + "scales", 0, scales, sizeof scales));

        auto config = loadModelConfig(dir.path().toStdString());
        QVERIFY(config.ok());
        auto weights = Weights::load(dir.path().toStdString(), *config);
        QVERIFY2(weights.ok(), weights.ok() ? "" : weights.error().text().c_str());
        const cpu::MatrixView& q = (*weights)->layer(0).qProj;
        QCOMPARE(q.type, cpu::WeightType::Q4);
        std::vector<float> rows(std::size_t(8 * q.cols));
        cpu::dequantizeRows(q, 0, 8, rows.data());
        const float input0[8] = {0, 4, 0, 2.5f, 2, 6, 3, 7};
        const float input1[8] = {8, 12, 8, 6.5f, 10, 14, 11, 15};
        for (int n = 0; n < 8; ++n) {
            QCOMPARE(rows[std::size_t(n * q.cols + 0)], input0[n]);
            QCOMPARE(rows[std::size_t(n * q.cols + 1)], input1[n]);
        }
    }

    // e4m3fn: 0x38 = 1, 0x7e = 448 (the largest), 0x01 = 2^-9 (the smallest subnormal), 0xc0 = -2;
    // weight_scale_inv multiplies.
    void fp8UnpacksAsTheSpecSays() {
        QTemporaryDir dir;
        const ModelConfig c = quantizedConfig(Quantization::Method::Fp8, 32, 16);
        QVERIFY(writeModel(c, dir.path()).ok());
        const std::string p = "model.layers.1.mlp.down_proj.";
        const std::uint8_t bytes[4] = {0x38, 0x7e, 0x01, 0xc0};
        const float scale = 0.25f;
        QVERIFY(patchTensor(dir.path(), p + "weight", 0, bytes, 4));
        QVERIFY(patchTensor(dir.path(), p + "weight_scale_inv", 0, &scale, 4));
        auto config = loadModelConfig(dir.path().toStdString());
        QVERIFY(config.ok());
        auto weights = Weights::load(dir.path().toStdString(), *config);
        QVERIFY2(weights.ok(), weights.ok() ? "" : weights.error().text().c_str());
        const cpu::MatrixView& w = (*weights)->layer(1).downProj;
        QCOMPARE(w.type, cpu::WeightType::F8E4M3);
        std::vector<float> row(std::size_t(w.cols));
        cpu::rowToFloat(w, 0, row.data());
        QCOMPARE(row[0], 0.25f);
        QCOMPARE(row[1], 112.0f);
        QCOMPARE(row[2], std::ldexp(1.0f, -11));
        QCOMPARE(row[3], -0.5f);
        QVERIFY(std::isnan(cpu::e4m3ToFloat(0x7f)) && std::isnan(cpu::e4m3ToFloat(0xff)));
        QCOMPARE(cpu::e4m3ToFloat(0x08), std::ldexp(1.0f, -6));  // the smallest normal
    }

    // Every e4m3 byte and Q4 nibble widens to the same bits on every ISA (AVX-512 against the
    // scalar loops), whole blocks and a ragged tail.
    void sameBitsOnEveryIsa() {
        std::vector<std::uint8_t> bytes(256 + 7);
        for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = std::uint8_t(i * 77 + 3);
        for (int i = 0; i < 256; ++i) bytes[std::size_t(i)] = std::uint8_t(i);
        const float fp8Scales[2] = {0.375f, 3.0f};
        const cpu::MatrixView fp8{bytes.data(), cpu::WeightType::F8E4M3, 1, std::int64_t(bytes.size()), fp8Scales, nullptr, 256, 1};
        std::vector<std::uint8_t> zeros = {0, 7, 15, 3};
        const float q4Scales[4] = {0.5f, 0.0078125f, 1.0f, 2.0f};
        const cpu::MatrixView q4{bytes.data(), cpu::WeightType::Q4, 1, 256, q4Scales, zeros.data(), 64, 0};
        for (const cpu::MatrixView* w : {&fp8, &q4}) {
            std::vector<float> best(std::size_t(w->cols)), scalar(std::size_t(w->cols));
            cpu::dequantizeRows(*w, 0, 1, best.data());
            cpu::setIsa(cpu::Isa::Scalar);
            cpu::dequantizeRows(*w, 0, 1, scalar.data());
            cpu::setIsa(cpu::detectedIsa());
            QVERIFY(std::memcmp(best.data(), scalar.data(), best.size() * sizeof(float)) == 0);
        }
        std::vector<float> values(256 + 7);
        cpu::dequantizeRows(fp8, 0, 1, values.data());
        QCOMPARE(values[0x38], 0.375f);
        QCOMPARE(values[0xb9], -1.125f * 0.375f);  // -(1 + 1/8)
        QVERIFY(std::isnan(values[0x7f]) && std::isnan(values[0xff]));
    }

    // The engine against the reference, which dequantizes on its own: chunks of 32 tokens run the
    // GEMM, one token at a time the matrix-vector kernels. Groups of 16 take the scalar unpacking,
    // groups of 32 and 64 the AVX-512 one where the CPU has it; FP8 blocks that do not divide the
    // shapes (ragged last blocks) and one that covers a whole matrix.
    void againstReference_data() {
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("group");
        QTest::addColumn<int>("blockRows");
        QTest::addColumn<bool>("tiny");
        QTest::newRow("awq g16") << int(Quantization::Method::Awq) << 16 << 0 << false;
        QTest::newRow("awq g32 tiny") << int(Quantization::Method::Awq) << 32 << 0 << true;
        QTest::newRow("awq g64 tiny") << int(Quantization::Method::Awq) << 64 << 0 << true;
        QTest::newRow("fp8 16x32 blocks") << int(Quantization::Method::Fp8) << 32 << 16 << false;
        QTest::newRow("fp8 128x128 blocks") << int(Quantization::Method::Fp8) << 128 << 128 << false;
    }
    void againstReference() {
        QFETCH(int, method);
        QFETCH(int, group);
        QFETCH(int, blockRows);
        QFETCH(bool, tiny);
        QTemporaryDir dir;
        const ModelConfig config = quantizedConfig(Quantization::Method(method), group, blockRows, tiny);
        QVERIFY(writeModel(config, dir.path()).ok());
        auto session = Session::load(dir.path().toStdString(), {.threads = 2, .chunkSize = 32});
        QVERIFY2(session.ok(), session.ok() ? "" : session.error().text().c_str());
        QVERIFY((*session)->config().quantization.has_value());
        const auto tokens = someTokens(40, int(config.vocabSize));
        Reference ref{(*session)->weights().checkpoint(), (*session)->config(), {}, {}};
        const auto expected = ref.logits(tokens);
        for (int chunk : {32, 1}) {
            std::vector<float> logits;
            QVERIFY((*session)->allLogits(tokens, chunk, logits).ok());
            double worst = 0;
            for (size_t t = 0; t < tokens.size(); ++t) worst = std::max(worst, maxDiff(&logits[t * config.vocabSize], expected[t]));
            QVERIFY2(worst < 1e-3, qPrintable(QStringLiteral("chunk %1: max |logit - reference| = %2").arg(chunk).arg(worst)));
        }
    }

    // The quantized model is the float one's weights, quantized: the same seed gives an unquantized
    // checkpoint whose logits differ from the quantized one's by the rounding, and whose greedy
    // choices mostly agree. A packing or scale mix-up would leave little agreement.
    void closeToTheUnquantizedModel() {
        for (auto method : {Quantization::Method::Awq, Quantization::Method::Fp8}) {
            QTemporaryDir plainDir, quantDir;
            ModelConfig plain = quantizedConfig(method, 32, 32, true);
            plain.quantization.reset();
            RandomModelOptions options;
            options.seed = 9;
            options.dtype = DType::F32;
            QVERIFY(writeRandomModel(plain, plainDir.path().toStdString(), options).ok());
            QVERIFY(writeModel(quantizedConfig(method, 32, 32, true), quantDir.path(), 9).ok());
            auto a = Session::load(plainDir.path().toStdString(), {.threads = 2, .chunkSize = 32});
            auto b = Session::load(quantDir.path().toStdString(), {.threads = 2, .chunkSize = 32});
            QVERIFY(a.ok() && b.ok());
            const auto tokens = someTokens(64, int(plain.vocabSize), 3);
            std::vector<float> la, lb;
            QVERIFY((*a)->allLogits(tokens, 32, la).ok());
            QVERIFY((*b)->allLogits(tokens, 32, lb).ok());
            int agree = 0;
            for (std::size_t t = 0; t < tokens.size(); ++t) {
                const float* x = &la[t * plain.vocabSize];
                const float* y = &lb[t * plain.vocabSize];
                agree += std::max_element(x, x + plain.vocabSize) - x == std::max_element(y, y + plain.vocabSize) - y;
            }
            // Measured: AWQ 4-bit 61 of 64, FP8 64; AWQ with its nibbles read in plain order: 46 (the
            // random model's top logits are close together, so even that agrees often).
            QVERIFY2(agree >= (method == Quantization::Method::Awq ? 56 : 60), qPrintable(QString::number(agree)));
        }
    }

    // matmul over a quantized matrix is matmul over its dequantized fp32 rows, bit for bit: one
    // token (Q4: widened in registers), a few (the matrix-vector kernels over widened rows) and many
    // (the GEMM), with any split of the rows between threads. FP8 in blocks of 32 with 296 and 301
    // columns: ragged last blocks.
    void sameBitsAsDequantizedRows() {
        std::mt19937 rng(3);
        const std::int64_t n = 72;
        std::vector<std::uint8_t> data(std::size_t(n * 512)), zeros(std::size_t(n * 16));
        std::vector<float> scales(std::size_t(n * 16));
        for (auto& b : data) {
            b = std::uint8_t(rng());
            if ((b & 0x7f) == 0x7f) b ^= 1;  // no e4m3 NaN, which would make whole outputs NaN
        }
        for (auto& z : zeros) z = std::uint8_t(rng() % 16);
        for (auto& s : scales) s = cpu::f16ToFloat(cpu::floatToF16(std::uniform_real_distribution<float>(0.001f, 0.02f)(rng)));
        const cpu::MatrixView q4{data.data(), cpu::WeightType::Q4, n, 256, scales.data(), zeros.data(), 64, 0};
        const cpu::MatrixView fp8{data.data(), cpu::WeightType::F8E4M3, n, 296, scales.data(), nullptr, 32, 16};
        const cpu::MatrixView fp8Tail{data.data(), cpu::WeightType::F8E4M3, n, 301, scales.data(), nullptr, 32, 16};
        cpu::ThreadPool pool(2);
        for (const cpu::MatrixView* q : {&q4, &fp8, &fp8Tail}) {
            const std::int64_t k = q->cols;
            std::vector<float> dense(std::size_t(n * k));
            cpu::dequantizeRows(*q, 0, n, dense.data());
            const cpu::MatrixView f{dense.data(), cpu::WeightType::F32, n, k};
            for (std::int64_t tokens : {1, 5, 40}) {
                std::vector<float> x(std::size_t(tokens * k));
                for (auto& v : x) v = std::uniform_real_distribution<float>(-1, 1)(rng);
                std::vector<float> yq(std::size_t(tokens * n)), yf(std::size_t(tokens * n));
                cpu::matmul(pool, x.data(), tokens, k, *q, yq.data(), n);
                cpu::matmul(pool, x.data(), tokens, k, f, yf.data(), n);
                QVERIFY2(std::memcmp(yq.data(), yf.data(), yq.size() * sizeof(float)) == 0,
                         qPrintable(QStringLiteral("%1 tokens, %2 columns").arg(tokens).arg(k)));
            }
        }
    }

    // Statistics of a quantized layer are of its dequantized values, read from its parts: the same
    // count, min, max and mean as the reference's own dequantization; other tensors as stored.
    void statisticsOfDequantizedValues() {
        for (auto method : {Quantization::Method::Awq, Quantization::Method::Fp8}) {
            QTemporaryDir dir;
            const ModelConfig c = quantizedConfig(method, 16, 32);
            QVERIFY(writeModel(c, dir.path()).ok());
            auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
            QVERIFY(ckpt.ok());
            const std::string name = "model.layers.2.mlp.gate_proj.weight";
            auto stats = computeWeightStats(*ckpt, &c, name, 8);
            QVERIFY2(stats.ok(), stats.ok() ? "" : stats.error().text().c_str());
            QVERIFY(stats->quantization.has_value());
            QCOMPARE(stats->shape, (std::vector<std::int64_t>{c.intermediateSize, c.hiddenSize}));
            Reference ref{*ckpt, c, {}, {}};
            const auto w = ref.linearWeight(name, std::size_t(c.intermediateSize), std::size_t(c.hiddenSize));
            QCOMPARE(stats->count, std::uint64_t(w.size()));
            // FP8's values are one fp32 product each: the reference's double product, rounded.
            QCOMPARE(stats->min, double(float(*std::min_element(w.begin(), w.end()))));
            QCOMPARE(stats->max, double(float(*std::max_element(w.begin(), w.end()))));
            double mean = 0;
            for (double v : w) mean += v / double(w.size());
            QVERIFY(std::abs(stats->mean - mean) < 1e-7);
            std::uint64_t binned = 0;
            for (auto n : stats->histogram) binned += n;
            QCOMPARE(binned, stats->count);
            // A norm of the same checkpoint, as stored.
            auto norm = computeWeightStats(*ckpt, &c, "model.norm.weight", 8);
            QVERIFY(norm.ok() && !norm->quantization && norm->count == std::uint64_t(c.hiddenSize));
        }
    }

    // The sizes the structure view and `info` show: the checkpoint's bytes, quantized layers
    // included (AWQ; FP8 with ragged blocks; unquantized f16).
    void storedBytesAreTheFiles() {
        ModelConfig plain = smallConfig(true);
        plain.torchDtype = "float16";
        for (const ModelConfig& c : {quantizedConfig(Quantization::Method::Awq, 16, 0),
                                     quantizedConfig(Quantization::Method::Fp8, 32, 16), plain}) {
            QTemporaryDir dir;
            if (c.quantization) {
                QVERIFY(writeModel(c, dir.path()).ok());
            } else {
                RandomModelOptions options;
                options.dtype = DType::F16;
                QVERIFY(writeRandomModel(c, dir.path().toStdString(), options).ok());
            }
            auto config = loadModelConfig(dir.path().toStdString());
            auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
            QVERIFY(config.ok() && ckpt.ok());
            QCOMPARE(computeModelSizes(*config).storedBytes, std::int64_t(ckpt->totalBytes()));
        }
    }

    void badConfigsAreNamed_data() {
        QTest::addColumn<QString>("quantization");
        QTest::addColumn<QString>("message");
        QTest::newRow("gptq") << R"({"quant_method":"gptq","bits":4})" << "quant_method \"gptq\" is not supported";
        QTest::newRow("awq 8 bits") << R"({"quant_method":"awq","bits":8,"group_size":128,"version":"gemm"})"
                                    << "AWQ with 8 bits is not supported";
        QTest::newRow("awq gemv") << R"({"quant_method":"awq","bits":4,"group_size":128,"version":"gemv"})"
                                  << "AWQ version \"gemv\" is not supported";
        QTest::newRow("awq group 48") << R"({"quant_method":"awq","bits":4,"group_size":48,"version":"gemm"})"
                                      << "does not split into AWQ groups of 48";
        QTest::newRow("fp8 per tensor") << R"({"quant_method":"fp8","fmt":"e4m3"})" << "FP8 without weight_block_size";
        QTest::newRow("fp8 e5m2") << R"({"quant_method":"fp8","fmt":"e5m2","weight_block_size":[128,128]})"
                                  << "FP8 format \"e5m2\" is not supported";
    }
    void badConfigsAreNamed() {
        QFETCH(QString, quantization);
        QFETCH(QString, message);
        ModelConfig c = *presetConfig("0.6b");
        QJsonObject j = QJsonDocument::fromJson(QByteArray::fromStdString(modelConfigToJson(c))).object();
        j[QStringLiteral("quantization_config")] = QJsonDocument::fromJson(quantization.toUtf8()).object();
        auto parsed = parseModelConfig(QJsonDocument(j).toJson().toStdString());
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code, ErrorCode::Unsupported);
        QVERIFY2(QString::fromStdString(parsed.error().text()).contains(message), parsed.error().text().c_str());
    }

    // A quantized checkpoint with a wrong part: named, with what was expected.
    void badTensorsAreNamed() {
        QTemporaryDir dir;
        ModelConfig c = quantizedConfig(Quantization::Method::Awq, 16, 0);
        QVERIFY(writeModel(c, dir.path()).ok());
        // The folder's config now says groups of 8: every qzeros and scales has the wrong shape.
        c.quantization->groupSize = 8;
        QFile config(dir.path() + QStringLiteral("/config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(QByteArray::fromStdString(modelConfigToJson(c)));
        config.close();
        auto loaded = Session::load(dir.path().toStdString(), {.threads = 1});
        QVERIFY(!loaded.ok());
        const QString text = QString::fromStdString(loaded.error().text());
        QVERIFY2(text.contains(QStringLiteral("model.layers.0.self_attn.q_proj.qzeros")) && text.contains(QStringLiteral("expected [6, 8]")),
                 qPrintable(text));
        // An unquantized checkpoint whose config says AWQ: the missing part, and what the config says.
        QTemporaryDir plain;
        ModelConfig p = smallConfig(false);
        QVERIFY(writeRandomModel(p, plain.path().toStdString(), {}).ok());
        p.quantization = Quantization{.method = Quantization::Method::Awq, .groupSize = 16};
        QFile plainConfig(plain.path() + QStringLiteral("/config.json"));
        QVERIFY(plainConfig.open(QIODevice::WriteOnly | QIODevice::Truncate));
        plainConfig.write(QByteArray::fromStdString(modelConfigToJson(p)));
        plainConfig.close();
        auto missing = Session::load(plain.path().toStdString(), {.threads = 1});
        QVERIFY(!missing.ok());
        const QString missingText = QString::fromStdString(missing.error().text());
        QVERIFY2(missingText.contains(QStringLiteral("q_proj.qweight")) && missingText.contains(QStringLiteral("AWQ 4-bit")),
                 qPrintable(missingText));
    }

    // The command line: make-model --quantize writes one, info names it.
    void cli() {
        QTemporaryDir dir;
        const QString out = dir.path() + QStringLiteral("/awq");
        auto made = runCli({QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("tiny"),
                            QStringLiteral("--quantize"), QStringLiteral("awq"), QStringLiteral("--group-size"),
                            QStringLiteral("32"), QStringLiteral("--out"), out});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        auto info = runCli({QStringLiteral("info"), QStringLiteral("--model"), out, QStringLiteral("--json")});
        QVERIFY2(info.exitCode == 0, info.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(info.out).object();
        QCOMPARE(j[QStringLiteral("quantization")].toString(), QStringLiteral("AWQ 4-bit, groups of 32"));
        auto bad = runCli({QStringLiteral("make-model"), QStringLiteral("--preset"), QStringLiteral("tiny"),
                           QStringLiteral("--quantize"), QStringLiteral("int3"), QStringLiteral("--out"), out});
        QVERIFY(bad.exitCode != 0);
        QVERIFY(bad.err.contains("--quantize must be awq or fp8"));
    }
};

QTEST_GUILESS_MAIN(TestQuantized)
#include "test_quantized.moc"
