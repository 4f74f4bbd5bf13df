#!/usr/bin/env bash
# Runs every test from a clean or existing checkout: installs missing Debian
# packages, builds the release configuration with -Werror and runs its tests,
# then does the same with ASan+UBSan+LSan (no recovery).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== release build (-Werror) =="
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
ctest --preset ci -j "$jobs"

echo "== fuzzing: every libFuzzer target for 5 s (scripts/fuzz.sh; longer runs: docs/PROOF.md) =="
scripts/fuzz.sh 5

echo "== sanitizer build (ASan+UBSan+LSan, -Werror) =="
cmake --preset ci-asan >/dev/null
cmake --build --preset ci-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --preset ci-asan -j "$jobs"
