// Chat templates: renders a conversation with the model folder's own Jinja `chat_template`
// (tokenizer_config.json) exactly as transformers' apply_chat_template does.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/chat/jinja_template.h"
#include "core/result.h"

namespace qe {

// One render request: the variables apply_chat_template passes to the template.
struct ChatTemplateInput {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();  // [{role, content, ...}]
    nlohmann::ordered_json tools;             // null (no tools) or an array of tool schemas
    bool addGenerationPrompt = false;
    std::optional<bool> enableThinking;       // nullopt: the variable is absent (undefined)
    nlohmann::ordered_json extra = nlohmann::ordered_json::object();  // further template kwargs
};

class ChatTemplate {
public:
    // From template source; bos/eos become `bos_token`/`eos_token` when non-empty.
    static Result<ChatTemplate> fromSource(std::string source, std::string bosToken = {}, std::string eosToken = {},
                                           jinja::Limits limits = {});
    // From a parsed tokenizer_config.json: `chat_template` is a string, or a list of
    // {name, template} from which "default" is taken. `origin` names the file in errors.
    static Result<ChatTemplate> fromTokenizerConfig(const nlohmann::ordered_json& config, const std::string& origin = {});
    // Reads and parses a tokenizer_config.json file.
    static Result<ChatTemplate> fromTokenizerConfigFile(const std::filesystem::path& path);
    // Reads DIR/tokenizer_config.json.
    static Result<ChatTemplate> fromModelDir(const std::filesystem::path& dir);

    // Renders the conversation. Errors (InvalidArgument) name the template line. Thread-safe.
    Result<std::string> render(const ChatTemplateInput& input) const;

    const std::string& source() const { return m_source; }

private:
    std::string m_source;
    std::string m_bosToken, m_eosToken;
    jinja::Template m_template;
};

// Parses one CLI/JSON request object {"messages", "tools", "add_generation_prompt",
// "enable_thinking", ...}; unknown keys are passed to the template as extra variables.
Result<ChatTemplateInput> chatTemplateInputFromJson(const nlohmann::ordered_json& request);

}  // namespace qe
