// `diagnose`: the per-layer diagnostics of a token sequence, plus on-demand attention patterns
// and logit-lens readings, as one JSON object (contract of issue #9).
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "core/cli/args.h"
#include "core/cli/commands.h"
#include "core/session.h"

namespace qe::cli {

using nlohmann::json;

namespace {

// "A:B" -> (A, B), both non-negative integers.
Result<std::pair<std::int64_t, std::int64_t>> parsePair(const std::string& text, const char* flag) {
    auto colon = text.find(':');
    auto bad = [&] { return makeError(ErrorCode::InvalidArgument, std::string("--") + flag + " expects A:B, got '" + text + "'"); };
    if (colon == std::string::npos) return bad();
    auto a = parseIdList(text.substr(0, colon));
    auto b = parseIdList(text.substr(colon + 1));
    if (!a.ok() || !b.ok() || a->size() != 1 || b->size() != 1) return bad();
    return std::pair<std::int64_t, std::int64_t>{a->front(), b->front()};
}

}  // namespace

int cmdDiagnose(int argc, char** argv, int first) {
    auto args = Args::parse(argc, argv, first, {"json"}, {"model", "tokens", "attention", "logit-lens", "top-k", "threads", "backend", "kv-cache", "prefill-matmul"});
    if (!args.ok()) return fail(args.error(), true);
    auto dir = args->get("model");
    auto tokenText = args->get("tokens");
    if (!dir || !tokenText) return fail(makeError(ErrorCode::InvalidArgument, "diagnose: --model DIR and --tokens LIST are required"), true);
    auto tokens = parseIdList(*tokenText);
    if (!tokens.ok()) return fail(tokens.error(), true);
    if (tokens->empty()) return fail(makeError(ErrorCode::InvalidArgument, "diagnose: --tokens is empty"), true);
    auto topK = args->getInt("top-k", 10);
    auto threads = args->getInt("threads", 0);
    if (!topK.ok() || *topK < 1 || !threads.ok() || *threads < 0)
        return fail(makeError(ErrorCode::InvalidArgument, "diagnose: --top-k must be >= 1, --threads >= 0"), true);
    std::vector<std::pair<std::int64_t, std::int64_t>> heads, lenses;
    for (const auto& a : args->all("attention")) {
        auto p = parsePair(a, "attention");
        if (!p.ok()) return fail(p.error(), true);
        heads.push_back(*p);
    }
    for (const auto& l : args->all("logit-lens")) {
        auto p = parsePair(l, "logit-lens");
        if (!p.ok()) return fail(p.error(), true);
        lenses.push_back(*p);
    }

    const auto numTokens = static_cast<std::int64_t>(tokens->size());
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
    options.maxContext = numTokens;
    options.chunkSize = numTokens;
    options.diagnosticsBudgetBytes = ~0ull;  // keep every position: this command asks for them
    auto loaded = Session::load(*dir, options);
    if (!loaded.ok()) return fail(loaded.error());
    Session& session = **loaded;
    notePrefillMatmul(options.prefillMatmul, session);
    if (auto r = session.prefill(*tokens); !r.ok()) return fail(r.error());

    const ModelConfig& c = session.config();
    const Diagnostics& d = session.diagnostics();
    json layers = json::array();
    for (std::int64_t layer = 0; layer < c.numHiddenLayers; ++layer) {
        json rms = json::array(), mlp = json::array(), entropy = json::array(), sink = json::array();
        for (std::int64_t pos = 0; pos < numTokens; ++pos) {
            rms.push_back(d.residualRms(pos, layer));
            mlp.push_back(d.mlpActivationRms(pos, layer));
        }
        for (std::int64_t head = 0; head < c.numAttentionHeads; ++head) {
            json e = json::array(), s = json::array();
            for (std::int64_t pos = 0; pos < numTokens; ++pos) {
                e.push_back(d.attentionEntropy(pos, layer, head));
                s.push_back(d.attentionSink(pos, layer, head));
            }
            entropy.push_back(std::move(e));
            sink.push_back(std::move(s));
        }
        layers.push_back({{"layer", layer}, {"residual_rms", rms}, {"attn_entropy", entropy}, {"attn_sink", sink}, {"mlp_act_rms", mlp}});
    }
    json attention = json::array();
    std::vector<float> row;
    for (auto [layer, head] : heads) {
        json probs = json::array();
        for (std::int64_t pos = 0; pos < numTokens; ++pos) {
            if (auto s = session.attentionRow(layer, head, pos, row); !s.ok()) return fail(s.error(), true);
            row.resize(static_cast<std::size_t>(numTokens), 0.0f);  // causal: no weight on later keys
            probs.push_back(row);
        }
        attention.push_back({{"layer", layer}, {"head", head}, {"probs", probs}});
    }
    json lens = json::array();
    for (auto [layer, pos] : lenses) {
        auto top = session.logitLens(layer, pos, *topK);
        if (!top.ok()) return fail(top.error(), true);
        json entries = json::array();
        for (const auto& t : *top) entries.push_back({{"id", t.id}, {"prob", t.prob}});
        lens.push_back({{"layer", layer}, {"pos", pos}, {"top", entries}});
    }
    json out = {{"layers", layers}, {"attention", attention}, {"logit_lens", lens}};
    if (args->has("json")) {
        std::printf("%s\n", out.dump().c_str());
        return kExitOk;
    }
    for (std::int64_t layer = 0; layer < c.numHiddenLayers; ++layer) {
        double entropy = 0.0, sink = 0.0;
        for (std::int64_t head = 0; head < c.numAttentionHeads; ++head) {
            entropy += d.attentionEntropy(numTokens - 1, layer, head) / c.numAttentionHeads;
            sink += d.attentionSink(numTokens - 1, layer, head) / c.numAttentionHeads;
        }
        std::printf("layer %3lld  residual RMS %8.4f  MLP RMS %8.4f  mean entropy %6.3f  mean sink %5.3f  (last position)\n",
                    (long long)layer, d.residualRms(numTokens - 1, layer), d.mlpActivationRms(numTokens - 1, layer), entropy, sink);
    }
    if (!heads.empty() || !lenses.empty()) std::printf("(use --json for attention patterns and logit-lens readings)\n");
    return kExitOk;
}

}  // namespace qe::cli
