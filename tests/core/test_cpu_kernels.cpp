// Tests for core/cpu (qe_cpu_kernels). Every expected value comes from a definition written here:
// bf16 = upper half of an fp32, f16 decoded from the IEEE 754 binary16 fields with ldexp,
// rounding judged by comparing distances in double, matmul/dot/axpy by double-precision loops.
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <future>
#include <thread>
#include <tuple>
#include <vector>

#include "core/cpu/cpu_kernels.h"

using namespace qe::cpu;

namespace {

std::uint32_t bitsOf(float f) { std::uint32_t u; std::memcpy(&u, &f, 4); return u; }
float floatOf(std::uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

// IEEE binary16: (-1)^s * 2^(e-15) * (1 + m/1024), subnormal 2^-14 * m/1024. With `unbounded`,
// exponent 31 is read as an ordinary exponent (the "next value" past 65504 is 65536).
double refF16(std::uint16_t h, bool unbounded = false) {
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    const int e = (h >> 10) & 31, m = h & 1023;
    if (e == 31 && !unbounded) return m ? std::nan("") : sign * INFINITY;
    if (e == 0) return sign * std::ldexp(double(m), -24);
    return sign * std::ldexp(double(1024 + m), e - 25);
}

// bfloat16 as the upper 16 bits of binary32 with the exponent unbounded (0x7f80 -> 2^128).
double refBf16(std::uint16_t h) {
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    const int e = (h >> 7) & 255, m = h & 127;
    if (e == 0) return sign * std::ldexp(double(m), -133);
    return sign * std::ldexp(double(128 + m), e - 134);
}

// Round-to-nearest-even choice between the neighbours lo (truncated) and lo+1, by distance.
std::uint16_t nearestEven(double v, std::uint16_t lo, double a, double b) {
    const double da = std::fabs(v - a), db = std::fabs(b - v);
    if (da < db) return lo;
    if (db < da) return std::uint16_t(lo + 1);
    return (lo & 1) ? std::uint16_t(lo + 1) : lo;
}

bool isF16Nan(std::uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); }
// Widening keeps a NaN's sign and payload and sets the quiet bit (IEEE 754 §6.2, as F16C does).
std::uint32_t f16NanBits(std::uint16_t h) { return (h & 0x8000u) << 16 | 0x7fc00000u | (h & 0x3ffu) << 13; }
bool isBf16Nan(std::uint16_t h) { return (h & 0x7f80) == 0x7f80 && (h & 0x7f); }

struct IsaGuard {  // restores the detected level when a test ends
    ~IsaGuard() { setIsa(detectedIsa()); }
};

std::vector<Isa> isaLevels() {
    std::vector<Isa> levels{Isa::Scalar};
    if (detectedIsa() >= Isa::Avx2) levels.push_back(Isa::Avx2);
    if (detectedIsa() >= Isa::Avx512) levels.push_back(Isa::Avx512);
    return levels;
}

const char* typeName(WeightType t) { return t == WeightType::F32 ? "f32" : t == WeightType::BF16 ? "bf16" : "f16"; }

// A weight matrix stored at a chosen byte offset (to test unaligned mmapped data), with the
// double value of each element decoded by the reference definitions above.
struct TestMatrix {
    std::vector<unsigned char> bytes;
    std::vector<double> values;  // [rows, cols]
    MatrixView view;
};

TestMatrix makeMatrix(WeightType type, std::int64_t rows, std::int64_t cols, std::size_t offset, std::mt19937& rng) {
    TestMatrix m;
    const std::size_t elem = type == WeightType::F32 ? 4 : 2;
    m.bytes.assign(offset + std::size_t(rows * cols) * elem + 1, 0);
    m.values.resize(std::size_t(rows * cols));
    unsigned char* base = m.bytes.data() + offset;
    std::uniform_int_distribution<int> bit(0, 1), bf16Exp(120, 128), f16Exp(0, 16), mant(0, 1023);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    for (std::size_t i = 0; i < m.values.size(); ++i) {
        if (type == WeightType::F32) {
            const float f = uni(rng);
            std::memcpy(base + 4 * i, &f, 4);
            m.values[i] = f;
        } else {
            // Random bit patterns in a sane range (f16 includes subnormals).
            const std::uint16_t h = type == WeightType::BF16
                ? std::uint16_t(bit(rng) << 15 | bf16Exp(rng) << 7 | (mant(rng) & 127))
                : std::uint16_t(bit(rng) << 15 | f16Exp(rng) << 10 | mant(rng));
            std::memcpy(base + 2 * i, &h, 2);
            m.values[i] = type == WeightType::BF16 ? refBf16(h) : refF16(h);
        }
    }
    m.view = MatrixView{.data = base, .type = type, .rows = rows, .cols = cols};
    return m;
}

std::vector<float> randomFloats(std::size_t n, std::mt19937& rng) {
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& f : v) f = uni(rng);
    return v;
}

constexpr std::uint32_t kSentinel = 0x7fc01234u;  // NaN marking padding that must stay untouched

// Checks y [numTokens, rows] (row stride ldy) against the double reference with the fp32 bound
// |err| <= 1e-4 * sum|x*w| + 1e-6, and that the padding columns kept the sentinel.
void checkProduct(const TestMatrix& m, const std::vector<float>& x, std::int64_t numTokens, std::int64_t ldx,
                  const std::vector<float>& y, std::int64_t ldy) {
    const std::int64_t rows = m.view.rows, cols = m.view.cols;
    for (std::int64_t t = 0; t < numTokens; ++t) {
        for (std::int64_t o = 0; o < rows; ++o) {
            double ref = 0, mag = 0;
            for (std::int64_t k = 0; k < cols; ++k) {
                const double p = double(x[std::size_t(t * ldx + k)]) * m.values[std::size_t(o * cols + k)];
                ref += p;
                mag += std::fabs(p);
            }
            const double got = y[std::size_t(t * ldy + o)];
            if (!(std::fabs(got - ref) <= 1e-4 * mag + 1e-6))
                QFAIL(qPrintable(QStringLiteral("y[%1, %2] = %3, reference %4 (sum|xw| %5)")
                                     .arg(t).arg(o).arg(got, 0, 'g', 9).arg(ref, 0, 'g', 9).arg(mag)));
        }
        for (std::int64_t o = rows; o < ldy && t + 1 < numTokens; ++o)
            QCOMPARE(bitsOf(y[std::size_t(t * ldy + o)]), kSentinel);
    }
}

}  // namespace

class TestCpuKernels : public QObject {
    Q_OBJECT

private slots:
    void isaSelection();
    void bf16ToFloatAllPatterns();
    void f16ToFloatAllPatterns();
    void floatToBf16RoundTripAndNan();
    void floatToBf16RoundsToNearestEven();
    void floatToF16RoundTripAndNan();
    void floatToF16RoundsToNearestEven();
    void rowToFloatAllPatternsUnaligned();
    void dotAndAxpy();
    void threadPoolCoversEveryIndexOnce();
    void threadPoolSleepAndWake();
    void threadPoolShutdownRace();
    void threadPoolRethrowsAndStaysUsable();
    void matmulMatchesReference_data();
    void matmulMatchesReference();
    void fusedEqualsSeparate();
    void resultIndependentOfThreadCount();
    void avx512GemmEqualsAvx2();
    void amxGemmMatchesBf16Reference();
    void bf16PrecisionElsewhereIsF32();
    void amxAttentionMatchesBf16Reference();
    void expAndSumFastIsAccurate();
    void attentionLoopsEqualDotAndAxpy();
    void expFloatIsAccurate();
    void softmaxPassesEqualScalarLoops();
    void elementwiseStepsEqualTheirDefinitions();
    void floatsToBf16EqualsScalar();
    void emptyCallsAreNoOps();
};

