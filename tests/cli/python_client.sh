#!/usr/bin/env bash
# The example Python client (examples/python_client/stream_folder.py) against a fake server that
# records its frames (the encoding: N-MNIST records, the sample time line, delta-coded Events of at
# most 50,000, Label, Advance, Hello, Bye), then against `eligo serve` on loopback: one JSON line with
# a prediction per sample, and a summary whose weights digest is that of `eligo train --order sorted
# --epochs 1` on the same folder offline.
# Usage: python_client.sh ELIGO PYTHON_DIR [FIXTURE_DIR]
#   PYTHON_DIR holds the generated eligo/stream_pb2.py (the eligo_python_client target); FIXTURE_DIR,
#   when given, is a labelled folder of N-MNIST files to stream instead of the one the test writes.
set -euo pipefail
eligo=$1
export ELIGO_PYTHON_DIR=$2
fixture=${3:-}
repo=$(cd "$(dirname "$0")/../.." && pwd)
client=$repo/examples/python_client/stream_folder.py
work=$(mktemp -d)
server_pid=
fake_pid=
cleanup() {
  local status=$?
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# Debian's python3-protobuf is for /usr/bin/python3; a python3 earlier on PATH may lack it.
python=
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import google.protobuf' 2>/dev/null; then python=$p; break; fi
done
[ -n "$python" ] || { echo "no python3 imports google.protobuf: apt-get install python3-protobuf" >&2; exit 1; }

# Two labels × 3 files of 20 events in 34 × 34, times rising in 2 ms steps; 1/b.bin has a
# timestamp-overflow record (y = 240, +2^13 µs) after its tenth event. big/0/a.bin has 60,001 events
# (two Events frames). expected.json: each sample's label, [begin, end) and absolute event times.
"$python" - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
def record(x, y, on, t):
    return bytes([x, y, (0x80 if on else 0) | ((t >> 16) & 0x7F), (t >> 8) & 0xFF, t & 0xFF])
def write(path, records):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").write(b"".join(records))
expected, begin = [], 0
for label in (0, 1):
    for k, name in enumerate("abc"):
        records, times, offset = [], [], 0
        for i in range(20):
            if label == 1 and name == "b" and i == 10:
                records.append(bytes([0, 240, 0, 0, 0]))
                offset += 1 << 13
            t = 1000 + 2000 * i + 37 * k + 11 * label
            records.append(record((3 * i + k) % 34, (5 * i + label) % 34, (i + k) % 2 == 0, t))
            times.append(begin + offset + t)
        write(f"{work}/folder/Train/{label}/{name}.bin", records)
        end = times[-1] + 1
        expected.append({"label": label, "begin": begin, "end": end, "times": times})
        begin = end
json.dump(expected, open(f"{work}/expected.json", "w"))
write(f"{work}/big/0/a.bin", [record(i % 34, (i // 34) % 34, True, i // 2) for i in range(60001)])
PY

# The fake server: one session, Welcome, one Outputs per Label (prediction 0), Closed after Bye; the
# client's frames go to RECORD as JSON.
cat > "$work/fake_server.py" <<'PY'
import json, socket, struct, sys
sys.path.insert(0, sys.argv[3])
from eligo import stream_pb2 as pb
from google.protobuf.json_format import MessageToDict
listener = socket.create_server(("127.0.0.1", 0))
listener.settimeout(30)
open(sys.argv[1], "w").write(str(listener.getsockname()[1]))
conn, _ = listener.accept()
conn.settimeout(30)
def exactly(n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        assert chunk, "the client closed before Bye"
        buf += chunk
    return buf
def send(**body):
    data = pb.ServerFrame(**body).SerializeToString()
    conn.sendall(struct.pack(">I", len(data)) + data)
frames, samples, events = [], 0, 0
while True:
    frame = pb.ClientFrame()
    frame.ParseFromString(exactly(struct.unpack(">I", exactly(4))[0]))
    kind = frame.WhichOneof("body")
    frames.append({"kind": kind, **MessageToDict(getattr(frame, kind), True, True)})
    if kind == "hello":
        send(welcome=pb.Welcome(protocol_version=1, session="fake", inputs=2312, outputs=10, task="nmnist"))
    elif kind == "events":
        events += len(frame.events.dt_us)
    elif kind == "label":
        send(outputs=pb.Outputs(samples=[pb.SampleOutput(sample=samples, prediction=0, label=frame.label.label)]))
        samples += 1
    elif kind == "bye":
        send(closed=pb.Closed(samples=samples, events=events, weights_digest="fake-digest", accuracy=-1))
        break
json.dump(frames, open(sys.argv[2], "w"))
PY

fake_run() {  # fake_run NAME CLIENT_ARGS...: the client against the fake server, NAME.{frames,out}.json
  local name=$1; shift
  rm -f "$work/fake.port"
  "$python" "$work/fake_server.py" "$work/fake.port" "$work/$name.frames.json" "$ELIGO_PYTHON_DIR" &
  fake_pid=$!
  for _ in $(seq 100); do [ -s "$work/fake.port" ] && break; sleep 0.1; done
  "$python" "$client" --connect "127.0.0.1:$(cat "$work/fake.port")" "$@" > "$work/$name.out.json"
  wait "$fake_pid"
  fake_pid=
}
fake_run small --events "$work/folder" --learn off
fake_run big --events "$work/big" --limit 1
"$python" - "$work" <<'PY'
import json, sys
work = sys.argv[1]
expected = json.load(open(f"{work}/expected.json"))
frames = json.load(open(f"{work}/small.frames.json"))
assert frames[0] == {"kind": "hello", "protocol_version": 1, "token": "", "learn": False, "outputs_every": 0,
                     "start_from": "", "client": "python"}, frames[0]
assert frames[-1] == {"kind": "bye"}, frames[-1]
t, body = 0, frames[1:-1]
for e in expected:  # per sample: one Events frame, then Label, then Advance
    ev, label, advance = body[:3]
    body = body[3:]
    assert ev["kind"] == "events" and len(ev["dt_us"]) == 20 == len(ev["x"]) == len(ev["y"]) == len(ev["polarity"]), ev
    times = []
    for dt in ev["dt_us"]:
        t += int(dt)
        times.append(t)
    assert times == e["times"], (times, e["times"])
    assert label == {"kind": "label", "label": e["label"], "begin_us": str(e["begin"]), "end_us": str(e["end"])}, label
    assert advance == {"kind": "advance", "time_us": str(e["end"])}, advance
assert not body, body
lines = [json.loads(line) for line in open(f"{work}/small.out.json")]
assert lines[:-1] == [{"sample": i, "label": e["label"], "prediction": 0, "correct": e["label"] == 0}
                      for i, e in enumerate(expected)], lines
assert lines[-1] == {"samples": 6, "accuracy": 0.5, "events": 120, "weights_digest": "fake-digest"}, lines[-1]
big = json.load(open(f"{work}/big.frames.json"))
assert [f["kind"] for f in big] == ["hello", "events", "events", "label", "advance", "bye"], [f["kind"] for f in big]
assert [len(f["dt_us"]) for f in big[1:3]] == [50000, 10001]
assert big[4] == {"kind": "advance", "time_us": str(60000 // 2 + 1)}, big[4]
print("python client against a fake server: ok")
PY

# The streaming example's network (examples/streaming.yaml: N-MNIST, 2312 inputs, 10 readouts).
cp "$repo/examples/streaming.yaml" "$work/config.yaml"
folder=${fixture:-$work/folder}
root=$folder
if [ -d "$folder/Train" ]; then root=$folder/Train; fi
samples=$(cd "$root" && ls -d -- */*.bin | wc -l)
mkdir -p "$work/out"

"$eligo" serve "$work/config.yaml" --listen 127.0.0.1:0 --port-file "$work/port" --insecure \
  --out "$work/out" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
  [ -s "$work/port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log"; echo "the server exited" >&2; exit 1; fi
  sleep 0.1
done
[ -s "$work/port" ] || { cat "$work/server.log"; echo "no port file after 30 s" >&2; exit 1; }
address=$(cat "$work/port")
case $address in *:*) ;; *) address=127.0.0.1:$address ;; esac

check() {  # check OUT SAMPLES: one line per sample with a prediction, then the summary
  "$python" - "$1" "$2" <<'PY'
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
n = int(sys.argv[2])
assert len(lines) == n + 1, lines
assert sorted(line["sample"] for line in lines[:-1]) == list(range(n)), lines
for line in lines[:-1]:
    assert set(line) == {"sample", "label", "prediction", "correct"}, line
    assert isinstance(line["prediction"], int) and 0 <= line["prediction"] < 10, line
    assert line["correct"] == (line["prediction"] == line["label"]), line
summary = lines[-1]
assert summary["samples"] == n and summary["weights_digest"], summary
print(summary)
PY
}
status=0
"$python" "$client" --connect "$address" --events "$folder" --learn on > "$work/learn.json" || status=$?
cat "$work/learn.json"
[ "$status" -eq 0 ] || { cat "$work/server.log"; exit 1; }
check "$work/learn.json" "$samples"
# The session learnt from the very samples `eligo train --order sorted --epochs 1` reads offline: the
# same weights digest (Test/, which the offline run evaluates on, is a copy of the streamed samples).
mkdir -p "$work/offline"
cp -r "$root" "$work/offline/Train"
cp -r "$root" "$work/offline/Test"
"$eligo" --log-level warn train "$work/config.yaml" --data "$work/offline" --order sorted --epochs 1 \
  --out "$work/offline-run"
"$python" - "$work/learn.json" "$work/offline-run/summary.json" <<'PY'
import json, sys
streamed = json.loads(open(sys.argv[1]).read().splitlines()[-1])["weights_digest"]
offline = json.load(open(sys.argv[2]))["weights_digest"]
assert streamed == offline, (streamed, offline)
PY
# A second session that only predicts, on the first two samples.
"$python" "$client" --connect "$address" --events "$folder" --learn off --limit 2 > "$work/predict.json" ||
  { cat "$work/server.log"; exit 1; }
check "$work/predict.json" 2
echo "python client against eligo serve: ok"
