// Chat template loading (tokenizer_config.json) and rendering with the Jinja engine.
#include "core/chat/chat_template.h"

#include <fstream>
#include <sstream>

namespace qe {

Result<ChatTemplate> ChatTemplate::fromSource(std::string source, std::string bosToken, std::string eosToken,
                                              jinja::Limits limits) {
    auto parsed = jinja::Template::parse(source, limits);
    if (!parsed.ok()) return makeError(parsed.error().code, "chat template: " + parsed.error().message);
    ChatTemplate t;
    t.m_source = std::move(source);
    t.m_bosToken = std::move(bosToken);
    t.m_eosToken = std::move(eosToken);
    t.m_template = std::move(parsed).value();
    return t;
}

// A special token is a string or an AddedToken object {"content": "..."}; null means none.
static std::string specialToken(const nlohmann::ordered_json& config, const char* key) {
    auto it = config.find(key);
    if (it == config.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) return (*it)["content"].get<std::string>();
    return {};
}

Result<ChatTemplate> ChatTemplate::fromTokenizerConfig(const nlohmann::ordered_json& config, const std::string& origin) {
    if (!config.is_object()) return makeError(ErrorCode::Corrupt, "tokenizer config is not a JSON object", origin);
    auto it = config.find("chat_template");
    if (it == config.end() || it->is_null())
        return makeError(ErrorCode::NotFound, "no 'chat_template' in the tokenizer config", origin);
    std::string source;
    if (it->is_string()) {
        source = it->get<std::string>();
    } else if (it->is_array()) {
        bool found = false;
        for (const auto& entry : *it) {
            if (entry.is_object() && entry.value("name", nlohmann::ordered_json()).is_string() &&
                entry["name"].get<std::string>() == "default" && entry.contains("template") && entry["template"].is_string()) {
                source = entry["template"].get<std::string>();
                found = true;
                break;
            }
        }
        if (!found)
            return makeError(ErrorCode::NotFound, "'chat_template' is a list without a {name: \"default\"} entry", origin);
    } else {
        return makeError(ErrorCode::Corrupt, "'chat_template' must be a string or a list of {name, template}", origin);
    }
    auto t = fromSource(std::move(source), specialToken(config, "bos_token"), specialToken(config, "eos_token"));
    if (!t.ok()) return makeError(t.error().code, t.error().message, origin);
    return t;
}

Result<ChatTemplate> ChatTemplate::fromTokenizerConfigFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, "cannot open the tokenizer config", path.string());
    std::stringstream ss;
    ss << in.rdbuf();
    auto config = nlohmann::ordered_json::parse(ss.str(), nullptr, false);
    if (config.is_discarded()) return makeError(ErrorCode::Corrupt, "tokenizer config is not valid JSON", path.string());
    return fromTokenizerConfig(config, path.string());
}

Result<ChatTemplate> ChatTemplate::fromModelDir(const std::filesystem::path& dir) {
    return fromTokenizerConfigFile(dir / "tokenizer_config.json");
}

Result<std::string> ChatTemplate::render(const ChatTemplateInput& input) const {
    if (!input.messages.is_array()) return makeError(ErrorCode::InvalidArgument, "chat template: 'messages' must be a list");
    nlohmann::ordered_json context = nlohmann::ordered_json::object();
    if (input.extra.is_object())
        for (auto it = input.extra.begin(); it != input.extra.end(); ++it) context[it.key()] = it.value();
    if (!m_bosToken.empty()) context["bos_token"] = m_bosToken;
    if (!m_eosToken.empty()) context["eos_token"] = m_eosToken;
    context["messages"] = input.messages;
    context["tools"] = input.tools;
    context["add_generation_prompt"] = input.addGenerationPrompt;
    if (input.enableThinking) context["enable_thinking"] = *input.enableThinking;
    auto out = m_template.render(context);
    if (!out.ok()) return makeError(out.error().code, "chat template: " + out.error().message);
    return out;
}

Result<ChatTemplateInput> chatTemplateInputFromJson(const nlohmann::ordered_json& request) {
    if (!request.is_object()) return makeError(ErrorCode::InvalidArgument, "request must be a JSON object");
    ChatTemplateInput input;
    for (auto it = request.begin(); it != request.end(); ++it) {
        const std::string& key = it.key();
        const auto& v = it.value();
        if (key == "messages") {
            if (!v.is_array()) return makeError(ErrorCode::InvalidArgument, "'messages' must be a list");
            input.messages = v;
        } else if (key == "tools") {
            if (!v.is_null() && !v.is_array()) return makeError(ErrorCode::InvalidArgument, "'tools' must be a list or null");
            input.tools = v;
        } else if (key == "add_generation_prompt") {
            if (!v.is_boolean()) return makeError(ErrorCode::InvalidArgument, "'add_generation_prompt' must be true or false");
            input.addGenerationPrompt = v.get<bool>();
        } else if (key == "enable_thinking") {
            if (v.is_boolean()) input.enableThinking = v.get<bool>();
            else if (!v.is_null()) return makeError(ErrorCode::InvalidArgument, "'enable_thinking' must be true, false or null");
        } else {
            input.extra[key] = v;
        }
    }
    if (!request.contains("messages")) return makeError(ErrorCode::InvalidArgument, "request has no 'messages'");
    return input;
}

}  // namespace qe
