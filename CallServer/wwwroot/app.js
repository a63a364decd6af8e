// CallServer's browser client: join over REST, live status over SignalR, WebRTC through the mesh relay or an SFU.
// Stable hooks for automation: #room #name #join #leave #toggle-audio #toggle-video #participants #status video#local
// #chat-log #chat-text #chat-send, one video[data-participant-id] per remote participant, and for an admin participant
// button[data-action="mute"|"remove"] in each other participant's li. Calling (docs/API.md §9): #me #sign-in #callee #call,
// and #incoming (data-invitation-id) with #accept and #decline while a call rings for this user. Recent calls (§10):
// #recents, one li[data-call-id][data-direction][data-outcome] per call (class "missed" when missed) with
// button[data-action="call-back"], and #missed-badge (the missed calls since the list was last marked seen).
"use strict";

const $ = (selector) => document.querySelector(selector);
const MEDIA_SERVER = "media-server";

const call = {
  roomId: null, me: null, token: null, hub: null, mode: "mesh", iceServers: [],
  version: 0, status: null, local: null, audio: true, video: true,
  peers: new Map(),          // mesh: participantId -> { pc, pending: [] }
  publisher: null,           // SFU: { pc, pending: [] } for what this page sends
  subscriptions: new Map(),  // SFU: publisherId -> { pc, pending: [] }
};

function say(text) { $("#status").textContent = text; }

function inCall(joined) {
  $("#join").disabled = joined;
  $("#leave").disabled = !joined;
  $("#toggle-audio").disabled = !joined;
  $("#toggle-video").disabled = !joined;
  $("#room").disabled = joined;
  $("#name").disabled = joined;
  $("#chat-text").disabled = !joined;
  $("#chat-send").disabled = !joined;
}

function newKey() {
  return globalThis.crypto?.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

async function join() {
  const roomId = $("#room").value.trim();
  const displayName = $("#name").value.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(roomId) || !displayName) {
    say("enter a room (letters, digits, _ and -) and a name");
    return;
  }
  inCall(true);
  say("joining…");
  let response, body;
  try {
    // the key makes a retried join safe: the server answers it once
    response = await fetch(`/rooms/${encodeURIComponent(roomId)}/join`, {
      method: "POST",
      headers: { "content-type": "application/json", "Idempotency-Key": newKey() },
      body: JSON.stringify({ displayName }),
    });
    body = await response.json();
  } catch (error) {
    inCall(false);
    say(`could not reach the server: ${error.message}`);
    return;
  }
  if (!response.ok) {
    inCall(false);
    say(body.detail || body.title || `join failed (${response.status})`);
    return;
  }
  await enter(roomId, displayName, body);
}

// what every way into a call shares (a join, a dial, an answer): the join answer, the camera, the room's hub
async function enter(roomId, displayName, body) {
  inCall(true);
  $("#room").value = roomId;
  $("#name").value = displayName;
  Object.assign(call, {
    roomId, me: body.participantId, token: body.token, mode: body.mediaMode || "mesh",
    iceServers: body.iceServers || [], version: 0, status: null,
  });
  history.replaceState(null, "", `?room=${encodeURIComponent(roomId)}&name=${encodeURIComponent(displayName)}`);
  call.local = await localMedia();
  $("#local").srcObject = call.local;
  render(body.room);
  await connect();
}

async function localMedia() {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch (error) {
    console.warn("no camera or microphone", error);
    return new MediaStream();
  }
}

