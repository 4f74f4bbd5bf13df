#!/usr/bin/env bash
# Installs the Debian 12 packages the kiosk needs to build, run and test.
# Idempotent: packages already present are not touched and apt is not even
# called when nothing is missing. Uses sudo when not root. Never downloads
# anything but Debian packages. Extra package names given as arguments are
# installed too (scripts/proof.sh soak asks for heaptrack this way).
set -euo pipefail

# One list: what the build links against, what the tests run, what the
# product loads at run time (fonts, conversion tables).
PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config git ca-certificates dpkg-dev python3
  # UI
  libsdl2-dev libimgui-dev libstb-dev libfreetype-dev fonts-noto-cjk
  # core libraries
  libtomlplusplus-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  # content: store, search, QR
  libsqlite3-dev libopencc-dev libqrencode-dev rime-data-luna-pinyin
  # submissions: personal data sealed at rest; pinyin input
  libssl-dev librime-dev
  # platform: systemd watchdog notify, the scanner's input device
  libsystemd-dev libevdev-dev
  # hub and sync: HTTPS server and client, PostgreSQL backend (and a server for its tests)
  libcpp-httplib-dev libcurl4-openssl-dev libpqxx-dev libpq-dev postgresql
  # tests (Xvfb + Mesa's software OpenGL for the windowed/GL path; chromium for
  # the staff console's browser tests)
  libgtest-dev libgmock-dev xvfb libgl1-mesa-dri xdotool chromium
  # fuzzing (scripts/fuzz.sh): clang 19 with libFuzzer
  clang-19 libclang-rt-19-dev
)
PACKAGES+=("$@")

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The staff console is built with npm (Vite) and tested with playwright-core.
# Debian's nodejs and npm, unless a node with npm is installed already (a
# NodeSource nodejs ships its own npm and conflicts with Debian's).
if ! command -v npm >/dev/null 2>&1; then
  for p in nodejs npm; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: these packages are missing and I am not root (and sudo is absent): ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
