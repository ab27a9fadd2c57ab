// libFuzzer target over parseSafetensors and parseSafetensorsIndex. The first input byte picks the
// parser (even: safetensors file, odd: index JSON); the rest is the file. Accepted files are
// checked against the format's invariants, so a validation hole traps instead of passing silently.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/safetensors.h"

namespace {

void checkHeader(const qe::SafetensorsHeader& header, std::span<const std::uint8_t> bytes) {
    if (header.dataStart < 8 || header.dataStart > bytes.size()) __builtin_trap();
    std::uint64_t expected = 0;
    for (const auto& t : header.tensors) {
        if (t.begin != expected || t.end < t.begin) __builtin_trap();
        if (t.data != bytes.data() + header.dataStart + t.begin) __builtin_trap();
        std::uint64_t elements = 1;
        for (auto d : t.shape) {
            if (d < 0) __builtin_trap();
            elements *= static_cast<std::uint64_t>(d);
        }
        if (static_cast<std::uint64_t>(t.numElements()) != elements) __builtin_trap();
        if (elements * qe::dtypeBits(t.dtype) != t.byteSize() * 8) __builtin_trap();
        if (t.byteSize() > 0) {
            volatile std::uint8_t last = t.data[t.byteSize() - 1];  // ASan checks it lies in the input
            (void)last;
        }
        expected = t.end;
    }
    if (header.dataStart + expected != bytes.size()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    if (data[0] % 2 == 0) {
        auto header = qe::parseSafetensors(rest, "fuzz.safetensors");
        if (header.ok()) checkHeader(*header, rest);
    } else {
        auto index = qe::parseSafetensorsIndex(
            std::string_view(reinterpret_cast<const char*>(rest.data()), rest.size()), "fuzz.index.json");
        (void)index.ok();
    }
    return 0;
}