async function connect() {
  const hub = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/room", { accessTokenFactory: () => call.token })
    .withAutomaticReconnect()
    .build();
  call.hub = hub;
  hub.on("status", onStatus);
  hub.on("signal", (message) => onSignal(message).catch((e) => console.warn("signal", e)));
  hub.on("candidate", onCandidate);
  hub.on("ended", onEnded);
  hub.on("removed", (message) => { cleanUp(); say(`removed from the call (${message.reason})`); });
  hub.on("data", onData);
  hub.onreconnecting(() => say("reconnecting…"));
  hub.onreconnected(async () => {
    render(await hub.invoke("GetStatus"));
    if (call.mode !== "mesh") await startSfu();
  });
  hub.onclose(() => { if (call.hub === hub) { cleanUp(); say("disconnected"); } });
  try {
    await hub.start();
  } catch (error) {
    cleanUp();
    say(`could not connect: ${error.message}`);
    return;
  }
  onStatus(await hub.invoke("GetStatus"));
  if (call.mode !== "mesh") await startSfu();
}

function onStatus(status) {
  // statuses carry the whole room: an older one than we hold says nothing new
  if (!status || status.roomId !== call.roomId || status.version <= call.version) return;
  render(status);
  if (call.mode === "mesh") meshFollow(status);
  else sfuFollow(status);
}

function render(status) {
  if (!status) return;
  call.version = Math.max(call.version, status.version);
  call.status = status;
  const list = $("#participants");
  const admin = status.participants.find((p) => p.participantId === call.me)?.grants?.admin === true;
  list.replaceChildren(...status.participants.map((p) => {
    const li = document.createElement("li");
    li.dataset.participantId = p.participantId;
    li.dataset.presence = p.presence;
    const you = p.participantId === call.me ? " (you)" : "";
    li.append(`${p.displayName}${you} · ${p.presence}${p.audio ? "" : " · muted"}${p.video ? "" : " · camera off"}`);
    if (p.identity && p.identity !== p.participantId) {
      const identity = document.createElement("span");
      identity.className = "identity";
      identity.textContent = ` ${p.identity}`;
      li.append(identity);
    }
    if (admin && p.participantId !== call.me) {
      li.append(moderation("mute", "mute", () => call.hub.invoke("MuteParticipant", p.participantId, false, false)));
      li.append(moderation("remove", "remove", () => call.hub.invoke("RemoveParticipant", p.participantId)));
    }
    return li;
  }));
  const connected = call.hub?.state === "Connected" ? "connected" : "joined";
  say(`${connected} · ${status.participants.length} in call`);
}

function moderation(action, label, act) {
  const button = document.createElement("button");
  button.type = "button";
  button.dataset.action = action;
  button.textContent = label;
  button.addEventListener("click", () => act().catch((e) => say(e.message)));
  return button;
}

function nameOf(participantId) {
  return call.status?.participants.find((p) => p.participantId === participantId)?.displayName || participantId;
}

function addChat(from, text) {
  const li = document.createElement("li");
  li.dataset.from = from;
  const who = document.createElement("b");
  who.textContent = from === call.me ? "you" : nameOf(from);
  li.append(who, text);
  $("#chat-log").append(li);
  li.scrollIntoView({ block: "nearest" });
}

function onData(message) {
  if (message.type === "chat") addChat(message.from, message.payload);
}

async function sendChat() {
  const text = $("#chat-text").value.trim();
  if (!text || !call.hub) return;
  $("#chat-text").value = "";
  try {
    await call.hub.invoke("SendData", "chat", text, null);
    addChat(call.me, text);
  } catch (error) {
    say(`not sent: ${error.message}`);
  }
}

function others(status) {
  return status.participants.filter((p) => p.participantId !== call.me);
}

function dropGone(status, peers) {
  const present = new Set(status.participants.map((p) => p.participantId));
  for (const [id, peer] of peers) {
    if (!present.has(id)) {
      peer.pc.close();
      peers.delete(id);
      removeVideo(id);
    }
  }
}

// ---- mesh: one peer connection per other participant, signalled through the server ----

function meshFollow(status) {
  dropGone(status, call.peers);
  for (const p of others(status)) {
    // one side offers, so that two offers never cross: the one that may publish (a listener's offers are refused), else the
    // smaller id
    if (p.presence === "connected" && !call.peers.has(p.participantId) && iOffer(status, p)) {
      offerTo(p.participantId).catch((e) => console.warn("offer", e));
    }
  }
}

