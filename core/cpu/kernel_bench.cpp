// qe-kernel-bench: measures what bounds the CPU kernels on this machine (core clock, FMA peak,
// memory read bandwidth), the ThreadPool hand-off cost, and matmul throughput on Qwen3-0.6B shapes:
// decode (matrix-vector, bf16 weights streamed from DRAM) and prefill (GEMM, T = 128 by default).
// Compute rates are also given per second of process CPU time, which stays meaningful when other
// processes share the cores; /proc/loadavg is printed before and after for that reason.
// Usage: qe-kernel-bench [--threads N] [--quick] [--tokens T] [--only machine|pool|decode|quantized|prefill|attention]
//                        [--isa scalar|avx2|avx512]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "core/cpu/cpu_kernels.h"

using namespace qe::cpu;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double cpuSeconds(clockid_t clock) {
    timespec t{};
    clock_gettime(clock, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}
double threadCpuSeconds() { return cpuSeconds(CLOCK_THREAD_CPUTIME_ID); }
double processCpuSeconds() { return cpuSeconds(CLOCK_PROCESS_CPUTIME_ID); }

std::string firstLine(const char* path, const char* prefix = "") {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0) return line;
    return {};
}

#if defined(__x86_64__)
// Core clock from a chain of dependent adds (1 cycle each) per second of this thread's CPU time,
// so time lost to other processes does not count. Best of three. The addend is a register: recent
// Intel cores fold chains of immediate adds at rename (that measured 21 GHz on a 2026 Xeon).
double measureClockHz() {
    const long iterations = 100'000'000;
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
        long counter = iterations, acc = 0, one = 1;
        const double start = threadCpuSeconds();
        asm volatile(
            "1:\n\t"
            "add %[one], %[acc]\n\tadd %[one], %[acc]\n\tadd %[one], %[acc]\n\tadd %[one], %[acc]\n\t"
            "add %[one], %[acc]\n\tadd %[one], %[acc]\n\tadd %[one], %[acc]\n\tadd %[one], %[acc]\n\t"
            "add %[one], %[acc]\n\tadd %[one], %[acc]\n\t"
            "dec %[n]\n\tjnz 1b"
            : [acc] "+r"(acc), [n] "+r"(counter)
            : [one] "r"(one));
        best = std::max(best, 10.0 * double(iterations) / (threadCpuSeconds() - start));
    }
    return best;
}

// Register-only loop of 12 independent FMA chains (more than 2 pipes x 4 cycles latency) on
// registers R0..R13 (R: ymm or zmm), written out by these macros so that both widths share one text.
#define QE_ZERO(R, n) "vxorps %%" R #n ", %%" R #n ", %%" R #n "\n\t"
#define QE_FMA(R, n) "vfmadd231ps %%" R "12, %%" R "13, %%" R #n "\n\t"
#define QE_PEAK_LOOP(R)                                                                                           \
    QE_ZERO(R, 0) QE_ZERO(R, 1) QE_ZERO(R, 2) QE_ZERO(R, 3) QE_ZERO(R, 4) QE_ZERO(R, 5) QE_ZERO(R, 6) QE_ZERO(R, 7) \
    QE_ZERO(R, 8) QE_ZERO(R, 9) QE_ZERO(R, 10) QE_ZERO(R, 11) QE_ZERO(R, 12) QE_ZERO(R, 13) "1:\n\t"              \
    QE_FMA(R, 0) QE_FMA(R, 1) QE_FMA(R, 2) QE_FMA(R, 3) QE_FMA(R, 4) QE_FMA(R, 5) QE_FMA(R, 6) QE_FMA(R, 7)        \
    QE_FMA(R, 8) QE_FMA(R, 9) QE_FMA(R, 10) QE_FMA(R, 11) "dec %[n]\n\tjnz 1b\n\tvzeroupper"
#define QE_PEAK_CLOBBERS \
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "cc"

// fp32 flop per second of this thread's CPU time, i.e. the measured per-core peak, with 256-bit
// FMAs or (wide) 512-bit ones: the AVX-512 GEMM's peak. Some CPUs run 512-bit FMAs on one pipe
// only, or at a lower clock; this measures what this one does.
double fmaFlopsPerCpuSecond(long iterations, bool wide) {
    long counter = iterations;
    const double start = threadCpuSeconds();
    if (wide)
        asm volatile(QE_PEAK_LOOP("zmm") : [n] "+r"(counter) : : QE_PEAK_CLOBBERS);
    else
        asm volatile(QE_PEAK_LOOP("ymm") : [n] "+r"(counter) : : QE_PEAK_CLOBBERS);
    return double(iterations) * 12 * (wide ? 16 : 8) * 2 / (threadCpuSeconds() - start);
}

