// `generate`: prompt (token ids, or text with the folder's tokenizer and chat template) in,
// sampled tokens out, streamed to the terminal as they are produced.
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/chat/chat_template.h"
#include "core/chat/prompt_template.h"
#include "core/cli/args.h"
#include "core/cli/commands.h"
#include "core/session.h"
#include "core/tokenizer/stream_decoder.h"
#include "core/tokenizer/tokenizer.h"

namespace qe::cli {

using nlohmann::json;

namespace {

// Sampling from flags; without any, the checkpoint's generation_config.json decides (or the prompt
// template's sampling, passed in `generation` and `templatePresence`).
Result<SamplingParams> samplingFromArgs(const Args& args, const GenerationConfig& generation, double templatePresence) {
    SamplingParams p;
    const bool anySampling = args.has("temperature") || args.has("top-k") || args.has("top-p") || args.has("min-p") ||
                             args.has("seed") || args.has("repetition-penalty") || args.has("presence-penalty");
    if (args.has("greedy")) {
        if (anySampling && !args.has("seed"))
            return makeError(ErrorCode::InvalidArgument, "--greedy cannot be combined with sampling options");
        p.greedy = true;
        return p;
    }
    p.greedy = !anySampling && !generation.doSample;
    QE_ASSIGN_OR_RETURN(double temperature, args.getDouble("temperature", anySampling ? 1.0 : generation.temperature));
    QE_ASSIGN_OR_RETURN(long long topK, args.getInt("top-k", anySampling ? 0 : generation.topK));
    QE_ASSIGN_OR_RETURN(double topP, args.getDouble("top-p", anySampling ? 1.0 : generation.topP));
    QE_ASSIGN_OR_RETURN(double minP, args.getDouble("min-p", anySampling ? 0.0 : generation.minP));
    QE_ASSIGN_OR_RETURN(double repetition, args.getDouble("repetition-penalty", generation.repetitionPenalty));
    QE_ASSIGN_OR_RETURN(double presence, args.getDouble("presence-penalty", anySampling ? 0.0 : templatePresence));
    QE_ASSIGN_OR_RETURN(long long seed, args.getInt("seed", 0));
    if (temperature == 0.0) p.greedy = true;
    p.temperature = static_cast<float>(temperature);
    p.topK = topK;
    p.topP = static_cast<float>(topP);
    p.minP = static_cast<float>(minP);
    p.repetitionPenalty = static_cast<float>(repetition);
    p.presencePenalty = static_cast<float>(presence);
    p.seed = static_cast<std::uint64_t>(seed);
    QE_TRY(validateSampling(p));
    return p;
}

// Built-in prompt templates: $QE_TEMPLATE_DIR, the installed share folder next to the binary,
// or the source tree this binary was built from.
std::filesystem::path builtinTemplateDir() {
    if (const char* env = std::getenv("QE_TEMPLATE_DIR")) return env;
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto installed = exe.parent_path().parent_path() / "share" / "qwen-explorer" / "templates";
        if (std::filesystem::is_directory(installed, ec)) return installed;
    }
    return QE_SOURCE_TEMPLATE_DIR;
}

// The text prompt: raw text, or a conversation (--chat, --system, --template) rendered with the
// model folder's own chat template.
struct TextPrompt {
    std::string text;
    std::optional<SamplingPreset> preset;  // from a prompt template
};

Result<TextPrompt> buildTextPrompt(const Args& args, const std::string& dir) {
    TextPrompt out;
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    std::optional<bool> thinking;
    if (args.has("think")) thinking = true;
    if (args.has("no-think")) thinking = false;
    if (auto name = args.get("template")) {
        const std::string language = args.getOr("template-lang", "en");
        PromptLibrary library = loadPromptLibrary(builtinTemplateDir(), defaultUserPromptTemplateDir());
        const PromptTemplate* tmpl = library.find(*name, language);
        if (!tmpl) {
            std::string known;
            for (const auto& t : library.templates)
                if (t.language == language) known += (known.empty() ? "" : ", ") + t.id;
            return makeError(ErrorCode::NotFound, "no prompt template '" + *name + "' in language '" + language +
                                                      "' (available: " + known + ")");
        }
        std::map<std::string, std::string> values;
        for (const auto& kv : args.all("var")) {
            auto eq = kv.find('=');
            if (eq == std::string::npos) return makeError(ErrorCode::InvalidArgument, "--var expects key=value, got '" + kv + "'");
            values[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
        if (auto prompt = args.get("prompt"); prompt && !tmpl->variables.empty() && !values.count(tmpl->variables.front()))
            values[tmpl->variables.front()] = *prompt;  // --prompt fills the first variable
        QE_ASSIGN_OR_RETURN(messages, instantiatePrompt(*tmpl, values));
        if (tmpl->sampling.kind != SamplingPresetKind::None) {
            out.preset = tmpl->sampling;
            if (!thinking) thinking = tmpl->sampling.enableThinking();
        }
    } else {
        auto prompt = args.get("prompt");
        if (!prompt) return makeError(ErrorCode::InvalidArgument, "generate: give --tokens LIST, --prompt TEXT or --template NAME");
        const bool chat = args.has("chat") || args.has("system") || thinking.has_value();
        if (!chat) {
            out.text = *prompt;
            return out;
        }
        if (auto system = args.get("system")) messages.push_back({{"role", "system"}, {"content", *system}});
        messages.push_back({{"role", "user"}, {"content", *prompt}});
    }
    QE_ASSIGN_OR_RETURN(ChatTemplate chatTemplate, ChatTemplate::fromModelDir(dir));
    ChatTemplateInput input;
    input.messages = messages;
    input.addGenerationPrompt = true;
    input.enableThinking = thinking;
    QE_ASSIGN_OR_RETURN(out.text, chatTemplate.render(input));
    return out;
}

}  // namespace

int cmdGenerate(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"json", "greedy", "chat", "think", "no-think"},
                            {"model", "tokens", "prompt", "system", "template", "template-lang", "var", "max-new",
                             "temperature", "top-k", "top-p", "min-p", "seed", "repetition-penalty", "presence-penalty",
                             "threads", "context", "backend", "kv-cache", "prefill-matmul"});
    if (!args.ok()) return fail(args.error(), true);
    auto dir = args->get("model");
    if (!dir) return fail(makeError(ErrorCode::InvalidArgument, "generate: --model DIR is required"), true);
    if (args->has("think") && args->has("no-think"))
        return fail(makeError(ErrorCode::InvalidArgument, "generate: --think and --no-think exclude each other"), true);
    const bool textMode = !args->has("tokens");
    if (!textMode && (args->has("prompt") || args->has("template")))
        return fail(makeError(ErrorCode::InvalidArgument, "generate: give either --tokens or a text prompt, not both"), true);
    if (textMode && !args->has("prompt") && !args->has("template"))
        return fail(makeError(ErrorCode::InvalidArgument, "generate: give --tokens LIST, --prompt TEXT or --template NAME"), true);
    auto maxNew = args->getInt("max-new", 64);
    auto threads = args->getInt("threads", 0);
    auto context = args->getInt("context", 0);
    if (!maxNew.ok() || !threads.ok() || !context.ok() || *maxNew < 0 || *threads < 0 || *context < 0)
        return fail(makeError(ErrorCode::InvalidArgument, "generate: --max-new, --threads and --context take non-negative integers"), true);

