// `perplexity`: how well a model predicts a text. The text is cut into windows of N tokens that
// overlap by one, so every token after the first is predicted exactly once, from up to N
// tokens of context (the usual non-overlapping evaluation; a sliding window would be slower).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/args.h"
#include "core/cli/commands.h"
#include "core/session.h"
#include "core/tokenizer/tokenizer.h"

namespace qe::cli {

using nlohmann::json;

namespace {

Result<std::string> readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, "cannot open the file", path);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return makeError(ErrorCode::Internal, "cannot read the file", path);
    return text.str();
}

// Ids separated by commas and/or whitespace (what `tokenize` users paste, or one per line).
Result<std::vector<int>> readIdFile(const std::string& path) {
    QE_ASSIGN_OR_RETURN(std::string text, readWholeFile(path));
    std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t' || c == ' '; }, ',');
    std::string squeezed;
    for (char c : text) {
        if (c == ',' && (squeezed.empty() || squeezed.back() == ',')) continue;
        squeezed.push_back(c);
    }
    if (!squeezed.empty() && squeezed.back() == ',') squeezed.pop_back();
    auto ids = parseIdList(squeezed);
    if (!ids.ok()) return makeError(ids.error().code, ids.error().message, path);
    return ids;
}

// -log p(target) from one row of logits, in double (151,936 terms).
double negativeLogProb(const float* logits, std::int64_t vocab, int target) {
    float peak = logits[0];
    for (std::int64_t i = 1; i < vocab; ++i) peak = std::max(peak, logits[i]);
    double sum = 0.0;
    for (std::int64_t i = 0; i < vocab; ++i) sum += std::exp(static_cast<double>(logits[i]) - peak);
    return std::log(sum) - (static_cast<double>(logits[target]) - peak);
}

}  // namespace

int cmdPerplexity(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"json"}, {"model", "text-file", "tokens-file", "tokens", "window", "threads", "backend", "kv-cache", "prefill-matmul"});
    if (!args.ok()) return fail(args.error(), true);
    auto dir = args->get("model");
    const int sources = args->has("text-file") + args->has("tokens-file") + args->has("tokens");
    if (!dir || sources != 1)
        return fail(makeError(ErrorCode::InvalidArgument,
                              "perplexity: --model DIR and exactly one of --text-file F, --tokens-file F, --tokens LIST are required"),
                    true);
    auto window = args->getInt("window", 512);
    auto threads = args->getInt("threads", 0);
    if (!window.ok() || !threads.ok() || *window < 1 || *threads < 0)
        return fail(makeError(ErrorCode::InvalidArgument, "perplexity: --window takes a positive and --threads a non-negative integer"), true);

    std::vector<int> ids;
    if (auto path = args->get("text-file")) {
        auto text = readWholeFile(*path);
        if (!text.ok()) return fail(text.error());
        auto tokenizer = Tokenizer::load(*dir);
        if (!tokenizer.ok()) return fail(tokenizer.error());
        ids = (*tokenizer)->encode(*text);
    } else {
        auto parsed = args->has("tokens") ? parseIdList(*args->get("tokens")) : readIdFile(*args->get("tokens-file"));
        if (!parsed.ok()) return fail(parsed.error(), args->has("tokens"));
        ids = std::move(*parsed);
    }
    if (ids.size() < 2) return fail(makeError(ErrorCode::InvalidArgument, "perplexity: need at least two tokens"));

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
    options.diagnostics = false;
    auto loaded = Session::load(*dir, options);
    if (!loaded.ok()) return fail(loaded.error());
    Session& session = **loaded;
    notePrefillMatmul(options.prefillMatmul, session);
    const std::int64_t vocab = session.config().vocabSize;
    const std::int64_t span = std::min<std::int64_t>({*window, session.contextLimit(), static_cast<std::int64_t>(ids.size()) - 1});
    for (int id : ids) {
        if (id < 0 || id >= vocab)
            return fail(makeError(ErrorCode::InvalidArgument, "token id " + std::to_string(id) + " is outside the vocabulary"));
    }

    double nll = 0.0;
    std::int64_t predicted = 0;
    std::vector<float> logits;
    const auto total = static_cast<std::int64_t>(ids.size());
    for (std::int64_t start = 0; start + 1 < total; start += span) {
        const std::int64_t count = std::min(span, total - 1 - start);
        std::span<const int> input(ids.data() + start, static_cast<std::size_t>(count));
        if (auto s = session.allLogits(input, 0, logits); !s.ok()) return fail(s.error());
        for (std::int64_t i = 0; i < count; ++i) nll += negativeLogProb(&logits[i * vocab], vocab, ids[start + i + 1]);
        predicted += count;
    }
    const double mean = nll / static_cast<double>(predicted);
    if (args->has("json")) {
        const json out = {{"tokens", total}, {"predicted", predicted}, {"window", span}, {"nll", mean}, {"perplexity", std::exp(mean)}};
        std::printf("%s\n", out.dump().c_str());
    } else {
        std::printf("perplexity %.3f (mean negative log-likelihood %.4f nats over %lld predicted tokens, window %lld)\n",
                    std::exp(mean), mean, static_cast<long long>(predicted), static_cast<long long>(span));
    }
    return kExitOk;
}

}  // namespace qe::cli