void TestCpuKernels::isaSelection() {
    IsaGuard guard;
    setIsa(Isa::Scalar);
    QCOMPARE(activeIsa(), Isa::Scalar);
    setIsa(Isa::Avx512);
    QCOMPARE(activeIsa(), detectedIsa());  // clamped to what the CPU supports
    setIsa(Isa::Avx2);
    QCOMPARE(activeIsa(), std::min(Isa::Avx2, detectedIsa()));
    qInfo("detected: %s", isaName(detectedIsa()));
    QVERIFY(std::strlen(isaName(detectedIsa())) > 0);
}

void TestCpuKernels::bf16ToFloatAllPatterns() {
    for (std::uint32_t v = 0; v < 65536; ++v) QCOMPARE(bitsOf(bf16ToFloat(std::uint16_t(v))), v << 16);
}

void TestCpuKernels::f16ToFloatAllPatterns() {
    for (std::uint32_t v = 0; v < 65536; ++v) {
        const auto h = std::uint16_t(v);
        const float got = f16ToFloat(h);
        if (isF16Nan(h)) {  // NaN: sign and payload carried into the top mantissa bits, quieted
            QVERIFY(std::isnan(got));
            QCOMPARE(bitsOf(got), f16NanBits(h));
            continue;
        }
        QCOMPARE(double(got), refF16(h));
        QCOMPARE(std::signbit(got), bool(v & 0x8000u));  // also tells -0 from +0
    }
}

void TestCpuKernels::floatToBf16RoundTripAndNan() {
    for (std::uint32_t v = 0; v < 65536; ++v) {
        const auto h = std::uint16_t(v);
        const std::uint16_t back = floatToBf16(bf16ToFloat(h));
        if (isBf16Nan(h)) {
            QVERIFY(isBf16Nan(back));
            QCOMPARE(back & 0x8000, h & 0x8000);
        } else {
            QCOMPARE(back, h);
        }
    }
    // A NaN whose payload lives only in the low 16 bits must not become infinity.
    QVERIFY(isBf16Nan(floatToBf16(floatOf(0x7f800001u))));
    QVERIFY(isBf16Nan(floatToBf16(floatOf(0xff800001u))));
}

void TestCpuKernels::floatToBf16RoundsToNearestEven() {
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::uint32_t> low(1, 0xffff);
    auto check = [](std::uint32_t bits) {
        const float f = floatOf(bits);
        if (std::isnan(f)) return;
        const auto lo = std::uint16_t(bits >> 16);  // truncation = neighbour toward zero
        const std::uint16_t expected = nearestEven(f, lo, refBf16(lo), refBf16(std::uint16_t(lo + 1)));
        if (floatToBf16(f) != expected)
            QFAIL(qPrintable(QStringLiteral("floatToBf16(0x%1) = 0x%2, expected 0x%3")
                                 .arg(bits, 8, 16, QChar('0')).arg(floatToBf16(f), 4, 16, QChar('0'))
                                 .arg(expected, 4, 16, QChar('0'))));
    };
    for (std::uint32_t hi = 0; hi < 65536; ++hi) {
        if ((hi & 0x7fff) >= 0x7f80) continue;  // inf/NaN upper halves
        const std::uint32_t base = hi << 16;
        for (std::uint32_t l : {0x0000u, 0x0001u, 0x7fffu, 0x8000u, 0x8001u, 0xffffu, low(rng)}) check(base | l);
        if (QTest::currentTestFailed()) return;
    }
}

void TestCpuKernels::floatToF16RoundTripAndNan() {
    for (std::uint32_t v = 0; v < 65536; ++v) {
        const auto h = std::uint16_t(v);
        const std::uint16_t back = floatToF16(f16ToFloat(h));
        if (isF16Nan(h)) {
            QVERIFY(isF16Nan(back));
            QCOMPARE(back & 0x8000, h & 0x8000);
        } else {
            QCOMPARE(back, h);
        }
    }
    QVERIFY(isF16Nan(floatToF16(floatOf(0x7f800001u))));  // payload below f16 precision
    QCOMPARE(floatToF16(1e30f), std::uint16_t(0x7c00));
    QCOMPARE(floatToF16(-1e30f), std::uint16_t(0xfc00));
    QCOMPARE(floatToF16(floatOf(0x00000001u)), std::uint16_t(0));  // fp32 subnormal -> +0
    QCOMPARE(floatToF16(floatOf(0x80400000u)), std::uint16_t(0x8000));
}

// Exhaustive on the rounding boundaries: for every pair of adjacent non-negative f16 values
// (including 65504 -> "65536" = inf), the exact midpoint ties to even and one fp32 ulp either side
// rounds to the nearer neighbour; the same for the negative values.
void TestCpuKernels::floatToF16RoundsToNearestEven() {
    for (std::uint16_t h = 0; h <= 0x7bff; ++h) {
        const double a = refF16(h), b = refF16(std::uint16_t(h + 1), true);
        const auto mid = float((a + b) / 2);
        QCOMPARE(double(mid), (a + b) / 2);  // exactly representable
        for (std::uint16_t sign : {std::uint16_t(0), std::uint16_t(0x8000)}) {
            const float s = sign ? -1.0f : 1.0f;
            const std::uint16_t even = (h & 1) ? std::uint16_t(h + 1) : h;
            QCOMPARE(floatToF16(s * float(a)), std::uint16_t(sign | h));
            QCOMPARE(floatToF16(s * mid), std::uint16_t(sign | even));
            QCOMPARE(floatToF16(s * std::nextafter(mid, 0.0f)), std::uint16_t(sign | h));
            QCOMPARE(floatToF16(s * std::nextafter(mid, INFINITY)), std::uint16_t(sign | (h + 1)));
        }
    }
}

void TestCpuKernels::rowToFloatAllPatternsUnaligned() {
    IsaGuard guard;
    // Three rows of 21845 patterns cover 0..65534; the matrix starts one byte past alignment.
    const std::int64_t rows = 3, cols = 21845;
    std::vector<unsigned char> bytes(1 + rows * cols * 4);
    for (WeightType type : {WeightType::BF16, WeightType::F16, WeightType::F32}) {
        for (std::int64_t i = 0; i < rows * cols; ++i) {
            if (type == WeightType::F32) {
                const float f = float(i) * 0.37f - 7.0f;
                std::memcpy(bytes.data() + 1 + 4 * i, &f, 4);
            } else {
                const auto h = std::uint16_t(i);
                std::memcpy(bytes.data() + 1 + 2 * i, &h, 2);
            }
        }
        const MatrixView w{.data = bytes.data() + 1, .type = type, .rows = rows, .cols = cols};
        for (Isa isa : isaLevels()) {
            setIsa(isa);
            std::vector<float> out(std::size_t(cols) + 1, floatOf(kSentinel));
            for (std::int64_t row = 0; row < rows; ++row) {
                rowToFloat(w, row, out.data());
                for (std::int64_t k = 0; k < cols; ++k) {
                    const std::int64_t i = row * cols + k;
                    const auto h = std::uint16_t(i);
                    const std::uint32_t expected = type == WeightType::BF16 ? std::uint32_t(h) << 16
                        : type == WeightType::F16 ? (isF16Nan(h) ? f16NanBits(h) : bitsOf(float(refF16(h))))
                                                  : bitsOf(float(i) * 0.37f - 7.0f);
                    if (bitsOf(out[std::size_t(k)]) != expected)
                        QFAIL(qPrintable(QStringLiteral("%1 %2 element %3").arg(typeName(type), isaName(isa)).arg(i)));
                }
                QCOMPARE(bitsOf(out[std::size_t(cols)]), kSentinel);
            }
        }
    }
}

