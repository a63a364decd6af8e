#!/usr/bin/env bash
# A change on the hot path, before and after: the current build against the build of BEFORE (a commit), alternating on fresh
# server processes on one redis-server on loopback, with the two loads of bench/run.sh that matter most, one after the other
# on each process as there: fan-out at full load (200 rooms x 10, 1.5 changes per participant per second), then 1,000
# joins+connects per second. Writes bench/$NAME.md and bench/$NAME.jsonl.
# Usage: BEFORE=<commit> NAME=<FILE> bench/before-after.sh [quick]      quick: 40 rooms, 300 joins/s, one run each, short warm-up
#        SCENARIOS="fanout joins" (the default) picks the loads (half: the fan-out at half load; restart: kill -9 with 10,000 live
#        rooms and start again, as run.sh's restart scenario); BEFORE_JOIN and AFTER_JOIN (hub, the default, or rest) how
#        CallServer's participants join (by default rest for a build from before the join over the hub, docs/API.md §5.1).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)"
root=$(pwd)
quick=${1:-}
before=${BEFORE:?BEFORE=<commit> is required}
name=${NAME:?NAME=<file name without .md> is required}
source bench/common.sh
results="$work/before-after.jsonl"

git worktree add -f "$work/before" "$before" >/dev/null 2>&1
trap 'cleanup; git worktree remove --force "$work/before" >/dev/null 2>&1 || true' EXIT
(cd "$work/before" && dotnet build CallServer -c Release -nologo -v quiet >/dev/null)
redis=$(free_port); redis_ports+=("$redis")
redis-server --port "$redis" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" >/dev/null
for _ in $(seq 1 100); do redis-cli -p "$redis" ping >/dev/null 2>&1 && break; sleep 0.1; done
# a build from before the join over the hub (docs/API.md §5.1) can only be joined by REST
before_join=hub; git cat-file -e "$before:CallServer/Hubs/HubJoins.cs" 2>/dev/null || before_join=rest
if [ "$quick" = "quick" ]; then runs=1; rooms=40; secs=8; warm=5; rate=300; restart_rooms=1000; else runs=2; rooms=200; secs=15; warm=30; rate=1000; restart_rooms=10000; fi
admin="bench-admin-key-0123456789"

for run in $(seq 1 "$runs"); do
  for build in before after; do
    dir=$root; join=${AFTER_JOIN:-hub}; [ "$build" = before ] && dir="$work/before" && join=${BEFORE_JOIN:-$before_join}
    port=$(free_port); url="http://127.0.0.1:$port"
    cmd="env ASPNETCORE_ENVIRONMENT=Production dotnet $dir/CallServer/bin/Release/net10.0/CallServer.dll --urls $url \
--ConnectionStrings:Redis=127.0.0.1:$redis --Redis:KeyPrefix=ba$run$build: --Storage:DataDir=$work/data$run$build --Auth:AdminKey=$admin \
--Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Limits:HubCallsPerSecond=0 --Limits:ReadsPerMinute=0 --Limits:AdminPerMinute=0 \
--Limits:MaxConnections=1000 --Limits:MaxUpgradedConnections=$(( $(ulimit -Hn) > 40000 ? 21000 : 17900 )) --Rooms:MaxLiveRooms=1000000 \
--Rooms:JoinTimeoutSeconds=3600 --Logging:LogLevel:Default=Warning"
    $cmd >"$work/cs$run$build.log" 2>&1 &
    pid=$!; pids+=("$pid"); wait_http "$url/health/ready"
    # as in bench/run.sh, the joins come after the fan-out on the same process: a server the fan-out warmed up
    for scenario in ${SCENARIOS:-fanout joins}; do
      if [ "$scenario" = fanout ] || [ "$scenario" = half ]; then
        load=1.5; [ "$scenario" = half ] && load=0.75
        dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll" fanout --target callserver --join "$join" --label "$build" --url "$url" --pid "$pid" \
          --rooms "$rooms" --participants 10 --rate "$load" --seconds "$secs" --warmup "$warm" --out "$results"
      elif [ "$scenario" = restart ]; then
        # kill -9 with 10,000 live rooms, then the same command again: until every room answers (the process is replaced)
        dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll" restart --target callserver --label "$build" --url "$url" --pid "$pid" \
          --admin-key "$admin" --rooms "$restart_rooms" --count 500 --server-cmd "$cmd" --pid-file "$work/restarted.pid" --out "$results"
        pid=$(cat "$work/restarted.pid"); pids+=("$pid")
      else
        dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll" joins --target callserver --join "$join" --label "$build" --url "$url" --pid "$pid" \
          --rate "$rate" --seconds 10 --warmup 3 --out "$results"
      fi
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

cp "$results" "bench/$name.jsonl"
python3 - "$results" "$before" "$(git rev-parse --short HEAD)" > "bench/$name.md" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"# {sys.argv[3]} against {sys.argv[2]}: " + ", ".join(dict.fromkeys(r["load"] for r in rows)) + "\n")
print("Made by `bench/before-after.sh`: the build of each commit, alternating on fresh server processes on one redis-server on")
print("loopback; medians of the runs. The machine is shared and noisy: read the ratios, measured side by side, not the figures.\n")
print("| load | build | runs | deliveries or joins/s | per server CPU-s | p50 ms | p99 ms | errors |")
print("|---|---|---|---|---|---|---|---|")
ratios = []
for scenario, load in dict.fromkeys((r["scenario"], r["load"]) for r in rows):
    meds = {}
    for build in ("before", "after"):
        rs = [r for r in rows if r["scenario"] == scenario and r["load"] == load and r["target"] == build]
        if not rs: continue
        m = {k: statistics.median(r[k] for r in rs) for k in ("deliveriesPerSecond", "deliveriesPerCpuSecond", "p50Ms", "p99Ms")}
        meds[build] = m
        print(f"| {rs[0]['load']} | {build} | {len(rs)} | {m['deliveriesPerSecond']:.0f} | {m['deliveriesPerCpuSecond']:.0f} | {m['p50Ms']:.1f} | {m['p99Ms']:.1f} | {sum(r['errors'] for r in rs)} |")
    if len(meds) == 2:
        b, a = meds["before"], meds["after"]
        ratio = lambda k: f"{a[k] / b[k]:.2f}x" if b[k] else "-"
        ratios.append(f"- {scenario} ({load}): throughput {ratio('deliveriesPerSecond')}, per server CPU-s "
                      f"{ratio('deliveriesPerCpuSecond')}, p99 {ratio('p99Ms')} (after / before)")
print()
print("\n".join(ratios))
PY
cat "bench/$name.md"
