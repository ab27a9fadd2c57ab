#include "core/mapped_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qe {

MappedFile::~MappedFile() { release(); }

void MappedFile::release() {
    if (m_base && m_length) ::munmap(m_base, m_length);
    m_base = nullptr;
    m_length = 0;
    m_data = nullptr;
    m_size = 0;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
      m_base(std::exchange(other.m_base, nullptr)), m_length(std::exchange(other.m_length, 0)),
      m_resident(std::exchange(other.m_resident, false)), m_path(std::move(other.m_path)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        release();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_base = std::exchange(other.m_base, nullptr);
        m_length = std::exchange(other.m_length, 0);
        m_resident = std::exchange(other.m_resident, false);
        m_path = std::move(other.m_path);
    }
    return *this;
}

Result<MappedFile> MappedFile::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return makeError(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::InvalidArgument,
                         std::string("cannot open file: ") + std::strerror(errno), path);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return makeError(ErrorCode::InvalidArgument, "not a regular file", path);
    }
    MappedFile file;
    file.m_path = path;
    file.m_size = static_cast<std::size_t>(st.st_size);
    if (file.m_size > 0) {
        void* p = ::mmap(nullptr, file.m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int err = errno;
            ::close(fd);
            file.m_size = 0;
            return makeError(ErrorCode::OutOfMemory, std::string("mmap failed: ") + std::strerror(err), path);
        }
        file.m_data = static_cast<const std::uint8_t*>(p);
        file.m_base = p;
        file.m_length = file.m_size;
    }
    ::close(fd);
    return file;
}

Result<MappedFile> MappedFile::readResident(const std::string& path, std::stop_token stop,
                                            const std::function<void(std::uint64_t)>& onRead) {
    constexpr std::size_t kHugePage = std::size_t(2) << 20;
    constexpr std::size_t kReadChunk = std::size_t(64) << 20;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return makeError(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::InvalidArgument,
                         std::string("cannot open file: ") + std::strerror(errno), path);
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return makeError(ErrorCode::InvalidArgument, "not a regular file", path);
    MappedFile file;
    file.m_path = path;
    file.m_resident = true;
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size == 0) return file;

    // Over-allocate by one huge page so the data can start on a 2 MiB boundary.
    const std::size_t length = size + kHugePage;
    void* base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return makeError(ErrorCode::OutOfMemory, std::string("cannot reserve memory for the file: ") + std::strerror(errno), path);
    file.m_base = base;
    file.m_length = length;
    auto* data = reinterpret_cast<std::uint8_t*>((reinterpret_cast<std::uintptr_t>(base) + kHugePage - 1) & ~(kHugePage - 1));
#if defined(MADV_HUGEPAGE)
    ::madvise(data, (size + kHugePage - 1) & ~(kHugePage - 1), MADV_HUGEPAGE);  // a hint: fine if refused
#endif
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    std::size_t done = 0;
    while (done < size) {
        if (stop.stop_requested()) return makeError(ErrorCode::Cancelled, "loading cancelled", path);
        const ssize_t n = ::pread(fd, data + done, std::min(kReadChunk, size - done), static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return makeError(ErrorCode::Corrupt, std::string("read error: ") + std::strerror(errno), path);
        if (n == 0) return makeError(ErrorCode::Corrupt, "file shrank while it was being read", path);
        done += static_cast<std::size_t>(n);
        if (onRead) onRead(done);
    }
    ::mprotect(base, length, PROT_READ);  // stray writes fault instead of corrupting weights
    file.m_data = data;
    file.m_size = size;
    return file;
}

Result<std::string> readTextFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, "cannot open file", path);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return makeError(ErrorCode::Corrupt, "read error", path);
    return ss.str();
}

}  // namespace qe
