// Minimal command-line parsing for qwen-explorer-cli subcommands.
// Flags are `--name value`, `--name=value` or boolean `--name`; repeatable flags keep every value.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/cpu/cpu_kernels.h"
#include "core/result.h"

namespace qe {
class Session;
}

namespace qe::cli {

class Args {
public:
    // Parses argv[first..argc). `booleanFlags` take no value; `valueFlags` take one.
    // Anything else is a usage error (exit code 2).
    static Result<Args> parse(int argc, char** argv, int first, const std::set<std::string>& booleanFlags,
                              const std::set<std::string>& valueFlags);

    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::string getOr(const std::string& name, const std::string& fallback) const;
    std::vector<std::string> all(const std::string& name) const;
    Result<long long> getInt(const std::string& name, long long fallback) const;
    Result<double> getDouble(const std::string& name, double fallback) const;
    const std::vector<std::string>& positional() const { return m_positional; }

private:
    std::map<std::string, std::vector<std::string>> m_values;
    std::vector<std::string> m_positional;
};

// --backend auto|cpu|cuda (default auto: the GPU when this build has one and a GPU is present).
Result<BackendKind> backendArg(const Args& args);
// --kv-cache f32|bf16 (default f32): the CPU backend's KV cache element type.
Result<KvType> kvCacheArg(const Args& args);

// --prefill-matmul f32|bf16 (default f32): the CPU's prefill matrix products
// (SessionOptions::prefillMatmul).
Result<cpu::GemmPrecision> prefillMatmulArg(const Args& args);
// After loading: says on stderr why bf16 was asked for and the CPU runs f32 (no AMX-BF16 here, or
// weights that are not bf16). Nothing for the GPU backend, whose products are bf16 anyway.
void notePrefillMatmul(cpu::GemmPrecision asked, const Session& session);

// Parses "1,2,3" (spaces allowed) into token ids.
Result<std::vector<int>> parseIdList(const std::string& text);

// Exit codes of the CLI contract.
constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

// Prints "qwen-explorer-cli: <message>" on stderr and returns the exit code for it:
// 2 for InvalidArgument raised by argument parsing (`usage` true), else 1.
int fail(const Error& error, bool usage = false);

}  // namespace qe::cli
