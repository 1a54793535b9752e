#!/usr/bin/env bash
# Runs deploy/compose.yaml for real on this machine and checks that a containerized cluster run ends with
# the weights digest of one process, with and without a node killed mid-run (README: "Docker Compose").
#
#   1. Makes what is missing, and only that: the packages docker.io, docker-compose and debootstrap
#      (apt-get), a running engine (dockerd), the base images debian:12 and debian:12-slim
#      (debootstrap --variant=minbase bookworm and docker import: no image registry is needed), and the
#      certificates in deploy/certs (eligo certs, run from the image). The image eligo:latest is built
#      from deploy/Dockerfile every time; docker's layer cache makes that quick when nothing changed.
#   2. eligo verify in the image: every bundled NEST case.
#   3. The reference: the test config (examples/sine_wave.yaml with fewer iterations and a checkpoint
#      every few) in one process, `docker run eligo:latest train`.
#   4. deploy/compose.yaml (a coordinator and three nodes, certificates as secrets): the digest in
#      summary.json must be the reference's.
#   5. The same with `train --restart 1`, and node3 killed (docker kill) once the coordinator logged its
#      first checkpoint: the coordinator carries on without node3 and must end with the same digest.
# Prints a PASS or FAIL summary with the digests; exits 0 only on PASS. Removes the containers, network
# and volume it made (compose down -v); leaves the engine running and the images for the next run. Logs
# of every step stay in out/compose-test/.
#
# Usage, from anywhere (as root, or as a user who may use docker when packages, engine and base image
# are present already):   deploy/compose-test.sh
# Environment:
#   ELIGO_ITERATIONS=100, ELIGO_CHECKPOINT_EVERY=5  the test config's iterations and checkpoints (long
#                          enough that node3 is still running when the first checkpoint is logged)
#   ELIGO_BUILD_REV=REV    build the image from this git revision (git archive REV) instead of the
#                          working tree, for example HEAD when the tree holds unfinished work
#   ELIGO_SKIP_BUILD=1     use eligo:latest as it is, if it exists
#   ELIGO_SKIP_RESTART=1   stop after step 4 (the summary then says the restart step was skipped)
#   ELIGO_UID, ELIGO_GID   the containers' user, as in compose.yaml; default: the owner of the keys in
#                          deploy/certs (certificates this script makes belong to 1000:1000 when it runs
#                          as root, the image's user eligo, else to the caller)
#   ELIGO_DEBIAN_MIRROR    debootstrap's mirror; default: the one of this machine's apt sources
#   ELIGO_TIMEOUT=900      seconds a training run may take
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
iterations=${ELIGO_ITERATIONS:-100}
checkpoint_every=${ELIGO_CHECKPOINT_EVERY:-5}
run_timeout=${ELIGO_TIMEOUT:-900}
project=eligo-compose-test
volume=eligo-compose-test-out  # not compose.yaml's eligo-out, so that a run of yours there is left alone
killed_node=node3
logs=$repo/out/compose-test
work=$(mktemp -d /tmp/eligo-compose-test.XXXXXX)
chmod 755 "$work"  # the containers' user reads the test config from here
mkdir -p "$logs"

say() { printf 'compose-test %4ds  %s\n' "$SECONDS" "$*"; }
die() { say "FAIL: $*"; exit 1; }
compose_ready=0
cleanup() {
  local status=$?
  set +e
  if [ "$compose_ready" = 1 ]; then compose down -v --remove-orphans > /dev/null 2>&1; fi
  rm -rf "$work"
  [ "$status" -eq 0 ] || say "logs in $logs"
  exit "$status"
}
trap cleanup EXIT

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo > /dev/null; then sudo "$@"; else
    die "$* needs root"
  fi
}
installed() { dpkg-query -W -f='${Status}' "$1" 2> /dev/null | grep -q "install ok installed"; }
apt_install() {
  say "apt-get install $*"
  export DEBIAN_FRONTEND=noninteractive
  if ! as_root apt-get install -y -qq --no-install-recommends "$@" > "$logs/apt.log" 2>&1; then
    as_root apt-get update -qq >> "$logs/apt.log" 2>&1
    as_root apt-get install -y -qq --no-install-recommends "$@" >> "$logs/apt.log" 2>&1 ||
      die "apt-get install $* (see $logs/apt.log)"
  fi
}

