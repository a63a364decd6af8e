#!/usr/bin/env bash
# What webhooks cost, and how promptly they arrive: the changes load (SetMedia, call to acknowledged answer) with webhooks off,
# and with every change delivered as a webhook (participant.media_changed) to a receiver in the load generator, which records
# the time from each event to its delivery. Off and on alternate, three times each, on fresh server processes against one
# redis-server on loopback. Writes bench/WEBHOOKS.md and bench/webhooks.jsonl.
# Usage: bench/webhooks.sh [quick]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=${1:-}
source bench/common.sh
results="$work/webhooks.jsonl"

redis=$(free_port); redis_ports+=("$redis")
redis-server --port "$redis" --bind 127.0.0.1 --daemonize yes --save "" --appendonly yes --dir "$work" --logfile "$work/redis.log" >/dev/null
for _ in $(seq 1 100); do redis-cli -p "$redis" ping >/dev/null 2>&1 && break; sleep 0.1; done

secret="whsec_$(head -c 32 /dev/urandom | base64)"
if [ "$quick" = "quick" ]; then runs=1; rooms=10; secs=5; warm=2; else runs=3; rooms=50; secs=15; warm=5; fi
for run in $(seq 1 "$runs"); do
  for hooks in off on; do
    port=$(free_port); url="http://127.0.0.1:$port"; hook_port=$(free_port)
    extra=()
    if [ "$hooks" = on ]; then
      extra=(--Webhooks:Endpoints:0:Url="http://127.0.0.1:$hook_port/hooks/" --Webhooks:Endpoints:0:Secret="$secret"
             --Webhooks:Endpoints:0:Events:0=participant.media_changed)
    fi
    ASPNETCORE_ENVIRONMENT=Production dotnet "$root/CallServer/bin/Release/net10.0/CallServer.dll" --urls "$url" \
      --ConnectionStrings:Redis="127.0.0.1:$redis" --Redis:KeyPrefix="wh$run$hooks:" --Storage:DataDir="$work/data$run$hooks" \
      --Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Limits:HubCallsPerSecond=0 --Rooms:JoinTimeoutSeconds=3600 --Logging:LogLevel:Default=Warning \
      "${extra[@]}" >"$work/cs$run$hooks.log" 2>&1 &
    pid=$!; pids+=("$pid"); wait_http "$url/health/live"
    scenario=changes; [ "$hooks" = on ] && scenario=webhooks
    dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll" "$scenario" --target callserver --label "webhooks-$hooks" --url "$url" \
      --pid "$pid" --hook-port "$hook_port" --rooms "$rooms" --participants 2 --rate 5 --seconds "$secs" --warmup "$warm" --out "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

cp "$results" bench/webhooks.jsonl
python3 - "$results" > bench/WEBHOOKS.md <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(target, key): return statistics.median(r[key] for r in rows if r["target"] == target)
print("# What webhooks cost, and how promptly they arrive\n")
print("Made by `bench/webhooks.sh`: SetMedia latency (call to acknowledged answer) against one redis-server on loopback;")
print(f"{rows[0]['load']}; webhooks off, and on with every change delivered as a `participant.media_changed` webhook to a")
print(f"receiver on loopback (in the load generator), alternately on fresh server processes; medians of {len(rows)//2} runs each.\n")
print("| webhooks | changes/s | p50 ms | p99 ms | changes per server CPU-second | event to delivery p50 ms | event to delivery p99 ms | webhooks measured | errors |")
print("|---|---|---|---|---|---|---|---|---|")
for t in ("webhooks-off", "webhooks-on"):
    lag = t == "webhooks-on"
    print(f"| {t[9:]} | {med(t,'deliveriesPerSecond'):.0f} | {med(t,'p50Ms'):.2f} | {med(t,'p99Ms'):.2f} | {med(t,'deliveriesPerCpuSecond'):.0f} | "
          f"{med(t,'lagP50Ms'):.1f} | {med(t,'lagP99Ms'):.1f} | {med(t,'lagCount'):.0f} | {sum(r['errors'] for r in rows if r['target']==t)} |" if lag else
          f"| {t[9:]} | {med(t,'deliveriesPerSecond'):.0f} | {med(t,'p50Ms'):.2f} | {med(t,'p99Ms'):.2f} | {med(t,'deliveriesPerCpuSecond'):.0f} | | | | {sum(r['errors'] for r in rows if r['target']==t)} |")
print(f"\nRatio on / off: change p50 {med('webhooks-on','p50Ms')/med('webhooks-off','p50Ms'):.2f}x, p99 {med('webhooks-on','p99Ms')/med('webhooks-off','p99Ms'):.2f}x, "
      f"server CPU per change {med('webhooks-off','deliveriesPerCpuSecond')/max(1,med('webhooks-on','deliveriesPerCpuSecond')):.2f}x. "
      f"Target: event to delivery attempt p99 under 1 s.")
PY
cat bench/WEBHOOKS.md