void TestCpuKernels::dotAndAxpy() {
    IsaGuard guard;
    std::mt19937 rng(11);
    for (Isa isa : isaLevels()) {
        setIsa(isa);
        for (std::int64_t n : {0, 1, 7, 8, 9, 15, 16, 17, 31, 100, 1023}) {
            // Offset by one float so the vector path sees unaligned data.
            std::vector<float> a = randomFloats(std::size_t(n) + 1, rng), b = randomFloats(std::size_t(n) + 1, rng);
            double ref = 0, mag = 0;
            for (std::int64_t i = 0; i < n; ++i) {
                ref += double(a[std::size_t(i) + 1]) * b[std::size_t(i) + 1];
                mag += std::fabs(double(a[std::size_t(i) + 1]) * b[std::size_t(i) + 1]);
            }
            QVERIFY(std::fabs(dot(a.data() + 1, b.data() + 1, n) - ref) <= 1e-5 * mag + 1e-7);

            std::vector<float> y = randomFloats(std::size_t(n) + 2, rng);
            const std::vector<float> y0 = y;
            y.back() = floatOf(kSentinel);
            axpy(0.625f, a.data() + 1, y.data() + 1, n);
            for (std::int64_t i = 0; i < n; ++i) {
                const double expected = double(y0[std::size_t(i) + 1]) + 0.625 * a[std::size_t(i) + 1];
                QVERIFY(std::fabs(y[std::size_t(i) + 1] - expected) <= 1e-6 * (std::fabs(expected) + 1));
            }
            QCOMPARE(y[0], y0[0]);
            QCOMPARE(bitsOf(y.back()), kSentinel);
        }
    }
}

void TestCpuKernels::threadPoolCoversEveryIndexOnce() {
    for (int threads = 1; threads <= 4; ++threads) {
        ThreadPool pool(threads);
        QCOMPARE(pool.size(), threads);
        for (std::int64_t n : {0, 1, 2, 3, 7, 64, 1000, 100003}) {
            for (std::int64_t grain : {0, 1, 3, 16, 1000}) {
                std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
                std::atomic<int> badWorker{0}, smallChunk{0};
                for (auto& h : hits) h.store(0);
                pool.parallelFor(n, grain, [&](std::int64_t begin, std::int64_t end, int worker) {
                    if (worker < 0 || worker >= threads) badWorker.fetch_add(1);
                    if (end - begin < grain && end != n) smallChunk.fetch_add(1);  // only the last may be short
                    for (std::int64_t i = begin; i < end; ++i) hits[std::size_t(i)].fetch_add(1);
                });
                QCOMPARE(badWorker.load(), 0);
                QCOMPARE(smallChunk.load(), 0);
                for (std::int64_t i = 0; i < n; ++i)
                    if (hits[std::size_t(i)].load() != 1)
                        QFAIL(qPrintable(QStringLiteral("threads %1 n %2 grain %3: index %4 hit %5 times")
                                             .arg(threads).arg(n).arg(grain).arg(i).arg(hits[std::size_t(i)].load())));
            }
        }
        // Many back-to-back calls (the decode pattern), each with a visible side effect.
        std::vector<std::int64_t> sums(4, 0);
        std::int64_t total = 0;
        for (int call = 0; call < 3000; ++call) {
            std::atomic<std::int64_t> sum{0};
            pool.parallelFor(37, 1, [&](std::int64_t begin, std::int64_t end, int) {
                for (std::int64_t i = begin; i < end; ++i) sum.fetch_add(i + call);
            });
            total += sum.load() - (36 * 37 / 2 + 37 * std::int64_t(call));
        }
        QCOMPARE(total, std::int64_t(0));
    }
}

// Gaps longer than the spin time put the workers to sleep; every call must still complete and
// use the pool (workers other than 0 take part in at least some calls).
void TestCpuKernels::threadPoolSleepAndWake() {
    ThreadPool pool(3);
    std::atomic<int> otherWorkers{0};
    for (int call = 0; call < 40; ++call) {
        std::this_thread::sleep_for(std::chrono::microseconds(call % 2 ? 2000 : 20));
        std::vector<std::atomic<int>> hits(300);
        for (auto& h : hits) h.store(0);
        pool.parallelFor(300, 1, [&](std::int64_t begin, std::int64_t end, int worker) {
            if (worker != 0) otherWorkers.fetch_add(1);
            std::this_thread::sleep_for(std::chrono::microseconds(20));  // long enough for others to join
            for (std::int64_t i = begin; i < end; ++i) hits[std::size_t(i)].fetch_add(1);
        });
        for (auto& h : hits) QCOMPARE(h.load(), 1);
    }
    QVERIFY(otherWorkers.load() > 0);
}

// A chunk that throws (the AMX kernels' per-thread scratch can throw std::bad_alloc inside a chunk)
// must reach the caller as that exception, on whichever worker it was thrown, and leave the pool
// working for the next call.
void TestCpuKernels::threadPoolRethrowsAndStaysUsable() {
    for (int threads = 1; threads <= 4; ++threads) {
        ThreadPool pool(threads);
        for (int round = 0; round < 50; ++round) {
            const std::int64_t bad = (round * 37) % 200;  // the index whose chunk throws
            std::atomic<int> started{0};
            bool caught = false;
            try {
                pool.parallelFor(200, 1, [&](std::int64_t begin, std::int64_t end, int) {
                    started.fetch_add(1);
                    if (begin <= bad && bad < end) throw std::length_error("chunk " + std::to_string(bad));
                    std::this_thread::sleep_for(std::chrono::microseconds(5));
                });
            } catch (const std::length_error& e) {
                caught = true;
                QCOMPARE(QString::fromStdString(e.what()), QStringLiteral("chunk %1").arg(bad));
            }
            QVERIFY2(caught, qPrintable(QStringLiteral("threads %1 round %2: no exception").arg(threads).arg(round)));
            if (threads == 1) QCOMPARE(started.load(), 1);  // one call over everything
            std::atomic<std::int64_t> covered{0};
            pool.parallelFor(1000, 1, [&](std::int64_t begin, std::int64_t end, int) { covered += end - begin; });
            QCOMPARE(covered.load(), std::int64_t(1000));
        }
        // Two chunks throwing at once: exactly one exception reaches the caller.
        int caught = 0;
        try {
            pool.parallelFor(2 * threads, 1, [&](std::int64_t, std::int64_t, int) { throw std::runtime_error("each"); });
        } catch (const std::runtime_error&) {
            ++caught;
        }
        QCOMPARE(caught, 1);
    }
}

