#!/usr/bin/env bash
# Issue 29's measurement (bench/SCALE.md): the same fan-out loads on one instance and spread over three instances sharing one
# redis-server on loopback, every connection of a room on one instance (LoadGen --url a,b,c: room r on instance r mod 3), on
# fresh processes, alternating. Two loads: the issue's (60 rooms x 4, one change per participant per second: Redis's output
# bytes and CPU per acknowledged change) and run.sh's half fan-out load (200 rooms x 10, 0.75/s: server CPU per delivery,
# every instance's summed), each after run.sh's 30 s warm-up (the JIT of every instance; bench/COLDSTART.md). With BEFORE=<commit>, that build (one channel for every room) is measured the same way beside this one.
# Usage: [BEFORE=<commit>] [RUNS=2] bench/scale.sh       writes bench/SCALE.md and bench/scale.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)"
root=$(pwd)
source bench/common.sh
results="$work/scale.jsonl"
builds="after"
if [ -n "${BEFORE:-}" ]; then
  git worktree add -f "$work/before" "$BEFORE" >/dev/null 2>&1
  trap 'cleanup; git worktree remove --force "$work/before" >/dev/null 2>&1 || true' EXIT
  (cd "$work/before" && dotnet build CallServer -c Release -nologo -v quiet >/dev/null)
  builds="before after"
fi
redis=$(free_port); redis_ports+=("$redis")
redis-server --port "$redis" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" >/dev/null
for _ in $(seq 1 100); do redis-cli -p "$redis" ping >/dev/null 2>&1 && break; sleep 0.1; done
loadgen=(dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll")

start_instances() { # build count run
  local dir=$root; [ "$1" = before ] && dir="$work/before"
  urls=(); ipids=()
  for i in $(seq 1 "$2"); do
    local port; port=$(free_port)
    env ASPNETCORE_ENVIRONMENT=Production dotnet "$dir/CallServer/bin/Release/net10.0/CallServer.dll" --urls "http://127.0.0.1:$port" \
      --ConnectionStrings:Redis="127.0.0.1:$redis" --Redis:KeyPrefix="sc$3$1$2:" --Storage:DataDir="$work/data$3$1$2-$i" \
      --Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Limits:HubCallsPerSecond=0 --Limits:ReadsPerMinute=0 \
      --Limits:MaxConnections=1000 --Limits:MaxUpgradedConnections=17900 --Rooms:MaxLiveRooms=1000000 \
      --Rooms:JoinTimeoutSeconds=3600 --Logging:LogLevel:Default=Warning >"$work/cs$3$1$2-$i.log" 2>&1 &
    ipids+=("$!"); pids+=("$!"); urls+=("http://127.0.0.1:$port")
  done
  for u in "${urls[@]}"; do wait_http "$u/health/ready"; done
}
stop_instances() { for p in "${ipids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }

for run in $(seq 1 "${RUNS:-2}"); do
  for build in $builds; do
    for n in 1 3; do
      start_instances "$build" "$n" "$run"
      list() { local IFS=,; echo "$*"; }
      common=(--target callserver --label "$build x$n" --url "$(list "${urls[@]}")" --pid "$(list "${ipids[@]}")" --redis "127.0.0.1:$redis" --participants)
      "${loadgen[@]}" fanout "${common[@]}" 4 --rooms 60 --rate 1 --seconds 20 --warmup 30 --out "$results"
      "${loadgen[@]}" fanout "${common[@]}" 10 --rooms 200 --rate 0.75 --seconds 15 --warmup 30 --out "$results"
      stop_instances
    done
  done
done

cp "$results" bench/scale.jsonl
python3 - "$results" "${BEFORE:-}" "$(git rev-parse --short HEAD)" > bench/SCALE.md <<'PY'
import json, statistics, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1])]
before, head = sys.argv[2], sys.argv[3]
groups = collections.OrderedDict()
for r in rows:
    groups.setdefault((r["load"], r["target"]), []).append(r)
med = lambda rs, k: statistics.median(r[k] for r in rs)
print("# Scale-out: one instance against three sharing one Redis\n")
print(f"Made by `bench/scale.sh` at {head}" + (f", beside {before} (the build before issue 29: one channel for every room)" if before else "")
      + ": fresh processes per row, alternating, one redis-server on loopback, every connection of a room on one instance; "
      "medians of the runs. This machine has two cores shared by the instances, Redis and the load generator: read the ratios.\n")
print("| load | build x instances | runs | deliveries/s | p50 ms | p99 ms | server CPU ms per 1,000 deliveries (all instances) | Redis bytes out per change | Redis CPU µs per change | errors |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (load, target), rs in groups.items():
    cpu = statistics.median(1e6 / r["deliveriesPerCpuSecond"] for r in rs if r["deliveriesPerCpuSecond"])
    print(f"| {load} | {target} | {len(rs)} | {med(rs,'deliveriesPerSecond'):.0f} | {med(rs,'p50Ms'):.1f} | {med(rs,'p99Ms'):.1f} | {cpu:.1f} | "
          f"{med(rs,'redisBytesPerChange'):.0f} | {med(rs,'redisCpuMsPerChange')*1000:.1f} | {sum(r['errors'] for r in rs)} |")
print()
for load in dict.fromkeys(k[0] for k in groups):
    for build in ("before", "after"):
        one, three = groups.get((load, f"{build} x1")), groups.get((load, f"{build} x3"))
        if not one or not three:
            continue
        bytes_ratio = med(three, "redisBytesPerChange") / med(one, "redisBytesPerChange")
        cpu_ratio = statistics.median(1 / r["deliveriesPerCpuSecond"] for r in three) / statistics.median(1 / r["deliveriesPerCpuSecond"] for r in one)
        print(f"- {load}, {build}: three instances / one: Redis bytes per change **{bytes_ratio:.2f}x**, server CPU per delivery **{cpu_ratio:.2f}x**")
PY
cat bench/SCALE.md
