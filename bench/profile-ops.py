#!/usr/bin/env python3
"""Sums a libtorch profile (the Chrome trace that ModelStepProbe or CellProbe writes with PROFILE=)
by operator: the top-level operators only (an aten::linear's inner aten::addmm is not counted
twice), per unit of work (steps or captions), and the span from the first to the last, whose gap
to the operators' sum is the time between libtorch calls (DJL, JNI, Java).

Usage: /usr/bin/python3 bench/profile-ops.py UNITS PROFILE.json...
  e.g. /usr/bin/python3 bench/profile-ops.py 200 /tmp/p-1.json /tmp/p-2.json   (ModelStepProbe: 200 steps)
       /usr/bin/python3 bench/profile-ops.py 100 /tmp/cap.json               (CellProbe: 100 captions)
"""
import collections
import json
import sys


def top_level(path):
    trace = json.load(open(path))
    events = [e for e in (trace["traceEvents"] if isinstance(trace, dict) else trace) if e.get("ph") == "X" and "dur" in e]
    events.sort(key=lambda e: (e["ts"], -e["dur"]))
    out, ends = [], {}
    for e in events:
        if e["ts"] >= ends.get(e.get("tid"), -1):
            out.append(e)
            ends[e.get("tid")] = e["ts"] + e["dur"]
    return out


def main(units, paths):
    for path in paths:
        ops = top_level(path)
        calls, micros = collections.Counter(), collections.Counter()
        for e in ops:
            calls[e["name"]] += 1
            micros[e["name"]] += e["dur"]
        span = ops[-1]["ts"] + ops[-1]["dur"] - ops[0]["ts"]
        print(f"{path}: {len(ops) / units:.1f} operators, {sum(micros.values()) / units:.0f} µs in them, "
              f"{span / units:.0f} µs from first to last, per unit")
        for name, us in micros.most_common(15):
            print(f"  {name:32s} {calls[name] / units:5.1f} calls {us / units:8.1f} µs")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
