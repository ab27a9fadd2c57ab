#!/usr/bin/env bash
# CPU benchmarks behind docs/perf/cpu.md: a Qwen3-0.6B-shaped bf16 checkpoint (random weights,
# made once by make-model) through `bench` with diagnostics on and off, and the tokenizer's
# single-thread throughput on shared/testdata/tokenizer/bench_mixed_1mb.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=build/core/cli/qwen-explorer-cli
model=${QE_BENCH_MODEL:-build/bench-0.6b}
threads=${QE_BENCH_THREADS:-2}
[ -f "$model/model.safetensors" ] || "$cli" make-model --preset 0.6b --dtype bf16 --seed 1 --out "$model"
echo "# $(date -u +%F) commit $(git rev-parse --short HEAD), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in 1 2 3; do
  "$cli" bench --model "$model" --prompt-len 128 --gen 64 --threads "$threads" --json
  "$cli" bench --model "$model" --prompt-len 128 --gen 64 --threads "$threads" --no-diagnostics --json
done
"$cli" tokenize --tokenizer build/qwen3-tokenizer --bench ../shared/testdata/tokenizer/bench_mixed_1mb.txt
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
