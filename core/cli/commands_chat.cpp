// qwen-explorer-cli chat-template: renders JSON Lines requests with a model's chat template.
//   chat-template --tokenizer-config PATH | --model DIR
//   stdin:  {"messages": [...], "tools": [...]|null, "add_generation_prompt": bool, "enable_thinking": bool|null}
//   stdout: {"rendered": "..."} per line, same order. Exit 0 ok, 2 bad usage, 1 other errors.
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/chat/chat_template.h"
#include "core/cli/args.h"
#include "core/cli/commands.h"

namespace qe::cli {

int cmdChatTemplate(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {}, {"tokenizer-config", "model"});
    if (!args.ok()) return fail(args.error(), true);
    if (!args->positional().empty())
        return fail(makeError(ErrorCode::InvalidArgument, "chat-template: unexpected argument '" + args->positional()[0] + "'"), true);
    const bool haveConfig = args->has("tokenizer-config");
    const bool haveModel = args->has("model");
    if (haveConfig == haveModel)
        return fail(makeError(ErrorCode::InvalidArgument, "chat-template: give exactly one of --tokenizer-config PATH or --model DIR"), true);
    auto tmpl = haveConfig ? ChatTemplate::fromTokenizerConfigFile(*args->get("tokenizer-config"))
                           : ChatTemplate::fromModelDir(*args->get("model"));
    if (!tmpl.ok()) return fail(tmpl.error());

    std::string line;
    long long lineNumber = 0;
    while (std::getline(std::cin, line)) {
        ++lineNumber;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = "stdin line " + std::to_string(lineNumber);
        auto request = nlohmann::ordered_json::parse(line, nullptr, false);
        if (request.is_discarded() || !request.is_object())
            return fail(makeError(ErrorCode::InvalidArgument, "not a JSON object", where));
        auto input = chatTemplateInputFromJson(request);
        if (!input.ok()) return fail(makeError(input.error().code, input.error().message, where));
        auto rendered = tmpl->render(*input);
        if (!rendered.ok()) return fail(makeError(rendered.error().code, rendered.error().message, where));
        nlohmann::ordered_json out = {{"rendered", *rendered}};
        std::string text = out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
        std::fwrite(text.data(), 1, text.size(), stdout);
    }
    std::fflush(stdout);
    return kExitOk;
}

}  // namespace qe::cli
