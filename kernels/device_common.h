// What the CUDA kernel files share (device_kernels.cu, sampling.cu): the launch macros the CPU
// emulator replaces, and warp and block reductions. Included by .cu files only.
#pragma once

#include <cuda_bf16.h>

#include <cmath>
#include <cstdint>

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

// Warp-level tensor-core primitives of sm_80 and later (PTX mma.sync, ldmatrix, cp.async); the
// CPU emulator implements the same functions from the PTX ISA's fragment layouts
// (tests/gpu/emu/cuda_emu.h). In a warp, g = lane / 4 and t = lane % 4:
//  - mmaBf16: d += a·b for a 16×16 bf16 A (row-major), a 16×8 bf16 B and a 16×8 fp32 D; a[0..3]
//    hold A's (g, 2t..2t+1), (g + 8, 2t..), (g, 2t + 8..), (g + 8, 2t + 8..); b[0..1] hold B's
//    (2t..2t+1, g), (2t + 8.., g); d holds D's (g, 2t), (g, 2t + 1), (g + 8, 2t), (g + 8, 2t + 1).
//    A 32-bit register holds two bf16, the lower index in the low half.
//  - ldmatrixX4: four 8×8 bf16 matrices from shared memory; lanes 8i..8i+7 give the addresses of
//    matrix i's rows (16 bytes each, 16-byte aligned) and r[i] gets row g, columns 2t..2t+1 of
//    it. ldmatrixX4Trans gives the transpose: rows 2t..2t+1, column g.
//  - cpAsync16 copies 16 bytes from global to shared memory in the background; cpAsyncCommit
//    closes a group of copies and cpAsyncWait<N>() waits until at most N groups are in flight.
#if !defined(QE_CUDA_EMULATOR)
__device__ __forceinline__ void mmaBf16(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
                 "{%0, %1, %2, %3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
__device__ __forceinline__ void ldmatrixX4(unsigned (&r)[4], const void* row) {
    const auto address = static_cast<unsigned>(__cvta_generic_to_shared(row));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(address)
                 : "memory");
}
__device__ __forceinline__ void ldmatrixX4Trans(unsigned (&r)[4], const void* row) {
    const auto address = static_cast<unsigned>(__cvta_generic_to_shared(row));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(address)
                 : "memory");
}
__device__ __forceinline__ void cpAsync16(void* shared, const void* global) {
    const auto address = static_cast<unsigned>(__cvta_generic_to_shared(shared));
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(address), "l"(global) : "memory");
}
__device__ __forceinline__ void cpAsyncCommit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
template <int N>
__device__ __forceinline__ void cpAsyncWait() {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
}
#endif

// Two floats as a bf16 pair in one register (the first in the low half), as mmaBf16 takes them.
__device__ __forceinline__ unsigned packBf16(float lo, float hi) {
    return static_cast<unsigned>(__bfloat16_as_ushort(__float2bfloat16(lo))) |
           static_cast<unsigned>(__bfloat16_as_ushort(__float2bfloat16(hi))) << 16;
}

}  // namespace qe::cuda
