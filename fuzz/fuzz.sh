#!/bin/sh
# `make fuzz`: each target of fuzz/MyDocker.Fuzz under afl-fuzz for FUZZ_SECONDS (default 120),
# starting from fuzz/corpus/<target>/. Exits 1 if afl-fuzz saved a crash, or a hang that hangs again
# when replayed, and lists those inputs with what they did. How to read it: fuzz/README.md.
#   FUZZ_SECONDS=600 make fuzz          longer
#   FUZZ_TARGETS=state make fuzz        one target
# Everything it writes is under out/fuzz/ (ignored): bin/ (the instrumented build), <target>/ (afl-fuzz's
# output: queue/, crashes/, hangs/, fuzzer_stats), <target>.log (afl-fuzz's own messages).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${FUZZ_SECONDS:-120}
targets=${FUZZ_TARGETS:-config state}
work=$root/out/fuzz
bin=$work/bin
fuzz="dotnet $bin/MyDocker.Fuzz.dll"

# afl-fuzz from Debian (as scripts/install-deps.sh installs the build's packages).
if ! command -v afl-fuzz >/dev/null; then
  echo "fuzz: installing afl++"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null; }
fi
# sharpfuzz, the instrumenting tool, at the version of fuzz/dotnet-tools.json (the SharpFuzz package's).
(cd fuzz && dotnet tool restore >/dev/null)

# A fresh build each time: an assembly that is already instrumented cannot be instrumented again.
rm -rf "$bin"
dotnet publish fuzz/MyDocker.Fuzz/MyDocker.Fuzz.csproj -c Release -o "$bin" -nologo -v:q
for dll in MyDocker.Spec.dll MyDocker.Runtime.dll; do
  (cd fuzz && dotnet tool run sharpfuzz "$bin/$dll" >/dev/null)
  echo "fuzz: instrumented $dll"
done

# The seeds must pass before afl-fuzz starts from them (a crashing seed would stop it anyway, less clearly).
for target in $targets; do
  $fuzz "$target" fuzz/corpus/"$target"/* >/dev/null \
    || { $fuzz "$target" fuzz/corpus/"$target"/* | grep -A3 '^FINDING'; echo "fuzz: a seed in fuzz/corpus/$target fails"; exit 1; }
done

# A value of fuzzer_stats ("execs_done        : 123").
stat() { sed -n "s/^$1 *: *//p" "$work/$target/default/fuzzer_stats"; }

# The inputs of a findings directory (afl-fuzz puts a README.txt next to them).
inputs() { find "$work/$target/default/$1" -type f -name 'id:*' | sort; }

failed=0
for target in $targets; do
  rm -rf "${work:?}/$target"
  echo "fuzz: $target for ${seconds}s (afl-fuzz messages in out/fuzz/$target.log)"
  # SKIP_BIN_CHECK: the target program is `dotnet`, whose instrumentation is in the assemblies.
  # NO_AFFINITY: the machine may be shared; binding to a busy core would only slow others.
  # -t 5000: a run of a few milliseconds that takes 5 s is a hang, even on a loaded machine.
  AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    timeout $((seconds + 300)) afl-fuzz -V "$seconds" -t 5000 -m none \
      -i fuzz/corpus/"$target" -o "$work/$target" -x fuzz/dict/"$target".dict \
      -- $fuzz "$target" >"$work/$target.log" 2>&1 \
    || { echo "fuzz: afl-fuzz failed on $target:"; tail -n 25 "$work/$target.log"; exit 1; }
  echo "fuzz: $target: $(stat run_time)s, $(stat execs_done) execs ($(stat execs_per_sec)/s)," \
    "$(stat corpus_count) paths, $(stat bitmap_cvg) of the map, stability $(stat stability)," \
    "$(stat saved_crashes) crashes, $(stat saved_hangs) hangs"

  for input in $(inputs crashes); do
    failed=$((failed + 1))
    echo "fuzz: CRASH $input"
    $fuzz "$target" "$input" | sed 1d | head -n 8 || true
  done
  # afl-fuzz calls a run a hang after -t; replayed alone with 30 s, a real one hangs again.
  for input in $(inputs hangs); do
    rc=0; timeout 30 $fuzz "$target" "$input" >/dev/null 2>&1 || rc=$?
    case $rc in
      0) echo "fuzz: (a hang under afl-fuzz that finishes when replayed: $input)" ;;
      124) failed=$((failed + 1)); echo "fuzz: HANG $input (still running after 30 s when replayed)" ;;
      *) failed=$((failed + 1)); echo "fuzz: CRASH $input (a hang under afl-fuzz)"
         $fuzz "$target" "$input" | sed 1d | head -n 8 || true ;;
    esac
  done
done

if [ "$failed" -gt 0 ]; then
  echo "fuzz: $failed finding(s); each input is a file under out/fuzz/<target>/default/: fix it, and add it as a test (fuzz/README.md)"
  exit 1
fi
echo "fuzz: no crash"
