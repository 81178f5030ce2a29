#!/usr/bin/env bash
# tests/engines/run.sh [docker] [podman] [rootless-podman] [containerd] [cri] [buildah]: real engines with `mydocker` as their OCI
# runtime (`make test-engines`; CI runs it after `make test`). As root. Each engine gets its own
# daemon, socket and storage under one temporary directory, started by hand (no systemd here) and
# stopped by PID; nothing is left behind (the EXIT trap removes it, and the engines' parent cgroups
# if they were not there before).
#
# For each engine: a run with output; an exit code; `-it` with a resize, read off a tmux screen;
# detached + exec + stop + rm; pause/unpause read back from the freezer; update --memory read back
# from the memory cgroup; a signal the container traps; an OOM kill under a memory limit (137,
# OOMKilled); a command that does not exist (127, and the runtime's words for it), in `run` and in
# `exec`; one that is not executable (as with runc). buildah builds an image with mydocker running
# its steps, and podman runs it. rootless-podman: podman run by a user the test makes (and deletes),
# with the steps that need no cgroup (on a cgroup v1 or hybrid host rootless podman has none).
# Output: one line per step, then "N passed, M failed" (CI adds it up with the other test runs).
#
#   RUNTIME=out/mydocker     the runtime under test (absolute path or relative to the repository)
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
export LC_ALL=C
RUNTIME=$(cd "$REPO" && realpath "${RUNTIME:-out/mydocker}")
. "$REPO/scripts/engines-common.sh"
. "$REPO/tests/engines/lib.sh"

