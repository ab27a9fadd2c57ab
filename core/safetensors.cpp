// safetensors reader (spec §4.2, §4.3): header parsing and validation, index parsing, and the
// mapped checkpoint. Validation mirrors the reference `read_metadata` / `Metadata::validate`.
#include "core/safetensors.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/log.h"

namespace qe {

namespace {

// Reference MAX_HEADER_SIZE.
constexpr std::uint64_t kMaxHeaderSize = 100'000'000;

struct DTypeEntry {
    DType dtype;
    const char* name;
    std::uint64_t bits;
};

constexpr std::array<DTypeEntry, 22> kDTypes{{
    {DType::Bool, "BOOL", 8},         {DType::U8, "U8", 8},
    {DType::I8, "I8", 8},             {DType::F8_E5M2, "F8_E5M2", 8},
    {DType::F8_E4M3, "F8_E4M3", 8},   {DType::F8_E8M0, "F8_E8M0", 8},
    {DType::F8_E4M3FNUZ, "F8_E4M3FNUZ", 8}, {DType::F8_E5M2FNUZ, "F8_E5M2FNUZ", 8},
    {DType::I16, "I16", 16},          {DType::U16, "U16", 16},
    {DType::F16, "F16", 16},          {DType::BF16, "BF16", 16},
    {DType::I32, "I32", 32},          {DType::U32, "U32", 32},
    {DType::F32, "F32", 32},          {DType::F64, "F64", 64},
    {DType::C64, "C64", 64},          {DType::I64, "I64", 64},
    {DType::U64, "U64", 64},          {DType::F4, "F4", 4},
    {DType::F6_E2M3, "F6_E2M3", 6},   {DType::F6_E3M2, "F6_E3M2", 6},
}};

const DTypeEntry* findDType(DType dtype) {
    for (const auto& e : kDTypes)
        if (e.dtype == dtype) return &e;
    return nullptr;
}

using Json = nlohmann::json;

// Strict UTF-8 check (no overlongs, no surrogates, max U+10FFFF). Returns the offset of the
// first bad byte, or npos.
std::size_t findInvalidUtf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        if (c < 0x80) { ++i; continue; }
        std::size_t len = 0;
        unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) len = 3;
        else if (c == 0xED) { len = 3; hi = 0x9F; }
        else if (c >= 0xEE && c <= 0xEF) len = 3;
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }
        else return i;
        if (i + len > n) return i;
        if (p[i + 1] < lo || p[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
        i += len;
    }
    return std::string_view::npos;
}

// Parses JSON without exceptions and rejects duplicate keys in any object (nlohmann keeps only
// one of them silently). `what` names the document in messages ("header", "index").
Result<Json> parseStrictJson(std::string_view text, const std::string& fileName, const char* what) {
    if (auto bad = findInvalidUtf8(text); bad != std::string_view::npos)
        return makeError(ErrorCode::Corrupt, std::string(what) + " is not valid UTF-8 (byte " + std::to_string(bad) + ")",
                         fileName);
    // nlohmann treats a NUL byte as end of input, so "{}\0junk" would be accepted; raw NUL is
    // never valid JSON (not whitespace, and must be escaped inside strings).
    if (auto nul = text.find('\0'); nul != std::string_view::npos)
        return makeError(ErrorCode::Corrupt, std::string(what) + " contains a NUL byte at offset " + std::to_string(nul),
                         fileName);

    std::vector<std::set<std::string>> keysPerObject;  // one set per open object
    std::string duplicate;
    auto callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
        switch (event) {
            case Json::parse_event_t::object_start: keysPerObject.emplace_back(); break;
            case Json::parse_event_t::object_end:
                if (!keysPerObject.empty()) keysPerObject.pop_back();
                break;
            case Json::parse_event_t::key:
                if (parsed.is_string() && !keysPerObject.empty() && duplicate.empty()) {
                    const auto& key = parsed.get_ref<const std::string&>();
                    if (!keysPerObject.back().insert(key).second) duplicate = key;
                }
                break;
            default: break;
        }
        return true;
    };
    Json json;
    try {
        json = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
    } catch (const std::exception& e) {  // only allocation failures can get here
        return makeError(ErrorCode::Corrupt, std::string(what) + " could not be parsed: " + e.what(), fileName);
    }
    if (json.is_discarded()) return makeError(ErrorCode::Corrupt, std::string(what) + " is not valid JSON", fileName);
    if (!duplicate.empty())
        return makeError(ErrorCode::Corrupt, std::string(what) + " has duplicate key \"" + duplicate + "\"", fileName);
    if (!json.is_object())
        return makeError(ErrorCode::Corrupt, std::string(what) + " is not a JSON object", fileName);
    return json;
}

