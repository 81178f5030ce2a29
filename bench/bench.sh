#!/usr/bin/env bash
# bench/bench.sh: mydocker against runc (and crun where it can run here), in one run on one machine.
# `make bench` builds mydocker and runs this; `make bench-smoke` runs it with 3 iterations.
# How to read the output: docs/PERFORMANCE.md.
#
#   BENCH_ITERATIONS=50        samples of run, of the create/start/wait/delete cycle, of state
#   BENCH_BATCHES=min(I,10)    rounds of the concurrent case
#   BENCH_CONCURRENCY=50       containers per concurrent round
#   BENCH_RSS_ITERATIONS=min(I,10)  samples of peak RSS
#   BENCH_WARMUP=3             unrecorded rounds per runtime before measuring
#   BENCH_OUT=bench/results/latest.md
#   BENCH_STRICT=1             also exit 1 when a target is missed (failures always exit 1)
#   MYDOCKER, RUNC, CRUN       the binaries (default out/mydocker, /usr/sbin/runc, /usr/bin/crun)
#
# Every figure is a median over its samples, with min and max; the runtimes take turns within each
# iteration (the order rotates), so that machine noise hits all of them alike.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/bench/lib.sh"

ITER=${BENCH_ITERATIONS:-50}
BATCHES=${BENCH_BATCHES:-$((ITER < 10 ? ITER : 10))}
CONC=${BENCH_CONCURRENCY:-50}
RSS_ITER=${BENCH_RSS_ITERATIONS:-$((ITER < 10 ? ITER : 10))}
WARMUP=${BENCH_WARMUP:-3}
OUT=${BENCH_OUT:-$REPO/bench/results/latest.md}

declare -A FAILED=()   # "measure runtime" -> failed invocations
RECORD=0               # 0 while warming up: nothing is kept
LEAKED=0

# sample MEASURE NAME VALUE: one sample (microseconds, or KiB for rss.*).
sample() { ((RECORD)) && echo "$3" >> "$WORK/samples/$1.$2"; return 0; }

# op MEASURE NAME ARGS...: `rt NAME ARGS...`, output discarded; a failure is counted and its
# message kept for the report.
op() {
  local m=$1 n=$2; shift 2
  rt "$n" "$@" </dev/null >/dev/null 2>"$WORK/err" && return 0
  FAILED["$m $n"]=$((${FAILED["$m $n"]:-0} + 1))
  echo "$n $m: $* -> $(head -c 300 "$WORK/err")" >> "$WORK/errors"
  return 1
}

