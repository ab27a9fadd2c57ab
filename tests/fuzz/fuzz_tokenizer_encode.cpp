// Fuzzer for encoding arbitrary bytes. Uses the real Qwen3 tokenizer.json when QE_FUZZ_TOKENIZER
// names one, else a small synthetic byte-level tokenizer (all 256 bytes, a few merges, the Qwen3
// pre-tokenizer regex, NFC, two added tokens). Checks: ids valid; decode is valid UTF-8; the
// stream decoder's pieces are valid and concatenate to decode(); without added tokens in the
// input, decode(encode(x)) == NFC(x with invalid UTF-8 replaced).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/stream_decoder.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/utf8.h"

namespace {

std::string jsonString(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

std::string syntheticTokenizerJson() {
    std::string vocab;
    for (int b = 0; b < 256; ++b) {
        std::string symbol;
        qe::detail::appendCodePoint(qe::detail::kByteLevel.byteToCodePoint[static_cast<std::size_t>(b)], symbol);
        vocab += jsonString(symbol) + ": " + std::to_string(b) + ", ";
    }
    const char* merged[] = {"Ġt", "he", "Ġthe", "in", "ĠĠ", "ĠĠĠĠ", "ä½", "ä½ł", "Ċ", "ĠĊ"};
    for (int i = 0; i < 10; ++i) vocab += jsonString(merged[i]) + ": " + std::to_string(256 + i) + ", ";
    vocab += "\"ZZ\": 266";
    return R"({"normalizer": {"type": "NFC"},
      "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}, "behavior": "Isolated", "invert": false},
        {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]},
      "added_tokens": [{"id": 300, "content": "<|im_end|>", "special": true}, {"id": 301, "content": "<think>", "special": false}],
      "model": {"type": "BPE", "vocab": {)" +
           vocab + R"(}, "merges": ["Ġ t", "h e", "Ġt he", "i n", ["Ġ", "Ġ"], "ĠĠ ĠĠ", "ä ½", "ä½ ł"]}})";
}

std::unique_ptr<qe::Tokenizer> makeTokenizer() {
    if (const char* path = std::getenv("QE_FUZZ_TOKENIZER")) {
        auto loaded = qe::Tokenizer::load(path);
        if (loaded.ok()) return std::move(loaded).value();
    }
    auto synthetic = qe::BpeTokenizer::loadFromJson(syntheticTokenizerJson(), {}, "synthetic tokenizer.json");
    if (!synthetic.ok()) __builtin_trap();
    return std::move(synthetic).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::unique_ptr<qe::Tokenizer> tok = makeTokenizer();
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto ids = tok->encode(text);
    for (int id : ids)
        if (id < 0 || id >= tok->size()) __builtin_trap();
    auto decoded = tok->decode(ids);
    if (!decoded.ok() || !qe::detail::isValidUtf8(*decoded)) __builtin_trap();

    qe::StreamDecoder stream(*tok);
    std::string joined;
    for (int id : ids) {
        auto piece = stream.push(id);
        if (!piece.ok() || !qe::detail::isValidUtf8(*piece)) __builtin_trap();
        joined += *piece;
    }
    joined += stream.finish();
    if (joined != *decoded) __builtin_trap();

    if (text.find('<') == std::string_view::npos) {
        std::string expected;
        qe::detail::appendNfc(qe::detail::utf8Lossy(text), expected);
        if (*decoded != expected) __builtin_trap();
    }
    return 0;
}
