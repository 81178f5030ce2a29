# scripts/engines-common.sh: what bench/engine.sh and tests/engines/run.sh share about running real
# engines (dockerd with its containerd, containerd, podman) by hand on this host. Sourced (bash).
#
# The engines are given private sockets, data and state directories, but some paths they make
# anyway: dockerd /etc/docker/key.json, /run/docker/plugins and /run/containerd/s; podman's runc its
# default root /run/runc; the engines' parent cgroups (docker, libpod_parent, containerd's default, ours).
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
  for p in /etc/docker/key.json /etc/docker /run/docker /run/containerd /run/runc /run/netns; do [[ -e $p ]] || HOST_NEW+=("$p"); done
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
