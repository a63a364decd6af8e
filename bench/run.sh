#!/usr/bin/env bash
# Runs every benchmark scenario against CallServer and its peers (baseline: SignalR + Redis backplane; socketio: Socket.IO 4 +
# Redis adapter; limit: bare Kestrel WebSockets), one after another on this machine, all on loopback, and writes
# bench/RESULTS.md and bench/charts/*.png, then prints CallServer's ratios to the baseline against bench/BUDGET.md (the
# regression guard, bench/ratios.py). Usage: bench/run.sh [quick|memory]
#   quick: small loads, one run each, for a try-out; memory: only the memory scenarios, merged into the last full results
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)"
root=$(pwd)
quick=${1:-}

source bench/common.sh
(cd bench/socketio && npm ci --no-audit --no-fund --loglevel=error)
results="$work/results.jsonl"

redis_port=$(free_port); redis_ports+=("$redis_port")
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --daemonize yes --save "" --appendonly no --logfile "$work/redis.log" >/dev/null
loadgen=(dotnet "$root/bench/LoadGen/bin/Release/net10.0/LoadGen.dll")
admin="bench-admin-key-0123456789"
if [ "$quick" = "quick" ]; then runs=1; rooms=20; secs=5; warm=2; conns=1000; idle=1000; restart_rooms=(200); join_rates=(100); else
  # every fan-out load warms up for 30 s first: the JIT compiles the server's hot code for about 25 s after a start
  # (bench/COLDSTART.md), and a shorter warm-up measures that as much as the server (an 8 s one made CallServer look 0.70x of
  # itself warm); each peer gets the same warm-up
  # 17,000 connections, not 20,000: this machine's hard limit of open files per process is 20,000 (ulimit -Hn), the scenario
  # keeps 500 warm-up connections open besides, and the server keeps 1,024 descriptors for everything else (Limits/OpenFileLimit)
  runs=3; rooms=200; secs=15; warm=30; conns=$(( $(ulimit -Hn) > 40000 ? 20000 : 17000 )); idle=10000; restart_rooms=(1000 10000); join_rates=(250 500 1000); fi

