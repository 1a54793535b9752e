#!/usr/bin/env bash
# eligo serve and eligo stream through the CLI: mutual TLS under the cluster CA, a bearer token over
# TLS, a wrong token and a foreign CA refused, plain TCP refused off loopback, the Prometheus endpoint
# counting what came in, and the streamed digest equal to `eligo train --order sorted --epochs 1` on
# the same folder offline.
# Usage: stream_tls.sh ELIGO
set -euo pipefail
eligo=$1
work=$(mktemp -d)
server_pid=
cleanup() {
  local status=$?
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A labelled folder of N-MNIST files: 3 labels x 4 files, 300 events each within 200 ms.
python3 - "$work/data" <<'PY'
import os, random, sys
random.seed(5)
for i in range(12):
    label = i % 3
    d = os.path.join(sys.argv[1], "Train", str(label)); os.makedirs(d, exist_ok=True)
    t, records = 0, []
    for _ in range(300):
        t += random.randint(0, 600)
        x = 10 * label + random.randint(0, 9) if random.random() < 0.6 else random.randint(0, 33)
        records.append(bytes([x, random.randint(0, 33), (random.randint(0, 1) << 7) | (t >> 16), (t >> 8) & 255, t & 255]))
    open(os.path.join(d, "%02d.bin" % i), "wb").write(b"".join(records))
os.makedirs(os.path.join(sys.argv[1], "Test", "0"))  # offline training ends with a held-out evaluation
open(os.path.join(sys.argv[1], "Test", "0", "t.bin"), "wb").write(bytes([1, 1, 0x80, 0, 10]))
PY
repo=$(cd "$(dirname "$0")/../.." && pwd)
config=$repo/examples/streaming.yaml
offline=$("$eligo" --log-level warn train "$config" --data "$work/data" --order sorted --epochs 1 --out "$work/offline" \
  && python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["weights_digest"])' "$work/offline/summary.json")

"$eligo" --log-level warn certs init --dir "$work/certs" > /dev/null
"$eligo" --log-level warn certs issue server client --dir "$work/certs" > /dev/null
"$eligo" --log-level warn certs init --dir "$work/foreign" > /dev/null
"$eligo" --log-level warn certs issue client --dir "$work/foreign" > /dev/null
printf 'a-long-enough-bearer-token\n' > "$work/token"
printf 'not-the-token-at-all-no\n' > "$work/wrong"

"$eligo" serve "$config" --listen 127.0.0.1:0 --port-file "$work/port" --metrics 127.0.0.1:0 \
  --certs "$work/certs" --name server --token-file "$work/token" --out "$work/srv" > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/serve.log"; fail "the server did not start"; }
port=$(cat "$work/port")
metrics_port=$(sed -n 's/.*metrics on http:\/\/127.0.0.1:\([0-9]*\)\/metrics.*/\1/p' "$work/serve.log")

summary() { tail -1 "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"; }

# A client certificate under the CA.
"$eligo" --log-level warn stream --connect "127.0.0.1:$port" --events "$work/data" --certs "$work/certs" --name client \
  > "$work/cert.out"
[ "$(grep -c '"prediction"' "$work/cert.out")" = 12 ] || fail "12 predictions with a certificate: $(cat "$work/cert.out")"
[ "$(summary "$work/cert.out" weights_digest)" = "$offline" ] || fail "streamed digest differs from offline $offline"

# The token, over TLS, without a client certificate.
"$eligo" --log-level warn stream --connect "127.0.0.1:$port" --events "$work/data" --certs "$work/certs" \
  --token-file "$work/token" > "$work/token.out"
[ "$(summary "$work/token.out" weights_digest)" = "$offline" ] || fail "token session digest"

# Saved at the end, then the network of a server started from that checkpoint predicts every sample.
"$eligo" --log-level warn stream --connect "127.0.0.1:$port" --events "$work/data" --certs "$work/certs" \
  --token-file "$work/token" --save after-12 > "$work/save.out"
[ "$(summary "$work/save.out" saved)" = after-12 ] || fail "saving: $(tail -1 "$work/save.out")"
[ -f "$work/srv/saved/after-12/checkpoints/iteration-000012/manifest.json" ] || fail "no saved checkpoint"
"$eligo" serve "$work/srv/saved/after-12" --listen 127.0.0.1:0 --port-file "$work/port2" --insecure \
  > "$work/serve2.log" 2>&1 &
second_pid=$!
for _ in $(seq 100); do [ -s "$work/port2" ] && break; sleep 0.1; done
"$eligo" --log-level warn stream --connect "127.0.0.1:$(cat "$work/port2")" --insecure --events "$work/data" \
  --learn off > "$work/saved.out" || { cat "$work/serve2.log"; fail "streaming to the saved network"; }
kill "$second_pid"; wait "$second_pid" 2>/dev/null || true
[ "$(grep -c '"prediction"' "$work/saved.out")" = 12 ] || fail "predictions of the saved network"
grep -q "starting sessions from" "$work/serve2.log" || fail "the second server did not load the checkpoint"

# A wrong token, and a certificate of another CA, are refused with a clear error.
if "$eligo" stream --connect "127.0.0.1:$port" --events "$work/data" --certs "$work/certs" --token-file "$work/wrong" \
  > /dev/null 2> "$work/wrong.err"; then fail "a wrong token was accepted"; fi
grep -q "UNAUTHENTICATED: wrong token" "$work/wrong.err" || fail "wrong token: $(cat "$work/wrong.err")"
# (it trusts the server's CA, but its own certificate is signed by another one)
mkdir "$work/mixed"
cp "$work/certs/ca.pem" "$work/mixed/ca.pem"
cp "$work/foreign/client.pem" "$work/foreign/client.key" "$work/mixed/"
if "$eligo" stream --connect "127.0.0.1:$port" --events "$work/data" --certs "$work/mixed" --name client \
  > /dev/null 2> "$work/foreign.err"; then fail "a foreign CA's certificate was accepted"; fi
grep -q "TLS handshake\|certificate" "$work/foreign.err" || fail "foreign CA: $(cat "$work/foreign.err")"

# The metrics saw every event of the three sessions (12 files x 300 events each).
metrics=$(python3 -c 'import sys,urllib.request; print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1]).read().decode())' "$metrics_port")
echo "$metrics" | grep -q '^eligo_stream_events_in_total 10800$' || fail "events in: $(echo "$metrics" | grep events_in)"
echo "$metrics" | grep -q '^eligo_stream_events_processed_total 10800$' || fail "events processed"
echo "$metrics" | grep -q '^eligo_stream_sessions_refused_total 1$' || fail "refused sessions: $(echo "$metrics" | grep refused)"

# Plain TCP only on loopback.
if "$eligo" serve "$config" --listen 0.0.0.0:0 --insecure > /dev/null 2> "$work/insecure.err"; then
  fail "--insecure on 0.0.0.0 was accepted"
fi
grep -q "only on a loopback address" "$work/insecure.err" || fail "insecure: $(cat "$work/insecure.err")"
echo "stream over TLS: ok (digest $offline)"
