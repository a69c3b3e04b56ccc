'use strict';
// The client side of the group-messaging scenario (bench/README.md, section 2), in one Node process apart from the server:
//   node groups.js --kind signalr|socketio --config FILE [--concurrency 50]
// FILE: {"groups": [{"conversationId": "…"?, "members": [{"url", "token", "userId", "role": "user"|"agent"}]}]}
// signalr: Hub. A member with role "user" is the conversation's contact on /hubs/client (its end-user token), "agent"
// a member of the workspace on /hubs/agent (member JWT); @microsoft/signalr, JSON protocol, WebSockets. After connecting,
// each group's contact opens the chat conversation with its first message (message.send without a conversation id, as
// the web chat widget does) and every agent opens it (conversation.view), so all of them know its id.
// socketio: the rooms peer (rooms.js), socket.io-client; the token names the room, which is the conversation id.
// Commands on stdin (common.js): connect, step, quit. A step sends for warmup + seconds at `rate` messages/s per member:
// before each message the member "types" — typing.start, then typing.stop right before message.send, as Hub's web
// chat widget does when the visitor presses Send — starting min(interval / 2, 1 s) before the message is due.
// Every message's text starts with "~phase:sender:t~" (t = send time, µs of CLOCK_MONOTONIC, taken just before the
// call): each receipt at another member of the group is timed (receive − t) into a 10 µs histogram; the sender's own
// echo is not counted. Only messages due after the warm-up count.
const fs = require('fs');
const { nowUs, arg, control, sleep } = require('./common');

const kind = arg('kind', 'signalr');
const config = JSON.parse(fs.readFileSync(arg('config'), 'utf8'));
const concurrency = Number(arg('concurrency', '50'));
const FILLER = 'Quick update for everyone: the order shipped this morning and should arrive on Thursday. Thanks!';

const members = [];
const groups = config.groups.map((g, gi) => ({
  conversationId: g.conversationId || null,
  members: g.members.map((m) => {
    const member = { i: members.length, group: gi, ...m, conn: null };
    members.push(member);
    return member.i;
  }),
}));
const userIndex = new Map(members.map((m) => [m.userId, m.i]));

const BIN_US = 10;
const BINS = 3_000_000; // 30 s; later lands in the last bin (max is kept exactly)
const hist = new Uint32Array(BINS);
let phase = -1, received = 0, echoes = 0, stray = 0, maxLatency = 0, firstSendUs = 0, lastReceiveUs = 0;
let typingReceived = 0, otherEvents = 0;
let measuring = false;

function onMessage(to, ev) {
  const now = nowUs();
  const text = ev && ev.data && ev.data.text;
  if (typeof text !== 'string' || text.charCodeAt(0) !== 126) return; // '~'
  const head = text.slice(1, text.indexOf('~', 1)).split(':');
  if (Number(head[1]) === to) { echoes++; return; }
  if (Number(head[0]) !== phase) { stray++; return; }
  const lat = now - Number(head[2]);
  let bin = Math.floor(lat / BIN_US);
  if (bin < 0) bin = 0; else if (bin >= BINS) bin = BINS - 1;
  hist[bin]++;
  if (lat > maxLatency) maxLatency = lat;
  lastReceiveUs = now;
  received++;
}

function onTyping(to, e) {
  if (!measuring || !e) return;
  const from = userIndex.get(e.userId);
  if (from !== undefined && from !== to) typingReceived++;
}

async function connectOne(m) {
  if (kind === 'socketio') {
    const { io } = require('socket.io-client');
    const s = io(m.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: m.token } });
    s.on('message.received', (ev) => onMessage(m.i, ev));
    s.on('typing.indicator', (e) => onTyping(m.i, e));
    await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
    m.call = (event, payload) => new Promise((resolve, reject) => {
      if (event === 'message.send') s.emit(event, payload, (a) => (a && a.error ? reject(new Error(a.error)) : resolve(a)));
      else { s.emit(event, payload); resolve(); } // socket.io's idiom for typing: no acknowledgement
    });
    m.close = () => s.close();
  } else {
    const signalR = require('@microsoft/signalr');
    const c = new signalR.HubConnectionBuilder()
      .withUrl(m.url, { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true, accessTokenFactory: () => m.token })
      .configureLogging(signalR.LogLevel.Error)
      .build();
    c.serverTimeoutInMilliseconds = 120000; // a busy 2-core box must not time out a client mid-run
    c.on('message.received', (ev) => onMessage(m.i, ev));
    c.on('typing.indicator', (e) => onTyping(m.i, e));
    for (const name of ['conversation.updated', 'presence.changed', 'conversation.viewers', 'message.updated', 'notification.push']) {
      c.on(name, () => { otherEvents++; });
    }
    await c.start();
    m.call = (event, payload) => c.invoke(event, payload); // what the widget and the agent UI do (invoke)
    m.close = () => c.stop();
  }
}

async function pool(items, n, fn) {
  let next = 0;
  async function worker() { while (next < items.length) await fn(items[next++]); }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

async function connectAll() {
  const started = Date.now();
  let failed = 0;
  await pool(members, concurrency, async (m) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      try { await connectOne(m); return; } catch (e) {
        if (attempt === 2) { failed++; console.error(`member ${m.i}: ${e && e.message || e}`); } else await sleep(200);
      }
    }
  });
  const connectMs = Date.now() - started;
  if (kind === 'signalr' && failed === 0) {
    // The contact opens the chat conversation; the agents open it in their inbox.
    await pool(groups, 20, async (g) => {
      const contact = members[g.members.find((i) => members[i].role === 'user')];
      const sent = await contact.call('message.send', { conversationId: null, content: `Hello from group ${contact.group}` });
      g.conversationId = sent.conversationId;
      for (const i of g.members) if (members[i].role === 'agent') await members[i].call('conversation.view', { conversationId: g.conversationId });
    });
  }

  for (const g of groups) for (const i of g.members) members[i].conversationId = g.conversationId;
  return { connected: members.filter((m) => m.call).length, failed, connectMs, setupMs: Date.now() - started - connectMs };
}

