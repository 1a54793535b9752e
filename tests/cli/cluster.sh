#!/usr/bin/env bash
# Distributed runs through the CLI: node daemons on loopback, mutual TLS under a test CA.
# Usage: cluster.sh MODE ELIGO CONFIG   (CONFIG: a 1,000-neuron plastic network, tests/data/cluster)
#   digest       3 nodes (Asio data links, and the middleman-only path) give the single process's digest
#   kill_resume  a node killed mid-run is reported within 2 s with its shards and the last checkpoint;
#                resuming on two other nodes reaches the uninterrupted digest
#   foreign_ca   a node or coordinator whose certificate another CA signed is refused, as is plain TCP
#   garbage      garbage and oversized frames on a node's control and data ports during a run leave it
#                serving (the run still gives the right digest, and the next run works)
#   unreachable  a refused port and an address that never answers give a clear error within the timeout
#   mismatch     a node pinned to another config refuses the run, naming the digests
#   restart      --restart 2 with a spare: a node killed mid-run is replaced by the spare, then the
#                spare is killed and the survivors share its shards; the digest is the uninterrupted one
#   coordinator_kill  the coordinator killed mid-run: every node ends the session within 2 s and frees
#                its data port; a new coordinator with --resume on the same nodes reaches the digest
set -euo pipefail
mode=$1
eligo=$2
config=$3
work=$(mktemp -d)
source "$(dirname "$0")/cluster_lib.sh"

single_digest() {
  "$eligo" --log-level warn train "$config" --out "$work/single" --shards 2
  digest "$work/single"
}

case "$mode" in
digest)
  make_certs n1 n2 n3
  start_node n1 17101 --certs "$work/certs" --threads 1
  start_node n2 17111 --certs "$work/certs" --threads 2
  start_node n3 17121 --certs "$work/certs" --threads 1
  expected=$(single_digest)
  cluster_file "$work/c.yaml" n1:17101:1 n2:17111:2 n3:17121:1
  "$eligo" --log-level warn train "$config" --cluster "$work/c.yaml" --out "$work/asio"
  data_plane=middleman cluster_file "$work/m.yaml" n1:17101:1 n2:17111:2 n3:17121:1
  "$eligo" --log-level warn train "$config" --cluster "$work/m.yaml" --out "$work/middleman"
  echo "single process: $expected"
  echo "3 nodes, asio:  $(digest "$work/asio") ($(grep -o '"data_bytes_per_spike": [0-9.]*' "$work/asio/summary.json"))"
  echo "3 nodes, mm:    $(digest "$work/middleman")"
  [ -n "$expected" ] && [ "$(digest "$work/asio")" = "$expected" ] && [ "$(digest "$work/middleman")" = "$expected" ]
  ;;
kill_resume)
  make_certs n1 n2 n3 n4 n5
  start_node n1 17201 --certs "$work/certs"
  start_node n2 17211 --certs "$work/certs"
  start_node n3 17221 --certs "$work/certs"
  expected=$(single_digest)
  cluster_file "$work/c.yaml" n1:17201:1 n2:17211:1 n3:17221:1
  set +e
  "$eligo" train "$config" --cluster "$work/c.yaml" --out "$work/run" > "$work/train.log" 2>&1 &
  train=$!
  set -e
  wait_for_log "$work/train.log" "checkpoint after iteration 2" || { cat "$work/train.log"; exit 1; }
  kill -9 "$pid_n2"
  killed_at=$(date +%T.%N)
  set +e
  wait "$train"
  rc=$?
  set -e
  cat "$work/train.log"
  [ "$rc" -ne 0 ] || { echo "the run did not fail"; exit 1; }
  report=$(grep -m1 "\[error\] cluster: lost node n2" "$work/train.log") || { echo "no report naming node n2"; exit 1; }
  grep -q "shards .*(recurrent)" <<< "$report" || { echo "the report does not name the shards"; exit 1; }
  grep -q "last complete checkpoint: .*iteration-00000[24]" "$work/train.log" || { echo "no checkpoint named"; exit 1; }
  within_seconds "$killed_at" "$report" 2.0 "node n2 killed at $killed_at, reported" || exit 1
  # The surviving nodes serve again; resume on two other nodes.
  start_node n4 17231 --certs "$work/certs" --threads 2
  start_node n5 17241 --certs "$work/certs"
  cluster_file "$work/c2.yaml" n4:17231:2 n5:17241:1
  "$eligo" --log-level warn train "$config" --cluster "$work/c2.yaml" --out "$work/run" --resume "$work/run"
  echo "uninterrupted: $expected; killed and resumed on other nodes: $(digest "$work/run")"
  [ -n "$expected" ] && [ "$(digest "$work/run")" = "$expected" ]
  ;;