# order I: the runtimes, rotated by I.
order() {
  local k=$(($1 % ${#RUNTIMES[@]}))
  echo "${RUNTIMES[@]:k}" "${RUNTIMES[@]:0:k}"
}

# (a) `run` of the /bin/true bundle: create, start, wait and delete in one invocation.
measure_run() {
  local n=$1 id=$PREFIX-r$2-$1 t0
  now; t0=$NOW
  if op run "$n" run --bundle "$BUNDLE" "$id"; then
    now; sample run "$n" $((NOW - t0))
  else
    rt "$n" delete --force "$id" >/dev/null 2>&1
  fi
}

# (f) `run` of the same container in the host's pid namespace (init runs from a sealed view of the binary).
measure_run_hostpid() {
  local n=$1 id=$PREFIX-h$2-$1 t0
  now; t0=$NOW
  if op run.hostpid "$n" run --bundle "$BUNDLE_HOSTPID" "$id"; then
    now; sample run.hostpid "$n" $((NOW - t0))
  else
    rt "$n" delete --force "$id" >/dev/null 2>&1
  fi
}

# (b) the same life cycle as four separate invocations, as an engine drives it:
#     create, start, wait for the container's process to end, delete.
measure_cycle() {
  local n=$1 id=$PREFIX-c$2-$1 t0 t1 t2 t3 pid
  now; t0=$NOW
  if op cycle "$n" create --bundle "$BUNDLE" --pid-file "$WORK/$id.pid" "$id"; then
    now; t1=$NOW
    if op cycle "$n" start "$id"; then
      now; t2=$NOW
      read_pid "$WORK/$id.pid"; pid=$PID
      if wait_exit "$pid"; then
        now; t3=$NOW
        if op cycle "$n" delete "$id"; then
          now
          sample cycle "$n" $((NOW - t0))
          sample cycle.create "$n" $((t1 - t0))
          sample cycle.start "$n" $((t2 - t1))
          sample cycle.wait "$n" $((t3 - t2))
          sample cycle.delete "$n" $((NOW - t3))
          return
        fi
      else
        FAILED["cycle $n"]=$((${FAILED["cycle $n"]:-0} + 1))
        echo "$n cycle: pid $pid of $id did not exit within 10 s" >> "$WORK/errors"
      fi
    fi
  fi
  rt "$n" delete --force "$id" >/dev/null 2>&1
}

# (d) `state` of a container that exists and is created (made once per runtime, below).
measure_state() {
  local n=$1 t0
  now; t0=$NOW
  op state "$n" state "$PREFIX-state" && { now; sample state "$n" $((NOW - t0)); }
}

# (c) CONC containers created and started concurrently (create && start per container, all at
# once), then, once all have stopped, deleted concurrently. Wall-clock time of each phase; a
# container counts as failed when any of its invocations fails.
measure_concurrent() {
  local n=$1 k=$2 j t0 t1 t2 bad=0
  local -a ids=() bg=() failed=()
  now; t0=$NOW
  for ((j = 0; j < CONC; j++)); do
    ids[j]=$PREFIX-k$k-$j-$n
    { rt "$n" create --bundle "$BUNDLE" --pid-file "$WORK/${ids[j]}.pid" "${ids[j]}" &&
        rt "$n" start "${ids[j]}"; } </dev/null >/dev/null 2>>"$WORK/conc.err" &
    bg[j]=$!
  done
  for ((j = 0; j < CONC; j++)); do wait "${bg[j]}" || failed[j]=1; done
  now; t1=$NOW
  for ((j = 0; j < CONC; j++)); do      # untimed: every /bin/true has ended before the deletes
    [[ -z ${failed[j]:-} ]] && read_pid "$WORK/${ids[j]}.pid" && { wait_exit "$PID" || failed[j]=1; }
  done
  now; t2=$NOW
  for ((j = 0; j < CONC; j++)); do
    [[ -n ${failed[j]:-} ]] && continue
    rt "$n" delete "${ids[j]}" </dev/null >/dev/null 2>>"$WORK/conc.err" &
    bg[j]=$!
  done
  for ((j = 0; j < CONC; j++)); do
    [[ -z ${failed[j]:-} ]] && { wait "${bg[j]}" || failed[j]=1; }
  done
  now
  for ((j = 0; j < CONC; j++)); do
    [[ -n ${failed[j]:-} ]] && { bad=$((bad + 1)); rt "$n" delete --force "${ids[j]}" >/dev/null 2>&1; }
  done
  ((RECORD)) || return 0
  FAILED["concurrent $n"]=$((${FAILED["concurrent $n"]:-0} + bad))
  sample conc.start "$n" $((t1 - t0))
  sample conc.delete "$n" $((NOW - t2))
  sample conc "$n" $((t1 - t0 + NOW - t2))
}

# (e) peak RSS (KiB) of the runtime's own process, from wait4's ru_maxrss via GNU time.
# ru_maxrss also covers children the runtime waited for, and the ~1 MiB of time's own image
# before the exec.
rss_of() { # MEASURE NAME ARGS...
  local m=$1 n=$2 kb; shift 2
  if /usr/bin/time -f %M -o "$WORK/rss" "${BIN[$n]}" --root "${ROOT[$n]}" "$@" </dev/null >/dev/null 2>"$WORK/err"; then
    kb=$(tail -n 1 "$WORK/rss"); sample "$m" "$n" "$kb"; return 0
  fi
  FAILED["$m $n"]=$((${FAILED["$m $n"]:-0} + 1))
  echo "$n $m: $* -> $(head -c 300 "$WORK/err")" >> "$WORK/errors"
  return 1
}
measure_rss() {
  local n=$1 id=$PREFIX-m$2-$1
  rss_of rss.state "$n" state "$PREFIX-state"
  rss_of rss.create "$n" create --bundle "$BUNDLE" "$id"
  rt "$n" delete --force "$id" >/dev/null 2>&1
  rss_of rss.run "$n" run --bundle "$BUNDLE" "$id-run" || rt "$n" delete --force "$id-run" >/dev/null 2>&1
}

# --- statistics and the report ------------------------------------------------------------------

# stats MEASURE NAME: "median min max count" of the samples, or nothing.
stats() {
  local f=$WORK/samples/$1.$2
  [[ -s $f ]] || return 0
  sort -n "$f" | awk '{ v[NR] = $1 }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR], NR }'
}

# cell MEASURE NAME UNIT: "median (min–max)" in ms, MiB.
cell() {
  local s; s=$(stats "$1" "$2")
  [[ -n $s ]] || { echo "n/a"; return; }
  case $3 in
    ms)  awk -v s="$s" 'BEGIN { split(s, a, " "); printf "%.2f (%.2f–%.2f)", a[1] / 1000, a[2] / 1000, a[3] / 1000 }' ;;
    MiB) awk -v s="$s" 'BEGIN { split(s, a, " "); printf "%.1f (%.1f–%.1f)", a[1] / 1024, a[2] / 1024, a[3] / 1024 }' ;;
  esac
}

# ratio MEASURE NAME: NAME's median over runc's, e.g. 0.52.
ratio() {
  local a b; a=$(stats "$1" "$2"); b=$(stats "$1" runc)
  [[ -n $a && -n $b ]] || { echo "n/a"; return; }
  awk -v a="${a%% *}" -v b="${b%% *}" 'BEGIN { printf "%.2f", a / b }'
}

# verdict MEASURE LIMIT: "yes"/"**no**" for mydocker ÷ runc ≤ LIMIT.
verdict() {
  local r; r=$(ratio "$1" mydocker)
  if [[ $r != n/a ]] && awk -v r="$r" -v l="$2" 'BEGIN { exit !(r <= l) }'; then echo yes; else echo "**no**"; fi
}

# row LABEL MEASURE UNIT [TARGET-RATIO]
row() {
  local label=$1 m=$2 unit=$3 limit=${4:-} n line
  line="| $label |"
  for n in "${RUNTIMES[@]}"; do line+=" $(cell "$m" "$n" "$unit") |"; done
  line+=" $(ratio "$m" mydocker) |"
  if [[ -n $limit ]]; then line+=" ≤ $limit × runc | $(verdict "$m" "$limit") |"; else line+=" | |"; fi
  echo "$line"
}

size_of() { # NAME: "4.2 MB, static" style
  local b=${BIN[$1]} libs
  libs=$(ldd "$b" 2>/dev/null | grep -cv -e 'linux-vdso' -e 'ld-linux' -e 'statically linked' -e 'not a dynamic')
  awk -v s="$(stat -L -c %s "$b")" -v l="$libs" 'BEGIN { printf "%.2f MB (+%d shared libs)", s / 1e6, l }'
}

report() {
  local n line total conc_ok=yes
  echo "# mydocker vs runc$([[ " ${RUNTIMES[*]} " == *" crun "* ]] && echo " vs crun"): benchmark results"
  echo
  echo "Generated by \`make bench\` (bench/bench.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'). How to read it: docs/PERFORMANCE.md."
  echo
  echo "- host: $(uname -sr), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), cgroups $(
    if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then echo v2; elif [[ -d /sys/fs/cgroup/unified ]]; then echo "hybrid (v1 + v2)"; else echo v1; fi)"
  for n in "${RUNTIMES[@]}"; do
    echo "- $n: ${BIN[$n]}, $("${BIN[$n]}" --version 2>/dev/null | head -n 1 | sed 's/ version//')$(
      [[ $n == mydocker ]] && echo ", commit $("${BIN[$n]}" --version 2>/dev/null | sed -n 's/^commit: //p')$(
        [[ -n $(git -C "$REPO" status --porcelain -- src 2>/dev/null) ]] && echo " plus uncommitted changes in src/")")"
  done
  for line in "${NOTES[@]}"; do echo "- $line"; done
  echo "- load average (1 min) before the run: $LOAD0 (the figures mean most when it is near 0: other work on the machine slows both runtimes and widens the spread)"
  echo "- samples: $ITER of run, cycle and state; $BATCHES rounds of $CONC concurrent containers; $RSS_ITER of each RSS; $WARMUP warm-up rounds per runtime first"
  echo "- bundle: busybox rootfs, \`mydocker spec\` with ociVersion 1.0.2-dev, terminal false, args [\"/bin/true\"], the same for every runtime"
  echo
  echo "Times in ms, memory in MiB: median (min–max). Ratio = mydocker median ÷ runc median."
  echo
  line="| measure |"; for n in "${RUNTIMES[@]}"; do line+=" $n |"; done
  echo "$line mydocker ÷ runc | target | met |"
  line="|---|"; for n in "${RUNTIMES[@]}"; do line+="---|"; done
  echo "$line---|---|---|"
  row "(a) \`run\` /bin/true" run ms 0.6
  row "(b) create + start + wait + delete" cycle ms 0.6
  row "&nbsp;&nbsp;create" cycle.create ms
  row "&nbsp;&nbsp;start" cycle.start ms
  row "&nbsp;&nbsp;wait (process gone)" cycle.wait ms
  row "&nbsp;&nbsp;delete" cycle.delete ms
  row "(c) $CONC concurrent: create + start (wall)" conc.start ms
  row "&nbsp;&nbsp;then $CONC concurrent deletes (wall)" conc.delete ms
  row "&nbsp;&nbsp;both phases" conc ms
  line="| (c) failed containers |"
  for n in "${RUNTIMES[@]}"; do
    total=$((BATCHES * CONC))
    line+=" ${FAILED["concurrent $n"]:-0} of $total |"
  done
  [[ ${FAILED["concurrent mydocker"]:-0} -eq 0 ]] || conc_ok="**no**"
  echo "$line | 0 | $conc_ok |"
  row "(d) \`state\` of a created container" state ms 0.5
  row "(f) \`run\` /bin/true in the host's pid namespace (init from a sealed view of the binary)" run.hostpid ms 0.6
  row "(e) peak RSS of \`state\`" rss.state MiB 1.0
  row "(e) peak RSS of \`create\`" rss.create MiB 1.0
  row "(e) peak RSS of \`run\`" rss.run MiB 1.0
  line="| (e) binary size |"
  for n in "${RUNTIMES[@]}"; do line+=" $(size_of "$n") |"; done
  echo "$line | | |"
  echo
  line=
  for n in "${!FAILED[@]}"; do [[ $n == concurrent* ]] || line+=" $n: ${FAILED[$n]};"; done
  echo "Failed invocations outside the concurrent case:${line:- none}"
  if [[ -s $WORK/errors || -s $WORK/conc.err ]]; then
    echo
    echo "First errors:"
    echo
    echo '```'
    cat "$WORK/errors" "$WORK/conc.err" 2>/dev/null | sort | uniq -c | sort -rn | head -n 10
    echo '```'
  fi
}

