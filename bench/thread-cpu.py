#!/usr/bin/env python3
"""Where a process tree's CPU goes, by thread kind.

    bench/thread-cpu.py PID [SECONDS]

Reads utime + stime of every thread of PID and all its descendants (/proc/<pid>/task/*/stat)
at the start and the end of SECONDS (default 30), and prints the CPU-seconds per thread kind
(the thread's name as the kernel keeps it, at most 15 characters, with indexes folded:
"ForkJoinPool-1-worker-3" -> "ForkJoinPool-worker", "GC Thread#1" -> "GC Thread") as seconds, cores, share
and the part spent in the kernel (stime: system calls, wake-ups). Threads that
start or end inside the window count with what they used while seen. Linux only.
"""
import os
import re
import sys
import time


def tree(root):
    pids, i = [root], 0
    while i < len(pids):
        try:
            tids = os.listdir(f"/proc/{pids[i]}/task")
        except OSError:
            tids = []
        for tid in tids:  # a child is listed under the thread that started it
            try:
                with open(f"/proc/{pids[i]}/task/{tid}/children") as f:
                    pids += [int(p) for p in f.read().split()]
            except OSError:
                pass
        i += 1
    return pids


def kind(name):
    name = re.sub(r"[-#]?\d+$|-\d+(?=-)", "", name)
    return name.strip("-") or "?"


def sample(root):
    ticks = {}
    for pid in tree(root):
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            ticks[(pid, int(tid))] = (kind(name), int(fields[11]), int(fields[12]))
    return ticks


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root, seconds = int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    clk = os.sysconf("SC_CLK_TCK")
    before = sample(root)
    time.sleep(seconds)
    after = sample(root)
    by_kind = {}
    for key, (k, user, system) in after.items():
        _, user0, system0 = before.get(key, (k, 0, 0))
        u, s = by_kind.get(k, (0, 0))
        by_kind[k] = (u + user - user0, s + system - system0)
    total = sum(u + s for u, s in by_kind.values()) or 1
    system = sum(s for _, s in by_kind.values())
    print(f"{len(tree(root))} processes, {seconds:.0f} s: {total / clk:.2f} CPU-s = {total / clk / seconds:.3f} cores"
          f" ({100 * system / total:.0f} % in the kernel)")
    print(f"{'CPU-s':>8}  {'cores':>6}  {'share':>5}  {'kernel':>6}  thread kind")
    for k, (u, s) in sorted(by_kind.items(), key=lambda kv: -sum(kv[1])):
        t = u + s
        if t > 0:
            print(f"{t / clk:8.2f}  {t / clk / seconds:6.3f}  {100 * t / total:4.1f}%  {100 * s / t:5.0f}%  {k}")


if __name__ == "__main__":
    main()
