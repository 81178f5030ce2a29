#!/bin/sh
# Installs what building and testing MyDocker needs on Debian (run as root). Only missing packages
# are installed, so a second run costs a few dpkg queries.
#   clang lld zlib1g-dev   NativeAOT's native linker step
#   busybox-static         the example and test rootfs
#   golang-github-opencontainers-specs-dev   the OCI JSON schema the tests validate against
#   uidmap slirp4netns     user namespaces and rootless networking for the engine
#   bsdutils (script)      terminal tests run mydocker on a real pty
#   runc                   the benchmark's yardstick
set -eu
pkgs="clang lld zlib1g-dev busybox-static golang-github-opencontainers-specs-dev uidmap slirp4netns bsdutils file runc"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "install-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $missing >/dev/null
fi
command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
