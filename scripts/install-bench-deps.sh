#!/bin/sh
# What `make bench` needs besides the build (run as root; only missing packages are installed):
#   jq time                the runtime benchmark (bench/bench.sh) edits config.json and reads peak RSS
#   runc                   the runtime benchmark's yardstick, and the runtime under docker and podman
#   docker.io              the engine benchmark (bench/engine.sh) starts its own dockerd (+ containerd)
#   podman                 ... and runs podman (with conmon and runc)
# docker.io's and podman's services are not started by the install (a policy-rc.d refuses them).
set -eu
pkgs="jq time runc docker.io podman"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-bench-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
own_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; own_policy=1; fi
apt-get update -qq
apt-get install -y -qq $missing >/dev/null || { [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
[ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
