#!/usr/bin/env bash
# How fast a user's recent calls answer when the user has 10,000 calls: the published server on its embedded defaults
# (Garnet and SQLite). Real calls first (bench-user dials peers who decline, and peers dial bench-user and miss), so that the
# rows are the server's own; then they are cloned in SQLite, with the server's own formats, to 10,000 calls of bench-user
# among 100,000 rows of 1,000 users, and the server is started again on that data dir. Sequential requests over one
# keep-alive connection (what one phone does): the first page, a page deep in the list (before=), the missed calls, and the
# missed-call count. Writes bench/RECENTS.md and bench/recents.jsonl.
# Usage: bench/recents.sh [quick]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=${1:-}
source bench/common.sh
if [ "$quick" = "quick" ]; then requests=300; else requests=2000; fi

data="$work/data"
start_server() {
  port=$(free_port); url="http://127.0.0.1:$port"
  ASPNETCORE_ENVIRONMENT=Production dotnet "$root/CallServer/bin/Release/net10.0/CallServer.dll" --urls "$url" \
    --Storage:DataDir="$data" --Limits:JoinsPerMinute=0 --Limits:ReadsPerMinute=0 --Logging:LogLevel:Default=Warning >>"$work/cs.log" 2>&1 &
  pid=$!; pids+=("$pid"); wait_http "$url/health/live"
}

start_server
python3 - "$url" <<'PY'
import json, sys, time, urllib.request, concurrent.futures as cf
url = sys.argv[1]
def call(method, path, token=None, body=None):
    req = urllib.request.Request(url + path, method=method, data=json.dumps(body or {}).encode(), headers={"content-type": "application/json"})
    if token: req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req) as r: return json.loads(r.read() or b"null")
token = lambda who: call("POST", "/users/token", body={"identity": who, "displayName": who.title()})["token"]
me = token("bench-user")
peers = {f"peer-{i}": token(f"peer-{i}") for i in range(20)}
# 40 outgoing calls, declined; 40 incoming calls, missed (all ringing at once, 5 s)
for i in range(40):
    p = f"peer-{i % 20}"
    dialed = call("POST", "/calls", me, {"to": [p]})
    call("POST", f"/invitations/{dialed['room']['invitations'][0]['invitationId']}/decline", peers[p], {"reason": "declined"})
with cf.ThreadPoolExecutor(8) as pool:
    list(pool.map(lambda i: call("POST", "/calls", peers[f"peer-{i % 20}"], {"to": ["bench-user"], "ringSeconds": 5}), range(40)))
deadline = time.time() + 60
while time.time() < deadline and len(call("GET", "/users/me/calls?limit=100", me)) < 80:
    time.sleep(0.5)
print("real calls in bench-user's list:", len(call("GET", "/users/me/calls?limit=100", me)))
PY
kill "$pid"; wait "$pid" 2>/dev/null || true

python3 - "$data/history.db" <<'PY'
import sqlite3, sys, uuid, re, json, datetime
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT * FROM user_calls WHERE identity = 'bench-user'").fetchall()
cols = [d[0] for d in db.execute("SELECT * FROM user_calls LIMIT 0").description]
fmt = lambda t: t  # the server's text format, kept: only the date part moves
def shift(text, minutes):
    if text is None: return None
    m = re.match(r"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)(.*)$", text)
    base = datetime.datetime.fromisoformat(m.group(1).replace(" ", "T")) - datetime.timedelta(minutes=minutes)
    return base.strftime("%Y-%m-%d" + ("T" if "T" in text else " ") + "%H:%M:%S") + m.group(2)
def clone(identity, n, offset):
    out = []
    for k in range(n):
        src = dict(zip(cols, rows[k % len(rows)]))
        call_id = str(uuid.uuid4()); minutes = offset + k + 1
        db.execute("INSERT INTO calls (call_id, room_id, started_at, ended_at, end_reason) VALUES (?, ?, ?, ?, ?)",
                   (call_id, src["room_id"], shift(src["started_at"], minutes), shift(src["ended_at"], minutes), "empty"))
        state = json.loads(src["state"]); state["callId"] = call_id; state["identity"] = identity
        db.execute(f"INSERT INTO user_calls ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                   [call_id if c == "call_id" else identity if c == "identity" else json.dumps(state) if c == "state"
                    else shift(src[c], minutes) if c in ("started_at", "answered_at", "ended_at") else src[c] for c in cols])
    db.commit()
