// Node end-to-end tests: a real Hub process (built server/Hub.Server), the official
// @microsoft/signalr client through hub-client.mjs, real WebSockets on loopback.
//
//   dotnet build server/Hub.Server && (cd clients/js && npm ci && node --test test/*.test.mjs)

import assert from "node:assert/strict";
import { after, afterEach, before, describe, test as baseTest } from "node:test";
import jwt from "jsonwebtoken";
import WebSocket from "ws";
import { connectHub, hubErrorCode, signalR } from "../hub-client.mjs";
import { mintClientToken } from "../server-token.mjs";
import { Api, startHub } from "./support/hub-server.mjs";
import { MemoryStorage, Recorder, connectRaw } from "./support/recorder.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let counter = 0;

async function until(condition, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}
const uid = (prefix) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

let hub;
let admin;
let workspaceId;
let agent;
let agentMemberId;
const agentEvents = new Recorder("agent");
const opened = [];

/** An end-user token minted through `POST /api/v1/client-tokens` (what a backend without JWT code does). */
async function mintViaApi(userId) {
  const { token, expires_at: expiresAt } = await admin.post("/api/v1/client-tokens", { user_id: userId });
  assert.ok(token && expiresAt, "client-tokens answers {token, expires_at}");
  return token;
}

/** An end user through hub-client.mjs, with a fresh API-minted token on every (re)connect. */
async function connectUser(userId, options = {}) {
  const events = options.recorder ?? new Recorder(userId);
  const client = await connectHub({
    url: `${hub.url}/hubs/client`,
    accessTokenFactory: () => mintViaApi(userId),
    onEvent: events.push,
    onError: (error) => events.push({ event: "error", data: String(error), stream: null, seq: null }),
    ...options,
  });
  opened.push(client);
  return { client, events };
}