# --- main --------------------------------------------------------------------------------------

LOAD0=$(cut -d ' ' -f 1 /proc/loadavg)
setup
mkdir -p "$WORK/samples"
say "measuring: ${RUNTIMES[*]}${NOTES:+ (${NOTES[*]})}"

for n in "${RUNTIMES[@]}"; do
  rt "$n" create --bundle "$BUNDLE" "$PREFIX-state" </dev/null >/dev/null || die "$n: create of the state container failed"
done

say "warm-up: $WARMUP rounds per runtime"
for ((i = 0; i < WARMUP; i++)); do
  for n in "${RUNTIMES[@]}"; do
    measure_run "$n" w$i; measure_cycle "$n" w$i; measure_state "$n"; measure_rss "$n" w$i; measure_run_hostpid "$n" w$i
  done
done
for n in "${RUNTIMES[@]}"; do measure_concurrent "$n" w; done
: > "$WORK/errors"; : > "$WORK/conc.err"; FAILED=()   # warm-up failures are not results
RECORD=1

say "run / cycle / state: $ITER iterations"
for ((i = 1; i <= ITER; i++)); do
  for n in $(order "$i"); do
    measure_run "$n" "$i"; measure_cycle "$n" "$i"; measure_state "$n"; measure_run_hostpid "$n" "$i"
  done
  ((i % 10 == 0)) && say "  $i/$ITER"
