#include "core/kv_cache.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace qe {

namespace {
constexpr std::size_t kHugePage = std::size_t(2) << 20;
}  // namespace

void* allocateLarge(std::size_t bytes) {
    if (bytes < kHugePage) return ::operator new(bytes, std::align_val_t(64));
    const std::size_t rounded = (bytes + kHugePage - 1) & ~(kHugePage - 1);
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (!p) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
    ::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: fine if refused
#endif
    return p;
}

void freeLarge(void* p, std::size_t bytes) {
    if (bytes < kHugePage) ::operator delete(p, std::align_val_t(64));
    else std::free(p);
}

const char* kvTypeName(KvType type) { return type == KvType::BF16 ? "bf16" : "f32"; }

bool parseKvType(const std::string& name, KvType* type) {
    if (name == "f32") *type = KvType::F32;
    else if (name == "bf16") *type = KvType::BF16;
    else return false;
    return true;
}

void KvCache::configure(const ModelConfig& config, std::int64_t maxTokens, KvStorage storage, KvType type) {
    m_storage = storage;
    m_type = type;
    m_layers = config.numHiddenLayers;
    for (Rows* rows : {&m_keys, &m_values}) {
        rows->f32.clear();
        rows->bf16.clear();
        if (type == KvType::F32) rows->f32.resize(static_cast<std::size_t>(m_layers));
        else rows->bf16.resize(static_cast<std::size_t>(m_layers));
    }
    m_tokens.clear();
    // A row of a multiple of 1 KiB (4 KiB on most Qwen3 models in fp32: 8 KV heads x 128) would put
    // one head's keys of successive positions in the same few cache sets (L1 and L2 index them by
    // address bits 6-11 and 6-16), so attention, which walks one head down the positions, would
    // use a fraction of the caches. One cache line of padding moves each row to the next sets.
    // qe-kernel-bench --only attention: 2.3x on 2 queries x 2,048 positions held in L2.
    const std::int64_t lineElements = 64 / static_cast<std::int64_t>(elementBytes());
    const std::int64_t rowBytes = config.kvWidth() * static_cast<std::int64_t>(elementBytes());
    m_rowStride = config.kvWidth() + (rowBytes % 1024 == 0 ? lineElements : 0);
    m_capacity = 0;
    m_maxTokens = maxTokens;
}

Status KvCache::reserve(std::int64_t tokens) {
    if (tokens <= m_capacity) return {};
    if (tokens > m_maxTokens) {
        return makeError(ErrorCode::InvalidArgument, "context overflow: " + std::to_string(tokens) +
                                                         " tokens do not fit the context limit of " +
                                                         std::to_string(m_maxTokens));
    }
    if (m_storage == KvStorage::External) {
        m_capacity = m_maxTokens;
        return {};
    }
    // Grow geometrically in whole blocks so a long generation reallocates only a few times.
    constexpr std::int64_t kBlock = 256;
    std::int64_t want = std::max(tokens, m_capacity + m_capacity / 2);
    want = std::min(((want + kBlock - 1) / kBlock) * kBlock, m_maxTokens);
    try {
        const auto elements = static_cast<std::size_t>(want * m_rowStride);
        for (Rows* rows : {&m_keys, &m_values}) {
            for (auto& layer : rows->f32) layer.resize(elements);
            for (auto& layer : rows->bf16) layer.resize(elements);
        }
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "cannot allocate the KV cache for " + std::to_string(want) + " tokens (" +
                                                     std::to_string(bytesPerToken() * want >> 20) + " MiB)");
    }
    m_capacity = want;
    return {};
}

void KvCache::truncate(std::int64_t length) {
    if (length < this->length()) m_tokens.resize(static_cast<std::size_t>(std::max<std::int64_t>(length, 0)));
}

std::int64_t KvCache::commonPrefix(std::span<const int> tokens) const {
    std::size_t n = std::min(tokens.size(), m_tokens.size());
    std::size_t i = 0;
    while (i < n && tokens[i] == m_tokens[i]) ++i;
    return static_cast<std::int64_t>(i);
}

}  // namespace qe