foreign_ca)
  make_certs n1 n2
  "$eligo" --log-level warn certs init --dir "$work/other" > /dev/null
  "$eligo" --log-level warn certs issue n1 coordinator --dir "$work/other" > /dev/null
  start_node n1 17301 --certs "$work/other"   # signed by another CA
  start_node n2 17311 --certs "$work/certs"
  start_node n3 17321 --insecure               # no TLS at all
  refused() {  # refused CLUSTER_FILE PATTERN
    if "$eligo" train "$config" --cluster "$1" --out "$work/x" > "$work/refused.log" 2>&1; then
      echo "the run was accepted"; return 1
    fi
    cat "$work/refused.log"
    grep -q "$2" "$work/refused.log"
  }
  cluster_file "$work/c1.yaml" n1:17301:1
  refused "$work/c1.yaml" "node n1 (127.0.0.1:17301) cannot be reached over the control plane.*TLS handshake"
  cluster_file "$work/c3.yaml" n3:17321:1
  refused "$work/c3.yaml" "node n3 (127.0.0.1:17321) cannot be reached over the control plane"
  # A coordinator with a foreign certificate is refused by a good node.
  cluster_file "$work/c2.yaml" n2:17311:1
  sed -i "s|^certs: .*|certs: $work/other|" "$work/c2.yaml"
  refused "$work/c2.yaml" "node n2 (127.0.0.1:17311) cannot be reached over the control plane"
  # The good node still serves a good coordinator.
  cluster_file "$work/ok.yaml" n2:17311:1
  "$eligo" --log-level warn train "$config" --cluster "$work/ok.yaml" --out "$work/ok" --iterations 1
  test -n "$(digest "$work/ok")"
  ;;
