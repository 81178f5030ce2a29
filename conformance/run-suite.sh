#!/usr/bin/env bash
# Runs the OCI runtime-tools validation suite (an ALREADY-BUILT checkout, kept outside this repo)
# against mydocker and/or runc, and prints a Markdown table: one row per validation executable,
# the result for each runtime, and the first failing TAP line for every non-pass.
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
#   OUT        directory for the TAP/stderr logs (default /tmp/conformance-YYYYmmdd-HHMMSS)
#
# It builds nothing. After every test it removes what the test may have left behind: containers
# that appeared under the runtime's state root (/run/runc, /run/mydocker; killed, force-deleted,
# then their state dir removed), mounts under the private TMPDIR or the state roots, test cgroups
# (UUID-named, /cgrouptest, testdir/...), bundle directories and stray container processes.
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

# $1 runtime binary, $2 file listing the container ids present before the run
cleanup() {
  local rt=$1 before=$2 root ids id pid n
  root=$(state_root "$rt")
  if [ -d "$root" ]; then
    ids=$(ls -1 "$root" 2>/dev/null | grep -vxF -f "$before" || true)
    for id in $ids; do
      [ -d "$root/$id" ] || continue
      echo "cleanup: leftover container $id under $root" >>"$out/cleanup.log"
      pid=$(timeout 10 "$rt" state "$id" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' | head -1)
      timeout 10 "$rt" kill "$id" KILL >/dev/null 2>&1
      timeout 20 "$rt" delete --force "$id" >>"$out/cleanup.log" 2>&1
      if [ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null && [ -d "/proc/$pid" ]; then
        # only if it is still in a pid namespace other than ours (a container init)
        [ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] && kill -9 "$pid" 2>/dev/null
      fi
      [ -d "$root/$id" ] && { echo "cleanup: removing state dir $root/$id" >>"$out/cleanup.log"; rm -rf "${root:?}/$id"; }
    done
  fi
  # mounts the test or the runtime left under the private TMPDIR (bundles) or the state roots
  mnt_points | grep -E "^($work|/run/runc|/run/mydocker)(/|$)" | sort -r | while read -r m; do
    echo "cleanup: umount $m" >>"$out/cleanup.log"; umount -l "$m" 2>/dev/null
  done
  # cgroups the test created: new directories whose path names a test cgroup or a container id
  cg_snapshot | comm -13 "$out/.cg.before" - | grep -E "/(cgrouptest|testdir)(/|$)|$uuid_re" | sort -r |
  while read -r d; do
    for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    n=0; while ! rmdir "$d" 2>/dev/null && [ -d "$d" ] && [ $n -lt 20 ]; do sleep 0.1; n=$((n+1)); done
    [ -d "$d" ] && echo "cleanup: could not remove cgroup $d" >>"$out/cleanup.log" || echo "cleanup: removed cgroup $d" >>"$out/cleanup.log"
  done
  # bundles (the suite makes them with os.MkdirTemp under $TMPDIR); never recurse into a mount
  if mnt_points | grep -qE "^$work(/|$)"; then
    echo "cleanup: mounts remain under $work; bundles not removed" >>"$out/cleanup.log"
  else
    rm -rf "${work:?}"/* 2>/dev/null
  fi
}

# --- one test -------------------------------------------------------------------------------
# prints "RESULT<TAB>first failing line"
run_one() {
  local rt=$1 name=$2 col=$3 tap err rc total okc notok skip first inner
  tap="$out/$name.$col.tap"; err="$out/$name.$col.err"
  ( cd "$suite" && TMPDIR="$work" RUNTIME="$rt" timeout -k 10 "$timeout_s" "./validation/$name/$name.t" ) >"$tap" 2>"$err" </dev/null
  rc=$?
  cleanup "$rt" "$out/.ids.$col"
  total=$(grep -cE '^(not )?ok\b' "$tap")
  notok=$(grep -cE '^not ok\b' "$tap")
  skip=$(grep -E '^ok\b' "$tap" | grep -ciE '# *skip')
  okc=$((total - notok))
  first=$(grep -m1 -E '^not ok\b' "$tap")
  # tests that run runtimetest inside the container fail on "not ok" in its output: name the inner line
  inner=$(grep '"stdout":' "$tap" | grep -o 'not ok [0-9]* - [^\\"]*' | head -1)
  [ -n "$first" ] && [ -n "$inner" ] && first="$first [inside: $inner]"
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    printf 'TIMEOUT (%s/%s)\t%s\n' "$okc" "$total" "${first:-timed out after ${timeout_s}s}"
  elif [ "$notok" -gt 0 ]; then
    printf 'FAIL (%s/%s)\t%s\n' "$okc" "$total" "$first"
  elif [ "$rc" != 0 ]; then
    first=$(grep -v '^[[:space:]]*$' "$err" | head -2 | awk 'NR > 1 { printf " / " } { printf "%s", $0 }')
    printf 'ERROR (%s/%s)\t%s\n' "$okc" "$total" "exit $rc: ${first:-no TAP output}"
  elif [ "$total" = 0 ]; then
    # Lifecycle/hook tests and the *_fail tests have no test points ("1..0" or no TAP at all):
    # they report a violation as a YAML "error" diagnostic (or a WARNING on stderr), else pass.
    first=$(sed -n 's/^ *"error": "\(.*\)/\1/p' "$tap" | head -1 | sed 's/\\n.*//; s/",\{0,1\}$//')
    if [ -n "$first" ]; then
      printf 'FAIL (diag)\t%s\n' "$first"
    elif grep -q '^WARNING' "$err"; then
      printf 'FAIL (warning)\t%s\n' "$(grep -m1 '^WARNING' "$err")"
    else
      printf 'PASS (no error)\t\n'
    fi
  elif [ "$skip" = "$total" ]; then
    printf 'SKIP\t%s\n' "$(grep -m1 -iE '# *skip' "$tap")"
  else
    printf 'PASS (%s/%s)\t\n' "$okc" "$total"
  fi
}

work=$(mktemp -d /tmp/conformance-work.XXXXXX)
trap 'rm -rf "$work"' EXIT
cg_snapshot >"$out/.cg.before"
: >"$out/cleanup.log"
for col in mydocker runc; do
  eval "b=\${${col/mydocker/md}_bin}"
  [ -n "$b" ] || continue
  ls -1 "$(state_root "$b")" 2>/dev/null >"$out/.ids.$col"
  [ -s "$out/.ids.$col" ] || echo "/" >"$out/.ids.$col"   # grep -f with an empty file matches nothing useful
done

esc() { printf '%s' "$1" | sed 's/|/\\|/g' | cut -c1-200; }
{
  printf '| test | mydocker | runc | first failing TAP line (mydocker) | first failing TAP line (runc) |\n'
  printf '|---|---|---|---|---|\n'
} >"$out/table.md"

declare -A n_pass=() n_tests=()
for name in $tests; do
  md_res="-" md_line="" runc_res="-" runc_line=""
  if [ -n "$md_bin" ]; then
    r=$(run_one "$md_bin" "$name" mydocker); md_res=${r%%$'\t'*}; md_line=${r#*$'\t'}
    n_tests[mydocker]=$(( ${n_tests[mydocker]:-0} + 1 ))
    case $md_res in PASS*|SKIP*) n_pass[mydocker]=$(( ${n_pass[mydocker]:-0} + 1 )) ;; esac
  fi
  if [ -n "$runc_bin" ]; then
    r=$(run_one "$runc_bin" "$name" runc); runc_res=${r%%$'\t'*}; runc_line=${r#*$'\t'}
    n_tests[runc]=$(( ${n_tests[runc]:-0} + 1 ))
    case $runc_res in PASS*|SKIP*) n_pass[runc]=$(( ${n_pass[runc]:-0} + 1 )) ;; esac
  fi
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$md_res" "$runc_res" "$(esc "$md_line")" "$(esc "$runc_line")" | tee -a "$out/table.md" >&2
done
{
  echo
  for col in mydocker runc; do
    [ -n "${n_tests[$col]:-}" ] && echo "$col: ${n_pass[$col]:-0}/${n_tests[$col]} tests pass (PASS or SKIP)"
  done
  echo
  echo "logs: $out (per test: NAME.RUNTIME.tap, NAME.RUNTIME.err; cleanup.log)"
} >>"$out/table.md"
rm -f "$out"/.ids.* "$out/.cg.before"
cat "$out/table.md"
