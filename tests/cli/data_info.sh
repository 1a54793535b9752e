#!/usr/bin/env bash
# `eligo data info FILE` prints one JSON object describing an event-camera file, and exits 2 with an
# error naming the file and byte offset when the file is damaged or of an unknown type.
# Usage: data_info.sh ELIGO
set -euo pipefail
eligo=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# An EVT 3.0 RAW file: TIME_HIGH 1, TIME_LOW 5, row 3, one OFF event at x 7, then a vector of ON
# events at x 10 and 12 (16-bit little-endian words after the `% ` header).
python3 - "$work/small.raw" <<'PY'
import struct, sys
words = [0x8001, 0x6005, 0x0003, 0x2007, 0x3800 | 10, 0x4000 | 0b101]
with open(sys.argv[1], "wb") as f:
    f.write(b"% evt 3.0\n% format EVT3;height=4;width=16\n% end\n")
    f.write(struct.pack("<%dH" % len(words), *words))
PY
"$eligo" --log-level warn data info "$work/small.raw" > "$work/info.json"
cat "$work/info.json"
python3 - "$work/info.json" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
j = json.loads(lines[0])
t = (1 << 12) | 5
expected = {"format": "evt3", "width": 16, "height": 4, "events": 3, "on": 2, "off": 1,
            "t_first_us": t, "t_last_us": t, "first": [[t, 7, 3, 0], [t, 10, 3, 1], [t, 12, 3, 1]],
            "last": [[t, 7, 3, 0], [t, 10, 3, 1], [t, 12, 3, 1]]}
assert j == expected, j
assert list(j) == list(expected), list(j)  # the fields in this order
PY

# The same file cut in the middle of a word: exit 2 and an error naming the byte offset.
size=$(stat -c %s "$work/small.raw")
head -c $((size - 1)) "$work/small.raw" > "$work/cut.raw"
status=0
"$eligo" data info "$work/cut.raw" > "$work/out.txt" 2> "$work/err.txt" || status=$?
cat "$work/err.txt"
[ "$status" -eq 2 ]
[ ! -s "$work/out.txt" ]
grep -q "cut.raw: byte $((size - 2)): truncated EVT 3.0 word" "$work/err.txt"

# An unknown type: exit 2.
echo hello > "$work/notes.txt"
status=0
"$eligo" data info "$work/notes.txt" 2> "$work/err.txt" || status=$?
[ "$status" -eq 2 ]
grep -q "notes.txt: byte 0: unknown event-file type" "$work/err.txt"
echo "data info: ok"