function newPeer(id, onCandidate) {
  const pc = new RTCPeerConnection({ iceServers: call.iceServers });
  const peer = { pc, pending: [] };
  pc.onicecandidate = (event) => onCandidate(event.candidate);
  pc.ontrack = (event) => showVideo(id, event.streams[0] || new MediaStream([event.track]));
  return peer;
}

function mayPublish(participant) { return participant?.grants?.publish !== false; }

function iOffer(status, other) {
  const me = status.participants.find((p) => p.participantId === call.me);
  if (mayPublish(me) !== mayPublish(other)) return mayPublish(me);
  return call.me < other.participantId;
}

function meshPeer(id) {
  let peer = call.peers.get(id);
  if (peer && peer.pc.connectionState !== "failed" && peer.pc.connectionState !== "closed") return peer;
  peer?.pc.close();
  peer = newPeer(id, (candidate) => {
    if (candidate) call.hub.invoke("Signal", id, "candidate", JSON.stringify(candidate)).catch(() => {});
  });
  // a participant without the publish grant sends nothing: its answers say so (recvonly)
  if (mayPublish(call.status?.participants.find((p) => p.participantId === call.me))) {
    for (const track of call.local.getTracks()) peer.pc.addTrack(track, call.local);
  }
  call.peers.set(id, peer);
  return peer;
}

async function offerTo(id) {
  const peer = meshPeer(id);
  await peer.pc.setLocalDescription(await peer.pc.createOffer());
  await call.hub.invoke("Signal", id, "offer", peer.pc.localDescription.sdp);
}

async function onSignal(message) {
  if (message.from === "server" && message.type === "muted") {
    // a moderator turned our media off: the room already says so, the tracks follow
    const off = JSON.parse(message.payload);
    if (off.audio) setTrack("audio", false);
    if (off.video) setTrack("video", false);
    return;
  }
  if (message.from === MEDIA_SERVER) {
    if (message.type === "renegotiate") await startSfu();
    if (message.type === "published") await subscribeTo(message.payload);
    return;
  }
  if (call.mode !== "mesh") return;
  if (message.type === "offer") {
    const peer = meshPeer(message.from);
    await peer.pc.setRemoteDescription({ type: "offer", sdp: message.payload });
    await flush(peer);
    await peer.pc.setLocalDescription(await peer.pc.createAnswer());
    await call.hub.invoke("Signal", message.from, "answer", peer.pc.localDescription.sdp);
  } else if (message.type === "answer") {
    const peer = call.peers.get(message.from);
    if (!peer) return;
    await peer.pc.setRemoteDescription({ type: "answer", sdp: message.payload });
    await flush(peer);
  } else if (message.type === "candidate") {
    await addCandidate(call.peers.get(message.from) || meshPeer(message.from), JSON.parse(message.payload));
  }
}

async function addCandidate(peer, candidate) {
  if (!peer) return;
  if (peer.pc.remoteDescription) await peer.pc.addIceCandidate(candidate).catch((e) => console.warn("candidate", e));
  else peer.pending.push(candidate);
}

async function flush(peer) {
  for (const candidate of peer.pending.splice(0)) await peer.pc.addIceCandidate(candidate).catch(() => {});
}

// ---- SFU (janus, kurento): publish once, subscribe to every other publisher ----

function trickleTo(target) {
  return (candidate) => {
    const json = JSON.stringify(candidate ? candidate.toJSON() : { completed: true });
    call.hub.invoke("Trickle", target, json).catch(() => {});
  };
}

