#!/usr/bin/env bash
# `eligo train CONFIG --memory-limit SIZE` refuses a config whose memory estimate exceeds SIZE before
# anything is built, with exit code 2 and an error naming the config fields responsible; `eligo bench`
# does the same with its flags; a size without a binary unit is a usage error.
# Usage: memory_limit.sh ELIGO EXAMPLES
set -euo pipefail
eligo=$1
examples=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

expect_refusal() {  # expect_refusal TEXT COMMAND...: exit code 2 and TEXT in the error
  local text=$1
  shift
  local code=0
  "$@" >"$work/out" 2>&1 || code=$?
  cat "$work/out"
  if [ "$code" -ne 2 ]; then
    echo "FAIL: exit code $code, expected 2: $*"
    exit 1
  fi
  if ! grep -qF -- "$text" "$work/out"; then
    echo "FAIL: no '$text' in the output of: $*"
    exit 1
  fi
}

# The small sine-wave network needs more than 1 MiB: its history ring and synapses.
expect_refusal "over the memory limit of 1 MiB (--memory-limit 1MiB)" \
  "$eligo" train "$examples/sine_wave_small.yaml" --out "$work/run" --memory-limit 1MiB
expect_refusal "sine_wave_small.yaml: field " \
  "$eligo" train "$examples/sine_wave_small.yaml" --out "$work/run" --memory-limit 1MiB
[ ! -e "$work/run" ] || { echo "FAIL: a refused run wrote $work/run"; exit 1; }

# A network of 10^5 neurons with in-degree 10^4 is refused at once, naming the flags.
expect_refusal "bench: --neurons × --indegree: about " \
  "$eligo" bench --neurons 100000 --indegree 10000 --memory-limit 4GiB

# A limit without a unit is refused by the command line parser.
code=0
"$eligo" train "$examples/sine_wave_small.yaml" --memory-limit 4GB >"$work/out" 2>&1 || code=$?
cat "$work/out"
[ "$code" -ne 0 ] && grep -qF "such as 4GiB or 512MiB" "$work/out" || { echo "FAIL: --memory-limit 4GB accepted"; exit 1; }

# Within its limit the same run trains.
"$eligo" --log-level warn train "$examples/sine_wave_small.yaml" --out "$work/ok" --iterations 1 --memory-limit 64MiB
[ -f "$work/ok/summary.json" ] || { echo "FAIL: no summary.json within the limit"; exit 1; }
echo "memory_limit: ok"
