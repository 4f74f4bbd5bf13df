#!/usr/bin/env bash
# Builds the .debs with CPack from an already built tree and checks that the
# kiosk package holds both programs and depends on the CJK fonts it cannot
# run without, and that the hub is a package of its own (the OS image
# installs only the kiosk's).
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
grep -q ' ./usr/bin/kiosk-hub$' <<<"$contents" && { echo "kiosk-hub must not be in $deb"; exit 1; }
hub=$(ls "$out"/kiosk-hub_*.deb) || { echo "no kiosk-hub_*.deb: $(ls "$out")"; exit 1; }
[ "$(dpkg-deb -f "$hub" Package)" = kiosk-hub ] || { echo "$hub is not package kiosk-hub"; exit 1; }
hubfiles=$(dpkg-deb -c "$hub")
for f in ./usr/bin/kiosk-hub ./usr/share/doc/kiosk-hub/PROTOCOL.md ./usr/share/kiosk-hub/console/index.html; do
  grep -q " $f\$" <<<"$hubfiles" || { echo "missing $f in $hub"; exit 1; }
done
grep -q -E ' ./usr/bin/kiosk(ctl)?$' <<<"$hubfiles" && { echo "the kiosk programs must not be in $hub"; exit 1; }
grep -q libssl <<<"$(dpkg-deb -f "$hub" Depends)" || { echo "kiosk-hub Depends lacks libssl: $(dpkg-deb -f "$hub" Depends)"; exit 1; }
grep -q rime-data-luna-pinyin <<<"$(dpkg-deb -f "$hub" Depends)" || { echo "kiosk-hub Depends lacks rime-data-luna-pinyin"; exit 1; }
grep -q -E ' ./usr/share/kiosk-hub/console/assets/index-[^ ]+\.js$' <<<"$hubfiles" || { echo "the console's script is not in $hub"; exit 1; }
echo "ok: $(basename "$deb") $(basename "$hub")"
