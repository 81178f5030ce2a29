#!/bin/sh
# Installs what building and testing MyDocker needs on Debian (run as root). Only missing packages
# are installed, so a second run costs a few dpkg queries.
#   clang lld zlib1g-dev   NativeAOT's native linker step
#   busybox-static         the example and test rootfs
#   uidmap slirp4netns     user namespaces and rootless networking for the engine
#   bsdutils (script)      terminal tests run mydocker on a real pty
#   runc                   the benchmark's yardstick
#   libseccomp-dev libc6-dev  the static archives linked into the static mydocker (linux.seccomp, libc)
#   util-linux             unshare(1), used by the rootfs tests to run probes in fresh namespaces
#   docker.io python3-docker  real Docker clients (the 20.10 CLI, docker-py) that the engine tests point at
#                          our daemon; the tests never start dockerd (`make bench` does, on private paths)
#   tmux                   the engine's TTY tests read the screen of a real terminal
#   curl                   the engine tests send raw HTTP to the socket with it
# (schema/ holds a copy of the OCI JSON schema from Debian's golang-github-opencontainers-specs-dev)
set -eu
sh "$(dirname "$0")/apt-install.sh" install-deps \
  clang lld zlib1g-dev busybox-static uidmap slirp4netns bsdutils file runc libseccomp-dev libc6-dev \
  util-linux docker.io python3-docker tmux curl
command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
