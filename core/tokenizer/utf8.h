// UTF-8 helpers for the tokenizers: validation, lossy repair with U+FFFD (Python errors="replace"
// semantics: one U+FFFD per maximal invalid subpart), and NFC normalization (ICU).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace qe::detail {

bool isValidUtf8(std::string_view bytes);

// Appends `bytes` to `out` with every ill-formed sequence replaced by U+FFFD. With `final` false, an
// incomplete but so far valid sequence at the end is not consumed. Returns the number of bytes
// consumed from `bytes`.
std::size_t appendUtf8Lossy(std::string_view bytes, bool final, std::string& out);

// `bytes` repaired as above (a copy only when it was invalid).
std::string utf8Lossy(std::string_view bytes);

// Appends the NFC form of valid UTF-8 `text` to `out`. Fast path for text already in NFC.
void appendNfc(std::string_view text, std::string& out);

// Length in bytes of the UTF-8 character starting at `text[pos]` (valid UTF-8 assumed).
inline std::size_t utf8CharLength(unsigned char lead) {
    return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Appends code point `cp` as UTF-8.
void appendCodePoint(char32_t cp, std::string& out);

}  // namespace qe::detail
