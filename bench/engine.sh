#!/usr/bin/env bash
# bench/engine.sh: the engine (`mydocker daemon` + `mydocker container`) against Docker (dockerd 20.10
# with containerd and runc) and podman 4.3 (conmon and runc), in one run on one machine, on one image.
# `make bench` runs it after bench/bench.sh; `make bench-smoke` with 3 iterations. How to read the
# output: docs/PERFORMANCE.md ("The engine").
#
#   ENGINE_ITERATIONS=50     samples of each `run --rm IMAGE true`
#   ENGINE_CONTAINERS=50     running containers for the "daemon RSS with N containers" rows
#   BENCH_WARMUP=3           unrecorded runs per engine first
#   ENGINE_OUT=bench/results/engine.md
#   BENCH_STRICT=1           also exit 1 when a target is missed (failures always exit 1)
#
# Each engine gets its own socket, data and state directories under one temporary directory, so a
# daemon already running on this machine (ours, dockerd) is not touched; every daemon started here
# is stopped by PID, and the EXIT trap removes what the engines made.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
export LC_ALL=C
. "$REPO/scripts/engines-common.sh"

ITER=${ENGINE_ITERATIONS:-50}
NCONT=${ENGINE_CONTAINERS:-50}
WARMUP=${BENCH_WARMUP:-3}
OUT=$(realpath -m "${ENGINE_OUT:-$REPO/bench/results/engine.md}")
MYDOCKER=${MYDOCKER:-$REPO/out/mydocker}

ENGINES=(mydocker mydocker-nonet docker podman)   # mydocker-nonet: the same daemon, `--net none`
declare -A FAILED=() RSS=() NOTES_BY=()
NOTES=()
RECORD=0
W=
MD_RUNROOT=/run/mydocker-bench-engine

die() { echo "bench-engine: $*" >&2; exit 1; }
say() { echo "bench-engine: $*" >&2; }
now() { NOW=${EPOCHREALTIME/./}; }

# --- the engines' clients -----------------------------------------------------------------------

md()  { DOCKER_HOST=unix://$W/md.sock "$MYDOCKER" "$@"; }
dk()  { /usr/bin/docker -H "unix://$W/docker/docker.sock" "$@"; }
pm()  { CONTAINERS_CONF=$W/podman/containers.conf CONTAINERS_STORAGE_CONF=$W/podman/storage.conf podman "$@"; }

# run_true ENGINE: the measured command, one `run --rm IMAGE true`.
run_true() {
  case $1 in
    mydocker)       md container run --rm bench true ;;
    mydocker-nonet) md container run --rm --net none bench true ;;
    docker)         dk run --rm bench true ;;
    podman)         pm run --rm --network none bench true ;;
  esac
}

# --- starting and stopping the daemons ----------------------------------------------------------

start_mydocker() {
  "$MYDOCKER" daemon --socket "$W/md.sock" --data-root "$W/md-data" --runtime-root "$MD_RUNROOT" \
    --log "$W/md.log" </dev/null >/dev/null 2>&1 &
  MD_PID=$!
  wait_for 20 md container ls || die "mydocker daemon did not start: $(tail -n 3 "$W/md.log")"
  md image import - bench:latest < "$W/rootfs.tar" >/dev/null || die "mydocker: image import failed"
}

start_docker() {
  local d=$W/docker
  docker_config "$d"
  dockerd --config-file "$d/daemon.json" </dev/null >"$d/dockerd.log" 2>&1 &
  DK_PID=$!
  wait_for 30 dk version || die "dockerd did not start: $(tail -n 3 "$d/dockerd.log")"
  dk import "$W/rootfs.tar" bench:latest >/dev/null || die "docker: image import failed"
}

start_podman() {
  # crun, podman's default runtime on Debian, refuses hybrid cgroups: runc, as under docker.
  podman_config "$W/podman" runc
  pm import -q "$W/rootfs.tar" localhost/bench:latest >/dev/null || die "podman: image import failed"
  pm tag localhost/bench:latest bench:latest >/dev/null 2>&1 || true
}

