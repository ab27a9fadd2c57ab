// The CPU emulator behind cuda_emu.h: fibers for CUDA threads, and the CUDA runtime and cuBLAS
// functions the backend calls, implemented on host memory (synchronously: streams and events
// are bookkeeping only). Stream capture records the captured stream's work as closures that a
// graph launch replays; the calls CUDA refuses during a capture (synchronising, host copies,
// allocation, an event recorded without cudaEventRecordExternal and then timed) fail here too,
// and like CUDA a refused call inside a capture invalidates it.
// Fibers switch with _setjmp/_longjmp (no signal-mask system call per switch, unlike
// swapcontext); jumping between stacks is what the fortified longjmp refuses.
#undef _FORTIFY_SOURCE
#include "tests/gpu/emu/cuda_emu.h"

#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <sys/mman.h>
#include <setjmp.h>
#include <ucontext.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define QE_EMU_ASAN 1
#endif

namespace qe::emu {

namespace {

enum class State { Runnable, BlockBarrier, WarpBarrier, Done };

struct Fiber {
    ucontext_t context{};  // the fiber's start (setcontext once)
    jmp_buf env{};         // where it waits at a barrier
    char* stack = nullptr;
    void* fakeStack = nullptr;  // AddressSanitizer's, while the fiber waits
    bool started = false;
    Index thread;
    int warp = 0, lane = 0;
    State state = State::Runnable;
    // cp.async: the open group and the committed ones not yet waited for (oldest first).
    struct Copy {
        void* to;
        const void* from;
    };
    std::vector<Copy> open;
    std::vector<std::vector<Copy>> groups;
};

struct Block {
    jmp_buf scheduler{};
    std::vector<Fiber> fibers;
    std::vector<std::uint64_t> slots;  // a value per lane, for warp collectives
    std::vector<unsigned char> exchange;  // kExchangeBytes per lane, for the tensor-core primitives
    std::vector<unsigned char> shared;
    int current = 0;
    Index block, blockDims, gridDims;
    const std::function<void()>* body = nullptr;
    // Under AddressSanitizer: the scheduler's stack, which the fibers switch back to.
    const void* schedulerStack = nullptr;
    std::size_t schedulerStackBytes = 0;
    void* schedulerFakeStack = nullptr;
};

constexpr std::size_t kStackBytes = 64 * 1024;
constexpr std::size_t kExchangeBytes = 32;
thread_local Block* t_block = nullptr;
thread_local std::vector<std::unique_ptr<char[]>> t_stacks;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "CUDA emulator: %s\n", what);
    std::abort();
}

// AddressSanitizer follows the switches between stacks only when told (without it, it takes a
// fiber's frames for overflows of the scheduler's stack). A switch is announced before the jump
// and completed on arrival.
#ifdef QE_EMU_ASAN
void switchToFiber(Block& b, const Fiber& f) {
    __sanitizer_start_switch_fiber(&b.schedulerFakeStack, f.stack, kStackBytes);
}
void arriveInFiber(Block& b) {
    __sanitizer_finish_switch_fiber(b.fibers[std::size_t(b.current)].fakeStack, &b.schedulerStack,
                                    &b.schedulerStackBytes);
}
void switchToScheduler(Block& b, bool ending) {
    __sanitizer_start_switch_fiber(ending ? nullptr : &b.fibers[std::size_t(b.current)].fakeStack,
                                   b.schedulerStack, b.schedulerStackBytes);
}
void arriveInScheduler(Block& b) { __sanitizer_finish_switch_fiber(b.schedulerFakeStack, nullptr, nullptr); }
#else
void switchToFiber(Block&, const Fiber&) {}
void arriveInFiber(Block&) {}
void switchToScheduler(Block&, bool) {}
void arriveInScheduler(Block&) {}
#endif

[[noreturn]] void fiberMain() {
    Block& b = *t_block;
    arriveInFiber(b);
    (*b.body)();
    b.fibers[std::size_t(b.current)].state = State::Done;
    switchToScheduler(b, true);
    _longjmp(b.scheduler, 1);  // its stack is abandoned; never resumed
}

