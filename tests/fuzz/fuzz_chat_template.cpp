// libFuzzer target: the input is Jinja template source; it is parsed and rendered against a
// small fixed conversation with tight sandbox limits. Any crash, sanitizer report or hang is a bug;
// template errors are expected results.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/chat/jinja_template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const nlohmann::ordered_json context = nlohmann::ordered_json::parse(R"({
        "messages": [
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": "What's 2+2? 你好"},
            {"role": "assistant", "content": "<think>\nadd\n</think>\n\n4", "tool_calls": [
                {"type": "function", "function": {"name": "calc", "arguments": {"expr": "2+2", "n": [1, 2.5, null, true]}}}]},
            {"role": "tool", "content": "4"},
            {"role": "user", "content": "<tool_response>ok</tool_response>"}],
        "tools": [{"type": "function", "function": {"name": "calc", "parameters": {"type": "object"}}}],
        "add_generation_prompt": true, "enable_thinking": false,
        "bos_token": "<s>", "eos_token": "<|im_end|>"})");
    qe::jinja::Limits limits;
    limits.maxOutputBytes = 1 << 16;
    limits.maxIterations = 20000;
    limits.maxCallDepth = 32;
    limits.maxNestingDepth = 64;
    limits.maxWorkBytes = 1 << 24;
    auto tmpl = qe::jinja::Template::parse(std::string_view(reinterpret_cast<const char*>(data), size), limits);
    if (!tmpl.ok()) return 0;
    auto out = tmpl->render(context);
    (void)out;
    return 0;
}
