# Shared by the cluster tests: start node daemons, wait for them, read digests, clean up.
# Source it after setting: eligo (binary), work (scratch folder).

nodes=()
cleanup() {
  for pid in "${nodes[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -n "${keep_work:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

# start_node NAME PORT [eligo node options...]: starts a daemon (log in $work/NAME.log), waits until it listens.
start_node() {
  local name=$1 port=$2
  shift 2
  "$eligo" node --listen "127.0.0.1:$port" --name "$name" "$@" > "$work/$name.log" 2>&1 &
  nodes+=("$!")
  eval "pid_$name=$!"
  disown "$!"  # no job-control notice when the test kills it
  wait_for_log "$work/$name.log" "listening on" || { cat "$work/$name.log"; echo "node $name did not start"; return 1; }
}

# wait_for_log FILE PATTERN: up to 20 s.
wait_for_log() {
  for _ in $(seq 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

digest() { sed -n 's/.*"weights_digest": "\([0-9a-f]*\)".*/\1/p' "$1/summary.json"; }

# cluster_file FILE NAME:PORT:THREADS[:spare]...: writes a cluster file using $work/certs
# (heartbeat_s sets heartbeat_timeout_s).
cluster_file() {
  local file=$1
  shift
  { echo "certs: $work/certs"; echo "name: coordinator"; echo "connect_timeout_s: ${timeout_s:-5}"
    echo "data_plane: ${data_plane:-asio}"; echo "heartbeat_timeout_s: ${heartbeat_s:-3}"; echo "nodes:"
    for spec in "$@"; do
      IFS=: read -r n p t spare <<< "$spec"
      echo "  - {name: $n, address: 127.0.0.1:$p, threads: $t${spare:+, spare: true}}"
    done; } > "$file"
}

# wait_for_log_after FILE MARKER PATTERN: up to 30 s for a line matching PATTERN after the first
# line matching MARKER.
wait_for_log_after() {
  for _ in $(seq 300); do
    awk -v m="$2" -v p="$3" 'found && $0 ~ p { hit = 1; exit } $0 ~ m { found = 1 } END { exit !hit }' "$1" 2>/dev/null &&
      return 0
    sleep 0.1
  done
  return 1
}

# json_field FILE PYTHON_EXPRESSION: evaluates the expression on the parsed file, bound to j.
json_field() { python3 -c "import json, sys; j = json.load(open(sys.argv[1])); print($2)" "$1"; }

make_certs() {  # make_certs NAME...
  "$eligo" --log-level warn certs init --dir "$work/certs" > /dev/null
  "$eligo" --log-level warn certs issue coordinator "$@" --dir "$work/certs" > /dev/null
}

# seconds since midnight of a log line's [HH:MM:SS.mmm] stamp, or of `date +%T.%N`
seconds_of() { tr -d '[]' <<< "$1" | awk -F: '{ printf "%.6f\n", $1 * 3600 + $2 * 60 + $3 }'; }
# within_seconds SINCE LOG_LINE BOUND WHAT: prints how long after SINCE (date +%T.%N) the log line's
# time stamp came, as "WHAT after X s", and fails when that is not below BOUND seconds.
within_seconds() {
  local latency
  latency=$(awk -v a="$(seconds_of "$1")" -v b="$(seconds_of "${2:0:14}")" 'BEGIN { printf "%.3f", b - a }')
  echo "$4 after $latency s (bound $3 s)"
  awk -v l="$latency" -v b="$3" 'BEGIN { exit !(l < b) }' || { echo "$4 after more than $3 s"; return 1; }
}
