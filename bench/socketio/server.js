// Socket.IO 4 with the Redis adapter: the same REST join and "setMedia" -> "status" fan-out as CallServer's hub.
// Room state lives in this process's memory, as a team would first write it.
"use strict";
const { createServer } = require("http");
const { randomUUID } = require("crypto");
const { Server } = require("socket.io");
const { createAdapter } = require("@socket.io/redis-adapter");
const { createClient } = require("redis");

const port = Number(process.env.PORT || 5300);
const rooms = new Map();

function update(roomId, change) {
  let room = rooms.get(roomId);
  if (!room) {
    room = { roomId, callId: randomUUID(), version: 0, participants: [], createdAt: new Date().toISOString() };
    rooms.set(roomId, room);
  }
  change(room);
  room.version++;
  return {
    roomId, callId: room.callId, version: room.version, state: room.participants.length > 1 ? "active" : "waiting",
    participants: room.participants, createdAt: room.createdAt, updatedAt: new Date().toISOString(),
  };
}

function participant(room, id, change) {
  const i = room.participants.findIndex((p) => p.participantId === id);
  if (i >= 0) room.participants[i] = change(room.participants[i]);
}

async function main() {
  const pub = createClient({ url: process.env.REDIS_URL || "redis://127.0.0.1:6379" });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const http = createServer((req, res) => {
    const match = req.method === "POST" && /^\/rooms\/([A-Za-z0-9_-]{1,64})\/join$/.exec(req.url);
    if (!match) { res.writeHead(404).end(); return; }
    let body = "";
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => {
      const { displayName } = JSON.parse(body || "{}");
      const participantId = "p-" + randomUUID().replaceAll("-", "").slice(0, 18);
      const status = update(match[1], (room) => room.participants.push({
        participantId, displayName, presence: "joining", audio: true, video: true, joinedAt: new Date().toISOString() }));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ participantId, token: `${match[1]}|${participantId}`, room: status }));
    });
  });
  const io = new Server(http, { adapter: createAdapter(pub, sub), transports: ["websocket"], serveClient: false });
  io.on("connection", (socket) => {
    const [roomId, id] = String(socket.handshake.auth.token || "").split("|");
    socket.join(roomId);
    io.to(roomId).emit("status", update(roomId, (room) => participant(room, id, (p) => ({ ...p, presence: "connected" }))));
    socket.on("setMedia", (audio, video, ack) => {
      const status = update(roomId, (room) => participant(room, id, (p) => ({ ...p, audio, video })));
      io.to(roomId).emit("status", status);
      if (typeof ack === "function") ack(status);
    });
  });
  http.listen(port, "127.0.0.1", () => console.log(`socket.io on ${port}`));
}

main().catch((error) => { console.error(error); process.exit(1); });