clone("bench-user", 10_000 - len(rows), 0)
for u in range(999):
    clone(f"user-{u}", 90, u)
print("user_calls rows:", db.execute("SELECT COUNT(*) FROM user_calls").fetchone()[0],
      "bench-user:", db.execute("SELECT COUNT(*) FROM user_calls WHERE identity = 'bench-user'").fetchone()[0])
db.execute("ANALYZE"); db.commit()
PY

start_server
python3 - "$url" "$pid" "$requests" "$work/recents.jsonl" <<'PY'
import http.client, json, sys, time, random, urllib.parse
url, pid, n, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
host = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(host.hostname, host.port)
def get(path, token=None, body=None, method="GET"):
    headers = {"content-type": "application/json"}
    if token: headers["authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    r = conn.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit(f"{path}: {r.status} {data[:200]}")
    return json.loads(data)
token = get("/users/token", body={"identity": "bench-user"}, method="POST")["token"]
ids, before = [], None
while True:  # every page once: the list's call ids, and that paging reaches all 10,000
    page = get("/users/me/calls?limit=100" + (f"&before={before}" if before else ""), token)
    ids += [r["callId"] for r in page]
    if len(page) < 100: break
    before = page[-1]["callId"]
assert len(ids) == len(set(ids)) == 10_000, len(ids)
def cpu():
    with open(f"/proc/{pid}/stat") as f: fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100
kinds = {
    "first page (limit 20)": lambda: "/users/me/calls",
    "a deep page (before=, limit 20)": lambda: f"/users/me/calls?before={random.choice(ids[:-1])}",
    "missed calls (missed=true, limit 20)": lambda: "/users/me/calls?missed=true",
    "missed-count (since a week ago)": lambda: "/users/me/calls/missed-count?since=" + urllib.parse.quote(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 7 * 86400))),
}
random.seed(7)
with open(out, "w") as f:
    for kind, path in kinds.items():
        for _ in range(50): get(path(), token)  # warm-up
        times = []; c0 = cpu()
        for _ in range(n):
            t = time.perf_counter(); get(path(), token); times.append((time.perf_counter() - t) * 1000)
        c1 = cpu(); times.sort()
        row = {"kind": kind, "requests": n, "p50Ms": times[n // 2], "p99Ms": times[int(n * 0.99)], "maxMs": times[-1], "serverCpuMsPerRequest": (c1 - c0) * 1000 / n}
        f.write(json.dumps(row) + "\n"); print(row)
PY

cp "$work/recents.jsonl" bench/recents.jsonl
python3 - bench/recents.jsonl > bench/RECENTS.md <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("# A user's recent calls with 10,000 calls\n")
print("Made by `bench/recents.sh`: the published server on its embedded defaults (Garnet and SQLite), Production. 80 real calls")
print("of `bench-user` (40 dialed and declined, 40 rung and missed), cloned in SQLite with the server's own formats to 10,000")
print("calls of `bench-user` among 100,000 rows of 1,000 users; the server started again on that data. Paging through all")
print("10,000 with `before=` found each once. Then sequential requests over one keep-alive connection on loopback (what one")
print(f"phone does), {rows[0]['requests']} of each kind after a warm-up; latency as the client sees it.\n")
print("| request | p50 ms | p99 ms | max ms | server CPU ms per request |")
print("|---|---|---|---|---|")
for r in rows:
    print(f"| {r['kind']} | {r['p50Ms']:.2f} | {r['p99Ms']:.2f} | {r['maxMs']:.2f} | {r['serverCpuMsPerRequest']:.2f} |")
print("\nTarget (issue 27): p99 under 20 ms on the embedded default.")
PY
cat bench/RECENTS.md
