// safetensors reader (spec §4.2, §4.3): parses and validates headers, memory-maps single files
// and sharded checkpoints (model.safetensors.index.json). Every rule of the reference
// `read_metadata` / `Metadata::validate` is enforced; errors name the file and tensor.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapped_file.h"
#include "core/result.h"

namespace qe {

enum class DType {
    Bool, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ,
    I16, U16, F16, BF16, I32, U32, F32, F64, C64, I64, U64, F4, F6_E2M3, F6_E3M2
};

const char* dtypeName(DType dtype);                       // "BF16"
Result<DType> parseDType(std::string_view name);          // unknown -> Corrupt error
std::uint64_t dtypeBits(DType dtype);                     // element size in bits: BOOL 8, BF16 16, F4 4, F6_* 6

// One tensor's header entry. `data` points into the mapping (valid while the owner lives).
struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;  // data_offsets, relative to the data buffer
    std::uint64_t end = 0;
    const std::uint8_t* data = nullptr;
    std::string file;         // file the tensor lives in (for error messages)

    std::uint64_t byteSize() const { return end - begin; }
    std::int64_t numElements() const;
};

// Parsed header of one safetensors file, in header order. Pure function over bytes so that the
// fuzzer and the tests can feed arbitrary input: `fileBytes` is the whole file.
struct SafetensorsHeader {
    std::vector<TensorInfo> tensors;                  // sorted by data offset
    std::map<std::string, std::string> metadata;      // __metadata__
    std::uint64_t dataStart = 0;                      // 8 + N
};
Result<SafetensorsHeader> parseSafetensors(std::span<const std::uint8_t> fileBytes, const std::string& fileName);

// Parsed model.safetensors.index.json: weight_map (name -> shard file) and metadata.total_size.
struct SafetensorsIndex {
    std::map<std::string, std::string> weightMap;
    std::optional<std::uint64_t> totalSize;
};
Result<SafetensorsIndex> parseSafetensorsIndex(std::string_view json, const std::string& fileName);

// How a checkpoint's files are held in memory (see MappedFile).
enum class WeightMemory {
    Auto,      // Resident when the files fit in available memory with 1 GiB to spare, else Mapped
    Mapped,    // mmap: pages are read on first use and can be dropped under memory pressure
    Resident,  // read into anonymous memory on transparent huge pages: faster matrix-vector products
};

struct CheckpointLoadOptions {
    WeightMemory memory = WeightMemory::Mapped;
    std::stop_token stop;
    // Bytes read so far of all files (Resident only; called every 64 MiB).
    std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

// All tensors of a checkpoint folder: `model.safetensors`, or the shards named by
// `model.safetensors.index.json` (every shard exists, every tensor is in its named shard, no
// duplicate names across shards, total_size checked: mismatch is logged as a warning).
// Keeps the files mapped; movable.
class SafetensorsCheckpoint {
public:
    static Result<SafetensorsCheckpoint> open(const std::string& folder, const CheckpointLoadOptions& options = {});

    const TensorInfo* find(std::string_view name) const;  // nullptr if absent
    const std::vector<TensorInfo>& tensors() const { return m_tensors; }
    std::uint64_t totalBytes() const;                      // sum of tensor data bytes
    const std::vector<std::string>& files() const { return m_files; }
    bool resident() const;  // every file was read into resident memory

private:
    std::vector<std::unique_ptr<MappedFile>> m_maps;
    std::vector<TensorInfo> m_tensors;
    std::map<std::string, std::size_t, std::less<>> m_byName;
    std::vector<std::string> m_files;
};

}  // namespace qe
