#!/usr/bin/env bash
# Builds the kiosk .deb with CPack from an already built tree and checks that
# it holds both programs and depends on the CJK fonts it cannot run without.
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
deb=$(ls "$out"/kiosk_*.deb)
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/kiosk ./usr/bin/kioskctl ./usr/share/doc/kiosk/kiosk.toml.example; do
  grep -q " $f\$" <<<"$contents" || { echo "missing $f in $deb"; exit 1; }
done
depends=$(dpkg-deb -f "$deb" Depends)
grep -q fonts-noto-cjk <<<"$depends" || { echo "Depends lacks fonts-noto-cjk: $depends"; exit 1; }
grep -q libsdl2 <<<"$depends" || { echo "Depends lacks libsdl2: $depends"; exit 1; }
grep -q rime-data-luna-pinyin <<<"$depends" || { echo "Depends lacks rime-data-luna-pinyin: $depends"; exit 1; }
echo "ok: $(basename "$deb")"
