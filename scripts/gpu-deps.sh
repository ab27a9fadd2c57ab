#!/usr/bin/env bash
# Downloads (on this Debian 12 machine) the library packages that scripts/gpu-check.sh needs on
# the GPU machine, which has CUDA, CMake, ninja and Python but no Debian packages and no network:
# headers and shared libraries of spdlog, fmt, nlohmann-json, PCRE2, SentencePiece and ICU.
# They land in build-gpu-deps/debs (ignored by git; give it to the device tool as a carry path).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=build-gpu-deps/debs
mkdir -p "$dest"
cd "$dest"
apt-get download -q libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 nlohmann-json3-dev libpcre2-dev libpcre2-8-0 \
  libsentencepiece-dev libsentencepiece0 libprotobuf-lite32 libicu-dev libicu72 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
ls -1 ./*.deb | wc -l | xargs echo "packages in $PWD:"
