// ThreadPool: fixed workers for the CPU kernels. Thread mapping: the owner thread is worker 0 and
// workers 1..size-1 are std::threads; [0, n) is cut into chunks that every participant claims from
// one atomic counter until none are left, so a slow (preempted) thread delays at most one chunk.
//
// Hand-off without allocation or locks on the fast path. `job` packs the job id (high 32 bits), a
// "closed" bit and the number of workers inside the job. The owner publishes the job fields, stores
// a new id, and runs chunks itself; once the chunks are gone it closes the job and waits only for
// workers that joined. A worker that wakes late finds the job closed and never touches its fields,
// so an oversubscribed machine (threads not scheduled) costs the owner nothing. Idle workers spin
// on `job` with pause for kSpinTime, then sleep on a condition variable; sleeping uses Dekker-style
// pairs of seq_cst atomics (sleepers/job, ownerSleeping/job) so no wake-up is lost.
//
// Exceptions: a chunk that throws (in practice std::bad_alloc from a kernel's growing per-thread
// scratch) records the first exception and empties the chunk counter, so nobody starts another
// chunk; the owner rethrows it once every worker has left, and the pool stays usable.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "core/cpu/cpu_kernels.h"

namespace qe::cpu {

namespace {

using Fn = std::function<void(std::int64_t, std::int64_t, int)>;

// ~50 us of spinning covers the gap between consecutive kernels of one decoded token
// (norms, rope, residual adds run on the owner alone) without burning a core when idle.
constexpr auto kSpinTime = std::chrono::microseconds(50);
// Each participant gets about this many chunks, so dynamic claiming can balance uneven progress.
constexpr std::int64_t kChunksPerThread = 4;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
}

// Spins until done() or kSpinTime has passed; returns done().
template <class Pred>
bool spinUntil(Pred done) {
    const auto start = std::chrono::steady_clock::now();
    for (unsigned i = 1;; ++i) {
        if (done()) return true;
        cpuRelax();
        if ((i & 63) == 0 && std::chrono::steady_clock::now() - start > kSpinTime) return done();
    }
}

std::atomic<std::int64_t> gWakeDelayUs{0};  // setWakeDelayForTesting

}  // namespace

struct ThreadPool::Impl {
    static constexpr std::uint64_t kClosed = 1u << 31;
    static constexpr std::uint64_t kMembers = kClosed - 1;

    int size = 1;
    std::vector<std::thread> threads;

    // Job fields: written by the owner before the new id is published, read only by joined workers.
    const Fn* fn = nullptr;
    std::int64_t n = 0;
    std::int64_t chunk = 1;
    std::int64_t numChunks = 0;

    alignas(64) std::atomic<std::uint64_t> job{0};  // id << 32 | closed bit | joined workers
    alignas(64) std::atomic<std::int64_t> nextChunk{0};
    alignas(64) std::atomic<int> sleepers{0};
    std::atomic<bool> ownerSleeping{false};
    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::condition_variable wakeWorkers;
    std::condition_variable wakeOwner;
    std::mutex errorMutex;
    std::exception_ptr error;  // first exception of the current job; read by the owner after closeAndWait

    static std::uint32_t idOf(std::uint64_t state) { return std::uint32_t(state >> 32); }

    void runChunks(int worker) {
        for (;;) {
            const std::int64_t c = nextChunk.fetch_add(1, std::memory_order_relaxed);
            if (c >= numChunks) return;
            const std::int64_t begin = c * chunk;
            try {
                (*fn)(begin, std::min(n, begin + chunk), worker);
            } catch (...) {
                std::lock_guard lock(errorMutex);
                if (!error) error = std::current_exception();
                nextChunk.store(numChunks, std::memory_order_relaxed);  // the others stop after their chunk
                return;
            }
        }
    }

