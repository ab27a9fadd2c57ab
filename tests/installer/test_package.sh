#!/usr/bin/env bash
# Builds the Debian package of an already built tree and checks it without installing it:
#   test_package.sh BUILD_DIR WORK_DIR VERSION
# Fails (exit 1) with a line saying what is wrong; prints what it checked.
set -euo pipefail
build=${1:?build dir}
work=${2:?work dir}
version=${3:?version}

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }
for tool in cpack dpkg-deb lintian desktop-file-validate appstreamcli; do
  command -v "$tool" >/dev/null || fail "$tool not found (scripts/install-deps.sh installs it)"
done

rm -rf "$work"
mkdir -p "$work/pkg" "$work/root" "$work/home"

step "cpack"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/pkg" > "$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/pkg/*.deb)
[ "$(echo "$deb" | wc -l)" = 1 ] || fail "expected one .deb, got: $deb"
echo "$deb ($(du -h "$deb" | cut -f1))"

step "control fields"
dpkg-deb -f "$deb" Package Version Architecture Depends
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6widgets6 libqt6gui6 libqt6core6 libspdlog1 libsentencepiece0 libpcre2-8-0 libc6 libstdc++6; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
if grep -qi "cuda\|cublas\|nvidia" <<<"$depends"; then fail "Depends needs CUDA: $depends"; fi

step "unpack into $work/root"
dpkg-deb -x "$deb" "$work/root"
usr="$work/root/usr"
share="$usr/share/qwen-explorer"
for f in bin/qwen-explorer bin/qwen-explorer-cli \
         share/qwen-explorer/default-model/config.json share/qwen-explorer/default-model/model.safetensors \
         share/qwen-explorer/default-model/tokenizer.json share/qwen-explorer/default-model/tokenizer_config.json \
         share/applications/io.github.qwen_explorer.QwenExplorer.desktop \
         share/metainfo/io.github.qwen_explorer.QwenExplorer.metainfo.xml \
         share/icons/hicolor/scalable/apps/io.github.qwen_explorer.QwenExplorer.svg \
         share/man/man1/qwen-explorer-cli.1.gz share/man/man1/qwen-explorer.1.gz \
         share/doc/qwen-explorer/copyright share/doc/qwen-explorer/changelog.gz; do
  [ -f "$usr/$f" ] || fail "missing /usr/$f"
done
for size in 16 22 24 32 48 64 128 256 512; do
  png="$usr/share/icons/hicolor/${size}x${size}/apps/io.github.qwen_explorer.QwenExplorer.png"
  [ -f "$png" ] || fail "missing ${size}x${size} icon"
  head -c 24 "$png" | od -An -tx1 | tr -d ' \n' | grep -q "^89504e47" || fail "$png is not a PNG"
done
ls "$share/templates"/*.json >/dev/null 2>&1 || fail "no prompt templates installed"
if ldd "$usr/bin/qwen-explorer" "$usr/bin/qwen-explorer-cli" | grep -qi "cuda\|cublas"; then
  fail "an installed binary links CUDA libraries"
fi

# The installed programs, with no hint from the build tree or the user's setup.
run_installed() {
  env -u QE_DEFAULT_MODEL_DIR -u QE_TEMPLATE_DIR HOME="$work/home" XDG_DATA_HOME="$work/home/data" \
      XDG_CONFIG_HOME="$work/home/config" QT_QPA_PLATFORM=offscreen "$@"
}

step "qwen-explorer --version"
out=$(run_installed "$usr/bin/qwen-explorer" --version)
echo "$out"
grep -q "$version" <<<"$out" || fail "--version does not print $version"

step "qwen-explorer --smoke-test"
out=$(run_installed "$usr/bin/qwen-explorer" --smoke-test 2>&1) || { echo "$out"; fail "smoke test failed"; }
echo "$out"
grep -qF "model: $share/default-model" <<<"$out" || fail "the app did not use the installed model"
grep -qF "templates: $share/templates" <<<"$out" || fail "the app did not use the installed templates"

step "qwen-explorer --smoke-test from the build tree"
out=$(run_installed "$build/gui/qwen-explorer" --smoke-test 2>&1) || { echo "$out"; fail "build-tree smoke test failed"; }
echo "$out"
if grep -qF "$work/root" <<<"$out"; then fail "the build-tree app used the unpacked package's data"; fi

step "qwen-explorer-cli info"
run_installed "$usr/bin/qwen-explorer-cli" info --model "$share/default-model" || fail "cli info failed"

step "qwen-explorer-cli generate --template (installed templates)"
run_installed "$usr/bin/qwen-explorer-cli" generate --model "$share/default-model" --template summarize \
    --var sentences=2 --var text="Qwen Explorer runs language models." --max-new 4 --greedy --json > "$work/generate.out" \
  || { cat "$work/generate.out"; fail "cli generate with a built-in template failed"; }
tail -n 1 "$work/generate.out"

step "desktop-file-validate, appstreamcli validate"
desktop-file-validate "$usr/share/applications/io.github.qwen_explorer.QwenExplorer.desktop" \
  || fail "desktop-file-validate"
appstreamcli validate --no-net "$usr/share/metainfo/io.github.qwen_explorer.QwenExplorer.metainfo.xml" \
  || fail "appstreamcli validate"

step "man pages"
for page in qwen-explorer-cli qwen-explorer; do
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$usr/share/man/man1/$page.1.gz" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "man $page: $warnings"
done

step "lintian"
# Exit status 2: errors found (warnings are fine); anything else non-zero: lintian did not run.
rc=0
lintian --tag-display-limit 0 "$deb" > "$work/lintian.log" 2>&1 || rc=$?
cat "$work/lintian.log"
if [ "$rc" = 2 ] || grep -q "^E: " "$work/lintian.log"; then fail "lintian reports errors"; fi
[ "$rc" = 0 ] || fail "lintian failed to run (exit status $rc)"

echo "PASS: $deb"
