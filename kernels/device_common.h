// What the CUDA kernel files share (device_kernels.cu, sampling.cu): the launch macros the CPU
// emulator replaces, and warp and block reductions. Included by .cu files only.
#pragma once

#include <cmath>

#include "kernels/plan.h"

// Launch syntax and dynamic shared memory through macros, so that the CPU emulator of the GPU
// tests (tests/gpu/emu) can compile the kernels as plain C++ and run them on the host.
#ifndef QE_LAUNCH
#define QE_LAUNCH(kernel, grid, block, shared, stream) kernel<<<grid, block, shared, stream>>>
#define QE_DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif

namespace qe::cuda {

inline constexpr unsigned kFullMask = 0xffffffffu;

struct AddOp {
    template <class T>
    __device__ T operator()(T a, T b) const { return a + b; }
};
struct MaxOp {
    __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};
struct MinOp {
    __device__ int operator()(int a, int b) const { return a < b ? a : b; }
};

// Every lane of the warp gets the reduction of `v`.
template <class T, class Op>
__device__ __forceinline__ T warpReduce(T v, Op op) {
    for (int offset = kWarp / 2; offset > 0; offset >>= 1) v = op(v, __shfl_xor_sync(kFullMask, v, offset));
    return v;
}

// Reduction over a 1-D block whose size is a multiple of 32; `scratch` holds a value per warp.
// Every thread gets the result. Safe to call repeatedly (the first barrier protects the scratch).
template <class T, class Op>
__device__ T blockReduce(T v, T* scratch, Op op, T identity) {
    v = warpReduce(v, op);
    const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp, warps = blockDim.x / kWarp;
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    T total = identity;
    for (int i = 0; i < warps; ++i) total = op(total, scratch[i]);
    return total;
}

}  // namespace qe::cuda
