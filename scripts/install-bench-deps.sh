#!/bin/sh
# What `make bench` needs besides the build (run as root; only missing packages are installed):
#   jq time                the runtime benchmark (bench/bench.sh) edits config.json and reads peak RSS
#   runc                   the runtime benchmark's yardstick, and the runtime under docker and podman
#   docker.io              the engine benchmark (bench/engine.sh) starts its own dockerd (+ containerd)
#   podman                 ... and runs podman (with conmon and runc)
set -eu
sh "$(dirname "$0")/apt-install.sh" install-bench-deps jq time runc docker.io podman
