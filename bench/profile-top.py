#!/usr/bin/env python3
"""Top methods of a dotnet-trace sampled-thread-time profile (Speedscope JSON) counting only samples that were running:
a sample whose leaf frame is a wait (thread pool idle, Monitor.Wait, a blocking read, a socket poll) is dropped, so the
ranking is of CPU, not of idle threads. Usage: profile-top.py trace.speedscope.json [N]"""
import collections, json, re, sys

WAIT = re.compile(r"WaitForSignal|WaitNative|Monitor\.Wait|WaitOne|Interop\+Sys\.Read|SocketAsyncEngine|EventLoop|"
                  r"Sleep|WaitHandle|epoll|SpinThenBlockingWait|Missing Symbol|TimerQueue\.TimerThread|PollGC")
doc = json.load(open(sys.argv[1]))
n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
frames = [f["name"] for f in doc["shared"]["frames"]]
excl, incl, total = collections.Counter(), collections.Counter(), 0.0
for profile in doc["profiles"]:
    if profile["type"] == "sampled":
        stacks = zip(profile["samples"], profile["weights"])
    else:  # evented: rebuild the stacks from open/close events
        stacks, open_, last = [], [], None
        for e in profile["events"]:
            if last is not None and open_:
                stacks.append((list(open_), e["at"] - last))
            last = e["at"]
            if e["type"] == "O":
                open_.append(e["frame"])
            else:
                open_.pop()
    for stack, weight in stacks:
        # the sampler ends each stack with a pseudo-frame (CPU_TIME: managed code running; UNMANAGED_CODE_TIME: native code,
        # running or blocked): drop it, and judge by the frame under it
        if stack and frames[stack[-1]] in ("CPU_TIME", "UNMANAGED_CODE_TIME"):
            stack = stack[:-1]
        if not stack or WAIT.search(frames[stack[-1]]) or frames[stack[-1]].startswith("Thread"):
            continue
        total += weight
        excl[frames[stack[-1]]] += weight
        for name in set(frames[i] for i in stack):
            incl[name] += weight
def short(name):
    return re.sub(r"\(.*", "", name)[:110]
print(f"running samples: {total:.0f} (weight units)\n\n| # | exclusive (running) | % |\n|---|---|---|")
for i, (name, w) in enumerate(excl.most_common(n), 1):
    print(f"| {i} | `{short(name)}` | {100 * w / total:.1f} |")
print("\n| # | inclusive (running), CallServer's own and libraries' | % |\n|---|---|---|")
shown = 0
for name, w in incl.most_common():
    if re.search(r"Thread\.StartCallback|Process64|^Thread|WorkerThreadStart|ExecutionContext|Dispatch\(\)|Threads|Non-Activities|MoveNext\(\)$|"
                 r"AsyncMethodBuilderCore|RunContinuations|SetResult|RunOrScheduleAction|StartHelper|ExecuteFromThreadPool", name):
        continue
    shown += 1
    print(f"| {shown} | `{short(name)}` | {100 * w / total:.1f} |")
    if shown >= n:
        break
