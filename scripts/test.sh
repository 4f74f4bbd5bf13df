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
# The golden variants that only redraw the same screens in another language
# or orientation ran in the release pass above; under the sanitizers the
# Chinese ones run (for the content tour, landscape only), which keeps CI
# under 30 min.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --preset ci-asan -j "$jobs" \
    -E 'ContentGolden\.EveryContentScreen/(en|zh_portrait|en_portrait|zh_elder)( |$)|(Maintenance|Setup)Golden\..*/en_(landscape|portrait)( |$)'