    auto backend = backendArg(*args);
    if (!backend.ok()) return fail(backend.error(), true);
    auto kvCache = kvCacheArg(*args);
    if (!kvCache.ok()) return fail(kvCache.error(), true);
    auto prefillMatmul = prefillMatmulArg(*args);
    if (!prefillMatmul.ok()) return fail(prefillMatmul.error(), true);
    SessionOptions options;
    options.backend = *backend;
    options.kvCache = *kvCache;
    options.prefillMatmul = *prefillMatmul;
    options.threads = static_cast<int>(*threads);
    options.maxContext = *context;
    auto loaded = Session::load(*dir, options);
    if (!loaded.ok()) return fail(loaded.error());
    Session& session = **loaded;
    notePrefillMatmul(options.prefillMatmul, session);
    GenerationConfig generation = session.generationConfig();
    double templatePresence = 0.0;

    // Prompt ids: given, or text through the folder's tokenizer (and chat template).
    std::vector<int> prompt;
    std::unique_ptr<Tokenizer> tokenizer;
    if (textMode) {
        auto loadedTokenizer = Tokenizer::load(*dir);
        if (!loadedTokenizer.ok()) return fail(loadedTokenizer.error());
        tokenizer = std::move(*loadedTokenizer);
        auto text = buildTextPrompt(*args, *dir);
        if (!text.ok()) return fail(text.error(), text.error().code == ErrorCode::InvalidArgument && !args->has("template"));
        if (text->preset && text->preset->kind != SamplingPresetKind::None) {
            generation.doSample = true;
            generation.temperature = text->preset->temperature;
            generation.topP = text->preset->topP;
            generation.topK = text->preset->topK;
            generation.minP = text->preset->minP;
            templatePresence = text->preset->presencePenalty;
        }
        prompt = tokenizer->encode(text->text);
    } else {
        auto ids = parseIdList(*args->get("tokens"));
        if (!ids.ok()) return fail(ids.error(), true);
        prompt = std::move(*ids);
    }
    if (prompt.empty()) return fail(makeError(ErrorCode::InvalidArgument, "generate: the prompt is empty"), true);
    auto sampling = samplingFromArgs(*args, generation, templatePresence);
    if (!sampling.ok()) return fail(sampling.error(), true);

