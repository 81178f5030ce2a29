# bench/lib.sh: what bench.sh and profile.sh share. Sourced, not run; the caller sets REPO.
#
#   the runtimes    mydocker (always), runc (always), crun (only where it can run on this host)
#   the bundles     one busybox rootfs; three config.json, each used by every runtime: `mydocker spec`'s,
#                   `runc spec`'s, and one a real engine wrote (bench/configs/docker.json)
#   the state dirs  each runtime has its own --root: /run/NAME-bench
#   cleanup         an EXIT trap deletes (--force) every container left in those roots, removes
#                   the roots and the temporary bundle, and reports anything the runtimes leaked

export LC_ALL=C              # EPOCHREALTIME with a '.', numbers sort the same everywhere

MYDOCKER=${MYDOCKER:-$REPO/out/mydocker}
RUNC=${RUNC:-/usr/sbin/runc}
CRUN=${CRUN:-/usr/bin/crun}
PREFIX=mdb$$                 # every container id starts with this, so leftovers are recognisably ours

declare -A BIN=() ROOT=()    # runtime name -> binary, --root directory
RUNTIMES=()                  # the runtimes being measured: mydocker, runc, then crun if it works
NOTES=()                     # lines for the report: why a runtime is not measured, leaks found
WORK=

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

# rt NAME ARGS...: one invocation of runtime NAME with its own --root.
rt() { local n=$1; shift; "${BIN[$n]}" --root "${ROOT[$n]}" "$@"; }

# now: microseconds since the epoch, into $NOW (a builtin; no fork, so it costs nothing to time with).
now() { NOW=${EPOCHREALTIME/./}; }

# read_pid FILE: the pid a runtime wrote with --pid-file (no trailing newline), into $PID.
read_pid() { PID=; read -r PID < "$1"; [[ -n $PID ]]; }

# wait_exit PID: waits (polling /proc) until PID is gone or a zombie, i.e. the container has
# stopped. Returns 1 if that takes more than 10 s.
wait_exit() {
  local pid=$1 stat deadline
  now; deadline=$((NOW + 10000000))
  while { read -r stat < "/proc/$pid/stat"; } 2>/dev/null; do
    stat=${stat##*) }
    [[ $stat == [ZX]* ]] && return 0
    now; ((NOW < deadline)) || return 1
  done
  return 0
}

# delete_all NAME: delete --force every container in NAME's root (ours by construction).
delete_all() {
  local n=$1 d
  [[ -d ${ROOT[$n]} ]] || return 0
  for d in "${ROOT[$n]}"/*/; do
    [[ -d $d ]] || continue
    d=${d%/}
    rt "$n" delete --force "${d##*/}" </dev/null >/dev/null 2>&1
  done
}

cleanup() {
  local rc=$? n p pids
  trap - EXIT INT TERM
  set +e
  pids=$(jobs -p)
  [[ -n $pids ]] && kill $pids 2>/dev/null
  wait 2>/dev/null
  for n in "${!ROOT[@]}"; do
    delete_all "$n"
    rm -rf "${ROOT[$n]}"
  done
  if [[ -n $WORK ]]; then
    check_leaks
    rm -rf "$WORK"
    cgroup_parents_restore
  fi
  exit $rc
}

leak() { say "leak: $*"; NOTES+=("leak: $*"); }