describe("Hub real time with @microsoft/signalr", () => {
  // A Hub that does not start fails every test (rather than cancelling them, which node does not count as failures).
  let setupError = null;
  const test = (name, fn) =>
    baseTest(name, { timeout: 30_000 }, async (t) => {
      if (setupError) throw setupError;
      await fn(t);
    });

  before(async () => {
    try {
      hub = await startHub({
        settings: {
          // The agent sends dozens of messages in a row here; keep the per-connection limit out of the way.
          Realtime__MessagesPerSecond: "100",
          Realtime__MessageBurst: "200",
          // Small, so being "too far behind" is quick to reach.
          Realtime__MaxReplay: "30",
        },
      });
      admin = await Api.signIn(hub.url, hub.adminEmail, hub.adminPassword);
      workspaceId = (await admin.get("/api/v1/workspace")).id;
      agentMemberId = (await admin.get("/api/v1/auth/me")).subject;
      agent = await connectHub({
        url: `${hub.url}/hubs/agent`,
        accessTokenFactory: () => admin.token,
        onEvent: agentEvents.push,
      });
    } catch (error) {
      setupError = new Error(`Hub could not be started or signed in to: ${error.message}`, { cause: error });
    }
  });

  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((c) => c.stop()));
  });

  after(async () => {
    await agent?.stop().catch(() => {});
    if (hub) {
      if (process.exitCode) {
        // Hub's last log lines, indented so they never read as the runner's own summary lines.
        console.error(`--- Hub log (last lines) ---\n${hub.logs().split("\n").slice(-80).map((l) => `  hub| ${l}`).join("\n")}`);
      }
      await hub.stop();
    }
  });

  test("an end user's message reaches the connected agent, and the agent's reply reaches the user", async () => {
    const userId = uid("chat");
    const { client: user, events } = await connectUser(userId);

    const sent = await user.send("Hello, my card is stuck");
    assert.match(sent.conversationId, /^[0-9a-f-]{36}$/);
    assert.match(sent.messageId, /^[0-9a-f-]{36}$/);

    const received = await agentEvents.waitFor("message.received", (e) => e.data.id === sent.messageId);
    assert.match(received.stream, /^ws:[0-9a-f]{32}$/);
    assert.ok(received.seq > 0);
    assert.equal(received.data.text, "Hello, my card is stuck");
    assert.equal(received.data.conversationId, sent.conversationId);
    assert.equal(received.data.direction, "inbound");
    assert.equal(received.data.senderId, userId);
    assert.ok(!Number.isNaN(Date.parse(received.data.createdAt)));

    const reply = await agent.send("Let me check that for you", sent.conversationId);
    const got = await events.waitFor("message.received", (e) => e.data.id === reply.messageId);
    assert.equal(got.data.text, "Let me check that for you");
    assert.equal(got.data.direction, "outbound");
    assert.equal(got.data.status, "sent");
    assert.equal(got.stream, user.stream);
    assert.match(got.stream, /^user:[0-9a-f]{32}$/);
    // The user's stream: its own message first, then the reply, with no gap.
    assert.deepEqual(
      events.events.filter((e) => e.seq != null).map((e) => [e.seq, e.data.text]),
      [
        [1, "Hello, my card is stuck"],
        [2, "Let me check that for you"],
      ],
    );
  });

  test("typing.indicator turns on, then off by itself after the timeout without a refresh; typing.stop is heard at once", async () => {
    const userId = uid("typist");
    const { client: user, events } = await connectUser(userId);
    const { conversationId } = await user.send("hi");
    const mine = (typing) => (e) => e.data.conversationId === conversationId && e.data.userId === userId && e.data.isTyping === typing;

    await user.typingStart(conversationId);
    const on = await agentEvents.waitFor("typing.indicator", mine(true));
    const off = await agentEvents.waitFor("typing.indicator", mine(false), 6000);
    const after = off.receivedAt - on.receivedAt;
    // Realtime:TypingTimeout is 1 s here: off must come from the expiry, not at once, and not much later.
    assert.ok(after >= 700, `typing turned off after ${after} ms, before the 1 s timeout`);
    assert.ok(after < 4000, `typing turned off only after ${after} ms`);
    assert.equal(agentEvents.named("typing.indicator", mine(true)).length, 1);

    // The other way round, with an explicit stop: the user hears the agent start and stop.
    await agent.typingStart(conversationId);
    const agentTyping = (typing) => (e) => e.data.conversationId === conversationId && e.data.userId === agentMemberId && e.data.isTyping === typing;
    const started = await events.waitFor("typing.indicator", agentTyping(true));
    assert.equal(started.seq, null, "typing is ephemeral: no seq");
    await agent.typingStop(conversationId);
    const stopped = await events.waitFor("typing.indicator", agentTyping(false), 3000);
    assert.ok(stopped.receivedAt - started.receivedAt < 900, "an explicit stop must not wait for the expiry");
  });

  test("presence.changed: the agent sees the user come online, go away, drop and come back (still away), and go offline", async () => {
    const userId = uid("presence");
    const status = (s) => (e) => e.data.userId === userId && e.data.status === s;
    const sockets = [];
    class TrackingWebSocket extends WebSocket {
      constructor(...args) {
        super(...args);
        sockets.push(this);
      }
    }
    const { client: user } = await connectUser(userId, {
      reconnectDelays: [1000], // the server sees the old socket go before the new one comes
      connectionOptions: { WebSocket: TrackingWebSocket },
      logLevel: signalR.LogLevel.None,
    });
    await agentEvents.waitFor("presence.changed", status("online"));

    assert.equal(await user.setPresence("away"), "away");
    await agentEvents.waitFor("presence.changed", status("away"));

    // A dropped socket: offline, back online with the new connection, and hub-client says "away" again.
    sockets.at(-1).terminate();
    const statuses = () => agentEvents.named("presence.changed", (e) => e.data.userId === userId).map((e) => e.data.status);
    await until(() => statuses().length >= 5, "presence after the reconnect");
    assert.deepEqual(statuses(), ["online", "away", "offline", "online", "away"]);

    await user.stop();
    await until(() => statuses().length >= 6, "presence after stop");
    assert.deepEqual(statuses(), ["online", "away", "offline", "online", "away", "offline"]);
    assert.equal(agentEvents.named("presence.changed", status("offline")).at(-1).seq, null, "presence is ephemeral: no seq");
  });

  test("notification.push reaches a connected user with the spec's fields; acks and the in-app list work", async () => {
    const userId = uid("push");
    const { client: user, events } = await connectUser(userId);
    const accepted = await admin.post("/api/v1/notifications", {
      user_id: userId,
      title: "Your order shipped",
      body: "Arrives Friday",
      data: { order_id: "A-42", items: 3 },
      priority: "high",
    });
    assert.ok(accepted.notification_id);

    const push = await events.waitFor("notification.push", (e) => e.data.notification_id === accepted.notification_id);
    assert.equal(push.stream, user.stream);
    assert.ok(push.seq > 0);
    assert.ok(!Number.isNaN(Date.parse(push.at)));
    const n = push.data;
    assert.deepEqual(Object.keys(n).sort(), ["body", "created_at", "data", "notification_id", "priority", "title", "user_id"]);
    assert.equal(n.user_id, userId);
    assert.equal(n.title, "Your order shipped");
    assert.equal(n.body, "Arrives Friday");
    assert.deepEqual(n.data, { order_id: "A-42", items: 3 });
    assert.equal(n.priority, "high");
    assert.ok(!Number.isNaN(Date.parse(n.created_at)));

    const list = await user.listNotifications({ unreadOnly: true });
    assert.equal(list.unreadCount, 1);
    assert.equal(list.items[0].notification_id, n.notification_id);
    assert.equal(list.items[0].title, "Your order shipped");

    // Opening it counts as reading it; clicking after that is recorded too; anything else is refused.
    await user.ack(n.notification_id, "opened");
    assert.equal((await user.listNotifications({ unreadOnly: true })).unreadCount, 0);
    await user.ack(n.notification_id, "clicked");
    await assert.rejects(user.ack(n.notification_id, "liked"), (error) => hubErrorCode(error) === "invalid" && error.code === "invalid");
    assert.equal(await user.markNotificationRead(), 0);
  });

  test("pushes sent while the user was offline are delivered on connect, in order, and only once", async () => {
    const userId = uid("offline");
    await admin.post("/api/v1/contacts", { external_id: userId });
    await admin.post("/api/v1/notifications", { user_id: userId, title: "First", body: "1" });
    await admin.post("/api/v1/notifications", { user_id: userId, title: "Second", body: "2", data: { k: "v" } });

    // A bare connection that never asks for a replay: the server hands the pending pushes over by itself.
    const phoneEvents = new Recorder("phone");
    const phone = await connectRaw(`${hub.url}/hubs/client`, await mintViaApi(userId), phoneEvents);
    try {
      await phoneEvents.waitFor("notification.push", (e) => e.data.title === "Second");
      const pushes = phoneEvents.named("notification.push");
      assert.deepEqual(pushes.map((e) => e.data.title), ["First", "Second"]);
      assert.deepEqual(pushes.map((e) => e.seq), [pushes[0].seq, pushes[0].seq + 1]);
      assert.equal(pushes[1].data.user_id, userId);
      assert.deepEqual(pushes[1].data.data, { k: "v" });

      // A second bare device: nothing is handed over twice. (Hub marks them delivered just after sending
      // them to the first device, so give it a moment: a device connecting inside that window gets them too.)
      await sleep(300);
      const tabletEvents = new Recorder("tablet");
      const tablet = await connectRaw(`${hub.url}/hubs/client`, await mintViaApi(userId), tabletEvents);
      await tabletEvents.assertNone("notification.push", undefined, 500).finally(() => tablet.stop());

      // hub-client from seq 0 replays the stream: each push once, in order.
      const { client: laptop, events } = await connectUser(userId, { lastSeq: 0 });
      assert.deepEqual(events.named("notification.push").map((e) => e.data.title), ["First", "Second"]);
      assert.equal(laptop.lastSeq(), pushes[1].seq);
      await laptop.stop();
      await phone.stop();

      // Offline again: "Third" comes on connect AND in the replay of stream.resume; hub-client delivers it once.
      await agentEvents.waitFor("presence.changed", (e) => e.data.userId === userId && e.data.status === "offline");
      await admin.post("/api/v1/notifications", { user_id: userId, title: "Third", body: "3" });
      const { client: again, events: againEvents } = await connectUser(userId, { lastSeq: pushes[1].seq });
      assert.deepEqual(againEvents.named("notification.push").map((e) => [e.seq, e.data.title]), [[pushes[1].seq + 1, "Third"]]);
      assert.ok(!again.sequencer.hasGap(), "nothing may be left waiting for a gap");
    } finally {
      await phone.stop();
    }
  });

  test("read receipts: message.updated with status read reaches the other side", async () => {
    const { client: user, events } = await connectUser(uid("reader"));
    const first = await user.send("question one");
    const second = await user.send("question two", first.conversationId);

    // The agent reads up to the second message: both turn read, and the user sees it live.
    assert.equal(await agent.read(first.conversationId, second.messageId), 2);
    for (const { messageId } of [first, second]) {
      const updated = await events.waitFor("message.updated", (e) => e.data.id === messageId && e.data.status === "read");
      assert.equal(updated.stream, user.stream);
      assert.ok(!Number.isNaN(Date.parse(updated.data.readAt)));
    }

    // The user reads the agent's reply: the agents see the tick.
    const reply = await agent.send("answer", first.conversationId);
    await events.waitFor("message.received", (e) => e.data.id === reply.messageId);
    assert.equal(await user.read(first.conversationId, reply.messageId), 1);
    const tick = await agentEvents.waitFor("message.updated", (e) => e.data.id === reply.messageId && e.data.status === "read");
    assert.ok(!Number.isNaN(Date.parse(tick.data.readAt)));
    assert.match(tick.stream, /^ws:/);
  });

  test("a dropped WebSocket mid-stream: after reconnect-with-resume every message arrived exactly once and in order", async () => {
    const userId = uid("flaky");
    const sockets = [];
    class TrackingWebSocket extends WebSocket {
      constructor(...args) {
        super(...args);
        sockets.push(this);
      }
    }
    const resumes = [];
    const states = [];
    const wire = []; // what the server sent, before hub-client's ordering and dedup
    const { client: user, events } = await connectUser(userId, {
      reconnectDelays: [300, 500, 1000],
      gapTimeoutMs: 60_000, // only the resume after the reconnect may fill what was missed
      logLevel: signalR.LogLevel.None, // the drop below is on purpose
      connectionOptions: { WebSocket: TrackingWebSocket },
      onResumed: (r) => resumes.push(r),
      onStateChange: (s) => states.push(s),
    });
    user.connection.on("message.received", (e) => {
      wire.push(e.seq);
    });
    const { conversationId } = await user.send("start");

    const total = 40;
    for (let i = 0; i < total; i++) {
      if (i === 12) sockets.at(-1).terminate(); // no close frame: as a dropped network
      await agent.send(`m${String(i).padStart(2, "0")}`, conversationId);
      await sleep(25); // the stream keeps flowing while the client is away
    }
    await events.waitFor("message.received", (e) => e.data.text === "m39", 20_000);
    await until(() => resumes.length >= 2, "the resume after the reconnect answered");

    assert.ok(sockets.length >= 2, "the client must have opened a new WebSocket");
    assert.ok(states.includes("reconnected"), `states: ${states}`);
    const afterReconnect = resumes.slice(1);
    assert.ok(afterReconnect.some((r) => r.replayed > 0), `messages sent while away must come from the replay: ${JSON.stringify(resumes)}`);
    // Live and replayed together, the wire carried every seq (the client did not make any up).
    assert.equal(new Set(wire).size, total + 1, `seqs on the wire: ${wire}`);

    // Exactly once, in order: seq 1..N with no gap and no repeat, and the texts in the order sent.
    const sequenced = events.events.filter((e) => e.seq != null);
    assert.deepEqual(sequenced.map((e) => e.seq), Array.from({ length: sequenced.length }, (_, i) => i + 1));
    const texts = sequenced.filter((e) => e.event === "message.received").map((e) => e.data.text);
    assert.deepEqual(texts, ["start", ...Array.from({ length: total }, (_, i) => `m${String(i).padStart(2, "0")}`)]);
    assert.equal(events.named("error").length, 0, JSON.stringify(events.named("error")));

    // Nothing more to fetch: the client is at the stream's head.
    const final = await user.resume();
    assert.equal(final.replayed, 0);
    assert.equal(final.lastSeq, user.lastSeq());
    assert.equal(user.lastSeq(), sequenced.at(-1).seq);
    assert.ok(!user.sequencer.hasGap(), "nothing may be left waiting for a gap");
  });

  test("a live event lost on the wire leaves a gap: later ones are held, a resume fills it, all delivered in order", async () => {
    let dropped = 0;
    // A socket that loses the first frame carrying "lost-1" (the live one; the replay gets through).
    class LossyWebSocket extends WebSocket {
      set onmessage(handler) {
        super.onmessage = (message) => {
          if (dropped === 0 && String(message.data).includes('"text":"lost-1"')) {
            dropped++;
            return;
          }
          handler(message);
        };
      }

      get onmessage() {
        return super.onmessage;
      }
    }
    const resumes = [];
    const states = [];
    const { client: user, events } = await connectUser(uid("lossy"), {
      gapTimeoutMs: 200,
      connectionOptions: { WebSocket: LossyWebSocket },
      onResumed: (r) => resumes.push(r),
      onStateChange: (s) => states.push(s),
    });
    const { conversationId } = await user.send("before");
    for (const text of ["lost-1", "after-1", "after-2"]) await agent.send(text, conversationId);
    await events.waitFor("message.received", (e) => e.data.text === "after-2", 5000);

    assert.ok(dropped >= 1, "the lossy socket must have dropped the frame");
    await until(() => resumes.length >= 2, "the gap's resume answered"); // its replay comes before its answer
    assert.deepEqual(states, ["connected"], "no reconnect: the gap alone triggers the resume");
    assert.ok(resumes.length >= 2 && resumes.slice(1).some((r) => r.replayed >= 1), JSON.stringify(resumes));
    const delivered = events.events.filter((e) => e.seq != null);
    assert.deepEqual(delivered.map((e) => [e.seq, e.data.text]), [[1, "before"], [2, "lost-1"], [3, "after-1"], [4, "after-2"]]);
    assert.ok(!user.sequencer.hasGap());
  });

  test("the last seq kept in storage resumes the next session; too far behind calls onResync and continues live", async () => {
    const userId = uid("stored");
    const storage = new MemoryStorage();
    const storageKey = `hub:${userId}`;
    const common = { storage, storageKey };

    const first = await connectUser(userId, common);
    const { conversationId } = await first.client.send("x");
    await first.events.waitFor("message.received", (e) => e.seq === 1);
    const stream = first.client.stream;
    await first.client.stop();
    assert.deepEqual(JSON.parse(storage.getItem(storageKey)), { stream, lastSeq: 1 });

    // Away for three messages: the next session gets exactly those, from the stored seq.
    for (const text of ["a0", "a1", "a2"]) await agent.send(text, conversationId);
    const second = await connectUser(userId, common);
    const replayed = second.events.events.filter((e) => e.seq != null);
    assert.deepEqual(replayed.map((e) => [e.seq, e.data.text]), [[2, "a0"], [3, "a1"], [4, "a2"]]);
    assert.deepEqual(JSON.parse(storage.getItem(storageKey)), { stream, lastSeq: 4 });
    await second.client.stop();

    // Away for 35 (more than Realtime:MaxReplay = 30): resync instead of a replay.
    for (let i = 0; i < 35; i++) await agent.send(`b${i}`, conversationId);
    const resyncs = [];
    const third = await connectUser(userId, { ...common, onResync: (r) => resyncs.push(r) });
    assert.equal(resyncs.length, 1);
    assert.equal(resyncs[0].stream, stream);
    assert.equal(resyncs[0].lastSeq, 39);
    assert.equal(third.events.named("message.received").length, 0, "nothing is replayed to a client told to resync");
    assert.equal(third.client.lastSeq(), 39, "connectHub resolves after onResync ran, at the resync point");

    // Live events continue after the resync point.
    const live = await agent.send("after resync", conversationId);
    const got = await third.events.waitFor("message.received", (e) => e.data.id === live.messageId);
    assert.equal(got.seq, 40);
    assert.deepEqual(JSON.parse(storage.getItem(storageKey)), { stream, lastSeq: 40 });
  });

  test("a conversation the caller may not see is a readable hub error, and the connection stays usable", async () => {
    const owner = await connectUser(uid("owner"));
    const { conversationId } = await owner.client.send("mine");
    const { client: other } = await connectUser(uid("other"));
    await assert.rejects(other.typingStart(conversationId), (error) => error.code === "not_found");
    await assert.rejects(other.send("sneaky", conversationId), (error) => error.code === "not_found");
    const ok = await other.send("my own");
    assert.notEqual(ok.conversationId, conversationId);
  });

  test("end-user tokens signed by the customer's backend (node:crypto or jsonwebtoken) connect; forged and expired ones are refused", async () => {
    const { client_token_secret: secret } = await admin.post("/api/v1/workspace/client-secret");
    assert.ok(secret && secret.length >= 32, "rotating answers the new secret");

    const connectWith = (token, events = new Recorder("self-signed")) =>
      connectHub({
        url: `${hub.url}/hubs/client`,
        accessTokenFactory: () => token,
        onEvent: events.push,
        maxReconnectAttempts: 0,
        logLevel: signalR.LogLevel.None, // refused connects are expected here
      });

    const cryptoUser = uid("crypto");
    const viaCrypto = await connectWith(mintClientToken({ userId: cryptoUser, workspaceId, secret }));
    opened.push(viaCrypto);
    const sent = await viaCrypto.send("signed with node:crypto");
    const seen = await agentEvents.waitFor("message.received", (e) => e.data.id === sent.messageId);
    assert.equal(seen.data.senderId, cryptoUser);

    const jwtUser = uid("jwt");
    const token = jwt.sign({ sub: jwtUser, wid: workspaceId, aud: "hub-client" }, secret, { algorithm: "HS256", expiresIn: "10m" });
    const viaJwt = await connectWith(token);
    opened.push(viaJwt);
    const hello = await viaJwt.send("signed with jsonwebtoken");
    assert.equal((await agentEvents.waitFor("message.received", (e) => e.data.id === hello.messageId)).data.senderId, jwtUser);

    const forged = mintClientToken({ userId: uid("forged"), workspaceId, secret: `${secret}-not-it` });
    await assert.rejects(connectWith(forged));
    const expired = mintClientToken({ userId: uid("expired"), workspaceId, secret, now: Math.floor(Date.now() / 1000) - 3600 });
    await assert.rejects(connectWith(expired));
    const tooLong = mintClientToken({ userId: uid("long"), workspaceId, secret, expiresInSeconds: 7 * 24 * 3600 });
    await assert.rejects(connectWith(tooLong));
  });
});
