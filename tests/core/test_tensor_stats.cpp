// Tensor statistics (issue #9): a checkpoint of tensors with known values, every expected number
// worked out in closed form below (not by the code under test), errors for unknown names,
// unsupported dtypes and cancellation, and the `tensor-stats` CLI contract.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/safetensors_writer.h"
#include "core/tensor_stats.h"
#include "tests/helpers/test_paths.h"

using namespace qe;

namespace {

constexpr std::int64_t kRamp = 1000;           // "ramp": F32 0, 1, ..., 999 as [10, 100]
constexpr std::int64_t kPeriods = 150001;      // "cycle": F32 (i % 7) - 3, 7 · kPeriods values

template <class T>
TensorToWrite tensor(std::string name, DType dtype, std::vector<std::int64_t> shape, std::vector<T> values) {
    return {std::move(name), dtype, std::move(shape), [values = std::move(values)](std::uint8_t* dst) {
                std::memcpy(dst, values.data(), values.size() * sizeof(T));
            }};
}

std::uint32_t floatBits(float value) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, 4);
    return bits;
}

std::vector<std::uint64_t> counts(const QJsonArray& array) {
    std::vector<std::uint64_t> out;
    for (const auto& v : array) out.push_back(static_cast<std::uint64_t>(v.toDouble()));
    return out;
}

}  // namespace

class TestTensorStats : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<SafetensorsCheckpoint> m_checkpoint;

    Result<TensorStats> stats(const char* name, int bins, std::stop_token stop = {}) {
        return computeTensorStats(*m_checkpoint, name, bins, stop);
    }