// A JSON non-negative integer (serde's usize/u64): floats and negatives are rejected.
std::optional<std::uint64_t> asUnsigned(const Json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
    return std::nullopt;
}

std::string tensorPrefix(const std::string& name) { return "tensor \"" + name + "\": "; }

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// Reads one header entry (dtype, shape, data_offsets); offsets are checked later, in order.
Result<TensorInfo> readTensorEntry(const std::string& name, const Json& entry, const std::string& fileName) {
    const std::string where = tensorPrefix(name);
    if (!entry.is_object()) return makeError(ErrorCode::Corrupt, where + "entry is not an object", fileName);
    TensorInfo info;
    info.name = name;
    info.file = fileName;

    auto dt = entry.find("dtype");
    if (dt == entry.end() || !dt->is_string())
        return makeError(ErrorCode::Corrupt, where + "missing or non-string \"dtype\"", fileName);
    auto dtype = parseDType(dt->get_ref<const std::string&>());
    if (!dtype) return makeError(ErrorCode::Corrupt, where + dtype.error().message, fileName);
    info.dtype = *dtype;

    auto shape = entry.find("shape");
    if (shape == entry.end() || !shape->is_array())
        return makeError(ErrorCode::Corrupt, where + "missing or non-array \"shape\"", fileName);
    for (const auto& dim : *shape) {
        auto d = asUnsigned(dim);
        if (!d) return makeError(ErrorCode::Corrupt, where + "shape entry " + dim.dump() + " is not a non-negative integer",
                                 fileName);
        if (*d > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return makeError(ErrorCode::Corrupt, where + "shape entry " + std::to_string(*d) + " is too large", fileName);
        info.shape.push_back(static_cast<std::int64_t>(*d));
    }

    auto offsets = entry.find("data_offsets");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2)
        return makeError(ErrorCode::Corrupt, where + "\"data_offsets\" must be an array of two integers", fileName);
    auto begin = asUnsigned((*offsets)[0]);
    auto end = asUnsigned((*offsets)[1]);
    if (!begin || !end)
        return makeError(ErrorCode::Corrupt, where + "\"data_offsets\" " + offsets->dump() + " are not non-negative integers",
                         fileName);
    info.begin = *begin;
    info.end = *end;
    return info;
}

// Element count and byte size with checked multiplication (reference Metadata::validate).
Status checkTensorSize(const TensorInfo& info, const std::string& fileName) {
    const std::string where = tensorPrefix(info.name);
    std::uint64_t elements = 1;
    for (std::int64_t dim : info.shape) {
        const auto d = static_cast<std::uint64_t>(dim);
        if (d != 0 && elements > std::numeric_limits<std::uint64_t>::max() / d)
            return makeError(ErrorCode::Corrupt, where + "element count of shape " + shapeText(info.shape) + " overflows",
                             fileName);
        elements *= d;
    }
    const std::uint64_t bitsize = dtypeBits(info.dtype);
    if (elements > std::numeric_limits<std::uint64_t>::max() / bitsize)
        return makeError(ErrorCode::Corrupt, where + "bit size of shape " + shapeText(info.shape) + " overflows", fileName);
    const std::uint64_t bits = elements * bitsize;
    if (bits % 8 != 0)
        return makeError(ErrorCode::Corrupt,
                         where + "misaligned slice: " + std::to_string(elements) + " x " + dtypeName(info.dtype) +
                             " is " + std::to_string(bits) + " bits, not a whole number of bytes",
                         fileName);
    if (info.end - info.begin != bits / 8)
        return makeError(ErrorCode::Corrupt,
                         where + "data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                             "] span " + std::to_string(info.end - info.begin) + " bytes, expected " +
                             std::to_string(bits / 8) + " for " + dtypeName(info.dtype) + " " + shapeText(info.shape),
                         fileName);
    return Status::success();
}

Result<std::map<std::string, std::string>> readMetadata(const Json& value, const std::string& fileName) {
    std::map<std::string, std::string> metadata;
    if (value.is_null()) return metadata;  // serde reads null as "no metadata"
    if (!value.is_object()) return makeError(ErrorCode::Corrupt, "__metadata__ is not an object", fileName);
    for (const auto& [key, v] : value.items()) {
        if (!v.is_string())
            return makeError(ErrorCode::Corrupt, "__metadata__ value of \"" + key + "\" is not a string", fileName);
        metadata.emplace(key, v.get<std::string>());
    }
    return metadata;
}