cleanup() {
  local rc=$? m
  trap - EXIT INT TERM
  set +e
  [[ -n $W ]] || exit $rc
  [[ -S $W/md.sock ]] && md container rm -f $(md container ls -aq 2>/dev/null) >/dev/null 2>&1
  [[ -S $W/docker/docker.sock ]] && dk rm -f $(dk ps -aq 2>/dev/null) >/dev/null 2>&1
  [[ -f $W/podman/containers.conf ]] && { pm rm -af -t 0 >/dev/null 2>&1; pm system reset -f >/dev/null 2>&1; }
  stop_pid "${MD_PID:-}"
  stop_pid "${DK_PID:-}"
  kill_strays "$W"
  # Whatever an engine left mounted under the work directory (none should be: reported as a leak).
  while read -r _ m _; do
    [[ $m == "$W"/* ]] || continue
    say "leak: mount $m left behind; unmounting"; umount -l "$m" 2>/dev/null
  done < <(tac /proc/self/mounts)
  rm -rf "$W" "$MD_RUNROOT"
  host_paths_restore
  exit $rc
}

# --- memory -------------------------------------------------------------------------------------

# rss_kib PID: resident set size of one process, KiB (0 if it is gone).
rss_kib() { awk '/^VmRSS:/ { print $2; f = 1 } END { if (!f) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# pss_sum PATTERN: proportional set size (shared pages divided among their users) summed over
# every process whose command line matches PATTERN, KiB, and how many there were.
pss_sum() {
  local p sum=0 n=0 v
  for p in $(pgrep -f -- "$1"); do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null) || continue
    [[ -n $v ]] && { sum=$((sum + v)); n=$((n + 1)); }
  done
  echo "$sum $n"
}

# daemon_rss LABEL: records the daemons' RSS under LABEL (idle, loaded).
daemon_rss() {
  RSS[mydocker $1]=$(rss_kib "$MD_PID")
  RSS[dockerd $1]=$(rss_kib "$DK_PID")
  RSS[containerd $1]=$(rss_kib "$(pgrep -f -- "containerd --config $W/docker/exec/containerd" | head -n 1)")
}

# --- the measurements ---------------------------------------------------------------------------

sample() { ((RECORD)) && echo "$3" >> "$W/samples/$1.$2"; return 0; }

measure_run() {
  local e=$1 t0
  now; t0=$NOW
  if run_true "$e" </dev/null >/dev/null 2>"$W/err"; then
    now; sample run "$e" $((NOW - t0))
  elif ((RECORD)); then
    FAILED[$e]=$((${FAILED[$e]:-0} + 1))
    echo "$e: run --rm bench true -> $(head -c 300 "$W/err" | tr '\n' ' ')" >> "$W/errors"
  fi
}

# loaded ENGINE: NCONT detached `sleep` containers (no network, as docker's and podman's here), the
# wall time to start them one after the other, then the memory of the daemon and of the
# per-container helpers (our monitors, containerd's shims, podman's conmons).
loaded() {
  local e=$1 i t0 bad=0
  now; t0=$NOW
  for ((i = 0; i < NCONT; i++)); do
    case $e in
      mydocker) md container run -d --net none --name "bench$i" bench sleep 1000 ;;
      docker)   dk run -d --name "bench$i" bench sleep 1000 ;;
      podman)   pm run -d --network none --name "bench$i" bench sleep 1000 ;;
    esac </dev/null >/dev/null 2>"$W/err" && continue
    bad=$((bad + 1))
    echo "$e: run -d bench sleep 1000 -> $(head -c 300 "$W/err" | tr '\n' ' ')" >> "$W/errors"
  done
  now; sample detached "$e" $((NOW - t0))
  FAILED[$e-detached]=$bad
  sleep 1
}

# unload ENGINE: removes the NCONT containers (rm -f: kill + delete).
unload() {
  local e=$1 ids
  case $e in
    mydocker) ids=$(md container ls -aq); [[ -z $ids ]] || md container rm -f $ids ;;
    docker)   ids=$(dk ps -aq); [[ -z $ids ]] || dk rm -f $ids ;;
    podman)   pm rm -af -t 0 ;;
  esac >/dev/null 2>>"$W/errors"
}

# --- where our daemon's time goes, from its own log ---------------------------------------------

# phases: from the lines the daemon logged while measuring (one per runtime call and per monitor
# launch, each with its duration), "NET PHASE median" for each network mode and phase.
phases() {
  local log=$W/md.log.measured
  {
    sed -n 's/.* container \([0-9a-f]\{12\}\) .*: created from .* (\([a-z0-9]*\)[,)].*/net \1 \2/p' "$log"
    sed -n 's/.* container \([0-9a-f]\{12\}\): monitor [0-9]* ran .*(\([0-9.]*\) ms)$/monitor \1 \2/p' "$log"
    sed -n 's/.* runtime: mydocker start \([0-9a-f]\{12\}\) -> exit 0, \([0-9.]*\) ms$/start \1 \2/p' "$log"
    sed -n 's/.* runtime: mydocker delete --force \([0-9a-f]\{12\}\) -> exit 0, \([0-9.]*\) ms$/delete \1 \2/p' "$log"
  } | awk '$1 == "net" { net[$2] = $3; next } ($2 in net) { print net[$2], $1, $3 }' |
    sort -k1,1 -k2,2 -k3,3n |
    awk '{ k = $1 " " $2; v[k, ++n[k]] = $3 }
         END { for (k in n) { c = n[k]; m = c % 2 ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2; print k, m, c } }'
}

# phase NET PHASE: the median, or n/a.
phase() { awk -v net="$1" -v p="$2" '$1 == net && $2 == p { printf "%.1f", $3; f = 1 } END { if (!f) printf "n/a" }' "$W/phases"; }

# --- the report ---------------------------------------------------------------------------------

stats() {
  local f=$W/samples/$1.$2
  [[ -s $f ]] || return 0
  sort -n "$f" | awk '{ v[NR] = $1 }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR], NR }'
}
median() { local s; s=$(stats "$1" "$2"); echo "${s%% *}"; }
ms_cell() {
  local s; s=$(stats "$1" "$2")
  [[ -n $s ]] || { echo n/a; return; }
  awk -v s="$s" 'BEGIN { split(s, a, " "); printf "%.1f (%.1f–%.1f)", a[1] / 1000, a[2] / 1000, a[3] / 1000 }'
}
mib() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }
# ratio A B: A ÷ B to two places, or n/a.
ratio() { [[ -n ${1:-} && -n ${2:-} && ${2:-0} != 0 ]] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || echo n/a; }
# met RATIO LIMIT
met() { [[ $1 != n/a ]] && awk -v r="$1" -v l="$2" 'BEGIN { exit !(r <= l) }' && echo yes || echo "**no**"; }