// Destroying a pool right after a job, while a worker is still between waking and checking for
// shutdown (widened here with the test hook), must not leave that worker asleep: CI once hung in
// ~ThreadPool when a worker took the shutdown's job id as an ordinary job. The cycles run on
// their own thread so a hang fails this test instead of tripping the watchdog.
void TestCpuKernels::threadPoolShutdownRace() {
    struct HookGuard {
        ~HookGuard() { ThreadPool::setWakeDelayForTesting(0); }
    } hookGuard;
    ThreadPool::setWakeDelayForTesting(300);
    std::promise<int> finished;
    auto result = finished.get_future();
    std::thread cycles([&finished] {
        int total = 0;
        for (int cycle = 0; cycle < 200; ++cycle) {
            ThreadPool pool(2 + cycle % 3);
            std::atomic<int> covered{0};
            for (int call = 0; call < cycle % 3; ++call)
                pool.parallelFor(64, 1, [&](std::int64_t begin, std::int64_t end, int) { covered += int(end - begin); });
            total += covered.load() - 64 * (cycle % 3);
        }
        finished.set_value(total);
    });
    if (result.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
        cycles.detach();  // hung in ~ThreadPool; the process ends with the failure
        QFAIL("a ThreadPool did not shut down within 60 s");
    }
    cycles.join();
    QCOMPARE(result.get(), 0);
}

void TestCpuKernels::matmulMatchesReference_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("isa");
    QTest::addColumn<qint64>("numTokens");
    QTest::addColumn<qint64>("rows");
    QTest::addColumn<qint64>("cols");
    QTest::addColumn<int>("offset");
    const std::pair<qint64, qint64> shapes[] = {{1, 1}, {3, 5}, {17, 33}, {40, 1000}, {100, 17}, {33, 257}, {16, 8}, {47, 300}};
    for (WeightType type : {WeightType::F32, WeightType::BF16, WeightType::F16}) {
        for (Isa isa : isaLevels()) {
            for (qint64 numTokens : {1, 2, 3, 4, 5, 6, 7, 17, 64, 130}) {
                int shapeIndex = 0;
                for (auto [rows, cols] : shapes) {
                    const int offset = shapeIndex++ % 2;  // odd byte address every other shape
                    QTest::addRow("%s/%s/T%lld/%lldx%lld/+%d", typeName(type), isaName(isa), numTokens, rows, cols, offset)
                        << int(type) << int(isa) << numTokens << rows << cols << offset;
                }
            }
        }
    }
}

void TestCpuKernels::matmulMatchesReference() {
    QFETCH(int, type);
    QFETCH(int, isa);
    QFETCH(qint64, numTokens);
    QFETCH(qint64, rows);
    QFETCH(qint64, cols);
    QFETCH(int, offset);
    IsaGuard guard;
    setIsa(Isa(isa));
    std::mt19937 rng(std::uint32_t(rows * 1000 + cols + numTokens));
    const TestMatrix m = makeMatrix(WeightType(type), rows, cols, std::size_t(offset), rng);
    const std::int64_t ldx = cols + 3, ldy = rows + 5;  // padded rows on both sides
    const std::vector<float> x = randomFloats(std::size_t(numTokens * ldx), rng);
    std::vector<float> y(std::size_t(numTokens * ldy), floatOf(kSentinel));
    ThreadPool pool(3);
    matmul(pool, x.data(), numTokens, ldx, m.view, y.data(), ldy);
    checkProduct(m, x, numTokens, ldx, y, ldy);
}

// q/k/v-style fused call (mixed dtypes and row counts) equals three separate calls bit for bit.
void TestCpuKernels::fusedEqualsSeparate() {
    IsaGuard guard;
    std::mt19937 rng(5);
    const std::int64_t cols = 77;
    const TestMatrix q = makeMatrix(WeightType::BF16, 40, cols, 1, rng);
    const TestMatrix k = makeMatrix(WeightType::F16, 17, cols, 0, rng);
    const TestMatrix v = makeMatrix(WeightType::F32, 33, cols, 2, rng);
    ThreadPool pool(2);
    for (Isa isa : isaLevels()) {
        setIsa(isa);
        for (std::int64_t numTokens : {1, 3, 9, 31}) {
            const std::vector<float> x = randomFloats(std::size_t(numTokens * cols), rng);
            std::vector<float> fused[3], separate[3];
            const TestMatrix* mats[3] = {&q, &k, &v};
            MatmulOut outs[3];
            for (int i = 0; i < 3; ++i) {
                fused[i].assign(std::size_t(numTokens * mats[i]->view.rows), 0.0f);
                separate[i].assign(fused[i].size(), 1.0f);
                outs[i] = MatmulOut{.w = mats[i]->view, .y = fused[i].data(), .ldy = mats[i]->view.rows};
                matmul(pool, x.data(), numTokens, cols, mats[i]->view, separate[i].data(), mats[i]->view.rows);
            }
            matmul(pool, x.data(), numTokens, cols, outs);
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(std::memcmp(fused[i].data(), separate[i].data(), fused[i].size() * 4), 0);
                checkProduct(*mats[i], x, numTokens, cols, fused[i], mats[i]->view.rows);
            }
        }
    }
}

void TestCpuKernels::resultIndependentOfThreadCount() {
    IsaGuard guard;
    std::mt19937 rng(9);
    const TestMatrix m = makeMatrix(WeightType::BF16, 301, 129, 1, rng);
    for (Isa isa : isaLevels()) {
        setIsa(isa);
        for (std::int64_t numTokens : {1, 4, 23}) {
            const std::vector<float> x = randomFloats(std::size_t(numTokens * 129), rng);
            std::vector<float> first;
            for (int threads = 1; threads <= 4; ++threads) {
                ThreadPool pool(threads);
                std::vector<float> y(std::size_t(numTokens * 301));
                matmul(pool, x.data(), numTokens, 129, m.view, y.data(), 301);
                if (threads == 1) first = y;
                QCOMPARE(std::memcmp(first.data(), y.data(), y.size() * 4), 0);
            }
        }
    }
}

// The AVX-512 GEMM runs the AVX2 GEMM's arithmetic on wider tiles (kernels_avx512.cpp): the same
// bits for every dtype, row count (32- and 16-row panels, partial ones), token count (tiles of 12,
// blocks of 192) and K (several K blocks), whatever rows each thread gets.
void TestCpuKernels::avx512GemmEqualsAvx2() {
    if (detectedIsa() < Isa::Avx512) QSKIP("this CPU has no AVX-512F");
    IsaGuard guard;
    std::mt19937 rng(21);
    const std::tuple<qint64, qint64, qint64> shapes[] = {{17, 16, 33}, {31, 47, 300}, {200, 97, 700}, {64, 128, 256},
                                                         {130, 33, 513}, {23, 1, 5}};
    for (WeightType type : {WeightType::F32, WeightType::BF16, WeightType::F16}) {
        for (auto [numTokens, rows, cols] : shapes) {
            const TestMatrix m = makeMatrix(type, rows, cols, 1, rng);
            const std::int64_t ldx = cols + 1, ldy = rows + 3;
            const std::vector<float> x = randomFloats(std::size_t(numTokens * ldx), rng);
            for (int threads : {1, 3}) {
                ThreadPool pool(threads);
                std::vector<float> wide(std::size_t(numTokens * ldy), floatOf(kSentinel)), narrow = wide;
                setIsa(Isa::Avx512);
                matmul(pool, x.data(), numTokens, ldx, m.view, wide.data(), ldy);
                setIsa(Isa::Avx2);
                matmul(pool, x.data(), numTokens, ldx, m.view, narrow.data(), ldy);
                if (std::memcmp(wide.data(), narrow.data(), wide.size() * 4) != 0)
                    QFAIL(qPrintable(QStringLiteral("%1 T%2 %3x%4, %5 threads: AVX-512 differs from AVX2")
                                         .arg(typeName(type)).arg(numTokens).arg(rows).arg(cols).arg(threads)));
                checkProduct(m, x, numTokens, ldx, wide, ldy);
            }
        }
    }
}