// (re)negotiates everything: after joining, after a reconnect, and when the media server asks (it lost our media)
async function startSfu() {
  for (const [id, peer] of call.subscriptions) {
    peer.pc.close();
    call.subscriptions.delete(id);
  }
  await publish().catch((e) => say(`publish failed: ${e.message}`));
  await Promise.all(others(call.status || { participants: [] }).map((p) => subscribeTo(p.participantId)));
}

async function publish() {
  call.publisher?.pc.close();
  const peer = newPeer(call.me, trickleTo("publish"));
  peer.pc.ontrack = null;
  for (const track of call.local.getTracks()) peer.pc.addTransceiver(track, { direction: "sendonly", streams: [call.local] });
  call.publisher = peer;
  await peer.pc.setLocalDescription(await peer.pc.createOffer());
  const answer = await call.hub.invoke("Publish", peer.pc.localDescription.sdp);
  await peer.pc.setRemoteDescription({ type: "answer", sdp: answer });
  await flush(peer);
}

const subscribing = new Set();

async function subscribeTo(publisherId) {
  if (!publisherId || publisherId === call.me || call.mode === "mesh" || subscribing.has(publisherId)) return;
  // one subscription per publisher at a time: a second Subscribe would replace the first one's offer under it
  subscribing.add(publisherId);
  try {
    let offer;
    try {
      offer = await call.hub.invoke("Subscribe", publisherId);
    } catch (error) {
      return; // not publishing yet: its "published" signal brings us back
    }
    call.subscriptions.get(publisherId)?.pc.close();
    const peer = newPeer(publisherId, trickleTo(publisherId));
    call.subscriptions.set(publisherId, peer);
    await peer.pc.setRemoteDescription({ type: "offer", sdp: offer });
    await flush(peer);
    await peer.pc.setLocalDescription(await peer.pc.createAnswer());
    await call.hub.invoke("Answer", publisherId, peer.pc.localDescription.sdp);
  } finally {
    subscribing.delete(publisherId);
  }
}

function sfuFollow(status) {
  dropGone(status, call.subscriptions);
}

function onCandidate(message) {
  const peer = message.target === "publish" ? call.publisher : call.subscriptions.get(message.target);
  addCandidate(peer, JSON.parse(message.candidate)).catch(() => {});
}

// ---- videos, controls, leaving ----

function showVideo(id, stream) {
  let video = document.querySelector(`video[data-participant-id="${CSS.escape(id)}"]`);
  if (!video) {
    const figure = document.createElement("figure");
    video = document.createElement("video");
    video.dataset.participantId = id;
    video.autoplay = true;
    video.playsInline = true;
    const caption = document.createElement("figcaption");
    caption.textContent = call.status?.participants.find((p) => p.participantId === id)?.displayName || id;
    figure.append(video, caption);
    $("#remotes").append(figure);
  }
  if (video.srcObject !== stream) video.srcObject = stream;
}

function removeVideo(id) {
  document.querySelector(`video[data-participant-id="${CSS.escape(id)}"]`)?.closest("figure")?.remove();
}

function setTrack(kind, on) {
  call[kind] = on;
  for (const track of kind === "audio" ? call.local?.getAudioTracks() ?? [] : call.local?.getVideoTracks() ?? []) track.enabled = on;
  const button = $(kind === "audio" ? "#toggle-audio" : "#toggle-video");
  button.setAttribute("aria-pressed", String(on));
  button.textContent = kind === "audio" ? (call.audio ? "Mute" : "Unmute") : (call.video ? "Camera off" : "Camera on");
}

async function toggle(kind) {
  setTrack(kind, !call[kind]);
  try {
    render(await call.hub.invoke("SetMedia", call.audio, call.video));
  } catch (error) {
    say(error.message);
  }
}

async function leave() {
  const hub = call.hub;
  try {
    await hub?.invoke("Leave");
  } catch (error) {
    console.warn("leave", error);
  }
  cleanUp();
  say("left the call");
  await hub?.stop();
  refreshRecents();
}

function onEnded(message) {
  cleanUp();
  say(`call ended (${message.reason})`);
  refreshRecents();
}