function percentile(p, total) {
  if (total === 0) return null;
  const target = Math.ceil(total * p);
  let acc = 0;
  for (let b = 0; b < BINS; b++) {
    acc += hist[b];
    if (acc >= target) return (b + 0.5) * BIN_US / 1000; // ms, bin centre
  }
  return maxLatency / 1000;
}

// Calls not answered yet, across steps (an overloaded server may still be working through an earlier step's).
let pending = 0;
const sendsInFlight = new Map(); // message key -> send time (ms), for the overload check

async function step({ id, rate, warmup, seconds, typing }) {
  // Settle: the previous step's calls are all answered first (2 minutes at most).
  const settleStart = Date.now();
  while (pending > 0 && Date.now() - settleStart < 120000) await sleep(50);
  const settleMs = Date.now() - settleStart;
  const leftOver = pending;
  hist.fill(0);
  phase = id; received = 0; echoes = 0; stray = 0; maxLatency = 0; firstSendUs = 0; lastReceiveUs = 0; typingReceived = 0;
  const interval = 1000 / rate;
  const lead = Math.min(interval / 2, 1000);
  const t0 = Date.now() + 100;
  const warmEnd = t0 + warmup * 1000;
  const end = warmEnd + seconds * 1000;
  const planned = members.length * rate * (warmup + seconds);
  let sent = 0, due = 0, acked = 0, errors = 0, typingSent = 0, lastError = null, stopped = false, aborted = false;
  let lateSum = 0, lateMax = 0, key = 0, sentAll = 0;

  const fail = (e) => { errors++; lastError = String(e && e.message || e); };
  const call = (m, event, payload) => { pending++; return m.call(event, payload).finally(() => { pending--; }); };
  function at(ms, fn) { setTimeout(fn, Math.max(0, ms - Date.now())); }
  // Typing indicators are counted from the first measured typing.start until the end of the drain: every typing call
  // sent in that window is expected at the other members.
  let finished = false;
  at(warmEnd - (typing ? lead : 0), () => { if (!finished) measuring = true; });
  function schedule(m, dueAt) {
    if (dueAt >= end || stopped) return;
    const measured = dueAt >= warmEnd;
    if (measured) due++;
    at(dueAt - (typing ? lead : 0), () => {
      if (stopped) return;
      if (typing) {
        if (measuring) typingSent++;
        call(m, 'typing.start', { conversationId: m.conversationId }).catch(fail);
      }
      at(dueAt, () => {
        if (stopped) return;
        const late = Math.max(0, Date.now() - dueAt);
        if (measured) { lateSum += late; if (late > lateMax) lateMax = late; }
        if (typing) {
          if (measuring) typingSent++;
          call(m, 'typing.stop', { conversationId: m.conversationId }).catch(fail);
        }
        const t = nowUs();
        if (measured) { sent++; if (!firstSendUs) firstSendUs = t; }
        sentAll++;
        const k = ++key;
        sendsInFlight.set(k, Date.now());
        call(m, 'message.send', { conversationId: m.conversationId, content: `~${measured ? id : 0}:${m.i}:${t}~ ${FILLER}` })
          .then(() => { if (measured) acked++; }, fail)
          .finally(() => sendsInFlight.delete(k));
        schedule(m, dueAt + interval);
      });
    });
  }
  for (const m of members) schedule(m, t0 + Math.random() * interval);

  // Overload: once more than 1 % of the step's messages (10 at least) have waited over a second for their answer, the
  // step has failed whatever comes next; sending stops so the server's backlog stays short.
  while (Date.now() < end) {
    await sleep(Math.min(100, Math.max(1, end - Date.now())));
    let old = 0;
    const limit = Date.now() - 1000;
    for (const startedAt of sendsInFlight.values()) if (startedAt < limit) old++;
    if (old > Math.max(10, planned * 0.01)) { stopped = true; aborted = true; break; }
  }
  stopped = true;
  await sleep(50);
  // Drain: until every receipt is in, or 2 s without progress, 5 s at most.
  const perMessage = groups[0].members.length - 1;
  const drainStart = Date.now();
  let last = -1, lastChange = Date.now();
  while (Date.now() - drainStart < 5000) {
    if (received >= sent * perMessage && pending === 0) break;
    if (received !== last) { last = received; lastChange = Date.now(); } else if (Date.now() - lastChange > 2000) break;
    await sleep(20);
  }
  measuring = false;
  finished = true;
  const span = (lastReceiveUs - firstSendUs) / 1e6;
  return {
    rate, due, sent, sentAll, acked, errors, lastError, aborted, expected: sent * perMessage, received, echoes, stray,
    deliveredPerSec: span > 0 ? received / span : 0, sentPerSec: sent / seconds,
    p50: percentile(0.5, received), p99: percentile(0.99, received), p999: percentile(0.999, received), max: maxLatency / 1000,
    typingSent, typingExpected: typingSent * perMessage, typingReceived, lateMeanMs: sent ? lateSum / sent : 0, lateMaxMs: lateMax,
    drainMs: Date.now() - drainStart, settleMs, leftOver, otherEvents,
  };
}

control({
  connect: async () => connectAll(),
  step,
  quit: async () => {
    for (const m of members) { try { if (m.close) m.close(); } catch { /* closing anyway */ } }
    setTimeout(() => process.exit(0), 200);
    return {};
  },
});
process.stdout.write(JSON.stringify({ ok: true, ready: true }) + '\n');
