#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Summarizes ftrace function_graph output of bench/vm.sh's trace phase: the average call tree of one packet.
"""bench/trace_summary.py TRACE [TRACE...] [--min-share 0.03] [--depth 7] [--root FUNCTION]

Each process_backlog() call in the trace is one packet taken from CPU 0's RPS
backlog (the generator sends 50 per second: one per backlog run). Prints per
packet the number of kernel functions called, the traced time, and the call
tree averaged over the packets, down to --depth levels and to nodes holding at
least --min-share of the packet's time. Traced times include ftrace's own cost
per call: compare calls and shares, not microseconds.
"""

import argparse
import re
import sys

LINE = re.compile(r"^\s*(?:[\d.]+\s*\|\s*)?\d+\)\s+(?:[+!#*@$ ]\s*)?(?:([\d.]+) us\s+)?\|\s(\s*)(.*)$")


def parse(path, root="process_backlog"):
    """Yields one tree per call of root: (name, inclusive us, children)."""
    stack = []
    for raw in open(path, errors="replace"):
        m = LINE.match(raw)
        if not m:
            continue
        dur, indent, text = m.group(1), m.group(2), m.group(3).strip()
        if text.endswith("{"):
            name = re.sub(r"\s*\[.*?\]", "", text[:-1].strip()).rstrip("()")
            node = [name, 0.0, []]
            if stack:
                stack[-1][2].append(node)
            elif name != root:
                continue
            stack.append(node)
        elif text.startswith("}"):
            if not stack:
                continue
            node = stack.pop()
            node[1] = float(dur) if dur else 0.0
            if not stack:
                yield node
        elif text.endswith(";") and stack:
            name = re.sub(r"\s*\[.*?\]", "", text[:-1].strip()).rstrip("()")
            stack[-1][2].append([name, float(dur) if dur else 0.0, []])


def count(node):
    return 1 + sum(count(c) for c in node[2])


def merge(into, node):
    """Adds node's times into a tree of dicts keyed by function name."""
    entry = into.setdefault(node[0], {"us": 0.0, "calls": 0, "children": {}})
    entry["us"] += node[1]
    entry["calls"] += 1
    for child in node[2]:
        merge(entry["children"], child)


def show(tree, packets, total, depth, min_share, indent=0, out=None):
    for name, e in sorted(tree.items(), key=lambda kv: -kv[1]["us"]):
        share = e["us"] / total if total else 0
        if share < min_share:
            continue
        out.append("%s%-*s %7.1f us %5.1f%%  %4.1f calls" % (
            "  " * indent, 48 - 2 * indent, name, e["us"] / packets, 100 * share, e["calls"] / packets))
        if depth > 1:
            show(e["children"], packets, total, depth - 1, min_share, indent + 1, out)


def summarize(path, depth=7, min_share=0.03, root="process_backlog"):
    packets = list(parse(path, root))
    if not packets:
        return None, ["%s: no %s() calls" % (path, root)]
    calls = sum(count(p) for p in packets) / len(packets)
    total = sum(p[1] for p in packets)
    tree = {}
    for p in packets:
        merge(tree, p)
    lines = ["%s: %d calls of %s, %.1f kernel functions and %.1f traced us per call" % (
        path, len(packets), root, calls, total / len(packets))]
    show(tree, len(packets), total, depth, min_share, out=lines)
    return {"packets": len(packets), "calls_per_packet": round(calls, 1),
            "traced_us_per_packet": round(total / len(packets), 1)}, lines


def calls_per_packet(path, root="process_backlog"):
    """Average number of calls of each function per root call."""
    counts, n = {}, 0

    def walk(node):
        counts[node[0]] = counts.get(node[0], 0) + 1
        for child in node[2]:
            walk(child)

    for tree in parse(path, root):
        n += 1
        walk(tree)
    return {name: c / n for name, c in counts.items()} if n else {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("traces", nargs="+")
    parser.add_argument("--depth", type=int, default=7)
    parser.add_argument("--min-share", type=float, default=0.03)
    parser.add_argument("--root", default="process_backlog",
                        help="the function whose calls are averaged (genl_rcv_msg, netlink_dump, ...)")
    args = parser.parse_args()
    for path in args.traces:
        _, lines = summarize(path, args.depth, args.min_share, args.root)
        print("\n".join(lines))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
