#!/usr/bin/env bash
# Idle memory of the published server, in both store modes: the embedded defaults (Garnet and SQLite in-process) and an
# external redis-server on loopback. Each run starts the published server (as the Dockerfile makes it) fresh, waits for
# /health/ready, lets it settle 5 s, and reads VmRSS; three runs per mode, alternating. Writes bench/IDLE.md and bench/idle.jsonl.
# Usage: bench/idle-rss.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source bench/common.sh
results="$work/idle.jsonl"
dotnet publish CallServer/CallServer.csproj -c Release -o "$work/pub" -nologo -v quiet

redis=$(free_port); redis_ports+=("$redis")
redis-server --port "$redis" --bind 127.0.0.1 --daemonize yes --save "" --dir "$work" --logfile "$work/redis.log" >/dev/null
for _ in $(seq 1 100); do redis-cli -p "$redis" ping >/dev/null 2>&1 && break; sleep 0.1; done

for run in 1 2 3; do
  for mode in embedded redis; do
    port=$(free_port); url="http://127.0.0.1:$port"
    extra=(); [ "$mode" = redis ] && extra=(--ConnectionStrings:Redis="127.0.0.1:$redis" --Redis:KeyPrefix="idle$run:")
    start=$(date +%s%N)
    ASPNETCORE_ENVIRONMENT=Production dotnet "$work/pub/CallServer.dll" --urls "$url" \
      --Storage:DataDir="$work/data$run$mode" --Logging:LogLevel:Default=Warning "${extra[@]}" >"$work/cs$run$mode.log" 2>&1 &
    pid=$!; pids+=("$pid")
    for _ in $(seq 1 600); do curl -s -o /dev/null "$url/health/ready" && break; sleep 0.05; done
    ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    cpu_ready=$(awk '{print $14+$15}' "/proc/$pid/stat")
    sleep 5
    rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    echo "{\"mode\":\"$mode\",\"run\":$run,\"readyMs\":$ready_ms,\"startupCpuMs\":$((cpu_ready * 10)),\"idleRssMb\":$((rss_kb / 1024))}" >> "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

cp "$results" bench/idle.jsonl
python3 - "$results" > bench/IDLE.md <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(mode, key): return statistics.median(r[key] for r in rows if r["mode"] == mode)
print("# Idle memory and start-up\n")
print("Made by `bench/idle-rss.sh`: the published server started fresh in Production, `/health/ready` awaited, 5 s of rest, then")
print(f"VmRSS; medians of {len(rows)//2} runs per mode, alternating, on this machine.\n")
print("| store | idle RSS MB | time to ready ms | CPU to ready ms | target idle RSS |")
print("|---|---|---|---|---|")
for mode, target in (("embedded", "120 MB"), ("redis", "80 MB")):
    print(f"| {mode} | {med(mode,'idleRssMb'):.0f} | {med(mode,'readyMs'):.0f} | {med(mode,'startupCpuMs'):.0f} | {target} |")
PY
cat bench/IDLE.md
