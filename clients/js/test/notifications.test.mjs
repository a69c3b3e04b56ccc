// Push fallback seen from the JavaScript client: hub-client acknowledges every push it delivers as
// "received", so Hub never sends it again by email; a client that does not acknowledge gets the email.
// A real Hub process with a 2-second fallback deadline and a 1-second sweep.
//
//   dotnet build server/Hub.Server && (cd clients/js && npm ci && node --test test/notifications.test.mjs)

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, test as baseTest } from "node:test";
import { connectHub } from "../hub-client.mjs";
import { Api, startHub } from "./support/hub-server.mjs";
import { Recorder } from "./support/recorder.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let counter = 0;
const uid = (prefix) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

async function until(check, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(200);
  }
}

let hub;
let admin;
const opened = [];

describe("push fallback with hub-client", () => {
  let setupError = null;
  const test = (name, fn) =>
    baseTest(name, { timeout: 40_000 }, async (t) => {
      if (setupError) throw setupError;
      await fn(t);
    });

  before(async () => {
    try {
      hub = await startHub({
        settings: {
          Notifications__PushFallbackAfter: "00:00:02",
          Notifications__SweepInterval: "00:00:01",
          Delivery__DevSinkPath: mkdtempSync(join(tmpdir(), "hub-js-sink-")),
        },
      });
      admin = await Api.signIn(hub.url, hub.adminEmail, hub.adminPassword);
      await admin.post("/api/v1/channels", { name: "Mail", type: "email", provider: "dev-sink", address: "hello@acme.test" });
    } catch (error) {
      setupError = new Error(`Hub could not be started or set up: ${error.message}`, { cause: error });
    }
  });

  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((c) => c.stop()));
  });

  after(async () => {
    if (hub) {
      if (process.exitCode) {
        console.error(`--- Hub log (last lines) ---\n${hub.logs().split("\n").slice(-80).map((l) => `  hub| ${l}`).join("\n")}`);
      }
      await hub.stop();
    }
  });

  async function connectUser(userId, options = {}) {
    const events = new Recorder(userId);
    const client = await connectHub({
      url: `${hub.url}/hubs/client`,
      accessTokenFactory: async () => (await admin.post("/api/v1/client-tokens", { user_id: userId })).token,
      onEvent: events.push,
      onError: (error) => events.push({ event: "error", data: String(error), stream: null, seq: null }),
      ...options,
    });
    opened.push(client);
    return { client, events };
  }

  const listed = async (userId, id) =>
    (await admin.get(`/api/v1/notifications?user_id=${encodeURIComponent(userId)}`)).items.find((n) => n.notification_id === id);

  test("a delivered push is acknowledged as received and never falls back; with ackReceived off it goes by email", async () => {
    const acking = uid("acking");
    const silent = uid("silent");
    for (const userId of [acking, silent]) {
      await admin.post("/api/v1/contacts", { external_id: userId, email: `${userId}@example.com` });
    }
    const { events: ackingEvents } = await connectUser(acking);
    const { events: silentEvents } = await connectUser(silent, { ackReceived: false });

    const toAcking = await admin.post("/api/v1/notifications", { user_id: acking, title: "Order shipped", body: "Arrives Friday" });
    const toSilent = await admin.post("/api/v1/notifications", { user_id: silent, title: "Order shipped", body: "Arrives Friday" });
    assert.ok(toAcking.fallback_due_at, "a push carries its fallback deadline");
    await ackingEvents.waitFor("notification.push", (e) => e.data.notification_id === toAcking.notification_id);
    await silentEvents.waitFor("notification.push", (e) => e.data.notification_id === toSilent.notification_id);

    // The acknowledgement reaches Hub at once: it is a device's "received", not the user opening it.
    const acked = await until(async () => {
      const n = await listed(acking, toAcking.notification_id);
      return n.acknowledged_at ? n : null;
    }, "the received ack");
    assert.equal(acked.opened_at, null);
    assert.equal(acked.read_at, null);

    // The silent device's push falls back to email once its deadline passes, and the email goes out.
    const fellBack = await until(async () => {
      const n = await listed(silent, toSilent.notification_id);
      return n.fallback_outcome ? n : null;
    }, "the silent user's fallback");
    assert.equal(fellBack.fallback_outcome, "sent:email");
    assert.equal(fellBack.acknowledged_at, null);
    const email = await until(async () => {
      const m = await admin.get(`/api/v1/messages/${fellBack.fallback_message_id}`);
      return m.status === "sent" ? m : null;
    }, "the fallback email to be sent");
    assert.equal(email.subject, "Order shipped");

    // Past its own deadline and at least one more sweep, the acknowledged push is still left alone.
    await sleep(1500);
    const still = await listed(acking, toAcking.notification_id);
    assert.ok(Date.parse(still.fallback_due_at) < Date.now());
    assert.equal(still.fallback_outcome, null);
    assert.equal(still.fallback_message_id, null);
    assert.deepEqual(ackingEvents.named("error"), []);
  });
});
