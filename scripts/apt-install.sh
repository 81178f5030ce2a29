#!/bin/sh
# sh scripts/apt-install.sh WHO PKG...: installs the packages that are missing (run as root), so a
# second run costs a few dpkg queries. WHO names the caller in its one line of output.
# Installing docker.io must not start dockerd (a bridge, iptables rules, ip_forward), nor any other
# service: a policy-rc.d that refuses every service start is in place for the time of the install,
# unless one exists already.
set -eu
who=$1; shift
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "$who: installing$missing"
export DEBIAN_FRONTEND=noninteractive
own_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; own_policy=1; fi
apt-get update -qq
apt-get install -y -qq $missing >/dev/null || { [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
[ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
