#!/usr/bin/env python3
"""bench/ab.py: an A/B of command lines, taking turns, for changes too small for the machine's mood.

    python3 bench/ab.py N LABEL=COMMAND LABEL=COMMAND ...

runs every COMMAND (split on spaces, output discarded) once per round, in the same order, for N
rounds, and prints each one's median, interquartile mean and minimum wall time in ms (from
python's fork to the exit seen). Taking turns within each round means a slow minute of the VM
slows every variant alike, so the difference between the rows means more than any one row.
Example (two builds, the bundle of `mydocker spec` with /bin/true, as root):

    python3 bench/ab.py 80 "old=/tmp/md-old --root /run/ab run --bundle /tmp/b t" \\
                           "new=out/mydocker --root /run/ab run --bundle /tmp/b t"

(the docs/PERFORMANCE.md rows of section 5 name N and the commands' verb).
"""
import statistics
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rounds = int(sys.argv[1])
    variants = [arg.split("=", 1) for arg in sys.argv[2:]]
    times = {label: [] for label, _ in variants}
    for _ in range(rounds):
        for label, command in variants:
            start = time.perf_counter()
            subprocess.run(command.split(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[label].append((time.perf_counter() - start) * 1000)
    for label, _ in variants:
        values = sorted(times[label])
        middle = values[len(values) // 4: 3 * len(values) // 4]
        print(f"{label:10s} median {statistics.median(values):.3f}  iqm {sum(middle) / len(middle):.3f}  min {values[0]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