# --- 1. tools, engine, base image, image, certificates ---------------------------------------------
# The engine package's own client when there is one: a docker elsewhere on PATH may be a client only.
docker_bin() { if [ -x /usr/bin/docker ]; then echo /usr/bin/docker; else command -v docker || echo docker; fi; }
docker=$(docker_bin)
engine_up() { "$docker" info > /dev/null 2>&1; }
if engine_up; then
  say "engine: running ($("$docker" version -f '{{.Server.Version}}'))"
else
  if ! command -v dockerd > /dev/null; then apt_install docker.io; docker=$(docker_bin); fi
  say "engine: starting dockerd (log /var/log/dockerd.log); it keeps running after the test"
  if [ -d /run/systemd/system ]; then
    as_root systemctl start docker
  else
    as_root setsid nohup dockerd > /var/log/dockerd.log 2>&1 < /dev/null &
  fi
  for _ in $(seq 60); do engine_up && break; sleep 1; done
  engine_up || die "dockerd did not answer within 60 s (see /var/log/dockerd.log)"
  say "engine: running ($("$docker" version -f '{{.Server.Version}}'))"
fi

if command -v docker-compose > /dev/null; then
  compose_cmd=(docker-compose)
elif "$docker" compose version > /dev/null 2>&1; then
  compose_cmd=("$docker" compose)
else
  apt_install docker-compose
  compose_cmd=(docker-compose)
fi
"${compose_cmd[@]}" -f "$repo/deploy/compose.yaml" config -q || die "${compose_cmd[*]} config refuses deploy/compose.yaml"
say "compose: ${compose_cmd[*]} $("${compose_cmd[@]}" version --short 2> /dev/null || echo '?'), deploy/compose.yaml valid"

