#!/usr/bin/env bash
# Profiles CallServer under one load of bench/run.sh and prints the top entries: the input of bench/JOINS.md and
# bench/FANOUT.md. joins: joins+connects per second (open loop, 10 per room) after run.sh's warm-up rates; fanout: 200 rooms
# x 10 participants each changing its media `rate` times a second, after run.sh's 30 s warm-up. perf gives CPU samples
# (bench/perf-top.py ranks them by component); dotnet-trace gives sampled thread time, idle threads included
# (bench/profile-top.py drops waits).
# Usage: [PROFILER=perf|dotnet-trace|counters] [JOIN=hub|rest] bench/profile.sh joins|fanout [rate] [out]
#        (joins: rate 1000 by default; fanout: 1.5, run.sh's full load)
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)"
root=$(pwd)
scenario=${1:-joins}
[ "$scenario" = joins ] || [ "$scenario" = fanout ] || { echo "usage: bench/profile.sh joins|fanout [rate] [out]" >&2; exit 2; }
if [ "$scenario" = joins ]; then rate=${2:-1000}; else rate=${2:-1.5}; fi
out=${3:-/tmp/$scenario.nettrace}
trace=${DOTNET_TRACE:-$HOME/.dotnet/tools/dotnet-trace}
source bench/common.sh
redis=$(free_port); redis_ports+=("$redis")
redis-server --port "$redis" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" >/dev/null
for _ in $(seq 1 100); do redis-cli -p "$redis" ping >/dev/null 2>&1 && break; sleep 0.1; done
port=$(free_port); url="http://127.0.0.1:$port"
env ${SERVER_ENV:-} DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ASPNETCORE_ENVIRONMENT=Production dotnet "$root/CallServer/bin/Release/net10.0/CallServer.dll" --urls "$url" \
  --ConnectionStrings:Redis="127.0.0.1:$redis" --Redis:KeyPrefix="prof:" --Storage:DataDir="$work/data" \
  --Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Limits:HubCallsPerSecond=0 --Limits:ReadsPerMinute=0 \
  --Limits:MaxConnections=1000 --Limits:MaxUpgradedConnections=17900 --Rooms:MaxLiveRooms=1000000 \
  --Rooms:JoinTimeoutSeconds=3600 --Logging:LogLevel:Default=Warning >"$work/cs.log" 2>&1 &
pid=$!; pids+=("$pid"); wait_http "$url/health/ready"
loadgen=(dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll")
if [ "$scenario" = joins ]; then
  # warm the join path first as bench/run.sh does before its top rate (250/s then 500/s, 13 s each: JIT tiering), unprofiled
  for warm in 250 500; do
    "${loadgen[@]}" joins --target callserver --join "${JOIN:-hub}" --url "$url" --pid "$pid" --rate "$warm" --seconds 10 --warmup 3 --out "$work/warm.jsonl"
  done
  profile_after=1
else
  # run.sh's fan-out load; the profile starts once its 30 s warm-up is over (the participants' connects take a few seconds)
  "${loadgen[@]}" fanout --target callserver --join "${JOIN:-hub}" --url "$url" --pid "$pid" --rooms 200 --participants 10 --rate "$rate" \
    --seconds 15 --warmup 30 --out "$work/$scenario.jsonl" &
  load=$!
  until [ "$(ss -Htn state established "( sport = :$port )" | wc -l)" -ge 2000 ]; do sleep 0.5; done
  sleep 30
  profile_after=0
fi
if [ "${PROFILER:-perf}" = counters ]; then
  "$HOME/.dotnet/tools/dotnet-counters" collect -p "$pid" --refresh-interval 2 --format csv -o "$out.csv" --duration 00:00:00:14 \
    --counters "System.Runtime[dotnet.jit.compiled_methods,dotnet.jit.compilation.time,dotnet.gc.collections,dotnet.process.cpu.time,dotnet.thread_pool.queue.length,dotnet.thread_pool.thread.count]" >/dev/null &
elif [ "${PROFILER:-perf}" = perf ]; then
  perf record -F 999 -g -p "$pid" -o "$out.perf" -- sleep 14 >/dev/null 2>&1 &
else
  "$trace" collect -p "$pid" --profile dotnet-sampled-thread-time -o "$out" --duration 00:00:00:14 >/dev/null &
fi
tracer=$!
# what else holds the machine's two cores meanwhile (the load generator, redis-server)
(sleep 4; top -b -n 2 -d 5 | grep -A8 "^ *PID" | tail -8) > "$out.top" &
sleep "$profile_after"
if [ "$scenario" = joins ]; then
  "${loadgen[@]}" joins --target callserver --join "${JOIN:-hub}" --url "$url" --pid "$pid" --rate "$rate" --seconds 10 --warmup 0 --out "$work/joins.jsonl"
else
  wait "$load"
fi
wait "$tracer" || true
cat "$work/$scenario.jsonl"; cp "$work/cs.log" "${out%.nettrace}.server.log"
cat "$out.top"
if [ "${PROFILER:-perf}" = counters ]; then
  cat "$out.csv"
elif [ "${PROFILER:-perf}" = perf ]; then
  perf report -i "$out.perf" --no-children --sort dso,symbol --stdio 2>/dev/null | grep -v "^$" | grep "%" | head -60
  perf report -i "$out.perf" --children --sort symbol --stdio -g none 2>/dev/null | grep "%" | head -80
else
  "$trace" convert --format Speedscope "$out" -o "${out%.nettrace}" >/dev/null
  python3 bench/profile-top.py "${out%.nettrace}.speedscope.json" 40
fi
