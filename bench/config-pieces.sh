#!/usr/bin/env bash
# bench/config-pieces.sh: what each part of an engine's config costs mydocker's `run`. Not part of
# `make bench`; run it by hand, as root, after `make build`:  bash bench/config-pieces.sh
# It takes bench/configs/docker.json (made reusable as bench/lib.sh's engine_bundle does), removes
# or adds one piece at a time, and prints the median of 9 runs of /bin/true for each variant.
#
#   MYDOCKER=out/mydocker   CONFIG=bench/configs/docker.json   RUNS=9
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/bench/lib.sh"
RUNS=${RUNS:-9}
[[ $EUID -eq 0 ]] || die "must run as root"
WORK=$(mktemp -d /tmp/mydocker-pieces.XXXXXX)
ROOT=/run/mydocker-pieces-$$   # where a state root lives (tmpfs on most hosts; ext4 on this VM)
. "$REPO/scripts/cgroup-parents.sh"; cgroup_parents_note mydocker docker
trap '"$MYDOCKER" --root "$ROOT" list -q 2>/dev/null | while read -r id; do "$MYDOCKER" --root "$ROOT" delete --force "$id"; done; rm -rf "$WORK" "$ROOT"; cgroup_parents_restore' EXIT
BUNDLE=$WORK/bundle
sh "$REPO/scripts/make-rootfs.sh" "$BUNDLE/rootfs" >/dev/null || die "make-rootfs failed"
engine_bundle "$WORK/engine" || die "engine_bundle failed"

# variant NAME JQ-FILTER: the median `run` of the engine config changed by the filter.
K=0
variant() {
  local d=$WORK/v$K i t0
  K=$((K + 1))
  mkdir -p "$d" && jq "$2" "$WORK/engine/config.json" > "$d/config.json" || die "jq: $2"
  : > "$WORK/times"
  for ((i = 0; i < RUNS; i++)); do
    now; t0=$NOW
    "$MYDOCKER" --root "$ROOT" run --bundle "$d" "piece$K-$i" </dev/null >/dev/null 2>"$WORK/err" || die "$1: $(cat "$WORK/err")"
    now; echo $((NOW - t0)) >> "$WORK/times"
  done
  sort -n "$WORK/times" | awk -v n="$1" '{ v[NR] = $1 } END { printf "%-28s %6.2f ms\n", n, v[int((NR + 1) / 2)] / 1000 }'
}

variant "everything" '.'
variant "no linux.seccomp" 'del(.linux.seccomp)'
variant "no /sys/fs/cgroup mount" '.mounts |= map(select(.destination != "/sys/fs/cgroup"))'
variant "a cgroup namespace added" '.linux.namespaces += [{"type": "cgroup"}]'
variant "no /dev/mqueue" '.mounts |= map(select(.destination != "/dev/mqueue"))'
variant "no masked/readonly paths" 'del(.linux.maskedPaths) | del(.linux.readonlyPaths)'
variant "no capabilities list" 'del(.process.capabilities)'
