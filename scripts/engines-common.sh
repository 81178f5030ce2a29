# scripts/engines-common.sh: what bench/engine.sh and tests/engines/run.sh share about running real
# engines (dockerd with its containerd, containerd, podman) by hand on this host. Sourced (bash).
#
# The engines are given private sockets, data and state directories, but some paths they make
# anyway: dockerd /etc/docker/key.json, /run/docker/plugins and /run/containerd/s; podman's runc its
# default root /run/runc, and mydocker its own (/run/mydocker: its seccomp cache; /run/mydocker-net: the slirp4netns hook's); the engines' parent cgroups (docker, libpod_parent, containerd's default, ours).
# host_paths_before notes which of them do not exist yet; host_paths_restore removes those again.

# wait_for SECONDS COMMAND...: until COMMAND succeeds (polled every 0.1 s).
wait_for() {
  local n=$(($1 * 10)); shift
  while ((n-- > 0)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# stop_pid PID: SIGTERM, up to 15 s, then SIGKILL.
stop_pid() {
  local p=$1 n=150
  [[ -n $p ]] && kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null
  while kill -0 "$p" 2>/dev/null && ((n-- > 0)); do sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -KILL "$p"
  wait "$p" 2>/dev/null
  return 0
}

HOST_NEW=()      # host paths absent before the engines ran
CGROUP_NEW=()    # parent cgroups absent before
host_paths_before() {
  local p h m
  for p in /etc/docker/key.json /etc/docker /run/docker /run/containerd /run/runc /run/netns /run/mydocker /run/mydocker-net; do [[ -e $p ]] || HOST_NEW+=("$p"); done
  for h in /sys/fs/cgroup/*/; do
    for m in docker libpod_parent default mydocker k8s.io; do [[ -e $h$m ]] || CGROUP_NEW+=("$h$m"); done
  done
}
host_paths_restore() {
  local p i
  for p in "${HOST_NEW[@]}"; do rm -rf "$p"; done
  # A helper that was just killed (conmon, a shim) may still be in its cgroup for a moment.
  for ((i = 0; i < 20; i++)); do
    local left=0
    for p in "${CGROUP_NEW[@]}"; do
      [[ -d $p ]] || continue
      find "$p" -depth -type d -exec rmdir {} + 2>/dev/null
      [[ -d $p ]] && left=1
    done
    ((left)) || break
    sleep 0.1
  done
  return 0
}

# kill_strays DIR: SIGKILLs every process whose command line names DIR (a shim or conmon whose
# daemon is gone); prints each one, since a clean run leaves none.
kill_strays() {
  local p cmd
  for p in /proc/[0-9]*; do
    [[ ${p#/proc/} == "$$" ]] && continue
    cmd=$( { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null) || continue
    [[ $cmd == *"$1"* ]] || continue
    echo "left behind, killed: ${p#/proc/} $cmd" >&2
    kill -9 "${p#/proc/}" 2>/dev/null
  done
  return 0
}

# host_rlimits: NOFILE and NPROC, the hard limits of this process (pid_max for an unlimited nproc).
# This VM gives root no CAP_SYS_RESOURCE: an engine's default rlimits above them (podman 4.3 asks for
# nofile 1048576) cannot be set by any runtime, so the engines are configured with these.
host_rlimits() {
  local pidmax
  NOFILE=$(awk '/^Max open files/ { print $5 }' /proc/self/limits)
  NPROC=$(awk '/^Max processes/ { print $4 }' /proc/self/limits); pidmax=$(cat /proc/sys/kernel/pid_max)
  [[ $NOFILE == unlimited ]] && NOFILE=$(cat /proc/sys/fs/nr_open)
  [[ $NPROC == unlimited || $NPROC -gt $pidmax ]] && NPROC=$pidmax
  return 0
}

# docker_config DIR [MEMBERS]: DIR/daemon.json for a dockerd of its own (data, exec root, pid file and
# socket under DIR) that leaves the host's network alone: no bridge, iptables or ip_forward
# (../shared/ENGINES.md). MEMBERS: more JSON members for the object, e.g. the runtimes.
docker_config() {
  local d=$1 members=${2:+, $2}
  mkdir -p "$d"
  cat > "$d/daemon.json" <<EOF
{ "data-root": "$d/data", "exec-root": "$d/exec", "pidfile": "$d/dockerd.pid",
  "hosts": ["unix://$d/docker.sock"], "storage-driver": "overlay2",
  "iptables": false, "bridge": "none", "ip-forward": false$members }
EOF
}

# podman_config DIR RUNTIME [PATH]: DIR/containers.conf and DIR/storage.conf for a podman of its own
# (storage, run root and temp files under DIR; cgroupfs and a file event log: no systemd here),
# whose OCI runtime is RUNTIME (runc, or a name given PATH). Use with CONTAINERS_CONF and
# CONTAINERS_STORAGE_CONF pointing at them.
podman_config() {
  local p=$1 runtime=$2 path=${3:-}
  host_rlimits
  mkdir -p "$p"
  {
    printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' "$NOFILE" "$NOFILE" "$NPROC" "$NPROC"
    printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\ntmp_dir = "%s/tmp"\nruntime = "%s"\n' "$p" "$runtime"
    [[ -n $path ]] && printf '[engine.runtimes]\n%s = ["%s"]\n' "$runtime" "$path"
    printf '[network]\nnetwork_config_dir = "%s/networks"\n' "$p"
  } > "$p/containers.conf"
  printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/storage"\nrunroot = "%s/runroot"\n' "$p" "$p" > "$p/storage.conf"
}
