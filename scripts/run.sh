#!/usr/bin/env bash
# Builds and runs the product on its built-in defaults: a local kiosk-hub on
# 127.0.0.1 (SQLite, keys made on first start in build/hub-data), the demo
# content published through it, and a kiosk provisioned against it that
# fetches that content, uploads what visitors submit and shows the hub's
# case statuses. With a display the kiosk opens in a window (pass --windowed
# WxH or any other kiosk option to change that); without one it syncs once,
# renders the home screen headless and prints the PNG's path. The hub stops
# when the kiosk does. The hub's staff console listens on loopback too; its
# first admin account is made on the first run, with a random password kept
# in build/hub-data/console-admin.txt (mode 600).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target kiosk kioskctl kiosk-hub hub_console demo_content
bin=build/release/kiosk/kiosk
ctl=build/release/kiosk/kioskctl
hub=build/release/sync/hub/kiosk-hub
hubdata="$PWD/build/hub-data"
kioskdata="$PWD/build/kiosk-data"
content="$kioskdata/content.db"

# The hub, on a free port of the loopback interface.
rm -f "$hubdata/staff.url"
"$hub" --data "$hubdata" serve --listen 127.0.0.1:0 --staff-listen 127.0.0.1:0 >"$PWD/build/hub.log" 2>&1 &
hub_pid=$!
trap 'kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true' EXIT
rm -f "$hubdata/hub.url"
for _ in $(seq 1 100); do [ -s "$hubdata/hub.url" ] && break; sleep 0.1; done
if [ ! -s "$hubdata/hub.url" ]; then
  echo "kiosk-hub did not start; see build/hub.log" >&2
  exit 1
fi
echo "kiosk-hub: $(cat "$hubdata/hub.url") (log: build/hub.log)"
if [ ! -s "$hubdata/console-admin.txt" ]; then
  password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  printf '%s\n' "$password" | "$hub" --data "$hubdata" staff add --user admin --role admin >/dev/null
  (umask 077; printf 'user admin\npassword %s\n' "$password" >"$hubdata/console-admin.txt")
fi
for _ in $(seq 1 50); do [ -s "$hubdata/staff.url" ] && break; sleep 0.1; done
echo "staff console: $(cat "$hubdata/staff.url" 2>/dev/null) (sign in with build/hub-data/console-admin.txt;" \
  "the certificate is the hub's own: build/hub-data/ca.crt)"

# Enroll the kiosk once; publish the demo content when it changed.
if [ ! -f "$kioskdata/hub.json" ] || ! grep -q "$(cat "$hubdata/hub.url")" "$kioskdata/hub.json"; then
  "$hub" --data "$hubdata" provision-file --site "青浦区行政服务中心" --out "$PWD/build/provision.json" >/dev/null
  "$ctl" --data "$kioskdata" provision --file "$PWD/build/provision.json" --force
fi
demo_sum=$(sha256sum build/release/demo-content.db | cut -d' ' -f1)
if [ "$(cat "$hubdata/published.sha256" 2>/dev/null)" != "$demo_sum" ]; then
  "$hub" --data "$hubdata" content publish build/release/demo-content.db
  echo "$demo_sum" >"$hubdata/published.sha256"
fi
# The first sync brings the content down before the kiosk opens.
"$ctl" --data "$kioskdata" sync --once --content "$content" || true

set -- --content "$content" --printer-output "$PWD/build/print" --data "$kioskdata" "$@"

has_display() {
  [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ -e /dev/dri/card0 ]
}

if has_display && [ "${KIOSK_HEADLESS:-0}" != 1 ]; then
  case " $* " in *" --windowed "*|*" --headless "*) ;; *) set -- "$@" --windowed 1280x800 ;; esac
  "$bin" "$@"
  exit $?
fi

out="$PWD/build/home.png"
echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset and there is no /dev/dri/card0)."
echo "Rendering the home screen headless instead."
"$bin" --headless --size 1920x1080 --screenshot "$out" "$@"
echo "Home screen written to $out"
