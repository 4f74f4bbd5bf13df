#!/usr/bin/env bash
# Rewrites tests/goldens/*.png from the current code. Look at every changed
# image (git diff --stat tests/goldens, then open them) before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc 2>/dev/null || echo 2)"
KIOSK_UPDATE_GOLDENS=1 build/ci/tests/ui_tests
git status --short tests/goldens
