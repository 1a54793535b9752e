#!/usr/bin/env bash
# Runs that meet a full disk or a damaged checkpoint (docs/architecture.md §7), through the CLI, on the
# sine-wave example with a checkpoint after every iteration. Each mode mounts the small tmpfs it
# needs (run as root, as CI does); a mount that fails fails the test.
#   full_checkpoint  the run directory's disk fills while the third checkpoint is written
#   full_metrics     the disk of metrics.jsonl fills (its checkpoints are on another one)
#   full_end         the disk fills while the recording and summary are written after the last iteration
#   damaged          a flipped byte, a truncated file and a missing file in a checkpoint
# In each full-disk mode the run stops with exit 2 and an error that names the file, says "No space
# left on device" and where to continue; no partial checkpoint is left; the last complete checkpoint is
# byte for byte the uninterrupted run's; and --resume, once there is room, gives the uninterrupted
# run's weights digest and metrics. A damaged checkpoint is refused by train --resume, eval and serve
# with an error naming the file.
# Usage: checkpoint_failures.sh MODE ELIGO EXAMPLES_DIR
set -euo pipefail
mode=$1
eligo=$2
examples=$3
work=$(mktemp -d)
mounts=()
cleanup() {
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
mount_tmpfs() {  # DIR BYTES
  mkdir -p "$1"
  mount -t tmpfs -o "size=$2" eligo-test "$1" || fail "cannot mount a $2-byte tmpfs at $1 (run as root)"
  mounts+=("$1")
}
digest() { sed -n 's/.*"weights_digest": "\([0-9a-f]*\)".*/\1/p' "$1/summary.json"; }
# Bytes a file tree takes on tmpfs: whole 4 KiB pages per file.
pages_of() { find "$1" -type f -printf '%s\n' | awk '{ p += int(($1 + 4095) / 4096) } END { print p * 4096 }'; }
train() { "$eligo" --log-level warn train "$@" --threads 1; }

iterations=${ITERATIONS:-6}
case $mode in
  full_metrics) iterations=60 ;;  # about 100 bytes a line: a 4 KiB disk fills after some 40 lines
esac
sed -e "s/^  iterations: .*/  iterations: $iterations\n  checkpoint_every: 1/" "$examples/sine_wave_small.yaml" > "$work/sine.yaml"
config=$work/sine.yaml
train "$config" --out "$work/whole"
whole=$(digest "$work/whole")
[ -n "$whole" ] || fail "the uninterrupted run wrote no digest"

# A run that stopped on a full disk: exit 2, the error names the file and says where to continue, no
# partial checkpoint, the last checkpoint as the uninterrupted run wrote it.
check_stopped() {  # RUN_DIR STATUS LOG FILE_NAMED LAST_ITERATION
  local run=$1 status=$2 log=$3 named=$4 last=$5 latest
  cat "$log"
  [ "$status" = 2 ] || fail "exit status $status, expected 2"
  grep -qF "No space left on device" "$log" || fail "the error does not say No space left on device"
  grep -qF "$named" "$log" || fail "the error does not name $named"
  latest=$run/checkpoints/$(printf 'iteration-%06d' "$last")
  grep -qF "last complete checkpoint: $latest" "$log" || fail "the error does not name $latest"
  grep -qF "continue with: eligo train $config --out $run --resume $run" "$log" || fail "the error does not say how to continue"
  if find "$run/checkpoints" -mindepth 1 -maxdepth 1 -name '*.partial' -o -name '*.old' -o -name '*.tmp' | grep .; then
    fail "a partial checkpoint is left"
  fi
  [ "$(find "$run/checkpoints" -mindepth 1 -maxdepth 1 | sort | tail -1)" = "$latest" ] || fail "$latest is not the latest"
  diff -r "$work/whole/checkpoints/$(basename "$latest")" "$latest" || fail "$latest differs from the uninterrupted run's"
  # Whole lines only: every line of metrics.jsonl is a JSON object.
  python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$run/metrics.jsonl" ||
    fail "metrics.jsonl holds a partial line"
}
check_resumed() {  # RUN_DIR
  train "$config" --out "$1" --resume "$1"
  local resumed
  resumed=$(digest "$1")
  echo "uninterrupted $whole, resumed $resumed"
  [ "$resumed" = "$whole" ] || fail "the resumed run's digest differs"
  diff <(cut -d, -f1-3 "$work/whole/metrics.jsonl") <(cut -d, -f1-3 "$1/metrics.jsonl") || fail "metrics.jsonl differs"
}

# The run directory on a disk of BYTES, its checkpoints on a disk of their own with room; sets run and
# status.
train_on_small_disk() {  # BYTES
  run=$work/run
  mount_tmpfs "$run" "$1"
  mount_tmpfs "$run/checkpoints" $((256 << 20))
  status=0
  train "$config" --out "$run" 2> "$work/log" || status=$?
}
# Makes the run directory's disk bigger and continues in place.
remount_and_resume() {
  mount -o remount,size=1M "$run" || fail "cannot remount $run"
  check_resumed "$run"
}

case $mode in
  full_checkpoint)
    # Room for the metrics, two checkpoints and half of a third.
    ckpt=$(pages_of "$work/whole/checkpoints/iteration-000001")
    disk=$work/disk
    mount_tmpfs "$disk" $((8192 + 2 * ckpt + ckpt / 2))
    status=0
    train "$config" --out "$disk/run" 2> "$work/log" || status=$?
    check_stopped "$disk/run" "$status" "$work/log" "$disk/run/checkpoints/iteration-000003" 2
    free=$(df -B1 --output=avail "$disk" | tail -1)
    [ "$free" -ge $((ckpt / 2)) ] || fail "the failed checkpoint's space was not freed ($free bytes free)"
    # Move the run to a disk with room, and continue there.
    cp -a "$disk/run" "$work/moved"
    check_resumed "$work/moved"
    ;;
  full_metrics)
    # One page for metrics.jsonl.
    train_on_small_disk 4096
    lines=$(wc -l < "$run/metrics.jsonl")
    check_stopped "$run" "$status" "$work/log" "cannot append to $run/metrics.jsonl" "$lines"
    [ "$lines" -lt "$iterations" ] || fail "every metrics line fitted: make the disk smaller"
    remount_and_resume
    ;;
  full_end)
    # Room for metrics.jsonl, not for the recording (about 100 KB) or summary.json.
    train_on_small_disk 8192
    check_stopped "$run" "$status" "$work/log" "$run/recording/spikes.tsv.tmp" "$iterations"
    [ ! -e "$run/summary.json" ] || fail "summary.json was written"
    remount_and_resume
    cmp "$work/whole/recording/spikes.tsv" "$run/recording/spikes.tsv" || fail "the recording differs"
    ;;
  damaged)
    # The latest checkpoint: train --resume and eval take it from the run directory, serve by its path.
    ckpt=$work/whole/checkpoints/$(printf 'iteration-%06d' "$iterations")
    cp -a "$work/whole" "$work/pristine"
    refused() {  # FILE WHAT: train --resume, eval and serve refuse the run directory, naming FILE
      local file=$1 what=$2 status
      for cmd in "train $config --out $work/whole --resume $work/whole" "eval $work/whole" \
        "serve $ckpt --listen 127.0.0.1:0 --insecure"; do
        status=0
        # shellcheck disable=SC2086
        timeout 20 "$eligo" --log-level warn $cmd > "$work/out" 2>&1 || status=$?
        [ "$status" = 2 ] || { cat "$work/out"; fail "$cmd: exit $status with $what, expected 2"; }
        grep -qF "$file: " "$work/out" || { cat "$work/out"; fail "$cmd: the error does not name $file ($what)"; }
      done
      echo "$what: $(grep -F "$file" "$work/out" | head -1)"
      rm -rf "$work/whole"
      cp -a "$work/pristine" "$work/whole"
    }
    flip() {  # FILE OFFSET: one bit of the byte at OFFSET
      python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1)[0]; f.seek(int(sys.argv[2])); f.write(bytes([b ^ 1]))' "$1" "$2"
    }
    for f in shard-0001.bin weights.bin manifest.json; do
      size=$(stat -c %s "$ckpt/$f")
      flip "$ckpt/$f" $((size / 2))
      refused "$ckpt/$f" "$f with a flipped byte"
      truncate -s $((size - 7)) "$ckpt/$f"
      refused "$ckpt/$f" "$f truncated"
      rm "$ckpt/$f"
      refused "$ckpt/$f" "$f missing"
    done
    # A number changed in the manifest, valid JSON still: its own checksum finds it.
    sed -i "s/\"iteration\": $iterations,/\"iteration\": 1,/" "$ckpt/manifest.json"
    grep -q '"iteration": 1,' "$ckpt/manifest.json" || fail "the manifest has no iteration field to change"
    refused "$ckpt/manifest.json" "manifest.json with iteration $iterations made 1"
    # The intact checkpoint resumes, after all this, to the same digest.
    check_resumed "$work/whole"
    ;;
  *) fail "unknown mode $mode" ;;
esac
echo "$mode: passed"
