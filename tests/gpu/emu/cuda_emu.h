// A CPU emulator of the small part of CUDA our kernels use, so the GPU tests also run (slowly,
// but exactly) on machines without a GPU. Force-included before kernels/device_kernels.cu when it
// is compiled as plain C++ (device_kernels_emu.cpp):
//  - each CUDA thread of a block is a fiber (ucontext) scheduled cooperatively; __syncthreads()
//    and the warp primitives (__syncwarp, __shfl_sync, __shfl_xor_sync) are barriers at which
//    the scheduler switches, so reductions and online softmax run as on the device;
//  - blocks run one after another; dynamic shared memory is filled with NaN at each block start
//    (reading what no thread wrote shows up);
//  - cuda_emu.cpp implements the CUDA runtime and cuBLAS entry points the backend calls, on host
//    memory with a guard page after each allocation (reading past its end faults).
// A barrier that can never be released (divergent __syncthreads) aborts with a message.
#pragma once

#include <cuda_runtime.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
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

template <class Kernel>
struct Launch {
    Kernel* kernel;
    dim3 grid, block;
    std::size_t shared;
    template <class... Args>
    void operator()(Args... args) const {
        runGrid(grid, block, shared, [&] { kernel(args...); });
    }
};
template <class Kernel>
Launch<Kernel> launch(Kernel* kernel, dim3 grid, dim3 block, std::size_t shared, cudaStream_t) {
    return {kernel, grid, block, shared};
}

}  // namespace qe::emu

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
#define QE_LAUNCH(kernel, grid, block, shared, stream) ::qe::emu::launch(kernel, grid, block, shared, stream)
#define QE_DYNAMIC_SHARED(type, name) type* name = static_cast<type*>(::qe::emu::dynamicShared())
