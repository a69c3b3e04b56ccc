// Records events as they arrive and lets a test wait for one that matches.

import * as signalR from "@microsoft/signalr";
import { EPHEMERAL_EVENTS, RESYNC_EVENT, SEQUENCED_EVENTS } from "../../hub-client.mjs";

export class Recorder {
  constructor(label) {
    this.label = label;
    /** @type {{event: string, data: any, stream: string|null, seq: number|null, receivedAt: number}[]} */
    this.events = [];
    this._waiters = new Set();
  }

  /** Use as `onEvent`. */
  push = (event) => {
    const entry = { ...event, receivedAt: Date.now() };
    this.events.push(entry);
    for (const waiter of [...this._waiters]) waiter(entry);
  };

  named(name, match = () => true) {
    return this.events.filter((e) => e.event === name && match(e));
  }

  /** Resolves with the first event named `name` matching `match` (already recorded or still to come). */
  waitFor(name, match = () => true, timeoutMs = 10_000) {
    const found = this.events.find((e) => e.event === name && match(e));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (e) => {
        if (e.event === name && match(e)) {
          clearTimeout(timer);
          this._waiters.delete(waiter);
          resolve(e);
        }
      };
      const timer = setTimeout(() => {
        this._waiters.delete(waiter);
        const got = this.events.map((e) => `${e.event}${e.seq == null ? "" : `#${e.seq}`}`).join(", ");
        reject(new Error(`${this.label}: no ${name} matching ${match} within ${timeoutMs} ms; got: ${got || "nothing"}`));
      }, timeoutMs);
      this._waiters.add(waiter);
    });
  }

  /** Fails if an event named `name` matching `match` arrives within `windowMs` (or has arrived). */
  async assertNone(name, match = () => true, windowMs = 500) {
    await new Promise((r) => setTimeout(r, windowMs));
    const found = this.named(name, match);
    if (found.length > 0) throw new Error(`${this.label}: expected no ${name}, got ${JSON.stringify(found)}`);
  }
}

/**
 * A bare @microsoft/signalr connection (no hub-client: no resume, no dedup), recording every event as
 * the server sent it. Sequenced events are unwrapped into {event, data, stream, seq, at}.
 */
export async function connectRaw(url, token, recorder) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(url, { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true, accessTokenFactory: () => token })
    .configureLogging(signalR.LogLevel.Error)
    .build();
  for (const name of SEQUENCED_EVENTS) {
    connection.on(name, (e) => {
      recorder.push({ event: name, data: e.data, stream: e.stream, seq: e.seq, at: e.at });
    });
  }
  for (const name of [...EPHEMERAL_EVENTS, RESYNC_EVENT]) {
    connection.on(name, (data) => {
      recorder.push({ event: name, data, stream: null, seq: null, at: null });
    });
  }
  await connection.start();
  return connection;
}

/** A localStorage stand-in. */
export class MemoryStorage {
  constructor() {
    this.map = new Map();
  }

  getItem(key) {
    return this.map.has(key) ? this.map.get(key) : null;
  }

  setItem(key, value) {
    this.map.set(key, String(value));
  }

  removeItem(key) {
    this.map.delete(key);
  }
}