// GemmPrecision::Bf16 on AMX: y = bf16(x) w, with the activations rounded to nearest even and the
// products summed in fp32, for token counts with partial 16-token tiles and odd pairs of them,
// row counts with partial 16- and 32-row blocks, K with and without a partial 32-column block,
// unaligned weights, padded rows, any thread count (the same bits). The result must be far closer
// to the rounded reference than to the fp32 one: that shows the rounding happened (not a silent
// fp32 GEMM).
void TestCpuKernels::amxGemmMatchesBf16Reference() {
    if (!amxAvailable()) QSKIP("this CPU (or kernel) gives no AMX-BF16");
    std::mt19937 rng(33);
    const std::tuple<qint64, qint64, qint64> shapes[] = {{17, 16, 32},  {31, 47, 300},  {200, 97, 1024}, {64, 128, 256},
                                                         {130, 33, 513}, {23, 1, 5},     {47, 300, 64},   {33, 17, 31},
                                                         {48, 64, 3072},
                                                         // 32-row weight blocks and 2-tile token blocks
                                                         // (512 KiB each at K = 8192), the last ones short
                                                         {100, 150, 8192}};
    for (auto [numTokens, rows, cols] : shapes) {
        TestMatrix m = makeMatrix(WeightType::BF16, rows, cols, 1, rng);
        const std::int64_t ldx = cols + 1, ldy = rows + 3;
        const std::vector<float> x = randomFloats(std::size_t(numTokens * ldx), rng);
        std::vector<float> first;
        for (int threads : {1, 3}) {
            ThreadPool pool(threads);
            std::vector<float> y(std::size_t(numTokens * ldy), floatOf(kSentinel));
            matmul(pool, x.data(), numTokens, ldx, m.view, y.data(), ldy, GemmPrecision::Bf16);
            if (threads == 1) first = y;
            QCOMPARE(std::memcmp(first.data(), y.data(), y.size() * 4), 0);
        }
        double errRounded = 0, errExact = 0;
        for (std::int64_t t = 0; t < numTokens; ++t) {
            for (std::int64_t o = 0; o < rows; ++o) {
                double rounded = 0, exact = 0, mag = 0;
                for (std::int64_t k = 0; k < cols; ++k) {
                    const float xv = x[std::size_t(t * ldx + k)];
                    const double w = m.values[std::size_t(o * cols + k)];
                    rounded += refBf16(floatToBf16(xv)) * w;
                    exact += double(xv) * w;
                    mag += std::fabs(double(xv) * w);
                }
                const double got = first[std::size_t(t * ldy + o)];
                if (!(std::fabs(got - rounded) <= 2e-6 * mag + 1e-7))
                    QFAIL(qPrintable(QStringLiteral("T%1 %2x%3: y[%4, %5] = %6, bf16 reference %7 (sum|xw| %8)")
                                         .arg(numTokens).arg(rows).arg(cols).arg(t).arg(o).arg(got, 0, 'g', 9)
                                         .arg(rounded, 0, 'g', 9).arg(mag)));
                errRounded += (got - rounded) * (got - rounded);
                errExact += (got - exact) * (got - exact);
            }
            for (std::int64_t o = rows; o < ldy && t + 1 < numTokens; ++o)
                QCOMPARE(bitsOf(first[std::size_t(t * ldy + o)]), kSentinel);
        }
        if (!(errRounded < 0.01 * errExact))
            QFAIL(qPrintable(QStringLiteral("T%1 %2x%3: squared error %4 against the bf16 reference, %5 against fp32")
                                 .arg(numTokens).arg(rows).arg(cols).arg(errRounded).arg(errExact)));
    }
}

// Bf16 precision changes nothing where it does not apply: f32 and f16 weights, 16 tokens or fewer
// (decode's matrix-vector products), an ISA below AVX-512; a fused call mixing a bf16 product with
// an f16 one gives the f16 product the fp32 GEMM's bits.
void TestCpuKernels::bf16PrecisionElsewhereIsF32() {
    IsaGuard guard;
    std::mt19937 rng(34);
    ThreadPool pool(2);
    const std::int64_t cols = 96;
    const TestMatrix bf = makeMatrix(WeightType::BF16, 40, cols, 0, rng);
    const TestMatrix half = makeMatrix(WeightType::F16, 24, cols, 1, rng);
    const TestMatrix single = makeMatrix(WeightType::F32, 24, cols, 2, rng);
    auto same = [&](const TestMatrix& m, std::int64_t numTokens) {
        const std::vector<float> x = randomFloats(std::size_t(numTokens * cols), rng);
        std::vector<float> a(std::size_t(numTokens * m.view.rows)), b(a.size(), 1.0f);
        matmul(pool, x.data(), numTokens, cols, m.view, a.data(), m.view.rows, GemmPrecision::F32);
        matmul(pool, x.data(), numTokens, cols, m.view, b.data(), m.view.rows, GemmPrecision::Bf16);
        return std::memcmp(a.data(), b.data(), a.size() * 4) == 0;
    };
    for (Isa isa : isaLevels()) {
        setIsa(isa);
        QVERIFY(same(half, 40));
        QVERIFY(same(single, 40));
        for (std::int64_t numTokens : {1, 4, 16}) QVERIFY(same(bf, numTokens));
        if (isa < Isa::Avx512) {
            QVERIFY(!amxAvailable());
            QVERIFY(same(bf, 40));
        }
    }
    setIsa(detectedIsa());
    const std::int64_t numTokens = 37;
    const std::vector<float> x = randomFloats(std::size_t(numTokens * cols), rng);
    std::vector<float> fusedBf(std::size_t(numTokens * 40)), fusedHalf(std::size_t(numTokens * 24));
    std::vector<float> aloneBf(fusedBf.size()), aloneHalf(fusedHalf.size());
    const MatmulOut outs[2] = {{.w = bf.view, .y = fusedBf.data(), .ldy = 40}, {.w = half.view, .y = fusedHalf.data(), .ldy = 24}};
    matmul(pool, x.data(), numTokens, cols, outs, GemmPrecision::Bf16);
    matmul(pool, x.data(), numTokens, cols, half.view, aloneHalf.data(), 24);
    matmul(pool, x.data(), numTokens, cols, bf.view, aloneBf.data(), 40, GemmPrecision::Bf16);
    QCOMPARE(std::memcmp(fusedHalf.data(), aloneHalf.data(), aloneHalf.size() * 4), 0);
    QCOMPARE(std::memcmp(fusedBf.data(), aloneBf.data(), aloneBf.size() * 4), 0);
}

