// The CUDA backend (issue #5): Qwen3 in bf16 on one NVIDIA GPU, behind qe::Backend.
//  - Weights: bf16 on the device (f32/f16 checkpoints are rounded to bf16 while uploading),
//    q/k/v and gate/up concatenated so each is one GEMM; norms fp32. Streamed from the mapped
//    files through two pinned staging buffers.
//  - Per layer: fused residual add + RMSNorm (bf16 out), QKV GEMM (cuBLAS, bf16 in, fp32 out),
//    fused q/k-norm + RoPE writing bf16 K/V to the cache, online-softmax attention (GQA, causal,
//    no score matrix), o_proj GEMM, add + norm, gate/up GEMM, SwiGLU, down GEMM.
//  - KV cache and kept hidden states live on the device; diagnostics are computed there and
//    copied back per chunk (a few floats per layer and position).
// Everything that can fail returns an Error (CUDA errors and out-of-memory included).
#pragma once

#include <memory>

#include "core/backend.h"
#include "core/backend_plugin.h"

namespace qe::cuda {

// Devices, or why there are none.
void probeDevices(CudaProbe* out);

// Checks the shape, estimates device memory (fails early with the estimate when it does not fit),
// allocates and uploads.
// With args.syntheticConfig: random weights made on the device instead of an upload.
Result<std::unique_ptr<Backend>> createBackend(const CudaCreateArgs& args);

// Copy bandwidth (device to device, bytes read + written), cuBLAS bf16 GEMM rate, and the
// one-token GEMV of decode (ours and cuBLAS's) as bytes of matrix read per second, and prefill
// attention (both tensor-core kernels) when `attention` names a shape.
Result<CudaCeilings> measureCeilings(int device, std::uint64_t copyBytes, int gemmSize, int gemvRows, int gemvCols,
                                     const CudaAttentionShape& attention);

}  // namespace qe::cuda
