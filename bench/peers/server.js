'use strict';
// Peer broadcast servers for the fan-out scenario: the npm `ws` package, or socket.io 4.
//   node server.js --kind ws|socketio [--port 0]
// Prints {"ok":true,"port":N} once listening, then takes commands on stdin (see common.js):
//   {"cmd":"count"}                                   -> {"connections": n}
//   {"cmd":"run","seconds":10,"rate":0,"window":100}  -> broadcasts (rate 0 = as fast as it can, at most
//                                                        `window` broadcasts ahead of the slowest client)
//   {"cmd":"ack","seq":n}                             <- the slowest client has seen broadcast n (no answer)
//   {"cmd":"memory"}                                  -> {"rss", "heapUsed"} (bytes)
//   {"cmd":"quit"}
// --jwt-secret S (socket.io): every connection must present an HS256 JWT signed with S, unexpired, with a
// subject (handshake auth.token), as Hub's end-user tokens are checked; refused otherwise.
const http = require('http');
const { nowUs, pushEvent, arg, control, sleep, immediate, verifyJwt } = require('./common');

const kind = arg('kind', 'ws');
const port = Number(arg('port', '0'));
// Per-connection high-water mark for "as fast as it can": SignalR's default transport buffer (64 KB)
// pauses Hub's broadcast loop at the same point.
const HWM = Number(arg('hwm', String(64 * 1024)));
// And never more than `window` broadcasts ahead of the slowest client (acks come from the driver).
let acked = 0;

let broadcast, connections, maxBuffered;
const httpServer = http.createServer((req, res) => { res.writeHead(404); res.end(); });

if (kind === 'ws') {
  const { WebSocketServer } = require('ws');
  const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false, clientTracking: true });
  // The plain broadcast from ws's README: serialize once, send to every open client.
  broadcast = (payload) => {
    const text = JSON.stringify(payload);
    for (const c of wss.clients) if (c.readyState === 1) c.send(text);
  };
  connections = () => wss.clients.size;
  maxBuffered = () => {
    let max = 0;
    for (const c of wss.clients) if (c.bufferedAmount > max) max = c.bufferedAmount;
    return max;
  };
} else if (kind === 'socketio') {
  const { Server } = require('socket.io');
  const io = new Server(httpServer, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });
  const secret = arg('jwt-secret');
  if (secret) {
    io.use((socket, next) => {
      const user = verifyJwt(socket.handshake.auth && socket.handshake.auth.token, secret);
      if (!user) return next(new Error('unauthorized'));
      socket.data.user = user;
      socket.join(`user:${user}`); // as Hub puts each end user's connections in their own group
      next();
    });
  }
  // io.emit: socket.io encodes the packet (and its WebSocket frame) once for every client.
  broadcast = (payload) => io.emit('notification.push', payload);
  connections = () => io.of('/').sockets.size;
  let frameBytes = 400;
  maxBuffered = () => {
    let max = 0;
    for (const s of io.of('/').sockets.values()) {
      const conn = s.conn;
      const ws = conn.transport && conn.transport.socket;
      const b = (ws ? ws.bufferedAmount : 0) + conn.writeBuffer.length * frameBytes;
      if (b > max) max = b;
    }
    return max;
  };
} else {
  console.error(`unknown --kind ${kind}`);
  process.exit(2);
}

async function run({ seconds, rate, window }) {
  acked = 0;
  const durationUs = seconds * 1e6;
  let seq = 0;
  const start = nowUs();
  const end = start + durationUs;
  let waits = 0;
  if (!rate) {
    while (nowUs() < end) {
      broadcast(pushEvent(++seq, nowUs()));
      // Let the event loop write and run callbacks, and hold off while any client is over the mark.
      await immediate();
      while ((maxBuffered() > HWM || (window && seq - acked >= window)) && nowUs() < end) {
        waits++;
        await immediate();
      }
    }
  } else {
    const intervalUs = 1e6 / rate;
    for (let i = 0; ; i++) {
      const due = start + i * intervalUs;
      if (due >= end) break;
      const wait = (due - nowUs()) / 1e3;
      if (wait > 0) await sleep(wait);
      broadcast(pushEvent(++seq, nowUs()));
    }
  }
  return { sent: seq, startUs: start, endUs: nowUs(), connections: connections(), waits };
}

httpServer.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ ok: true, port: httpServer.address().port }) + '\n');
});

control({
  count: async () => ({ connections: connections() }),
  memory: async () => { const m = process.memoryUsage(); return { rss: m.rss, heapUsed: m.heapUsed }; },
  ack: (cmd) => { if (cmd.seq > acked) acked = cmd.seq; },
  run,
  quit: async () => { setTimeout(() => process.exit(0), 10); return {}; },
});
