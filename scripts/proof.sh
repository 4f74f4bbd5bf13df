#!/usr/bin/env bash
# The long runs behind docs/PROOF.md, one command per group. Each builds what
# it needs (release), runs, and prints the figures the document quotes.
#   scripts/proof.sh crash [CYCLES]    SIGKILL during submission, sync and content install (default 1000 each)
#   scripts/proof.sh network [HUNDREDS] drops, resets, truncation, stalls, 429 and 503 bursts (default 100 = 10,000 records)
#   scripts/proof.sh load [KIOSKS] [FLAGS]  N simulated kiosks on one hub, SQLite then PostgreSQL: steady, then a reconnect storm (default 200)
#   scripts/proof.sh soak [SESSIONS]   scripted visitor sessions through headless kiosks (one per core): memory growth, leaks
#   scripts/proof.sh compare [RUNS]    the kiosk next to Debian's chromium showing the same home screen (default 5 runs)
#   scripts/proof.sh fuzz [SECONDS]    every libFuzzer target for SECONDS (default 600)
#   scripts/proof.sh limits [OLD_HUB]  answer time under 200 slow connections, hub memory under huge bodies;
#                                      with OLD_HUB (another build's kiosk-hub) the same run against it first
# The README's test command runs the same tests with small bounds.
set -euo pipefail
cd "$(dirname "$0")/.."
group=${1:-}
shift || true

build_release() {
  scripts/install-deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" --target "$@" >/dev/null
}

case "$group" in
  crash)
    cycles=${1:-1000}
    build_release outbox_tests bundle_tests e2e_tests
    b=build/release/tests
    echo "== crash safety: $cycles SIGKILL cycles per path, $(date -u +%F) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)) =="
    status=0
    for run in "outbox_tests OutboxCrash.TwoHundredKillsDuringSubmission" \
               "sync/e2e/e2e_tests E2E.KillingTheHubAndTheKioskMidUploadStillStoresEachRecordOnce" \
               "sync/bundle/bundle_tests InstallCrash.*"; do
      set -- $run
      start=$(date +%s)
      if ! out=$(KIOSK_PROOF_CYCLES=$cycles "$b/$1" --gtest_filter="$2" 2>&1); then
        status=1
        echo "$out" | grep -E 'Failure|FAILED|Expected|Which is' | head -20
      fi
      echo "$out" | grep '^proof:' || true
      echo "  ($2: $(( $(date +%s) - start )) s, $(echo "$out" | grep -qE '^\[  PASSED' && echo passed || echo FAILED))"
    done
    exit $status
    ;;
  network)
    hundreds=${1:-100}
    build_release e2e_tests
    echo "== network faults: $(( hundreds * 100 )) records through fault-proxy, $(date -u +%F) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)) =="
    start=$(date +%s)
    status=0
    out=$(KIOSK_PROOF_CYCLES=$hundreds build/release/tests/sync/e2e/e2e_tests \
          --gtest_filter='NetworkFaults.*' 2>&1) || status=1
    echo "$out" | grep -E '^proof:|Failure|Expected|Which is|FAILED' || true
    echo "  ($(( $(date +%s) - start )) s, $([ $status = 0 ] && echo passed || echo FAILED))"
    exit $status
    ;;
  load)
    kiosks=${1:-200}
    shift || true
    build_release load_bench
    echo "== load: $kiosks simulated kiosks against one kiosk-hub, $(date -u +%F) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)) =="
    # Prints the table; exits 1 only if the hub lost, duplicated or refused records (never on a timing).
    exec build/release/bench/load_bench --kiosks "$kiosks" "$@"
    ;;
  soak)
    sessions=${1:-100000}
    build_release soak_bench
    scripts/install-deps.sh heaptrack
    b=build/release/bench/soak_bench
    echo "== soak: $sessions sessions, $(date -u +%F) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)) =="
    status=0
    # One kiosk process per core (SOAK_PARALLEL), each with its share of the
    # sessions; SOAK_BUDGET=SECONDS stops the long run at the first checkpoint after it.
    $b --sessions "$sessions" --every 1000 --parallel "${SOAK_PARALLEL:-$(nproc 2>/dev/null || echo 2)}" \
      ${SOAK_BUDGET:+--budget "$SOAK_BUDGET"} || status=1
    $b --heaptrack --sessions "${SOAK_HEAPTRACK_SESSIONS:-1000}" || status=1
    cmake --preset asan >/dev/null
    cmake --build --preset asan -j "$(nproc 2>/dev/null || echo 2)" --target kiosk >/dev/null
    $b --lsan --kiosk build/asan/kiosk/kiosk --sessions "${SOAK_LSAN_SESSIONS:-1000}" || status=1
    exit $status
    ;;
  compare)
    runs=${1:-5}
    # console_test_deps: playwright-core, which reads chromium's paint and frame timings
    build_release browser_bench console_test_deps
    echo "== against a browser kiosk: $runs runs, $(date -u +%F) on $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) =="
    exec build/release/bench/browser_bench --runs "$runs"
    ;;
  fuzz)
    exec scripts/fuzz.sh "${1:-600}"
    ;;
  limits)
    old=${1:-}
    build_release hub_limits_bench
    echo "== slow clients and large bodies, $(date -u +%F) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)) =="
    # Against a hub without the limits each request waits ~30 s: 3 of each then.
    [ -n "$old" ] && build/release/bench/hub_limits_bench --hub "$old" --requests 3
    exec build/release/bench/hub_limits_bench
    ;;
  *)
    echo "usage: scripts/proof.sh crash [CYCLES] | network [HUNDREDS] | load [KIOSKS] [FLAGS] | soak [SESSIONS] | compare [RUNS] | fuzz [SECONDS] | limits [OLD_HUB]" >&2
    exit 2
    ;;
esac
