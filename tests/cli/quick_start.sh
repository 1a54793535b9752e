#!/usr/bin/env bash
# The README's run command, as a new user meets it: `eligo train examples/sine_wave_adam.yaml` with no
# other flag ends with a loss of at most 5 (a readout visibly on its target), uses every core by
# default and says so in summary.json, and draws the figures itself, naming the readout figure in its
# log (gnuplot is installed by deploy/setup.sh); without gnuplot in PATH the log names the command instead.
# Usage: quick_start.sh ELIGO EXAMPLES
set -euo pipefail
eligo=$1
examples=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$eligo" train "$examples/sine_wave_adam.yaml" --out "$work/run" > "$work/log" 2>&1 || { cat "$work/log"; exit 1; }
tail -n 5 "$work/log"
field() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/run/summary.json" "$1"; }
loss=$(field final_loss)
echo "final loss $loss"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 5.0 else 1)" "$loss" || { echo "FAIL: final loss $loss above 5"; exit 1; }
threads=$(field threads)
[ "$threads" = "$(nproc)" ] || { echo "FAIL: summary.json says $threads thread(s), the machine has $(nproc) cores"; exit 1; }
grep -q "the readout against its target: $work/run/plots/readout.png" "$work/log" ||
  { echo "FAIL: the log does not name the readout figure"; exit 1; }
[ -s "$work/run/plots/readout.png" ] || { echo "FAIL: no readout.png"; exit 1; }
# Without gnuplot (none in PATH) the run still succeeds and says how to draw the figures later.
PATH=/nonexistent "$eligo" train "$examples/sine_wave_small.yaml" --out "$work/nognuplot" > "$work/log2" 2>&1 ||
  { cat "$work/log2"; echo "FAIL: a run without gnuplot failed"; exit 1; }
grep -q "no figures drawn: .*is gnuplot installed.*draw them with: eligo plot $work/nognuplot" "$work/log2" ||
  { cat "$work/log2"; echo "FAIL: without gnuplot the log does not say how to draw the figures"; exit 1; }
# --no-plots leaves them out.
"$eligo" --log-level warn train "$examples/sine_wave_small.yaml" --out "$work/small" --no-plots
[ ! -e "$work/small/plots" ] || { echo "FAIL: --no-plots drew figures"; exit 1; }
echo "PASS"
