// A small sandboxed Jinja2 engine for Hugging Face chat templates: parse once, render many times.
// Semantics follow Jinja2 as transformers configures it (trim_blocks, lstrip_blocks, loop controls,
// tojson = json.dumps(ensure_ascii=False)); values behave like Python's (truthiness, str, slicing).
// The engine has no file, network or process access; loops, recursion and output are bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace qe::jinja {

// Sandbox bounds; exceeding one is an error naming the limit and the template line.
struct Limits {
    size_t maxOutputBytes = size_t{16} << 20;    // rendered text, and any single string built
    uint64_t maxIterations = 1'000'000;          // loop iterations + macro calls, per render
    int maxCallDepth = 64;                       // nested macro calls
    int maxNestingDepth = 128;                   // nesting of blocks and expressions when parsing
    uint64_t maxWorkBytes = uint64_t{512} << 20;  // bytes of strings built in total, per render
};

namespace detail {
struct TemplateNodes;
}

class Template {
public:
    // Parses `source`. Errors (InvalidArgument) read "line N: ..." and name the construct.
    static Result<Template> parse(std::string_view source, Limits limits = {});

    // Renders with `context` (a JSON object: its keys become template variables). Built-in
    // globals: range, namespace, dict, raise_exception, strftime_now. Thread-safe: each call
    // has its own state. Errors (InvalidArgument) read "line N: ...".
    Result<std::string> render(const nlohmann::ordered_json& context) const;

private:
    std::shared_ptr<const detail::TemplateNodes> m_nodes;
    Limits m_limits;
};

}  // namespace qe::jinja
