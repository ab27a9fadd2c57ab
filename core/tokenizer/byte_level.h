// GPT-2 bytes_to_unicode table (spec §5.2 step 4): every byte maps to a printable code point;
// 0x21-0x7E, 0xA1-0xAC, 0xAE-0xFF map to themselves, the other 68 bytes to U+0100... in order.
#pragma once

#include <array>
#include <cstdint>

namespace qe::detail {

struct ByteLevelTable {
    std::array<char32_t, 256> byteToCodePoint{};
    std::array<std::int16_t, 0x144> codePointToByte{};  // -1 where no byte maps to the code point

    constexpr ByteLevelTable() {
        codePointToByte.fill(-1);
        char32_t next = 0x100;
        for (int b = 0; b < 256; ++b) {
            bool self = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            byteToCodePoint[b] = self ? static_cast<char32_t>(b) : next++;
            codePointToByte[byteToCodePoint[b]] = static_cast<std::int16_t>(b);
        }
    }
};

inline constexpr ByteLevelTable kByteLevel{};

}  // namespace qe::detail
