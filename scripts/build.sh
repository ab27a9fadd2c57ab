#!/usr/bin/env bash
# Configures and builds the release tree in build/ (the Qwen3 tokenizer is fetched on configure).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$(nproc)"