// Attention's products on AMX against double loops that round what goes in the same way (queries
// and probabilities to bf16): query counts below, at and past the 16- and 32-query tiles, position
// counts with partial 16- and 32-row blocks, padded rows and outputs (left untouched), per-query
// limits (weights past them are NaN: never read), values packed in two parts as two threads would.
void TestCpuKernels::amxAttentionMatchesBf16Reference() {
    if (!amxAvailable()) QSKIP("this CPU (or kernel) gives no AMX-BF16");
    std::mt19937 rng(35);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    auto rounded = [](float v) { return double(bf16ToFloat(floatToBf16(v))); };
    for (std::int64_t n : {64, 128}) {
        for (std::int64_t count : {1, 17, 32, 33, 100, 257}) {
            for (int queries : {1, 5, 16, 17, 32, 40}) {
                const std::int64_t stride = n + 32, qStride = n + 3, outStride = count + 5;
                std::vector<Bf16> rows(std::size_t(count * stride));
                for (Bf16& r : rows) r = Bf16{floatToBf16(uni(rng))};
                const std::vector<float> q = randomFloats(std::size_t(queries * qStride), rng);
                std::vector<float> scores(std::size_t(queries * outStride), floatOf(kSentinel));
                dotRowsAmx(q.data(), qStride, queries, rows.data(), stride, count, n, scores.data(), outStride);
                for (int g = 0; g < queries; ++g) {
                    for (std::int64_t j = 0; j < count; ++j) {
                        double ref = 0, mag = 0;
                        for (std::int64_t i = 0; i < n; ++i) {
                            const double p = rounded(q[std::size_t(g * qStride + i)]) * bf16ToFloat(rows[std::size_t(j * stride + i)].bits);
                            ref += p;
                            mag += std::fabs(p);
                        }
                        const double got = scores[std::size_t(g * outStride + j)];
                        if (!(std::fabs(got - ref) <= 2e-6 * mag + 1e-7))
                            QFAIL(qPrintable(QStringLiteral("scores n%1 count%2 queries%3: [%4][%5] = %6, reference %7")
                                                 .arg(n).arg(count).arg(queries).arg(g).arg(j).arg(got).arg(ref)));
                    }
                    for (std::int64_t j = count; j < outStride && g + 1 < queries; ++j)
                        QCOMPARE(bitsOf(scores[std::size_t(g * outStride + j)]), kSentinel);
                }

                // Values: query g reads positions below limits[g] (1 .. count, unordered).
                std::vector<std::int64_t> limits(static_cast<std::size_t>(queries));
                for (int g = 0; g < queries; ++g) limits[std::size_t(g)] = 1 + (g * 7919 + count) % count;
                limits[0] = count;
                const std::int64_t weightStride = count + 40, valuesOut = n + 16;
                std::vector<float> weights(std::size_t(queries * weightStride), std::nanf(""));
                for (int g = 0; g < queries; ++g)
                    for (std::int64_t j = 0; j < limits[std::size_t(g)]; ++j) weights[std::size_t(g * weightStride + j)] = uni(rng);
                std::vector<std::uint16_t> packedStorage(std::size_t(amxPackedValuesSize(count, n) + 32));
                auto* packed = reinterpret_cast<std::uint16_t*>((reinterpret_cast<std::uintptr_t>(packedStorage.data()) + 63) & ~std::uintptr_t(63));
                const std::int64_t pairs = (count + 31) / 32 * 16;
                packValuesAmx(rows.data(), stride, count, n, 0, pairs / 2, packed);
                packValuesAmx(rows.data(), stride, count, n, pairs / 2, pairs, packed);
                std::vector<float> out(std::size_t(queries * valuesOut), floatOf(kSentinel));
                weightedRowSumAmx(weights.data(), weightStride, queries, limits.data(), packed, count, n, out.data(), valuesOut);
                for (int g = 0; g < queries; ++g) {
                    for (std::int64_t i = 0; i < n; ++i) {
                        double ref = 0, mag = 0;
                        for (std::int64_t j = 0; j < limits[std::size_t(g)]; ++j) {
                            const double p = rounded(weights[std::size_t(g * weightStride + j)]) * bf16ToFloat(rows[std::size_t(j * stride + i)].bits);
                            ref += p;
                            mag += std::fabs(p);
                        }
                        const double got = out[std::size_t(g * valuesOut + i)];
                        if (!(std::fabs(got - ref) <= 2e-6 * mag + 1e-7))
                            QFAIL(qPrintable(QStringLiteral("values n%1 count%2 queries%3: [%4][%5] = %6, reference %7")
                                                 .arg(n).arg(count).arg(queries).arg(g).arg(i).arg(got).arg(ref)));
                    }
                    for (std::int64_t i = n; i < valuesOut; ++i) QCOMPARE(bitsOf(out[std::size_t(g * valuesOut + i)]), kSentinel);
                }
            }
        }
    }
}

// expAndSumFast against exp in double: each value within 2e-7 relative (or 2 subnormal steps where
// the result is subnormal), exactly 0 below exp's underflow and for -inf (which adds nothing to the
// weighted sum), the sums within 1e-6 of the double sums; lengths with partial vectors.
void TestCpuKernels::expAndSumFastIsAccurate() {
    IsaGuard guard;
    std::mt19937 rng(36);
    std::uniform_real_distribution<float> uni(-120.0f, 12.0f);
    for (Isa isa : isaLevels()) {
        setIsa(isa);
        for (std::int64_t n : {1, 15, 16, 17, 100, 4099}) {
            std::vector<float> x(static_cast<std::size_t>(n));
            for (float& v : x) v = uni(rng);
            x[0] = -INFINITY;
            if (n > 3) x[3] = 0.0f;
            const float shift = 2.5f;
            std::vector<float> y = x;
            float weighted = 0.0f;
            const float sum = expAndSumFast(y.data(), n, shift, &weighted);
            double refSum = 0, refWeighted = 0, magWeighted = 0;
            for (std::int64_t i = 0; i < n; ++i) {
                const float shiftedF = x[std::size_t(i)] - shift;  // what the kernel exponentiates
                const double ref = std::exp(double(shiftedF));
                const double got = y[std::size_t(i)];
                if (shiftedF < -103.97208f) {
                    QCOMPARE(bitsOf(y[std::size_t(i)]), 0u);
                } else if (ref < 1.1754944e-38) {
                    QVERIFY2(std::fabs(got - ref) <= 2 * 1.4012985e-45, qPrintable(QStringLiteral("exp(%1)").arg(shiftedF)));
                } else if (!(std::fabs(got - ref) <= 2e-7 * ref)) {
                    QFAIL(qPrintable(QStringLiteral("%1: exp(%2) = %3, reference %4").arg(isaName(isa)).arg(shiftedF)
                                         .arg(got, 0, 'g', 9).arg(ref, 0, 'g', 9)));
                }
                refSum += got;
                if (std::isfinite(shiftedF)) {
                    refWeighted += got * double(shiftedF);
                    magWeighted += std::fabs(got * double(shiftedF));
                }
            }
            QCOMPARE(bitsOf(y[0]), 0u);
            QVERIFY2(std::fabs(sum - refSum) <= 1e-6 * refSum, qPrintable(QStringLiteral("sum %1, reference %2").arg(sum).arg(refSum)));
            QVERIFY2(std::isfinite(weighted) && std::fabs(weighted - refWeighted) <= 1e-6 * magWeighted + 1e-30,
                     qPrintable(QStringLiteral("weighted %1, reference %2").arg(weighted).arg(refWeighted)));
        }
    }
}

