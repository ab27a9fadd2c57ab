// Subcommands of qwen-explorer-cli. Each takes argv positioned after the subcommand name
// (argv[first] is its first option) and returns the process exit code (0 ok, 1 error, 2 usage).
#pragma once

namespace qe::cli {

// Model commands: info, logits, make-model, bench (commands_model.cpp); generate (commands_generate.cpp).
int cmdInfo(int argc, char** argv, int first);
int cmdLogits(int argc, char** argv, int first);
int cmdGenerate(int argc, char** argv, int first);
int cmdMakeModel(int argc, char** argv, int first);
int cmdBench(int argc, char** argv, int first);
// GPU benchmark on random weights made on the device (commands_gpu_bench.cpp).
int cmdGpuBench(int argc, char** argv, int first);
// Loading speed against the raw read rate of the same files (commands_load_bench.cpp).
int cmdLoadBench(int argc, char** argv, int first);

// Evaluation: perplexity (commands_eval.cpp).
int cmdPerplexity(int argc, char** argv, int first);

// Inspector: diagnose (commands_diagnose.cpp); tensor-stats (commands_tensor_stats.cpp).
int cmdDiagnose(int argc, char** argv, int first);
int cmdTensorStats(int argc, char** argv, int first);

// Text commands: tokenize, detokenize (commands_tokenize.cpp); chat-template (commands_chat.cpp).
int cmdTokenize(int argc, char** argv, int first);
int cmdDetokenize(int argc, char** argv, int first);
int cmdChatTemplate(int argc, char** argv, int first);

}  // namespace qe::cli
