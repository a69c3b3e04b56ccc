'use strict';
const crypto = require('crypto');
// Shared by the peer servers and the client harness: the clock, the payload, the stdin control loop.

// CLOCK_MONOTONIC in microseconds (libuv's uv_hrtime). .NET's Stopwatch.GetTimestamp() reads the same
// clock on Linux, so a timestamp taken in one process can be subtracted in another on the same machine.
function nowUs() {
  const [s, ns] = process.hrtime();
  return s * 1e6 + Math.floor(ns / 1e3);
}

const NOTIFICATION_ID = '0b7e3c3a-8d57-4b8e-9a44-1f2d3c4b5a69';

// The same shape Hub sends for notification.push: a StreamEvent<PushNotificationMessage>.
function pushEvent(seq, t) {
  const at = new Date().toISOString();
  return {
    stream: 'bench',
    seq,
    event: 'notification.push',
    at,
    data: {
      notification_id: NOTIFICATION_ID,
      user_id: 'bench',
      title: 'Fan-out',
      body: 'A small broadcast for the benchmark.',
      data: { t },
      priority: 'normal',
      created_at: at,
    },
  };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

// One JSON command per stdin line, one JSON answer per stdout line. Logs go to stderr.
function control(handlers) {
  let buffer = '';
  let chain = Promise.resolve();
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      // Flow-control acks are handled at once, even while a run is in progress, and get no answer.
      if (line.startsWith('{"cmd":"ack"') && handlers.ack) {
        handlers.ack(JSON.parse(line));
        continue;
      }
      chain = chain.then(async () => {
        let cmd;
        try {
          cmd = JSON.parse(line);
          const handler = handlers[cmd.cmd];
          if (!handler) throw new Error(`unknown command ${cmd.cmd}`);
          const result = await handler(cmd);
          process.stdout.write(JSON.stringify({ ok: true, ...result }) + '\n');
        } catch (e) {
          process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.stack || e) }) + '\n');
        }
      });
    }
  });
  // The orchestrator going away ends us too: nothing is left running.
  process.stdin.on('end', () => process.exit(0));
}

// HS256 JWT check: signature, expiry; returns the claims (with a subject) or null.
function verifyClaims(token, secret) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = crypto.createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (!claims.sub || (claims.exp && claims.exp * 1000 < Date.now())) return null;
    return claims;
  } catch { return null; }
}

// The subject of a valid token, or null.
function verifyJwt(token, secret) {
  const claims = verifyClaims(token, secret);
  return claims ? claims.sub : null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const immediate = () => new Promise((r) => setImmediate(r));

module.exports = { nowUs, pushEvent, arg, control, sleep, immediate, verifyJwt, verifyClaims };
