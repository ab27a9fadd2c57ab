#include "core/cli/args.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "core/session.h"

namespace qe::cli {

Result<Args> Args::parse(int argc, char** argv, int first, const std::set<std::string>& booleanFlags,
                         const std::set<std::string>& valueFlags) {
    Args args;
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0) {
            args.m_positional.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (booleanFlags.count(name)) {
            if (inlineValue) return makeError(ErrorCode::InvalidArgument, "--" + name + " takes no value");
            args.m_values[name].push_back("1");
        } else if (valueFlags.count(name)) {
            if (inlineValue) {
                args.m_values[name].push_back(*inlineValue);
            } else if (i + 1 < argc) {
                args.m_values[name].push_back(argv[++i]);
            } else {
                return makeError(ErrorCode::InvalidArgument, "--" + name + " needs a value");
            }
        } else {
            return makeError(ErrorCode::InvalidArgument, "unknown option --" + name);
        }
    }
    return args;
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::string Args::getOr(const std::string& name, const std::string& fallback) const {
    auto v = get(name);
    return v ? *v : fallback;
}

std::vector<std::string> Args::all(const std::string& name) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

Result<long long> Args::getInt(const std::string& name, long long fallback) const {
    auto v = get(name);
    if (!v) return fallback;
    long long out = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || ptr != v->data() + v->size())
        return makeError(ErrorCode::InvalidArgument, "--" + name + ": expected an integer, got '" + *v + "'");
    return out;
}

Result<double> Args::getDouble(const std::string& name, double fallback) const {
    auto v = get(name);
    if (!v) return fallback;
    char* end = nullptr;
    double out = std::strtod(v->c_str(), &end);
    if (v->empty() || end != v->c_str() + v->size())
        return makeError(ErrorCode::InvalidArgument, "--" + name + ": expected a number, got '" + *v + "'");
    return out;
}

Result<std::vector<int>> parseIdList(const std::string& text) {
    std::vector<int> ids;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t comma = text.find(',', pos);
        if (comma == std::string::npos) comma = text.size();
        std::string item = text.substr(pos, comma - pos);
        auto b = item.find_first_not_of(" \t");
        auto e = item.find_last_not_of(" \t");
        if (b == std::string::npos) {
            if (comma == text.size() && pos == text.size() && !ids.empty()) break;  // trailing comma
            return makeError(ErrorCode::InvalidArgument, "empty entry in token list '" + text + "'");
        }
        item = item.substr(b, e - b + 1);
        int value = 0;
        auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (ec != std::errc() || ptr != item.data() + item.size() || value < 0)
            return makeError(ErrorCode::InvalidArgument, "bad token id '" + item + "' in token list");
        ids.push_back(value);
        pos = comma + 1;
    }
    return ids;
}

int fail(const Error& error, bool usage) {
    std::fprintf(stderr, "qwen-explorer-cli: %s\n", error.text().c_str());
    return usage ? kExitUsage : kExitError;
}

Result<BackendKind> backendArg(const Args& args) {
    return parseBackendKind(args.getOr("backend", "auto"));
}

Result<KvType> kvCacheArg(const Args& args) {
    KvType type = KvType::F32;
    if (!parseKvType(args.getOr("kv-cache", "f32"), &type))
        return makeError(ErrorCode::InvalidArgument, "--kv-cache takes f32 or bf16");
    return type;
}

Result<cpu::GemmPrecision> prefillMatmulArg(const Args& args) {
    const std::string name = args.getOr("prefill-matmul", "f32");
    if (name == "f32") return cpu::GemmPrecision::F32;
    if (name == "bf16") return cpu::GemmPrecision::Bf16;
    return makeError(ErrorCode::InvalidArgument, "--prefill-matmul takes f32 or bf16");
}

void notePrefillMatmul(cpu::GemmPrecision asked, const Session& session) {
    if (asked != cpu::GemmPrecision::Bf16 || session.backend().kind() != BackendKind::Cpu ||
        session.prefillMatmul() == cpu::GemmPrecision::Bf16)
        return;
    std::fprintf(stderr, "note: --prefill-matmul bf16 needs %s; prefill runs f32\n",
                 cpu::amxAvailable() ? "bf16 weights (this checkpoint's are not)"
                                     : "a CPU with AMX-BF16 (Intel Xeon Sapphire Rapids or later) and Linux 5.16 or later");
}

}  // namespace qe::cli
