// Tests for core/safetensors.h and core/safetensors_writer.h: one case per validation rule of
// spec §4.3 (malformed bytes built here), writer layout, sharded checkpoints (§4.2), and the
// golden tiny-tied checkpoint from shared/testdata/golden/tiny-tied/.
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <filesystem>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "core/safetensors.h"
#include "core/safetensors_writer.h"
#include "tests/helpers/test_paths.h"

using namespace qe;

namespace {

const std::string kFile = "test.safetensors";

// 8-byte little-endian header length, the header text, then `dataBytes` bytes of data.
QByteArray makeFile(const QByteArray& header, int dataBytes, std::uint64_t declaredLength) {
    QByteArray bytes;
    for (int i = 0; i < 8; ++i) bytes.append(static_cast<char>((declaredLength >> (8 * i)) & 0xff));
    bytes.append(header);
    for (int i = 0; i < dataBytes; ++i) bytes.append(static_cast<char>(i & 0x7f));
    return bytes;
}
QByteArray makeFile(const QByteArray& header, int dataBytes) {
    return makeFile(header, dataBytes, static_cast<std::uint64_t>(header.size()));
}

std::span<const std::uint8_t> asSpan(const QByteArray& bytes) {
    return {reinterpret_cast<const std::uint8_t*>(bytes.constData()), static_cast<std::size_t>(bytes.size())};
}

bool writeBytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A tensor whose bytes are (seed + i) & 0xff, so each tensor's data is recognisable.
TensorToWrite patterned(std::string name, DType dtype, std::vector<std::int64_t> shape, int seed, int* fillCalls = nullptr) {
    std::uint64_t elements = 1;
    for (auto d : shape) elements *= static_cast<std::uint64_t>(d);
    const std::uint64_t bytes = elements * dtypeBits(dtype) / 8;
    return {std::move(name), dtype, std::move(shape), [bytes, seed, fillCalls](std::uint8_t* dst) {
                for (std::uint64_t i = 0; i < bytes; ++i) dst[i] = static_cast<std::uint8_t>((seed + i) & 0xff);
                if (fillCalls) ++*fillCalls;
            }};
}

bool hasPattern(const TensorInfo& t, int seed) {
    for (std::uint64_t i = 0; i < t.byteSize(); ++i)
        if (t.data[i] != static_cast<std::uint8_t>((seed + i) & 0xff)) return false;
    return true;
}

std::string path(const QTemporaryDir& dir, const char* name) { return dir.filePath(QString::fromLatin1(name)).toStdString(); }

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> m_logSink;

    // Two shards: shard 1 holds a, b; shard 2 holds c, d. Returns the folder's weight map.
    std::map<std::string, std::string> writeShards(const QTemporaryDir& dir) {
        const char* s1 = "model-00001-of-00002.safetensors";
        const char* s2 = "model-00002-of-00002.safetensors";
        std::vector<TensorToWrite> first{patterned("a", DType::BF16, {2, 3}, 1), patterned("b", DType::F32, {4}, 2)};
        std::vector<TensorToWrite> second{patterned("c", DType::BF16, {5}, 3), patterned("d", DType::U8, {3}, 4)};
        if (!writeSafetensors(path(dir, s1), std::move(first), {}).ok()) return {};
        if (!writeSafetensors(path(dir, s2), std::move(second), {}).ok()) return {};
        return {{"a", s1}, {"b", s1}, {"c", s2}, {"d", s2}};
    }

private slots:
    void initTestCase() {
        m_logSink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
        spdlog::drop("core");
        auto logger = std::make_shared<spdlog::logger>("core", m_logSink);
        logger->set_level(spdlog::level::warn);
        spdlog::register_logger(logger);
    }

