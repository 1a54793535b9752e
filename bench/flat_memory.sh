#!/usr/bin/env bash
# Memory of a long training run stays flat (docs/benchmark.md, "Long runs"): trains a small network for
# ITERATIONS iterations (default 20,000) with a checkpoint every twentieth of them, samples the process's
# VmRSS and VmHWM (/proc/PID/status) every second, and checks that
#   * the peak RSS after the whole run is the one after a tenth of it (2,000 iterations), within ±5 %;
#   * the state a checkpoint holds (shards' neurons, synapses, optimizer, history, spikes in flight)
#     is as large after the whole run as after a tenth of it, within ±5 %: nothing accumulates;
#   * the log grows by at most one line per iteration (the progress line; no repeated warnings), and
#     the run directory by no more than metrics.jsonl and the checkpoints it was asked for.
# Not a ctest: it takes about 25 minutes on the 2-core machine. Prints the figures, and exits 1 when a
# check fails.
# Usage: bench/flat_memory.sh [ELIGO [CONFIG [ITERATIONS [OUT]]]]
#   default: build/eligo bench/flat_memory.yaml 20000 /tmp/eligo-flat-memory
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
eligo=${1:-$root/build/eligo}
config=${2:-$root/bench/flat_memory.yaml}
iterations=${3:-20000}
out=${4:-/tmp/eligo-flat-memory}
early=$((iterations / 10))
[ "$early" -ge 1 ] || { echo "ITERATIONS must be at least 10" >&2; exit 2; }

rm -rf "$out"
mkdir -p "$out"
# The config with a checkpoint every twentieth of the run (a block `training:` is required): two have
# been written by the early sample. The second checkpoint raises the peak once, by about 1.5 MB on a
# 24 MB process (the allocator places its buffers beside what the first left; measured with a
# checkpoint every tenth: +6.3 % at 20,000 iterations, all of it from iteration 4,000 on, flat after).
every=$((iterations / 20))
[ "$every" -ge 1 ] || { echo "ITERATIONS must be at least 20" >&2; exit 2; }
sed -e '/^  checkpoint_every:/d' -e "s/^training:/training:\n  checkpoint_every: $every/" "$config" > "$out/config.yaml"
run=$out/run
samples=$out/samples.tsv
log=$out/train.log
"$eligo" train "$out/config.yaml" --iterations "$iterations" --out "$run" --threads 1 2> "$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT

kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$pid/status" 2>/dev/null; }
last_iteration() {
  [ -s "$run/metrics.jsonl" ] || { echo 0; return; }
  tail -c 400 "$run/metrics.jsonl" | tail -1 | sed -n 's/^{"iteration":\([0-9]*\),.*/\1/p'
}
echo -e "seconds\titeration\tvmrss_kib\tvmhwm_kib\tlog_lines" > "$samples"
start=$(date +%s)
early_hwm='' early_rss='' early_log='' early_dir=''
while kill -0 "$pid" 2>/dev/null; do
  rss=$(kib VmRSS) hwm=$(kib VmHWM) it=$(last_iteration)
  if [ -z "$rss" ] || [ -z "$hwm" ] || [ -z "$it" ]; then
    sleep 1
    continue
  fi
  lines=$(wc -l < "$log")
  echo -e "$(($(date +%s) - start))\t$it\t$rss\t$hwm\t$lines" >> "$samples"
  # After iteration `early` and its checkpoint, which is complete once its manifest is there.
  if [ -z "$early_hwm" ] && [ "$it" -ge "$early" ] &&
    [ -e "$run/checkpoints/$(printf 'iteration-%06d' "$early")/manifest.json" ]; then
    early_hwm=$hwm early_rss=$rss early_log=$lines early_it=$it
    early_dir=$(du -sk --exclude=metrics.jsonl --exclude=checkpoints "$run" | cut -f1)
  fi
  end_hwm=$hwm end_rss=$rss end_it=$it
  sleep 1
done
status=0
wait "$pid" || status=$?
trap - EXIT
seconds=$(($(date +%s) - start))
[ "$status" = 0 ] || { tail -5 "$log"; echo "the run failed (exit $status)" >&2; exit 1; }
[ -n "$early_hwm" ] || { echo "no sample after iteration $early" >&2; exit 1; }

# The state in the checkpoint after a tenth of the run and after all of it.
state_bytes() { find "$run/checkpoints/$(printf 'iteration-%06d' "$1")" -name 'shard-*' -printf '%s\n' | awk '{ s += $1 } END { print s }'; }
early_state=$(state_bytes "$early")
end_state=$(state_bytes "$iterations")
end_log=$(wc -l < "$log")
end_dir=$(du -sk --exclude=metrics.jsonl --exclude=checkpoints "$run" | cut -f1)
checkpoints=$(find "$run/checkpoints" -mindepth 1 -maxdepth 1 -name 'iteration-*' | wc -l)
summary=$run/summary.json

# shellcheck disable=SC2317  # called through check
within() {  # A B PERCENT: |B − A| ≤ PERCENT % of A
  awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = b - a; if (d < 0) d = -d; exit !(d <= a * p / 100) }'
}
change() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f %%", (b - a) * 100 / a }'; }
failed=0
check() {  # NAME COMMAND...
  local name=$1
  shift
  if "$@"; then echo "ok    $name"; else echo "FAIL  $name"; failed=1; fi
}
echo "config $config, $iterations iterations in $seconds s, $(wc -l < "$samples") samples in $samples"
echo "peak RSS (VmHWM) after iteration $early_it: $early_hwm KiB; after $end_it: $end_hwm KiB ($(change "$early_hwm" "$end_hwm"))"
echo "RSS (VmRSS) after iteration $early_it: $early_rss KiB; after $end_it: $end_rss KiB ($(change "$early_rss" "$end_rss"))"
echo "checkpointed state after iteration $early: $early_state bytes; after $iterations: $end_state bytes ($(change "$early_state" "$end_state"))"
echo "log lines after iteration $early_it: $early_log; at the end: $end_log"
echo "run directory without metrics.jsonl and checkpoints: $early_dir KiB after iteration $early_it, $end_dir KiB at the end (recording and summary.json)"
echo "metrics.jsonl: $(stat -c %s "$run/metrics.jsonl") bytes; checkpoints: $checkpoints, $(du -sk "$run/checkpoints" | cut -f1) KiB"
echo "summary: history_entries_max $(sed -n 's/.*"history_entries_max": \([0-9]*\).*/\1/p' "$summary"), weights_digest $(sed -n 's/.*"weights_digest": "\([0-9a-f]*\)".*/\1/p' "$summary")"
check "peak RSS within ±5 %" within "$early_hwm" "$end_hwm" 5
check "checkpointed state within ±5 %" within "$early_state" "$end_state" 5
# Besides the progress lines: one line per checkpoint, and the end's (final loss, figures).
check "the log grows by at most one line per iteration" [ $((end_log - early_log)) -le $((end_it - early_it + checkpoints + 8)) ]
check "one checkpoint per twentieth of the run, nothing else in checkpoints/" [ "$checkpoints" = 20 ]
exit "$failed"
