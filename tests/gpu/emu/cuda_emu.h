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

#include <cstddef>
#include <functional>

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
float shuffle(float value, int lane, bool xorMode);
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
inline float __shfl_xor_sync(unsigned, float value, int laneMask) { return ::qe::emu::shuffle(value, laneMask, true); }
inline float __shfl_sync(unsigned, float value, int srcLane) { return ::qe::emu::shuffle(value, srcLane, false); }
#define QE_LAUNCH(kernel, grid, block, shared, stream) ::qe::emu::launch(kernel, grid, block, shared, stream)
#define QE_DYNAMIC_SHARED(type, name) type* name = static_cast<type*>(::qe::emu::dynamicShared())
