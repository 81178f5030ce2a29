#!/usr/bin/env bash
# Runs the OCI runtime-tools validation suite (an ALREADY-BUILT checkout, kept outside this repo)
# against mydocker and/or runc, and prints a Markdown table: one row per validation executable,
# for each runtime a verdict with its TAP counts and exit code, and the first failing line.
# The verdict rules are written above run_one(); results.tsv in $OUT holds the same, one line
# per test and runtime.
#
# usage: conformance/run-suite.sh SUITE_DIR
#   SUITE_DIR  the runtime-tools checkout after `make runtimetest validation-executables`:
#              it holds ./runtimetest, ./rootfs-amd64.tar.gz and validation/*/*.t
#              (the tests find those two by relative path, so they run with SUITE_DIR as cwd).
# environment:
#   RUNTIME    run only this runtime (a path or a name on $PATH); its column is chosen by basename
#              (runc -> runc column, anything else -> mydocker column)
#   MYDOCKER   mydocker binary (default: mydocker on $PATH, else /usr/local/bin/mydocker)
#   RUNC       runc binary (default: runc on $PATH)
#   TIMEOUT    per-test timeout in seconds (default 120)
#   TESTS      space-separated test names to run (default: every validation/*/*.t)
#   OUT        directory for the logs (default /tmp/conformance-YYYYmmdd-HHMMSS)
#
# It builds nothing. The tests make their bundles under TMPDIR, which the script points at a
# fresh 0755 directory /tmp/conformance-work.XXXXXX (not 0700: a container whose root is an
# unprivileged host uid must be able to reach its bundle). After every test, and on exit or ^C,
# it removes what the test may have left behind: containers that appeared under the runtime's
# state root (/run/runc, /run/mydocker; killed, force-deleted, then their state dir removed),
# mounts under TMPDIR or the state roots, test cgroups (UUID-named, /cgrouptest, testdir/...),
# bundle directories and stray container processes; what it did is in $OUT/cleanup.log.
set -u

suite=${1:?usage: run-suite.sh SUITE_DIR (a built opencontainers/runtime-tools checkout)}
suite=$(cd "$suite" && pwd) || exit 2
[ -d "$suite/validation" ] || { echo "run-suite: $suite/validation missing" >&2; exit 2; }
[ -x "$suite/runtimetest" ] || { echo "run-suite: $suite/runtimetest missing: build the suite first" >&2; exit 2; }
ls "$suite"/rootfs-*.tar.gz >/dev/null 2>&1 || { echo "run-suite: $suite/rootfs-<arch>.tar.gz missing" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run-suite: must run as root" >&2; exit 2; }

timeout_s=${TIMEOUT:-120}
out=${OUT:-/tmp/conformance-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"

# --- runtimes -------------------------------------------------------------------------------
md_bin="" runc_bin=""
if [ -n "${RUNTIME:-}" ]; then
  b=$(command -v "$RUNTIME") || { echo "run-suite: RUNTIME=$RUNTIME not found" >&2; exit 2; }
  case $(basename "$b") in runc) runc_bin=$b ;; *) md_bin=$b ;; esac
else
  md_bin=${MYDOCKER:-$(command -v mydocker || true)}
  [ -z "$md_bin" ] && [ -x /usr/local/bin/mydocker ] && md_bin=/usr/local/bin/mydocker
  runc_bin=${RUNC:-$(command -v runc || true)}
fi
[ -n "$md_bin$runc_bin" ] || { echo "run-suite: neither mydocker nor runc found" >&2; exit 2; }

state_root() { # the default --root of a runtime binary (the suite never passes --root)
  case $(basename "$1") in runc) echo /run/runc ;; mydocker) echo /run/mydocker ;; *) echo "/run/$(basename "$1")" ;; esac
}

# --- tests ----------------------------------------------------------------------------------
if [ -n "${TESTS:-}" ]; then
  tests=$TESTS
