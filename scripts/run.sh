#!/usr/bin/env bash
# Builds and runs the kiosk on its built-in defaults. With a display it opens
# in a window (pass --windowed WxH or any other kiosk option to change that);
# without one it renders the home screen headless and prints the PNG's path.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target kiosk demo_content
bin=build/release/kiosk/kiosk
# The demo content (services, bundles, policies) built from assets/content/.
set -- --content "$PWD/build/release/demo-content.db" --printer-output "$PWD/build/print" --data "$PWD/build/kiosk-data" "$@"

has_display() {
  [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ -e /dev/dri/card0 ]
}

if has_display && [ "${KIOSK_HEADLESS:-0}" != 1 ]; then
  case " $* " in *" --windowed "*|*" --headless "*) ;; *) set -- "$@" --windowed 1280x800 ;; esac
  exec "$bin" "$@"
fi

out="$PWD/build/home.png"
echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset and there is no /dev/dri/card0)."
echo "Rendering the home screen headless instead."
"$bin" --headless --size 1920x1080 --screenshot "$out" "$@"
echo "Home screen written to $out"
