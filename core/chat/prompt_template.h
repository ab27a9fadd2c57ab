// Prompt templates: reusable prompts (system prompt, few-shot turns, a body with {{name}}
// variables, a sampling preset) stored as JSON files, built-in (resources/templates/) and per user
// ($XDG_DATA_HOME/qwen-explorer/templates). Instantiating one gives the chat `messages` list.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace qe {

enum class SamplingPresetKind { None, Thinking, NonThinking, Custom };

// Spec qwen3.md §6.3: thinking 0.6/0.95/20/0, non-thinking 0.7/0.8/20/0.
struct SamplingPreset {
    SamplingPresetKind kind = SamplingPresetKind::None;  // None: the template does not choose
    double temperature = 0.6;
    double topP = 0.95;
    int topK = 20;
    double minP = 0.0;
    double presencePenalty = 0.0;
    // true for Thinking, false for NonThinking, nullopt otherwise (keep the user's setting).
    std::optional<bool> enableThinking() const;
};

struct FewShotTurn {
    std::string user;
    std::string assistant;
};

struct PromptTemplate {
    std::string id;           // stable key, e.g. "quadratic-solver"; (id, language) is unique
    std::string language;     // "en", "zh", ...
    std::string name;         // shown in the UI
    std::string description;
    std::string systemPrompt;  // optional ("" = no system message)
    std::vector<FewShotTurn> examples;
    std::string body;                    // user message with {{name}} placeholders
    std::vector<std::string> variables;  // placeholder names in order of first use
    SamplingPreset sampling;
    bool builtin = false;
    std::string path;  // file it came from ("" if parsed from memory)
};

// Parses one template object. `origin` (a path) is used in error messages.
Result<PromptTemplate> parsePromptTemplate(const nlohmann::ordered_json& json, const std::string& origin = {});
Result<PromptTemplate> loadPromptTemplateFile(const std::filesystem::path& path);

// Placeholder names in `body` ({{name}}, spaces allowed inside the braces), in order of first use.
// A malformed placeholder ("{{ }}", "{{a b}}", unclosed "{{") is an InvalidArgument error.
Result<std::vector<std::string>> promptVariables(std::string_view body);

// Builds [{"role": "system"}?, few-shot user/assistant pairs..., {"role": "user", body}] with
// every placeholder replaced. Missing or unknown variables are InvalidArgument errors naming them.
Result<nlohmann::ordered_json> instantiatePrompt(const PromptTemplate& tmpl, const std::map<std::string, std::string>& values);

struct PromptTemplateProblem {
    std::string path;  // the file that could not be used
    Error error;
};

// Every usable template plus one problem per file that was not (bad JSON, missing field,
// duplicate (id, language)). A broken file never hides the others.
struct PromptLibrary {
    std::vector<PromptTemplate> templates;  // built-ins first, then user files by file name
    std::vector<PromptTemplateProblem> problems;

    // By id in `language`, falling back to "en", then to any language; nullptr if unknown.
    const PromptTemplate* find(const std::string& id, const std::string& language = "en") const;
};

// Loads *.json from `builtinDir` (marked builtin) and then `userDir`; either may be empty or
// missing (a missing user folder is not a problem). First (id, language) wins; later ones are
// reported as duplicates.
PromptLibrary loadPromptLibrary(const std::filesystem::path& builtinDir, const std::filesystem::path& userDir);

// $XDG_DATA_HOME/qwen-explorer/templates, else $HOME/.local/share/qwen-explorer/templates.
std::filesystem::path defaultUserPromptTemplateDir();

}  // namespace qe