else
  tests=$(cd "$suite/validation" && for t in */*.t; do [ -x "$t" ] && echo "${t%%/*}"; done | sort -u)
fi
[ -n "$tests" ] || { echo "run-suite: no validation/*/*.t executables in $suite" >&2; exit 2; }

# --- cleanup --------------------------------------------------------------------------------
uuid_re='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
cg_snapshot() { find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null | sort; }
mnt_points() { awk '{print $5}' /proc/self/mountinfo | sed 's/\\040/ /g'; }

# one line of cleanup.log, naming the test (run_one's locals $name/$col are visible here)
clog() { echo "${name:-?} ${col:-?}: $*" >>"$out/cleanup.log"; }

# $1 runtime binary, $2 file listing the container ids present before the run
cleanup() {
  local rt=$1 before=$2 root ids id pid n
  root=$(state_root "$rt")
  if [ -d "$root" ]; then
    # the suite names every container with a UUID: anything else under the root is not ours
    ids=$(ls -1 "$root" 2>/dev/null | grep -xE "$uuid_re" | grep -vxF -f "$before" || true)
    for id in $ids; do
      [ -d "$root/$id" ] || continue
      clog "leftover container $id under $root"
      pid=$(timeout 10 "$rt" state "$id" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' | head -1)
      timeout 10 "$rt" kill "$id" KILL >/dev/null 2>&1
      timeout 20 "$rt" delete --force "$id" 2>&1 | while read -r l; do clog "delete --force: $l"; done
      if [ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null && [ -d "/proc/$pid" ]; then
        # only if it is still in a pid namespace other than ours (a container init)
        [ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] && kill -9 "$pid" 2>/dev/null
      fi
      [ -d "$root/$id" ] && { clog "removing state dir $root/$id"; rm -rf "${root:?}/$id"; }
    done
  fi
  # mounts the test or the runtime left under the private TMPDIR (bundles) or the state roots
  mnt_points | grep -E "^($work|/run/runc|/run/mydocker)(/|$)" | sort -r | while read -r m; do
    clog "umount $m"; umount -l "$m" 2>/dev/null
  done
  # cgroups the test created: new directories whose path names a test cgroup or a container id
  cg_snapshot | comm -13 "$out/.cg.before" - | grep -E "/(cgrouptest|testdir)(/|$)|$uuid_re" | sort -r |
  while read -r d; do
    for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    n=0; while ! rmdir "$d" 2>/dev/null && [ -d "$d" ] && [ $n -lt 20 ]; do sleep 0.1; n=$((n+1)); done
    [ -d "$d" ] && clog "could not remove cgroup $d" || clog "removed cgroup $d"
  done
  # bundles (the suite makes them with os.MkdirTemp under $TMPDIR); never recurse into a mount
  if mnt_points | grep -qE "^$work(/|$)"; then
    clog "mounts remain under $work; bundles not removed"
  else
    rm -rf "${work:?}"/* 2>/dev/null
  fi
}

# --- one test -------------------------------------------------------------------------------
# Each test is counted from BOTH its TAP output and its exit code; neither alone is trusted:
# a test can exit 0 having printed no test point at all (nothing was checked: the hook and
# *_fail tests by design, or a runtimetest that never ran), and a test can print "ok" lines and
# then exit non-zero (it aborted, or its final check failed). The verdict, first rule that applies:
#   TIMEOUT    killed by the per-test timeout (exit 124/137)
#   FAIL       at least one "not ok" line (whatever the exit code)
#   FAIL       no test point, but the test's own failure report: a YAML "error:" diagnostic
#              (hook/lifecycle tests) or a "WARNING" line on its stderr (poststart)
#   ERROR      exit code != 0 and no "not ok": the test aborted or failed outside TAP
#   NO RESULT  exit 0, no test point and no failure report: the output proves nothing
#   ERROR      a plan "1..N" that does not match the number of test points (cut short)
#   SKIP       every test point is "ok ... # SKIP"
#   PASS       exit 0, at least one "ok", no "not ok"
# prints "VERDICT<TAB>ok<TAB>not_ok<TAB>skip<TAB>plan<TAB>exit<TAB>first failing line or note"
run_one() {
  local rt=$1 name=$2 col=$3 tap err rc total okc notok skip plan first inner verdict
  tap="$out/$name.$col.tap"; err="$out/$name.$col.err"
  # timeout(1) puts the test in a process group of its own, so ^C does not reach it: finish()
  # kills that group by the pid written to .running
  ( cd "$suite" && TMPDIR="$work" RUNTIME="$rt" exec timeout -k 10 "$timeout_s" "./validation/$name/$name.t" ) >"$tap" 2>"$err" </dev/null &
  echo $! >"$out/.running"
  wait $!
  rc=$?
  rm -f "$out/.running"
  cleanup "$rt" "$out/.ids.$col"
  total=$(grep -cE '^(not )?ok\b' "$tap")
  notok=$(grep -cE '^not ok\b' "$tap")
  skip=$(grep -E '^ok\b' "$tap" | grep -ciE '# *skip')
  okc=$((total - notok))
  plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$tap" | head -1)
  first=$(grep -m1 -E '^not ok\b' "$tap")
  # tests that run runtimetest inside the container fail on "not ok" in its output: name the inner line
  inner=$(grep '"stdout":' "$tap" | grep -o 'not ok [0-9]* - [^\\"]*' | head -1)
  [ -n "$first" ] && [ -n "$inner" ] && first="$first [inside: $inner]"
  errline() { grep -v '^[[:space:]]*$' "$err" | head -2 | awk 'NR > 1 { printf " / " } { printf "%s", $0 }'; }
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    verdict=TIMEOUT; first=${first:-timed out after ${timeout_s}s}
  elif [ "$notok" -gt 0 ]; then
    verdict=FAIL
  elif [ "$total" = 0 ] && first=$(sed -n 's/^ *"error": "\(.*\)/\1/p' "$tap" | head -1 | sed 's/\\n.*//; s/",\{0,1\}$//') && [ -n "$first" ]; then
    verdict=FAIL; first="diag: $first"
  elif [ "$total" = 0 ] && grep -q '^WARNING' "$err"; then
    verdict=FAIL; first="stderr: $(grep -m1 '^WARNING' "$err")"
  elif [ "$rc" != 0 ]; then
    verdict=ERROR; first="exit $rc: $(errline)"
  elif [ "$total" = 0 ]; then
    verdict="NO RESULT"; first=$(errline)
    first="no test point${plan:+ (plan 1..$plan)}${first:+; stderr: $first}"
  elif [ -n "$plan" ] && [ "$plan" != "$total" ]; then
    verdict=ERROR; first="plan 1..$plan but $total test points"
  elif [ "$skip" = "$total" ]; then
    verdict=SKIP; first=$(grep -m1 -iE '# *skip' "$tap")
  else
    verdict=PASS
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$verdict" "$okc" "$notok" "$skip" "${plan:--}" "$rc" "$first"
}

# The bundles (os.MkdirTemp under $TMPDIR) must be reachable by a container whose root is an
# unprivileged host uid (a user namespace maps it, e.g. linux_uid_mappings, linux_ns_nopath):
# a 0700 TMPDIR made them unreachable and those tests failed on the setup, not on the runtime.
work=$(mktemp -d /tmp/conformance-work.XXXXXX) && chmod 0755 "$work" || exit 2
cur_rt="" cur_col=""
finish() { # also on ^C: stop the running test, clean what it left, then the bundle dir (never across a mount)
  local p
  if [ -s "$out/.running" ]; then
    p=$(cat "$out/.running"); kill -TERM -- "-$p" 2>/dev/null; sleep 1; kill -KILL -- "-$p" 2>/dev/null
    rm -f "$out/.running"
  fi
  [ -n "$cur_rt" ] && cleanup "$cur_rt" "$out/.ids.$cur_col"
  mnt_points | grep -qE "^$work(/|$)" || rm -rf "$work"
  rm -f "$out"/.ids.* "$out/.cg.before"
}
trap finish EXIT
trap 'exit 130' INT TERM
cg_snapshot >"$out/.cg.before"
: >"$out/cleanup.log"
for col in mydocker runc; do
  eval "b=\${${col/mydocker/md}_bin}"
  [ -n "$b" ] || continue
  ls -1 "$(state_root "$b")" 2>/dev/null >"$out/.ids.$col"
  [ -s "$out/.ids.$col" ] || echo "/" >"$out/.ids.$col"   # grep -f with an empty file matches nothing useful
done

esc() { printf '%s' "$1" | sed 's/|/\\|/g' | cut -c1-200; }
cell() { # VERDICT ok notok skip plan rc -> "VERDICT (ok N, not ok N, exit N)"
  printf '%s (ok %s, not ok %s%s, exit %s)' "$1" "$2" "$3" "$( [ "$4" != 0 ] && printf ', skip %s' "$4")" "$6"
}
{
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- suite: $suite ($(git -C "$suite" describe --tags --always 2>/dev/null || echo 'not a git checkout'), $(git -C "$suite" rev-parse HEAD 2>/dev/null))"
  [ -n "$md_bin" ] && echo "- mydocker: $md_bin ($("$md_bin" --version 2>&1 | tr '\n' ' '))"
  [ -n "$runc_bin" ] && echo "- runc: $runc_bin ($("$runc_bin" --version 2>&1 | head -2 | tr '\n' ' '))"
  echo "- kernel: $(uname -r); TIMEOUT=${timeout_s}s"
  echo
  printf '| test | mydocker | runc | first failing line (mydocker) | first failing line (runc) |\n'
  printf '|---|---|---|---|---|\n'
} >"$out/table.md"
printf 'test\truntime\tverdict\tok\tnot_ok\tskip\tplan\texit\tfirst_failing_line\n' >"$out/results.tsv"

declare -A n_verdict=() n_tests=()
for name in $tests; do
  declare -A res=([mydocker]="-" [runc]="-") line=([mydocker]="" [runc]="")
  for col in mydocker runc; do
    eval "b=\${${col/mydocker/md}_bin}"
    [ -n "$b" ] || continue
    cur_rt=$b cur_col=$col
    r=$(run_one "$b" "$name" "$col")
    cur_rt=""
    printf '%s\t%s\t%s\n' "$name" "$col" "$r" >>"$out/results.tsv"
    IFS=$'\t' read -r v ok nok sk pl rc fl <<<"$r"
    res[$col]=$(cell "$v" "$ok" "$nok" "$sk" "$pl" "$rc"); line[$col]=$fl
    n_tests[$col]=$(( ${n_tests[$col]:-0} + 1 ))
    n_verdict[$col.$v]=$(( ${n_verdict[$col.$v]:-0} + 1 ))
  done
  printf '| %s | %s | %s | %s | %s |\n' "$name" "${res[mydocker]}" "${res[runc]}" "$(esc "${line[mydocker]}")" "$(esc "${line[runc]}")" | tee -a "$out/table.md" >&2
done
{
  echo
  echo "| runtime | tests | PASS | FAIL | ERROR | TIMEOUT | SKIP | NO RESULT | counted by TAP (PASS) | counted by exit code (exit 0, nothing reported failed: PASS+SKIP+NO RESULT) |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for col in mydocker runc; do
    [ -n "${n_tests[$col]:-}" ] || continue
    c() { echo "${n_verdict[$col.$1]:-0}"; }
    echo "| $col | ${n_tests[$col]} | $(c PASS) | $(c FAIL) | $(c ERROR) | $(c TIMEOUT) | $(c SKIP) | $(c 'NO RESULT') | $(c PASS)/${n_tests[$col]} | $(( $(c PASS) + $(c SKIP) + $(c 'NO RESULT') ))/${n_tests[$col]} |"
  done
  echo
  echo "logs: $out (per test: NAME.RUNTIME.tap, NAME.RUNTIME.err; results.tsv; cleanup.log)"
} >>"$out/table.md"
cat "$out/table.md"
