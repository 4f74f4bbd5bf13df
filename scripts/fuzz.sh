#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with Debian's clang 19 and runs
# each for SECONDS (default 10) on a copy of its seed corpus, then prints a
# table: executions, executions per second, coverage, corpus size, crashes.
# Exits 1 when a target crashed, leaked or timed out; its reproducer is kept
# in build/fuzz/findings/TARGET/. The README's test command runs it for 10 s
# per target; docs/PROOF.md has a longer run.
#   scripts/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(docimport protocol manifest uscc burst)

scripts/install-deps.sh
cmake -S tests/fuzz -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
cmake --build build/fuzz -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

printf '%-10s %8s %12s %10s %8s %8s %8s\n' target seconds execs exec/s cov corpus crashes
status=0
for t in "${targets[@]}"; do
  work=build/fuzz/run/$t
  findings=build/fuzz/findings/$t
  rm -rf "$work" "$findings" && mkdir -p "$work/corpus" "$findings"
  cp tests/fuzz/corpus/"$t"/* "$work/corpus/"
  extra=()
  # The three real policy documents seed the importer too (read only).
  [ "$t" = docimport ] && extra=(assets/content/documents)
  set +e
  build/fuzz/fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$findings/" -print_final_stats=1 "$work/corpus" "${extra[@]}" >"$work/log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$work/log" | tail -1 | cut -d' ' -f2)
  corpus=$(ls "$work/corpus" | wc -l)
  crashes=$(ls "$findings" | wc -l)
  printf '%-10s %8s %12s %10s %8s %8s %8s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corpus" "$crashes"
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    status=1
    echo "fuzz_$t failed (exit $rc); findings in $findings, log in $work/log:" >&2
    grep -m5 -E 'ERROR|SUMMARY|deadly signal' "$work/log" >&2 || true
  fi
done
exit $status
