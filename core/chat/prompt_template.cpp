// Prompt template files: parsing, validation, {{name}} substitution and library loading.
#include "core/chat/prompt_template.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace qe {

std::optional<bool> SamplingPreset::enableThinking() const {
    if (kind == SamplingPresetKind::Thinking) return true;
    if (kind == SamplingPresetKind::NonThinking) return false;
    return std::nullopt;
}

namespace {

bool isIdentifier(std::string_view s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string_view trimSpaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Calls onText(text) and onVar(name) in order; returns an error for malformed placeholders.
template <class OnText, class OnVar>
Status scanBody(std::string_view body, OnText onText, OnVar onVar) {
    size_t pos = 0;
    for (;;) {
        size_t open = body.find("{{", pos);
        if (open == std::string_view::npos) {
            onText(body.substr(pos));
            return Status::success();
        }
        onText(body.substr(pos, open - pos));
        size_t close = body.find("}}", open + 2);
        if (close == std::string_view::npos)
            return makeError(ErrorCode::InvalidArgument, "unclosed '{{' at offset " + std::to_string(open));
        std::string_view name = trimSpaces(body.substr(open + 2, close - open - 2));
        if (!isIdentifier(name))
            return makeError(ErrorCode::InvalidArgument, "invalid placeholder '{{" + std::string(body.substr(open + 2, close - open - 2)) +
                                                             "}}': expected {{name}} with letters, digits or _");
        onVar(std::string(name));
        pos = close + 2;
    }
}

Result<std::string> optionalString(const nlohmann::ordered_json& json, const char* key) {
    auto it = json.find(key);
    if (it == json.end() || it->is_null()) return std::string();
    if (!it->is_string()) return makeError(ErrorCode::InvalidArgument, std::string("'") + key + "' must be a string");
    return it->get<std::string>();
}

Result<std::string> requiredString(const nlohmann::ordered_json& json, const char* key) {
    QE_ASSIGN_OR_RETURN(std::string value, optionalString(json, key));
    if (value.empty()) return makeError(ErrorCode::InvalidArgument, std::string("missing or empty '") + key + "'");
    return value;
}

Result<double> number(const nlohmann::ordered_json& json, const char* key, double fallback, double lo, double hi) {
    auto it = json.find(key);
    if (it == json.end()) return fallback;
    if (!it->is_number()) return makeError(ErrorCode::InvalidArgument, std::string("sampling '") + key + "' must be a number");
    double v = it->get<double>();
    if (!(v >= lo && v <= hi))
        return makeError(ErrorCode::InvalidArgument, std::string("sampling '") + key + "' = " + std::to_string(v) + ", expected " +
                                                         std::to_string(lo) + " to " + std::to_string(hi));
    return v;
}

Result<SamplingPreset> parseSampling(const nlohmann::ordered_json& json) {
    SamplingPreset p;
    if (json.is_null()) return p;
    if (!json.is_object()) return makeError(ErrorCode::InvalidArgument, "'sampling' must be an object");
    QE_ASSIGN_OR_RETURN(std::string preset, requiredString(json, "preset"));
    if (preset == "thinking") {
        p.kind = SamplingPresetKind::Thinking;
        return p;
    }
    if (preset == "non-thinking") {
        p = SamplingPreset{SamplingPresetKind::NonThinking, 0.7, 0.8, 20, 0.0, 0.0};
        return p;
    }
    if (preset != "custom")
        return makeError(ErrorCode::InvalidArgument, "sampling preset '" + preset + "', expected thinking, non-thinking or custom");
    p.kind = SamplingPresetKind::Custom;
    QE_ASSIGN_OR_RETURN(p.temperature, number(json, "temperature", p.temperature, 0.0, 10.0));
    QE_ASSIGN_OR_RETURN(p.topP, number(json, "top_p", p.topP, 0.0, 1.0));
    QE_ASSIGN_OR_RETURN(double topK, number(json, "top_k", p.topK, 0.0, 1e9));
    p.topK = static_cast<int>(topK);
    QE_ASSIGN_OR_RETURN(p.minP, number(json, "min_p", p.minP, 0.0, 1.0));
    QE_ASSIGN_OR_RETURN(p.presencePenalty, number(json, "presence_penalty", p.presencePenalty, -2.0, 2.0));
    return p;
}

Result<PromptTemplate> parseFields(const nlohmann::ordered_json& json) {
    if (!json.is_object()) return makeError(ErrorCode::InvalidArgument, "a prompt template must be a JSON object");
    PromptTemplate t;
    QE_ASSIGN_OR_RETURN(t.id, requiredString(json, "id"));
    QE_ASSIGN_OR_RETURN(t.language, requiredString(json, "language"));
    QE_ASSIGN_OR_RETURN(t.name, requiredString(json, "name"));
    QE_ASSIGN_OR_RETURN(t.description, optionalString(json, "description"));
    QE_ASSIGN_OR_RETURN(t.systemPrompt, optionalString(json, "system"));
    QE_ASSIGN_OR_RETURN(t.body, requiredString(json, "body"));
    if (auto it = json.find("examples"); it != json.end() && !it->is_null()) {
        if (!it->is_array()) return makeError(ErrorCode::InvalidArgument, "'examples' must be a list of {user, assistant}");
        for (const auto& turn : *it) {
            if (!turn.is_object()) return makeError(ErrorCode::InvalidArgument, "each example must be an object {user, assistant}");
            FewShotTurn shot;
            QE_ASSIGN_OR_RETURN(shot.user, requiredString(turn, "user"));
            QE_ASSIGN_OR_RETURN(shot.assistant, requiredString(turn, "assistant"));
            t.examples.push_back(std::move(shot));
        }
    }
    QE_ASSIGN_OR_RETURN(t.sampling, parseSampling(json.contains("sampling") ? json["sampling"] : nlohmann::ordered_json()));
    QE_ASSIGN_OR_RETURN(t.variables, promptVariables(t.body));
    return t;
}

}  // namespace

Result<std::vector<std::string>> promptVariables(std::string_view body) {
    std::vector<std::string> names;
    Status st = scanBody(body, [](std::string_view) {}, [&](const std::string& name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    });
    if (!st.ok()) return st.error();
    return names;
}

Result<PromptTemplate> parsePromptTemplate(const nlohmann::ordered_json& json, const std::string& origin) {
    auto t = parseFields(json);
    if (!t.ok()) return makeError(t.error().code, "prompt template: " + t.error().message, origin);
    t->path = origin;
    return t;
}

Result<PromptTemplate> loadPromptTemplateFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, "cannot open the prompt template file", path.string());
    std::stringstream ss;
    ss << in.rdbuf();
    auto json = nlohmann::ordered_json::parse(ss.str(), nullptr, false);
    if (json.is_discarded()) return makeError(ErrorCode::Corrupt, "prompt template is not valid JSON", path.string());
    return parsePromptTemplate(json, path.string());
}