// Sum of n floats with 4 independent vector accumulators: a pure read stream.
__attribute__((target("avx2"))) float sumFloats(const float* p, std::int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (std::int64_t i = 0; i + 32 <= n; i += 32) {
        s0 = _mm256_add_ps(s0, _mm256_load_ps(p + i));
        s1 = _mm256_add_ps(s1, _mm256_load_ps(p + i + 8));
        s2 = _mm256_add_ps(s2, _mm256_load_ps(p + i + 16));
        s3 = _mm256_add_ps(s3, _mm256_load_ps(p + i + 24));
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    float total = 0;
    for (float f : lanes) total += f;
    return total;
}
#endif

struct Weights {  // `copies` identical bf16 matrices back to back, so cycling through them misses L3
    std::vector<std::uint16_t> data;
    std::int64_t rows = 0, cols = 0, copies = 1;
    MatrixView view(std::int64_t copy) const {
        return MatrixView{.data = data.data() + copy * rows * cols, .type = WeightType::BF16, .rows = rows, .cols = cols};
    }
};

Weights makeWeights(std::int64_t rows, std::int64_t cols, std::int64_t minTotalBytes) {
    Weights w{{}, rows, cols, std::max<std::int64_t>(1, minTotalBytes / (rows * cols * 2))};
    w.data.resize(std::size_t(w.copies * rows * cols));
    std::uint32_t state = 12345;
    for (std::int64_t i = 0; i < rows * cols; ++i) {  // xorshift values in [-0.05, 0.05)
        state ^= state << 13, state ^= state >> 17, state ^= state << 5;
        w.data[std::size_t(i)] = floatToBf16((float(state >> 8) / 16777216.0f - 0.5f) * 0.1f);
    }
    for (std::int64_t c = 1; c < w.copies; ++c)
        std::memcpy(w.data.data() + c * rows * cols, w.data.data(), std::size_t(rows * cols) * 2);
    return w;
}

struct Shape {
    const char* name;
    std::int64_t rows, cols;
    int count;  // products fused into one matmul call (sharing x)
};

// Qwen3-0.6B: hiddenSize 1024, 16 q heads / 8 kv heads x headDim 128, intermediateSize 3072.
const Shape kShapes[] = {
    {"q_proj        2048x1024", 2048, 1024, 1}, {"k+v fused  2x 1024x1024", 1024, 1024, 2},
    {"o_proj        1024x2048", 1024, 2048, 1}, {"gate+up    2x 3072x1024", 3072, 1024, 2},
    {"down_proj     1024x3072", 1024, 3072, 1}, {"lm_head     151936x1024", 151936, 1024, 1},
};

struct Timing {
    double wall = 1e30;  // seconds per call, best run
    double cpu = 0;      // process CPU seconds per call in that run (all threads, spinning included)
};

// Times `calls` calls of fn(call) per run; keeps the run with the best wall time.
template <class Fn>
Timing timePerCall(int reps, int calls, Fn fn) {
    Timing best;
    for (int rep = 0; rep < reps; ++rep) {
        const double cpu0 = processCpuSeconds();
        const auto start = Clock::now();
        for (int call = 0; call < calls; ++call) fn(call);
        const double wall = secondsSince(start) / calls;
        if (wall < best.wall) best = {wall, (processCpuSeconds() - cpu0) / calls};
    }
    return best;
}

}  // namespace

int usage(const char* program) {
    std::fprintf(stderr, "usage: %s [--threads N] [--quick] [--tokens T] [--only machine|pool|decode|quantized|prefill|attention] "
                         "[--isa scalar|avx2|avx512]\n", program);
    return 2;
}

int main(int argc, char** argv) {
    int threads = 0;
    bool quick = false;
    std::int64_t prefillTokens = 128;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--tokens") && i + 1 < argc) prefillTokens = std::max(1ll, std::atoll(argv[++i]));
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!std::strcmp(argv[i], "--quick")) quick = true;
        else if (!std::strcmp(argv[i], "--isa") && i + 1 < argc) {
            const std::string isa = argv[++i];
            if (isa != "scalar" && isa != "avx2" && isa != "avx512") return usage(argv[0]);
            setIsa(isa == "scalar" ? Isa::Scalar : isa == "avx2" ? Isa::Avx2 : Isa::Avx512);  // clamped to the CPU's
        } else {
            return usage(argv[0]);
        }
    }
    ThreadPool pool(threads);
    const int reps = quick ? 2 : 5;
    std::printf("isa %s, %d threads; %s; loadavg %s\n", isaName(activeIsa()), pool.size(),
                firstLine("/proc/cpuinfo", "cpu MHz").c_str(), firstLine("/proc/loadavg").c_str());

    auto wanted = [&](const char* section) { return only.empty() || only == section; };
    double corePeak = 0, readBw = 0;
