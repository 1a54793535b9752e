#!/usr/bin/env bash
# Builds every fuzz target (tests/fuzz/fuzz_*.cpp: one per parser, docs/robustness.md) with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer (tests/fuzz/CMakeLists.txt), and runs each
# for SECONDS (default 60), seeded from its corpus tests/fuzz/corpus/<target>/ and, where the repository
# has real inputs of its format, from those (examples, bundled NEST cases, cluster files). New inputs go
# to $ELIGO_FUZZ_BUILD/corpus/<target>/, findings to $ELIGO_FUZZ_BUILD/artifacts/ (the build folder is
# build-fuzz unless ELIGO_FUZZ_BUILD says otherwise). A finding fails the run, after all targets ran;
# keep it as tests/fuzz/corpus/<target>/regression-<what> once it is fixed.
# Usage: tests/fuzz/run.sh [SECONDS [TARGET ...]]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
out=${ELIGO_FUZZ_BUILD:-build-fuzz}
cmake -S tests/fuzz -B "$out" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=None >/dev/null
cmake --build "$out" -j2

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(reference_case training_config cluster_file frame_decoder control_messages shard_checkpoint aedat4
           prophesee_raw prophesee_dat nmnist idx_file stream_frames stream_samples)
fi
# The longest input each target is given (a config is a few kB; a case or an event file more).
declare -A max_len=([training_config]=8192 [cluster_file]=4096 [frame_decoder]=4096 [reference_case]=131072)
# The real inputs of the repository that seed a target besides its corpus.
seed_from() {
  case "$1" in
    reference_case) echo tests/data/nest/regression_eprop_iaf_adam.json ;;
    training_config) echo examples/*.yaml tests/data/cluster/*.yaml ;;
    cluster_file) echo examples/cluster.yaml deploy/cluster.yaml ;;
  esac
}

mkdir -p "$out/artifacts"
failed=()
for t in "${targets[@]}"; do
  work="$out/corpus/$t"
  mkdir -p "$work"
  for f in $(seed_from "$t"); do cp "$f" "$work/seed-$(basename "$f")"; done
  log="$out/artifacts/$t.log"
  echo "fuzz_$t: ${seconds} s"
  # The config loader gets a 256 MiB memory limit (fuzz_training_config.cpp): no allocation may come
  # near -malloc_limit_mb. A unit slower than -timeout seconds is a finding (a hang).
  if "$out/fuzz_$t" -max_total_time="$seconds" -max_len="${max_len[$t]:-65536}" -rss_limit_mb=2048 \
    -malloc_limit_mb=1024 -timeout=25 -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" \
    "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+ *DONE' "$log" | tr '\n' ' '
    echo
  else
    echo "fuzz_$t: FINDING (log $log, input in $out/artifacts/$t-*)"
    tail -n 40 "$log"
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no finding"