# The URI of the first enabled apt source of this machine for SUITE (one-line and deb822 formats).
apt_uri() {
  local suite=$1
  {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2> /dev/null |
      awk -v s="$suite" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                                       if ($(i + 1) == s) print $i }'
    cat /etc/apt/sources.list.d/*.sources 2> /dev/null |
      awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
        { t = u = su = ""; on = 1
          for (k = 1; k <= NF; k++) {
            if ($k ~ /^Types:/) t = $k; else if ($k ~ /^URIs:/) u = $k
            else if ($k ~ /^Suites:/) su = $k; else if ($k ~ /^Enabled: *no/) on = 0 }
          if (on && t ~ /[ \t]deb([ \t]|$)/ && (su " ") ~ ("[ \t]" s "[ \t]")) { split(u, w, /[ \t]+/); print w[2] } }'
  } | head -n 1
}

if "$docker" image inspect debian:12 > /dev/null 2>&1; then
  say "base image: debian:12 present"
else
  installed debootstrap || apt_install debootstrap
  mirror=${ELIGO_DEBIAN_MIRROR:-$(apt_uri bookworm)}
  mirror=${mirror:-http://deb.debian.org/debian}
  security=$(apt_uri bookworm-security)
  rootfs=$work/rootfs
  say "base image: debootstrap --variant=minbase bookworm from $mirror (about 2 minutes)"
  as_root debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$logs/debootstrap.log" 2>&1 ||
    die "debootstrap (see $logs/debootstrap.log)"
  {
    echo "deb $mirror bookworm main"
    echo "deb $mirror bookworm-updates main"
    if [ -n "$security" ]; then echo "deb $security bookworm-security main"; fi
  } | as_root tee "$rootfs/etc/apt/sources.list" > /dev/null
  as_root sh -c "rm -rf '$rootfs'/var/cache/apt/archives/*.deb '$rootfs'/var/lib/apt/lists/*"
  as_root tar -C "$rootfs" -c . |
    "$docker" import --change 'CMD ["bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - debian:12 > /dev/null
  as_root rm -rf "$rootfs"
  say "base image: debian:12 imported ($("$docker" image inspect -f '{{.Size}}' debian:12 | awk '{ printf "%d MB", $1 / 1e6 }'))"
fi
if ! "$docker" image inspect debian:12-slim > /dev/null 2>&1; then
  "$docker" tag debian:12 debian:12-slim
  say "base image: debian:12-slim tagged as debian:12"
fi

if [ "${ELIGO_SKIP_BUILD:-0}" = 1 ] && "$docker" image inspect eligo:latest > /dev/null 2>&1; then
  say "image: eligo:latest as it is (ELIGO_SKIP_BUILD=1)"
else
  t0=$SECONDS
  if [ -n "${ELIGO_BUILD_REV:-}" ]; then
    rev=$(git -C "$repo" rev-parse --short "$ELIGO_BUILD_REV")
    say "image: building eligo:latest from deploy/Dockerfile at git revision $rev (from scratch: 30 to 60 minutes on 2 cores)"
    # A directory, not the archive on stdin: docker applies .dockerignore only to a directory.
    mkdir "$work/src"
    git -C "$repo" archive "$rev" | tar -x -C "$work/src"
    "$docker" build -f "$work/src/deploy/Dockerfile" -t eligo:latest "$work/src" > "$logs/build.log" 2>&1 ||
      { tail -n 30 "$logs/build.log"; die "docker build (see $logs/build.log)"; }
  else
    say "image: building eligo:latest from deploy/Dockerfile and the working tree (from scratch: 30 to 60 minutes on 2 cores)"
    "$docker" build -f "$repo/deploy/Dockerfile" -t eligo:latest "$repo" > "$logs/build.log" 2>&1 ||
      { tail -n 30 "$logs/build.log"; die "docker build (see $logs/build.log)"; }
  fi
  say "image: eligo:latest built in $((SECONDS - t0)) s ($("$docker" image inspect -f '{{.Size}}' eligo:latest | awk '{ printf "%d MB", $1 / 1e6 }'))"
fi

certs=$repo/deploy/certs
names=(coordinator node1 node2 node3)
missing=()
for n in "${names[@]}"; do [ -f "$certs/$n.pem" ] && [ -f "$certs/$n.key" ] || missing+=("$n"); done
if [ ! -f "$certs/ca.pem" ] || [ ${#missing[@]} -gt 0 ]; then
  if [ -n "${ELIGO_UID:-}" ]; then owner=$ELIGO_UID:${ELIGO_GID:-$ELIGO_UID}
  elif [ "$(id -u)" -eq 0 ]; then owner=1000:1000
  else owner=$(id -u):$(id -g); fi
  mkdir -p "$certs"
  if [ "$(id -u)" -eq 0 ]; then chown "$owner" "$certs"; fi
  eligo_certs() { "$docker" run --rm --user "$owner" -v "$certs:/certs" eligo:latest --log-level warn certs "$@" --dir /certs; }
  if [ ! -f "$certs/ca.pem" ]; then eligo_certs init > /dev/null; fi
  eligo_certs issue "${missing[@]}" > /dev/null
  say "certificates: made ${missing[*]} in deploy/certs (owner $owner)"
else
  say "certificates: deploy/certs present"
fi
# The keys are 0600 and compose mounts them with their owner and mode: the containers run as their owner.
ELIGO_UID=${ELIGO_UID:-$(stat -c %u "$certs/coordinator.key")}
ELIGO_GID=${ELIGO_GID:-$(stat -c %g "$certs/coordinator.key")}
export ELIGO_UID ELIGO_GID
for n in "${names[@]}"; do
  [ "$(stat -c %u "$certs/$n.key")" = "$ELIGO_UID" ] || [ "$(stat -c %a "$certs/$n.key")" != 600 ] ||
    die "$certs/$n.key belongs to uid $(stat -c %u "$certs/$n.key") with mode 0600, the containers run as uid $ELIGO_UID"
done
say "certificates: containers run as $ELIGO_UID:$ELIGO_GID (the keys' owner)"

# --- 2. eligo verify in the image --------------------------------------------------------------------
t0=$SECONDS
if "$docker" run --rm eligo:latest verify > "$logs/verify.log" 2>&1; then
  say "verify in the image: $(grep '^verify:' "$logs/verify.log" | sed 's/^verify: //') ($((SECONDS - t0)) s)"
  verify_cases=$(grep '^verify:' "$logs/verify.log" | sed 's/^verify: //; s/;.*//')
  verify_result=pass
else
  tail -n 20 "$logs/verify.log"
  say "verify: eligo verify in the image failed (see $logs/verify.log)"
  verify_result=fail
  verify_cases="-"
fi

# --- 3. the reference: one process -------------------------------------------------------------------
sed -e "s/^  iterations: .*/  iterations: $iterations\n  checkpoint_every: $checkpoint_every/" \
  "$repo/examples/sine_wave.yaml" > "$work/sine_wave.yaml"
grep -q "^  checkpoint_every: $checkpoint_every\$" "$work/sine_wave.yaml" || die "could not make the test config"
chmod 644 "$work/sine_wave.yaml"
digest_of() { sed -n 's/.*"weights_digest": *"\([0-9a-f]*\)".*/\1/p' "$1"; }

t0=$SECONDS
say "reference: examples/sine_wave.yaml, $iterations iterations, a checkpoint every $checkpoint_every, 1 process (docker run)"
"$docker" run --rm -v "$work/sine_wave.yaml:/etc/eligo/sine_wave.yaml:ro" --entrypoint sh eligo:latest -c \
  'eligo train /etc/eligo/sine_wave.yaml --threads 2 --out /tmp/reference >&2 && cat /tmp/reference/summary.json' \
  > "$work/reference.json" 2> "$logs/reference.log" || { tail -n 20 "$logs/reference.log"; die "the reference run failed"; }
reference=$(digest_of "$work/reference.json")
[ -n "$reference" ] || die "the reference run wrote no weights_digest"
say "reference: digest $reference ($((SECONDS - t0)) s)"

# --- 4. and 5. compose -------------------------------------------------------------------------------
# An override: the coordinator trains the test config (with --restart 1 in step 5); the run directory
# is in a volume of the test's own.
override() {  # extra train arguments, as YAML list items
  cat > "$work/compose.override.yaml" << EOF
services:
  coordinator:
    command: [train, /etc/eligo/sine_wave.yaml, --cluster, /etc/eligo/cluster.yaml, --out, /out/sine_wave$1]
    volumes:
      - $work/sine_wave.yaml:/etc/eligo/sine_wave.yaml:ro
volumes:
  out:
    name: $volume
EOF
}
compose() { "${compose_cmd[@]}" -p "$project" -f "$repo/deploy/compose.yaml" -f "$work/compose.override.yaml" "$@"; }
override ""
compose config -q || die "compose config refuses deploy/compose.yaml with the test's override"
compose_ready=1

running() { [ "$("$docker" inspect -f '{{.State.Running}}' "$1" 2> /dev/null)" = true ]; }

# Runs the compose file once; with a node name, kills that node after the coordinator's first checkpoint.
# Sets run_digest (empty when the run failed) and run_seconds; the coordinator's log goes to $logs/$1.log.
compose_run() {  # name, node to kill or ""
  local name=$1 kill=$2 coordinator node rc t0=$SECONDS
  run_digest=""
  compose down -v --remove-orphans > /dev/null 2>&1 || true
  compose up -d --no-build > "$logs/$name-up.log" 2>&1 || { tail -n 20 "$logs/$name-up.log"; say "$name: compose up failed"; return 1; }
  coordinator=$(compose ps -q coordinator)
  say "$name: coordinator and 3 nodes up ($((SECONDS - t0)) s), training"
  if [ -n "$kill" ]; then
    until "$docker" logs "$coordinator" 2>&1 | grep -q "checkpoint after iteration"; do
      if ! running "$coordinator" || [ $((SECONDS - t0)) -ge "$run_timeout" ]; then
        "$docker" logs "$coordinator" > "$logs/$name.log" 2>&1
        say "$name: the coordinator ended or wrote no checkpoint before $kill could be killed"
        return 1
      fi
      sleep 0.2
    done
    node=$(compose ps -q "$kill")
    running "$coordinator" || { say "$name: the run ended before $kill could be killed"; return 1; }
    "$docker" kill "$node" > /dev/null
    say "$name: docker kill $kill after the coordinator's \"$("$docker" logs "$coordinator" 2>&1 |
      grep -m 1 -o 'checkpoint after iteration [0-9]*')\""
  fi
  rc=$(timeout "$run_timeout" "$docker" wait "$coordinator" || echo timeout)
  "$docker" logs "$coordinator" > "$logs/$name.log" 2>&1
  compose logs --no-color > "$logs/$name-all.log" 2>&1 || true
  run_seconds=$((SECONDS - t0))
  if [ "$rc" != 0 ]; then
    tail -n 15 "$logs/$name.log"
    say "$name: the coordinator exited with $rc after $run_seconds s"
    return 1
  fi
  "$docker" run --rm --user "$ELIGO_UID:$ELIGO_GID" -v "$volume:/out:ro" --entrypoint cat eligo:latest \
    /out/sine_wave/summary.json > "$work/$name.json" || { say "$name: no summary.json in the volume"; return 1; }
  cp "$work/$name.json" "$logs/$name-summary.json"
  run_digest=$(digest_of "$work/$name.json")
  compose down -v --remove-orphans > /dev/null 2>&1 || true
  say "$name: digest $run_digest ($run_seconds s)"
}

