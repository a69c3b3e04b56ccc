// A tiny end-user chat in the terminal, on hub-client.mjs: type a line to send it, see replies, typing
// and push notifications live; stop it, start it again, and it picks up what it missed meanwhile (the
// last seq is kept in .hub-example-<user>.json).
//
//   cd clients/js && npm ci
//   # a token your backend minted (or POST /api/v1/client-tokens {"user_id":"42"} with an API key):
//   HUB_URL=http://localhost:5080 HUB_TOKEN=eyJ... node example.mjs
//   # or sign it here, as your backend would (never ship the secret to a browser or an app):
//   HUB_URL=http://localhost:5080 HUB_WORKSPACE_ID=... HUB_CLIENT_TOKEN_SECRET=... HUB_USER_ID=42 node example.mjs

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { connectHub } from "./hub-client.mjs";
import { mintClientToken } from "./server-token.mjs";

const { HUB_URL = "http://localhost:5080", HUB_TOKEN, HUB_WORKSPACE_ID, HUB_CLIENT_TOKEN_SECRET, HUB_USER_ID = "demo-user" } = process.env;

// Called on every connect and reconnect: a fresh short-lived token each time.
const accessTokenFactory = () => {
  if (HUB_TOKEN) return HUB_TOKEN;
  if (!HUB_WORKSPACE_ID || !HUB_CLIENT_TOKEN_SECRET) {
    throw new Error("set HUB_TOKEN, or HUB_WORKSPACE_ID and HUB_CLIENT_TOKEN_SECRET");
  }
  return mintClientToken({ userId: HUB_USER_ID, workspaceId: HUB_WORKSPACE_ID, secret: HUB_CLIENT_TOKEN_SECRET, expiresInSeconds: 600 });
};

// localStorage in a browser; a small JSON file here.
const file = `.hub-example-${HUB_USER_ID.replace(/[^\w-]/g, "_")}.json`;
const storage = {
  getItem: (key) => (existsSync(file) ? (JSON.parse(readFileSync(file, "utf8"))[key] ?? null) : null),
  setItem: (key, value) => writeFileSync(file, JSON.stringify({ [key]: value })),
};

let conversationId = null;
const hub = await connectHub({
  url: `${HUB_URL}/hubs/client`,
  accessTokenFactory,
  storage,
  storageKey: `hub:${HUB_USER_ID}`,
  onEvent: ({ event, seq, data }) => {
    switch (event) {
      case "message.received":
        conversationId ??= data.conversationId;
        if (data.direction === "outbound") {
          console.log(`#${seq} agent: ${data.text}`);
          hub.read(data.conversationId, data.id).catch(() => {}); // read receipt
        }
        break;
      case "message.updated":
        if (data.status === "read" && data.direction === "inbound") console.log(`#${seq} (read: "${data.text}")`);
        break;
      case "typing.indicator":
        console.log(data.isTyping ? "… agent is typing" : "… agent stopped typing");
        break;
      case "notification.push":
        console.log(`#${seq} 🔔 ${data.title}: ${data.body}`);
        hub.ack(data.notification_id, "opened").catch(() => {});
        break;
    }
  },
  onResync: ({ lastSeq }) => console.log(`(too far behind: reload the conversation over REST; continuing after #${lastSeq})`),
  onStateChange: (state) => console.log(`[${state}]`),
});
console.log(`connected as ${HUB_USER_ID} on ${hub.stream}, caught up to #${hub.lastSeq()}; type a message and press Enter (Ctrl+D quits)`);

const input = createInterface({ input: process.stdin });
input.on("line", async (line) => {
  if (!line.trim()) return;
  try {
    const sent = await hub.send(line, conversationId);
    conversationId = sent.conversationId;
  } catch (error) {
    console.error(`not sent (${error.code ?? error.message})`);
  }
});
input.on("close", () => hub.stop().then(() => process.exit(0)));
