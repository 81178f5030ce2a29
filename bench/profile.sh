#!/usr/bin/env bash
# bench/profile.sh: where the time of a create goes, mydocker next to runc. Not part of `make bench`;
# run it by hand (as root) after `make build`:  bash bench/profile.sh
# It prints a summary and keeps the raw traces in bench/results/profile/ (not committed). Sections
# 2 to 5 run once per config of the benchmark (bench/lib.sh: mydocker spec's, runc spec's, dockerd's).
#
#   1. the floor: a runtime process that does nothing (`version`) against /bin/true
#   2. wall and CPU time (user + system) of each verb, from GNU time
#   3. mydocker's create by phase, from the timestamps of `mydocker --debug --log FILE`
#   4. system calls of a create (strace -c -f; the container's init is followed until it execs)
#   5. the longest stretches without a system call in a create (strace -f -ttt): CPU-bound work
#   6. with BENCH_PERF=1 and perf installed: the hottest functions of 30 creates (perf record).
#      Symbols need an unstripped mydocker:
#        dotnet publish src/Cli/MyDocker.Cli.csproj -c Release -r linux-x64 -p:StripSymbols=false -o /tmp/mdprof
#        BENCH_PERF=1 MYDOCKER=/tmp/mdprof/mydocker bash bench/profile.sh
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/bench/lib.sh"
N=${BENCH_PROFILE_ITERATIONS:-20}
DIR=${BENCH_PROFILE_DIR:-$REPO/bench/results/profile}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# time_ms CMD...: median wall ms of N runs.
time_ms() {
  local i t0
  for ((i = 0; i < N; i++)); do
    now; t0=$NOW; "$@" </dev/null >/dev/null 2>&1; now; echo $((NOW - t0))
  done | median | awk '{ printf "%.2f", $1 / 1000 }'
}

# cpu NAME VERB ARGS...: "wall ms, CPU ms" medians of N runs, from bash's `time` (getrusage of
# the children it waited for: the runtime process and whatever it reaped, not a detached init).
cpu() {
  local n=$1 verb=$2 i id TIMEFORMAT='%3R %3U %3S'; shift 2
  : > "$WORK/cpu"
  for ((i = 0; i < N; i++)); do
    id=$PREFIX-cpu-$i
    case $verb in
      create) { time rt "$n" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1; } 2>> "$WORK/cpu"
              rt "$n" delete --force "$id" >/dev/null 2>&1 ;;
      start)  rt "$n" create --bundle "$BUNDLE" --pid-file "$WORK/p" "$id" </dev/null >/dev/null 2>&1
              { time rt "$n" start "$id" </dev/null >/dev/null 2>&1; } 2>> "$WORK/cpu"
              read_pid "$WORK/p"; wait_exit "$PID"; rt "$n" delete --force "$id" >/dev/null 2>&1 ;;
      delete) rt "$n" run --detach --bundle "$BUNDLE" --pid-file "$WORK/p" "$id" </dev/null >/dev/null 2>&1
              read_pid "$WORK/p"; wait_exit "$PID"
              { time rt "$n" delete "$id" </dev/null >/dev/null 2>&1; } 2>> "$WORK/cpu" ;;
      *)      { time rt "$n" "$verb" "$@" </dev/null >/dev/null 2>&1; } 2>> "$WORK/cpu" ;;
    esac
  done
  printf "%6s ms wall, %6s ms CPU" "$(awk '{ print $1 * 1000 }' "$WORK/cpu" | median)" "$(awk '{ print ($2 + $3) * 1000 }' "$WORK/cpu" | median)"
}

# traced_create NAME ID STRACE-ARGS...: strace -f of `create`; once it has written its pid file the
# container is started (untraced), so that the traced init execs /bin/true and strace can end.
traced_create() {
  local n=$1 id=$2 sp i; shift 2
  rm -f "$WORK/p"
  strace -f "$@" "${BIN[$n]}" --root "${ROOT[$n]}" create --bundle "$BUNDLE" --pid-file "$WORK/p" "$id" </dev/null >/dev/null 2>&1 &
  sp=$!
  for ((i = 0; i < 1000; i++)); do [[ -s $WORK/p ]] && break; sleep 0.01; done
  sleep 0.2                                    # let the create process exit
  rt "$n" start "$id" >/dev/null 2>&1
  wait "$sp"
  rt "$n" delete --force "$id" >/dev/null 2>&1
}