    void dtypes() {
        QCOMPARE(dtypeBits(DType::BF16), 16u);
        QCOMPARE(dtypeBits(DType::F4), 4u);
        QCOMPARE(dtypeBits(DType::F6_E2M3), 6u);
        QCOMPARE(dtypeBits(DType::Bool), 8u);
        QCOMPARE(dtypeBits(DType::C64), 64u);
        QCOMPARE(std::string(dtypeName(DType::F8_E4M3FNUZ)), std::string("F8_E4M3FNUZ"));
        for (const char* name : {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16",
                                 "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "C64", "I64", "U64", "F4", "F6_E2M3",
                                 "F6_E3M2"}) {
            auto dt = parseDType(name);
            QVERIFY2(dt.ok(), name);
            QCOMPARE(std::string(dtypeName(*dt)), std::string(name));
        }
        auto bad = parseDType("bf16");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::Corrupt);
    }

    // Each row is one rule of spec §4.3; `error` is a substring of the expected message ("" = valid).
    void validation_data() {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("tensor");  // tensor the message must name ("" = none)

        auto entry = [](const char* name, const char* dtype, const char* shape, const char* offsets) {
            return QByteArray("\"") + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
                   ",\"data_offsets\":" + offsets + "}";
        };
        const QByteArray w = entry("w", "F32", "[2]", "[0,8]");

        // Rule 1: at least 8 bytes.
        QTest::newRow("empty file") << QByteArray() << "header too small" << "";
        QTest::newRow("7 bytes") << QByteArray(7, '\0') << "header too small" << "";
        // Rule 2: N limit, 8+N within the file.
        QTest::newRow("N over limit") << makeFile("{}", 0, 100'000'001) << "header too large" << "";
        QTest::newRow("N max u64") << makeFile("{}", 0, ~std::uint64_t{0}) << "header too large" << "";
        QTest::newRow("N past EOF") << makeFile("{}", 0, 3) << "past the end of the file" << "";
        QTest::newRow("N zero") << makeFile("", 0) << "does not start with '{'" << "";
        // Rule 3: starts with '{', UTF-8, JSON object, no duplicate keys, metadata strings, dtype known.
        QTest::newRow("leading space") << makeFile(" {}", 0) << "does not start with '{'" << "";
        QTest::newRow("array header") << makeFile("[]", 0) << "does not start with '{'" << "";
        QTest::newRow("invalid UTF-8") << makeFile("{\"w\xff\":1}", 0) << "not valid UTF-8" << "";
        QTest::newRow("overlong UTF-8") << makeFile("{\"\xc0\xaf\":1}", 0) << "not valid UTF-8" << "";
        QTest::newRow("invalid JSON") << makeFile("{\"w\":", 0) << "not valid JSON" << "";
        QTest::newRow("trailing garbage") << makeFile("{} x", 0) << "not valid JSON" << "";
        QTest::newRow("NUL after object") << makeFile(QByteArray("{}\0junk", 7), 0) << "NUL byte" << "";
        QTest::newRow("duplicate tensor") << makeFile("{" + w + "," + w + "}", 8) << "duplicate key \"w\"" << "";
        QTest::newRow("duplicate nested key")
            << makeFile("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8)
            << "duplicate key \"dtype\"" << "";
        QTest::newRow("duplicate metadata key")
            << makeFile("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0) << "duplicate key \"a\"" << "";
        QTest::newRow("metadata not string") << makeFile("{\"__metadata__\":{\"a\":1}}", 0) << "is not a string" << "";
        QTest::newRow("metadata not object") << makeFile("{\"__metadata__\":[\"a\"]}", 0) << "__metadata__ is not an object"
                                             << "";
        QTest::newRow("entry not object") << makeFile("{\"w\":[1]}", 0) << "entry is not an object" << "w";
        QTest::newRow("dtype missing") << makeFile("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8) << "\"dtype\"" << "w";
        QTest::newRow("dtype not string") << makeFile("{" + entry("w", "F32", "[2]", "[0,8]").replace("\"F32\"", "32") + "}", 8)
                                          << "\"dtype\"" << "w";
        QTest::newRow("dtype unknown") << makeFile("{" + entry("w", "F33", "[2]", "[0,8]") + "}", 8)
                                       << "unknown dtype \"F33\"" << "w";
        // Shape: array of non-negative integers.
        QTest::newRow("shape missing") << makeFile("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8) << "\"shape\""
                                       << "w";
        QTest::newRow("shape not array") << makeFile("{" + entry("w", "F32", "2", "[0,8]") + "}", 8) << "\"shape\"" << "w";
        QTest::newRow("shape negative") << makeFile("{" + entry("w", "F32", "[-2]", "[0,8]") + "}", 8)
                                        << "not a non-negative integer" << "w";
        QTest::newRow("shape float") << makeFile("{" + entry("w", "F32", "[2.0]", "[0,8]") + "}", 8)
                                     << "not a non-negative integer" << "w";
        QTest::newRow("shape string") << makeFile("{" + entry("w", "F32", "[\"2\"]", "[0,8]") + "}", 8)
                                      << "not a non-negative integer" << "w";
        // data_offsets: two non-negative integers.
        QTest::newRow("offsets missing") << makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8) << "data_offsets" << "w";
        QTest::newRow("offsets three") << makeFile("{" + entry("w", "F32", "[2]", "[0,8,8]") + "}", 8)
                                       << "array of two integers" << "w";
        QTest::newRow("offsets negative") << makeFile("{" + entry("w", "F32", "[2]", "[-1,8]") + "}", 8)
                                          << "not non-negative integers" << "w";
        // Rule 4: sorted by offsets, first BEGIN 0, no gaps/overlaps, END >= BEGIN.
        QTest::newRow("end before begin") << makeFile("{" + entry("w", "F32", "[2]", "[8,0]") + "}", 8)
                                          << "end before begin" << "w";
        QTest::newRow("first begin not 0") << makeFile("{" + entry("w", "F32", "[2]", "[4,12]") + "}", 12)
                                           << "gap in the data buffer" << "w";
        QTest::newRow("gap") << makeFile("{" + w + "," + entry("v", "F32", "[1]", "[12,16]") + "}", 16)
                             << "gap in the data buffer" << "v";
        QTest::newRow("overlap") << makeFile("{" + w + "," + entry("v", "F32", "[2]", "[4,12]") + "}", 12)
                                 << "overlap in the data buffer" << "v";
        QTest::newRow("same range twice") << makeFile("{" + w + "," + entry("v", "F32", "[2]", "[0,8]") + "}", 8)
                                          << "overlap in the data buffer" << "w";
        // Rule 5: checked element count and bits, whole bytes, END-BEGIN == bits/8.
        QTest::newRow("elements overflow") << makeFile("{" + entry("w", "U8", "[4294967296,4294967296]", "[0,0]") + "}", 0)
                                           << "element count" << "w";
        QTest::newRow("bits overflow") << makeFile("{" + entry("w", "F32", "[4611686018427387904]", "[0,0]") + "}", 0)
                                       << "bit size" << "w";
        QTest::newRow("misaligned F4") << makeFile("{" + entry("w", "F4", "[3]", "[0,2]") + "}", 2) << "misaligned slice"
                                       << "w";
        QTest::newRow("misaligned F6") << makeFile("{" + entry("w", "F6_E3M2", "[2]", "[0,2]") + "}", 2)
                                       << "misaligned slice" << "w";
        QTest::newRow("size mismatch") << makeFile("{" + entry("w", "F32", "[2]", "[0,4]") + "}", 4) << "expected 8" << "w";
        // Rule 6: last END + 8 + N == file size.
        QTest::newRow("trailing bytes") << makeFile("{" + w + "}", 9) << "trailing bytes" << "";
        QTest::newRow("truncated") << makeFile("{" + w + "}", 7) << "file truncated" << "";
        QTest::newRow("zero tensors with data") << makeFile("{}", 1) << "trailing bytes" << "";

        // Valid edge cases.
        QTest::newRow("ok: zero tensors") << makeFile("{}", 0) << "" << "";
        QTest::newRow("ok: metadata only") << makeFile("{\"__metadata__\":{\"format\":\"pt\"}}", 0) << "" << "";
        QTest::newRow("ok: metadata null") << makeFile("{\"__metadata__\":null}", 0) << "" << "";
        QTest::newRow("ok: padded") << makeFile("{" + w + "}    \n", 8) << "" << "";
        QTest::newRow("ok: scalar") << makeFile("{" + entry("s", "F32", "[]", "[0,4]") + "}", 4) << "" << "";
        QTest::newRow("ok: empty tensors")
            << makeFile("{" + entry("e", "BF16", "[0,7]", "[0,0]") + "," + entry("f", "F64", "[3,0]", "[0,0]") + "}", 0)
            << "" << "";
        QTest::newRow("ok: zero dim beats huge dims")
            << makeFile("{" + entry("e", "U8", "[4294967296,0,4294967296]", "[0,0]") + "}", 0) << "" << "";
        QTest::newRow("ok: F4 pair") << makeFile("{" + entry("w", "F4", "[2]", "[0,1]") + "}", 1) << "" << "";
        QTest::newRow("ok: unknown entry field ignored")
            << makeFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}", 8) << "" << "";
        QTest::newRow("ok: unordered header")
            << makeFile("{" + entry("v", "F32", "[1]", "[8,12]") + "," + w + "}", 12) << "" << "";
    }

    void validation() {
        QFETCH(QByteArray, file);
        QFETCH(QString, error);
        QFETCH(QString, tensor);
        auto header = parseSafetensors(asSpan(file), kFile);
        if (error.isEmpty()) {
            QVERIFY2(header.ok(), header.ok() ? "" : header.error().text().c_str());
            return;
        }
        QVERIFY2(!header.ok(), "malformed file was accepted");
        const QString text = QString::fromStdString(header.error().text());
        QCOMPARE(header.error().code, ErrorCode::Corrupt);
        QVERIFY2(text.contains(error), qPrintable(text));
        QVERIFY2(text.contains(QString::fromStdString(kFile)), qPrintable(text));
        if (!tensor.isEmpty()) QVERIFY2(text.contains("tensor \"" + tensor + "\""), qPrintable(text));
    }

    void parsedContents() {
        // Header order differs from data order; the result is sorted by offset and points into the bytes.
        const QByteArray file = makeFile(
            "{\"__metadata__\":{\"format\":\"pt\"},"
            "\"v\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]},"
            "\"w\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
            "\"s\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[12,13]}}  ",
            13);
        auto header = parseSafetensors(asSpan(file), kFile);
        QVERIFY2(header.ok(), header.ok() ? "" : header.error().text().c_str());
        QCOMPARE(header->metadata.size(), std::size_t{1});
        QCOMPARE(header->metadata.at("format"), std::string("pt"));
        QCOMPARE(header->dataStart, static_cast<std::uint64_t>(file.size() - 13));
        QCOMPARE(header->tensors.size(), std::size_t{3});
        QCOMPARE(header->tensors[0].name, std::string("w"));
        QCOMPARE(header->tensors[1].name, std::string("v"));
        QCOMPARE(header->tensors[2].name, std::string("s"));
        QCOMPARE(header->tensors[0].shape, (std::vector<std::int64_t>{1, 2}));
        QCOMPARE(header->tensors[0].numElements(), std::int64_t{2});
        QCOMPARE(header->tensors[2].numElements(), std::int64_t{1});
        QVERIFY(header->tensors[2].shape.empty());
        QCOMPARE(header->tensors[1].dtype, DType::BF16);
        QCOMPARE(header->tensors[1].byteSize(), std::uint64_t{4});
        QCOMPARE(header->tensors[1].file, kFile);
        const auto* base = reinterpret_cast<const std::uint8_t*>(file.constData()) + header->dataStart;
        QCOMPARE(header->tensors[0].data, base);
        QCOMPARE(header->tensors[1].data, base + 8);
        QCOMPARE(header->tensors[2].data, base + 12);
        QCOMPARE(int(header->tensors[2].data[0]), 12);  // makeFile fills data byte i with i
    }

    void index_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("not JSON") << QByteArray("{\"weight_map\":") << "not valid JSON";
        QTest::newRow("not object") << QByteArray("[]") << "not a JSON object";
        QTest::newRow("no weight_map") << QByteArray("{\"metadata\":{}}") << "weight_map";
        QTest::newRow("weight_map array") << QByteArray("{\"weight_map\":[]}") << "weight_map";
        QTest::newRow("shard not string") << QByteArray("{\"weight_map\":{\"a\":1}}") << "\"a\" is not a string";
        QTest::newRow("duplicate name") << QByteArray("{\"weight_map\":{\"a\":\"x\",\"a\":\"y\"}}") << "duplicate key \"a\"";
        QTest::newRow("metadata not object") << QByteArray("{\"metadata\":1,\"weight_map\":{}}") << "metadata";
        QTest::newRow("total_size negative") << QByteArray("{\"metadata\":{\"total_size\":-1},\"weight_map\":{}}")
                                             << "total_size";
        QTest::newRow("total_size string") << QByteArray("{\"metadata\":{\"total_size\":\"12\"},\"weight_map\":{}}")
                                           << "total_size";
        QTest::newRow("total_size fraction") << QByteArray("{\"metadata\":{\"total_size\":1.5},\"weight_map\":{}}")
                                             << "total_size";
        QTest::newRow("invalid UTF-8") << QByteArray("{\"weight_map\":{\"\xfe\":\"x\"}}") << "UTF-8";
    }

    void index() {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        auto parsed = parseSafetensorsIndex(std::string_view(json.constData(), json.size()), "idx.json");
        QVERIFY2(!parsed.ok(), "malformed index was accepted");
        const QString text = QString::fromStdString(parsed.error().text());
        QVERIFY2(text.contains(error), qPrintable(text));
        QVERIFY2(text.contains("idx.json"), qPrintable(text));
    }

    void indexValid() {
        auto full = parseSafetensorsIndex(
            R"({"metadata":{"total_size":65524246528,"format":"pt"},"weight_map":{"a":"s1","b":"s2"}})", "idx.json");
        QVERIFY2(full.ok(), full.ok() ? "" : full.error().text().c_str());
        QCOMPARE(full->weightMap.size(), std::size_t{2});
        QCOMPARE(full->weightMap.at("b"), std::string("s2"));
        QVERIFY(full->totalSize.has_value());
        QCOMPARE(*full->totalSize, std::uint64_t{65524246528});

        auto bare = parseSafetensorsIndex(R"({"weight_map":{}})", "idx.json");
        QVERIFY(bare.ok());
        QVERIFY(!bare->totalSize.has_value());

        auto asFloat = parseSafetensorsIndex(R"({"metadata":{"total_size":1024.0},"weight_map":{}})", "idx.json");
        QVERIFY(asFloat.ok());
        QCOMPARE(*asFloat->totalSize, std::uint64_t{1024});
    }

    void writerRoundTrip() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        int fillCalls = 0;
        std::vector<TensorToWrite> tensors{
            patterned("b.bf16", DType::BF16, {3}, 10, &fillCalls), patterned("a.f32", DType::F32, {2, 2}, 20, &fillCalls),
            patterned("c.u8", DType::U8, {5}, 30, &fillCalls),    patterned("z.f64", DType::F64, {1}, 40, &fillCalls),
            patterned("scalar", DType::F32, {}, 50, &fillCalls),  patterned("empty", DType::BF16, {0, 3}, 60, &fillCalls),
            patterned("nibbles", DType::F4, {2, 3}, 70, &fillCalls)};
        const std::string file = path(dir, "model.safetensors");
        auto status = writeSafetensors(file, std::move(tensors), {{"format", "pt"}});
        QVERIFY2(status.ok(), status.ok() ? "" : status.error().text().c_str());
        QCOMPARE(fillCalls, 6);  // not called for the empty tensor

        auto mapped = MappedFile::open(file);
        QVERIFY(mapped.ok());
        const auto bytes = mapped->bytes();
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
        QCOMPARE(n % 8, std::uint64_t{0});  // data buffer starts 8-aligned
        // JSON, then only spaces as padding.
        const std::string headerText(reinterpret_cast<const char*>(bytes.data() + 8), n);
        const auto close = headerText.find_last_of('}');
        QVERIFY(close != std::string::npos);
        QVERIFY(n - close - 1 < 8);
        QVERIFY(headerText.find_first_not_of(' ', close + 1) == std::string::npos);

        auto header = parseSafetensors(bytes, file);
        QVERIFY2(header.ok(), header.ok() ? "" : header.error().text().c_str());
        QCOMPARE(header->metadata.at("format"), std::string("pt"));
        // Descending dtype size, then name.
        std::vector<std::string> order;
        for (const auto& t : header->tensors) order.push_back(t.name);
        const std::vector<std::string> expected{"z.f64", "a.f32", "scalar", "b.bf16", "empty", "c.u8", "nibbles"};
        QCOMPARE(order, expected);
        const std::map<std::string, int> seeds{{"z.f64", 40}, {"a.f32", 20}, {"scalar", 50}, {"b.bf16", 10},
                                               {"empty", 60}, {"c.u8", 30},  {"nibbles", 70}};
        for (const auto& t : header->tensors) {
            QVERIFY2(hasPattern(t, seeds.at(t.name)), t.name.c_str());
            const std::uint64_t elementBytes = std::max<std::uint64_t>(1, dtypeBits(t.dtype) / 8);
            QVERIFY2(t.begin % elementBytes == 0, t.name.c_str());  // naturally aligned
        }
        QCOMPARE(header->tensors[0].byteSize(), std::uint64_t{8});
        QCOMPARE(header->tensors[6].byteSize(), std::uint64_t{3});  // 6 x F4
        QVERIFY(header->tensors[2].shape.empty());
        QCOMPARE(header->tensors[4].byteSize(), std::uint64_t{0});
    }

    void writerNoTensors() {
        QTemporaryDir dir;
        const std::string file = path(dir, "empty.safetensors");
        QVERIFY(writeSafetensors(file, {}, {}).ok());
        auto mapped = MappedFile::open(file);
        QVERIFY(mapped.ok());
        QCOMPARE(mapped->size() % 8, std::size_t{0});
        auto header = parseSafetensors(mapped->bytes(), file);
        QVERIFY2(header.ok(), header.ok() ? "" : header.error().text().c_str());
        QVERIFY(header->tensors.empty());
    }

    void writerErrors() {
        QTemporaryDir dir;
        const std::string file = path(dir, "bad.safetensors");
        auto dup = writeSafetensors(file, {patterned("x", DType::F32, {1}, 0), patterned("x", DType::U8, {1}, 0)}, {});
        QVERIFY(!dup.ok());
        QCOMPARE(dup.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!QFile::exists(QString::fromStdString(file)));

        auto negative = writeSafetensors(file, {patterned("x", DType::F32, {1}, 0)}, {});
        QVERIFY(negative.ok());
        std::vector<TensorToWrite> neg{{"n", DType::F32, {-1}, [](std::uint8_t*) {}}};
        QVERIFY(!writeSafetensors(file, std::move(neg), {}).ok());

        auto misaligned = writeSafetensors(file, {patterned("f4", DType::F4, {3}, 0)}, {});
        QVERIFY(!misaligned.ok());
        QVERIFY(QString::fromStdString(misaligned.error().text()).contains("misaligned"));

        QVERIFY(!writeSafetensors(file, {patterned("__metadata__", DType::F32, {1}, 0)}, {}).ok());
        QVERIFY(!writeSafetensors(file, {TensorToWrite{"nofill", DType::F32, {1}, {}}}, {}).ok());
        QVERIFY(!writeSafetensors(file, {patterned("bad\xff", DType::F32, {1}, 0)}, {}).ok());  // not UTF-8
        QVERIFY(!writeSafetensors(file, {}, {{"k", "\xfe"}}).ok());

        auto noDir = writeSafetensors(path(dir, "missing/dir/x.safetensors"), {patterned("x", DType::F32, {1}, 0)}, {});
        QVERIFY(!noDir.ok());
        QVERIFY(QString::fromStdString(noDir.error().text()).contains("cannot create file"));

        auto throwing = writeSafetensors(
            file, {TensorToWrite{"t", DType::F32, {1}, [](std::uint8_t*) { throw std::runtime_error("boom"); }}}, {});
        QVERIFY(!throwing.ok());
        QVERIFY(!QFile::exists(QString::fromStdString(file)));  // partial file removed

        if (QFile::exists("/dev/full")) {  // every write fails with ENOSPC: disk full
            auto full = writeSafetensors("/dev/full", {patterned("x", DType::U8, {1 << 16}, 0)}, {});
            QVERIFY(!full.ok());
            QVERIFY(QFile::exists("/dev/full"));
            QVERIFY(!writeSafetensorsIndex("/dev/full", {{"a", "b"}}, 1).ok());
        }
    }

    void checkpointSingleFile() {
        QTemporaryDir dir;
        QVERIFY(writeSafetensors(path(dir, "model.safetensors"),
                                 {patterned("a", DType::BF16, {4, 2}, 5), patterned("b", DType::F32, {3}, 6)}, {})
                    .ok());
        auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().text().c_str());
        QCOMPARE(ckpt->tensors().size(), std::size_t{2});
        QCOMPARE(ckpt->files().size(), std::size_t{1});
        QCOMPARE(ckpt->totalBytes(), std::uint64_t{16 + 12});
        const TensorInfo* a = ckpt->find("a");
        QVERIFY(a != nullptr);
        QCOMPARE(a->shape, (std::vector<std::int64_t>{4, 2}));
        QVERIFY(ckpt->find("nope") == nullptr);
        // Moving the checkpoint keeps the mapping (and data pointers) alive.
        SafetensorsCheckpoint moved = std::move(ckpt).value();
        QVERIFY(hasPattern(*moved.find("a"), 5));
        QVERIFY(hasPattern(*moved.find("b"), 6));
    }

    void checkpointResident() {
        QTemporaryDir dir;
        auto map = writeShards(dir);
        QVERIFY(writeSafetensorsIndex(path(dir, "model.safetensors.index.json"), map, 41).ok());
        std::uint64_t fileBytes = 0;
        for (const char* name : {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"})
            fileBytes += std::uint64_t(QFileInfo(dir.filePath(name)).size());

        auto optionsFor = [](WeightMemory memory) {
            CheckpointLoadOptions options;
            options.memory = memory;
            return options;
        };
        std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
        CheckpointLoadOptions options = optionsFor(WeightMemory::Resident);
        options.progress = [&](std::uint64_t done, std::uint64_t total) { calls.emplace_back(done, total); };
        auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString(), options);
        QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().text().c_str());
        QVERIFY(ckpt->resident());
        for (auto [name, pattern] : {std::pair{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}}) QVERIFY(hasPattern(*ckpt->find(name), pattern));
        QVERIFY(!calls.empty());
        QCOMPARE(calls.back(), std::make_pair(fileBytes, fileBytes));
        for (std::size_t i = 1; i < calls.size(); ++i) QVERIFY(calls[i].first > calls[i - 1].first);

        // A resident copy does not depend on the files any more: truncating them (which would make
        // a mapping fault with SIGBUS) leaves the tensors readable.
        for (const char* name : {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"})
            QVERIFY(QFile::resize(dir.filePath(name), 0));
        for (auto [name, pattern] : {std::pair{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}}) QVERIFY(hasPattern(*ckpt->find(name), pattern));

        // The default maps; Auto picks resident memory for a file this small.
        QTemporaryDir single;
        QVERIFY(writeSafetensors(path(single, "model.safetensors"), {patterned("a", DType::BF16, {4, 2}, 5)}, {}).ok());
        auto mapped = SafetensorsCheckpoint::open(single.path().toStdString());
        QVERIFY(mapped.ok() && !mapped->resident());
        auto automatic = SafetensorsCheckpoint::open(single.path().toStdString(), optionsFor(WeightMemory::Auto));
        QVERIFY(automatic.ok() && automatic->resident());
        QVERIFY(hasPattern(*automatic->find("a"), 5));

        // Cancelled before the first read.
        std::stop_source stop;
        stop.request_stop();
        CheckpointLoadOptions stopped = optionsFor(WeightMemory::Resident);
        stopped.stop = stop.get_token();
        auto cancelled = SafetensorsCheckpoint::open(single.path().toStdString(), stopped);
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);

        // A corrupt file gives the same validation error either way.
        QVERIFY(writeBytes(single.filePath("model.safetensors"), makeFile("{}", 3)));
        auto corrupt = SafetensorsCheckpoint::open(single.path().toStdString(), optionsFor(WeightMemory::Resident));
        QVERIFY(!corrupt.ok());
        QVERIFY(QString::fromStdString(corrupt.error().text()).contains("model.safetensors"));
    }

    void checkpointNotFound() {
        QTemporaryDir dir;
        auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY(!ckpt.ok());
        QCOMPARE(ckpt.error().code, ErrorCode::NotFound);
        const QString text = QString::fromStdString(ckpt.error().text());
        QVERIFY2(text.contains("model.safetensors.index.json") && text.contains("model.safetensors"), qPrintable(text));
    }

    void checkpointCorruptFile() {
        QTemporaryDir dir;
        QVERIFY(writeBytes(dir.filePath("model.safetensors"), makeFile("{}", 3)));
        auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY(!ckpt.ok());
        QVERIFY(QString::fromStdString(ckpt.error().text()).contains("model.safetensors"));
    }

    void checkpointSharded() {
        QTemporaryDir dir;
        auto map = writeShards(dir);
        QCOMPARE(map.size(), std::size_t{4});
        // A stray model.safetensors is ignored: the index wins.
        QVERIFY(writeBytes(dir.filePath("model.safetensors"), "garbage"));
        QVERIFY(writeSafetensorsIndex(path(dir, "model.safetensors.index.json"), map, 12 + 16 + 10 + 3).ok());
        const auto before = m_logSink->last_raw().size();

        auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().text().c_str());
        QCOMPARE(ckpt->tensors().size(), std::size_t{4});
        QCOMPARE(ckpt->files().size(), std::size_t{2});
        QCOMPARE(ckpt->totalBytes(), std::uint64_t{41});
        QVERIFY(hasPattern(*ckpt->find("a"), 1));
        QVERIFY(hasPattern(*ckpt->find("b"), 2));
        QVERIFY(hasPattern(*ckpt->find("c"), 3));
        QVERIFY(hasPattern(*ckpt->find("d"), 4));
        QVERIFY(QString::fromStdString(ckpt->find("c")->file).endsWith("model-00002-of-00002.safetensors"));
        QCOMPARE(m_logSink->last_raw().size(), before);  // total_size matched: no warning
    }

    void checkpointTotalSizeWarning() {
        QTemporaryDir dir;
        auto map = writeShards(dir);
        QVERIFY(writeSafetensorsIndex(path(dir, "model.safetensors.index.json"), map, 999).ok());
        const auto before = m_logSink->last_formatted().size();
        auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY(ckpt.ok());  // a mismatch only warns
        const auto lines = m_logSink->last_formatted();
        QCOMPARE(lines.size(), before + 1);
        QVERIFY2(QString::fromStdString(lines.back()).contains("999"), lines.back().c_str());
    }

    void checkpointShardedErrors_data() {
        QTest::addColumn<QString>("mutation");
        QTest::addColumn<QString>("error");
        QTest::addColumn<int>("code");
        QTest::newRow("missing shard") << "missing shard" << "model-00003-of-00003.safetensors\" named by the index does not exist"
                                       << int(ErrorCode::NotFound);
        QTest::newRow("missing tensor") << "missing tensor" << "tensor \"e\": listed in the weight_map but missing"
                                        << int(ErrorCode::Corrupt);
        QTest::newRow("wrong shard") << "wrong shard" << "tensor \"c\": found in shard \"model-00002-of-00002.safetensors\" "
                                                         "but the weight_map assigns it to \"model-00001-of-00002.safetensors\""
                                     << int(ErrorCode::Corrupt);
        QTest::newRow("unmapped tensor") << "unmapped tensor" << "tensor \"c\": found in shard" << int(ErrorCode::Corrupt);
        QTest::newRow("duplicate across shards") << "duplicate" << "tensor \"c\": present in both shard"
                                                 << int(ErrorCode::Corrupt);
        QTest::newRow("bad index JSON") << "bad json" << "not valid JSON" << int(ErrorCode::Corrupt);
        QTest::newRow("shard outside folder") << "path" << "not a plain file name" << int(ErrorCode::Corrupt);
        QTest::newRow("corrupt shard") << "corrupt shard" << "trailing bytes" << int(ErrorCode::Corrupt);
    }

    void checkpointShardedErrors() {
        QFETCH(QString, mutation);
        QFETCH(QString, error);
        QFETCH(int, code);
        QTemporaryDir dir;
        auto map = writeShards(dir);
        QCOMPARE(map.size(), std::size_t{4});
        const char* s1 = "model-00001-of-00002.safetensors";
        const std::string indexPath = path(dir, "model.safetensors.index.json");
        if (mutation == "missing shard") map["e"] = "model-00003-of-00003.safetensors";
        if (mutation == "missing tensor") map["e"] = s1;
        if (mutation == "wrong shard") map["c"] = s1;
        if (mutation == "unmapped tensor") map.erase("c");
        if (mutation == "path") map["c"] = "../model-00002-of-00002.safetensors";
        if (mutation == "duplicate") {
            QVERIFY(writeSafetensors(path(dir, s1), {patterned("a", DType::BF16, {2, 3}, 1),
                                                     patterned("b", DType::F32, {4}, 2), patterned("c", DType::BF16, {5}, 3)},
                                     {})
                        .ok());
        }
        if (mutation == "corrupt shard") {
            QFile f(dir.filePath(QString::fromLatin1(s1)));
            QVERIFY(f.open(QIODevice::Append));
            f.write("x");
        }
        QVERIFY(writeSafetensorsIndex(indexPath, map, 41).ok());
        if (mutation == "bad json") QVERIFY(writeBytes(QString::fromStdString(indexPath), "{\"weight_map\": {\"a\": "));

        auto ckpt = SafetensorsCheckpoint::open(dir.path().toStdString());
        QVERIFY2(!ckpt.ok(), "broken sharded checkpoint was accepted");
        const QString text = QString::fromStdString(ckpt.error().text());
        QVERIFY2(text.contains(error), qPrintable(text));
        QCOMPARE(int(ckpt.error().code), code);
    }

    // shared/testdata/golden/tiny-tied/model.safetensors: 2 layers x 11 tensors + embed + final norm, all BF16.
    void goldenTinyTied() {
        const QString folder = qe::test::testdataPath("golden/tiny-tied");
        if (!QFile::exists(folder + "/model.safetensors")) QFAIL("golden checkpoint missing from shared/testdata");
        auto ckpt = SafetensorsCheckpoint::open(folder.toStdString());
        QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().text().c_str());
        QCOMPARE(ckpt->tensors().size(), std::size_t{2 * 11 + 2});
        for (const auto& t : ckpt->tensors()) QVERIFY2(t.dtype == DType::BF16, t.name.c_str());
        const TensorInfo* embed = ckpt->find("model.embed_tokens.weight");
        QVERIFY(embed != nullptr);
        QCOMPARE(embed->shape, (std::vector<std::int64_t>{151936, 64}));
        QCOMPARE(embed->byteSize(), std::uint64_t{151936} * 64 * 2);
        QVERIFY(ckpt->find("model.norm.weight") != nullptr);
        QVERIFY(ckpt->find("model.layers.1.self_attn.k_norm.weight") != nullptr);
        QVERIFY(ckpt->find("lm_head.weight") == nullptr);  // tied
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
