// A whole file's bytes in memory, read-only: either a memory mapping of the file or a private
// resident copy. Owns the memory; movable, not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stop_token>
#include <string>

#include "core/result.h"

namespace qe {

class MappedFile {
public:
    MappedFile() = default;
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    // Maps `path` read-only. Empty files map to an empty span. Fails with NotFound or Corrupt.
    static Result<MappedFile> open(const std::string& path);

    // Reads `path` into private anonymous memory aligned to 2 MiB and asks for transparent huge
    // pages, then makes it read-only. Streaming the weights of a decode step through 4 KiB page
    // cache pages costs a TLB miss every 4 KiB; on huge pages the 0.6B decode ran about 8 % faster
    // here (docs/perf/cpu.md). `onRead(bytesSoFar)` is called every 64 MiB;
    // stops with Cancelled when `stop` is requested. Fails with OutOfMemory when the memory
    // cannot be reserved, so the caller can fall back to open().
    static Result<MappedFile> readResident(const std::string& path, std::stop_token stop = {},
                                           const std::function<void(std::uint64_t)>& onRead = {});

    bool resident() const { return m_resident; }

    std::span<const std::uint8_t> bytes() const { return {m_data, m_size}; }
    const std::uint8_t* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    const std::string& path() const { return m_path; }

private:
    void release();

    const std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
    void* m_base = nullptr;      // what to munmap: the mapping, or the over-allocated anonymous block
    std::size_t m_length = 0;
    bool m_resident = false;
    std::string m_path;
};

// Reads a whole (small) file into a string, e.g. config.json.
Result<std::string> readTextFile(const std::string& path);

}  // namespace qe
