#!/usr/bin/env bash
# What the embedded store's durability costs: the fan-out load (rooms of 10 participants, each changing its media 0.75 times a
# second) against CallServer on its embedded store (Garnet in-process, SQLite history: what `dotnet run` gives), the current
# build against an earlier one built from BEFORE (a commit; default: the last commit before the kill -9 fix), alternating on
# fresh processes with fresh data dirs. Reports deliveries per server CPU-second, latency, and the backup write's cost as the
# clients see it (a change's round trip). Writes bench/EMBEDDED.md and bench/embedded.jsonl.
# With STORE=redis the same against one redis-server on loopback instead (whose write path changed only in its takes), writing
# bench/EMBEDDED-REDIS.md and bench/embedded-redis.jsonl.
# Usage: bench/embedded.sh [quick]      BEFORE=<commit> picks the build to compare with; STORE=embedded|redis.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=${1:-}
before=${BEFORE:-e09dd42}
source bench/common.sh
results="$work/embedded.jsonl"
store=${STORE:-embedded}
out=EMBEDDED; jsonl=embedded
store_args=()
if [ "$store" = redis ]; then
  out=EMBEDDED-REDIS; jsonl=embedded-redis
  redis=$(free_port); redis_ports+=("$redis")
  redis-server --port "$redis" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" >/dev/null
  for _ in $(seq 1 100); do redis-cli -p "$redis" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# the earlier build, in a worktree of its own (removed on exit with the work dir)
git worktree add -f "$work/before" "$before" -q
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; cleanup' EXIT
(cd "$work/before" && dotnet build CallServer -c Release -nologo -v quiet >/dev/null)
if [ "$quick" = "quick" ]; then runs=1; rooms=20; secs=5; warm=3; else runs=2; rooms=100; secs=15; warm=30; fi

for run in $(seq 1 "$runs"); do
  for build in before after; do
    dir=$root; [ "$build" = before ] && dir="$work/before"
    port=$(free_port); url="http://127.0.0.1:$port"
    ASPNETCORE_ENVIRONMENT=Production dotnet "$dir/CallServer/bin/Release/net10.0/CallServer.dll" --urls "$url" \
      --Storage:DataDir="$work/data$run$build" ${redis:+--ConnectionStrings:Redis=127.0.0.1:$redis --Redis:KeyPrefix=e$run$build:} \
      --Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Limits:HubCallsPerSecond=0 --Rooms:JoinTimeoutSeconds=3600 --Logging:LogLevel:Default=Warning \
      >"$work/cs$run$build.log" 2>&1 &
    pid=$!; pids+=("$pid"); wait_http "$url/health/ready"
    dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll" fanout --target callserver --label "$build" \
      --url "$url" --pid "$pid" --rooms "$rooms" --participants 10 --rate 0.75 --seconds "$secs" --warmup "$warm" --out "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

cp "$results" "bench/$jsonl.jsonl"
python3 - "$results" "$before" "$(git rev-parse --short HEAD)" "$store" > "bench/$out.md" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(label, key): return statistics.median(r[key] for r in rows if r["target"] == label)
store = sys.argv[4]
print("# The embedded store's durability: what it costs\n" if store == "embedded" else "# The kill -9 fix on a Redis server: what it costs\n")
where = "its embedded store (Garnet in-process, SQLite" if store == "embedded" else "one redis-server on loopback (SQLite"
print(f"Made by `bench/embedded.sh` (STORE={store}): {rows[0]['load']}, against CallServer on {where}")
print(f"history), the build of {sys.argv[2]} (before: no commit wait, scripts logged command by command, takes by position) and")
print(f"of {sys.argv[3]} (after: answers once the log holds the change, a change's events kept in its hash until queued, takes by")
print("value), alternating on fresh processes. Medians of the runs; the machine is shared, so read the ratio, not the figures.\n")
print("| build | deliveries/s | deliveries per CPU-s | p50 ms | p99 ms | errors |")
print("|---|---|---|---|---|---|")
for label in ("before", "after"):
    print(f"| {label} | {med(label,'deliveriesPerSecond'):.0f} | {med(label,'deliveriesPerCpuSecond'):.0f} | {med(label,'p50Ms'):.1f} | {med(label,'p99Ms'):.1f} | {med(label,'errors'):.0f} |")
print(f"\nAfter against before: {med('after','deliveriesPerCpuSecond') / med('before','deliveriesPerCpuSecond'):.2f}x the deliveries per CPU-second, "
      f"p99 {med('after','p99Ms') / med('before','p99Ms'):.2f}x.")
PY
cat "bench/$out.md"