// A fresh context that runs fiberMain on `stack` (kept out of line: the context is entered only
// through setcontext, never by returning from getcontext here).
[[gnu::noinline]] void prepareFiber(Fiber& f, char* stack) {
    getcontext(&f.context);
    f.context.uc_stack.ss_sp = stack;
    f.context.uc_stack.ss_size = kStackBytes;
    f.context.uc_link = nullptr;
    makecontext(&f.context, reinterpret_cast<void (*)()>(fiberMain), 0);
#ifdef QE_EMU_ASAN
    ASAN_UNPOISON_MEMORY_REGION(stack, kStackBytes);  // an earlier fiber's frames, abandoned
#endif
    f.stack = stack;
    f.fakeStack = nullptr;
    f.started = false;
}

void yieldAs(State state) {
    Block& b = *t_block;
    Fiber& f = b.fibers[std::size_t(b.current)];
    f.state = state;
    if (_setjmp(f.env) == 0) {
        switchToScheduler(b, false);
        _longjmp(b.scheduler, 1);
    }
    arriveInFiber(b);
}

// Runs fiber i until it waits or ends.
[[gnu::noinline]] void resume(Block& b, int i) {
    b.current = i;
    if (_setjmp(b.scheduler) != 0) {
        arriveInScheduler(b);
        return;
    }
    Fiber& f = b.fibers[std::size_t(i)];
    switchToFiber(b, f);
    if (!f.started) {
        f.started = true;
        setcontext(&f.context);
    }
    _longjmp(f.env, 1);
}

void schedule(Block& b) {
    const int n = static_cast<int>(b.fibers.size());
    const int warps = (n + 31) / 32;
    for (;;) {
        for (int i = 0; i < n; ++i) {
            if (b.fibers[std::size_t(i)].state != State::Runnable) continue;
            resume(b, i);
        }
        // Every fiber is done or waiting: release what can go on.
        bool allDone = true, released = false;
        for (const Fiber& f : b.fibers) allDone &= f.state == State::Done;
        if (allDone) return;
        for (int w = 0; w < warps; ++w) {
            int live = 0, waiting = 0;
            for (int i = w * 32; i < std::min(n, w * 32 + 32); ++i) {
                const State s = b.fibers[std::size_t(i)].state;
                live += s != State::Done;
                waiting += s == State::WarpBarrier;
            }
            if (live > 0 && live == waiting) {
                for (int i = w * 32; i < std::min(n, w * 32 + 32); ++i)
                    if (b.fibers[std::size_t(i)].state == State::WarpBarrier) b.fibers[std::size_t(i)].state = State::Runnable;
                released = true;
            }
        }
        if (!released) {
            bool all = true;
            for (const Fiber& f : b.fibers) all &= f.state == State::Done || f.state == State::BlockBarrier;
            if (all) {
                for (Fiber& f : b.fibers)
                    if (f.state == State::BlockBarrier) f.state = State::Runnable;
                released = true;
            }
        }
        if (!released) fail("barrier deadlock: threads wait at different barriers (divergent __syncthreads or warp primitive)");
    }
}

}  // namespace

const Index& threadIndex() { return t_block->fibers[std::size_t(t_block->current)].thread; }
const Index& blockIndex() { return t_block->block; }
const Index& blockDimension() { return t_block->blockDims; }
const Index& gridDimension() { return t_block->gridDims; }
void syncThreads() { yieldAs(State::BlockBarrier); }
void syncWarp() { yieldAs(State::WarpBarrier); }
// Aligned as the device's shared memory (wmma needs 256-bit alignment).
void* dynamicShared() {
    auto address = reinterpret_cast<std::uintptr_t>(t_block->shared.data());
    return reinterpret_cast<void*>((address + 127) & ~std::uintptr_t(127));
}

void wmmaEnter(const void* pointer, unsigned leading, std::size_t elementBytes) {
    if (pointer && reinterpret_cast<std::uintptr_t>(pointer) % 32 != 0) fail("wmma pointer not 256-bit aligned");
    if (pointer && (leading * elementBytes) % 16 != 0) fail("wmma leading dimension not a multiple of 16 bytes");
    syncWarp();
}

