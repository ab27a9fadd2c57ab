// Key/value cache of the CPU engine: post-norm, post-RoPE keys and raw values for every layer
// and position (spec §1.3 step 6), fp32 or bf16, plus the token ids they were computed from so
// that a new request that shares a prefix reuses them.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "core/cpu/cpu_kernels.h"
#include "core/model_config.h"
#include "core/result.h"

namespace qe {

// Memory for large buffers that are read in long sweeps (the KV cache): blocks of 2 MiB and more
// are 2 MiB aligned and advised for transparent huge pages (Linux's default "madvise" mode gives
// them only on request), so a sweep over the cache does not take a TLB miss every 4 KiB; smaller
// blocks are 64 B aligned. Either way rows whose stride is a whole number of cache lines start on
// one, so no 64-byte vector load of theirs spans two lines (malloc's 16 B alignment made every
// AVX-512 load of the cache a split load: qe-kernel-bench --only attention, ~1.4x on the kernels).
void* allocateLarge(std::size_t bytes);  // throws std::bad_alloc
void freeLarge(void* p, std::size_t bytes);

template <typename T>
struct LargeBufferAllocator {
    using value_type = T;
    LargeBufferAllocator() = default;
    template <typename U> LargeBufferAllocator(const LargeBufferAllocator<U>&) {}
    T* allocate(std::size_t n) { return static_cast<T*>(allocateLarge(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) { freeLarge(p, n * sizeof(T)); }
    template <typename U> bool operator==(const LargeBufferAllocator<U>&) const { return true; }
};

// Where the keys and values live: in this object (the CPU backend), or in a backend's own
// memory (the GPU), in which case KvCache keeps the token bookkeeping and the limits only.
enum class KvStorage { Host, External };

// Element type of the CPU engine's cache. F32 keeps the keys and values as computed (the
// reference); BF16 rounds them to nearest-even bf16 when they are stored (spec §3.2's 2-byte
// figure, as the GPU backend stores them): half the memory and half the bytes each decoded token
// reads, at a relative error of at most 2^-8 per stored value (bf16 has 8 significant bits).
enum class KvType { F32, BF16 };
const char* kvTypeName(KvType type);                         // "f32", "bf16"
bool parseKvType(const std::string& name, KvType* type);     // accepts those names

class KvCache {
public:
    KvCache() = default;
    // Sets the layout; allocates nothing until reserve().
    void configure(const ModelConfig& config, std::int64_t maxTokens, KvStorage storage = KvStorage::Host,
                   KvType type = KvType::F32);
    KvStorage storage() const { return m_storage; }
    KvType type() const { return m_type; }

    // Makes room for `tokens` positions (grows geometrically, copying what is cached; never
    // shrinks). Fails with InvalidArgument past maxTokens, OutOfMemory if allocation fails.
    // External storage allocates nothing here: the backend sized it for maxTokens up front.
    Status reserve(std::int64_t tokens);

    // [capacity][numKeyValueHeads][headDim] per layer, rowStride() elements apart (kvWidth, plus a
    // cache line of padding when the row is a multiple of 1 KiB). T is float for KvType::F32 and
    // cpu::Bf16 for KvType::BF16 (the type the cache was configured with).
    template <typename T> T* keys(std::int64_t layer, std::int64_t pos) { return rowsOf<T>(m_keys, layer, pos); }
    template <typename T> T* values(std::int64_t layer, std::int64_t pos) { return rowsOf<T>(m_values, layer, pos); }
    template <typename T> const T* keys(std::int64_t layer, std::int64_t pos) const {
        return const_cast<KvCache*>(this)->keys<T>(layer, pos);
    }
    template <typename T> const T* values(std::int64_t layer, std::int64_t pos) const {
        return const_cast<KvCache*>(this)->values<T>(layer, pos);
    }
    std::int64_t rowStride() const { return m_rowStride; }  // elements from one position's keys (values) to the next

    std::int64_t length() const { return static_cast<std::int64_t>(m_tokens.size()); }
    std::int64_t capacity() const { return m_capacity; }
    std::int64_t maxTokens() const { return m_maxTokens; }
    const std::vector<int>& tokens() const { return m_tokens; }

    // Records that `tokens` were appended at positions length().. (after a successful forward).
    void append(std::span<const int> tokens) { m_tokens.insert(m_tokens.end(), tokens.begin(), tokens.end()); }
    // Forgets positions >= length (the data stays allocated).
    void truncate(std::int64_t length);
    void clear() { truncate(0); }

    // Length of the longest common prefix of `tokens` and what is cached.
    std::int64_t commonPrefix(std::span<const int> tokens) const;

    std::uint64_t bytesPerToken() const { return 2ull * static_cast<std::uint64_t>(m_layers * m_rowStride) * elementBytes(); }
    std::uint64_t elementBytes() const { return m_type == KvType::F32 ? 4 : 2; }
    std::uint64_t allocatedBytes() const {
        return m_storage == KvStorage::Host ? bytesPerToken() * static_cast<std::uint64_t>(m_capacity) : 0;
    }

private:
    // Per layer, in the configured type (the other type's vectors stay empty).
    struct Rows {
        std::vector<std::vector<float, LargeBufferAllocator<float>>> f32;
        std::vector<std::vector<cpu::Bf16, LargeBufferAllocator<cpu::Bf16>>> bf16;
    };
    template <typename T> T* rowsOf(Rows& rows, std::int64_t layer, std::int64_t pos) {
        static_assert(std::is_same_v<T, float> || std::is_same_v<T, cpu::Bf16>);
        assert((m_type == KvType::F32) == (std::is_same_v<T, float>));
        if constexpr (std::is_same_v<T, float>)
            return rows.f32[static_cast<std::size_t>(layer)].data() + pos * m_rowStride;
        else
            return rows.bf16[static_cast<std::size_t>(layer)].data() + pos * m_rowStride;
    }

    Rows m_keys;
    Rows m_values;
    std::vector<int> m_tokens;
    std::int64_t m_layers = 0;
    std::int64_t m_rowStride = 0;   // numKeyValueHeads * headDim, plus padding
    std::int64_t m_capacity = 0;
    std::int64_t m_maxTokens = 0;
    KvStorage m_storage = KvStorage::Host;
    KvType m_type = KvType::F32;
};

}  // namespace qe
