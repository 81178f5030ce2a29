#!/bin/sh
# tests/engines/cni-inner-veth.sh: a CNI plugin for the CRI test, in a few lines of shell. ADD gives the
# pod an eth0 with a fixed address: one end of a veth pair whose other end stays inside the pod's
# network namespace too (this VM's kernel has no dummy interfaces). The pod has a network namespace
# and an interface, as containerd's CRI plugin requires, and the host's own network is not touched
# (no bridge, no route, nothing on the host's side). DEL has nothing to undo: both ends go with the
# namespace. (The CNI protocol: CNI_COMMAND, CNI_NETNS, CNI_IFNAME in the environment, the
# network's configuration on stdin, a JSON result on stdout.)
set -eu
cat > /dev/null   # the configuration: nothing in it is needed
case "${CNI_COMMAND:-}" in
  VERSION) echo '{"cniVersion": "0.4.0", "supportedVersions": ["0.3.0", "0.3.1", "0.4.0"]}' ;;
  ADD)
    nsenter --net="$CNI_NETNS" ip link add "$CNI_IFNAME" type veth peer name "${CNI_IFNAME}peer"
    nsenter --net="$CNI_NETNS" ip addr add 10.199.0.2/24 dev "$CNI_IFNAME"
    nsenter --net="$CNI_NETNS" ip link set "${CNI_IFNAME}peer" up
    nsenter --net="$CNI_NETNS" ip link set "$CNI_IFNAME" up
    printf '{"cniVersion": "0.4.0", "interfaces": [{"name": "%s", "sandbox": "%s"}], "ips": [{"version": "4", "address": "10.199.0.2/24", "interface": 0}]}\n' \
      "$CNI_IFNAME" "$CNI_NETNS" ;;
  DEL|CHECK) ;;
  *) echo "{\"code\": 4, \"msg\": \"unknown CNI_COMMAND ${CNI_COMMAND:-}\"}"; exit 1 ;;
esac
