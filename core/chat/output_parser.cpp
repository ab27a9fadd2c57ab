// Output parsing: reasoning/answer split at the last </think>, <tool_call> JSON extraction.
// The streaming parser keeps the text and parses it on demand, so results are a function of the
// text alone, never of how it was split.
#include "core/chat/output_parser.h"

#include <algorithm>

namespace qe {
namespace {

constexpr std::string_view kThinkOpen = "<think>";
constexpr std::string_view kThinkClose = "</think>";
constexpr std::string_view kToolOpen = "<tool_call>";
constexpr std::string_view kToolClose = "</tool_call>";

std::string trimNewlines(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == '\n' || s[b] == '\r')) ++b;
    while (e > b && (s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
    return std::string(s.substr(b, e - b));
}

std::string_view trimSpace(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// Length of the longest suffix of `text` that is a proper prefix of one of `tags`.
size_t partialTagSuffix(std::string_view text, std::initializer_list<std::string_view> tags) {
    size_t best = 0;
    for (std::string_view tag : tags) {
        for (size_t n = std::min(tag.size() - 1, text.size()); n > best; --n) {
            if (text.substr(text.size() - n) == tag.substr(0, n)) {
                best = n;
                break;
            }
        }
    }
    return best;
}

// Where the first non-whitespace text starts, if it opens a think block: npos otherwise.
size_t thinkOpenAt(std::string_view text) {
    size_t p = text.find_first_not_of(" \n\r\t");
    if (p == std::string_view::npos) return std::string_view::npos;
    return text.substr(p, kThinkOpen.size()) == kThinkOpen ? p : std::string_view::npos;
}

}  // namespace

// Parses one tool-call block body into a call or a problem.
static void parseToolBlock(std::string_view body, ParsedOutput& out) {
    std::string raw(trimSpace(body));
    auto j = nlohmann::ordered_json::parse(raw, nullptr, false);
    if (j.is_discarded()) {
        out.problems.push_back({raw, "tool call is not valid JSON"});
        return;
    }
    if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) {
        out.problems.push_back({raw, "tool call must be a JSON object with a string \"name\""});
        return;
    }
    ToolCall call;
    call.name = j["name"].get<std::string>();
    call.arguments = j.contains("arguments") ? j["arguments"] : nlohmann::ordered_json::object();
    if (call.arguments.is_string()) {
        auto inner = nlohmann::ordered_json::parse(call.arguments.get<std::string>(), nullptr, false);
        if (!inner.is_discarded() && inner.is_object()) call.arguments = std::move(inner);
    }
    call.raw = std::move(raw);
    out.toolCalls.push_back(std::move(call));
}

// Splits `content` into answer text and tool calls. `streaming`: an unclosed block is held back
// instead of being reported.
static void extractToolCalls(std::string_view content, bool streaming, ParsedOutput& out) {
    std::string text;
    size_t pos = 0;
    for (;;) {
        size_t open = content.find(kToolOpen, pos);
        if (open == std::string_view::npos) {
            text.append(content.substr(pos));
            break;
        }
        text.append(content.substr(pos, open - pos));
        size_t bodyStart = open + kToolOpen.size();
        size_t close = content.find(kToolClose, bodyStart);
        if (close == std::string_view::npos) {
            if (!streaming) out.problems.push_back({std::string(trimSpace(content.substr(bodyStart))), "unterminated <tool_call> block"});
            break;
        }
        parseToolBlock(content.substr(bodyStart, close - bodyStart), out);
        pos = close + kToolClose.size();
    }
    out.content = trimNewlines(text);
}

static ParsedOutput parseImpl(std::string_view text, bool thinkingStarted, bool streaming) {
    ParsedOutput out;
    if (streaming) text.remove_suffix(partialTagSuffix(text, {kThinkOpen, kThinkClose, kToolOpen, kToolClose}));
    size_t close = text.rfind(kThinkClose);
    if (close != std::string_view::npos) {
        std::string_view before = text.substr(0, close);
        size_t open = before.rfind(kThinkOpen);
        if (open != std::string_view::npos) before = before.substr(open + kThinkOpen.size());
        out.reasoning = trimNewlines(before);
        out.hasThinkBlock = true;
        extractToolCalls(text.substr(close + kThinkClose.size()), streaming, out);
        return out;
    }
    size_t open = thinkOpenAt(text);
    if (open != std::string_view::npos || thinkingStarted) {
        // Unfinished reasoning: everything so far is thinking.
        out.reasoning = trimNewlines(open != std::string_view::npos ? text.substr(open + kThinkOpen.size()) : text);
        out.thinkingOpen = true;
        return out;
    }
    extractToolCalls(text, streaming, out);
    return out;
}

ParsedOutput parseOutput(std::string_view text) { return parseImpl(text, false, false); }

ParsedOutput parseOutput(std::string_view text, bool thinkingStarted) { return parseImpl(text, thinkingStarted, false); }

void OutputParser::feed(std::string_view piece) { m_text.append(piece); }

ParsedOutput OutputParser::finish() const { return parseImpl(m_text, m_thinkingStarted, false); }

ParsedOutput OutputParser::snapshot() const { return parseImpl(m_text, m_thinkingStarted, true); }

}  // namespace qe
