#!/usr/bin/env python3
"""bench/slirp_cost.py: what slirp4netns itself costs a container, without mydocker (run as root).

For each set of options mydocker's hook may pass, N times: a fresh network namespace (`unshare -n
sleep`), then slirp4netns --configure into it, timed until it reports ready (--ready-fd), and from
the moment it is told to stop (its --exit-fd closed, as the watcher does when init exits; or
SIGKILL) until the process has been reaped. Prints medians in ms.
    python3 bench/slirp_cost.py [N]
"""
import os, signal, subprocess, sys, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 9
BASE = ["slirp4netns", "--configure", "--mtu", "65520", "--disable-host-loopback"]

def once(extra, stop):
    ns = subprocess.Popen(["unshare", "-n", "sleep", "30"])
    time.sleep(0.05)  # unshare has made the namespace
    ready_r, ready_w = os.pipe()
    exit_r, exit_w = os.pipe()
    t0 = time.monotonic()
    slirp = subprocess.Popen(BASE + extra + ["--ready-fd", str(ready_w), "--exit-fd", str(exit_r), str(ns.pid), "tap0"],
                             pass_fds=(ready_w, exit_r), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(ready_w); os.close(exit_r)
    os.read(ready_r, 1)
    t1 = time.monotonic()
    if stop == "exit-fd":
        os.close(exit_w)
    else:
        slirp.send_signal(signal.SIGKILL)
    slirp.wait()
    t2 = time.monotonic()
    if stop != "exit-fd":
        os.close(exit_w)
    os.close(ready_r)
    ns.kill(); ns.wait()
    return (t1 - t0) * 1000, (t2 - t1) * 1000

def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2

print(f"slirp4netns, median of {N}: ready = spawn to --ready-fd; gone = stop to reaped")
for extra in ([], ["--enable-sandbox", "--enable-seccomp"]):
    for stop in ("exit-fd", "SIGKILL"):
        runs = [once(extra, stop) for _ in range(N)]
        print(f"  {' '.join(extra) or '(no sandbox, no seccomp)':34} stop by {stop:8}  ready {median([r[0] for r in runs]):5.1f}  gone {median([r[1] for r in runs]):5.1f}")
