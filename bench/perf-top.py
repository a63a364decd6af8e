#!/usr/bin/env python3
"""Top entries of a `perf record -g` profile of a .NET process (DOTNET_PerfMapEnabled=1): the share of CPU samples whose
stack holds each method (inclusive) and each component (an assembly's namespace, two levels), so the join path's costs read
by component. Usage: perf script -i FILE | perf-top.py [N]"""
import collections, re, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
incl, comp, excl, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
stack = []
def method(line):
    m = re.search(r"\[(?P<asm>[\w.]+)\] (?P<name>[\w.`+<>|$]+::[\w.`<>|$]+)", line)
    if m:
        return m.group("name"), m.group("asm")
    m = re.search(r"^\s*[0-9a-f]+ (?P<sym>\S+) \((?P<dso>[^)]*)\)", line)
    if m:
        dso = m.group("dso").rsplit("/", 1)[-1]
        return (m.group("sym") if not m.group("sym").startswith("0x") and m.group("sym") != "[unknown]" else dso), dso
    return None
def flush():
    global total
    if not stack:
        return
    total += 1
    excl[stack[0][0]] += 1
    for name in set(s[0] for s in stack):
        incl[name] += 1
    for c in set(s[1] for s in stack):
        comp[c] += 1
for line in sys.stdin:
    if not line.strip():
        flush(); stack = []
    elif line.startswith((" ", "\t")):
        m = method(line)
        if m:
            stack.append(m)
flush()
def table(title, counter, skip=r"^$"):
    print(f"\n| {title} | % of CPU samples |\n|---|---|")
    shown = 0
    for name, c in counter.most_common():
        if re.search(skip, name):
            continue
        print(f"| `{name[:120]}` | {100 * c / total:.1f} |")
        shown += 1
        if shown >= n:
            break
print(f"{total} CPU samples")
table("component (inclusive)", comp)
table("method (exclusive)", excl)
table("method (inclusive), without the thread pool's and async plumbing", incl,
      r"ThreadPool|ExecutionContext|AsyncMethodBuilder|AsyncStateMachineBox|MoveNext|start_thread|libcoreclr|libc\.so|WorkerThread|Dispatch|RunContinuations|SetResult|TrySetResult|ContinuationWrapper|AwaitTaskContinuation|\.so")