std::uint64_t shuffleBits(std::uint64_t bits, int lane, bool xorMode) {
    Block& b = *t_block;
    const Fiber& f = b.fibers[std::size_t(b.current)];
    const int base = f.warp * 32;
    b.slots[std::size_t(base + f.lane)] = bits;
    syncWarp();
    const int from = xorMode ? (f.lane ^ lane) : lane;
    if (from < 0 || from >= 32) fail("shuffle from a lane outside the warp");
    const std::uint64_t out = b.slots[std::size_t(base + from)];
    syncWarp();  // nobody overwrites the slots before every lane has read
    return out;
}

unsigned matchAny(std::uint64_t bits) {
    Block& b = *t_block;
    const Fiber& f = b.fibers[std::size_t(b.current)];
    const int base = f.warp * 32;
    const int lanes = std::min(32, static_cast<int>(b.fibers.size()) - base);
    b.slots[std::size_t(base + f.lane)] = bits;
    syncWarp();
    unsigned mask = 0;
    for (int l = 0; l < lanes; ++l)
        if (b.slots[std::size_t(base + l)] == bits) mask |= 1u << l;
    syncWarp();
    return mask;
}

namespace {

// Every lane of the warp deposits `bytes` (≤ kExchangeBytes) and gets a pointer to the warp's 32
// deposits (lane-major), valid until warpExchangeDone().
const unsigned char* warpExchange(const void* mine, std::size_t bytes) {
    Block& b = *t_block;
    const Fiber& f = b.fibers[std::size_t(b.current)];
    if (b.fibers.size() % 32 != 0) fail("a tensor-core instruction in a block with a partial warp");
    unsigned char* warp = b.exchange.data() + std::size_t(f.warp) * 32 * kExchangeBytes;
    std::memcpy(warp + std::size_t(f.lane) * kExchangeBytes, mine, bytes);
    syncWarp();
    return warp;
}
void warpExchangeDone() { syncWarp(); }  // nobody overwrites the deposits before every lane has read

float bf16At(const unsigned char* warp, int lane, int reg, int half) {
    std::uint16_t bits = 0;
    std::memcpy(&bits, warp + std::size_t(lane) * kExchangeBytes + std::size_t(reg) * 4 + std::size_t(half) * 2, 2);
    return std::bit_cast<float>(std::uint32_t(bits) << 16);
}

}  // namespace

void mmaBf16(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) {
    unsigned mine[6] = {a[0], a[1], a[2], a[3], b[0], b[1]};
    const unsigned char* warp = warpExchange(mine, sizeof mine);
    const int lane = t_block->fibers[std::size_t(t_block->current)].lane, g = lane / 4, t = lane % 4;
    // A(row, k): lane (row % 8)·4 + (k % 8) / 2, register (row ≥ 8) + 2·(k ≥ 8), half k % 2.
    auto aAt = [&](int row, int k) { return bf16At(warp, (row % 8) * 4 + (k % 8) / 2, (row >= 8) + 2 * (k >= 8), k % 2); };
    // B(k, n): lane n·4 + (k % 8) / 2, register 4 + (k ≥ 8), half k % 2.
    auto bAt = [&](int k, int n) { return bf16At(warp, n * 4 + (k % 8) / 2, 4 + (k >= 8), k % 2); };
    float result[4];
    for (int i = 0; i < 4; ++i) {
        const int row = g + 8 * (i / 2), col = 2 * t + i % 2;
        float acc = d[i];
        for (int k = 0; k < 16; ++k) acc += aAt(row, k) * bAt(k, col);
        result[i] = acc;
    }
    warpExchangeDone();
    for (int i = 0; i < 4; ++i) d[i] = result[i];
}