    // Joins job `id` unless it was closed or replaced; on success the caller must leave().
    bool join(std::uint32_t id) {
        std::uint64_t state = job.load(std::memory_order_acquire);
        while (idOf(state) == id && !(state & kClosed))
            if (job.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel, std::memory_order_acquire)) return true;
        return false;
    }

    void leave() {
        const std::uint64_t before = job.fetch_sub(1, std::memory_order_seq_cst);
        if ((before & kMembers) == 1 && ownerSleeping.load(std::memory_order_seq_cst)) {
            { std::lock_guard lock(mutex); }
            wakeOwner.notify_one();
        }
    }

    void workerLoop(int worker) {
        std::uint32_t seen = 0;
        for (;;) {
            auto changed = [&] { return idOf(job.load(std::memory_order_seq_cst)) != seen; };
            if (!spinUntil(changed)) {
                std::unique_lock lock(mutex);
                sleepers.fetch_add(1, std::memory_order_seq_cst);
                wakeWorkers.wait(lock, changed);
                sleepers.fetch_sub(1, std::memory_order_relaxed);
            }
            // Read the id before the stop flag: the destructor sets the flag and then publishes a
            // new id, so a worker that took that id also sees the flag. (The other order let a
            // worker pass the check, take the stop id as `seen` and sleep forever on it.)
            seen = idOf(job.load(std::memory_order_acquire));
            if (const auto delay = gWakeDelayUs.load(std::memory_order_relaxed); delay > 0)
                std::this_thread::sleep_for(std::chrono::microseconds(delay));
            if (stopping.load(std::memory_order_acquire)) return;
            if (join(seen)) {
                runChunks(worker);
                leave();
            }
        }
    }

    void publish(std::uint32_t id) {
        job.store(std::uint64_t(id) << 32, std::memory_order_seq_cst);  // release: publishes the fields
        if (sleepers.load(std::memory_order_seq_cst) > 0) {
            { std::lock_guard lock(mutex); }
            wakeWorkers.notify_all();
        }
    }

    // Closes the job to late joiners, then waits (spin, then sleep) for the workers inside it.
    void closeAndWait() {
        job.fetch_or(kClosed, std::memory_order_acq_rel);
        auto allLeft = [&] { return (job.load(std::memory_order_seq_cst) & kMembers) == 0; };
        if (spinUntil(allLeft)) return;
        std::unique_lock lock(mutex);
        ownerSleeping.store(true, std::memory_order_seq_cst);
        wakeOwner.wait(lock, allLeft);
        ownerSleeping.store(false, std::memory_order_relaxed);
    }
};

ThreadPool::ThreadPool(int threads) : m_impl(new Impl) {
    if (threads <= 0) threads = std::max(1, int(std::thread::hardware_concurrency()));
    m_impl->size = threads;
    m_impl->threads.reserve(std::size_t(threads - 1));
    for (int worker = 1; worker < threads; ++worker) m_impl->threads.emplace_back([this, worker] { m_impl->workerLoop(worker); });
}

ThreadPool::~ThreadPool() {
    m_impl->stopping.store(true, std::memory_order_seq_cst);
    m_impl->publish(Impl::idOf(m_impl->job.load()) + 1);
    for (auto& t : m_impl->threads) t.join();
    delete m_impl;
}

void ThreadPool::setWakeDelayForTesting(std::int64_t microseconds) {
    gWakeDelayUs.store(std::max<std::int64_t>(microseconds, 0), std::memory_order_relaxed);
}

int ThreadPool::size() const { return m_impl->size; }

void ThreadPool::parallelFor(std::int64_t n, std::int64_t grain, const Fn& fn) {
    if (n <= 0) return;
    grain = std::max<std::int64_t>(grain, 1);
    Impl& p = *m_impl;
    const std::int64_t chunk = std::max(grain, (n + p.size * kChunksPerThread - 1) / (p.size * kChunksPerThread));
    if (p.size == 1 || chunk >= n) {
        fn(0, n, 0);
        return;
    }
    p.fn = &fn;
    p.n = n;
    p.chunk = chunk;
    p.numChunks = (n + chunk - 1) / chunk;
    p.nextChunk.store(0, std::memory_order_relaxed);
    p.publish(Impl::idOf(p.job.load(std::memory_order_relaxed)) + 1);
    p.runChunks(0);
    p.closeAndWait();
    std::exception_ptr error;
    {
        std::lock_guard lock(p.errorMutex);
        error = std::exchange(p.error, nullptr);
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace qe::cpu
