#!/usr/bin/env bash
# Installs everything, builds, and starts Qwen Explorer on its built-in default model.
# Without a display (or before the desktop app is built) it runs the command-line demo instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
model=build/default-model
if [ -x build/gui/qwen-explorer ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec build/gui/qwen-explorer
fi
build/core/cli/qwen-explorer-cli info --model "$model"
exec build/core/cli/qwen-explorer-cli generate --model "$model" --prompt "Hello! What can you do?" --chat --max-new 48