start_callserver() {
  port=$(free_port); url="http://127.0.0.1:$port"
  # Staging, not Production: the crash scenario needs fault injection, which Production refuses (the restart scenario starts
  # the server again with this same command line)
  callserver_cmd="env ASPNETCORE_ENVIRONMENT=Staging dotnet $root/CallServer/bin/Release/net10.0/CallServer.dll --urls $url --ConnectionStrings:Redis=127.0.0.1:$redis_port \
--Redis:KeyPrefix=bench$1: --Storage:DataDir=$work/data$1 --Auth:AdminKey=$admin --Rooms:EnableFaultInjection=true \
--Rooms:JoinTimeoutSeconds=3600 --Rooms:ReconnectGraceSeconds=2 --Rooms:MaxParticipants=16 --Logging:LogLevel:Default=Warning \
--Limits:JoinsPerMinute=0 --Limits:HubConnectsPerMinutePerAddress=0 --Limits:LeavesPerMinute=0 --Limits:ReadsPerMinute=0 --Limits:AdminPerMinute=0 --Limits:HubCallsPerSecond=0 \
--Limits:MaxConnections=1000 --Limits:MaxUpgradedConnections=$(( $(ulimit -Hn) > 40000 ? 21000 : 17900 )) --Rooms:MaxLiveRooms=1000000"
  $callserver_cmd >"$work/callserver$1.log" 2>&1 &
  pid=$!; pids+=("$pid"); wait_http "$url/health/live"
}
start_dotnet() { # name dll extra-args
  port=$(free_port); url="http://127.0.0.1:$port"
  ASPNETCORE_ENVIRONMENT=Production dotnet "$root/bench/$1/bin/Release/net10.0/$1.dll" --urls "$url" ${2:-} >"$work/$1.log" 2>&1 &
  pid=$!; pids+=("$pid"); wait_http "$url/"
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
fanout() { # target
  for load in 1.5 0.75; do
    n=$runs; [ "$load" = "0.75" ] && n=1
    for _ in $(seq 1 "$n"); do "${loadgen[@]}" fanout --target "$1" --url "$url" --pid "$pid" --rooms "$rooms" --participants 10 --rate "$load" --seconds "$secs" --warmup "$warm" --out "$results"; done
  done
}

if [ "$quick" = "memory" ]; then
  runs=3; conns=$(( $(ulimit -Hn) > 40000 ? 20000 : 17000 )); idle=10000
  grep -v '"scenario":"connections"\|"scenario":"idle-rooms"' bench/results.jsonl > "$results"
  start_callserver m1; "${loadgen[@]}" connections --target callserver --url "$url" --pid "$pid" --count "$conns" --out "$results"; stop
  start_callserver m2; "${loadgen[@]}" idle-rooms --target callserver --url "$url" --pid "$pid" --count "$idle" --idle-seconds 40 --out "$results"; stop
  start_dotnet Baseline "--ConnectionStrings:Redis=127.0.0.1:$redis_port"
  "${loadgen[@]}" connections --target baseline --url "$url" --pid "$pid" --count "$conns" --out "$results"; stop
  start_dotnet Baseline "--ConnectionStrings:Redis=127.0.0.1:$redis_port"
  "${loadgen[@]}" idle-rooms --target baseline --url "$url" --pid "$pid" --count "$idle" --idle-seconds 40 --out "$results"; stop
  start_dotnet Limit
  "${loadgen[@]}" connections --target limit --url "$url" --pid "$pid" --count "$conns" --out "$results"; stop
  port=$(free_port); url="http://127.0.0.1:$port"
  PORT=$port REDIS_URL="redis://127.0.0.1:$redis_port" node bench/socketio/server.js >"$work/socketio.log" 2>&1 &
  pid=$!; pids+=("$pid"); wait_http "$url/"
  node bench/socketio/load.js connections "$url" "$pid" "$conns" | tee -a "$results"; stop
  "${loadgen[@]}" report --in "$results" --out bench/RESULTS.md --charts bench/charts --command "bench/run.sh (+ bench/run.sh memory)"
  cp "$results" bench/results.jsonl
  exit 0
fi

echo "== callserver"
start_callserver 1
fanout callserver
for rate in "${join_rates[@]}"; do "${loadgen[@]}" joins --target callserver --url "$url" --pid "$pid" --rate "$rate" --seconds 10 --warmup 3 --out "$results"; done
"${loadgen[@]}" crash --target callserver --url "$url" --pid "$pid" --admin-key "$admin" --rooms 80 --seconds 20 --out "$results"
stop
# memory is measured on fresh processes: a heap grown by earlier scenarios would hide what connections and rooms cost
start_callserver m1; "${loadgen[@]}" connections --target callserver --url "$url" --pid "$pid" --count "$conns" --out "$results"; stop
start_callserver m2; "${loadgen[@]}" idle-rooms --target callserver --url "$url" --pid "$pid" --count "$idle" --idle-seconds 40 --out "$results"; stop
n=2
for k in "${restart_rooms[@]}"; do
  start_callserver "$n"
  "${loadgen[@]}" restart --target callserver --url "$url" --pid "$pid" --admin-key "$admin" --rooms "$k" --count 500 \
    --server-cmd "$callserver_cmd" --pid-file "$work/restarted.pid" --out "$results"
  pid=$(cat "$work/restarted.pid"); pids+=("$pid"); stop; n=$((n + 1))
done

echo "== baseline"
start_dotnet Baseline "--ConnectionStrings:Redis=127.0.0.1:$redis_port"
fanout baseline
for rate in "${join_rates[@]}"; do "${loadgen[@]}" joins --target baseline --url "$url" --pid "$pid" --rate "$rate" --seconds 10 --warmup 3 --out "$results"; done
stop
start_dotnet Baseline "--ConnectionStrings:Redis=127.0.0.1:$redis_port"
"${loadgen[@]}" connections --target baseline --url "$url" --pid "$pid" --count "$conns" --out "$results"; stop
start_dotnet Baseline "--ConnectionStrings:Redis=127.0.0.1:$redis_port"
"${loadgen[@]}" idle-rooms --target baseline --url "$url" --pid "$pid" --count "$idle" --idle-seconds 40 --out "$results"; stop

echo "== limit"
start_dotnet Limit
fanout limit
stop
start_dotnet Limit
"${loadgen[@]}" connections --target limit --url "$url" --pid "$pid" --count "$conns" --out "$results"
stop

echo "== socketio"
port=$(free_port); url="http://127.0.0.1:$port"
PORT=$port REDIS_URL="redis://127.0.0.1:$redis_port" node bench/socketio/server.js >"$work/socketio.log" 2>&1 &
pid=$!; pids+=("$pid"); wait_http "$url/"
for load in 1.5 0.75; do
  n=$runs; [ "$load" = "0.75" ] && n=1
  for _ in $(seq 1 "$n"); do node bench/socketio/load.js fanout "$url" "$pid" "$rooms" 10 "$load" "$secs" "$warm" | tee -a "$results"; done
done
stop
PORT=$port REDIS_URL="redis://127.0.0.1:$redis_port" node bench/socketio/server.js >"$work/socketio2.log" 2>&1 &
pid=$!; pids+=("$pid"); wait_http "$url/"
node bench/socketio/load.js connections "$url" "$pid" "$conns" | tee -a "$results"
stop

"${loadgen[@]}" report --in "$results" --out bench/RESULTS.md --charts bench/charts --command "bench/run.sh $quick"
cp "$results" bench/results.jsonl
echo "wrote bench/RESULTS.md"
# the regression guard: CallServer's ratios to the baseline against the last accepted ones (bench/BUDGET.md)
python3 bench/ratios.py "$results" "${quick:-full}"
