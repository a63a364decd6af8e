#!/usr/bin/env bash
# The two hub protocols side by side: the fan-out load at about half this machine's capacity (200 rooms x 10 participants,
# each changing its media 0.75 times a second) with every client on JSON, then with every client on MessagePack, alternating
# on fresh server processes against one redis-server on loopback. Reports deliveries per server CPU-second, latency, and the
# bytes the server wrote per delivery (/proc/PID/io wchar: what it sent to clients plus its Redis traffic, which is the same
# for both protocols). The 30 s warm-up lets the JIT settle (bench/COLDSTART.md). Writes bench/PROTOCOLS.md and bench/protocols.jsonl.
# Usage: bench/protocols.sh [quick]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=${1:-}
source bench/common.sh
results="$work/protocols.jsonl"

redis=$(free_port); redis_ports+=("$redis")
redis-server --port "$redis" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" >/dev/null
for _ in $(seq 1 100); do redis-cli -p "$redis" ping >/dev/null 2>&1 && break; sleep 0.1; done
if [ "$quick" = "quick" ]; then runs=1; rooms=20; secs=5; warm=3; else runs=3; rooms=200; secs=15; warm=30; fi

for run in $(seq 1 "$runs"); do
  for protocol in json messagepack; do
    port=$(free_port); url="http://127.0.0.1:$port"
    ASPNETCORE_ENVIRONMENT=Production dotnet "$root/CallServer/bin/Release/net10.0/CallServer.dll" --urls "$url" \
      --ConnectionStrings:Redis="127.0.0.1:$redis" --Redis:KeyPrefix="p$run$protocol:" --Storage:DataDir="$work/data$run$protocol" \
      --Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Limits:HubCallsPerSecond=0 --Rooms:JoinTimeoutSeconds=3600 --Logging:LogLevel:Default=Warning \
      >"$work/cs$run$protocol.log" 2>&1 &
    pid=$!; pids+=("$pid"); wait_http "$url/health/live"
    dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll" fanout --target callserver --label "$protocol" --protocol "$protocol" \
      --url "$url" --pid "$pid" --rooms "$rooms" --participants 10 --rate 0.75 --seconds "$secs" --warmup "$warm" --out "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

cp "$results" bench/protocols.jsonl
python3 - "$results" > bench/PROTOCOLS.md <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(target, key): return statistics.median(r[key] for r in rows if r["target"] == target)
print("# Hub protocols: JSON and MessagePack\n")
print(f"Made by `bench/protocols.sh`: {rows[0]['load']}, every client on one protocol, against one redis-server on loopback;")
print(f"fresh server processes, alternating; medians of {len(rows)//2} runs each. *Bytes written per delivery* is the server's")
print("wchar (/proc/PID/io) over the measured window divided by the deliveries: what it sent to clients plus its Redis traffic,")
print("which is the same for both protocols, so the difference between the rows is the difference on the clients' wire.\n")
print("| protocol | deliveries/s | p50 ms | p99 ms | deliveries per server CPU-s | vs JSON | bytes written per delivery | errors |")
print("|---|---|---|---|---|---|---|---|")
for p in ("json", "messagepack"):
    print(f"| {p} | {med(p,'deliveriesPerSecond'):.0f} | {med(p,'p50Ms'):.2f} | {med(p,'p99Ms'):.2f} | {med(p,'deliveriesPerCpuSecond'):.0f} | "
          f"{med(p,'deliveriesPerCpuSecond') / med('json','deliveriesPerCpuSecond'):.2f}× | {med(p,'bytesPerUnit'):.0f} | {sum(r['errors'] for r in rows if r['target'] == p)} |")
PY
cat bench/PROTOCOLS.md