private slots:
    void initTestCase() {
        std::vector<float> ramp, cycle;
        for (std::int64_t i = 0; i < kRamp; ++i) ramp.push_back(static_cast<float>(i));
        for (std::int64_t i = 0; i < 7 * kPeriods; ++i) cycle.push_back(static_cast<float>(i % 7 - 3));
        // -8, -7.5, ..., 7.5: eight significant bits at most, so exact in bf16.
        std::vector<std::uint16_t> halves;
        for (int k = 0; k < 32; ++k) {
            const float v = -8.0f + 0.5f * k;
            QCOMPARE(floatBits(v) & 0xFFFFu, 0u);  // bf16 is the top half of the fp32 bits
            halves.push_back(static_cast<std::uint16_t>(floatBits(v) >> 16));
        }
        // IEEE half bit patterns of 1, 2, -1, 0.5.
        const std::vector<std::uint16_t> halfFloats{0x3C00, 0x4000, 0xBC00, 0x3800};
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> bad{1.0f, std::numeric_limits<float>::quiet_NaN(), 3.0f, inf, -inf, 5.0f};
        std::vector<TensorToWrite> tensors;
        tensors.push_back(tensor("ramp", DType::F32, {10, 100}, ramp));
        tensors.push_back(tensor("cycle", DType::F32, {7, kPeriods}, cycle));
        tensors.push_back(tensor("halves", DType::BF16, {4, 8}, halves));
        tensors.push_back(tensor("f16", DType::F16, {4}, halfFloats));
        tensors.push_back(tensor("bad", DType::F32, {6}, bad));
        tensors.push_back(tensor("ids", DType::I32, {3}, std::vector<std::int32_t>{1, 2, 3}));
        const std::string file = m_dir.filePath(QStringLiteral("model.safetensors")).toStdString();
        QVERIFY(writeSafetensors(file, std::move(tensors), {}).ok());
        auto opened = SafetensorsCheckpoint::open(m_dir.path().toStdString());
        QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().text().c_str());
        m_checkpoint = std::make_unique<SafetensorsCheckpoint>(std::move(opened).value());
    }

    // 0..N-1: mean (N-1)/2, population variance (N²-1)/12; with 10 bins over [0, 999] value v
    // falls in bin floor(10·v/999) (the top value joins the last bin).
    void rampF32() {
        auto s = stats("ramp", 10);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().text().c_str());
        QCOMPARE(s->dtype, DType::F32);
        QCOMPARE(s->shape, (std::vector<std::int64_t>{10, 100}));
        QCOMPARE(s->count, std::uint64_t(kRamp));
        QCOMPARE(s->nonFinite, std::uint64_t(0));
        QCOMPARE(s->mean, (kRamp - 1) / 2.0);
        QVERIFY(std::abs(s->stdDev - std::sqrt((kRamp * kRamp - 1) / 12.0)) < 1e-9);
        QCOMPARE(s->min, 0.0);
        QCOMPARE(s->max, 999.0);
        std::vector<std::uint64_t> expected(10, 0);
        for (std::int64_t v = 0; v < kRamp; ++v) ++expected[std::min<std::int64_t>(10 * v / 999, 9)];
        QCOMPARE(s->histogram, expected);
    }

    // (i % 7) - 3 over whole periods, more than a million values (hundreds of blocks): mean 0,
    // variance (9+4+1+0+1+4+9)/7 = 4; 7 bins of width 6/7 over [-3, 3] hold one value each.
    void manyBlocks() {
        auto s = stats("cycle", 7);
        QVERIFY(s.ok());
        QCOMPARE(s->count, std::uint64_t(7 * kPeriods));
        QVERIFY(std::abs(s->mean) < 1e-12);
        QVERIFY(std::abs(s->stdDev - 2.0) < 1e-12);
        QCOMPARE(s->min, -3.0);
        QCOMPARE(s->max, 3.0);
        QCOMPARE(s->histogram, std::vector<std::uint64_t>(7, kPeriods));
    }

    // -8 + k/2, k = 0..31: mean -8 + 31/4 = -0.25, variance (1/4)·(32²-1)/12 = 21.3125; 4 bins of
    // width 15.5/4 = 3.875 split k into 0..7, 8..15, 16..23, 24..31 (bin floor(k·4/31)).
    void exactBf16() {
        auto s = stats("halves", 4);
        QVERIFY(s.ok());
        QCOMPARE(s->dtype, DType::BF16);
        QCOMPARE(s->count, std::uint64_t(32));
        QCOMPARE(s->mean, -0.25);
        QVERIFY(std::abs(s->stdDev - std::sqrt(21.3125)) < 1e-12);
        QCOMPARE(s->min, -8.0);
        QCOMPARE(s->max, 7.5);
        QCOMPARE(s->histogram, (std::vector<std::uint64_t>{8, 8, 8, 8}));
    }

    // {1, 2, -1, 0.5}: mean 0.625, variance (1+4+1+0.25)/4 - 0.625² = 1.171875.
    void exactF16() {
        auto s = stats("f16", 3);
        QVERIFY(s.ok());
        QCOMPARE(s->mean, 0.625);
        QVERIFY(std::abs(s->stdDev - std::sqrt(1.171875)) < 1e-12);
        QCOMPARE(s->min, -1.0);
        QCOMPARE(s->max, 2.0);
        // Bins of width 1 over [-1, 2]: {-1}, {0.5}, {1, 2}.
        QCOMPARE(s->histogram, (std::vector<std::uint64_t>{1, 1, 2}));
    }

    // {1, NaN, 3, +Inf, -Inf, 5}: three non-finite; the finite {1, 3, 5} have mean 3, variance 8/3.
    void nonFiniteSkipped() {
        auto s = stats("bad", 2);
        QVERIFY(s.ok());
        QCOMPARE(s->count, std::uint64_t(6));
        QCOMPARE(s->nonFinite, std::uint64_t(3));
        QCOMPARE(s->mean, 3.0);
        QVERIFY(std::abs(s->stdDev - std::sqrt(8.0 / 3.0)) < 1e-12);
        QCOMPARE(s->min, 1.0);
        QCOMPARE(s->max, 5.0);
        QCOMPARE(s->histogram, (std::vector<std::uint64_t>{1, 2}));  // [1, 3) and [3, 5]
    }

    void errors() {
        auto missing = stats("model.layers.0.mlp.up_proj.weight", 8);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(missing.error().text().find("model.layers.0.mlp.up_proj.weight") != std::string::npos);
        auto ints = stats("ids", 8);
        QVERIFY(!ints.ok());
        QCOMPARE(ints.error().code, ErrorCode::Unsupported);
        QVERIFY(ints.error().text().find("ids") != std::string::npos);
        auto noBins = stats("ramp", 0);
        QVERIFY(!noBins.ok());
        QCOMPARE(noBins.error().code, ErrorCode::InvalidArgument);
    }

    void cancelled() {
        std::stop_source source;
        source.request_stop();
        auto s = stats("cycle", 8, source.get_token());
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Cancelled);
        QVERIFY(s.error().text().find("cycle") != std::string::npos);
    }

    void cliJson() {
        auto run = test::runCli({QStringLiteral("tensor-stats"), QStringLiteral("--model"), m_dir.path(), QStringLiteral("--tensor"),
                                 QStringLiteral("bad"), QStringLiteral("--bins"), QStringLiteral("2"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(j[QStringLiteral("tensor")].toString(), QStringLiteral("bad"));
        QCOMPARE(j[QStringLiteral("dtype")].toString(), QStringLiteral("F32"));
        QCOMPARE(j[QStringLiteral("shape")].toArray(), QJsonArray{6});
        QCOMPARE(j[QStringLiteral("count")].toInt(), 6);
        QCOMPARE(j[QStringLiteral("nonfinite")].toInt(), 3);
        QCOMPARE(j[QStringLiteral("mean")].toDouble(), 3.0);
        QVERIFY(std::abs(j[QStringLiteral("std")].toDouble() - std::sqrt(8.0 / 3.0)) < 1e-12);
        QCOMPARE(j[QStringLiteral("min")].toDouble(), 1.0);
        QCOMPARE(j[QStringLiteral("max")].toDouble(), 5.0);
        const QJsonObject h = j[QStringLiteral("histogram")].toObject();
        QCOMPARE(h[QStringLiteral("min")].toDouble(), 1.0);
        QCOMPARE(h[QStringLiteral("max")].toDouble(), 5.0);
        QCOMPARE(counts(h[QStringLiteral("counts")].toArray()), (std::vector<std::uint64_t>{1, 2}));

        auto text = test::runCli({QStringLiteral("tensor-stats"), QStringLiteral("--model"), m_dir.path(), QStringLiteral("--tensor"),
                                  QStringLiteral("halves")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("BF16 [4, 8]"));
    }

    void cliErrors() {
        auto missing = test::runCli({QStringLiteral("tensor-stats"), QStringLiteral("--model"), m_dir.path(), QStringLiteral("--tensor"),
                                     QStringLiteral("lm_head.weight"), QStringLiteral("--json")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("lm_head.weight"));
        QCOMPARE(missing.err.trimmed().count('\n'), 0);  // one line
        QVERIFY(missing.out.isEmpty());
        auto usage = test::runCli({QStringLiteral("tensor-stats"), QStringLiteral("--model"), m_dir.path()});
        QCOMPARE(usage.exitCode, 2);
        auto bins = test::runCli({QStringLiteral("tensor-stats"), QStringLiteral("--model"), m_dir.path(), QStringLiteral("--tensor"),
                                  QStringLiteral("ramp"), QStringLiteral("--bins"), QStringLiteral("0")});
        QCOMPARE(bins.exitCode, 2);
        auto noModel = test::runCli({QStringLiteral("tensor-stats"), QStringLiteral("--model"), m_dir.filePath(QStringLiteral("absent")),
                                     QStringLiteral("--tensor"), QStringLiteral("ramp")});
        QCOMPARE(noModel.exitCode, 1);
    }
};

QTEST_APPLESS_MAIN(TestTensorStats)
#include "test_tensor_stats.moc"