# After every delete: no container process (its root is our rootfs), no mount under our work
# directory and no cgroup named after our ids may be left. Anything found is removed and reported.
check_leaks() {
  local p found=0 m
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/root" 2>/dev/null) == "$WORK"/* ]] || continue
    leak "process ${p#/proc/} ($(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)) still runs in the bench rootfs; killing it"
    kill -9 "${p#/proc/}" 2>/dev/null; found=1
  done
  while read -r _ m _; do
    [[ $m == "$WORK"/* ]] || continue
    leak "mount $m left behind; unmounting"
    umount -l "$m" 2>/dev/null; found=1
  done < /proc/self/mounts
  while read -r m; do
    leak "cgroup $m left behind; removing"
    rmdir "$m" 2>/dev/null; found=1
  done < <(find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -type d -name "$PREFIX*" 2>/dev/null | sort -r)
  ((found)) && LEAKED=1
  return 0
}

# add_runtime NAME BINARY: probes it with one `run` of the bench bundle. mydocker and runc must
# work; any other runtime that cannot run here is reported in NOTES and skipped.
add_runtime() {
  local n=$1 bin=$2 err
  if [[ ! -x $bin ]]; then
    [[ $n == mydocker || $n == runc ]] && die "$n: $bin not found"
    NOTES+=("$n: not measured: $bin is not installed")
    return
  fi
  BIN[$n]=$bin
  ROOT[$n]=/run/$n-bench
  delete_all "$n"; rm -rf "${ROOT[$n]}"           # a killed earlier run's leftovers
  if ! err=$(rt "$n" run --bundle "$BUNDLE" "$PREFIX-probe" </dev/null 2>&1 >/dev/null); then
    delete_all "$n"; rm -rf "${ROOT[$n]}"
    err=$(echo "$err" | tr '\n' ' ')
    [[ $n == mydocker || $n == runc ]] && die "$n cannot run the bench bundle: $err"
    NOTES+=("$n: not measured: it cannot run containers on this host: \"${err% }\"")
    say "$n skipped: $err"
    unset "ROOT[$n]"
    return
  fi
  RUNTIMES+=("$n")
}

CONFIGS=(mydocker runc engine)   # the configs every case runs on, in the report's order
declare -A BUNDLES=() SLEEPERS=() CONFIG_NOTES=()

# set_process BUNDLE ARGS-JSON: the bundle's process made non-interactive, with these args.
set_process() {
  jq --argjson args "$2" '.process.terminal = false | .process.args = $args' "$1/config.json" > "$1/config.json.new" &&
    mv "$1/config.json.new" "$1/config.json"
}

# sleeper_of BUNDLE: a copy of BUNDLE whose process sleeps (the container `exec` goes into). Prints its path.
sleeper_of() {
  local b=$1-sleep
  mkdir -p "$b" &&
    jq --arg dir "$1" 'if (.root.path | startswith("/")) then . else .root.path = ($dir + "/" + .root.path) end' "$1/config.json" > "$b/config.json" &&
    set_process "$b" '["/bin/sleep", "1000000"]' && echo "$b"
}

# engine_bundle DIR: bench/configs/docker.json, as dockerd 20.10 wrote it for `docker run IMAGE echo
# hi` (bench/capture-engine-config.sh), changed only where it names that one container's things:
# the rootfs (ours); /bin/true as the process; no cgroupsPath ("/docker/ID": every container would
# share one cgroup; the runtimes then pick one per ID); no hooks (libnetwork's, calling dockerd);
# a new network namespace instead of dockerd's path; the hostname, hosts and resolv.conf files docker
# binds from its data directory made here.
engine_bundle() {
  local d=$1 f
  mkdir -p "$d/files"
  for f in hostname hosts resolv.conf; do echo "# bench" > "$d/files/$f"; done
  jq --arg root "$BUNDLE/rootfs" --arg files "$d/files" '
      .root.path = $root
    | del(.linux.cgroupsPath) | del(.hooks)
    | .linux.namespaces |= map(if .type == "network" then del(.path) else . end)
    | .mounts |= map(if (.destination == "/etc/hostname" or .destination == "/etc/hosts" or .destination == "/etc/resolv.conf")
                     then .source = ($files + .destination[4:]) else . end)' \
    "$REPO/bench/configs/docker.json" > "$d/config.json" || return 1
  set_process "$d" '["/bin/true"]'
}

# setup: checks, the shared bundles, the runtimes. Sets WORK, BUNDLE (mydocker spec's), BUNDLES,
# SLEEPERS, BUNDLE_HOSTPID, RUNTIMES.
setup() {
  [[ $EUID -eq 0 ]] || die "must run as root (containers need it)"
  command -v jq >/dev/null || die "needs jq (apt-get install jq)"
  [[ -x /usr/bin/time ]] || die "needs GNU time at /usr/bin/time (apt-get install time)"
  exec 9<"$REPO/bench/lib.sh"
  flock -n 9 || die "another bench run is in progress"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  . "$REPO/scripts/cgroup-parents.sh"; cgroup_parents_note mydocker docker
  WORK=$(mktemp -d /tmp/mydocker-bench.XXXXXX)
  BUNDLE=$WORK/bundle
  sh "$REPO/scripts/make-rootfs.sh" "$BUNDLE/rootfs" >/dev/null || die "make-rootfs failed"
  # mydocker's default spec, made non-interactive, with runc's ociVersion (crun 1.8 refuses "1.2.0").
  (cd "$BUNDLE" && "$MYDOCKER" spec) || die "mydocker spec failed"
  jq '.ociVersion = "1.0.2-dev" | .process.terminal = false | .process.args = ["/bin/true"]' "$BUNDLE/config.json" > "$WORK/config.json" &&
    mv "$WORK/config.json" "$BUNDLE/config.json" || die "jq failed"
  BUNDLES[mydocker]=$BUNDLE
  CONFIG_NOTES[mydocker]="\`mydocker spec\` with ociVersion 1.0.2-dev (crun 1.8 refuses 1.2.0): a cgroup namespace, /sys/fs/cgroup not mounted"
  # runc's default spec, unchanged but for the rootfs path and the process.
  BUNDLES[runc]=$WORK/bundle-runc
  mkdir -p "${BUNDLES[runc]}" && (cd "${BUNDLES[runc]}" && "$RUNC" spec) &&
    jq --arg root "$BUNDLE/rootfs" '.root.path = $root' "${BUNDLES[runc]}/config.json" > "$WORK/config.json" &&
    mv "$WORK/config.json" "${BUNDLES[runc]}/config.json" && set_process "${BUNDLES[runc]}" '["/bin/true"]' || die "runc spec failed"
  CONFIG_NOTES[runc]="\`runc spec\` unchanged but for root.path and the process: no cgroup namespace, /sys/fs/cgroup mounted"
  BUNDLES[engine]=$WORK/bundle-engine
  engine_bundle "${BUNDLES[engine]}" || die "making the engine's bundle from bench/configs/docker.json failed"
  CONFIG_NOTES[engine]="dockerd 20.10's config.json for \`docker run\` (bench/configs/docker.json: $(jq '.mounts | length' "${BUNDLES[engine]}/config.json") mounts, seccomp with $(jq '.linux.seccomp.syscalls | length' "${BUNDLES[engine]}/config.json") rules, $(jq '.process.capabilities.bounding | length' "${BUNDLES[engine]}/config.json") capabilities), with this container's paths (bench/lib.sh engine_bundle)"
  local c
  for c in "${CONFIGS[@]}"; do SLEEPERS[$c]=$(sleeper_of "${BUNDLES[$c]}") || die "sleeper bundle failed"; done
  # The same container without a pid namespace of its own: init is visible to others, so mydocker
  # execs it from a sealed in-memory copy of its binary (MydockerBinary.ForInit); this prices that copy.
  BUNDLE_HOSTPID=$WORK/bundle-hostpid
  mkdir -p "$BUNDLE_HOSTPID"
  jq --arg root "$BUNDLE/rootfs" '.root.path = $root | .linux.namespaces |= map(select(.type != "pid"))' \
    "$BUNDLE/config.json" > "$BUNDLE_HOSTPID/config.json" || die "jq failed"
  add_runtime mydocker "$MYDOCKER"
  add_runtime runc "$RUNC"
  add_runtime crun "$CRUN"
}