void ldmatrixX4(unsigned (&r)[4], const void* row, bool transpose) {
    if (reinterpret_cast<std::uintptr_t>(row) % 16 != 0) fail("ldmatrix row address not 16-byte aligned");
    const Block& b = *t_block;
    const auto* shared = static_cast<const unsigned char*>(dynamicShared());
    const auto* p = static_cast<const unsigned char*>(row);
    if (p < shared || p + 16 > b.shared.data() + b.shared.size()) fail("ldmatrix outside shared memory");
    const unsigned char* warp = warpExchange(&row, sizeof row);
    const int lane = b.fibers[std::size_t(b.current)].lane, g = lane / 4, t = lane % 4;
    auto element = [&](int matrix, int rowOf, int col) {
        const unsigned char* address = nullptr;
        std::memcpy(&address, warp + std::size_t(matrix * 8 + rowOf) * kExchangeBytes, sizeof address);
        std::uint16_t bits = 0;
        std::memcpy(&bits, address + col * 2, 2);
        return unsigned(bits);
    };
    unsigned out[4];
    for (int m = 0; m < 4; ++m)
        out[m] = transpose ? element(m, 2 * t, g) | element(m, 2 * t + 1, g) << 16
                           : element(m, g, 2 * t) | element(m, g, 2 * t + 1) << 16;
    warpExchangeDone();
    for (int m = 0; m < 4; ++m) r[m] = out[m];
}

void cpAsync16(void* shared, const void* global) {
    if (reinterpret_cast<std::uintptr_t>(shared) % 16 != 0 || reinterpret_cast<std::uintptr_t>(global) % 16 != 0)
        fail("cp.async of 16 bytes needs 16-byte aligned addresses");
    Block& b = *t_block;
    auto* p = static_cast<unsigned char*>(shared);
    if (p < b.shared.data() || p + 16 > b.shared.data() + b.shared.size()) fail("cp.async outside shared memory");
    b.fibers[std::size_t(b.current)].open.push_back({shared, global});
}

void cpAsyncCommit() {
    Fiber& f = t_block->fibers[std::size_t(t_block->current)];
    f.groups.push_back(std::move(f.open));
    f.open.clear();
}

void cpAsyncWait(int pendingGroups) {
    Fiber& f = t_block->fibers[std::size_t(t_block->current)];
    while (f.groups.size() > std::size_t(pendingGroups)) {
        for (const Fiber::Copy& c : f.groups.front()) std::memcpy(c.to, c.from, 16);
        f.groups.erase(f.groups.begin());
    }
}

void runGrid(dim3 grid, dim3 block, std::size_t sharedBytes, const std::function<void()>& body) {
    const unsigned n = block.x * block.y * block.z;
    if (n == 0 || n > 1024 || block.z > 64) fail("invalid block size");
    if (grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.y > 65535 || grid.z > 65535) fail("invalid grid size");
    if (sharedBytes > 227 * 1024) fail("more dynamic shared memory than a GPU has");
    if (t_block) fail("kernel launched from a kernel");
    Block b;
    b.body = &body;
    b.blockDims = {block.x, block.y, block.z};
    b.gridDims = {grid.x, grid.y, grid.z};
    b.fibers.resize(n);
    b.slots.resize(std::size_t((n + 31) / 32) * 32);
    b.exchange.resize(b.slots.size() * kExchangeBytes);
    while (t_stacks.size() < n) t_stacks.emplace_back(new char[kStackBytes]);
    t_block = &b;
    // Blocks run last to first: a kernel whose blocks overwrite each other's results (which the
    // device would race on) then leaves the lower block's write, not the natural order's.
    for (unsigned z = grid.z; z-- > 0;)
        for (unsigned y = grid.y; y-- > 0;)
            for (unsigned x = grid.x; x-- > 0;) {
                b.block = {x, y, z};
#ifdef QE_EMU_ASAN
                ASAN_UNPOISON_MEMORY_REGION(b.shared.data(), b.shared.size());
#endif
                b.shared.assign(sharedBytes + 128, 0xFF);  // NaN floats: reading unwritten shared memory shows
#ifdef QE_EMU_ASAN
                // Past the launch's bytes is out of bounds, as on the device.
                auto* end = static_cast<unsigned char*>(dynamicShared()) + sharedBytes;
                ASAN_POISON_MEMORY_REGION(end, std::size_t(b.shared.data() + b.shared.size() - end));
#endif
                for (unsigned i = 0; i < n; ++i) {
                    Fiber& f = b.fibers[i];
                    f.thread = {i % block.x, (i / block.x) % block.y, i / (block.x * block.y)};
                    f.warp = int(i / 32);
                    f.lane = int(i % 32);
                    f.state = State::Runnable;
                    f.open.clear();
                    f.groups.clear();
                    prepareFiber(f, t_stacks[i].get());
                }
                schedule(b);
            }
#ifdef QE_EMU_ASAN
    ASAN_UNPOISON_MEMORY_REGION(b.shared.data(), b.shared.size());
#endif
    t_block = nullptr;
}

}  // namespace qe::emu