main() {
echo "== 1. process floor (median wall of $N; includes bash's fork+exec)"
printf "  %-30s %s ms\n" "/bin/true" "$(time_ms /bin/true)"
for n in "${RUNTIMES[@]}"; do printf "  %-30s %s ms\n" "$n --version" "$(time_ms "${BIN[$n]}" --version)"; done

for CONFIG in "${CONFIGS[@]}"; do
BUNDLE=${BUNDLES[$CONFIG]}
echo
echo "######## config: $CONFIG (${CONFIG_NOTES[$CONFIG]})"
echo
echo "== 2. wall and CPU (user + system) of each verb, median of $N"
for n in "${RUNTIMES[@]}"; do
  rt "$n" create --bundle "$BUNDLE" "$PREFIX-st" </dev/null >/dev/null 2>&1
  for verb in create start state delete; do
    if [[ $verb == state ]]; then printf "  %-9s %-7s %s\n" "$n" "$verb" "$(cpu "$n" state "$PREFIX-st")"
    else printf "  %-9s %-7s %s\n" "$n" "$verb" "$(cpu "$n" "$verb")"; fi
  done
  rt "$n" delete --force "$PREFIX-st" >/dev/null 2>&1
done

echo
echo "== 3. mydocker create by phase (--debug --log timestamps; median ms of $N)"
: > "$WORK/phases"
for ((i = 0; i < N; i++)); do
  rm -f "$WORK/dbg.log"
  now; t0=$NOW
  rt mydocker --debug --log "$WORK/dbg.log" create --bundle "$BUNDLE" "$PREFIX-ph$i" </dev/null >/dev/null 2>&1
  now; t1=$NOW
  rt mydocker delete --force "$PREFIX-ph$i" >/dev/null 2>&1
  # time="2026-01-01T00:00:00.1234567Z" -> microseconds of the day, next to bash's clock
  awk -v t0="$t0" -v t1="$t1" -F'"' '
    { split($2, d, "T"); split(d[2], h, ":"); us = ((h[1] * 60 + h[2]) * 60 + h[3]) * 1e6; n++; t[n] = us; m[n] = $4 }
    END {
      day = 86400e6; b = t0 % day; e = t1 % day; prev = b; label = "process start -> "
      for (i = 1; i <= n; i++) { printf "%s%s\t%.0f\n", label, m[i], t[i] - prev; prev = t[i]; label = "" }
      printf "-> create exits\t%.0f\n", e - prev
    }' "$WORK/dbg.log" | sed 's/, pid [0-9]*//; s/ from [^\t]*//' >> "$WORK/phases"
done
awk -F'\t' '{ print $1 }' "$WORK/phases" | awk '!seen[$0]++' | while IFS= read -r label; do
  printf "  %-52s %s ms\n" "$label" "$(awk -F'\t' -v l="$label" '$1 == l { print $2 / 1000 }' "$WORK/phases" | median)"
done
echo "  (\"config.json loaded\" comes after reading and validating it; \"init started\" after the"
echo "   clone and the child's exec of \`mydocker init\`; \"ready\" after init's mounts and pivot_root)"

echo
echo "== 4. system calls of one create, init followed until it execs /bin/true (strace -c -f)"
for n in "${RUNTIMES[@]}"; do
  traced_create "$n" "$PREFIX-sc" -c -o "$DIR/strace-c-create.$CONFIG.$n.txt"
  echo "  -- $n: $(awk '$NF == "total" { print $4 " calls, " (NF == 6 ? $5 : 0) " failed" }' "$DIR/strace-c-create.$CONFIG.$n.txt"); top 8 by time:"
  sed -n '3,10p' "$DIR/strace-c-create.$CONFIG.$n.txt" | awk '{ printf "     %-16s %6s calls %8s us\n", $NF, $4, $2 * 1e6 }'
done

echo
echo "== 5. longest gaps between system calls in one create (strace -f -ttt; strace slows everything)"
for n in "${RUNTIMES[@]}"; do
  traced_create "$n" "$PREFIX-sr" -ttt -o "$DIR/strace-ttt-create.$CONFIG.$n.txt"
  f=$DIR/strace-ttt-create.$CONFIG.$n.txt
  echo "  -- $n: $(wc -l < "$f") lines, $(awk 'NR == 1 { a = $2 } { b = $2 } END { printf "%.1f", (b - a) * 1000 }' "$f") ms traced; gaps >= 1 ms until create exits (ms, then the call that ended it):"
  awk 'NR == 1 { main = $1 } $1 == main && /\+\+\+ exited/ { exit }
       { if (p && $2 - p >= 0.001) printf "     %5.1f  pid %s %s\n", ($2 - p) * 1000, $1, substr($3, 1, 90); p = $2 }' "$f" | head -n 12
done
done   # configs

if [[ ${BENCH_PERF:-0} == 1 ]] && command -v perf >/dev/null; then
  echo
  echo "== 6. perf: hottest functions (inclusive) of 30 mydocker creates"
  for ((i = 0; i < 30; i++)); do echo "\"${BIN[mydocker]}\" --root \"${ROOT[mydocker]}\" create --bundle \"$BUNDLE\" $PREFIX-pf$i"; done > "$WORK/loop.sh"
  perf record -q -F 10000 -g -o "$DIR/perf-create.data" -- bash "$WORK/loop.sh" </dev/null >/dev/null 2>&1
  delete_all mydocker
  perf report -i "$DIR/perf-create.data" --comm mydocker --children --sort sym --stdio -g none 2>/dev/null </dev/null |
    grep '%' | head -n 40 | cut -c 1-150
fi
echo
echo "raw traces: ${DIR#"$REPO"/}/"
}

setup
command -v strace >/dev/null || die "needs strace (apt-get install strace)"
mkdir -p "$DIR"
main 2>&1 | tee "$DIR/summary.txt"
