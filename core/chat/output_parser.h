// Splits model output into reasoning (<think>…</think>) and answer, and extracts <tool_call>
// JSON blocks, incrementally as tokens arrive (spec qwen3.md §6.1 "To parse output").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace qe {

struct ToolCall {
    std::string name;
    nlohmann::ordered_json arguments;  // object (or whatever JSON value the model wrote)
    std::string raw;                   // the text between <tool_call> and </tool_call>, trimmed
};

struct ToolCallProblem {
    std::string raw;      // the block's text
    std::string message;  // why it is not a valid {"name", "arguments"} object
};

struct ParsedOutput {
    std::string reasoning;  // text of the think block, surrounding '\n' trimmed ("" if none)
    std::string content;    // answer text with tool-call blocks removed, surrounding '\n' trimmed
    std::vector<ToolCall> toolCalls;
    std::vector<ToolCallProblem> problems;  // invalid tool calls: reported, never fatal
    bool hasThinkBlock = false;             // a </think> was seen
    bool thinkingOpen = false;              // still inside reasoning (no </think> yet) — streaming only
};

// Parses a whole output. With thinking, the output starts with or without "<think>" (the
// template may have opened it); everything before the last "</think>" is reasoning. Without a
// "</think>": reasoning only if the text starts with "<think>" (unfinished), else all content.
ParsedOutput parseOutput(std::string_view text);

// Incremental form: feed text pieces as tokens are decoded; the state after any prefix equals
// parseOutput(prefix) except that a partly received tag is held back, so results do not depend
// on how the text was split. Not thread-safe; one instance per generation.
class OutputParser {
public:
    // `thinkingStarted`: the prompt already ends inside a think block (Thinking-2507 templates
    // append "<think>\n"), so text before "</think>" is reasoning even without an opening tag.
    explicit OutputParser(bool thinkingStarted = false) : m_thinkingStarted(thinkingStarted) {}

    void feed(std::string_view piece);
    // Everything fed so far, parsed; a partial tag at the end is treated as text.
    ParsedOutput finish() const;
    // Current view for display while streaming: reasoning and content so far, with an unclosed
    // <tool_call> block and any partial tag at the end held back.
    ParsedOutput snapshot() const;
    const std::string& text() const { return m_text; }

private:
    std::string m_text;
    bool m_thinkingStarted;
};

// Same as parseOutput but with a known-open think block at the start (see OutputParser).
ParsedOutput parseOutput(std::string_view text, bool thinkingStarted);

}  // namespace qe
