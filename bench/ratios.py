#!/usr/bin/env python3
"""CallServer's ratios to the baseline (SignalR + Redis backplane) from one bench run, and how they stand against the last
accepted ones in bench/BUDGET.md (its ```json block, by mode). A ratio more than 10% worse than its budget is a regression:
fix it, or write the new ratio into BUDGET.md with its reason.
Usage: bench/ratios.py RESULTS.jsonl MODE [BUDGET.md]     MODE: quick or full"""
import json, re, statistics, sys

def ratios(rows):
    def med(target, scenario, key, load=None):
        vals = [r[key] for r in rows if r["target"] == target and r["scenario"] == scenario and (load is None or load in r["load"])]
        return statistics.median(vals) if vals else None
    out = {}
    for load, name in (("1.5 calls/s", "full"), ("0.75 calls/s", "half")):
        cs, base = med("callserver", "fanout", "deliveriesPerSecond", load), med("baseline", "fanout", "deliveriesPerSecond", load)
        if cs and base:
            out[f"fanout {name} load: deliveries/s"] = cs / base
            out[f"fanout {name} load: deliveries per CPU-s"] = med("callserver", "fanout", "deliveriesPerCpuSecond", load) / med("baseline", "fanout", "deliveriesPerCpuSecond", load)
            out[f"fanout {name} load: baseline p99 / CallServer p99"] = med("baseline", "fanout", "p99Ms", load) / med("callserver", "fanout", "p99Ms", load)
    joins = sorted({r["load"] for r in rows if r["scenario"] == "joins" and r["target"] == "callserver"}, key=lambda l: float(l.split()[0]))
    if joins:
        top = joins[-1]
        cs, base = med("callserver", "joins", "deliveriesPerSecond", top), med("baseline", "joins", "deliveriesPerSecond", top)
        if cs and base:
            out[f"joins {top.split(' for')[0]}: held"] = cs / base
            out[f"joins {top.split(' for')[0]}: joins per CPU-s"] = med("callserver", "joins", "deliveriesPerCpuSecond", top) / med("baseline", "joins", "deliveriesPerCpuSecond", top)
    return out

def budget(path, mode):
    try:
        text = open(path).read()
    except OSError:
        return {}
    block = re.search(r"```json\n(.*?)\n```", text, re.S)
    return json.loads(block.group(1)).get(mode, {}) if block else {}

if __name__ == "__main__":
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    mode = sys.argv[2]
    accepted = budget(sys.argv[3] if len(sys.argv) > 3 else "bench/BUDGET.md", mode)
    print(f"CallServer / baseline ({mode} mode; higher is better):")
    worse = 0
    for name, value in ratios(rows).items():
        was = accepted.get(name)
        if was is None:
            verdict = "no budget yet"
        elif value < was * 0.9:
            verdict, worse = f"REGRESSION: budget {was:.2f} (more than 10% worse)", worse + 1
        else:
            verdict = f"ok (budget {was:.2f})"
        print(f"  {name:55} {value:6.2f}  {verdict}")
    print(f"{worse} ratio(s) more than 10% below bench/BUDGET.md: fix, or write the new ratio there with its reason" if worse else "within bench/BUDGET.md")
