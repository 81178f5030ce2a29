#!/usr/bin/env bash
# bench/timeline.sh: where the milliseconds of one `mydocker run` of /bin/true go, across the runtime
# process and the container's init, in the order they happen. Not part of `make bench`; run it by
# hand, as root:  bash bench/timeline.sh [RUNS]   (default 40)
#   TIMELINE_CONFIG=mydocker|runc|engine   the bench's configs (bench/lib.sh): `mydocker spec`'s
#                                          (default), `runc spec`'s, dockerd's (bench/configs/docker.json)
#
# The runtime logs a few phases with --debug; init has no log. So this builds the current commit
# once more in a temporary git worktree with bench/timeline.patch applied: more `--debug` lines in
# create and run, and timestamps that init appends to /tmp/mydocker-timeline-init.log (opened
# before pivot_root). It runs the bundle of the chosen config (busybox, /bin/true) RUNS times and
# prints, for each mark, the median gap to the mark before it ("R" the runtime, "I" init), then
# removes the worktree. The extra timestamps cost a little themselves; compare rows, not totals,
# with bench/bench.sh. When the patch no longer applies, refresh it from the marks it names.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/bench/lib.sh"          # engine_bundle, set_process (sourcing it only defines them)
RUNS=${1:-40}
CONFIG=${TIMELINE_CONFIG:-mydocker}
case $CONFIG in mydocker|runc|engine) ;; *) echo "timeline: TIMELINE_CONFIG must be mydocker, runc or engine" >&2; exit 2 ;; esac
[[ $EUID -eq 0 ]] || { echo "timeline: must run as root" >&2; exit 1; }
WORK=$(mktemp -d /tmp/mydocker-timeline.XXXXXX)
TREE=$WORK/tree
ROOT=/run/mydocker-timeline-$$
cleanup() {
  set +e
  [[ -x $TREE/out/mydocker ]] && "$TREE/out/mydocker" --root "$ROOT" delete --force tl >/dev/null 2>&1
  rm -rf "$ROOT" /tmp/mydocker-timeline-init.log
  git -C "$REPO" worktree remove --force "$TREE" >/dev/null 2>&1
  rm -rf "$WORK"
  cgroup_parents_restore
}
. "$REPO/scripts/cgroup-parents.sh"; cgroup_parents_note mydocker
trap cleanup EXIT

git -C "$REPO" worktree add --detach "$TREE" HEAD >/dev/null
git -C "$TREE" apply "$REPO/bench/timeline.patch"
dotnet publish "$TREE/src/Cli/MyDocker.Cli.csproj" -c Release -r linux-x64 -o "$TREE/out" -nologo -v:q >/dev/null
BUNDLE=$WORK/bundle
sh "$REPO/scripts/make-rootfs.sh" "$BUNDLE/rootfs" >/dev/null
case $CONFIG in
  mydocker) (cd "$BUNDLE" && "$TREE/out/mydocker" spec) ;;
  runc)     (cd "$BUNDLE" && "$RUNC" spec) ;;
  engine)   engine_bundle "$WORK/engine" && BUNDLE=$WORK/engine ;;
esac
jq --arg root "$WORK/bundle/rootfs" '.root.path = $root' "$BUNDLE/config.json" > "$WORK/c.json" && mv "$WORK/c.json" "$BUNDLE/config.json"
set_process "$BUNDLE" '["/bin/true"]'
echo "config: $CONFIG"

python3 - "$TREE/out/mydocker" "$RUNS" "$BUNDLE" "$ROOT" "$WORK/run.log" <<'PYEOF'
import datetime, os, re, statistics, subprocess, sys, time
binary, runs, bundle, root, log = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
init_log = '/tmp/mydocker-timeline-init.log'

def stamp(text):
    text = text.rstrip('Z')
    if '.' in text:
        whole, frac = text.split('.')
        text = whole + '.' + frac[:6]
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc).timestamp()

gaps, order = {}, []
for i in range(runs + 3):                       # the first 3 warm the caches and are not counted
    for f in (log, init_log):
        if os.path.exists(f): os.unlink(f)
    t0 = time.time()
    subprocess.run([binary, '--debug', '--log', log, '--root', root, 'run', '--bundle', bundle, 'tl'],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    t1 = time.time()
    marks = [('spawned by python', t0)]
    for line in open(log):
        m = re.match(r'time="([^"]+)" level=debug msg="(.*)"', line)
        if m: marks.append(('R ' + re.sub(r'\d+', 'N', m.group(2))[:40], stamp(m.group(1))))
    for line in open(init_log):
        when, what = line.split(' ', 1)
        marks.append(('  I ' + what.strip(), stamp(when)))
    marks.append(('exit seen by python', t1))
    marks.sort(key=lambda m: m[1])
    if i < 3: continue
    for (name, t), (_, before) in zip(marks[1:], marks[:-1]):
        if name not in gaps: gaps[name] = []; order.append(name)
        gaps[name].append((t - before) * 1000)

print(f"median of {runs} runs: gap to the mark before (ms), running total")
total = 0.0
for name in order:
    gap = statistics.median(gaps[name]); total += gap
    print(f"  {name:44s} +{gap:6.3f}  {total:6.2f}")
PYEOF