#if defined(__x86_64__)
    // Peak and bandwidth are cheap enough to measure always: the other sections report against them.
    const double hz = measureClockHz();
    const bool wide = activeIsa() == Isa::Avx512;  // the GEMM's vector width
    corePeak = fmaFlopsPerCpuSecond(quick ? 50'000'000 : 200'000'000, wide);
    std::printf("core clock (dependent adds per CPU-second) %.2f GHz; fp32 FMA peak per core: 2 pipes x %d lanes x 2 "
                "x clock = %.1f GFLOP/s, measured %.1f GFLOP/s; x %d threads = %.1f GFLOP/s\n",
                hz / 1e9, wide ? 16 : 8, hz * (wide ? 64 : 32) / 1e9, corePeak / 1e9, pool.size(),
                corePeak * pool.size() / 1e9);

    {  // Raw read bandwidth: 1 GiB of floats, one contiguous part per thread.
        const std::int64_t n = std::int64_t(1) << 28;
        float* buf = static_cast<float*>(std::aligned_alloc(64, std::size_t(n) * 4));
        pool.parallelFor(n, 1 << 20, [&](std::int64_t b, std::int64_t e, int) { std::fill(buf + b, buf + e, 1.0f); });
        std::vector<float> sink(std::size_t(pool.size()));
        const Timing t = timePerCall(reps, 1, [&](int) {
            pool.parallelFor(pool.size(), 1, [&](std::int64_t b, std::int64_t e, int worker) {
                const std::int64_t per = n / pool.size();
                for (std::int64_t part = b; part < e; ++part) sink[std::size_t(worker)] += sumFloats(buf + part * per, per);
            });
        });
        readBw = double(n) * 4 / t.wall;
        std::printf("memory read bandwidth (sum of 1 GiB, %d threads): %.1f GB/s\n", pool.size(), readBw / 1e9);
        std::free(buf);
    }
