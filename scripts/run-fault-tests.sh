#!/bin/sh
# Runs tests/MyDocker.FaultTests: the soak (SOAK_CYCLES cycles, default 1000) and fault-injection
# tests. Too long for scripts/run-tests.sh, which skips them. Real containers: run as root, after
# `make build`. Ends with one line "N passed, M failed", like run-tests.sh.
set -u
cd "$(dirname "$0")/.."
. scripts/cgroup-parents.sh; cgroup_parents_note mydocker
out=$(mktemp)
# Detailed verbosity shows what the tests print (the soak's timing).
dotnet test tests/MyDocker.FaultTests --nologo --logger "console;verbosity=detailed" 2>&1 | tee "$out"
# At this verbosity the summary is "Total tests: N" / "Passed: N" / "Failed: N" lines.
p=$(sed -n 's/^ *Passed: *\([0-9]*\)$/\1/p' "$out" | tail -n 1); f=$(sed -n 's/^ *Failed: *\([0-9]*\)$/\1/p' "$out" | tail -n 1)
total=$(sed -n 's/^Total tests: *\([0-9]*\)$/\1/p' "$out" | tail -n 1)
rm -f "$out"
cgroup_parents_restore
if [ -z "$total" ]; then echo "run-fault-tests: no test summary (build failure?)"; p=0; f=1; fi
echo "${p:-0} passed, ${f:-0} failed"
[ "${f:-0}" -eq 0 ]