// dotRows and weightedRowSum (attention's loops over the cached positions, for the query heads of
// a GQA group) give the bits of dot() per query and row and of axpy() row after row, on every ISA,
// for head dims with and without a tail and groups of 1-9 query heads (blocks of 4 and 3 inside);
// over bf16 rows, the bits of the same loops over the rows widened to fp32.
void TestCpuKernels::attentionLoopsEqualDotAndAxpy() {
    IsaGuard guard;
    std::mt19937 rng(31);
    for (Isa isa : isaLevels()) {
        setIsa(isa);
        for (std::int64_t n : {16, 64, 72, 128, 13, 200, 256}) {
            for (std::int64_t count : {1, 3, 4, 9, 17, 130}) {
                for (int queries : {1, 2, 3, 4, 5, 8, 9}) {
                    const std::int64_t stride = n * 3 + 1;  // rows of other heads in between, unaligned
                    const std::int64_t qStride = n + 2, ld = count + 1, outStride = n + 3;
                    const std::vector<float> rows = randomFloats(std::size_t(count * stride + n), rng);
                    const std::vector<float> q = randomFloats(std::size_t(queries * qStride), rng);
                    const std::vector<float> weights = randomFloats(std::size_t(queries * ld), rng);
                    std::vector<float> dots(std::size_t(queries * ld), floatOf(kSentinel));
                    dotRows(q.data(), qStride, queries, rows.data() + 1, stride, count, n, dots.data(), ld);
                    std::vector<float> sums(std::size_t(queries * outStride), floatOf(kSentinel));
                    weightedRowSum(weights.data(), ld, queries, rows.data() + 1, stride, count, n, sums.data(), outStride);
                    for (int g = 0; g < queries; ++g) {
                        std::vector<float> expected(std::size_t(n), 0.0f);
                        for (std::int64_t j = 0; j < count; ++j) {
                            const float* row = rows.data() + 1 + j * stride;
                            if (bitsOf(dots[std::size_t(g * ld + j)]) != bitsOf(dot(q.data() + g * qStride, row, n)))
                                QFAIL(qPrintable(QStringLiteral("dotRows %1 n=%2 query %3 of %4, row %5")
                                                     .arg(isaName(isa)).arg(n).arg(g).arg(queries).arg(j)));
                            axpy(weights[std::size_t(g * ld + j)], row, expected.data(), n);
                        }
                        QCOMPARE(bitsOf(dots[std::size_t(g * ld + count)]), kSentinel);
                        if (std::memcmp(sums.data() + g * outStride, expected.data(), std::size_t(n) * 4) != 0)
                            QFAIL(qPrintable(QStringLiteral("weightedRowSum %1 n=%2 count %3 query %4 of %5")
                                                 .arg(isaName(isa)).arg(n).arg(count).arg(g).arg(queries)));
                        for (std::int64_t i = n; i < outStride; ++i) QCOMPARE(bitsOf(sums[std::size_t(g * outStride + i)]), kSentinel);
                    }
                    // The same sums in two calls, the second continuing the first (accumulate).
                    const std::int64_t split = count / 3;
                    std::vector<float> resumed(std::size_t(queries * outStride), floatOf(kSentinel));
                    weightedRowSum(weights.data(), ld, queries, rows.data() + 1, stride, split, n, resumed.data(), outStride);
                    weightedRowSum(weights.data() + split, ld, queries, rows.data() + 1 + split * stride, stride, count - split, n,
                                   resumed.data(), outStride, /*accumulate=*/true);
                    if (std::memcmp(resumed.data(), sums.data(), resumed.size() * 4) != 0)
                        QFAIL(qPrintable(QStringLiteral("weightedRowSum resumed after %1 rows: %2 n=%3 count %4 queries %5")
                                             .arg(split).arg(isaName(isa)).arg(n).arg(count).arg(queries)));
                    // bf16 rows (a bf16 KV cache): the bits of the fp32 loops over the same rows widened,
                    // starting 2 bytes past an alignment boundary.
                    std::vector<Bf16> half(rows.size());
                    std::vector<float> wide(rows.size());
                    for (std::size_t i = 0; i < rows.size(); ++i) {
                        half[i].bits = floatToBf16(rows[i]);
                        wide[i] = bf16ToFloat(half[i].bits);
                    }
                    std::vector<float> wideDots(dots.size(), floatOf(kSentinel)), halfDots(dots.size(), floatOf(kSentinel));
                    dotRows(q.data(), qStride, queries, wide.data() + 1, stride, count, n, wideDots.data(), ld);
                    dotRows(q.data(), qStride, queries, half.data() + 1, stride, count, n, halfDots.data(), ld);
                    if (std::memcmp(wideDots.data(), halfDots.data(), dots.size() * 4) != 0)
                        QFAIL(qPrintable(QStringLiteral("dotRows over bf16 rows: %1 n=%2 count %3 queries %4")
                                             .arg(isaName(isa)).arg(n).arg(count).arg(queries)));
                    std::vector<float> wideSums(sums.size(), floatOf(kSentinel)), halfSums(sums.size(), floatOf(kSentinel));
                    weightedRowSum(weights.data(), ld, queries, wide.data() + 1, stride, count, n, wideSums.data(), outStride);
                    weightedRowSum(weights.data(), ld, queries, half.data() + 1, stride, split, n, halfSums.data(), outStride);
                    weightedRowSum(weights.data() + split, ld, queries, half.data() + 1 + split * stride, stride, count - split, n,
                                   halfSums.data(), outStride, /*accumulate=*/true);
                    if (std::memcmp(wideSums.data(), halfSums.data(), sums.size() * 4) != 0)
                        QFAIL(qPrintable(QStringLiteral("weightedRowSum over bf16 rows: %1 n=%2 count %3 queries %4")
                                             .arg(isaName(isa)).arg(n).arg(count).arg(queries)));
                }
            }
        }
    }
}

// expFloat against exp in double precision, in units in the last place of the float result, over
// every 1,021st float of the range where the result is neither 0 nor infinite (about 2.2 million);
// glibc documents this algorithm at under 0.502 ulp. The ends and the special values as C says.
void TestCpuKernels::expFloatIsAccurate() {
    double worst = 0;
    for (std::uint64_t bits = 0; bits <= 0xffffffffu; bits += 1021) {
        const float x = floatOf(std::uint32_t(bits));
        if (!(x >= -103.9f && x <= 88.7f)) continue;
        const double exact = std::exp(double(x));
        const float got = expFloat(x);
        const double ulp = std::max(double(std::nextafter(float(exact), INFINITY)) - double(float(exact)), 0x1p-149);
        worst = std::max(worst, std::fabs(double(got) - exact) / ulp);
    }
    qInfo("worst error %.4f ulp", worst);
    QVERIFY2(worst < 0.502, qPrintable(QString::number(worst)));
    QCOMPARE(expFloat(0.0f), 1.0f);
    QCOMPARE(expFloat(-0.0f), 1.0f);
    QCOMPARE(expFloat(-INFINITY), 0.0f);
    QCOMPARE(expFloat(-104.0f), 0.0f);
    QCOMPARE(expFloat(-1e30f), 0.0f);
    QVERIFY(std::isinf(expFloat(88.8f)) && std::isinf(expFloat(INFINITY)));
    QVERIFY(std::isnan(expFloat(NAN)));
    QVERIFY(expFloat(-103.0f) > 0.0f);  // subnormal, not flushed
}

