// Key/value cache of the CPU engine: post-norm, post-RoPE keys and raw values for every layer
// and position (spec §1.3 step 6), fp32, plus the token ids they were computed from so that a
// new request that shares a prefix reuses them.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/model_config.h"
#include "core/result.h"

namespace qe {

// Where the keys and values live: in this object (the CPU backend), or in a backend's own
// memory (the GPU), in which case KvCache keeps the token bookkeeping and the limits only.
enum class KvStorage { Host, External };

class KvCache {
public:
    KvCache() = default;
    // Sets the layout; allocates nothing until reserve().
    void configure(const ModelConfig& config, std::int64_t maxTokens, KvStorage storage = KvStorage::Host);
    KvStorage storage() const { return m_storage; }

    // Makes room for `tokens` positions (grows geometrically, copying what is cached; never
    // shrinks). Fails with InvalidArgument past maxTokens, OutOfMemory if allocation fails.
    // External storage allocates nothing here: the backend sized it for maxTokens up front.
    Status reserve(std::int64_t tokens);

    // [capacity][numKeyValueHeads][headDim] per layer, fp32, rowFloats() apart (kvWidth, plus a
    // cache line of padding when the row is a multiple of 1 KiB).
    float* keys(std::int64_t layer, std::int64_t pos) { return m_keys[layer].data() + pos * m_rowFloats; }
    float* values(std::int64_t layer, std::int64_t pos) { return m_values[layer].data() + pos * m_rowFloats; }
    const float* keys(std::int64_t layer, std::int64_t pos) const { return m_keys[layer].data() + pos * m_rowFloats; }
    const float* values(std::int64_t layer, std::int64_t pos) const { return m_values[layer].data() + pos * m_rowFloats; }
    std::int64_t rowFloats() const { return m_rowFloats; }  // from one position's keys (values) to the next

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

    std::uint64_t bytesPerToken() const { return 2ull * m_keys.size() * m_rowFloats * sizeof(float); }
    std::uint64_t allocatedBytes() const {
        return m_storage == KvStorage::Host ? bytesPerToken() * static_cast<std::uint64_t>(m_capacity) : 0;
    }

private:
    std::vector<std::vector<float>> m_keys;    // per layer
    std::vector<std::vector<float>> m_values;  // per layer
    std::vector<int> m_tokens;
    std::int64_t m_rowFloats = 0;   // numKeyValueHeads * headDim
    std::int64_t m_capacity = 0;
    std::int64_t m_maxTokens = 0;
    KvStorage m_storage = KvStorage::Host;
};

}  // namespace qe