// ---- CUDA runtime ---------------------------------------------------------------------------

namespace {

struct Allocation {
    void* base;
    std::size_t mapped;
    std::size_t bytes;
};
std::mutex g_mutex;
std::map<void*, Allocation> g_allocations;
std::size_t g_allocated = 0;
// The emulated GPU's memory: 8 GiB, or QE_CUDA_EMU_MEMORY bytes (tests of a GPU too small).
const std::size_t kDeviceBytes = [] {
    const char* bytes = std::getenv("QE_CUDA_EMU_MEMORY");
    return bytes ? std::size_t(std::strtoull(bytes, nullptr, 10)) : std::size_t(8ull << 30);
}();
cudaError_t g_lastError = cudaSuccess;

// The buffer ends right before an inaccessible page, so reading more than 15 bytes past its end
// faults.
void* guardedAlloc(std::size_t bytes) {
    const std::size_t page = std::size_t(sysconf(_SC_PAGESIZE));
    const std::size_t rounded = (bytes + 15) / 16 * 16;  // 16-byte aligned, as vector loads need
    const std::size_t mapped = (rounded + page - 1) / page * page + page;
    void* base = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return nullptr;
    char* guard = static_cast<char*>(base) + mapped - page;
    mprotect(guard, page, PROT_NONE);
    void* p = guard - rounded;
    // Like uninitialised device memory: garbage, here NaN (large buffers stay zero pages, so a
    // KV cache sized to the emulated GPU costs only the rows used).
    if (rounded <= (64u << 20)) std::memset(p, 0xFF, rounded);
    std::lock_guard lock(g_mutex);
    g_allocations[p] = {base, mapped, bytes};
    g_allocated += bytes;
    return p;
}

cudaError_t guardedFree(void* p) {
    if (!p) return cudaSuccess;
    std::lock_guard lock(g_mutex);
    auto it = g_allocations.find(p);
    if (it == g_allocations.end()) return cudaErrorInvalidValue;
    munmap(it->second.base, it->second.mapped);
    g_allocated -= it->second.bytes;
    g_allocations.erase(it);
    return cudaSuccess;
}

cudaError_t fail(cudaError_t e) { return g_lastError = e; }

// Fault injection for the tests of the backend's failure paths: while QE_CUDA_EMU_FAIL names a
// call (e.g. cudaGraphInstantiate), every call of it fails.
bool injectedFailure(std::string_view call) {
    const char* value = std::getenv("QE_CUDA_EMU_FAIL");
    return value && call == value;
}

struct EmuEvent {
    std::chrono::steady_clock::time_point at;
    bool captureOnly = false;  // last recorded into a capture as a dependency marker: no time
};

using Work = std::vector<std::function<void()>>;

struct EmuStream {
    bool capturing = false;
    bool invalidated = false;
    Work work;
};

struct EmuGraph {
    Work work;
};

int g_capturing = 0;  // streams capturing now

EmuStream* streamOf(cudaStream_t stream) { return reinterpret_cast<EmuStream*>(stream); }

// Dynamic shared memory a kernel may launch with beyond the default 48 KiB, as the device
// enforces it (a launch asking for more fails).
std::map<const void*, int> g_sharedLimit;

// A call CUDA refuses while `stream` (or, for stream-less calls, any stream) is capturing.
cudaError_t refuseInCapture(cudaStream_t stream) {
    EmuStream* s = stream ? streamOf(stream) : nullptr;
    if (s ? s->capturing : g_capturing > 0) {
        if (s) s->invalidated = true;
        return fail(cudaErrorStreamCaptureUnsupported);
    }
    return cudaSuccess;
}

}  // namespace

