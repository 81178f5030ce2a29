#!/bin/sh
# The engine's one-time set-up on this machine (as root), like a package's postinst:
#   group mydocker   members may use the daemon's socket (usermod -aG mydocker USER, then log in again)
#   user mydocker    owns nothing and never logs in; /etc/subuid and /etc/subgid give it the host ids
#                    100000-165535, which containers' root and users map to (like Docker's "dockremap")
# Safe to run again: it changes only what is missing.
set -eu
getent group mydocker >/dev/null || groupadd --system mydocker
id mydocker >/dev/null 2>&1 || useradd --system --no-create-home --gid mydocker --shell /usr/sbin/nologin mydocker
grep -q '^mydocker:' /etc/subuid 2>/dev/null || usermod --add-subuids 100000-165535 mydocker
grep -q '^mydocker:' /etc/subgid 2>/dev/null || usermod --add-subgids 100000-165535 mydocker
echo "engine-setup: group mydocker, user mydocker, subordinate ids $(grep '^mydocker:' /etc/subuid | cut -d: -f2,3 | tr : +)"
