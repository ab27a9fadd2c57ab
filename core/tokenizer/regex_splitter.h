// The pre-tokenizer split of byte-level BPE (tokenizer.json Split with behavior Isolated): a
// PCRE2 regex (UTF + UCP, JIT-compiled) cuts a text into pieces; matches and the gaps between
// them both become pieces, so the pieces always cover the whole text.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace qe::detail {

class RegexSplitter {
public:
    // Compiles `pattern` (HF/Oniguruma syntax; the Qwen3 and GPT-2 patterns mean the same in
    // PCRE2 with UCP: \s is White_Space there too, U+0085 included). Fails with Unsupported.
    static Result<std::unique_ptr<RegexSplitter>> compile(const std::string& pattern);
    ~RegexSplitter();

    // Calls `emit(piece)` for each piece of valid UTF-8 `text`, in order. Thread-safe.
    template <class Emit>
    void split(std::string_view text, Emit&& emit) const {
        splitImpl(text, std::function<void(std::string_view)>(std::ref(emit)));
    }

private:
    RegexSplitter() = default;
    void splitImpl(std::string_view text, const std::function<void(std::string_view)>& emit) const;

    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace qe::detail
