#!/usr/bin/env bash
# Installs everything and runs the whole test suite: the release build's tests, the core tests
# (with the CUDA emulator's) again under AddressSanitizer + UBSan, and every libFuzzer target for
# 60 s on its seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

echo "== release build and tests"
bash scripts/build.sh
(cd build && ctest --output-on-failure -j"$jobs")

echo "== core tests under AddressSanitizer + UndefinedBehaviorSanitizer"
# With a CUDA toolkit, the CUDA emulator's tests run sanitized too: the backend's host code and
# the kernels as emulated threads (nvcc builds the real backend for PTX only, nothing runs it
# here). gpu-bench on a too-small emulated GPU is left to the release run (6 min sanitized, and
# the same host code as cli_gpu_bench_emu).
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQE_SANITIZE=ON -DQE_BUILD_GUI=OFF \
  -DCMAKE_CUDA_ARCHITECTURES=90-virtual -DQE_TOKENIZER_DIR="$PWD/build/qwen3-tokenizer"
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest -L core -E cli_gpu_bench_emu_small_gpu --output-on-failure -j"$jobs")

echo "== fuzzers (libFuzzer, 60 s each)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQE_FUZZ=ON \
  -DQE_BUILD_GUI=OFF -DQE_WITH_CUDA=OFF -DQE_TOKENIZER_DIR="$PWD/build/qwen3-tokenizer"
fuzzers=$(cd tests/fuzz/corpus && ls)
# shellcheck disable=SC2086
cmake --build build-fuzz -j"$jobs" --target $fuzzers
for f in $fuzzers; do
  work=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$f/." "$work/"
  echo "-- $f"
  QE_FUZZ_TOKENIZER="$PWD/build/qwen3-tokenizer" "build-fuzz/tests/fuzz/$f" -max_total_time=60 -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 "$work" 2>&1 | tail -n 12
  rm -rf "$work"
done
echo "== all tests passed"
