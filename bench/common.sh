# Sourced by the bench scripts: redis-server installed if missing, the Release build, a work dir, the processes started
# (stopped on exit, by PID: "pids", and redis-servers by port: "redis_ports"), a free loopback port, a wait for an HTTP answer.
command -v redis-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=600 redis-server >/dev/null; }
dotnet build CallServer.sln -c Release -nologo -v quiet

work=$(mktemp -d)
pids=()
redis_ports=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for r in "${redis_ports[@]}"; do redis-cli -p "$r" shutdown nosave >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }
