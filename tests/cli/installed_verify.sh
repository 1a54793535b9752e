#!/usr/bin/env bash
# An installed eligo (`cmake --install BUILD --prefix DIR`) runs `DIR/bin/eligo verify` from any working
# directory and finds its bundled NEST cases next to itself; a lone copy of the binary, with no cases
# beside it, says where it looked and exits with 2. Usage: installed_verify.sh BUILD_DIR SOURCE_CASES_DIR
set -euo pipefail
build=$1
cases=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
expected=$(find "$cases" -maxdepth 1 -name '*.json' | wc -l)
installed=$(find "$work/prefix/share/eligo/nest" -maxdepth 1 -name '*.json' | wc -l)
[ "$installed" -eq "$expected" ] || { echo "installed $installed cases, the repository has $expected"; exit 1; }

cd /
"$work/prefix/bin/eligo" --log-level warn verify --threads 2 > "$work/verify.out"
grep -q "verify: $expected case(s): $expected passed, 0 failed, 0 unreadable" "$work/verify.out" ||
  { cat "$work/verify.out"; exit 1; }

mkdir "$work/lone"
cp "$work/prefix/bin/eligo" "$work/lone/eligo"
status=0
env -u ELIGO_CASES_DIR "$work/lone/eligo" verify > "$work/lone.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || { echo "a binary without cases exited with $status, expected 2"; cat "$work/lone.out"; exit 1; }
grep -q "no bundled cases found (looked in $work/share/eligo/nest, $work/lone/share/eligo/nest" "$work/lone.out" ||
  { cat "$work/lone.out"; exit 1; }
echo "installed eligo verified $expected bundled cases from /"
