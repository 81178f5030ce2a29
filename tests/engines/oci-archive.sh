#!/bin/sh
# tests/engines/oci-archive.sh ROOTFS_DIR NAME CMD_JSON OUT.tar: an OCI image layout archive of one
# layer (ROOTFS_DIR as a plain tar), that `ctr image import` takes. NAME is the image's full name
# (e.g. localhost/pause:1); CMD_JSON its Cmd as a JSON array. No registry is needed to make one.
set -eu
rootfs=$1 name=$2 cmd=$3 out=$4
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/blobs/sha256"
blob() { # FILE MEDIA-TYPE: moves FILE into blobs/, prints its descriptor
  sum=$(sha256sum "$1" | cut -d' ' -f1); size=$(stat -c %s "$1")
  mv "$1" "$d/blobs/sha256/$sum"
  printf '{"mediaType": "%s", "digest": "sha256:%s", "size": %s}' "$2" "$sum" "$size"
}
tar -C "$rootfs" -cf "$d/layer" .
diff_id=$(sha256sum "$d/layer" | cut -d' ' -f1)
layer=$(blob "$d/layer" application/vnd.oci.image.layer.v1.tar)
printf '{"architecture": "amd64", "os": "linux", "config": {"Cmd": %s, "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}, "rootfs": {"type": "layers", "diff_ids": ["sha256:%s"]}}' \
  "$cmd" "$diff_id" > "$d/config"
config=$(blob "$d/config" application/vnd.oci.image.config.v1+json)
printf '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": %s, "layers": [%s]}' \
  "$config" "$layer" > "$d/manifest"
manifest=$(blob "$d/manifest" application/vnd.oci.image.manifest.v1+json)
printf '{"schemaVersion": 2, "manifests": [%s]}' \
  "$(echo "$manifest" | sed "s|}\$|, \"annotations\": {\"io.containerd.image.name\": \"$name\", \"org.opencontainers.image.ref.name\": \"${name##*:}\"}}|")" > "$d/index.json"
printf '{"imageLayoutVersion": "1.0.0"}' > "$d/oci-layout"
tar -C "$d" -cf "$out" oci-layout index.json blobs
