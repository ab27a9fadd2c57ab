// The attention head the inspector watches while tokens stream (issue #9). The GUI thread writes
// it; the engine thread reads it inside the generation callback, where no queued request can
// reach the worker. Like the stop token it is the one piece of state shared across the seam
// (style.md §4): a single lock-free atomic, so the worker never waits on the GUI.
#pragma once

#include <atomic>
#include <cstdint>

namespace qe::gui {

class AttentionWatch {
public:
    struct Head {
        std::int64_t layer = -1;  // -1: nothing watched
        std::int64_t head = -1;
        bool valid() const { return layer >= 0 && head >= 0; }
        bool operator==(const Head&) const = default;
    };

    // Any thread. layer < 0 or head < 0: stop watching.
    void set(Head head) { m_packed.store(pack(head), std::memory_order_relaxed); }
    // Any thread; wait-free.
    Head get() const { return unpack(m_packed.load(std::memory_order_relaxed)); }

private:
    // Layer and head both fit 32 bits; packing them keeps the pair consistent without a lock.
    static std::uint64_t pack(Head h) {
        if (!h.valid()) return kNone;
        return (static_cast<std::uint64_t>(h.layer) << 32) | static_cast<std::uint32_t>(h.head);
    }
    static Head unpack(std::uint64_t v) {
        if (v == kNone) return {};
        return {static_cast<std::int64_t>(v >> 32), static_cast<std::int64_t>(v & 0xffffffffu)};
    }
    static constexpr std::uint64_t kNone = ~std::uint64_t(0);

    std::atomic<std::uint64_t> m_packed{kNone};
};

}  // namespace qe::gui