Result<nlohmann::ordered_json> instantiatePrompt(const PromptTemplate& tmpl, const std::map<std::string, std::string>& values) {
    for (const auto& [name, value] : values) {
        if (std::find(tmpl.variables.begin(), tmpl.variables.end(), name) == tmpl.variables.end())
            return makeError(ErrorCode::InvalidArgument, "unknown variable '" + name + "' (template '" + tmpl.id + "' has: " +
                                                             [&] {
                                                                 std::string all;
                                                                 for (const auto& v : tmpl.variables) all += (all.empty() ? "" : ", ") + v;
                                                                 return all.empty() ? std::string("none") : all;
                                                             }() + ")");
    }
    std::string text;
    std::string missing;
    Status st = scanBody(tmpl.body, [&](std::string_view s) { text.append(s); }, [&](const std::string& name) {
        auto it = values.find(name);
        if (it == values.end()) {
            if (missing.find("'" + name + "'") == std::string::npos) missing += (missing.empty() ? "'" : ", '") + name + "'";
        } else {
            text += it->second;
        }
    });
    if (!st.ok()) return st.error();
    if (!missing.empty())
        return makeError(ErrorCode::InvalidArgument, "missing variable " + missing + " for template '" + tmpl.id + "'");
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    if (!tmpl.systemPrompt.empty()) messages.push_back({{"role", "system"}, {"content", tmpl.systemPrompt}});
    for (const auto& shot : tmpl.examples) {
        messages.push_back({{"role", "user"}, {"content", shot.user}});
        messages.push_back({{"role", "assistant"}, {"content", shot.assistant}});
    }
    messages.push_back({{"role", "user"}, {"content", text}});
    return messages;
}

const PromptTemplate* PromptLibrary::find(const std::string& id, const std::string& language) const {
    for (const char* lang : {language.c_str(), "en", ""}) {
        for (const auto& t : templates)
            if (t.id == id && (*lang == '\0' || t.language == lang)) return &t;
    }
    return nullptr;
}

static std::vector<std::filesystem::path> jsonFiles(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return files;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".json") files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

PromptLibrary loadPromptLibrary(const std::filesystem::path& builtinDir, const std::filesystem::path& userDir) {
    PromptLibrary lib;
    std::set<std::pair<std::string, std::string>> seen;
    auto loadDir = [&](const std::filesystem::path& dir, bool builtin) {
        for (const auto& file : jsonFiles(dir)) {
            auto t = loadPromptTemplateFile(file);
            if (!t.ok()) {
                lib.problems.push_back({file.string(), t.error()});
                continue;
            }
            if (!seen.insert({t->id, t->language}).second) {
                lib.problems.push_back({file.string(), makeError(ErrorCode::InvalidArgument,
                                                                 "duplicate prompt template id '" + t->id + "' for language '" +
                                                                     t->language + "' (already defined by another file)",
                                                                 file.string())});
                continue;
            }
            t->builtin = builtin;
            lib.templates.push_back(std::move(t).value());
        }
    };
    loadDir(builtinDir, true);
    loadDir(userDir, false);
    return lib;
}

std::filesystem::path defaultUserPromptTemplateDir() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    std::filesystem::path base;
    if (xdg && *xdg) {
        base = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        base = std::filesystem::path(home) / ".local" / "share";
    } else {
        return {};
    }
    return base / "qwen-explorer" / "templates";
}

}  // namespace qe
