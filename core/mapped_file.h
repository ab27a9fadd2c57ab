// Read-only memory mapping of a whole file. Owns the mapping; movable, not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
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

    std::span<const std::uint8_t> bytes() const { return {m_data, m_size}; }
    const std::uint8_t* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    const std::string& path() const { return m_path; }

private:
    const std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
    std::string m_path;
};

// Reads a whole (small) file into a string, e.g. config.json.
Result<std::string> readTextFile(const std::string& path);

}  // namespace qe