report() {
  local md mn dk pm r1 r2 r3 r4 k
  md=$(median run mydocker); mn=$(median run mydocker-nonet); dk=$(median run docker); pm=$(median run podman)
  echo "# The engine against Docker and podman: benchmark results"
  echo
  echo "Generated by \`make bench\` (bench/engine.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'). How to read it: docs/PERFORMANCE.md, \"The engine\"."
  echo
  echo "- host: $(uname -sr), $(nproc) CPUs, cgroups $(
    if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then echo v2; elif [[ -d /sys/fs/cgroup/unified ]]; then echo "hybrid (v1 + v2)"; else echo v1; fi)"
  echo "- mydocker: $MYDOCKER daemon, commit $("$MYDOCKER" --version | sed -n 's/^commit: //p'); its client \`mydocker container\`; runtime: mydocker"
  echo "- docker: $(dockerd --version | head -n 1), the 20.10 client /usr/bin/docker, containerd $(containerd --version | awk '{ print $3 }'), runtime $(runc --version | head -n 1)"
  echo "- podman: $(podman --version), conmon $(conmon --version | head -n 1 | awk '{ print $3 }'), runtime $(runc --version | head -n 1)"
  echo "- each engine: its own daemon/storage under one temporary directory; overlay storage; the same busybox rootfs tar imported as image \`bench\`"
  echo "- networks: mydocker's default is slirp4netns (a user-mode network and its process per container); docker runs with \`--bridge=none\` (no network: this host's firewall is not ours to change); podman with \`--network none\`; so \`mydocker --net none\` is the like-for-like row"
  echo "- user namespaces: mydocker's containers run in one by default (root inside is uid 100000 outside); docker's and podman's do not"
  echo "- load average (1 min) before the run: $LOAD0"
  echo "- samples: $ITER of each \`run\`, the engines taking turns; $WARMUP warm-up runs per engine first; memory read once idle (after the warm-up, no container) and once with $NCONT running containers"
  for k in "${NOTES[@]}"; do echo "- $k"; done
  echo
  echo "Times in ms: median (min–max) of wall time of the client command, from before its exec to its exit."
  echo
  echo "| measure | mydocker | mydocker \`--net none\` | docker | podman \`--network none\` |"
  echo "|---|---|---|---|---|"
  echo "| \`run --rm bench true\` | $(ms_cell run mydocker) | $(ms_cell run mydocker-nonet) | $(ms_cell run docker) | $(ms_cell run podman) |"
  echo "| $NCONT × \`run -d bench sleep 1000\`, one after the other (wall, one round) | | $(ms_cell detached mydocker) | $(ms_cell detached docker) | $(ms_cell detached podman) |"
  echo
  r1=$(ratio "$md" "$pm"); r2=$(ratio "$md" "$dk"); r3=$(ratio "$mn" "$pm"); r4=$(ratio "$mn" "$dk")
  echo "| target (medians) | ratio | limit | met |"
  echo "|---|---|---|---|"
  echo "| mydocker ÷ podman | $r1 | ≤ 0.3 | $(met "$r1" 0.3) |"
  echo "| mydocker ÷ docker | $r2 | ≤ 0.2 | $(met "$r2" 0.2) |"
  echo "| mydocker \`--net none\` ÷ podman | $r3 | ≤ 0.3 | $(met "$r3" 0.3) |"
  echo "| mydocker \`--net none\` ÷ docker | $r4 | ≤ 0.2 | $(met "$r4" 0.2) |"
  echo
  phases > "$W/phases"
  echo "Where our daemon's time goes, from its log (docs/ENGINE.md): medians in ms over the measured \`run --rm\` containers. The rest of a run is the client (two processes: \`mydocker\` execs \`mydocker-engine\`), the HTTP requests, the container's own run, and the removal of its directory."
  echo
  echo "| phase | mydocker (slirp4netns) | mydocker \`--net none\` |"
  echo "|---|---|---|"
  echo "| monitor start + \`mydocker create\` (init waits; with slirp4netns, its createRuntime hook) | $(phase slirp4netns monitor) | $(phase none monitor) |"
  echo "| \`mydocker start\` | $(phase slirp4netns start) | $(phase none start) |"
  echo "| \`mydocker delete\` after the exit (with slirp4netns, its poststop hook waits for slirp4netns to end) | $(phase slirp4netns delete) | $(phase none delete) |"
  echo
  echo "Memory in MiB. RSS: resident pages of the process, its shared library and binary pages included. PSS: each shared page divided among the processes that map it, summed over the helpers."
  echo
  echo "| memory | mydocker | docker | podman | target | met |"
  echo "|---|---|---|---|---|---|"
  r1=$(ratio "${RSS[mydocker idle]}" "${RSS[dockerd idle]}")
  echo "| daemon RSS, idle | $(mib "${RSS[mydocker idle]}") (mydocker daemon) | $(mib "${RSS[dockerd idle]}") (dockerd) + $(mib "${RSS[containerd idle]}") (containerd) | no daemon | ≤ dockerd's | $(met "$r1" 1) |"
  r2=$(ratio "${RSS[mydocker loaded]}" "${RSS[dockerd loaded]}")
  echo "| daemon RSS, $NCONT running containers | $(mib "${RSS[mydocker loaded]}") | $(mib "${RSS[dockerd loaded]}") + $(mib "${RSS[containerd loaded]}") | no daemon | ≤ dockerd's | $(met "$r2" 1) |"
  echo "| per-container helpers, PSS summed over $NCONT containers | $(mib "${PSS[mydocker]% *}") ($(echo "${PSS[mydocker]}" | cut -d' ' -f2) monitors) | $(mib "${PSS[docker]% *}") ($(echo "${PSS[docker]}" | cut -d' ' -f2) containerd-shim-runc-v2) | $(mib "${PSS[podman]% *}") ($(echo "${PSS[podman]}" | cut -d' ' -f2) conmon) | | |"
  echo
  k=
  for e in "${!FAILED[@]}"; do ((${FAILED[$e]})) && k+=" $e: ${FAILED[$e]};"; done
  echo "Failed commands:${k:- none}"
  if [[ -s $W/errors ]]; then
    echo; echo "First errors:"; echo; echo '```'; sort "$W/errors" | uniq -c | sort -rn | head -n 10; echo '```'
  fi
}

