#!/usr/bin/env bash
# bench/bench.sh: mydocker against runc (and crun where it can run here), in one run on one machine,
# on three configs (bench/lib.sh: `mydocker spec`'s, `runc spec`'s, the one dockerd writes), with
# the kernel's floor (unshare + chroot + /bin/true) measured in the same run.
# `make bench` builds mydocker and runs this; `make bench-smoke` runs it with 3 iterations.
# How to read the output: docs/PERFORMANCE.md.
#
#   BENCH_ITERATIONS=50        samples of run, of the create/start/wait/delete cycle, of state, of exec
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

# order I: the runtimes, rotated by I (a warm-up round's "wN" by N).
order() {
  local i=${1#w}
  local k=$((i % ${#RUNTIMES[@]}))
  echo "${RUNTIMES[@]:k}" "${RUNTIMES[@]:0:k}"
}

# Every measure below takes NAME (the runtime), I (the iteration) and C (the config); its samples
# are kept per config ("run@engine").

# (a) `run` of the /bin/true bundle: create, start, wait and delete in one invocation.
measure_run() {
  local n=$1 c=$3 id=$PREFIX-r$2-$3-$1 t0
  now; t0=$NOW
  if op "run@$c" "$n" run --bundle "${BUNDLES[$c]}" "$id"; then
    now; sample "run@$c" "$n" $((NOW - t0))
  else
    rt "$n" delete --force "$id" >/dev/null 2>&1
  fi
}

# (f) `run` of mydocker spec's container in the host's pid namespace (init runs from a sealed view of the binary).
measure_run_hostpid() {
  local n=$1 id=$PREFIX-h$2-$1 t0
  now; t0=$NOW
  if op run.hostpid "$n" run --bundle "$BUNDLE_HOSTPID" "$id"; then
    now; sample run.hostpid "$n" $((NOW - t0))
  else
    rt "$n" delete --force "$id" >/dev/null 2>&1
  fi
}

# The kernel's floor: util-linux unshare into new pid, mount, ipc, uts and network namespaces,
# /proc mounted, chroot into the same rootfs, /bin/true. No runtime does less.
measure_floor() {
  local t0
  now; t0=$NOW
  if unshare -fpmiun --mount-proc chroot "$BUNDLE/rootfs" /bin/true </dev/null >/dev/null 2>"$WORK/err"; then
    now; sample floor unshare $((NOW - t0))
  else
    FAILED["floor unshare"]=$((${FAILED["floor unshare"]:-0} + 1))
    echo "unshare floor: $(head -c 300 "$WORK/err")" >> "$WORK/errors"
  fi
}

# (b) the same life cycle as four separate invocations, as an engine drives it:
#     create, start, wait for the container's process to end, delete.
measure_cycle() {
  local n=$1 c=$3 id=$PREFIX-c$2-$3-$1 t0 t1 t2 t3 pid m=cycle@$3
  now; t0=$NOW
  if op "$m" "$n" create --bundle "${BUNDLES[$c]}" --pid-file "$WORK/$id.pid" "$id"; then
    now; t1=$NOW
    if op "$m" "$n" start "$id"; then
      now; t2=$NOW
      read_pid "$WORK/$id.pid"; pid=$PID
      if wait_exit "$pid"; then
        now; t3=$NOW
        if op "$m" "$n" delete "$id"; then
          now
          sample "$m" "$n" $((NOW - t0))
          sample "create@$c" "$n" $((t1 - t0))
          sample "start@$c" "$n" $((t2 - t1))
          sample "wait@$c" "$n" $((t3 - t2))
          sample "delete@$c" "$n" $((NOW - t3))
          return
        fi
      else
        FAILED["$m $n"]=$((${FAILED["$m $n"]:-0} + 1))
        echo "$n $m: pid $pid of $id did not exit within 10 s" >> "$WORK/errors"
      fi
    fi
  fi
  rt "$n" delete --force "$id" >/dev/null 2>&1
}

# (d) `state` of a container that exists and is created (made once per runtime and config, below).
measure_state() {
  local n=$1 c=$3 t0
  now; t0=$NOW
  op "state@$c" "$n" state "$PREFIX-state-$c" && { now; sample "state@$c" "$n" $((NOW - t0)); }
}

# (g) `exec` of /bin/true in a running container (a sleeper made once per runtime and config, below).
measure_exec() {
  local n=$1 c=$3 t0
  now; t0=$NOW
  op "exec@$c" "$n" exec "$PREFIX-sleep-$c" /bin/true && { now; sample "exec@$c" "$n" $((NOW - t0)); }
}

# (c) CONC containers created and started concurrently (create && start per container, all at
# once), then, once all have stopped, deleted concurrently. Wall-clock time of each phase; a
# container counts as failed when any of its invocations fails.
measure_concurrent() {
  local n=$1 k=$2 c=$3 j t0 t1 t2 bad=0
  local -a ids=() bg=() failed=()
  now; t0=$NOW
  for ((j = 0; j < CONC; j++)); do
    ids[j]=$PREFIX-k$k-$c-$j-$n
    { rt "$n" create --bundle "${BUNDLES[$c]}" --pid-file "$WORK/${ids[j]}.pid" "${ids[j]}" &&
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
  FAILED["concurrent@$c $n"]=$((${FAILED["concurrent@$c $n"]:-0} + bad))
  sample "conc.start@$c" "$n" $((t1 - t0))
  sample "conc.delete@$c" "$n" $((NOW - t2))
  sample "conc@$c" "$n" $((t1 - t0 + NOW - t2))
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
  local n=$1 c=$3 id=$PREFIX-m$2-$3-$1
  rss_of "rss.state@$c" "$n" state "$PREFIX-state-$c"
  rss_of "rss.create@$c" "$n" create --bundle "${BUNDLES[$c]}" "$id"
  rt "$n" delete --force "$id" >/dev/null 2>&1
  rss_of "rss.run@$c" "$n" run --bundle "${BUNDLES[$c]}" "$id-run" || rt "$n" delete --force "$id-run" >/dev/null 2>&1
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

# floor_row: the floor, and mydocker's `run` of its own spec's config over it.
floor_row() {
  local f m r ok="**no**"
  f=$(stats floor unshare); m=$(stats run@mydocker mydocker)
  [[ -n $f && -n $m ]] || { echo "| kernel floor (unshare -fpmiun --mount-proc, chroot, /bin/true) | $(cell floor unshare ms) | | | | |"; return; }
  r=$(awk -v a="${m%% *}" -v b="${f%% *}" 'BEGIN { printf "%.2f", a / b }')
  awk -v r="$r" 'BEGIN { exit !(r <= 2.5) }' && ok=yes
  echo "| kernel floor: unshare -fpmiun --mount-proc, chroot, /bin/true | $(cell floor unshare ms) | mydocker's \`run\` (mydocker spec) ÷ floor | $r | ≤ 2.5 × floor | $ok |"
}

# config_table C: the measures of config C.
config_table() {
  local c=$1 n line total conc_ok=yes
  line="| measure |"; for n in "${RUNTIMES[@]}"; do line+=" $n |"; done
  echo "$line mydocker ÷ runc | target | met |"
  line="|---|"; for n in "${RUNTIMES[@]}"; do line+="---|"; done
  echo "$line---|---|---|"
  row "(a) \`run\` /bin/true" "run@$c" ms 0.3
  row "(b) create + start + wait + delete" "cycle@$c" ms 0.35
  row "&nbsp;&nbsp;create" "create@$c" ms
  row "&nbsp;&nbsp;start" "start@$c" ms
  row "&nbsp;&nbsp;wait (process gone)" "wait@$c" ms
  row "&nbsp;&nbsp;delete" "delete@$c" ms
  row "(d) \`state\` of a created container" "state@$c" ms 0.35
  row "(g) \`exec\` /bin/true in a running container" "exec@$c" ms 0.4
  row "(c) $CONC concurrent: create + start (wall)" "conc.start@$c" ms
  row "&nbsp;&nbsp;then $CONC concurrent deletes (wall)" "conc.delete@$c" ms
  row "&nbsp;&nbsp;both phases" "conc@$c" ms
  line="| (c) failed containers |"
  for n in "${RUNTIMES[@]}"; do
    total=$((BATCHES * CONC))
    line+=" ${FAILED["concurrent@$c $n"]:-0} of $total |"
  done
  [[ ${FAILED["concurrent@$c mydocker"]:-0} -eq 0 ]] || conc_ok="**no**"
  echo "$line | 0 | $conc_ok |"
  row "(e) peak RSS of \`state\`" "rss.state@$c" MiB 0.5
  row "(e) peak RSS of \`create\`" "rss.create@$c" MiB 0.5
  row "(e) peak RSS of \`run\`" "rss.run@$c" MiB 0.5
}

report() {
  local n line c
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
  echo "- samples: $ITER of run, cycle, state, exec and the floor; $BATCHES rounds of $CONC concurrent containers; $RSS_ITER of each RSS; $WARMUP warm-up rounds per runtime first"
  echo "- rootfs: busybox (scripts/make-rootfs.sh), the same for every runtime and config; process /bin/true (exec: into a container running /bin/sleep)"
  echo
  echo "Times in ms, memory in MiB: median (min–max). Ratio = mydocker median ÷ runc median."
  echo
  echo "| floor | median (min–max) | | ratio | target | met |"
  echo "|---|---|---|---|---|---|"
  floor_row
  for c in "${CONFIGS[@]}"; do
    echo
    echo "## Config: $c"
    echo
    echo "${CONFIG_NOTES[$c]}."
    echo
    config_table "$c"
    if [[ $c == mydocker ]]; then
      row "(f) \`run\` /bin/true in the host's pid namespace (init from a sealed view of the binary)" run.hostpid ms 0.6
      line="| (e) binary size |"
      for n in "${RUNTIMES[@]}"; do line+=" $(size_of "$n") |"; done
      echo "$line | | |"
    fi
  done
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
say "measuring: ${RUNTIMES[*]}${NOTES:+ (${NOTES[*]})}; configs: ${CONFIGS[*]}"

for n in "${RUNTIMES[@]}"; do
  for c in "${CONFIGS[@]}"; do
    rt "$n" create --bundle "${BUNDLES[$c]}" "$PREFIX-state-$c" </dev/null >/dev/null || die "$n: create of the state container ($c config) failed"
    { rt "$n" create --bundle "${SLEEPERS[$c]}" "$PREFIX-sleep-$c" && rt "$n" start "$PREFIX-sleep-$c"; } </dev/null >/dev/null 2>"$WORK/err" ||
      die "$n: the running container for exec ($c config) failed: $(cat "$WORK/err")"
  done
done

# one_round I: every per-iteration measure, every runtime (in rotated order) and config.
one_round() {
  local i=$1 n c
  measure_floor
  for n in $(order "$i"); do
    for c in "${CONFIGS[@]}"; do
      measure_run "$n" "$i" "$c"; measure_cycle "$n" "$i" "$c"; measure_state "$n" "$i" "$c"; measure_exec "$n" "$i" "$c"
    done
    measure_run_hostpid "$n" "$i"
  done
}

say "warm-up: $WARMUP rounds per runtime"
for ((i = 0; i < WARMUP; i++)); do
  one_round "w$i"
  for n in "${RUNTIMES[@]}"; do for c in "${CONFIGS[@]}"; do measure_rss "$n" "w$i" "$c"; done; done
done
for n in "${RUNTIMES[@]}"; do for c in "${CONFIGS[@]}"; do measure_concurrent "$n" w "$c"; done; done
: > "$WORK/errors"; : > "$WORK/conc.err"; FAILED=()   # warm-up failures are not results
RECORD=1

say "run / cycle / state / exec / floor: $ITER iterations"
for ((i = 1; i <= ITER; i++)); do
  one_round "$i"
  ((i % 10 == 0)) && say "  $i/$ITER"
done

say "concurrent: $BATCHES rounds of $CONC containers per config"
for ((i = 1; i <= BATCHES; i++)); do
  for n in $(order "$i"); do for c in "${CONFIGS[@]}"; do measure_concurrent "$n" "$i" "$c"; done; done
done

say "peak RSS: $RSS_ITER samples"
for ((i = 1; i <= RSS_ITER; i++)); do
  for n in $(order "$i"); do for c in "${CONFIGS[@]}"; do measure_rss "$n" "$i" "$c"; done; done
done

for n in "${RUNTIMES[@]}"; do
  for c in "${CONFIGS[@]}"; do rt "$n" delete --force "$PREFIX-state-$c" >/dev/null 2>&1; rt "$n" delete --force "$PREFIX-sleep-$c" >/dev/null 2>&1; done
done
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