    GenerateRequest request;
    request.prompt = prompt;
    request.sampling = *sampling;
    request.maxNewTokens = *maxNew;
    request.stopIds = stopTokenIds(session.config(), generation);
    if (tokenizer) request.maskFrom = tokenizer->size();
    const bool asJson = args->has("json");
    std::optional<StreamDecoder> decoder;
    if (tokenizer) decoder.emplace(*tokenizer);
    std::string text;
    auto result = session.generate(request, {}, [&](const GeneratedToken& token) {
        std::string piece;
        if (decoder) {
            auto decoded = decoder->push(token.id);
            if (decoded.ok()) piece = *decoded;
        } else {
            piece = std::to_string(token.id) + " ";
        }
        text += piece;
        if (!asJson && !piece.empty()) {
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
        }
        return true;
    });
    if (!result.ok()) return fail(result.error());
    if (decoder) {
        const std::string rest = decoder->finish();
        text += rest;
        if (!asJson) std::fwrite(rest.data(), 1, rest.size(), stdout);
    }
    if (asJson) {
        json j;
        j["prompt_tokens"] = prompt;
        j["new_tokens"] = result->newTokens;
        j["stop_reason"] = stopReasonName(result->stopReason);
        j["stats"] = {{"prefill_tokens", result->prefillTokens},
                      {"reused_tokens", result->reusedTokens},
                      {"prefill_tok_s", result->prefillTokensPerSecond()},
                      {"decode_tok_s", result->decodeTokensPerSecond()}};
        if (tokenizer) j["text"] = text;
        std::printf("%s\n", j.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    } else {
        std::printf("\n[%s; %lld new tokens; prefill %.1f tok/s, decode %.2f tok/s]\n", stopReasonName(result->stopReason),
                    (long long)result->newTokens.size(), result->prefillTokensPerSecond(), result->decodeTokensPerSecond());
    }
    return kExitOk;
}

}  // namespace qe::cli
