// safetensors writer (spec §4.3), laid out like the reference writer: header padded with spaces to
// a multiple of 8, tensors ordered by descending dtype size then by name. Streams one tensor at a
// time so multi-GB checkpoints never sit in memory whole.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/safetensors.h"

namespace qe {

struct TensorToWrite {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    // Writes exactly the tensor's byte size (elements * dtype bits / 8) to `dst`, little-endian,
    // row-major. Not called for empty tensors. Must not throw (an exception is caught and
    // reported as an Internal error).
    std::function<void(std::uint8_t* dst)> fill;
};

// Writes `tensors` and `metadata` (__metadata__, string -> string) to `path`, replacing it.
// Memory: one buffer the size of the largest tensor, reused. Fails with InvalidArgument (empty or
// duplicate name, "__metadata__" as a name, negative dimension, missing fill, sub-byte size that
// is not a whole number of bytes, invalid UTF-8) or when the file cannot be created; OutOfMemory;
// Internal for a write error such as a full disk. A partially written regular file is removed.
Status writeSafetensors(const std::string& path, std::vector<TensorToWrite> tensors,
                        const std::map<std::string, std::string>& metadata);

// Writes model.safetensors.index.json: {"metadata": {"total_size": totalSize}, "weight_map": {...}}.
Status writeSafetensorsIndex(const std::string& path, const std::map<std::string, std::string>& weightMap,
                             std::uint64_t totalSize);

}  // namespace qe