#endif

    if (wanted("pool")) {  // ThreadPool hand-off.
        const int calls = quick ? 20000 : 100000;
        Timing t = timePerCall(1, calls, [&](int) { pool.parallelFor(pool.size(), 1, [](std::int64_t, std::int64_t, int) {}); });
        std::printf("parallelFor, empty chunks (owner may finish alone): %.3f us/call\n", t.wall * 1e6);
        // One 5 us chunk per participant: ideal time 5 us if every worker joins at once.
        auto busy5us = [](std::int64_t, std::int64_t, int) {
            const auto t0 = Clock::now();
            while (Clock::now() - t0 < std::chrono::microseconds(5)) {}
        };
        t = timePerCall(3, calls / 10, [&](int) { pool.parallelFor(pool.size(), 1, busy5us); });
        std::printf("parallelFor, %d x 5 us chunks back to back: %.2f us/call (overhead %.2f us)\n", pool.size(),
                    t.wall * 1e6, t.wall * 1e6 - 5);
        t = timePerCall(1, 200, [&](int) {
            std::this_thread::sleep_for(std::chrono::microseconds(500));  // past the spin: workers asleep
        });
        const double sleepOnly = t.wall;
        t = timePerCall(1, 200, [&](int) {
            std::this_thread::sleep_for(std::chrono::microseconds(500));
            pool.parallelFor(pool.size(), 1, busy5us);
        });
        std::printf("parallelFor, %d x 5 us chunks after 0.5 ms idle (workers asleep): %.2f us/call (overhead %.2f us)\n",
                    pool.size(), (t.wall - sleepOnly) * 1e6, (t.wall - sleepOnly) * 1e6 - 5);
    }

    const std::int64_t maxTokens = std::max<std::int64_t>(prefillTokens, 4);
    std::vector<float> x(std::size_t(maxTokens * 3072), 0.01f);
    std::vector<float> y(std::size_t(maxTokens * 151936)), y2(std::size_t(maxTokens * 3072));

    // Decode: weights cycled over >= 512 MiB of copies, so every call reads DRAM (L3 is 32 MiB).
    if (wanted("decode")) std::printf("\ndecode matvec, bf16 weights from DRAM (weight GB/s; %% of the read bandwidth above):\n");
    double layerSeconds = 0, headSeconds = 0;
    for (const Shape& s : kShapes) {
        if (!wanted("decode")) break;
        const Weights w = makeWeights(s.rows, s.cols, (quick ? 256ll : 512ll) << 20);
        const std::int64_t groups = std::max<std::int64_t>(1, w.copies / s.count);  // distinct sets per call
        const double bytes = double(s.rows) * double(s.cols) * 2 * s.count;
        for (std::int64_t tokens : {1, 2, 4}) {
            const int calls = int(std::max<double>(double(groups), 2e9 / bytes / (quick ? 4 : 1)));
            const Timing t = timePerCall(reps, std::max(calls, 4), [&](int call) {
                const std::int64_t first = (call % groups) * s.count % w.copies;
                MatmulOut outs[2] = {{w.view(first), y.data(), s.rows}, {}};
                if (s.count == 2) outs[1] = {w.view((first + 1) % w.copies), y2.data(), s.rows};
                matmul(pool, x.data(), tokens, s.cols, std::span<const MatmulOut>(outs, std::size_t(s.count)));
            });
            std::printf("  %s T=%lld: %8.1f us  %6.1f GB/s  %5.1f%%\n", s.name, (long long)tokens, t.wall * 1e6,
                        bytes / t.wall / 1e9, readBw > 0 ? 100 * bytes / t.wall / readBw : 0.0);
            if (tokens == 1) (s.rows == 151936 ? headSeconds : layerSeconds) += t.wall;
        }
    }
    if (layerSeconds > 0)
        std::printf("  => matmuls of one decoded token (28 layers + lm_head): %.1f ms, at most %.1f tokens/s\n",
                    (28 * layerSeconds + headSeconds) * 1e3, 1 / (28 * layerSeconds + headSeconds));

    // Decode over quantized weights (spec §7), one token, from DRAM like the bf16 rows above: AWQ's
    // 4-bit rows (groups of 128, widened in registers) and FP8 e4m3 (blocks of 128 x 128, widened
    // 16 rows at a time into a buffer), on gate_proj's 3072 x 1024.
    if (wanted("quantized")) {
        std::printf("\ndecode matvec T=1, quantized 3072x1024 weights from DRAM (weights/s; bytes read/s):\n");
        const std::int64_t rows = 3072, cols = 1024, total = (quick ? 256ll : 512ll) << 20;
        std::vector<float> scales(std::size_t(rows * cols / 128), 0.01f);
        std::vector<std::uint8_t> zeros(scales.size(), 8);
        for (WeightType type : {WeightType::Q4, WeightType::F8E4M3}) {
            const std::int64_t matrixBytes = type == WeightType::Q4 ? rows * cols / 2 : rows * cols;
            const std::int64_t copies = total / matrixBytes;
            std::vector<std::uint8_t> data(std::size_t(copies * matrixBytes));
            for (std::size_t i = 0; i < data.size(); ++i) data[i] = std::uint8_t((i * 2654435761u) >> 13) & 0x77;
            auto view = [&](std::int64_t copy) {
                return MatrixView{data.data() + copy * matrixBytes, type, rows, cols, scales.data(), zeros.data(), 128, 128};
            };
            const Timing t = timePerCall(reps, int(std::max<std::int64_t>(copies, 8)), [&](int call) {
                matmul(pool, x.data(), 1, cols, view(call % copies), y.data(), rows);
            });
            std::printf("  %s: %8.1f us  %6.2f G weights/s  %6.1f GB/s\n", type == WeightType::Q4 ? "AWQ 4-bit" : "FP8 e4m3 ",
                        t.wall * 1e6, double(rows * cols) / t.wall / 1e9, double(matrixBytes) / t.wall / 1e9);
        }
    }

    // Prefill: GEMM with T tokens; weights stay in L3, so this measures compute.
    if (wanted("prefill")) std::printf("\nprefill GEMM, T=%lld, bf16 weights (wall GFLOP/s; GFLOP per CPU-second, %% of measured core peak):\n",
                (long long)prefillTokens);
    for (const Shape& s : kShapes) {
        if (!wanted("prefill")) break;
        if (s.rows > 10000 && quick) continue;
        const Weights w = makeWeights(s.rows * s.count, s.cols, 0);  // fused products as one taller matrix
        const double flops = 2.0 * double(prefillTokens) * double(w.rows) * double(s.cols);
        const int calls = int(std::max(1.0, 1e10 / flops / (quick ? 4 : 1)));
        const Timing t = timePerCall(reps, calls, [&](int) {
            matmul(pool, x.data(), prefillTokens, s.cols, w.view(0), y.data(), w.rows);
        });
        std::printf("  %s: %8.2f ms  %6.1f GFLOP/s  |  %6.1f GFLOP/cpu-s  %5.1f%%\n", s.name, t.wall * 1e3,
                    flops / t.wall / 1e9, flops / t.cpu / 1e9, corePeak > 0 ? 100 * flops / t.cpu / corePeak : 0.0);
        if (amxAvailable()) {  // the same product with bf16 activations on AMX tiles
            const Timing amx = timePerCall(reps, calls * 4, [&](int) {
                matmul(pool, x.data(), prefillTokens, s.cols, w.view(0), y.data(), w.rows, GemmPrecision::Bf16);
            });
            std::printf("  %s  AMX bf16: %8.2f ms  %6.1f GFLOP/s  |  %6.1f GFLOP/cpu-s  %5.2fx the fp32 GEMM\n", s.name,
                        amx.wall * 1e3, flops / amx.wall / 1e9, flops / amx.cpu / 1e9, t.wall / amx.wall);
        }
    }
    // Attention's kernels on one core, as a task of the engine runs them: `queries` query rows
    // against 2,048 cached positions of one KV head (128 values; 1 MiB of fp32 keys, in L2 after
    // the first call), then the softmax of each row. The rows start on cache lines, as the KV
    // cache's do: fp32 rows 4,096 B apart (the 0.6B cache's row, which maps one head's rows to a
    // few cache sets) and 4,160 B (the KV cache pads it by a line); the same 16 B off a line (the
    // cache before it was allocated aligned: every 64 B load then spans two lines); bf16 rows
    // 2,112 B apart (the bf16 cache's padded row).
    if (wanted("attention")) {
        std::printf("\nattention kernels, one core, 2048 positions, head size 128 (GFLOP/s, %% of measured core peak; "
                    "softmax ns per score):\n");
        constexpr std::int64_t kPositions = 2048, kHead = 128;
        std::vector<float> rowStorage(std::size_t(kPositions * 1040 + 16), 0.01f), queries(std::size_t(32 * kHead), 0.02f);
        std::vector<Bf16> halfStorage(std::size_t(kPositions * 1056 + 32), Bf16{floatToBf16(0.01f)});
        std::vector<float> scores(std::size_t(32 * kPositions)), out(std::size_t(32 * kHead));
        auto lineAligned = [](auto* p) {
            return reinterpret_cast<decltype(p)>((reinterpret_cast<std::uintptr_t>(p) + 63) & ~std::uintptr_t(63));
        };
        const float* rows = lineAligned(rowStorage.data());
        const Bf16* halfRows = lineAligned(halfStorage.data());
        auto measure = [&](const auto* cached, std::int64_t stride, const char* type) {
            for (int q : {2, 8, 32}) {  // one token of 0.6B (G = 2), of 32B (G = 8), a span of 32 queries
                const double flops = 2.0 * q * kPositions * kHead;
                const int calls = int(std::max(4.0, 2e9 / flops / (quick ? 4 : 1)));
                const Timing dots = timePerCall(reps, calls, [&](int) {
                    dotRows(queries.data(), kHead, q, cached, stride, kPositions, kHead, scores.data(), kPositions);
                });
                const Timing sums = timePerCall(reps, calls, [&](int) {
                    weightedRowSum(scores.data(), kPositions, q, cached, stride, kPositions, kHead, out.data(), kHead);
                });
                const Timing softmax = timePerCall(reps, calls, [&](int) {
                    for (int g = 0; g < q; ++g) {
                        float* row = scores.data() + g * kPositions;
                        std::fill(row, row + kPositions, 0.5f);
                        float weighted = 0.0f;
                        const float max = scaleAndMax(row, kPositions, 0.088f);
                        scaleRow(row, kPositions, 1.0f / expAndSum(row, kPositions, max, &weighted));
                    }
                });
                std::printf("  %s, %lld B apart, %2d queries: scores %6.1f GFLOP/s %5.1f%%  |  values %6.1f GFLOP/s "
                            "%5.1f%%  |  softmax %.2f ns\n", type, (long long)(stride * sizeof(*cached)), q,
                            flops / dots.wall / 1e9, corePeak > 0 ? 100 * flops / dots.wall / corePeak : 0.0,
                            flops / sums.wall / 1e9, corePeak > 0 ? 100 * flops / sums.wall / corePeak : 0.0,
                            softmax.wall * 1e9 / (double(q) * kPositions));
            }
        };
        measure(rows, 1024, "fp32 rows");
        measure(rows, 1040, "fp32 rows");
        measure(rows + 4, 1040, "fp32 rows 16 B off a line");
        measure(halfRows, 1056, "bf16 rows");
    }
    std::printf("loadavg %s\n", firstLine("/proc/loadavg").c_str());
    return 0;
}
