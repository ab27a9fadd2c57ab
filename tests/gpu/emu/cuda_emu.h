// A CPU emulator of the small part of CUDA our kernels use, so the GPU tests also run (slowly,
// but exactly) on machines without a GPU. Force-included before kernels/device_kernels.cu when it
// is compiled as plain C++ (device_kernels_emu.cpp):
//  - each CUDA thread of a block is a fiber (ucontext) scheduled cooperatively; __syncthreads()
//    and the warp primitives (__syncwarp, __shfl_sync, __shfl_xor_sync) are barriers at which
//    the scheduler switches, so reductions and online softmax run as on the device;
//  - blocks run one after another (last to first); dynamic shared memory is filled with NaN at
//    each block start (reading what no thread wrote shows up);
//  - cuda_emu.cpp implements the CUDA runtime and cuBLAS entry points the backend calls, on host
//    memory with a guard page after each allocation (reading past its end faults).
// A barrier that can never be released (divergent __syncthreads) aborts with a message.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>
#include <utility>

namespace qe::emu {

struct Index {
    unsigned x = 0, y = 0, z = 0;
};

const Index& threadIndex();
const Index& blockIndex();
const Index& blockDimension();
const Index& gridDimension();
void syncThreads();
void syncWarp();
// Warp collectives on a 64-bit slot per lane: shuffles of any type of up to 8 bytes, and
// __match_any_sync.
std::uint64_t shuffleBits(std::uint64_t bits, int lane, bool xorMode);
unsigned matchAny(std::uint64_t bits);
template <class T>
T shuffle(T value, int lane, bool xorMode) {
    static_assert(sizeof(T) <= 8);
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    bits = shuffleBits(bits, lane, xorMode);
    std::memcpy(&value, &bits, sizeof(T));
    return value;
}
void* dynamicShared();
void runGrid(dim3 grid, dim3 block, std::size_t sharedBytes, const std::function<void()>& body);
// False (and the last error set, as the device does) for a launch with more than 48 KiB of dynamic
// shared memory that cudaFuncSetAttribute did not allow for this kernel.
bool launchAllowed(const void* kernel, std::size_t sharedBytes);

// wmma's checks: a warp-wide operation starts with every lane arriving (as the real one waits);
// pointers must be 256-bit aligned and the leading dimension a multiple of 16 bytes.
void wmmaEnter(const void* pointer, unsigned leading, std::size_t elementBytes);

// The sm_80 warp primitives of kernels/device_common.h, from the PTX ISA's fragment layouts:
// every lane arrives, deposits its registers (or row address), and reads what it gets.
void mmaBf16(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]);
void ldmatrixX4(unsigned (&r)[4], const void* row, bool transpose);
// cp.async: the copies wait in the issuing thread's groups and happen when it waits for them, so
// reading a tile before cp.async.wait_group (and the barrier after it) reads stale data.
void cpAsync16(void* shared, const void* global);
void cpAsyncCommit();
void cpAsyncWait(int pendingGroups);

// Stream capture (CUDA graphs): while `stream` is capturing, work enqueued on it is recorded
// (arguments by value, as a kernel node keeps them) and runs when the graph is launched.
bool capturing(cudaStream_t stream);
void record(cudaStream_t stream, std::function<void()> work);

template <class Kernel>
struct Launch {
    Kernel* kernel;
    dim3 grid, block;
    std::size_t shared;
    cudaStream_t stream;
    template <class... Args>
    void operator()(Args... args) const {
        if (!launchAllowed(reinterpret_cast<const void*>(kernel), shared)) return;
        if (capturing(stream)) {
            record(stream, [kernel = kernel, grid = grid, block = block, shared = shared, args...] {
                runGrid(grid, block, shared, [&] { kernel(args...); });
            });
            return;
        }
        runGrid(grid, block, shared, [&] { kernel(args...); });
    }
};
template <class Kernel>
Launch<Kernel> launch(Kernel* kernel, dim3 grid, dim3 block, std::size_t shared, cudaStream_t stream) {
    return {kernel, grid, block, shared, stream};
}

}  // namespace qe::emu