garbage)
  make_certs n3
  start_node n1 17401 --insecure
  start_node n2 17411 --insecure
  start_node n3 17421 --certs "$work/certs"
  expected=$(single_digest)
  send() {  # send PORT: random bytes, then an oversized length prefix, then a frame of lies
    ( trap '' PIPE; send_bytes "$1" ) 2> /dev/null || true
  }
  send_bytes() {
    { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
    head -c 4096 /dev/urandom >&3 || true
    printf '\x7f\xff\xff\xff' >&3 || true
    head -c 65536 /dev/zero >&3 || true
    exec 3>&-
    { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
    printf '\x00\x00\x00\x08\x0a\x06\x08\x01\x20\x07\x22\x00' >&3 || true  # a spike batch from shard 7
    exec 3>&-
  }
  for p in 17421 17422; do send $p; done   # TLS node: the bytes never get past the handshake
  cluster_file "$work/c.yaml" n1:17401:1 n2:17411:1
  "$eligo" train "$config" --cluster "$work/c.yaml" --insecure --out "$work/run" > "$work/train.log" 2>&1 &
  train=$!
  wait_for_log "$work/train.log" "train 1/" || { cat "$work/train.log"; exit 1; }
  for p in 17401 17402 17411 17412; do send $p; done
  wait "$train" || { cat "$work/train.log"; exit 1; }
  echo "single process: $expected; 2 insecure nodes fed garbage mid-run: $(digest "$work/run")"
  [ "$(digest "$work/run")" = "$expected" ]
  grep -h "warning" "$work/n1.log" "$work/n2.log" | head -5
  # Every node still serves.
  cluster_file "$work/c2.yaml" n1:17401:1 n2:17411:1
  "$eligo" --log-level warn train "$config" --cluster "$work/c2.yaml" --insecure --out "$work/again" --iterations 1
  cluster_file "$work/c3.yaml" n3:17421:1
  "$eligo" --log-level warn train "$config" --cluster "$work/c3.yaml" --out "$work/tls" --iterations 1
  test -n "$(digest "$work/again")" && test -n "$(digest "$work/tls")"
  ;;
unreachable)
  make_certs
  expect_error() {  # expect_error CLUSTER_FILE PATTERN
    local start end
    start=$(date +%s.%N)
    if "$eligo" train "$config" --cluster "$1" --out "$work/x" > "$work/err.log" 2>&1; then
      echo "the run was accepted"; return 1
    fi
    end=$(date +%s.%N)
    cat "$work/err.log"
    grep -q "$2" "$work/err.log" || { echo "no clear error"; return 1; }
    echo "failed after $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"
  }
  timeout_s=1 cluster_file "$work/refused.yaml" gone:17599:1
  expect_error "$work/refused.yaml" "node gone (127.0.0.1:17599) is unreachable: Connection refused"
  # TEST-NET-1 (RFC 5737): never answers, or has no route at all.
  timeout_s=1 cluster_file "$work/silent.yaml" silent:17598:1
  sed -i 's/127.0.0.1:17598/192.0.2.1:17598/' "$work/silent.yaml"
  # (Where the sandbox answers for it, the error is a refusal instead of a timeout: still clear.)
  expect_error "$work/silent.yaml" "node silent (192.0.2.1:17598) is unreachable: "
  ;;
mismatch)
  make_certs n1
  sed 's/^seed: 1 /seed: 2 /' "$config" > "$work/other.yaml"
  start_node n1 17601 --certs "$work/certs" --config "$work/other.yaml"
  cluster_file "$work/c.yaml" n1:17601:1
  if "$eligo" train "$config" --cluster "$work/c.yaml" --out "$work/x" > "$work/err.log" 2>&1; then
    echo "the run was accepted"; exit 1
  fi
  cat "$work/err.log"
  grep -q "node n1 (127.0.0.1:17601) refused the run: config digest .* is not the digest of the config this node was started with" "$work/err.log"
  ;;
