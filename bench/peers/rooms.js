'use strict';
// The peer of the group-messaging scenario (bench/README.md, section 2): a socket.io 4 chat server with rooms.
//   node rooms.js --jwt-secret S [--port 0] [--typing-debounce-ms 1000] [--typing-timeout-ms 5000]
// Every connection presents an HS256 JWT (handshake auth.token) with a subject and a `room` claim, and is joined to
// that room by the server (as Hub decides from the token which streams a connection hears). Client events:
//   'typing.start' / 'typing.stop' {conversationId}        -> 'typing.indicator' {conversationId, userId, isTyping}
//                                                            to the room except the sender (as Hub: GroupExcept)
//   'message.send' {conversationId, content}, ack         -> 'message.received' to the whole room (sender included,
//                                                            as Hub echoes to the sender's stream), then
//                                                            ack({conversationId, messageId, seq})
// The typing rules are Hub's (TypingTracker): a repeated start within the debounce is not re-broadcast, a start with no
// refresh for the timeout is turned off by the server, a sent message ends the sender's indicator. Nothing is stored.
// Prints {"ok":true,"port":N} once listening; stdin commands (common.js): count, memory, quit.
const crypto = require('crypto');
const http = require('http');
const { arg, control, verifyClaims } = require('./common');

const port = Number(arg('port', '0'));
const secret = arg('jwt-secret');
const debounceMs = Number(arg('typing-debounce-ms', '1000'));
const timeoutMs = Number(arg('typing-timeout-ms', '5000'));
if (!secret) {
  console.error('--jwt-secret is required');
  process.exit(2);
}

const { Server } = require('socket.io');
const httpServer = http.createServer((req, res) => { res.writeHead(404); res.end(); });
const io = new Server(httpServer, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });

io.use((socket, next) => {
  const claims = verifyClaims(socket.handshake.auth && socket.handshake.auth.token, secret);
  if (!claims || typeof claims.room !== 'string') return next(new Error('unauthorized'));
  socket.data.user = claims.sub;
  socket.data.room = claims.room;
  socket.data.role = claims.role === 'user' ? 'contact' : 'member';
  socket.join(claims.room);
  next();
});

const typing = new Map(); // `${room}\n${user}` -> {announcedAt, timer, socket}
const seqs = new Map(); // room -> last sequence number of its stream

function stopTyping(room, user) {
  const key = `${room}\n${user}`;
  const t = typing.get(key);
  if (!t) return;
  typing.delete(key);
  clearTimeout(t.timer);
  t.socket.to(room).emit('typing.indicator', { conversationId: room, userId: user, isTyping: false });
}

io.on('connection', (socket) => {
  const { user, room } = socket.data;
  const own = (ref) => ref && ref.conversationId === room; // only the conversation the token is for

  socket.on('typing.start', (ref) => {
    if (!own(ref)) return;
    const key = `${room}\n${user}`;
    const now = Date.now();
    let t = typing.get(key);
    if (!t) { t = { announcedAt: 0, timer: null, socket }; typing.set(key, t); }
    const announce = now - t.announcedAt >= debounceMs;
    if (announce) t.announcedAt = now;
    clearTimeout(t.timer);
    t.timer = setTimeout(() => { if (typing.get(key) === t) stopTyping(room, user); }, timeoutMs);
    if (announce) socket.to(room).emit('typing.indicator', { conversationId: room, userId: user, isTyping: true });
  });

  socket.on('typing.stop', (ref) => { if (own(ref)) stopTyping(room, user); });

  socket.on('message.send', (req, ack) => {
    if (!own(req) || typeof req.content !== 'string' || !req.content.trim()) {
      if (typeof ack === 'function') ack({ error: 'invalid' });
      return;
    }

    const now = new Date().toISOString();
    const seq = (seqs.get(room) || 0) + 1;
    seqs.set(room, seq);
    const member = socket.data.role === 'member';
    // The shape of Hub's message.received: a StreamEvent<MessagePayload>.
    const event = {
      stream: `conversation:${room}`,
      seq,
      event: 'message.received',
      at: now,
      data: {
        id: crypto.randomUUID(),
        conversationId: room,
        channel: 'chat',
        direction: member ? 'outbound' : 'inbound',
        status: member ? 'sent' : 'received',
        senderType: member ? 'member' : 'contact',
        senderId: user,
        text: req.content,
        html: null,
        attachments: [],
        sentimentScore: null,
        sentimentLabel: null,
        intent: null,
        intentConfidence: null,
        createdAt: now,
        deliveredAt: null,
        readAt: null,
      },
    };
    io.to(room).emit('message.received', event);
    stopTyping(room, user);
    if (typeof ack === 'function') ack({ conversationId: room, messageId: event.data.id, seq });
  });

  socket.on('disconnect', () => stopTyping(room, user));
});

httpServer.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ ok: true, port: httpServer.address().port }) + '\n');
});

control({
  count: async () => ({ connections: io.of('/').sockets.size }),
  memory: async () => { const m = process.memoryUsage(); return { rss: m.rss, heapUsed: m.heapUsed }; },
  quit: async () => { setTimeout(() => process.exit(0), 10); return {}; },
});
