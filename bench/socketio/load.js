// Load for the Socket.IO peer, measured as bench/LoadGen measures the .NET targets: statuses delivered per second, latency
// from a setMedia call to each receipt, server CPU and RSS from /proc. Prints one JSON result line.
// node load.js fanout URL SERVER_PID ROOMS PARTICIPANTS RATE SECONDS [WARMUP_SECONDS] | node load.js connections URL SERVER_PID COUNT
"use strict";
const fs = require("fs");
const { io } = require("socket.io-client");

const [scenario, url, pidText, ...rest] = process.argv.slice(2);
const pid = Number(pidText);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const cpu = () => { const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return (Number(f[11]) + Number(f[12])) / 100; };
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))[1]) * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const settle = () => sleep(3000);
const addresses = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);

async function client(roomId, name, index, onStatus) {
  const response = await fetch(`${url}/rooms/${roomId}/join`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ displayName: name }) });
  const joined = await response.json();
  const socket = io(url, { transports: ["websocket"], auth: { token: joined.token }, localAddress: addresses[index % addresses.length], reconnection: false });
  if (onStatus) socket.on("status", (s) => onStatus(roomId, s.version, now()));
  await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("connect_error", reject); });
  return socket;
}

function percentile(sorted, p) { return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0; }

async function fanout(roomCount, participants, rate, seconds, warmup) {
  const sends = new Map();
  const receipts = [];
  const clients = [];
  for (let r = 0; r < roomCount; r++) {
    for (let p = 0; p < participants; p++) {
      clients.push({ room: `sio-${r}`, socket: await client(`sio-${r}`, `u${p}`, clients.length, (room, v, t) => receipts.push([room, v, t])) });
    }
  }
  await sleep(1000);
  // the load runs through the warm-up unmeasured (as in bench/LoadGen), then the measured window
  let measuring = false; let start = now(); let cpu0 = cpu(); let errors = 0; let stop = false;
  const begun = now();
  setTimeout(() => { receipts.length = 0; start = now(); cpu0 = cpu(); errors = 0; measuring = true; }, warmup * 1000);
  await Promise.all(clients.map(async (c, i) => {
    await sleep(Math.random() * 1000 / rate);
    let toggle = false;
    while (!stop) {
      const t0 = now();
      toggle = !toggle;
      try {
        const status = await c.socket.timeout(5000).emitWithAck("setMedia", toggle, true);
        if (measuring && t0 >= start) sends.set(`${c.room}|${status.version}`, t0);
      } catch { errors++; }
      const wait = 1000 / rate - (now() - t0);
      if (wait > 0) await sleep(wait);
      if (now() - begun > (warmup + seconds) * 1000) stop = true;
    }
  }));
  const elapsed = (now() - start) / 1000; const cpuUsed = cpu() - cpu0;
  await sleep(500);
  const latencies = receipts.map(([room, v, t]) => { const s = sends.get(`${room}|${v}`); return s === undefined ? null : t - s; }).filter((x) => x !== null).sort((a, b) => a - b);
  const delivered = receipts.length / elapsed;
  console.log(JSON.stringify({ target: "socketio", scenario: "fanout", load: `${roomCount} rooms x ${participants}, ${rate} calls/s each`,
    offeredRate: roomCount * participants * rate * participants, seconds: elapsed, count: latencies.length,
    deliveriesPerSecond: latencies.length / elapsed, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), p999Ms: percentile(latencies, 0.999),
    serverCpuSeconds: cpuUsed, serverRssBytes: rss(), deliveriesPerCpuSecond: latencies.length / Math.max(cpuUsed, 0.001), errors }));
  clients.forEach((c) => c.socket.close());
}

async function connections(count) {
  // warmed up first, so that the delta is what connections cost, not the code paths they load the first time
  const sockets = [];
  for (let i = 0; i < Math.min(500, Math.max(1, Math.floor(count / 10))); i++) sockets.push(await client(`siow-${Math.floor(i / 16)}`, `w${i}`, i, null));
  await settle();
  const before = rss();
  for (let i = 0; i < count; i++) {
    sockets.push(await client(`sioc-${Math.floor(i / 16)}`, `c${i}`, i, null));
  }
  await settle();
  const after = rss();
  console.log(JSON.stringify({ target: "socketio", scenario: "connections", load: `${count} idle connections (rooms of 16)`, count,
    serverRssBytes: after, bytesPerUnit: (after - before) / count, errors: 0 }));
  sockets.forEach((s) => s.close());
}

(async () => {
  if (scenario === "fanout") await fanout(Number(rest[0]), Number(rest[1]), Number(rest[2]), Number(rest[3]), Number(rest[4] ?? 0));
  else if (scenario === "connections") await connections(Number(rest[0]));
  else throw new Error(`unknown scenario ${scenario}`);
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
