// The tensors of a Qwen3 checkpoint, checked by name, dtype and shape against the config
// (spec §1.2, §4.2) and exposed as views for the kernels. Matrices stay in the memory-mapped
// files (bf16 / f16 / f32, and FP8 checkpoints' e4m3 bytes); norm vectors are widened to fp32 at
// load (they are tiny). AWQ checkpoints' linear layers (spec §7.1) are repacked at load into
// memory of their own, one output row after another (cpu::WeightType::Q4), about the size of
// their files; their scales (and FP8's) are widened to fp32.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "core/cpu/cpu_kernels.h"
#include "core/model_config.h"
#include "core/result.h"
#include "core/safetensors.h"

namespace qe {

// One linear layer of a quantized checkpoint (spec §7) as the kernels read it: AWQ's repacked
// into memory of its own (cpu::WeightType::Q4), FP8's e4m3 bytes in place in the checkpoint, which
// must outlive it. `view` points into this object.
struct QuantizedLinear {
    cpu::MatrixView view;
    std::vector<std::uint8_t> data;       // Q4: rows x cols/2 bytes
    std::vector<float> scales;            // Q4: [rows, cols/G]; F8E4M3: the block scales
    std::vector<std::uint8_t> zeros;      // Q4: [rows, cols/G]
    std::vector<const TensorInfo*> parts; // the checkpoint's tensors it was made from
};

struct LayerWeights {
    std::vector<float> inputLayernorm;          // [H]
    cpu::MatrixView qProj;                      // [Nq·d, H]
    cpu::MatrixView kProj;                      // [Nkv·d, H]
    cpu::MatrixView vProj;                      // [Nkv·d, H]
    std::vector<float> qNorm;                   // [d]
    std::vector<float> kNorm;                   // [d]
    cpu::MatrixView oProj;                      // [H, Nq·d]
    std::vector<float> postAttentionLayernorm;  // [H]
    cpu::MatrixView gateProj;                   // [I, H]
    cpu::MatrixView upProj;                     // [I, H]
    cpu::MatrixView downProj;                   // [H, I]
};

// Load progress: bytes checked so far of the total (called between tensors).
using LoadProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

class Weights {
public:
    // Opens the checkpoint in `folder` and validates every expected tensor. Fails on a missing,
    // mis-shaped or unsupported-dtype tensor with its name; stops early with Cancelled. Progress
    // counts the bytes read when the weights are made resident, else the tensors checked.
    static Result<std::unique_ptr<Weights>> load(const std::string& folder, const ModelConfig& config,
                                                 std::stop_token stop = {}, const LoadProgressFn& progress = {},
                                                 WeightMemory memory = WeightMemory::Mapped);

    const ModelConfig& config() const { return m_config; }
    const cpu::MatrixView& embedTokens() const { return m_embed; }  // [V, H]
    const cpu::MatrixView& lmHead() const { return m_lmHead; }      // [V, H]; embed_tokens when tied
    const std::vector<float>& finalNorm() const { return m_finalNorm; }  // [H]
    const LayerWeights& layer(std::int64_t index) const { return m_layers[static_cast<std::size_t>(index)]; }
    const SafetensorsCheckpoint& checkpoint() const { return *m_checkpoint; }
    std::uint64_t fileBytes() const { return m_checkpoint->totalBytes(); }
    bool resident() const { return m_checkpoint->resident(); }
    std::string dtypeSummary() const;  // "BF16", or "BF16+F32" when mixed
    // Bytes of memory the weights take: the files', except that AWQ's linear layers take their
    // repacked size instead (their files are read once, at load).
    std::uint64_t memoryBytes() const { return fileBytes() - m_repackedFileBytes + repackedBytes(); }
    std::uint64_t repackedBytes() const;  // AWQ's repacked layers, scales and zeros

private:
    std::vector<std::unique_ptr<QuantizedLinear>> m_quantized;
    std::uint64_t m_repackedFileBytes = 0;  // the files' bytes of the layers repacked into m_quantized
    ModelConfig m_config;
    std::unique_ptr<SafetensorsCheckpoint> m_checkpoint;
    cpu::MatrixView m_embed;
    cpu::MatrixView m_lmHead;
    std::vector<float> m_finalNorm;
    std::vector<LayerWeights> m_layers;
};

// The tensor names and shapes a config implies (spec §1.2), in checkpoint order; a quantized
// checkpoint stores each linear layer (…_proj.weight) as the parts of its format instead.
struct ExpectedTensor {
    std::string name;
    std::vector<std::int64_t> shape;
};
std::vector<ExpectedTensor> expectedTensors(const ModelConfig& config);

// The linear layer `e` (a …_proj.weight of expectedTensors) of a checkpoint whose config has a
// quantization: its parts checked by name, dtype and shape (errors name the tensor and `folder`).
Result<std::unique_ptr<QuantizedLinear>> loadQuantizedLinear(const SafetensorsCheckpoint& checkpoint, const ModelConfig& config,
                                                              const ExpectedTensor& e, const std::string& folder);

}  // namespace qe