// Per tensor in offset order, as the reference Metadata::validate: BEGIN == previous END (first
// BEGIN 0, no gaps, no overlaps), END >= BEGIN, then the size checks. Returns the last END.
Result<std::uint64_t> checkLayout(const std::vector<TensorInfo>& tensors, const std::string& fileName) {
    std::uint64_t expected = 0;
    for (const auto& t : tensors) {
        const std::string range = "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) + "]";
        if (t.end < t.begin)
            return makeError(ErrorCode::Corrupt, tensorPrefix(t.name) + range + ": end before begin", fileName);
        if (t.begin != expected) {
            const char* kind = t.begin > expected ? "gap" : "overlap";
            return makeError(ErrorCode::Corrupt,
                             tensorPrefix(t.name) + range + ": " + kind + " in the data buffer, expected begin " +
                                 std::to_string(expected),
                             fileName);
        }
        QE_TRY(checkTensorSize(t, fileName));
        expected = t.end;
    }
    return expected;
}

}  // namespace

const char* dtypeName(DType dtype) {
    const auto* e = findDType(dtype);
    return e ? e->name : "?";
}

Result<DType> parseDType(std::string_view name) {
    for (const auto& e : kDTypes)
        if (name == e.name) return e.dtype;
    return makeError(ErrorCode::Corrupt, "unknown dtype \"" + std::string(name) + "\"");
}

std::uint64_t dtypeBits(DType dtype) {
    const auto* e = findDType(dtype);
    return e ? e->bits : 8;
}

std::int64_t TensorInfo::numElements() const {
    std::int64_t n = 1;
    for (std::int64_t d : shape) n *= d;  // validated by the parser not to overflow
    return n;
}

Result<SafetensorsHeader> parseSafetensors(std::span<const std::uint8_t> fileBytes, const std::string& fileName) {
    const std::uint64_t fileSize = fileBytes.size();
    if (fileSize < 8)
        return makeError(ErrorCode::Corrupt, "header too small: file is " + std::to_string(fileSize) + " bytes, need at least 8",
                         fileName);
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | fileBytes[static_cast<std::size_t>(i)];  // little-endian u64
    if (n > kMaxHeaderSize)
        return makeError(ErrorCode::Corrupt,
                         "header too large: " + std::to_string(n) + " bytes, limit " + std::to_string(kMaxHeaderSize), fileName);
    if (n > std::numeric_limits<std::uint64_t>::max() - 8 || 8 + n > fileSize)
        return makeError(ErrorCode::Corrupt,
                         "header length " + std::to_string(n) + " runs past the end of the file (" + std::to_string(fileSize) +
                             " bytes)",
                         fileName);

    const std::string_view text(reinterpret_cast<const char*>(fileBytes.data() + 8), static_cast<std::size_t>(n));
    if (text.empty() || text.front() != '{')
        return makeError(ErrorCode::Corrupt, "header does not start with '{'", fileName);
    QE_ASSIGN_OR_RETURN(Json json, parseStrictJson(text, fileName, "header"));

    SafetensorsHeader header;
    header.dataStart = 8 + n;
    for (const auto& [key, value] : json.items()) {
        if (key == "__metadata__") {
            QE_ASSIGN_OR_RETURN(header.metadata, readMetadata(value, fileName));
            continue;
        }
        QE_ASSIGN_OR_RETURN(TensorInfo info, readTensorEntry(key, value, fileName));
        header.tensors.push_back(std::move(info));
    }

    std::sort(header.tensors.begin(), header.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
        return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
    });
    QE_ASSIGN_OR_RETURN(std::uint64_t dataEnd, checkLayout(header.tensors, fileName));

    // No trailing bytes, nothing missing (reference: "metadata incomplete buffer").
    const std::uint64_t dataSize = fileSize - header.dataStart;
    if (dataEnd != dataSize)
        return makeError(ErrorCode::Corrupt,
                         "data buffer is " + std::to_string(dataSize) + " bytes but the tensors cover " +
                             std::to_string(dataEnd) + (dataEnd < dataSize ? " (trailing bytes)" : " (file truncated)"),
                         fileName);

    for (auto& t : header.tensors) t.data = fileBytes.data() + header.dataStart + t.begin;
    return header;
}

