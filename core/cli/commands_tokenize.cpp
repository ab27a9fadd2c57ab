// qwen-explorer-cli tokenize / detokenize: JSON Lines filters over a tokenizer, plus a throughput
// benchmark (`tokenize --bench FILE`).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/cli/args.h"
#include "core/cli/commands.h"
#include "core/tokenizer/tokenizer.h"

namespace qe::cli {
namespace {

using Json = nlohmann::json;

std::string dumpLine(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<std::unique_ptr<Tokenizer>> loadTokenizer(const Args& args) {
    auto path = args.get("tokenizer");
    if (!path) return makeError(ErrorCode::InvalidArgument, "--tokenizer PATH is required");
    return Tokenizer::load(*path);
}

// Reads JSON Lines from stdin; calls handle(object, lineNumber) for each non-blank line and
// writes what it returns. Stops at the first error, returning its exit code.
template <class Handle>
int filterLines(Handle&& handle) {
    std::string line;
    long long lineNumber = 0;
    while (std::getline(std::cin, line)) {
        ++lineNumber;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::string where = "stdin line " + std::to_string(lineNumber);
        Json value = Json::parse(line, nullptr, false);
        if (value.is_discarded() || !value.is_object())
            return fail(makeError(ErrorCode::InvalidArgument, "not a JSON object", where));
        Result<std::string> out = handle(value, where);
        if (!out.ok()) return fail(out.error());
        std::fwrite(out->data(), 1, out->size(), stdout);
    }
    std::fflush(stdout);
    return kExitOk;
}

int runBench(const Tokenizer& tokenizer, const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(makeError(ErrorCode::NotFound, "cannot open the benchmark file", file));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = std::move(buffer).str();
    using Clock = std::chrono::steady_clock;
    // First pass with an empty piece cache (what a new document costs), then a warm pass.
    auto t0 = Clock::now();
    std::size_t tokens = tokenizer.encode(text).size();
    auto t1 = Clock::now();
    (void)tokenizer.encode(text);
    auto t2 = Clock::now();
    double seconds = std::chrono::duration<double>(t1 - t0).count();
    double warmSeconds = std::chrono::duration<double>(t2 - t1).count();
    double mbPerS = seconds > 0 ? static_cast<double>(text.size()) / 1e6 / seconds : 0.0;
    double warmMbPerS = warmSeconds > 0 ? static_cast<double>(text.size()) / 1e6 / warmSeconds : 0.0;
    Json result = {{"mb_per_s", mbPerS},         {"bytes", text.size()},         {"tokens", tokens},
                   {"seconds", seconds},         {"warm_mb_per_s", warmMbPerS}, {"threads", 1}};
    std::fputs(dumpLine(result).c_str(), stdout);
    std::fprintf(stderr, "tokenize bench: %.1f MB/s single-thread (%zu bytes -> %zu tokens in %.3f s; warm cache %.1f MB/s)\n",
                 mbPerS, text.size(), tokens, seconds, warmMbPerS);
    return kExitOk;
}

}  // namespace

int cmdTokenize(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {}, {"tokenizer", "bench"});
    if (!args.ok()) return fail(args.error(), true);
    if (!args->positional().empty())
        return fail(makeError(ErrorCode::InvalidArgument, "unexpected argument '" + args->positional()[0] + "'"), true);
    if (!args->has("tokenizer")) return fail(makeError(ErrorCode::InvalidArgument, "--tokenizer PATH is required"), true);
    auto tokenizer = loadTokenizer(*args);
    if (!tokenizer.ok()) return fail(tokenizer.error());
    if (auto bench = args->get("bench")) return runBench(**tokenizer, *bench);
    return filterLines([&](const Json& value, const std::string& where) -> Result<std::string> {
        auto text = value.find("text");
        if (text == value.end() || !text->is_string())
            return makeError(ErrorCode::InvalidArgument, "expected {\"text\": string}", where);
        std::vector<int> ids = (*tokenizer)->encode(text->get_ref<const std::string&>());
        return dumpLine(Json{{"ids", ids}});
    });
}

int cmdDetokenize(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"skip-special"}, {"tokenizer"});
    if (!args.ok()) return fail(args.error(), true);
    if (!args->positional().empty())
        return fail(makeError(ErrorCode::InvalidArgument, "unexpected argument '" + args->positional()[0] + "'"), true);
    if (!args->has("tokenizer")) return fail(makeError(ErrorCode::InvalidArgument, "--tokenizer PATH is required"), true);
    auto tokenizer = loadTokenizer(*args);
    if (!tokenizer.ok()) return fail(tokenizer.error());
    DecodeOptions options{.skipSpecial = args->has("skip-special")};
    return filterLines([&](const Json& value, const std::string& where) -> Result<std::string> {
        auto ids = value.find("ids");
        if (ids == value.end() || !ids->is_array())
            return makeError(ErrorCode::InvalidArgument, "expected {\"ids\": [integers]}", where);
        std::vector<int> list;
        list.reserve(ids->size());
        for (const Json& id : *ids) {
            if (!id.is_number_integer() || id.get<long long>() < INT32_MIN || id.get<long long>() > INT32_MAX)
                return makeError(ErrorCode::InvalidArgument, "\"ids\" holds " + id.dump() + ", not a token id", where);
            list.push_back(static_cast<int>(id.get<long long>()));
        }
        auto text = (*tokenizer)->decode(list, options);
        if (!text.ok()) return makeError(text.error().code, text.error().message, where);
        return dumpLine(Json{{"text", *text}});
    });
}

}  // namespace qe::cli