# --- main ---------------------------------------------------------------------------------------

[[ $EUID -eq 0 ]] || die "must run as root (it starts daemons)"
[[ -x $MYDOCKER ]] || die "$MYDOCKER not found (make build)"
for c in dockerd containerd runc podman conmon slirp4netns; do
  command -v "$c" >/dev/null || die "needs $c (make bench-deps installs it)"
done
[[ -x /usr/bin/docker ]] || die "needs /usr/bin/docker (Debian's docker.io)"
exec 9<"$REPO/bench/engine.sh"
flock -n 9 || die "another engine bench run is in progress"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
LOAD0=$(cut -d ' ' -f 1 /proc/loadavg)
host_paths_before
W=$(mktemp -d /tmp/mydocker-bench-engine.XXXXXX)
mkdir -p "$W/samples"
cd "$W" || exit 1   # what an engine's helper drops into its working directory (conmon: "oom") stays here
declare -A PSS=()
sh "$REPO/scripts/make-rootfs.sh" "$W/rootfs" >/dev/null || die "make-rootfs failed"
tar -C "$W/rootfs" -cf "$W/rootfs.tar" . || die "tar failed"

say "starting the daemons (mydocker, dockerd) and importing the image into each engine"
start_mydocker
start_docker
start_podman

say "warm-up: $WARMUP runs per engine"
for ((i = 0; i < WARMUP; i++)); do for e in "${ENGINES[@]}"; do measure_run "$e"; done; done
sleep 1
daemon_rss idle
RECORD=1
MEASURED_FROM=$(($(wc -l < "$W/md.log") + 1))

