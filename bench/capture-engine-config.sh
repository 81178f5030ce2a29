#!/usr/bin/env bash
# bench/capture-engine-config.sh: the config.json a real engine writes, kept in bench/configs/ for
# `make bench` (its third config). Run by hand, as root, once per engine version; the result is
# committed. It runs the shared smoke script of that engine (../shared/engines/ci-ENGINE.sh, this
# host's) with mydocker behind a wrapper that copies the bundle's config.json at the first `create`.
#
#   bench/capture-engine-config.sh [docker|containerd|podman]     (default docker)
#
# Docker's config is the one measured: dockerd 20.10 writes it for `docker run IMAGE echo hi`, and
# containerd's runc shim hands it to the runtime unchanged. bench/lib.sh then changes only what
# cannot be reused (paths of that one container; see engine_bundle there).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
ENGINE=${1:-docker}
SHARED=${SHARED:-$REPO/../shared/engines}
[[ -x $SHARED/ci-$ENGINE.sh || -f $SHARED/ci-$ENGINE.sh ]] || { echo "capture: no $SHARED/ci-$ENGINE.sh" >&2; exit 1; }
[[ -x $REPO/out/mydocker ]] || { echo "capture: build first (make build)" >&2; exit 1; }
OUT=$REPO/bench/configs/$ENGINE.json
. "$REPO/scripts/engines-common.sh"
W=$(mktemp -d /tmp/mydocker-capture.XXXXXX)
host_paths_before   # the paths dockerd makes outside its own directories go again after
trap 'rm -rf "$W"; host_paths_restore' EXIT

cat > "$W/runtime" <<EOW
#!/bin/sh
# At the first create: the bundle's config.json, as the engine wrote it.
if [ ! -f "$W/config.json" ]; then
  prev=; create=
  for a in "\$@"; do
    [ "\$a" = create ] && create=1
    [ -n "\$create" ] && [ "\$prev" = --bundle ] && cp "\$a/config.json" "$W/config.json"
    prev=\$a
  done
fi
exec "$REPO/out/mydocker" "\$@"
EOW
chmod 755 "$W/runtime"
RUNTIME=$W/runtime WORK=$W/work sh "$SHARED/ci-$ENGINE.sh" > "$W/smoke.log" 2>&1 || { tail -n 20 "$W/smoke.log" >&2; exit 1; }
[[ -f $W/config.json ]] || { echo "capture: the engine made no create call" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
jq . "$W/config.json" > "$OUT"
echo "capture: $ENGINE's config.json -> ${OUT#"$REPO"/} ($(jq '.mounts | length' "$OUT") mounts, seccomp: $(jq '.linux.seccomp.syscalls | length // 0' "$OUT") rules)"