// The softmax passes on every ISA: the same bits as the scalar loops they replace (x *= scale and
// the running max; exp of x - max as expFloat and its sum added in index order; x *= s), for row
// lengths around the vector widths. Scores of -inf (masked) and very negative ones give 0.
void TestCpuKernels::softmaxPassesEqualScalarLoops() {
    IsaGuard guard;
    std::mt19937 rng(41);
    std::uniform_real_distribution<float> uni(-40.0f, 12.0f);
    for (Isa isa : isaLevels()) {
        setIsa(isa);
        for (std::int64_t n : {0, 1, 7, 8, 9, 16, 17, 100, 1001}) {
            std::vector<float> row(std::size_t(n) + 1, floatOf(kSentinel));
            for (std::int64_t i = 0; i < n; ++i) row[std::size_t(i)] = uni(rng);
            if (n > 3) {
                row[2] = -INFINITY;
                row[3] = -3000.0f;
            }
            std::vector<float> expected(row);
            float expectedMax = -INFINITY;
            for (std::int64_t i = 0; i < n; ++i) {
                expected[std::size_t(i)] *= 0.125f;
                expectedMax = std::max(expectedMax, expected[std::size_t(i)]);
            }
            float expectedSum = 0.0f;
            double expectedWeighted = 0;
            for (std::int64_t i = 0; i < n; ++i) {
                const float shifted = expected[std::size_t(i)] - expectedMax;
                expected[std::size_t(i)] = expFloat(shifted);
                expectedSum += expected[std::size_t(i)];
                if (expected[std::size_t(i)] > 0) expectedWeighted += double(expected[std::size_t(i)]) * shifted;
            }
            const float gotMax = scaleAndMax(row.data(), n, 0.125f);
            QCOMPARE(bitsOf(gotMax), bitsOf(expectedMax));
            float weighted = 0.0f;
            const float sum = expAndSum(row.data(), n, gotMax, &weighted);
            QCOMPARE(bitsOf(sum), bitsOf(expectedSum));
            QVERIFY2(std::fabs(weighted - expectedWeighted) <= 1e-4 * (1 + std::fabs(expectedWeighted)),
                     qPrintable(QStringLiteral("%1 n=%2: weighted %3, expected %4").arg(isaName(isa)).arg(n).arg(weighted).arg(expectedWeighted)));
            scaleRow(row.data(), n, 0.5f);
            for (std::int64_t i = 0; i < n; ++i) expected[std::size_t(i)] *= 0.5f;
            if (std::memcmp(row.data(), expected.data(), row.size() * 4) != 0)
                QFAIL(qPrintable(QStringLiteral("softmax passes %1 n=%2").arg(isaName(isa)).arg(n)));
        }
    }
}

// The steps between the products on every ISA: sumOfSquares is its documented order (eight
// interleaved partial sums in double, combined pairwise), within 1e-15 of an exact sum, and
// siluMul is z / (1 + expFloat(-z)) * up, bit for bit, also where exp over- and underflows.
void TestCpuKernels::elementwiseStepsEqualTheirDefinitions() {
    IsaGuard guard;
    std::mt19937 rng(43);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    for (Isa isa : isaLevels()) {
        setIsa(isa);
        for (std::int64_t n : {0, 1, 7, 8, 9, 15, 16, 17, 128, 1001, 3072}) {
            std::vector<float> x(std::size_t(n) + 1, floatOf(kSentinel)), up(std::size_t(n) + 1, floatOf(kSentinel));
            for (std::int64_t i = 0; i < n; ++i) {
                x[std::size_t(i)] = normal(rng) * (i % 5 == 0 ? 40.0f : 1.0f);  // some beyond exp's range
                up[std::size_t(i)] = normal(rng);
            }
            if (n > 2) {
                x[0] = 120.0f;    // exp(-z) underflows: silu(z) = z
                x[1] = -120.0f;   // exp(-z) overflows: silu(z) = -0
            }
            double lane[8] = {};
            long double exact = 0;
            for (std::int64_t i = 0; i < n; ++i) {
                lane[i % 8] += double(x[std::size_t(i)]) * x[std::size_t(i)];
                exact += (long double)x[std::size_t(i)] * x[std::size_t(i)];
            }
            const double expected = ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
            const double got = sumOfSquares(x.data(), n);
            QVERIFY2(std::memcmp(&got, &expected, 8) == 0,
                     qPrintable(QStringLiteral("%1 n=%2: %3 vs %4").arg(isaName(isa)).arg(n).arg(got, 0, 'g', 17).arg(expected, 0, 'g', 17)));
            QVERIFY(std::fabs(got - double(exact)) <= 1e-15 * double(exact));

            std::vector<float> silu(x);
            for (std::int64_t i = 0; i < n; ++i) {
                const float z = x[std::size_t(i)];
                silu[std::size_t(i)] = z / (1.0f + expFloat(-z)) * up[std::size_t(i)];
            }
            siluMul(x.data(), up.data(), n);
            if (std::memcmp(x.data(), silu.data(), x.size() * 4) != 0)  // the sentinel past n untouched too
                QFAIL(qPrintable(QStringLiteral("siluMul %1 n=%2").arg(isaName(isa)).arg(n)));
            if (n > 2) {
                QCOMPARE(x[0], 120.0f * up[0]);
                QVERIFY(x[1] == 0.0f);
            }
        }
    }
}

// floatsToBf16 on every ISA: floatToBf16's bits (nearest even, NaNs quieted with sign and payload,
// subnormals rounded rather than flushed, overflow to infinity), the element past n untouched.
void TestCpuKernels::floatsToBf16EqualsScalar() {
    IsaGuard guard;
    std::mt19937 rng(47);
    const std::uint32_t specials[] = {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7f800001u, 0xffc00001u,
                                      0x7fffffffu, 0x00000001u, 0x807fffffu, 0x7f7fffffu, 0x3f808000u, 0x3f818000u,
                                      0x3f807fffu, 0x00008000u, 0x00018000u, 0xbf808001u};
    for (Isa isa : isaLevels()) {
        setIsa(isa);
        for (std::int64_t n : {0, 1, 15, 16, 17, 100, 1000}) {
            std::vector<float> x(static_cast<std::size_t>(n));
            for (std::int64_t i = 0; i < n; ++i)
                x[std::size_t(i)] = i < 16 ? floatOf(specials[i]) : floatOf(std::uint32_t(rng()));
            std::vector<std::uint16_t> out(std::size_t(n) + 1, 0xabcd);
            floatsToBf16(x.data(), out.data(), n);
            for (std::int64_t i = 0; i < n; ++i)
                if (out[std::size_t(i)] != floatToBf16(x[std::size_t(i)]))
                    QFAIL(qPrintable(QStringLiteral("%1 n=%2 [%3]: %4 for %5, expected %6")
                                         .arg(isaName(isa)).arg(n).arg(i)
                                         .arg(out[std::size_t(i)], 4, 16, QChar('0'))
                                         .arg(bitsOf(x[std::size_t(i)]), 8, 16, QChar('0'))
                                         .arg(floatToBf16(x[std::size_t(i)]), 4, 16, QChar('0'))));
            QCOMPARE(out[std::size_t(n)], std::uint16_t(0xabcd));
        }
    }
}

void TestCpuKernels::emptyCallsAreNoOps() {
    ThreadPool pool(2);
    std::vector<float> y(4, 3.0f);
    const float x[4] = {1, 2, 3, 4};
    const float w[4] = {1, 1, 1, 1};
    const MatrixView view{.data = w, .type = WeightType::F32, .rows = 1, .cols = 4};
    matmul(pool, x, 0, 4, view, y.data(), 1);
    matmul(pool, x, 1, 4, std::span<const MatmulOut>{});
    QCOMPARE(y[0], 3.0f);
    matmul(pool, x, 1, 4, view, y.data(), 1);
    QCOMPARE(y[0], 10.0f);
    // K == 0: every product is an empty sum.
    const MatrixView empty{.data = w, .type = WeightType::BF16, .rows = 3, .cols = 0};
    for (Isa isa : isaLevels()) {
        IsaGuard guard;
        setIsa(isa);
        for (std::int64_t numTokens : {1, 8, 20}) {  // matvec and GEMM paths
            std::vector<float> out(std::size_t(3 * numTokens), 5.0f);
            matmul(pool, x, numTokens, 0, empty, out.data(), 3);
            for (float f : out) QCOMPARE(f, 0.0f);
        }
    }
}

QTEST_APPLESS_MAIN(TestCpuKernels)
#include "test_cpu_kernels.moc"