done

say "concurrent: $BATCHES rounds of $CONC containers"
for ((i = 1; i <= BATCHES; i++)); do
  for n in $(order "$i"); do measure_concurrent "$n" "$i"; done
done

say "peak RSS: $RSS_ITER samples"
for ((i = 1; i <= RSS_ITER; i++)); do
  for n in $(order "$i"); do measure_rss "$n" "$i"; done
done

for n in "${RUNTIMES[@]}"; do rt "$n" delete --force "$PREFIX-state" >/dev/null 2>&1; done
check_leaks     # every container is deleted now: anything left of one is a runtime's leak

mkdir -p "$(dirname "$OUT")"
report > "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
echo
cat "$OUT"
echo
say "written to ${OUT#"$REPO"/}"

status=0
MISSED=0
grep -q '[*][*]no[*][*]' "$OUT" && MISSED=1
((LEAKED)) && { status=1; say "FAILED: a runtime leaked processes, mounts or cgroups (see above)"; }
((${#FAILED[@]})) && for n in "${FAILED[@]}"; do ((n)) && status=1; done
((status)) && say "FAILED: some runtime invocations failed (see the report)"
((MISSED)) && say "note: some targets are missed (see the table)"
((MISSED && ${BENCH_STRICT:-0})) && status=1
exit $status
