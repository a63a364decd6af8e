#!/usr/bin/env bash
# What a deploy or a crash restart costs before the JIT has caught up: the fan-out load (100 rooms x 10 participants, each
# changing its media once a second: 10,000 deliveries/s offered) measured for its first 5 s on a fresh server process
# ("cold"), then again on the same process after 10 s of unmeasured load ("warm"). One variant per published build and
# runtime setting, alternating, three runs each, embedded defaults (Garnet and SQLite in-process), Production environment.
# Then the chosen build ("shipped") cold in a 512 MB memory cgroup: errors, p99 and the cgroup's peak usage.
# Writes bench/COLDSTART.md and bench/coldstart.jsonl.
# Usage: bench/coldstart.sh [quick]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=${1:-}
source bench/common.sh
results="$work/coldstart.jsonl"
loadgen=(dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll")

# the shipped publish (the Dockerfile's) and one with ReadyToRun code for this machine's runtime, to compare it with
dotnet publish CallServer/CallServer.csproj -c Release -o "$work/pub-shipped" -nologo -v quiet
dotnet publish CallServer/CallServer.csproj -c Release -o "$work/pub-r2r" -p:PublishReadyToRun=true --use-current-runtime -nologo -v quiet

# variant = publish folder + environment
# "start-tuned": no dynamic PGO (no instrumented tiers to compile) and hot methods promoted to tier 1 without the 100 ms
# call-counting delay, which start-up activity keeps postponing
# "no-delay": only the call-counting delay removed, dynamic PGO kept
declare -A dir=([shipped]=pub-shipped [readytorun]=pub-r2r [start-tuned]=pub-shipped [no-delay]=pub-shipped [no-pgo]=pub-shipped)
declare -A env=([shipped]="" [readytorun]="" [start-tuned]="DOTNET_TieredPGO=0 DOTNET_TC_CallCountingDelayMs=0" [no-delay]="DOTNET_TC_CallCountingDelayMs=0" [no-pgo]="DOTNET_TieredPGO=0")
read -r -a variants <<< "${VARIANTS:-shipped readytorun start-tuned no-delay}"
if [ "$quick" = "quick" ]; then runs=1; else runs=3; fi

start_server() { # variant data-suffix [cgroup]
  port=$(free_port); url="http://127.0.0.1:$port"
  local launch=(env ${env[$1]} ASPNETCORE_ENVIRONMENT=Production dotnet "$work/${dir[$1]}/CallServer.dll" --urls "$url"
    --Storage:DataDir="$work/data$2" --Logging:LogLevel:Default=Warning --Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Limits:HubCallsPerSecond=0
    --Rooms:JoinTimeoutSeconds=3600)
  if [ -n "${3:-}" ]; then
    # a child of the cgroup this script runs in, so that the runtime reads its limit as a container's
    bash -c 'echo $$ > "$0/cgroup.procs"; exec "$@"' "$3" "${launch[@]}" >"$work/cs$2.log" 2>&1 &
  else
    "${launch[@]}" >"$work/cs$2.log" 2>&1 &
  fi
  pid=$!; pids+=("$pid"); wait_http "$url/health/ready"
}

fanout() { # label seconds warmup
  "${loadgen[@]}" fanout --target callserver --label "$1" --url "$url" --pid "$pid" --rooms 100 --participants 10 --rate 1 \
    --seconds "$2" --warmup "$3" --out "$results"
}

for run in $(seq 1 "$runs"); do
  for v in "${variants[@]}"; do
    start_server "$v" "$run$v"
    fanout "$v/cold" 5 0
    fanout "$v/warm" 5 10
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

# the 512 MB budget: a memory cgroup (v1 or v2) below the one this script runs in
own=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3; exit} $1 == "0" {v2=$3} END {if (v2 != "") print v2}' /proc/self/cgroup | head -1)
base=/sys/fs/cgroup/memory$own; [ -d "$base" ] || base=/sys/fs/cgroup$own
budget="$base/callserver-bench-$$"
if mkdir "$budget" 2>/dev/null; then
  if [ -f "$budget/memory.limit_in_bytes" ]; then echo $((512 * 1024 * 1024)) > "$budget/memory.limit_in_bytes"; peak_file=memory.max_usage_in_bytes
  else echo $((512 * 1024 * 1024)) > "$budget/memory.max"; peak_file=memory.peak; fi
  for run in $(seq 1 "$runs"); do
    start_server shipped "budget$run" "$budget"
    fanout "shipped-512MB/cold" 5 0
    fanout "shipped-512MB/warm" 5 10
    peak=$(cat "$budget/$peak_file")
    echo "{\"target\":\"shipped-512MB/peak\",\"peakBytes\":$peak}" >> "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    [ -f "$budget/memory.max_usage_in_bytes" ] && echo 0 > "$budget/memory.max_usage_in_bytes" || true
  done
  rmdir "$budget" 2>/dev/null || true
else
  echo "no memory cgroup can be made here: the 512 MB budget is not measured" >&2
fi

cp "$results" bench/coldstart.jsonl
python3 - "$results" > bench/COLDSTART.md <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def pick(label): return [r for r in rows if r["target"] == label]
def med(label, key): return statistics.median(r[key] for r in pick(label))
print("# Cold start\n")
print("Made by `bench/coldstart.sh`: 100 rooms x 10 participants, each changing its media once a second (10,000 deliveries/s")
print("offered), on the embedded defaults in Production. *Cold* is the first 5 s of load on a fresh process; *warm* is 5 s on the")
print("same process after 10 s more of load. Variants alternate; medians of the runs. *shipped* is the publish as the Dockerfile")
print("makes it; *readytorun* adds precompiled code for this machine's runtime; *start-tuned* is *shipped* with `DOTNET_TieredPGO=0`")
print("and `DOTNET_TC_CallCountingDelayMs=0`; *no-delay* is *shipped* with only the second (`VARIANTS=no-pgo` measures only the first).\n")
print("| variant | runs | cold deliveries/s | cold p99 ms | cold deliveries per CPU-s | warm deliveries per CPU-s | cold / warm | warm p99 ms | errors |")
print("|---|---|---|---|---|---|---|---|---|")
variants = []
for r in rows:
    v = r["target"].split("/")[0]
    if "/" in r["target"] and v not in variants: variants.append(v)
for v in variants:
    cold, warm = pick(v + "/cold"), pick(v + "/warm")
    if not cold or not warm: continue
    c, w = med(v + "/cold", "deliveriesPerCpuSecond"), med(v + "/warm", "deliveriesPerCpuSecond")
    errors = sum(r["errors"] for r in cold + warm)
    print(f"| {v} | {len(cold)} | {med(v+'/cold','deliveriesPerSecond'):.0f} | {med(v+'/cold','p99Ms'):.1f} | {c:.0f} | {w:.0f} | {c / w:.2f} | {med(v+'/warm','p99Ms'):.1f} | {errors} |")
peaks = [r["peakBytes"] for r in rows if r["target"] == "shipped-512MB/peak"]
if peaks:
    print(f"\nIn the 512 MB memory cgroup, the cgroup's peak usage (page cache included) was {statistics.median(peaks) / 2**20:.0f} MB (median; max {max(peaks) / 2**20:.0f} MB).")
PY
cat bench/COLDSTART.md