Result<SafetensorsIndex> parseSafetensorsIndex(std::string_view json, const std::string& fileName) {
    QE_ASSIGN_OR_RETURN(Json root, parseStrictJson(json, fileName, "index"));
    SafetensorsIndex index;

    auto map = root.find("weight_map");
    if (map == root.end() || !map->is_object())
        return makeError(ErrorCode::Corrupt, "index has no \"weight_map\" object", fileName);
    for (const auto& [name, shard] : map->items()) {
        if (!shard.is_string())
            return makeError(ErrorCode::Corrupt, "weight_map entry \"" + name + "\" is not a string", fileName);
        index.weightMap.emplace(name, shard.get<std::string>());
    }

    auto meta = root.find("metadata");
    if (meta == root.end() || meta->is_null()) return index;
    if (!meta->is_object()) return makeError(ErrorCode::Corrupt, "index \"metadata\" is not an object", fileName);
    auto total = meta->find("total_size");
    if (total == meta->end() || total->is_null()) return index;
    if (auto size = asUnsigned(*total)) {
        index.totalSize = *size;
    } else if (total->is_number_float() && total->get<double>() >= 0 && total->get<double>() < 1.8e19 &&
               total->get<double>() == static_cast<double>(static_cast<std::uint64_t>(total->get<double>()))) {
        // Some converters write total_size as a float (e.g. 16060522496.0); accept integral values.
        index.totalSize = static_cast<std::uint64_t>(total->get<double>());
    } else {
        return makeError(ErrorCode::Corrupt, "index metadata.total_size " + total->dump() + " is not a non-negative integer",
                         fileName);
    }
    return index;
}

// ---- SafetensorsCheckpoint --------------------------------------------------------------------