function cleanUp() {
  for (const peer of [...call.peers.values(), ...call.subscriptions.values()]) peer.pc.close();
  call.publisher?.pc.close();
  call.peers.clear();
  call.subscriptions.clear();
  call.publisher = null;
  call.local?.getTracks().forEach((t) => t.stop());
  call.local = null;
  $("#local").srcObject = null;
  $("#remotes").replaceChildren();
  $("#participants").replaceChildren();
  const hub = call.hub;
  call.hub = null;
  call.version = 0;
  hub?.stop();
  inCall(false);
  call.audio = call.video = true;
}

$("#join-form").addEventListener("submit", (event) => { event.preventDefault(); join(); });
$("#chat-form").addEventListener("submit", (event) => { event.preventDefault(); sendChat(); });
$("#leave").addEventListener("click", leave);
$("#toggle-audio").addEventListener("click", () => toggle("audio"));
$("#toggle-video").addEventListener("click", () => toggle("video"));

// calling people: a user token, the user hub for invitations, dial, answer, decline
const user = { identity: null, token: null, hub: null, ringing: null };

async function signIn() {
  const identity = $("#me").value.trim();
  if (!/^[A-Za-z0-9_.@:-]{1,128}$/.test(identity)) {
    say("enter who you are (letters, digits and _ . @ : -)");
    return;
  }
  // open mode: the server issues user tokens (in tokens mode your backend does)
  const response = await fetch("/users/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity, displayName: $("#name").value.trim() || identity }),
  });
  const body = await response.json();
  if (!response.ok) {
    say(body.detail || `sign-in failed (${response.status})`);
    return;
  }
  Object.assign(user, { identity, token: body.token });
  const hub = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/user", { accessTokenFactory: () => user.token })
    .withAutomaticReconnect()
    .build();
  hub.on("invitation", onInvitation);
  user.hub = hub;
  await hub.start();
  $("#call").disabled = false;
  $("#me").disabled = true;
  $("#sign-in").disabled = true;
  say(`signed in as ${identity}`);
  $("#recents-panel").hidden = false;
  refreshRecents();
  setInterval(() => loadRecents().catch((e) => console.warn("recents", e)), 15000);
}

function onInvitation(invitation) {
  if (invitation.to !== user.identity) return;
  if (invitation.state === "ringing") {
    user.ringing = invitation;
    $("#incoming").dataset.invitationId = invitation.invitationId;
    $("#incoming-from").textContent = invitation.from.displayName;
    $("#incoming").hidden = false;
  } else if (user.ringing?.invitationId === invitation.invitationId) {
    // answered here or on another device, declined, canceled or missed: the ring stops
    stopRinging();
    if (!call.roomId) say(invitation.state === "accepted" ? "answered on another device" : `call ${invitation.state}`);
  }
  if (invitation.state !== "ringing") refreshRecents();
}

function stopRinging() {
  user.ringing = null;
  $("#incoming").hidden = true;
  delete $("#incoming").dataset.invitationId;
}

function userFetch(path, body, key) {
  const headers = { "content-type": "application/json", authorization: `Bearer ${user.token}` };
  if (key) headers["Idempotency-Key"] = key;
  return fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
}

async function dial(to) {
  const callee = to || $("#callee").value.trim();
  if (!user.token || !/^[A-Za-z0-9_.@:-]{1,128}$/.test(callee)) return;
  const displayName = $("#name").value.trim() || user.identity;
  say(`calling ${callee}…`);
  const response = await userFetch("/calls", { to: [callee], displayName }, newKey());
  const body = await response.json();
  if (!response.ok) {
    say(body.detail || `call failed (${response.status})`);
    return;
  }
  await enter(body.room.roomId, displayName, body);
}

