// PCRE2-based pre-tokenizer split (see regex_splitter.h).
#include "core/tokenizer/regex_splitter.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/tokenizer/utf8.h"

namespace qe::detail {

struct RegexSplitter::Impl {
    pcre2_code* code = nullptr;
    bool jit = false;
    ~Impl() {
        if (code) pcre2_code_free(code);
    }
};

RegexSplitter::~RegexSplitter() = default;

Result<std::unique_ptr<RegexSplitter>> RegexSplitter::compile(const std::string& pattern) {
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     PCRE2_UTF | PCRE2_UCP, &errorCode, &errorOffset, nullptr);
    if (!code) {
        PCRE2_UCHAR buffer[256];
        pcre2_get_error_message(errorCode, buffer, sizeof buffer);
        return makeError(ErrorCode::Unsupported, "pre-tokenizer regex does not compile at offset " +
                                                     std::to_string(errorOffset) + ": " +
                                                     reinterpret_cast<const char*>(buffer));
    }
    std::unique_ptr<RegexSplitter> splitter(new RegexSplitter());
    splitter->m_impl = std::make_unique<Impl>();
    splitter->m_impl->code = code;
    splitter->m_impl->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    return splitter;
}

void RegexSplitter::splitImpl(std::string_view text, const std::function<void(std::string_view)>& emit) const {
    pcre2_match_data* match = pcre2_match_data_create_from_pattern(m_impl->code, nullptr);
    pcre2_match_context* context = nullptr;
    pcre2_jit_stack* jitStack = nullptr;
    auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t pos = 0, gapStart = 0;
    while (pos < text.size()) {
        int rc = pcre2_match(m_impl->code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK, match, context);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !jitStack) {
            // Very long runs can outgrow the default 32 KiB JIT stack: retry with a larger one.
            context = pcre2_match_context_create(nullptr);
            jitStack = pcre2_jit_stack_create(64 * 1024, 64 * 1024 * 1024, nullptr);
            pcre2_jit_stack_assign(context, nullptr, jitStack);
            continue;
        }
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            // Matching failed (a resource limit): this character joins the gap.
            pos += utf8CharLength(static_cast<unsigned char>(text[pos]));
            continue;
        }
        PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match);
        std::size_t start = ovector[0], end = ovector[1];
        if (end <= start) {  // empty match: skip one character, it joins the gap
            if (start >= text.size()) break;
            pos = start + utf8CharLength(static_cast<unsigned char>(text[start]));
            continue;
        }
        if (start > gapStart) emit(text.substr(gapStart, start - gapStart));
        emit(text.substr(start, end - start));
        pos = gapStart = end;
    }
    if (gapStart < text.size()) emit(text.substr(gapStart));
    if (jitStack) pcre2_jit_stack_free(jitStack);
    if (context) pcre2_match_context_free(context);
    pcre2_match_data_free(match);
}

}  // namespace qe::detail