say "run --rm bench true: $ITER iterations"
for ((i = 1; i <= ITER; i++)); do
  k=$((i % ${#ENGINES[@]}))
  for e in "${ENGINES[@]:k}" "${ENGINES[@]:0:k}"; do measure_run "$e"; done
  ((i % 10 == 0)) && say "  $i/$ITER"
done

tail -n "+$MEASURED_FROM" "$W/md.log" > "$W/md.log.measured"

say "$NCONT running containers per engine"
for e in mydocker docker podman; do loaded "$e"; done
daemon_rss loaded
PSS[mydocker]=$(pss_sum "mydocker-engine monitor --id .* --dir $W/md-data/")
PSS[docker]=$(pss_sum "containerd-shim-runc-v2 -namespace moby .* -address $W/docker/exec/")
PSS[podman]=$(pss_sum "conmon .* -p $W/podman/")
for e in mydocker docker podman; do unload "$e"; done

mkdir -p "$(dirname "$OUT")"
report > "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
echo; cat "$OUT"; echo
say "written to ${OUT#"$REPO"/}"
status=0
for e in "${!FAILED[@]}"; do ((${FAILED[$e]})) && status=1; done
((status)) && say "FAILED: some engine commands failed (see the report)"
grep -q '[*][*]no[*][*]' "$OUT" && { say "note: some targets are missed (see the table)"; ((${BENCH_STRICT:-0})) && status=1; }
exit $status
