#!/usr/bin/env bash
# What Redis:AckReplicas costs: the latency of an acknowledged change (SetMedia, call to answer) with AckReplicas=0 and =1,
# side by side in one run, against the same Redis master with one replica on loopback. The two settings run alternately,
# three times each, on fresh server processes. Writes bench/REPLICAS.md and bench/replicas.jsonl.
# Usage: bench/replicas.sh [quick]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=${1:-}
source bench/common.sh
results="$work/replicas.jsonl"

master=$(free_port); replica=$(free_port); redis_ports+=("$master" "$replica")
common=(--bind 127.0.0.1 --daemonize yes --save "" --appendonly yes --appendfsync everysec --repl-diskless-sync yes --repl-diskless-sync-delay 0)
redis-server --port "$master" --dir "$work" --dbfilename m.rdb --appendfilename m.aof --logfile "$work/master.log" "${common[@]}" >/dev/null
mkdir -p "$work/r"
redis-server --port "$replica" --dir "$work/r" --logfile "$work/replica.log" --replicaof 127.0.0.1 "$master" "${common[@]}" >/dev/null
for _ in $(seq 1 300); do [ "$(redis-cli -p "$master" wait 1 100)" = "1" ] && break; sleep 0.1; done

if [ "$quick" = "quick" ]; then runs=1; rooms=10; secs=5; warm=2; else runs=3; rooms=50; secs=15; warm=5; fi
for run in $(seq 1 "$runs"); do
  for ack in 0 1; do
    port=$(free_port); url="http://127.0.0.1:$port"
    ASPNETCORE_ENVIRONMENT=Production dotnet "$root/CallServer/bin/Release/net10.0/CallServer.dll" --urls "$url" \
      --ConnectionStrings:Redis="127.0.0.1:$master" --Redis:KeyPrefix="rep$run$ack:" --Redis:AckReplicas="$ack" \
      --Storage:DataDir="$work/data$run$ack" --Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Rooms:JoinTimeoutSeconds=3600 --Logging:LogLevel:Default=Warning >"$work/cs$run$ack.log" 2>&1 &
    pid=$!; pids+=("$pid"); wait_http "$url/health/live"
    dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll" changes --target callserver --label "callserver-ack$ack" --url "$url" \
      --pid "$pid" --rooms "$rooms" --participants 2 --rate 5 --seconds "$secs" --warmup "$warm" --out "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

cp "$results" bench/replicas.jsonl
python3 - "$results" > bench/REPLICAS.md <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(target, key): return statistics.median(r[key] for r in rows if r["target"] == target)
print("# What Redis:AckReplicas costs\n")
print("Made by `bench/replicas.sh`: SetMedia latency (call to acknowledged answer) against one Redis master with one replica on")
print(f"loopback; {rows[0]['load']}; AckReplicas=0 and =1 alternately on fresh server processes, medians of {len(rows)//2} runs each.\n")
print("| setting | changes/s | p50 ms | p99 ms | p99.9 ms | changes per server CPU-second | errors |")
print("|---|---|---|---|---|---|---|")
for t in ("callserver-ack0", "callserver-ack1"):
    print(f"| {t.replace('callserver-ack', 'AckReplicas=')} | {med(t,'deliveriesPerSecond'):.0f} | {med(t,'p50Ms'):.2f} | {med(t,'p99Ms'):.2f} | {med(t,'p999Ms'):.2f} | {med(t,'deliveriesPerCpuSecond'):.0f} | {sum(r['errors'] for r in rows if r['target']==t)} |")
print(f"\nRatio AckReplicas=1 / 0: p50 {med('callserver-ack1','p50Ms')/med('callserver-ack0','p50Ms'):.2f}x, p99 {med('callserver-ack1','p99Ms')/med('callserver-ack0','p99Ms'):.2f}x, "
      f"CPU per change {med('callserver-ack0','deliveriesPerCpuSecond')/max(1,med('callserver-ack1','deliveriesPerCpuSecond')):.2f}x.")
PY
cat bench/REPLICAS.md
