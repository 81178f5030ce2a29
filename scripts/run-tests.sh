#!/bin/sh
# Runs every test project and prints one closing line "N passed, M failed" (CI reads it).
# Integration tests start real containers: run as root, after `make build`.
set -u
cd "$(dirname "$0")/.."
total_pass=0; total_fail=0; rc=0
# The slirp4netns hook's base directory (Runtime/Network/NetworkDir): the tests' containers make it;
# if it was not here before, it goes again at the end (empty: each container's own part is checked).
net_base=/run/mydocker-net; made_net_base=; [ -e "$net_base" ] || made_net_base=1
. scripts/cgroup-parents.sh; cgroup_parents_note mydocker
for proj in tests/*/*.csproj; do
  # The soak and fault-injection tests take many minutes: `make test-faults` runs them.
  case "$proj" in tests/MyDocker.FaultTests/*) echo "=== $proj: skipped (make test-faults)"; continue ;; esac
  # The CRI test needs a containerd with its CRI plugin, which `make test-engines` starts for it.
  case "$proj" in tests/MyDocker.CriTests/*) echo "=== $proj: skipped (make test-engines)"; continue ;; esac
  echo "=== $proj"
  out=$(mktemp)
  dotnet test "$proj" --nologo 2>&1 | tee "$out"
  line=$(grep -E '(Passed|Failed)!' "$out" | tail -n 1)
  p=$(echo "$line" | sed -n 's/.*Passed: *\([0-9]*\).*/\1/p'); f=$(echo "$line" | sed -n 's/.*Failed: *\([0-9]*\).*/\1/p')
  if [ -z "$line" ]; then echo "run-tests: $proj produced no test summary (build failure?)"; f=1; p=0; fi
  total_pass=$((total_pass + ${p:-0})); total_fail=$((total_fail + ${f:-0}))
  rm -f "$out"
done
[ -n "$made_net_base" ] && rmdir "$net_base" 2>/dev/null
cgroup_parents_restore
[ "$total_fail" -eq 0 ] || rc=1
echo "$total_pass passed, $total_fail failed"
exit $rc
