// UTF-8 validation, lossy repair and NFC normalization for the tokenizers.
#include "core/tokenizer/utf8.h"

#include <cstdint>

#include <unicode/normalizer2.h>
#include <unicode/bytestream.h>
#include <unicode/stringpiece.h>

namespace qe::detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid sequence a lead byte starts (0: never valid) and the allowed range of
// its first continuation byte (Unicode Table 3-7, well-formed UTF-8 byte sequences).
struct LeadInfo {
    int length;
    unsigned char lo, hi;
};

LeadInfo leadInfo(unsigned char b) {
    if (b < 0x80) return {1, 0, 0};
    if (b < 0xC2) return {0, 0, 0};
    if (b < 0xE0) return {2, 0x80, 0xBF};
    if (b == 0xE0) return {3, 0xA0, 0xBF};
    if (b == 0xED) return {3, 0x80, 0x9F};
    if (b < 0xF0) return {3, 0x80, 0xBF};
    if (b == 0xF0) return {4, 0x90, 0xBF};
    if (b < 0xF4) return {4, 0x80, 0xBF};
    if (b == 0xF4) return {4, 0x80, 0x8F};
    return {0, 0, 0};
}

// Bytes of a valid sequence at `pos` (>0), or -k when only a maximal subpart of k bytes is
// well-formed (k >= 1), or 0 when the sequence is a valid prefix cut off by the end of input.
int scanSequence(std::string_view s, std::size_t pos) {
    auto b = static_cast<unsigned char>(s[pos]);
    LeadInfo info = leadInfo(b);
    if (info.length == 1) return 1;
    if (info.length == 0) return -1;
    for (int k = 1; k < info.length; ++k) {
        if (pos + k >= s.size()) return 0;
        auto c = static_cast<unsigned char>(s[pos + k]);
        unsigned char lo = k == 1 ? info.lo : 0x80, hi = k == 1 ? info.hi : 0xBF;
        if (c < lo || c > hi) return -k;
    }
    return info.length;
}

}  // namespace

bool isValidUtf8(std::string_view bytes) {
    std::size_t pos = 0, n = bytes.size();
    while (pos < n) {
        // ASCII fast path, 8 bytes at a time.
        while (pos + 8 <= n) {
            std::uint64_t word;
            __builtin_memcpy(&word, bytes.data() + pos, 8);
            if (word & 0x8080808080808080ULL) break;
            pos += 8;
        }
        if (pos >= n) break;
        int len = scanSequence(bytes, pos);
        if (len <= 0) return false;
        pos += static_cast<std::size_t>(len);
    }
    return true;
}

std::size_t appendUtf8Lossy(std::string_view bytes, bool final, std::string& out) {
    std::size_t pos = 0, n = bytes.size(), runStart = 0;
    while (pos < n) {
        int len = scanSequence(bytes, pos);
        if (len > 0) {
            pos += static_cast<std::size_t>(len);
            continue;
        }
        out.append(bytes.substr(runStart, pos - runStart));
        if (len == 0) {  // truncated sequence at the end
            if (!final) return pos;
            out.append(kReplacement);
            return n;
        }
        out.append(kReplacement);
        pos += static_cast<std::size_t>(-len);
        runStart = pos;
    }
    out.append(bytes.substr(runStart, pos - runStart));
    return n;
}

std::string utf8Lossy(std::string_view bytes) {
    if (isValidUtf8(bytes)) return std::string(bytes);
    std::string out;
    out.reserve(bytes.size() + 8);
    (void)appendUtf8Lossy(bytes, true, out);
    return out;
}

void appendNfc(std::string_view text, std::string& out) {
    // Code points below U+0300 are NFC-stable and never combine with what precedes them; their
    // UTF-8 bytes are all below 0xCC. Text without a byte >= 0xCC is therefore already NFC.
    bool maybeComposable = false;
    for (unsigned char c : text) {
        if (c >= 0xCC) {
            maybeComposable = true;
            break;
        }
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = maybeComposable ? icu::Normalizer2::getNFCInstance(status) : nullptr;
    if (!maybeComposable || U_FAILURE(status) || nfc == nullptr) {
        out.append(text);
        return;
    }
    icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
    if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
        out.append(text);
        return;
    }
    status = U_ZERO_ERROR;
    std::string normalized;
    icu::StringByteSink<std::string> sink(&normalized);
    nfc->normalizeUTF8(0, piece, sink, nullptr, status);
    if (U_FAILURE(status)) {
        out.append(text);  // cannot happen for valid UTF-8; keep the text rather than lose it
        return;
    }
    out.append(normalized);
}

void appendCodePoint(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace qe::detail