async function answer(accept) {
  const invitation = user.ringing;
  if (!invitation) return;
  stopRinging();
  const displayName = $("#name").value.trim() || user.identity;
  const response = accept
    ? await userFetch(`/invitations/${encodeURIComponent(invitation.invitationId)}/accept`, { displayName }, newKey())
    : await userFetch(`/invitations/${encodeURIComponent(invitation.invitationId)}/decline`, { reason: "declined" });
  const body = await response.json();
  if (!response.ok) {
    say(response.status === 409 && body.state === "accepted" ? "answered on another device" : body.detail || `failed (${response.status})`);
    return;
  }
  if (accept) await enter(invitation.roomId, displayName, body);
  else say("declined");
}

// recent calls: the user's list, newest first, as the server keeps it (rows appear within a second of a call's end)
function userGet(path) {
  return fetch(path, { headers: { authorization: `Bearer ${user.token}` } });
}

function seenKey() { return `callserver.recents-seen.${user.identity}`; }

async function loadRecents() {
  if (!user.token) return;
  const response = await userGet("/users/me/calls?limit=20");
  if (!response.ok) return;
  const rows = await response.json();
  $("#recents").replaceChildren(...rows.map(recentItem));
  const seen = localStorage.getItem(seenKey());
  const badge = await userGet(`/users/me/calls/missed-count${seen ? `?since=${encodeURIComponent(seen)}` : ""}`);
  if (!badge.ok) return;
  const { count } = await badge.json();
  $("#missed-badge").textContent = String(count);
  $("#missed-badge").hidden = count === 0;
}

// a call's end reaches the history within a moment: look now and shortly after
function refreshRecents() {
  for (const ms of [300, 1500]) setTimeout(() => loadRecents().catch((e) => console.warn("recents", e)), ms);
}

const arrows = { outgoing: "↗", incoming: "↙", joined: "•" };

function recentItem(row) {
  const li = document.createElement("li");
  li.dataset.callId = row.callId;
  li.dataset.direction = row.direction;
  li.dataset.outcome = row.outcome;
  if (row.outcome === "missed") li.className = "missed";
  const names = row.peers.map((p) => p.displayName || p.identity).join(", ") || "nobody";
  const talked = row.durationSeconds > 0 ? ` · ${Math.floor(row.durationSeconds / 60)}:${String(row.durationSeconds % 60).padStart(2, "0")}` : "";
  li.append(`${arrows[row.direction] || ""} ${names} · ${row.outcome.replace("_", " ")}${talked}`);
  const when = document.createElement("span");
  when.className = "when";
  when.textContent = new Date(row.startedAt).toLocaleString();
  li.append(when);
  const peer = row.peers[0]?.identity;
  if (peer) {
    const back = document.createElement("button");
    back.type = "button";
    back.dataset.action = "call-back";
    back.textContent = "Call back";
    back.disabled = Boolean(call.roomId);
    back.addEventListener("click", () => dial(peer).catch((e) => say(e.message)));
    li.append(back);
  }
  return li;
}

$("#missed-badge").addEventListener("click", () => {
  localStorage.setItem(seenKey(), new Date().toISOString());
  loadRecents().catch((e) => say(e.message));
});
$("#sign-in").addEventListener("click", () => signIn().catch((e) => say(e.message)));
$("#calling-form").addEventListener("submit", (event) => { event.preventDefault(); dial().catch((e) => say(e.message)); });
$("#accept").addEventListener("click", () => answer(true).catch((e) => say(e.message)));
$("#decline").addEventListener("click", () => answer(false).catch((e) => say(e.message)));

const query = new URLSearchParams(location.search);
if (query.get("room")) $("#room").value = query.get("room");
if (query.get("name")) $("#name").value = query.get("name");
if (query.get("autojoin") === "1" && query.get("room") && query.get("name")) join();
if (query.get("me")) $("#me").value = query.get("me");
if (query.get("signin") === "1" && query.get("me")) signIn().catch((e) => say(e.message));