namespace qe::emu {

bool capturing(cudaStream_t stream) { return stream && streamOf(stream)->capturing; }
void record(cudaStream_t stream, std::function<void()> work) { streamOf(stream)->work.push_back(std::move(work)); }

}  // namespace qe::emu

extern "C" {

const char* cudaGetErrorName(cudaError_t e) {
    switch (e) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorStreamCaptureUnsupported: return "cudaErrorStreamCaptureUnsupported";
    case cudaErrorStreamCaptureInvalidated: return "cudaErrorStreamCaptureInvalidated";
    default: return "cudaError (emulated)";
    }
}
const char* cudaGetErrorString(cudaError_t e) {
    switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidValue: return "invalid argument";
    default: return "error (emulated)";
    }
}
cudaError_t cudaGetLastError() { return std::exchange(g_lastError, cudaSuccess); }
cudaError_t cudaPeekAtLastError() { return g_lastError; }

cudaError_t cudaGetDeviceCount(int* count) {
    *count = 1;
    return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : fail(cudaErrorInvalidDevice); }
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* props, int device) {
    if (device != 0) return fail(cudaErrorInvalidDevice);
    std::memset(props, 0, sizeof *props);
    std::snprintf(props->name, sizeof props->name, "CUDA emulator on the CPU");
    props->major = 9;
    props->minor = 0;
    props->totalGlobalMem = kDeviceBytes;
    return cudaSuccess;
}
cudaError_t cudaMemGetInfo(std::size_t* freeBytes, std::size_t* totalBytes) {
    std::lock_guard lock(g_mutex);
    *freeBytes = kDeviceBytes - g_allocated;
    *totalBytes = kDeviceBytes;
    return cudaSuccess;
}
cudaError_t cudaDeviceSynchronize() { return refuseInCapture(nullptr); }
// Setting a kernel's dynamic shared memory limit is refused during a capture here: the backend
// sets it before any.
cudaError_t cudaFuncSetAttribute(const void* kernel, cudaFuncAttribute attribute, int value) {
    if (const cudaError_t e = refuseInCapture(nullptr)) return e;
    if (attribute == cudaFuncAttributeMaxDynamicSharedMemorySize) {
        if (value < 0 || value > 227 * 1024) return fail(cudaErrorInvalidValue);
        std::lock_guard lock(g_mutex);
        g_sharedLimit[kernel] = value;
    }
    return cudaSuccess;
}

cudaError_t cudaMalloc(void** p, std::size_t bytes) {
    if (const cudaError_t e = refuseInCapture(nullptr)) return e;
    {
        std::lock_guard lock(g_mutex);
        if (g_allocated + bytes > kDeviceBytes) return fail(cudaErrorMemoryAllocation);
    }
    *p = guardedAlloc(bytes);
    return *p ? cudaSuccess : fail(cudaErrorMemoryAllocation);
}
cudaError_t cudaFree(void* p) {
    if (const cudaError_t e = refuseInCapture(nullptr)) return e;
    return guardedFree(p);
}
cudaError_t cudaHostAlloc(void** p, std::size_t bytes, unsigned int) {
    *p = std::malloc(bytes);
    return *p ? cudaSuccess : fail(cudaErrorMemoryAllocation);
}
cudaError_t cudaFreeHost(void* p) {
    std::free(p);
    return cudaSuccess;
}
cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind) {
    if (const cudaError_t e = refuseInCapture(nullptr)) return e;
    std::memmove(dst, src, bytes);
    return cudaSuccess;
}
// In a capture only device-to-device copies are taken (the backend captures no host copy; CUDA
// would take pinned ones but not pageable ones).
cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind, cudaStream_t stream) {
    if (qe::emu::capturing(stream)) {
        if (kind != cudaMemcpyDeviceToDevice) return refuseInCapture(stream);
        qe::emu::record(stream, [=] { std::memmove(dst, src, bytes); });
        return cudaSuccess;
    }
    std::memmove(dst, src, bytes);
    return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int) {
    *stream = reinterpret_cast<cudaStream_t>(new EmuStream{});
    return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t stream) {
    EmuStream* s = streamOf(stream);
    if (s && s->capturing) --g_capturing;
    delete s;
    return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t stream) { return refuseInCapture(stream); }