namespace {

namespace fs = std::filesystem;

constexpr const char* kIndexName = "model.safetensors.index.json";
constexpr const char* kSingleName = "model.safetensors";

struct MappedShard {
    std::unique_ptr<MappedFile> map;
    std::vector<TensorInfo> tensors;
};

// Where the shards are read into memory: the running byte count over all of them, for progress.
struct ShardReader {
    bool resident = false;
    const CheckpointLoadOptions* options = nullptr;
    std::uint64_t total = 0;
    std::uint64_t before = 0;  // bytes of the shards already read
};

// The shard read into resident memory when the reader says so, else mapped; a resident read
// that cannot reserve the memory maps this shard and the rest instead.
Result<MappedFile> openShard(const std::string& path, ShardReader& reader) {
    if (reader.resident) {
        auto file = MappedFile::readResident(path, reader.options->stop, [&](std::uint64_t done) {
            if (reader.options->progress) reader.options->progress(reader.before + done, reader.total);
        });
        if (file.ok() || file.error().code != ErrorCode::OutOfMemory) return file;
        log()->warn("{}: {}; mapping the file instead", path, file.error().message);
        reader.resident = false;
    }
    return MappedFile::open(path);
}

Result<MappedShard> mapShard(const std::string& path, ShardReader& reader) {
    QE_ASSIGN_OR_RETURN(MappedFile file, openShard(path, reader));
    MappedShard shard;
    shard.map = std::make_unique<MappedFile>(std::move(file));
    reader.before += shard.map->size();
    QE_ASSIGN_OR_RETURN(SafetensorsHeader header, parseSafetensors(shard.map->bytes(), path));
    shard.tensors = std::move(header.tensors);
    return shard;
}

std::uint64_t fileSize(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    return ec ? 0 : static_cast<std::uint64_t>(size);
}

// Resident when asked, or (Auto) when the files fit in MemAvailable with 1 GiB to spare.
bool chooseResident(WeightMemory memory, std::uint64_t fileBytes) {
    if (memory != WeightMemory::Auto) return memory == WeightMemory::Resident;
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    while (meminfo >> key >> kib) {
        if (key == "MemAvailable:") return fileBytes + (std::uint64_t(1) << 30) <= kib * 1024;
        meminfo.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return false;
}

// Shard names are plain file names in the checkpoint folder; refuse anything that could point
// outside it.
bool isPlainFileName(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
           name.find('\\') == std::string::npos;
}

}  // namespace

Result<SafetensorsCheckpoint> SafetensorsCheckpoint::open(const std::string& folder, const CheckpointLoadOptions& options) {
    const fs::path dir(folder);
    const std::string indexPath = (dir / kIndexName).string();
    const std::string singlePath = (dir / kSingleName).string();
    std::error_code ec;
    SafetensorsCheckpoint ckpt;

    if (!fs::exists(indexPath, ec)) {
        if (!fs::exists(singlePath, ec))
            return makeError(ErrorCode::NotFound,
                             std::string("no checkpoint found: looked for ") + kIndexName + " and " + kSingleName, folder);
        ShardReader reader{.options = &options, .total = fileSize(singlePath)};
        reader.resident = chooseResident(options.memory, reader.total);
        QE_ASSIGN_OR_RETURN(MappedShard shard, mapShard(singlePath, reader));
        ckpt.m_maps.push_back(std::move(shard.map));
        ckpt.m_files.push_back(singlePath);
        ckpt.m_tensors = std::move(shard.tensors);
        for (std::size_t i = 0; i < ckpt.m_tensors.size(); ++i) ckpt.m_byName.emplace(ckpt.m_tensors[i].name, i);
        return ckpt;
    }

    QE_ASSIGN_OR_RETURN(std::string indexText, readTextFile(indexPath));
    QE_ASSIGN_OR_RETURN(SafetensorsIndex index, parseSafetensorsIndex(indexText, indexPath));

    std::set<std::string> shardNames;
    for (const auto& [name, shard] : index.weightMap) {
        if (!isPlainFileName(shard))
            return makeError(ErrorCode::Corrupt, "weight_map entry \"" + name + "\" names shard \"" + shard +
                                                     "\", which is not a plain file name", indexPath);
        shardNames.insert(shard);
    }
    for (const auto& shard : shardNames) {
        const std::string path = (dir / shard).string();
        if (!fs::exists(path, ec))
            return makeError(ErrorCode::NotFound, "shard \"" + shard + "\" named by the index does not exist", indexPath);
    }

    ShardReader reader{.options = &options};
    for (const auto& shard : shardNames) reader.total += fileSize(dir / shard);
    reader.resident = chooseResident(options.memory, reader.total);
    std::map<std::string, std::string> foundIn;  // tensor name -> shard file name
    for (const auto& shard : shardNames) {
        const std::string path = (dir / shard).string();
        QE_ASSIGN_OR_RETURN(MappedShard mapped, mapShard(path, reader));
        for (auto& t : mapped.tensors) {
            auto [it, inserted] = foundIn.emplace(t.name, shard);
            if (!inserted)
                return makeError(ErrorCode::Corrupt,
                                 tensorPrefix(t.name) + "present in both shard \"" + it->second + "\" and shard \"" + shard + "\"",
                                 indexPath);
            ckpt.m_tensors.push_back(std::move(t));
        }
        ckpt.m_maps.push_back(std::move(mapped.map));
        ckpt.m_files.push_back(path);
    }

    for (const auto& [name, shard] : foundIn) {
        auto mapped = index.weightMap.find(name);
        if (mapped == index.weightMap.end())
            return makeError(ErrorCode::Corrupt, tensorPrefix(name) + "found in shard \"" + shard + "\" but not in the weight_map",
                             indexPath);
        if (mapped->second != shard)
            return makeError(ErrorCode::Corrupt,
                             tensorPrefix(name) + "found in shard \"" + shard + "\" but the weight_map assigns it to \"" +
                                 mapped->second + "\"",
                             indexPath);
    }
    for (const auto& [name, shard] : index.weightMap) {
        if (!foundIn.contains(name))
            return makeError(ErrorCode::Corrupt, tensorPrefix(name) + "listed in the weight_map but missing from shard \"" +
                                                     shard + "\"", indexPath);
    }

    for (std::size_t i = 0; i < ckpt.m_tensors.size(); ++i) ckpt.m_byName.emplace(ckpt.m_tensors[i].name, i);
    if (index.totalSize && *index.totalSize != ckpt.totalBytes())
        log()->warn("{}: metadata.total_size is {} but the shards hold {} tensor bytes", indexPath, *index.totalSize,
                    ckpt.totalBytes());
    return ckpt;
}

bool SafetensorsCheckpoint::resident() const {
    return !m_maps.empty() && std::all_of(m_maps.begin(), m_maps.end(), [](const auto& map) { return map->resident(); });
}

const TensorInfo* SafetensorsCheckpoint::find(std::string_view name) const {
    auto it = m_byName.find(name);
    return it == m_byName.end() ? nullptr : &m_tensors[it->second];
}

std::uint64_t SafetensorsCheckpoint::totalBytes() const {
    std::uint64_t total = 0;
    for (const auto& t : m_tensors) total += t.byteSize();
    return total;
}

}  // namespace qe
