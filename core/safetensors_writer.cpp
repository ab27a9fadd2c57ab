// safetensors writer: reference layout (8-aligned header, tensors by descending dtype size then
// name), data streamed tensor by tensor through one reusable buffer.
#include "core/safetensors_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <set>

#include <nlohmann/json.hpp>

namespace qe {

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const {
        if (f) std::fclose(f);
    }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// Checked byte size of one tensor; errors name the tensor.
Result<std::uint64_t> tensorBytes(const TensorToWrite& t) {
    std::uint64_t elements = 1;
    for (std::int64_t dim : t.shape) {
        if (dim < 0) return makeError(ErrorCode::InvalidArgument, "negative dimension in shape", t.name);
        const auto d = static_cast<std::uint64_t>(dim);
        if (d != 0 && elements > std::numeric_limits<std::uint64_t>::max() / d)
            return makeError(ErrorCode::InvalidArgument, "element count overflows", t.name);
        elements *= d;
    }
    const std::uint64_t bitsize = dtypeBits(t.dtype);
    if (elements > std::numeric_limits<std::uint64_t>::max() / bitsize)
        return makeError(ErrorCode::InvalidArgument, "bit size overflows", t.name);
    const std::uint64_t bits = elements * bitsize;
    if (bits % 8 != 0)
        return makeError(ErrorCode::InvalidArgument,
                         "misaligned slice: " + std::to_string(bits) + " bits of " + dtypeName(t.dtype) +
                             " is not a whole number of bytes",
                         t.name);
    return bits / 8;
}

Status checkTensors(const std::vector<TensorToWrite>& tensors) {
    std::set<std::string> names;
    for (const auto& t : tensors) {
        if (t.name.empty()) return makeError(ErrorCode::InvalidArgument, "tensor with an empty name");
        if (t.name == "__metadata__")
            return makeError(ErrorCode::InvalidArgument, "\"__metadata__\" is reserved and cannot name a tensor");
        if (!names.insert(t.name).second) return makeError(ErrorCode::InvalidArgument, "duplicate tensor name", t.name);
        if (!t.fill) return makeError(ErrorCode::InvalidArgument, "tensor has no fill function", t.name);
    }
    return Status::success();
}

Status writeAll(std::FILE* f, const void* data, std::size_t size, const std::string& path) {
    if (size == 0) return Status::success();
    if (std::fwrite(data, 1, size, f) != size)
        return makeError(ErrorCode::Internal, std::string("write failed: ") + std::strerror(errno), path);
    return Status::success();
}

// Header JSON: __metadata__ first (when present), then the tensors in data order, padded with
// spaces so that 8 + N is a multiple of 8.
Result<std::string> buildHeader(const std::vector<TensorToWrite>& tensors, const std::vector<std::uint64_t>& sizes,
                                const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        header[tensors[i].name] = {{"dtype", dtypeName(tensors[i].dtype)},
                                   {"shape", tensors[i].shape},
                                   {"data_offsets", {offset, offset + sizes[i]}}};
        offset += sizes[i];
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception&) {  // invalid UTF-8 in a name or metadata string
        return makeError(ErrorCode::InvalidArgument, "a tensor name or metadata string is not valid UTF-8");
    }
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

Status writeBody(std::FILE* f, std::vector<TensorToWrite>& tensors, const std::vector<std::uint64_t>& sizes,
                 const std::string& header, const std::string& path) {
    std::uint8_t lengthBytes[8];
    const std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) lengthBytes[i] = static_cast<std::uint8_t>(n >> (8 * i));  // little-endian
    QE_TRY(writeAll(f, lengthBytes, sizeof lengthBytes, path));
    QE_TRY(writeAll(f, header.data(), header.size(), path));

    std::vector<std::uint8_t> buffer;  // reused: grows to the largest tensor
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        if (sizes[i] == 0) continue;
        if (sizes[i] > std::numeric_limits<std::size_t>::max())
            return makeError(ErrorCode::OutOfMemory, "tensor too large for memory", tensors[i].name);
        try {
            if (buffer.size() < sizes[i]) {
                buffer.clear();
                buffer.shrink_to_fit();
                buffer.resize(static_cast<std::size_t>(sizes[i]));
            }
        } catch (const std::bad_alloc&) {
            return makeError(ErrorCode::OutOfMemory, "cannot allocate " + std::to_string(sizes[i]) + " bytes",
                             tensors[i].name);
        }
        try {
            tensors[i].fill(buffer.data());
        } catch (...) {
            return makeError(ErrorCode::Internal, "fill function threw", tensors[i].name);
        }
        QE_TRY(writeAll(f, buffer.data(), static_cast<std::size_t>(sizes[i]), path));
    }
    return Status::success();
}

// Closes `f` (reporting errors from the final flush, e.g. a full disk) and removes a partly
// written regular file on failure. Never removes devices such as /dev/full.
Status finish(FilePtr f, Status written, const std::string& path) {
    const bool closedOk = std::fclose(f.release()) == 0;
    const int closeErr = errno;
    if (written.ok() && !closedOk)
        written = makeError(ErrorCode::Internal, std::string("write failed: ") + std::strerror(closeErr), path);
    if (!written.ok()) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(path, ec)) std::filesystem::remove(path, ec);
    }
    return written;
}

}  // namespace

Status writeSafetensors(const std::string& path, std::vector<TensorToWrite> tensors,
                        const std::map<std::string, std::string>& metadata) {
    QE_TRY(checkTensors(tensors));
    std::stable_sort(tensors.begin(), tensors.end(), [](const TensorToWrite& a, const TensorToWrite& b) {
        const auto ba = dtypeBits(a.dtype), bb = dtypeBits(b.dtype);
        return ba != bb ? ba > bb : a.name < b.name;
    });
    std::vector<std::uint64_t> sizes;
    for (const auto& t : tensors) {
        QE_ASSIGN_OR_RETURN(std::uint64_t bytes, tensorBytes(t));
        sizes.push_back(bytes);
    }
    QE_ASSIGN_OR_RETURN(const std::string header, buildHeader(tensors, sizes, metadata));

    FilePtr f(std::fopen(path.c_str(), "wb"));
    if (!f) return makeError(ErrorCode::InvalidArgument, std::string("cannot create file: ") + std::strerror(errno), path);
    Status written = writeBody(f.get(), tensors, sizes, header, path);
    return finish(std::move(f), std::move(written), path);
}

Status writeSafetensorsIndex(const std::string& path, const std::map<std::string, std::string>& weightMap,
                             std::uint64_t totalSize) {
    nlohmann::ordered_json index = {{"metadata", {{"total_size", totalSize}}}, {"weight_map", weightMap}};
    std::string text;
    try {
        text = index.dump(2) + "\n";
    } catch (const nlohmann::json::exception&) {
        return makeError(ErrorCode::InvalidArgument, "a weight_map string is not valid UTF-8", path);
    }
    FilePtr f(std::fopen(path.c_str(), "wb"));
    if (!f) return makeError(ErrorCode::InvalidArgument, std::string("cannot create file: ") + std::strerror(errno), path);
    Status written = writeAll(f.get(), text.data(), text.size(), path);
    return finish(std::move(f), std::move(written), path);
}

}  // namespace qe
