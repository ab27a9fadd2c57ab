// The C entry points of the CUDA backend library (libqe_cuda.so), shared by the loader in
// core/backend.cpp and the library in kernels/. Both sides are built from this tree with the
// same compiler, so C++ objects cross the boundary; the ABI number catches a stale library.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>

#include "core/backend.h"

namespace qe {

inline constexpr int kCudaPluginAbi = 5;

struct CudaCreateArgs {
    const Weights* weights = nullptr;          // or, for benchmarks:
    const ModelConfig* syntheticConfig = nullptr;  // random weights made on the device
    std::uint64_t syntheticSeed = 0;
    CudaBackendOptions options;
    std::stop_token stop;
    std::function<void(std::uint64_t, std::uint64_t)> progress;
};

}  // namespace qe

extern "C" {
// Returns kCudaPluginAbi of the library.
using QeCudaAbiFn = int (*)();
// Fills `out` with the devices (or the reason there are none).
using QeCudaProbeFn = void (*)(qe::CudaProbe* out);
// Creates the backend; never throws.
using QeCudaCreateFn = void (*)(const qe::CudaCreateArgs* args, qe::Result<std::unique_ptr<qe::Backend>>* out);
// Measures copy bandwidth and GEMM rate.
using QeCudaCeilingsFn = void (*)(int device, std::uint64_t copyBytes, int gemmSize, int gemvRows, int gemvCols,
                                  const qe::CudaAttentionShape* attention, qe::Result<qe::CudaCeilings>* out);
}

#define QE_CUDA_ABI_SYMBOL "qe_cuda_abi"
#define QE_CUDA_PROBE_SYMBOL "qe_cuda_probe"
#define QE_CUDA_CREATE_SYMBOL "qe_cuda_create"
#define QE_CUDA_CEILINGS_SYMBOL "qe_cuda_ceilings"
