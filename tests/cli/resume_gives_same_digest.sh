#!/usr/bin/env bash
# `eligo train --resume` through the CLI: a run resumed from a mid-run checkpoint ends with the same
# weights digest, metrics and held-out accuracy as the uninterrupted run, and checkpoints carry a
# manifest. Usage: resume_gives_same_digest.sh ELIGO EXAMPLES_DIR
set -euo pipefail
eligo=$1
examples=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

digest() { sed -n 's/.*"weights_digest": "\([0-9a-f]*\)".*/\1/p' "$1/summary.json"; }
check_resume() {  # config, checkpoint iteration to resume from
  local config=$1 keep=$2 name
  name=$(basename "$config" .yaml)
  "$eligo" --log-level warn train "$config" --out "$work/$name-whole" --threads 2 --shards 3
  cp -r "$work/$name-whole" "$work/$name-resumed"
  # Drop every checkpoint after iteration $keep, as if the run had stopped there.
  for d in "$work/$name-resumed"/checkpoints/iteration-*; do
    [ "$((10#${d##*-}))" -gt "$keep" ] && rm -rf "$d"
  done
  test -f "$work/$name-resumed/checkpoints/$(printf 'iteration-%06d' "$keep")/manifest.json"
  "$eligo" --log-level warn train "$config" --out "$work/$name-resumed" --resume "$work/$name-resumed" --threads 1
  local a b
  a=$(digest "$work/$name-whole")
  b=$(digest "$work/$name-resumed")
  echo "$name: uninterrupted $a, resumed after iteration $keep $b"
  [ -n "$a" ] && [ "$a" = "$b" ]
  cmp "$work/$name-whole/metrics.jsonl" "$work/$name-resumed/metrics.jsonl" ||
    diff <(cut -d, -f1-3 "$work/$name-whole/metrics.jsonl") <(cut -d, -f1-3 "$work/$name-resumed/metrics.jsonl")
}

# The sine-wave example for 5 iterations with a checkpoint every 2.
sed 's/^training:/training:\n  checkpoint_every: 2/' "$examples/sine_wave_small.yaml" > "$work/sine.yaml"
check_resume "$work/sine.yaml" 2

# A small evidence-accumulation run with held-out evaluations.
sed -e 's/^  iterations: .*/  iterations: 3\n  checkpoint_every: 1\n  evaluate_every: 1/' \
    -e 's/^  test_samples: .*/  test_samples: 20/' -e 's/^  group_size: .*/  group_size: 2/' \
    "$examples/evidence_accumulation.yaml" > "$work/evidence.yaml"
check_resume "$work/evidence.yaml" 1
cmp <(cut -d, -f1-2 "$work/evidence-whole/evaluations.jsonl") <(cut -d, -f1-2 "$work/evidence-resumed/evaluations.jsonl")
echo "resume: identical"

# The standard network at N = 1,000, which keeps its 3 recurrent shards (small networks get fewer:
# at least 250 neurons per shard), resumed on 1 thread with the checkpoint's 3 shards.
data=$(cd "$(dirname "$0")/../data/cluster" && pwd)
sed -e "s/^  iterations: .*/  iterations: 2/" -e "s/^  checkpoint_every: .*/  checkpoint_every: 1/" "$data/plastic_1000.yaml" > "$work/plastic.yaml"
check_resume "$work/plastic.yaml" 1
