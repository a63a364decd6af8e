#!/usr/bin/env bash
# How soon a dialed call starts ringing: open-loop dials (POST /calls, one callee each) against the published server on one
# redis-server on loopback, with invitation.ringing delivered as a webhook to a receiver in the load generator, which records
# the time from each ring's event to its webhook's arrival (the app backend's cue to send the VoIP push). Three runs on fresh
# server processes (one in quick mode). Writes bench/RINGING.md and bench/ringing.jsonl.
# Usage: bench/ringing.sh [quick]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=${1:-}
source bench/common.sh
results="$work/ringing.jsonl"

redis=$(free_port); redis_ports+=("$redis")
redis-server --port "$redis" --bind 127.0.0.1 --daemonize yes --save "" --appendonly yes --dir "$work" --logfile "$work/redis.log" >/dev/null
for _ in $(seq 1 100); do redis-cli -p "$redis" ping >/dev/null 2>&1 && break; sleep 0.1; done

secret="whsec_$(head -c 32 /dev/urandom | base64)"
if [ "$quick" = "quick" ]; then runs=1; secs=5; warm=2; else runs=3; secs=15; warm=5; fi
for run in $(seq 1 "$runs"); do
  port=$(free_port); url="http://127.0.0.1:$port"; hook_port=$(free_port)
  ASPNETCORE_ENVIRONMENT=Production dotnet "$root/CallServer/bin/Release/net10.0/CallServer.dll" --urls "$url" \
    --ConnectionStrings:Redis="127.0.0.1:$redis" --Redis:KeyPrefix="ring$run:" --Storage:DataDir="$work/data$run" \
    --Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Rooms:JoinTimeoutSeconds=3600 --Logging:LogLevel:Default=Warning \
    --Webhooks:Endpoints:0:Url="http://127.0.0.1:$hook_port/hooks/" --Webhooks:Endpoints:0:Secret="$secret" \
    --Webhooks:Endpoints:0:Events:0=invitation.ringing >"$work/cs$run.log" 2>&1 &
  pid=$!; pids+=("$pid"); wait_http "$url/health/live"
  dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll" ringing --url "$url" --pid "$pid" --hook-port "$hook_port" \
    --rate 20 --seconds "$secs" --warmup "$warm" --out "$results"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

cp "$results" bench/ringing.jsonl
python3 - "$results" > bench/RINGING.md <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(key): return statistics.median(r[key] for r in rows)
print("# How soon a dialed call starts ringing\n")
print("Made by `bench/ringing.sh`: open-loop dials (`POST /calls`, one callee each, a new room per dial) against the published")
print(f"server on one redis-server on loopback; {rows[0]['load']}; `invitation.ringing` delivered as a webhook to a receiver on")
print(f"loopback (in the load generator); medians of {len(rows)} run(s) on fresh server processes.\n")
print("| dials/s | dial p50 ms | dial p99 ms | dials per server CPU-second | ring event to webhook p50 ms | p99 ms | webhooks measured | errors |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {med('deliveriesPerSecond'):.0f} | {med('p50Ms'):.2f} | {med('p99Ms'):.2f} | {med('deliveriesPerCpuSecond'):.0f} | "
      f"{med('lagP50Ms'):.1f} | {med('lagP99Ms'):.1f} | {med('lagCount'):.0f} | {sum(r['errors'] for r in rows)} |")
print("\nThe ring's event is stamped when the dial's change is written; the webhook is the backend's cue to send the VoIP push, so")
print("this is what CallServer adds between a dial and the callee's phone starting to ring. Target: p99 under 1 s.")
PY
cat bench/RINGING.md