restart)
  make_certs n1 n2 n3 n4
  start_node n1 17701 --certs "$work/certs"
  start_node n2 17711 --certs "$work/certs"
  start_node n3 17721 --certs "$work/certs"
  start_node n4 17731 --certs "$work/certs" --threads 2
  "$eligo" --log-level warn train "$config" --out "$work/single" --shards 2 --iterations 12
  expected=$(digest "$work/single")
  cluster_file "$work/c.yaml" n1:17701:1 n2:17711:1 n3:17721:1 n4:17731:2:spare
  "$eligo" train "$config" --cluster "$work/c.yaml" --out "$work/run" --iterations 12 --restart 2 \
    > "$work/train.log" 2>&1 &
  train=$!
  wait_for_log "$work/train.log" "checkpoint after iteration 2" || { cat "$work/train.log"; exit 1; }
  kill -9 "$pid_n2"
  killed_at=$(date +%T.%N)
  wait_for_log "$work/train.log" "recovered in" || { cat "$work/train.log"; echo "no recovery from n2"; exit 1; }
  grep -q "node n4: session .* set up: [1-9] shard" "$work/n4.log" || { cat "$work/n4.log"; echo "the spare got no shards"; exit 1; }
  # The spare goes too, after the next checkpoint: no spare is left, n1 and n3 share its shards.
  wait_for_log_after "$work/train.log" "recovered in" "checkpoint after iteration" ||
    { cat "$work/train.log"; exit 1; }
  kill -9 "$pid_n4"
  set +e
  wait "$train"
  rc=$?
  set -e
  cat "$work/train.log"
  [ "$rc" -eq 0 ] || { echo "the run did not carry on (exit $rc)"; exit 1; }
  report=$(grep -m1 "\[error\] cluster: lost node n2" "$work/train.log") || { echo "no report naming node n2"; exit 1; }
  within_seconds "$killed_at" "$report" 2.0 "node n2 killed at $killed_at, reported" || exit 1
  summary="$work/run/summary.json"
  echo "recoveries: $(json_field "$summary" 'json.dumps(j["recoveries"])')"
  [ "$(json_field "$summary" 'len(j["recoveries"])')" = 2 ] || { echo "summary.json does not count 2 recoveries"; exit 1; }
  [ "$(json_field "$summary" 'j["recoveries"][0]["lost_nodes"]')" = "['n2 (127.0.0.1:17711)']" ]
  [ "$(json_field "$summary" 'j["recoveries"][0]["to_nodes"]')" = "['n4 (127.0.0.1:17731)']" ]
  [ "$(json_field "$summary" 'j["recoveries"][1]["lost_nodes"]')" = "['n4 (127.0.0.1:17731)']" ]
  json_field "$summary" 'bool(j["recoveries"][1]["to_nodes"]) and set(j["recoveries"][1]["to_nodes"]) <= {"n1 (127.0.0.1:17701)", "n3 (127.0.0.1:17721)"}' |
    grep -q True || { echo "the spare's shards did not go to the survivors"; exit 1; }
  json_field "$summary" 'all(r["checkpoint"] and "iteration-" in r["checkpoint"] and r["seconds"] > 0 and r["moved_shards"] for r in j["recoveries"])' |
    grep -q True || { echo "a recovery lacks its checkpoint, shards or duration"; exit 1; }
  echo "uninterrupted: $expected; two nodes killed, recovered twice: $(digest "$work/run")"
  [ -n "$expected" ] && [ "$(digest "$work/run")" = "$expected" ]
  ;;
coordinator_kill)
  make_certs n1 n2
  start_node n1 17801 --certs "$work/certs"
  start_node n2 17811 --certs "$work/certs"
  "$eligo" --log-level warn train "$config" --out "$work/single" --shards 2 --iterations 8
  expected=$(digest "$work/single")
  cluster_file "$work/c.yaml" n1:17801:1 n2:17811:1
  rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
  echo "node RSS before the run: n1 $(rss "$pid_n1") kB, n2 $(rss "$pid_n2") kB"
  "$eligo" train "$config" --cluster "$work/c.yaml" --out "$work/run" --iterations 8 > "$work/train.log" 2>&1 &
  train=$!
  wait_for_log "$work/train.log" "checkpoint after iteration 2" || { cat "$work/train.log"; exit 1; }
  echo "node RSS during the run: n1 $(rss "$pid_n1") kB, n2 $(rss "$pid_n2") kB"
  kill -9 "$train"
  killed_at=$(date +%T.%N)
  for n in n1 n2; do
    wait_for_log "$work/$n.log" "went away\|was silent" || { cat "$work/$n.log"; echo "node $n did not notice"; exit 1; }
    line=$(grep -m1 "went away\|was silent" "$work/$n.log")
    within_seconds "$killed_at" "$line" 2.0 "node $n: ended the session after the coordinator was killed," || exit 1
  done
  # The data ports are free again (nothing listens there between sessions).
  sleep 0.5
  for p in 17802 17812; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "data port $p still listens"; exit 1; fi
  done
  echo "node RSS after the session ended: n1 $(rss "$pid_n1") kB, n2 $(rss "$pid_n2") kB"
  "$eligo" --log-level warn train "$config" --cluster "$work/c.yaml" --out "$work/run" --iterations 8 --resume "$work/run"
  echo "uninterrupted: $expected; coordinator killed, resumed on the same nodes: $(digest "$work/run")"
  [ -n "$expected" ] && [ "$(digest "$work/run")" = "$expected" ]
  ;;
*)
  echo "unknown mode $mode"; exit 2 ;;
esac
