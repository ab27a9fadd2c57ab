// qwen-explorer-cli: the command-line face of the Qwen Explorer engine.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "core/cli/args.h"
#include "core/cli/commands.h"

namespace {

void printUsage(std::FILE* out) {
    std::fputs(
        "usage: qwen-explorer-cli COMMAND [options]\n"
        "\n"
        "model commands:\n"
        "  info        --model DIR [--json]                      architecture, parameters, bytes\n"
        "  logits      --model DIR --tokens 1,2,3 [--top-k K] [--chunk N] [--last-logits FILE]\n"
        "              [--all-logits FILE] --json             FILE: raw float32 [tokens, vocab]\n"
        "  generate    --model DIR (--tokens LIST | --prompt TEXT [--chat] [--system TEXT] [--think|--no-think]\n"
        "              [--template NAME --var key=value ...]) [--max-new N]\n"
        "              [--greedy | --temperature T --top-k K --top-p P --min-p M --seed S] [--json]\n"
        "  make-model  --preset tiny|0.6b|1.7b|4b|8b|14b|32b [--seed S] [--dtype bf16|f32] --out DIR [--shards N]\n"
        "              [--quantize awq|fp8 [--group-size G]]  (AWQ 4-bit or FP8 linear layers, spec §7)\n"
        "              [--config-only]\n"
        "  bench       --model DIR [--prompt-len N] [--gen N] [--threads T] [--weights auto|mapped|resident] [--json]\n"
        "  gpu-bench   --preset NAME [--contexts 512,32768] [--gen N] [--prompt-len N] [--yarn-factor F]\n"
        "              [--gemv-shape 5120x25600] [--json]\n"
        "              GPU ceilings, decode and time to first token on random weights (no checkpoint)\n"
        "  load-bench  --model DIR [--context N] [--json]  load speed vs the raw read rate of the files,\n"
        "              host memory beyond the page cache\n"
        "  diagnose    --model DIR --tokens LIST [--attention LAYER:HEAD ...] [--logit-lens LAYER:POS ...]\n"
        "              [--top-k K] --json                      per-layer diagnostics, attention, logit lens\n"
        "  tensor-stats --model DIR --tensor NAME [--bins N] [--json]  mean, std, min, max, histogram\n"
        "  perplexity  --model DIR (--text-file F | --tokens-file F | --tokens LIST) [--window N] [--json]\n"
        "  Model commands that run the model take --backend auto|cpu|cuda (default auto: the GPU\n"
        "  when this build has the CUDA backend and an NVIDIA GPU is present), --kv-cache f32|bf16\n"
        "  (default f32; bf16 halves the CPU's KV cache; the GPU always keeps bf16) and\n"
        "  --prefill-matmul f32|bf16 (default f32; bf16 rounds the activations of the CPU's prompt\n"
        "  matrix products to bf16 and runs them on AMX tiles, several times faster; needs AMX-BF16).\n"
        "\n"
        "text commands:\n"
        "  tokenize    --tokenizer PATH [--bench FILE]   JSON Lines {\"text\"} on stdin -> {\"ids\"}\n"
        "  detokenize  --tokenizer PATH                  JSON Lines {\"ids\"} on stdin -> {\"text\"}\n"
        "  chat-template (--tokenizer-config PATH | --model DIR)  JSON Lines conversations -> {\"rendered\"}\n"
        "\n"
        "Exit codes: 0 success, 1 error, 2 bad usage.\n",
        out);
}

}  // namespace

int main(int argc, char** argv) {
    auto logger = spdlog::stderr_color_mt("core");
    logger->set_level(spdlog::level::warn);
    if (const char* level = std::getenv("QE_LOG_LEVEL")) logger->set_level(spdlog::level::from_str(level));

    if (argc < 2) {
        printUsage(stderr);
        return qe::cli::kExitUsage;
    }
    const std::string command = argv[1];
    using Handler = int (*)(int, char**, int);
    struct Entry { const char* name; Handler handler; };
    const Entry entries[] = {
        {"info", qe::cli::cmdInfo},         {"logits", qe::cli::cmdLogits},
        {"generate", qe::cli::cmdGenerate}, {"make-model", qe::cli::cmdMakeModel},
        {"bench", qe::cli::cmdBench},       {"gpu-bench", qe::cli::cmdGpuBench},
        {"load-bench", qe::cli::cmdLoadBench},       {"diagnose", qe::cli::cmdDiagnose},
        {"perplexity", qe::cli::cmdPerplexity}, {"tensor-stats", qe::cli::cmdTensorStats},
        {"tokenize", qe::cli::cmdTokenize},
        {"detokenize", qe::cli::cmdDetokenize}, {"chat-template", qe::cli::cmdChatTemplate},
    };
    for (const auto& entry : entries) {
        if (command != entry.name) continue;
        // The commands report their errors themselves; what escapes is an allocation failure (or a
        // bug), which gets one clear line and exit code 1 instead of std::terminate's abort.
        try {
            return entry.handler(argc, argv, 2);
        } catch (const std::bad_alloc&) {
            std::fprintf(stderr, "qwen-explorer-cli %s: out of memory\n", command.c_str());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "qwen-explorer-cli %s: unexpected error: %s\n", command.c_str(), e.what());
        }
        return qe::cli::kExitError;
    }
    if (command == "--help" || command == "-h" || command == "help") {
        printUsage(stdout);
        return qe::cli::kExitOk;
    }
    std::fprintf(stderr, "qwen-explorer-cli: unknown command '%s'\n", command.c_str());
    printUsage(stderr);
    return qe::cli::kExitUsage;
}