cudaError_t cudaStreamBeginCapture(cudaStream_t stream, cudaStreamCaptureMode) {
    if (!stream) return fail(cudaErrorStreamCaptureUnsupported);  // the legacy stream cannot capture
    EmuStream* s = streamOf(stream);
    if (s->capturing) return fail(cudaErrorIllegalState);
    if (injectedFailure("cudaStreamBeginCapture")) return fail(cudaErrorStreamCaptureUnsupported);
    *s = EmuStream{true, false, {}};
    ++g_capturing;
    return cudaSuccess;
}
cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t* graph) {
    EmuStream* s = stream ? streamOf(stream) : nullptr;
    if (!s || !s->capturing) return fail(cudaErrorIllegalState);
    --g_capturing;
    s->capturing = false;
    *graph = nullptr;
    if (std::exchange(s->invalidated, false) || injectedFailure("cudaStreamEndCapture")) {
        s->work.clear();
        return fail(cudaErrorStreamCaptureInvalidated);
    }
    *graph = reinterpret_cast<cudaGraph_t>(new EmuGraph{std::move(s->work)});
    s->work.clear();
    return cudaSuccess;
}
cudaError_t cudaStreamIsCapturing(cudaStream_t stream, cudaStreamCaptureStatus* status) {
    const EmuStream* s = stream ? streamOf(stream) : nullptr;
    *status = !s || !s->capturing ? cudaStreamCaptureStatusNone
              : s->invalidated    ? cudaStreamCaptureStatusInvalidated
                                  : cudaStreamCaptureStatusActive;
    return cudaSuccess;
}
cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long) {
    if (!graph) return fail(cudaErrorInvalidValue);
    if (const cudaError_t e = refuseInCapture(nullptr)) return e;
    if (injectedFailure("cudaGraphInstantiate")) return fail(cudaErrorMemoryAllocation);
    *exec = reinterpret_cast<cudaGraphExec_t>(new EmuGraph(*reinterpret_cast<EmuGraph*>(graph)));
    return cudaSuccess;
}
cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
    if (!exec) return fail(cudaErrorInvalidValue);
    if (injectedFailure("cudaGraphLaunch")) return fail(cudaErrorNotSupported);
    for (const auto& work : reinterpret_cast<EmuGraph*>(exec)->work) {
        if (qe::emu::capturing(stream))
            qe::emu::record(stream, work);
        else
            work();
    }
    return cudaSuccess;
}
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
    delete reinterpret_cast<EmuGraph*>(exec);
    return cudaSuccess;
}
cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
    delete reinterpret_cast<EmuGraph*>(graph);
    return cudaSuccess;
}

cudaError_t cudaEventCreate(cudaEvent_t* event) {
    *event = reinterpret_cast<cudaEvent_t>(new EmuEvent{});
    return cudaSuccess;
}
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int) { return cudaEventCreate(event); }
cudaError_t cudaEventDestroy(cudaEvent_t event) {
    delete reinterpret_cast<EmuEvent*>(event);
    return cudaSuccess;
}
cudaError_t cudaEventRecordWithFlags(cudaEvent_t event, cudaStream_t stream, unsigned int flags) {
    auto* e = reinterpret_cast<EmuEvent*>(event);
    if (qe::emu::capturing(stream)) {
        if (flags & cudaEventRecordExternal)  // an event record node: timed when the graph runs
            qe::emu::record(stream, [e] {
                e->at = std::chrono::steady_clock::now();
                e->captureOnly = false;
            });
        else
            e->captureOnly = true;  // only orders work inside the capture
        return cudaSuccess;
    }
    e->at = std::chrono::steady_clock::now();
    e->captureOnly = false;
    return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) { return cudaEventRecordWithFlags(event, stream, 0); }
cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
    if (reinterpret_cast<EmuEvent*>(start)->captureOnly || reinterpret_cast<EmuEvent*>(end)->captureOnly)
        return fail(cudaErrorInvalidResourceHandle);
    if (injectedFailure("cudaEventElapsedTime")) return fail(cudaErrorInvalidResourceHandle);
    *ms = std::chrono::duration<float, std::milli>(reinterpret_cast<EmuEvent*>(end)->at - reinterpret_cast<EmuEvent*>(start)->at).count();
    return cudaSuccess;
}

// ---- cuBLAS ---------------------------------------------------------------------------------

struct EmuBlas {
    cudaStream_t stream = nullptr;
};
cublasStatus_t cublasCreate_v2(cublasHandle_t* handle) {
    *handle = reinterpret_cast<cublasHandle_t>(new EmuBlas{});
    return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) {
    delete reinterpret_cast<EmuBlas*>(handle);
    return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t stream) {
    reinterpret_cast<EmuBlas*>(handle)->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t, void*, std::size_t) { return CUBLAS_STATUS_SUCCESS; }
const char* cublasGetStatusName(cublasStatus_t s) { return s == CUBLAS_STATUS_SUCCESS ? "CUBLAS_STATUS_SUCCESS" : "CUBLAS_STATUS_ERROR"; }
const char* cublasGetStatusString(cublasStatus_t s) { return s == CUBLAS_STATUS_SUCCESS ? "success" : "error (emulated)"; }

// C = α·op(A)·op(B) + β·C, column-major, as the cuBLAS documentation defines it; only the types
// the backend uses (bf16 inputs, fp32 output and compute).
cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
                            const void* alpha, const void* A, cudaDataType Atype, int lda, const void* B, cudaDataType Btype,
                            int ldb, const void* beta, void* C, cudaDataType Ctype, int ldc, cublasComputeType_t computeType,
                            cublasGemmAlgo_t) {
    if (Atype != CUDA_R_16BF || Btype != CUDA_R_16BF || Ctype != CUDA_R_32F || computeType != CUBLAS_COMPUTE_32F)
        return CUBLAS_STATUS_NOT_SUPPORTED;
    if (m < 0 || n < 0 || k < 0) return CUBLAS_STATUS_INVALID_VALUE;
    if (lda < std::max(1, transa == CUBLAS_OP_N ? m : k) || ldb < std::max(1, transb == CUBLAS_OP_N ? k : n) ||
        ldc < std::max(1, m))
        return CUBLAS_STATUS_INVALID_VALUE;
    const auto* a = static_cast<const __nv_bfloat16*>(A);
    const auto* b = static_cast<const __nv_bfloat16*>(B);
    auto* c = static_cast<float*>(C);
    // Host-pointer mode: α and β are read at the call, also when it is captured.
    const float al = *static_cast<const float*>(alpha), be = *static_cast<const float*>(beta);
    auto product = [=] {
        for (int j = 0; j < n; ++j)
            for (int i = 0; i < m; ++i) {
                float acc = 0.0f;
                for (int l = 0; l < k; ++l) {
                    const float x =
                        __bfloat162float(transa == CUBLAS_OP_N ? a[i + std::size_t(l) * lda] : a[l + std::size_t(i) * lda]);
                    const float y =
                        __bfloat162float(transb == CUBLAS_OP_N ? b[l + std::size_t(j) * ldb] : b[j + std::size_t(l) * ldb]);
                    acc += x * y;
                }
                float& out = c[i + std::size_t(j) * ldc];
                out = al * acc + (be == 0.0f ? 0.0f : be * out);
            }
    };
    if (const cudaStream_t stream = reinterpret_cast<EmuBlas*>(handle)->stream; qe::emu::capturing(stream))
        qe::emu::record(stream, product);
    else
        product();
    return CUBLAS_STATUS_SUCCESS;
}

}  // extern "C"

bool qe::emu::launchAllowed(const void* kernel, std::size_t sharedBytes) {
    if (sharedBytes <= 48 * 1024) return true;
    std::lock_guard lock(g_mutex);
    const auto limit = g_sharedLimit.find(kernel);
    if (limit != g_sharedLimit.end() && sharedBytes <= std::size_t(limit->second)) return true;
    g_lastError = cudaErrorInvalidValue;  // what the device says to such a launch
    return false;
}
