'use strict';
// The client side of the fan-out scenario, in one Node process apart from the server:
//   node clients.js --kind ws|socketio|signalr|signalr-msgpack --url URL --clients 1000 [--tokens FILE]
// Connects every client (tokens: one per line, for Hub's /hubs/client, or the socket.io peer's handshake
// auth when it checks JWTs), then takes commands on stdin:
//   {"cmd":"reset"}   zero the counters      {"cmd":"report"}  counts and latency percentiles
//   {"cmd":"quit"}
// Every client parses each message in full and reads the send timestamp (data.data.t, microseconds on
// CLOCK_MONOTONIC); latency = receive time - send timestamp, kept in a 10 µs histogram.
const fs = require('fs');
const { nowUs, arg, control, sleep } = require('./common');

const kind = arg('kind', 'ws');
const url = arg('url', 'ws://127.0.0.1:8080');
const count = Number(arg('clients', '1000'));
const concurrency = Number(arg('concurrency', '50'));
const connectTimeoutMs = Number(arg('connect-timeout', '60000'));
const tokens = arg('tokens') ? fs.readFileSync(arg('tokens'), 'utf8').split('\n').filter(Boolean) : [];

const BIN_US = 10;
const BINS = 3_000_000; // 30 s; anything later lands in the last bin (max is kept exactly)
let hist = new Uint32Array(BINS);
let received = 0, firstUs = 0, lastUs = 0, maxLatency = 0, badPayloads = 0;
let perClient = new Uint32Array(count);
let lastSeq = new Float64Array(count); // the last broadcast sequence number each client saw
let progressTimer = null, lastProgress = -1;
let closed = 0, errors = 0;

function record(i, t, seq) {
  const now = nowUs();
  if (seq > lastSeq[i]) lastSeq[i] = seq;
  if (typeof t !== 'number') { badPayloads++; return; }
  const lat = now - t;
  let bin = Math.floor(lat / BIN_US);
  if (bin < 0) bin = 0; else if (bin >= BINS) bin = BINS - 1;
  hist[bin]++;
  if (lat > maxLatency) maxLatency = lat;
  if (received === 0) firstUs = now;
  lastUs = now;
  received++;
  perClient[i]++;
}

// MessagePack leaves C# member names as they are (Data.Data.t); JSON has them camelCase/snake_case.
function seqOf(m) {
  return m.seq !== undefined ? m.seq : m.Seq;
}

function stamp(m) {
  const d = m.data || m.Data;
  const inner = d && (d.data || d.Data);
  return inner && inner.t;
}

const clients = [];

async function connectOne(i) {
  if (kind === 'ws') {
    const WebSocket = require('ws');
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data) => { const m = JSON.parse(data); record(i, stamp(m), seqOf(m)); });
    ws.on('close', () => closed++);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    ws.on('error', () => errors++);
    clients.push({ i, close: () => ws.terminate() });
  } else if (kind === 'socketio') {
    const { io } = require('socket.io-client');
    const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: tokens.length ? { token: tokens[i % tokens.length] } : undefined });
    s.on('notification.push', (m) => record(i, stamp(m), seqOf(m)));
    s.on('disconnect', () => closed++);
    await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
    clients.push({ i, close: () => s.close() });
  } else if (kind === 'signalr' || kind === 'signalr-msgpack') {
    const signalR = require('@microsoft/signalr');
    const token = tokens[i % tokens.length];
    let builder = new signalR.HubConnectionBuilder()
      .withUrl(url, {
        transport: signalR.HttpTransportType.WebSockets,
        skipNegotiation: true,
        accessTokenFactory: () => token,
      })
      .configureLogging(signalR.LogLevel.Error);
    if (kind === 'signalr-msgpack') {
      const { MessagePackHubProtocol } = require('@microsoft/signalr-protocol-msgpack');
      builder = builder.withHubProtocol(new MessagePackHubProtocol());
    }
    const c = builder.build();
    c.serverTimeoutInMilliseconds = 120000; // a busy 2-core box must not time out a client mid-run
    c.on('notification.push', (m) => record(i, stamp(m), seqOf(m)));
    c.onclose(() => closed++);
    await c.start();
    clients.push({ i, close: () => c.stop() });
  } else {
    throw new Error(`unknown --kind ${kind}`);
  }
}

async function connectAll() {
  const started = Date.now();
  let next = 0, failed = 0;
  async function worker() {
    while (next < count && Date.now() - started < connectTimeoutMs) {
      const i = next++;
      for (let attempt = 0; attempt < 3; attempt++) {
        try { await connectOne(i); break; } catch (e) {
          if (attempt === 2) { failed++; console.error(`client ${i}: ${e && e.message || e}`); } else await sleep(200);
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { connected: clients.length, failed, connectMs: Date.now() - started };
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

function report() {
  let minPer = Infinity, maxPer = 0;
  for (const { i } of clients) { if (perClient[i] < minPer) minPer = perClient[i]; if (perClient[i] > maxPer) maxPer = perClient[i]; }
  return {
    received, firstUs, lastUs,
    p50: percentile(0.5, received), p99: percentile(0.99, received), p999: percentile(0.999, received),
    max: maxLatency / 1000, minPerClient: minPer === Infinity ? 0 : minPer, maxPerClient: maxPer,
    open: clients.length - closed, errors, badPayloads,
  };
}

control({
  connect: async () => connectAll(),
  reset: async () => {
    hist.fill(0); perClient.fill(0); lastSeq.fill(0); lastProgress = -1;
    received = 0; firstUs = 0; lastUs = 0; maxLatency = 0; badPayloads = 0;
    return {};
  },
  report: async () => report(),
  clock: async () => ({ nowUs: nowUs() }),
  // Flow control for "as fast as it can": every 5 ms, the lowest sequence number any client has seen
  // goes out on stdout as {"progress": n} (the driver hands it to the server as an ack).
  progress: async ({ on }) => {
    if (progressTimer) { clearInterval(progressTimer); progressTimer = null; }
    if (on) {
      progressTimer = setInterval(() => {
        let min = Infinity;
        for (const c of clients) if (lastSeq[c.i] < min) min = lastSeq[c.i];
        if (min !== Infinity && min !== lastProgress) {
          lastProgress = min;
          process.stdout.write(`{"progress":${min}}\n`);
        }
      }, 5);
    }
    return {};
  },
  quit: async () => {
    for (const c of clients) { try { c.close(); } catch { /* closing anyway */ } }
    setTimeout(() => process.exit(0), 200);
    return {};
  },
});
process.stdout.write(JSON.stringify({ ok: true, ready: true }) + '\n');
