#!/usr/bin/env bash
# What the GC settings a container might use do to memory and cost: the published server (embedded defaults, Production) with
# each setting, idle RSS 5 s after ready, then the fan-out load (100 rooms x 10 participants, each changing its media once a
# second: 10,000 deliveries/s offered) measured for 10 s after 30 s of warm-up, RSS at its end. Settings alternate, two runs
# each. Writes bench/GC.md and bench/gc.jsonl.
# Usage: bench/gc-settings.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source bench/common.sh
results="$work/gc.jsonl"
dotnet publish CallServer/CallServer.csproj -c Release -o "$work/pub" -nologo -v quiet

declare -A env=([server-gc]="" [workstation-gc]="DOTNET_gcServer=0" [conserve-memory]="DOTNET_GCConserveMemory=5"
                [heap-limit-200MB]="DOTNET_GCHeapHardLimit=0xC800000")
settings=(server-gc workstation-gc conserve-memory heap-limit-200MB)
for run in 1 2; do
  for s in "${settings[@]}"; do
    port=$(free_port); url="http://127.0.0.1:$port"
    env ${env[$s]} ASPNETCORE_ENVIRONMENT=Production dotnet "$work/pub/CallServer.dll" --urls "$url" --Storage:DataDir="$work/data$run$s" \
      --Logging:LogLevel:Default=Warning --Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Limits:HubCallsPerSecond=0 --Rooms:JoinTimeoutSeconds=3600 \
      >"$work/cs$run$s.log" 2>&1 &
    pid=$!; pids+=("$pid"); wait_http "$url/health/ready"
    sleep 5
    idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    echo "{\"target\":\"$s/idle\",\"rssBytes\":$((idle_kb * 1024))}" >> "$results"
    dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll" fanout --target callserver --label "$s" --url "$url" --pid "$pid" \
      --rooms 100 --participants 10 --rate 1 --seconds 10 --warmup 30 --out "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

cp "$results" bench/gc.jsonl
python3 - "$results" > bench/GC.md <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(target, key): return statistics.median(r[key] for r in rows if r["target"] == target)
print("# GC settings for small containers\n")
print("Made by `bench/gc-settings.sh`: the published server on the embedded defaults in Production, each setting on fresh")
print("processes, alternating, medians of two runs. Idle RSS 5 s after ready; then 100 rooms x 10 participants each changing its")
print("media once a second (10,000 deliveries/s offered), measured for 10 s after 30 s of warm-up, RSS read at its end.\n")
print("| setting | environment | idle RSS MB | RSS under load MB | deliveries/s | p99 ms | deliveries per server CPU-s | vs server GC | errors |")
print("|---|---|---|---|---|---|---|---|---|")
envs = {"server-gc": "(default)", "workstation-gc": "`DOTNET_gcServer=0`", "conserve-memory": "`DOTNET_GCConserveMemory=5`", "heap-limit-200MB": "`DOTNET_GCHeapHardLimit=0xC800000`"}
base = med("server-gc", "deliveriesPerCpuSecond")
for s, e in envs.items():
    print(f"| {s} | {e} | {med(s+'/idle','rssBytes')/2**20:.0f} | {med(s,'serverRssBytes')/2**20:.0f} | {med(s,'deliveriesPerSecond'):.0f} | {med(s,'p99Ms'):.1f} | "
          f"{med(s,'deliveriesPerCpuSecond'):.0f} | {med(s,'deliveriesPerCpuSecond')/base:.2f}× | {sum(r.get('errors',0) for r in rows if r['target']==s)} |")
PY
cat bench/GC.md