#undef __launch_bounds__
#define __launch_bounds__(...)
#define threadIdx (::qe::emu::threadIndex())
#define blockIdx (::qe::emu::blockIndex())
#define blockDim (::qe::emu::blockDimension())
#define gridDim (::qe::emu::gridDimension())
#define __syncthreads() ::qe::emu::syncThreads()
#define __syncwarp(...) ::qe::emu::syncWarp()
template <class T>
T __shfl_xor_sync(unsigned, T value, int laneMask) { return ::qe::emu::shuffle(value, laneMask, true); }
template <class T>
T __shfl_sync(unsigned, T value, int srcLane) { return ::qe::emu::shuffle(value, srcLane, false); }
inline unsigned __match_any_sync(unsigned, int value) { return ::qe::emu::matchAny(static_cast<std::uint32_t>(value)); }
// Fibers switch only at barriers, so a read-modify-write is atomic.
inline int atomicAdd(int* address, int value) { return std::exchange(*address, *address + value); }
inline unsigned __float_as_uint(float v) { return std::bit_cast<unsigned>(v); }
inline float __uint_as_float(unsigned v) { return std::bit_cast<float>(v); }
inline int __popc(unsigned v) { return std::popcount(v); }
inline int __ffs(unsigned v) { return v ? std::countr_zero(v) + 1 : 0; }
#define QE_CUDA_EMULATOR 1
namespace qe::cuda {
inline void mmaBf16(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) { ::qe::emu::mmaBf16(d, a, b); }
inline void ldmatrixX4(unsigned (&r)[4], const void* row) { ::qe::emu::ldmatrixX4(r, row, false); }
inline void ldmatrixX4Trans(unsigned (&r)[4], const void* row) { ::qe::emu::ldmatrixX4(r, row, true); }
inline void cpAsync16(void* shared, const void* global) { ::qe::emu::cpAsync16(shared, global); }
inline void cpAsyncCommit() { ::qe::emu::cpAsyncCommit(); }
template <int N>
void cpAsyncWait() { ::qe::emu::cpAsyncWait(N); }
}  // namespace qe::cuda
#define QE_LAUNCH(kernel, grid, block, shared, stream) ::qe::emu::launch(kernel, grid, block, shared, stream)
#define QE_DYNAMIC_SHARED(type, name) type* name = static_cast<type*>(::qe::emu::dynamicShared())

// Tensor-core fragments. A real fragment spreads its tile over the warp's lanes in an unspecified
// layout; here every lane holds the whole tile (row-major), so code that only loads, multiplies
// and stores fragments behaves exactly as on the device.
namespace nvcuda::wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <class Use, int M, int N, int K, class T, class Layout = void>
struct fragment {
    static constexpr int rows = std::is_same_v<Use, matrix_b> ? K : M;
    static constexpr int cols = std::is_same_v<Use, matrix_a> ? K : N;
    T x[rows * cols];
};

template <class Use, int M, int N, int K, class T, class Layout>
void fill_fragment(fragment<Use, M, N, K, T, Layout>& f, T value) {
    for (T& v : f.x) v = value;
}

template <class Use, int M, int N, int K, class T, class Layout>
void load_matrix_sync(fragment<Use, M, N, K, T, Layout>& f, const T* p, unsigned ldm) {
    using F = fragment<Use, M, N, K, T, Layout>;
    ::qe::emu::wmmaEnter(p, ldm, sizeof(T));
    constexpr bool rowMajor = std::is_same_v<Layout, row_major>;
    for (int r = 0; r < F::rows; ++r)
        for (int c = 0; c < F::cols; ++c) f.x[r * F::cols + c] = rowMajor ? p[std::size_t(r) * ldm + c] : p[std::size_t(c) * ldm + r];
}

template <int M, int N, int K>
void load_matrix_sync(fragment<accumulator, M, N, K, float>& f, const float* p, unsigned ldm, layout_t layout) {
    ::qe::emu::wmmaEnter(p, ldm, sizeof(float));
    for (int r = 0; r < M; ++r)
        for (int c = 0; c < N; ++c) f.x[r * N + c] = layout == mem_row_major ? p[std::size_t(r) * ldm + c] : p[std::size_t(c) * ldm + r];
}

template <int M, int N, int K>
void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm, layout_t layout) {
    ::qe::emu::wmmaEnter(p, ldm, sizeof(float));
    for (int r = 0; r < M; ++r)
        for (int c = 0; c < N; ++c) (layout == mem_row_major ? p[std::size_t(r) * ldm + c] : p[std::size_t(c) * ldm + r]) = f.x[r * N + c];
}

// d = a·b + c with fp32 accumulation.
template <int M, int N, int K, class T, class LayoutA, class LayoutB>
void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, T, LayoutA>& a,
              const fragment<matrix_b, M, N, K, T, LayoutB>& b, const fragment<accumulator, M, N, K, float>& c) {
    ::qe::emu::wmmaEnter(nullptr, 0, 0);
    float result[M * N];
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            float acc = c.x[i * N + j];
            for (int k = 0; k < K; ++k) acc += float(a.x[i * K + k]) * float(b.x[k * N + j]);
            result[i * N + j] = acc;
        }
    for (int i = 0; i < M * N; ++i) d.x[i] = result[i];
}
}  // namespace nvcuda::wmma
