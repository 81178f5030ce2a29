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
#                          our daemon; dockerd itself is never started by MyDocker
#   tmux                   the engine's TTY tests read the screen of a real terminal
#   curl                   the engine tests send raw HTTP to the socket with it
# (schema/ holds a copy of the OCI JSON schema from Debian's golang-github-opencontainers-specs-dev)
set -eu
pkgs="clang lld zlib1g-dev busybox-static uidmap slirp4netns bsdutils file runc libseccomp-dev libc6-dev util-linux docker.io python3-docker tmux curl"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "install-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  # Installing docker.io must not start dockerd (a bridge, iptables rules, ip_forward): a
  # policy-rc.d that refuses every service start, for the time of the install, unless one exists.
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; own_policy=1; fi
  apt-get update -qq
  apt-get install -y -qq $missing >/dev/null || { [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
  [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
fi
command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
