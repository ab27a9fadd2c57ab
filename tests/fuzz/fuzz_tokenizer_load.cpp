// Fuzzer for tokenizer.json loading (BpeTokenizer::loadFromJson). A file that loads must also
// tokenize: every id encode() returns is valid, and decode() of them succeeds with valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view json(reinterpret_cast<const char*>(data), size);
    auto tokenizer = qe::BpeTokenizer::loadFromJson(json);
    if (!tokenizer.ok()) {
        if (tokenizer.error().message.empty()) __builtin_trap();  // every error says what is wrong
        return 0;
    }
    const qe::BpeTokenizer& tok = **tokenizer;
    for (std::string_view text : {std::string_view("Hello world, it's 2024!\r\n  <|im_end|> caf\xC3\xA9 \xE4\xBD\xA0"),
                                  json.substr(0, 256)}) {
        auto ids = tok.encode(text);
        for (int id : ids)
            if (id < 0 || id >= tok.size()) __builtin_trap();
        auto decoded = tok.decode(ids);
        if (!decoded.ok() || !qe::detail::isValidUtf8(*decoded)) __builtin_trap();
    }
    return 0;
}