[[ $EUID -eq 0 ]] || { say "must run as root"; exit 1; }
[[ -x $RUNTIME ]] || { say "$RUNTIME not found (make build)"; exit 1; }
ENGINES=("$@"); ((${#ENGINES[@]})) || ENGINES=(docker podman rootless-podman containerd cri buildah)

W=$(mktemp -d /tmp/mydocker-test-engines.XXXXXX)
TMUX_SOCK=$W/tmux.sock
: > "$W/calls.log"
PIDS=()
host_paths_before

cleanup() {
  local m p
  trap - EXIT INT TERM
  tty_stop
  [[ -S $W/docker/docker.sock ]] && $DK rm -f $($DK ps -aq 2>/dev/null) >/dev/null 2>&1
  [[ -f $W/podman/containers.conf ]] && { bh rm -a >/dev/null 2>&1; pm rm -af -t 0 >/dev/null 2>&1; pm system reset -f >/dev/null 2>&1; }
  rootless_cleanup
  if [[ -n $KTR && -S $W/cri/containerd.sock ]]; then   # a pod CriTests did not remove (it failed half-way)
    for c in $($KTR task ls -q 2>/dev/null); do $KTR task kill -s SIGKILL "$c" >/dev/null 2>&1; done
    sleep 0.5
    for c in $($KTR container ls -q 2>/dev/null); do $KTR task rm -f "$c" >/dev/null 2>&1; $KTR container rm "$c" >/dev/null 2>&1; done
  fi
  if [[ -S $W/containerd/containerd.sock ]]; then
    for c in $($CTR task ls -q 2>/dev/null); do $CTR task kill -s SIGKILL "$c" >/dev/null 2>&1; done
    sleep 0.5
    for c in $($CTR container ls -q 2>/dev/null); do $CTR task rm -f "$c" >/dev/null 2>&1; $CTR container rm "$c" >/dev/null 2>&1; done
  fi
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
  kill_strays "$W"
  while read -r _ m _; do
    [[ $m == "$W"/* ]] && umount -l "$m" 2>/dev/null
  done < <(tac /proc/self/mounts)
  if [[ -n ${ENGINES_KEEP:-} ]]; then say "kept $W (ENGINES_KEEP)"; else rm -rf "$W"; fi
  host_paths_restore
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# conmon writes a file "oom" into its working directory when it sees an OOM kill: not into the repository.
cd "$W" || exit 1
sh "$REPO/scripts/make-rootfs.sh" "$W/rootfs" >/dev/null || { say "make-rootfs failed"; exit 1; }
tar -C "$W/rootfs" -cf "$W/rootfs.tar" . || exit 1
make_wrapper "$W/mydocker"

host_rlimits   # NOFILE, NPROC: dockerd's default-ulimits below (scripts/engines-common.sh says why)

# --- the engines ---------------------------------------------------------------------------------

DK="/usr/bin/docker -H unix://$W/docker/docker.sock"
pm() { CONTAINERS_CONF=$W/podman/containers.conf CONTAINERS_STORAGE_CONF=$W/podman/storage.conf podman "$@"; }
CTR="ctr --address $W/containerd/containerd.sock"

start_docker() {
  local d=$W/docker
  docker_config "$d" "$(cat <<EOF
"default-ulimits": { "nofile": { "Name": "nofile", "Soft": $NOFILE, "Hard": $NOFILE } },
  "runtimes": { "mydocker": { "path": "$W/mydocker" } }, "default-runtime": "mydocker"
EOF
)"
  printf '#!/bin/sh\nexec /usr/bin/docker -H unix://%s/docker.sock "$@"\n' "$d" > "$W/cli-docker"; chmod 755 "$W/cli-docker"
  dockerd --config-file "$d/daemon.json" </dev/null >"$d/dockerd.log" 2>&1 &
  PIDS+=($!)
  wait_for 30 $DK version || { say "dockerd did not start: $(tail -n 3 "$d/dockerd.log")"; return 1; }
  $DK import "$W/rootfs.tar" busybox:engines >/dev/null
}

start_podman() {
  local p=$W/podman
  podman_config "$p" mydocker "$W/mydocker"
  printf '#!/bin/sh\nCONTAINERS_CONF=%s/containers.conf CONTAINERS_STORAGE_CONF=%s/storage.conf exec podman "$@"\n' "$p" "$p" > "$W/cli-podman"
  chmod 755 "$W/cli-podman"
  pm import -q "$W/rootfs.tar" localhost/busybox:engines >/dev/null
}

start_containerd() {
  local c=$W/containerd
  mkdir -p "$c"
  cat > "$c/config.toml" <<EOF
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$c/containerd.sock"
EOF
  containerd --config "$c/config.toml" </dev/null >"$c/containerd.log" 2>&1 &
  PIDS+=($!)
  wait_for 30 $CTR version || { say "containerd did not start: $(tail -n 3 "$c/containerd.log")"; return 1; }
}

# --- podman without root: a user of the test's own -----------------------------------------------

RL_USER= RL_UID= RL_TUN= RL_RUNUSER=
# start_rootless_podman: a user with a home in $W and subordinate ranges (useradd gives them), its
# XDG_RUNTIME_DIR, podman's configuration in its home, and the busybox image imported as that user.
start_rootless_podman() {
  local h=$W/rootless-home
  RL_USER=mdrp$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
  chmod 711 "$W"; chmod 666 "$W/calls.log"; chmod 644 "$W/rootfs.tar"   # the user reaches the wrapper, its log and the image
  useradd -m -d "$h" -s /bin/sh "$RL_USER" || { say "useradd failed"; return 1; }
  RL_UID=$(id -u "$RL_USER")
  grep -q "^$RL_USER:" /etc/subuid || { say "useradd gave $RL_USER no range in /etc/subuid"; return 1; }
  [[ -d /run/user ]] || { mkdir /run/user; RL_RUNUSER=1; }
  install -d -m 700 -o "$RL_USER" -g "$RL_USER" "/run/user/$RL_UID"
  # (this host) slirp4netns without root opens /dev/net/tun, which udev makes 0666 on Debian; this
  # VM has no udev and leaves it 0600. Opened to all while the test runs, put back after.
  if [[ $(stat -c %a /dev/net/tun) != 666 ]]; then RL_TUN=$(stat -c %a /dev/net/tun); chmod 666 /dev/net/tun; fi
  podman_config "$h/podman" mydocker "$W/mydocker"
  chown -R "$RL_USER:" "$h/podman"
  printf '#!/bin/sh\ncd %s && exec runuser -u %s -- env HOME=%s XDG_RUNTIME_DIR=/run/user/%s CONTAINERS_CONF=%s/podman/containers.conf CONTAINERS_STORAGE_CONF=%s/podman/storage.conf podman "$@"\n' \
    "$h" "$RL_USER" "$h" "$RL_UID" "$h" "$h" > "$W/cli-rootless-podman"
  chmod 755 "$W/cli-rootless-podman"
  "$W/cli-rootless-podman" import -q "$W/rootfs.tar" localhost/busybox:engines >/dev/null 2>"$W/err" || { say "rootless podman import: $(cat "$W/err")"; return 1; }
}

# rootless_cleanup: the user's containers, podman's pause process, the user and its directories; /dev/net/tun's mode.
rootless_cleanup() {
  [[ -n $RL_USER ]] || return 0
  [[ -x $W/cli-rootless-podman ]] && { "$W/cli-rootless-podman" rm -af -t 0 >/dev/null 2>&1; "$W/cli-rootless-podman" system reset -f >/dev/null 2>&1; }
  pkill -KILL -u "$RL_USER" 2>/dev/null; sleep 0.2
  userdel "$RL_USER" 2>/dev/null
  rm -rf "/run/user/$RL_UID"
  [[ -n $RL_RUNUSER ]] && rmdir /run/user 2>/dev/null
  [[ -n $RL_TUN ]] && chmod "$RL_TUN" /dev/net/tun
  RL_USER=
}

# Root in the container is the test's user on the host; the rest of its ids are its subordinate
# range; mydocker keeps the container's state in the user's XDG_RUNTIME_DIR.
r_user_outside() {
  local pid map range id
  cli run -d --name r1 $(net) $IMG sleep 300 >/dev/null || return 1
  pid=$(cli inspect -f '{{.State.Pid}}' r1) id=$(cli inspect -f '{{.Id}}' r1)
  [[ -f /run/user/$RL_UID/mydocker/$id/state.json ]] || { echo "no state in /run/user/$RL_UID/mydocker/$id"; return 1; }
  expect "the container's uid on the host" "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" "$RL_UID" || return 1
  map=$(tr -s ' ' < "/proc/$pid/uid_map" | sed 's/^ //')
  range=$(awk -F: -v u="$RL_USER" '$1 == u { print "1 " $2 " " $3 }' /etc/subuid)
  expect "uid_map" "$map" "0 $RL_UID 1"$'\n'"$range" || return 1
  cli rm -f -t 0 r1 >/dev/null
}

# podman's default network without root: slirp4netns (podman starts it), and a published port.
r_network_and_port() {
  local out port=$((20000 + RANDOM % 20000))
  out=$(cli run --rm $IMG sh -c 'ip -4 addr show tap0; ip route' 2>"$W/err") || { cat "$W/err"; return 1; }
  grep -q 'inet 10.0.2.100/24' <<<"$out" && grep -q 'default via 10.0.2.2' <<<"$out" || { echo "$out"; return 1; }
  cli run -d --name r2 -p "127.0.0.1:$port:80" $IMG sh -c 'mkdir /www && echo served-by-r2 > /www/i && exec httpd -f -p 80 -h /www' >/dev/null 2>"$W/err" ||
    { cat "$W/err"; return 1; }
  wait_for 10 busybox wget -q -O /dev/null "http://127.0.0.1:$port/i" || { echo "nothing answers on 127.0.0.1:$port"; cli rm -f -t 0 r2 >/dev/null; return 1; }
  out=$(busybox wget -q -O - "http://127.0.0.1:$port/i")
  cli rm -f -t 0 r2 >/dev/null
  expect "GET /i" "$out" served-by-r2
}

rootless_podman_steps() {
  step "run with output" t_output
  step "exit code" t_exit_code
  step "-it with a resize (tmux)" t_tty_resize
  step "detached + exec + stop + rm" t_detached_exec_stop_rm
  step "root inside is the user outside, the rest its subordinate range" r_user_outside
  step "podman's slirp4netns network and a published port" r_network_and_port
  local why="rootless podman has no cgroup on a cgroup v1 or hybrid host (podman: \"can not pause containers on rootless containers with cgroup V1\"; limits are ignored)"
  skip "pause/unpause" "$why"
  skip "update --memory" "$why"
  skip "OOM under --memory" "$why"
  step "a signal the container traps" t_trapped_signal
  step "a command that does not exist: 127" t_missing_command
  step "exec of a command that does not exist: as with runc" t_exec_missing_command
  step "a command that is not executable: as with runc" t_not_executable
}

# --- docker and podman: the same command line ----------------------------------------------------

# cli ARGS...: the engine's docker-compatible client (a script, so that tmux can run it too).
cli() { "$W/cli-$ENGINE" "$@"; }
# NET: podman's default network would change the host's firewall; docker runs without a bridge.
net() { [[ $ENGINE == *podman ]] && echo "--network none"; }
IMG=busybox:engines

# (stdout only: dockerd warns on stderr that IPv4 forwarding is off, which is this test's doing)
t_output() { local out; out=$(cli run --rm $(net) $IMG echo hi 2>"$W/err") || { cat "$W/err"; return 1; }; expect output "$out" hi; }

t_exit_code() { cli run --rm $(net) $IMG sh -c 'exit 42' >/dev/null 2>&1; expect "exit code" $? 42; }

t_tty_resize() {
  tty_start "$W/cli-$ENGINE" run -it --rm $(net) $IMG sh || return 1
  tty_shell_resized
}

t_detached_exec_stop_rm() {
  local out
  cli run -d --name d1 $(net) $IMG sleep 300 >/dev/null || return 1
  out=$(cli exec d1 echo ok 2>&1); expect "exec output" "$out" ok || return 1
  cli stop -t 1 d1 >/dev/null || return 1
  cli rm d1 >/dev/null || return 1
  ! cli inspect d1 >/dev/null 2>&1 || { echo "d1 still exists after rm"; return 1; }
}

# freezer PID: FROZEN/THAWED (v1 freezer.state), or 1/0 (v2 cgroup.freeze).
freezer() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then cgroup_file "$1" "" cgroup.freeze; else cgroup_file "$1" freezer freezer.state; fi
}

t_pause_unpause() {
  local pid state
  cli run -d --name p1 $(net) $IMG sleep 300 >/dev/null || return 1
  pid=$(cli inspect -f '{{.State.Pid}}' p1)
  cli pause p1 >/dev/null || return 1
  state=$(freezer "$pid"); [[ $state == FROZEN || $state == 1 ]] || { echo "after pause the freezer says $state"; return 1; }
  expect status "$(cli inspect -f '{{.State.Status}}' p1)" paused || return 1
  cli unpause p1 >/dev/null || return 1
  state=$(freezer "$pid"); [[ $state == THAWED || $state == 0 ]] || { echo "after unpause the freezer says $state"; return 1; }
  cli rm -f p1 >/dev/null
}

t_update_memory() {
  local pid
  cli run -d --name u1 $(net) $IMG sleep 300 >/dev/null || return 1
  pid=$(cli inspect -f '{{.State.Pid}}' u1)
  cli update --memory 64m --memory-swap 128m u1 >/dev/null || return 1
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    expect memory.max "$(cgroup_file "$pid" "" memory.max)" 67108864 || return 1
  else
    expect memory.limit_in_bytes "$(cgroup_file "$pid" memory memory.limit_in_bytes)" 67108864 || return 1
  fi
  cli rm -f u1 >/dev/null
}

t_trapped_signal() {
  cli run -d --name k1 $(net) $IMG sh -c 'trap "echo got-USR1; exit 7" USR1; echo ready; while :; do sleep 0.1; done' >/dev/null || return 1
  wait_for 10 sh -c "'$W/cli-$ENGINE' logs k1 2>&1 | grep -q ready" || { echo "k1 never said ready"; return 1; }
  cli kill -s USR1 k1 >/dev/null || return 1
  expect "exit code" "$(cli wait k1)" 7 || return 1
  cli logs k1 2>&1 | grep -q got-USR1 || { echo "logs: $(cli logs k1 2>&1)"; return 1; }
  cli rm k1 >/dev/null
}

t_oom() {
  local want=true
  cli run --name o1 --memory 32m --memory-swap 32m $(net) $IMG sh -c 'x=0123456789; while :; do x=$x$x; done' >/dev/null 2>&1
  expect "exit code" $? 137 || return 1
  if [[ $ENGINE == podman ]]; then
    # podman 4.3's conmon does not see the OOM kill on this hybrid host with runc either: what runc
    # gets is what mydocker must get.
    cli run --runtime runc --name o2 --memory 32m --memory-swap 32m $(net) $IMG sh -c 'x=0123456789; while :; do x=$x$x; done' >/dev/null 2>&1
    want=$(cli inspect -f '{{.State.OOMKilled}}' o2); cli rm o2 >/dev/null
    [[ $want == true ]] || echo "note: podman reports OOMKilled $want with runc too on this host" >&2
  fi
  expect OOMKilled "$(cli inspect -f '{{.State.OOMKilled}}' o1)" "$want" || return 1
  cli rm o1 >/dev/null
}

# exec of /nosuch in a container of ours and in one of runc's (the reference): the same exit code.
t_exec_missing_command() {
  local out rc ref
  cli run -d --name x1 $(net) $IMG sleep 300 >/dev/null || return 1
  cli run -d --name x2 --runtime runc $(net) $IMG sleep 300 >/dev/null || return 1
  out=$(cli exec x1 /nosuch 2>&1); rc=$?
  cli exec x2 /nosuch >/dev/null 2>&1; ref=$?
  cli rm -f x1 x2 >/dev/null
  expect "exit code (runc's: $ref)" $rc "$ref" || { echo "$out"; return 1; }
  grep -Eq 'no such file or directory|executable file not found' <<<"$out" || { echo "the error does not say what engines look for: $out"; return 1; }
  echo "note: exit code $rc, as with runc" >&2
}

t_not_executable() {
  local out rc ref
  out=$(cli run --rm $(net) $IMG /etc/passwd 2>&1); rc=$?
  cli run --rm --runtime runc $(net) $IMG /etc/passwd >/dev/null 2>&1; ref=$?
  expect "exit code (runc's: $ref)" $rc "$ref" || { echo "$out"; return 1; }
  grep -q 'permission denied' <<<"$out" || { echo "the error does not say what engines look for: $out"; return 1; }
  echo "note: exit code $rc, as with runc" >&2
}

t_missing_command() {
  local out rc
  out=$(cli run --rm $(net) $IMG /nosuch 2>&1); rc=$?
  expect "exit code" $rc 127 || { echo "$out"; return 1; }
  grep -Eq 'no such file or directory|executable file not found' <<<"$out" || { echo "the error does not say what engines look for: $out"; return 1; }
}

docker_like_steps() {
  step "run with output" t_output
  step "exit code" t_exit_code
  step "-it with a resize (tmux)" t_tty_resize
  step "detached + exec + stop + rm" t_detached_exec_stop_rm
  step "pause/unpause, read from the freezer" t_pause_unpause
  step "update --memory, read from the cgroup" t_update_memory
  step "a signal the container traps" t_trapped_signal
  step "OOM under --memory: 137, OOMKilled" t_oom
  step "a command that does not exist: 127" t_missing_command
  step "exec of a command that does not exist: as with runc" t_exec_missing_command
  step "a command that is not executable: as with runc" t_not_executable
}

# --- buildah: builds an image with mydocker running its steps; podman runs the result -------------

bh() { CONTAINERS_CONF=$W/podman/containers.conf CONTAINERS_STORAGE_CONF=$W/podman/storage.conf buildah "$@"; }

b_build_and_run() {
  local ctr out
  ctr=$(bh from localhost/busybox:engines) || return 1
  bh run --runtime "$W/mydocker" --network none "$ctr" -- sh -c 'echo built > /hello' || return 1
  bh run --runtime "$W/mydocker" --network none "$ctr" -- mkdir -p /data/sub || return 1
  out=$(bh run --runtime "$W/mydocker" --network none "$ctr" -- sh -c 'cat /hello; ls -d /data/sub; id -u') || return 1
  expect "buildah run output" "$out" $'built\n/data/sub\n0' || return 1
  bh config --cmd '["cat", "/hello"]' "$ctr" || return 1
  bh commit -q "$ctr" localhost/built:engines >/dev/null || return 1
  bh rm "$ctr" >/dev/null
  out=$(pm run --rm --network none localhost/built:engines 2>"$W/err") || { cat "$W/err"; return 1; }
  expect "podman run of the built image" "$out" built || return 1
  grep -q ' mydocker .*create' "$W/calls.log" || { echo "mydocker was not called"; return 1; }
}

buildah_steps() {
  step "from, run x3, config, commit; podman runs the image" b_build_and_run
}

# --- containerd through ctr: no image, the rootfs directory ---------------------------------------

RT=
# crun_ [FLAGS...] ID COMMAND...: `ctr run` of the rootfs directory (flags first: ctr takes the
# rootfs path as the first argument after them).
crun_() {
  local flags=()
  while [[ $1 == -* ]]; do flags+=("$1"); [[ $1 == --memory-limit ]] && { shift; flags+=("$1"); }; shift; done
  $CTR run $RT "${flags[@]}" --rootfs "$W/rootfs" "$@"
}

c_output() { local out; out=$(crun_ --rm c1 /bin/echo hi 2>&1) || { echo "$out"; return 1; }; expect output "$out" hi; }
c_exit_code() { crun_ --rm c2 /bin/sh -c 'exit 42' >/dev/null 2>&1; expect "exit code" $? 42; }
c_tty_resize() {
  tty_start "$CTR run $RT -t --rm --rootfs $W/rootfs c3 /bin/sh" || return 1
  tty_shell_resized
}
c_task_pid() { $CTR task ls | awk -v c="$1" '$1 == c { print $2 }'; }
c_gone() { $CTR task kill -s SIGKILL "$1" >/dev/null 2>&1; wait_for 10 sh -c "$CTR task ls | grep -q '^$1 .*STOPPED'"; $CTR task rm "$1" >/dev/null 2>&1; $CTR container rm "$1" >/dev/null 2>&1; }
c_detached_exec_stop_rm() {
  local out
  crun_ -d c4 /bin/sleep 300 >/dev/null || return 1
  out=$($CTR task exec --exec-id e1 c4 /bin/echo ok 2>&1); expect "exec output" "$out" ok || return 1
  $CTR task kill -s SIGKILL c4 || return 1   # sleep as PID 1 ignores SIGTERM (no handler)
  wait_for 10 sh -c "$CTR task ls | grep -q '^c4 .*STOPPED'" || { echo "c4 did not stop: $($CTR task ls)"; return 1; }
  $CTR task rm c4 >/dev/null && $CTR container rm c4 || return 1
}
c_pause_resume() {
  local pid state
  crun_ -d c5 /bin/sleep 300 >/dev/null || return 1
  pid=$(c_task_pid c5)
  $CTR task pause c5 || return 1
  state=$(freezer "$pid"); [[ $state == FROZEN || $state == 1 ]] || { echo "after pause the freezer says $state"; return 1; }
  $CTR task resume c5 || return 1
  state=$(freezer "$pid"); [[ $state == THAWED || $state == 0 ]] || { echo "after resume the freezer says $state"; return 1; }
  c_gone c5
}
c_trapped_signal() {
  local out rc
  crun_ --rm c7 /bin/sh -c 'trap "echo got-USR1; exit 7" USR1; echo ready; while :; do sleep 0.1; done' > "$W/c7.out" 2>&1 &
  local bg=$!
  wait_for 10 grep -q ready "$W/c7.out" || { echo "c7 never said ready: $(cat "$W/c7.out")"; return 1; }
  $CTR task kill -s SIGUSR1 c7 || return 1
  wait "$bg"; rc=$?
  expect "exit code" $rc 7 || return 1
  grep -q got-USR1 "$W/c7.out" || { echo "output: $(cat "$W/c7.out")"; return 1; }
}
c_oom() {
  crun_ --rm --memory-limit 33554432 c8 /bin/sh -c 'x=0123456789; while :; do x=$x$x; done' >/dev/null 2>&1
  expect "exit code" $? 137
}
c_missing_command() {
  local out rc
  out=$(crun_ --rm c9 /nosuch 2>&1); rc=$?
  ((rc != 0)) || { echo "ctr run of /nosuch succeeded"; return 1; }
  grep -Eq 'no such file or directory|executable file not found' <<<"$out" || { echo "the error does not say what engines look for: $out"; return 1; }
  $CTR container rm c9 >/dev/null 2>&1
  return 0
}

containerd_steps() {
  RT="--runc-binary $W/mydocker --runc-root $W/containerd/runc-root"
  step "run with output" c_output
  step "exit code" c_exit_code
  step "-t with a resize (tmux)" c_tty_resize
  step "detached + exec + kill + rm" c_detached_exec_stop_rm
  step "pause/resume, read from the freezer" c_pause_resume
  skip "update --memory" "ctr 1.6 has no update command (containerd calls the runtime's update only for its API clients)"
  step "a signal the container traps" c_trapped_signal
  step "OOM under --memory-limit: 137" c_oom
  step "a command that does not exist: an error in the runtime's words" c_missing_command
}

# --- Kubernetes' path: containerd's CRI plugin, a runtime handler "mydocker", our CRI client --------

KTR=
# start_cri: a second containerd, with the CRI plugin on and its runtime handler "mydocker" (runc's v2
# shim with BinaryName = mydocker: what a RuntimeClass with handler "mydocker" selects), a CNI
# network of lo and an eth0 inside the pod (a pod gets a network namespace of its own, the host's network is
# untouched), and a pause image and a busybox image imported from archives made here.
start_cri() {
  local k=$W/cri
  mkdir -p "$k/cni" "$k/cni-bin" "$k/logs"
  # lo from Debian's CNI loopback plugin, eth0 from ours (tests/engines/cni-inner-veth.sh): the host's
  # network stays as it is.
  ln -s /usr/lib/cni/loopback "$k/cni-bin/loopback"
  cp "$REPO/tests/engines/cni-inner-veth.sh" "$k/cni-bin/inner-veth"
  printf '{ "cniVersion": "0.4.0", "name": "mydocker-test", "plugins": [ { "type": "inner-veth" }, { "type": "loopback" } ] }\n' > "$k/cni/10-test.conflist"
  cat > "$k/config.toml" <<CONFIG
version = 2
root = "$k/root"
state = "$k/state"
[grpc]
  address = "$k/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:engines"
  disable_apparmor = true
  # (this host) root without CAP_SYS_RESOURCE cannot lower oom_score_adj (the sandbox asks for -998)
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    # The default handler stays runc (a pod that names no handler); ours is picked by name.
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.mydocker]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.mydocker.options]
        BinaryName = "$W/mydocker"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$k/cni-bin"
    conf_dir = "$k/cni"
CONFIG
  containerd --config "$k/config.toml" </dev/null >"$k/containerd.log" 2>&1 &
  PIDS+=($!)
  KTR="ctr --address $k/containerd.sock -n k8s.io"
  wait_for 30 $KTR version || { say "containerd (CRI) did not start: $(tail -n 3 "$k/containerd.log")"; return 1; }
  sh "$REPO/tests/engines/oci-archive.sh" "$W/rootfs" localhost/pause:engines '["/bin/sleep", "2147483647"]' "$k/pause.tar" &&
    sh "$REPO/tests/engines/oci-archive.sh" "$W/rootfs" localhost/busybox:cri '["/bin/sh"]' "$k/busybox.tar" &&
    $KTR image import "$k/pause.tar" >/dev/null && $KTR image import "$k/busybox.tar" >/dev/null ||
    { say "importing the CRI images failed"; return 1; }
}

k_pod() {
  local rc
  CRI_SOCKET=$W/cri/containerd.sock CRI_LOG_DIR=$W/cri/logs CRI_IMAGE=localhost/busybox:cri RUNTIME_CALLS=$W/calls.log \
    dotnet test "$REPO/tests/MyDocker.CriTests" --nologo > "$W/cri-test.log" 2>&1
  rc=$?
  grep -E 'Passed!|Failed!|error|Assert|Expected|Actual|Exception|at MyDocker' "$W/cri-test.log" | head -n 15
  return $rc
}

k_nothing_left() {
  local n
  n=$($KTR container ls -q | wc -l); expect "containers left in containerd's k8s.io namespace" "$n" 0 || return 1
  n=$(ls /run/netns 2>/dev/null | grep -c cni); expect "network namespaces left in /run/netns" "$n" 0
}

cri_steps() {
  step "RunPodSandbox, two containers sharing its network and IPC, status, log, ExecSync, stop, remove (CriTests)" k_pod
  step "nothing of the pod left in containerd or /run/netns" k_nothing_left
}

# --- main ----------------------------------------------------------------------------------------

for ENGINE in "${ENGINES[@]}"; do
  echo "=== $ENGINE, with $RUNTIME as its runtime"
  case $ENGINE in
    docker)     if start_docker; then docker_like_steps; else FAIL=$((FAIL + 1)); fi ;;
    podman)     if start_podman; then docker_like_steps; else FAIL=$((FAIL + 1)); fi ;;
    rootless-podman) if start_rootless_podman; then rootless_podman_steps; else FAIL=$((FAIL + 1)); fi; rootless_cleanup ;;
    containerd) if start_containerd; then containerd_steps; else FAIL=$((FAIL + 1)); fi ;;
    cri)        if start_cri; then cri_steps; else FAIL=$((FAIL + 1)); fi ;;
    buildah)    if [[ -f $W/podman/containers.conf ]] || start_podman; then buildah_steps; else FAIL=$((FAIL + 1)); fi ;;
    *) say "unknown engine $ENGINE (docker, podman, rootless-podman, containerd, cri, buildah)"; FAIL=$((FAIL + 1)) ;;
  esac
done
echo "runtime calls: $(wc -l < "$W/calls.log") (the log goes with the temporary directory; failures above show theirs)"
echo "$PASS passed, $FAIL failed"
((FAIL == 0))