cluster_result=fail
cluster_digest="-"
if compose_run compose "" && [ "$run_digest" = "$reference" ]; then cluster_result=pass; fi
cluster_digest=${run_digest:--}

restart_result=fail
restart_digest="-"
if [ "${ELIGO_SKIP_RESTART:-0}" = 1 ]; then
  restart_result=skipped
  say "restart: skipped (ELIGO_SKIP_RESTART=1)"
elif ! "$docker" run --rm eligo:latest train --help 2>&1 | grep -q -- "--restart"; then
  say "restart: the image's eligo train has no --restart option"
else
  override ', --restart, "1"'
  if compose_run restart "$killed_node"; then
    restart_digest=$run_digest
    recoveries=$(grep -c '"lost_nodes"' "$work/restart.json" || true)
    grep -i -E "restart|recover|lost" "$logs/restart.log" | head -n 6 | sed 's/^/    /' || true
    say "restart: summary.json counts $recoveries recovery(ies)"
    if [ "$restart_digest" = "$reference" ] && [ "$recoveries" -ge 1 ]; then restart_result=pass; fi
  fi
fi

# --- summary -------------------------------------------------------------------------------------------
echo
echo "compose-test summary ($SECONDS s, $iterations iterations, a checkpoint every $checkpoint_every):"
row() { printf '  %-56s %-64s  %s\n' "$@"; }
row "eligo verify in the image" "$verify_cases" "$verify_result"
row "1 process (reference)" "$reference" ""
row "compose: coordinator + 3 nodes" "$cluster_digest" "$cluster_result"
row "compose, --restart 1, $killed_node killed after a checkpoint" "$restart_digest" "$restart_result"
if [ "$verify_result" = pass ] && [ "$cluster_result" = pass ] && [ "$restart_result" != fail ]; then
  if [ "$restart_result" = skipped ]; then echo "PASS (restart step skipped)"; else echo "PASS"; fi
  exit 0
fi
echo "FAIL"
exit 1
