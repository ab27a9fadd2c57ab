// The C entry points of libqe_cuda.so (core/backend_plugin.h). Nothing may escape as an exception.
#include <new>

#include "core/backend_plugin.h"
#include "kernels/cuda_backend.h"

#define QE_EXPORT extern "C" __attribute__((visibility("default")))

QE_EXPORT int qe_cuda_abi() { return qe::kCudaPluginAbi; }

QE_EXPORT void qe_cuda_probe(qe::CudaProbe* out) {
    try {
        qe::cuda::probeDevices(out);
    } catch (const std::exception& e) {
        out->devices.clear();
        out->error = std::string("CUDA probe failed: ") + e.what();
    }
}

QE_EXPORT void qe_cuda_ceilings(int device, std::uint64_t copyBytes, int gemmSize, int gemvRows, int gemvCols,
                                const qe::CudaAttentionShape* attention, qe::Result<qe::CudaCeilings>* out) {
    try {
        *out = qe::cuda::measureCeilings(device, copyBytes, gemmSize, gemvRows, gemvCols, *attention);
    } catch (const std::exception& e) {
        *out = qe::makeError(qe::ErrorCode::Internal, std::string("CUDA ceilings: ") + e.what());
    }
}

QE_EXPORT void qe_cuda_create(const qe::CudaCreateArgs* args, qe::Result<std::unique_ptr<qe::Backend>>* out) {
    try {
        *out = qe::cuda::createBackend(*args);
    } catch (const std::bad_alloc&) {
        *out = qe::makeError(qe::ErrorCode::OutOfMemory, "out of host memory while setting up the CUDA backend");
    } catch (const std::exception& e) {
        *out = qe::makeError(qe::ErrorCode::Internal, std::string("CUDA backend: ") + e.what());
    }
}
