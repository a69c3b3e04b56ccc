// Hub real-time client: a thin layer over the official @microsoft/signalr package that gives you every
// sequenced event of your stream exactly once and in order, across dropped connections.
//
//   import { connectHub } from "./hub-client.mjs";
//   const hub = await connectHub({
//     url: "https://hub.example.com/hubs/client",          // or /hubs/agent for members
//     accessTokenFactory: () => fetchTokenFromMyBackend(),   // called on every (re)connect
//     onEvent: (e) => console.log(e.event, e.seq, e.data),   // sequenced and ephemeral events
//     onResync: (r) => reloadFromRest(),                     // too far behind: reload state
//   });
//   await hub.send("Hello!");
//
// How it works (see README.md, "Reconnect with resume"):
//  - One WebSocket (no negotiate round trip), reconnected automatically with backoff, forever by default.
//  - Sequenced events (message.received, message.updated, conversation.updated, notification.push,
//    inbox.sla.*) arrive as {stream, seq, event, at, data}. Per stream the client keeps the last seq it
//    delivered: an event with seq <= last is a duplicate and dropped; one that arrives early is held
//    until the gap before it fills.
//  - After the first connect and after every reconnect it calls `stream.resume {afterSeq: last}`; Hub
//    sends every missed event, in order, then answers. A gap that does not fill by itself within
//    `gapTimeoutMs` triggers a resume too.
//  - `stream.resync` (more than the server keeps were missed) calls `onResync`: reload state over
//    REST; the client then continues from the stream's current seq.
//  - With `storage` (anything with getItem/setItem, e.g. localStorage) the last seq survives a page
//    reload or a process restart, so the next session resumes where this one stopped.
//  - Every notification.push it delivers is acknowledged as `received` (unless `ackReceived: false`):
//    Hub then knows a device has it and does not send it again by email or SMS after
//    Notifications:PushFallbackAfter.

import * as signalR from "@microsoft/signalr";

/** Server → client events that carry {stream, seq, event, at, data} and are replayed on resume. */
export const SEQUENCED_EVENTS = Object.freeze([
  "message.received",
  "message.updated",
  "conversation.updated",
  "notification.push",
  "inbox.sla.warning",
  "inbox.sla.breach",
]);

/** Server → client events that arrive as their data, are never stored and never replayed. */
export const EPHEMERAL_EVENTS = Object.freeze(["typing.indicator", "presence.changed", "conversation.viewers"]);

/** The server telling a client it is too far behind: {stream, oldestAvailableSeq, lastSeq}. */
export const RESYNC_EVENT = "stream.resync";

/** Error codes Hub puts at the start of a hub error's message. */
export const HUB_ERROR_CODES = Object.freeze(["not_found", "payload_too_large", "invalid", "rate_limited", "forbidden", "refused"]);

/** Default reconnect delays (ms); the last one repeats until `maxReconnectAttempts` (default: never give up). */
export const DEFAULT_RECONNECT_DELAYS = Object.freeze([0, 500, 1000, 2000, 5000, 10000, 30000]);

const noop = () => {};

/**
 * Delivers sequenced events of any number of streams exactly once and in order. Pure logic with no
 * network: `connectHub` feeds it, and you can use it on its own with another transport.
 */
export class StreamSequencer {
  /**
   * @param {object} options
   * @param {(event: object) => void} options.deliver  called once per event, in seq order per stream
   * @param {(stream: string) => number} [options.initialSeq]  the last seq already seen of a stream new to this sequencer
   * @param {(stream: string, lastSeq: number) => void} [options.onAdvance]  after the last seq of a stream moved
   */
  constructor({ deliver, initialSeq = () => 0, onAdvance = noop }) {
    this._deliver = deliver;
    this._initialSeq = initialSeq;
    this._onAdvance = onAdvance;
    /** @type {Map<string, {last: number, pending: Map<number, object>}>} */
    this._streams = new Map();
  }

  _state(stream) {
    let state = this._streams.get(stream);
    if (!state) {
      state = { last: Number(this._initialSeq(stream)) || 0, pending: new Map() };
      this._streams.set(stream, state);
    }
    return state;
  }

  /** The last seq delivered (or skipped by a resync) of `stream`. */
  lastSeq(stream) {
    return this._state(stream).last;
  }

  /** Every stream seen so far and its last seq. */
  snapshot() {
    return Object.fromEntries([...this._streams].map(([stream, s]) => [stream, s.last]));
  }

  /** Whether any stream holds events that wait for an earlier one. */
  hasGap(stream) {
    if (stream !== undefined) return this._state(stream).pending.size > 0;
    for (const s of this._streams.values()) if (s.pending.size > 0) return true;
    return false;
  }

  /**
   * Takes one sequenced event. Returns "delivered" (it and possibly held ones went out), "duplicate"
   * (already had it: dropped) or "held" (it came early: kept until the gap before it fills).
   */
  accept(event) {
    const seq = Number(event.seq);
    if (!event.stream || !Number.isSafeInteger(seq) || seq < 1) {
      throw new TypeError(`Not a sequenced event: ${JSON.stringify(event)}`);
    }
    const state = this._state(event.stream);
    if (seq <= state.last || state.pending.has(seq)) return "duplicate";
    state.pending.set(seq, event);
    if (seq !== state.last + 1) return "held";
    this._flush(event.stream, state);
    return "delivered";
  }

  /**
   * Jumps a stream forward to `seq` without delivering what lies between (after a resync the
   * application reloads that state over REST). Held events after `seq` are then delivered.
   */
  skipTo(stream, seq) {
    const state = this._state(stream);
    if (seq > state.last) {
      state.last = seq;
      for (const held of [...state.pending.keys()]) if (held <= seq) state.pending.delete(held);
      this._onAdvance(stream, state.last);
    }
    this._flush(stream, state);
  }

  /** Starts a stream over at `seq` (its server-side store was reset): held events are dropped. */
  reset(stream, seq) {
    const state = this._state(stream);
    state.last = seq;
    state.pending.clear();
    this._onAdvance(stream, state.last);
  }

  _flush(stream, state) {
    let moved = false;
    while (state.pending.has(state.last + 1)) {
      const next = state.pending.get(state.last + 1);
      state.pending.delete(state.last + 1);
      state.last += 1;
      moved = true;
      this._deliver(next);
    }
    if (moved) this._onAdvance(stream, state.last);
  }
}

/** Reads the code (`not_found`, `rate_limited`…) out of a hub error, or null. */
export function hubErrorCode(error) {
  const message = String(error?.message ?? error ?? "");
  return HUB_ERROR_CODES.find((code) => message.includes(`${code}:`)) ?? null;
}

function retryPolicy(delays, maxAttempts) {
  return {
    nextRetryDelayInMilliseconds({ previousRetryCount }) {
      if (previousRetryCount >= maxAttempts) return null; // give up: onClose fires
      const base = delays[Math.min(previousRetryCount, delays.length - 1)];
      return base === 0 ? 0 : Math.round(base * (0.8 + Math.random() * 0.4)); // ±20 % jitter
    },
  };
}

function readStored(storage, key) {
  if (!storage) return null;
  try {
    const raw = storage.getItem(key);
    if (raw == null) return null;
    const value = JSON.parse(raw);
    return value && typeof value.stream === "string" && Number.isSafeInteger(value.lastSeq) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Connects to a Hub hub (`/hubs/client` for end users, `/hubs/agent` for members) and returns a
 * {@link HubClient} once connected and caught up.
 *
 * @param {object} options
 * @param {string} options.url  the hub's URL, e.g. `https://hub.example.com/hubs/client`
 * @param {() => string | Promise<string>} options.accessTokenFactory  returns a valid token; called on
 *   every connect and reconnect, so hand out a fresh short-lived end-user token from your backend
 * @param {(event: {event: string, data: any, stream: string|null, seq: number|null, at: string|null}) => void} [options.onEvent]
 *   every event: sequenced ones exactly once and in order per stream; ephemeral ones (typing,
 *   presence, viewers) as they come, with `stream` and `seq` null
 * @param {(resync: {stream: string, oldestAvailableSeq: number, lastSeq: number}) => void | Promise<void>} [options.onResync]
 *   too far behind to replay: reload state over REST. The client continues after `lastSeq`.
 * @param {number} [options.lastSeq]  the last seq this client already has (0 = replay everything the
 *   stream keeps). Default: what `storage` remembers, else 0.
 * @param {{getItem(key: string): string|null, setItem(key: string, value: string): void}} [options.storage]
 *   where to remember the last seq (e.g. `localStorage`); written after every delivered event
 * @param {string} [options.storageKey]  key in `storage`; use one per signed-in user. Default `hub:lastSeq:<url>`.
 * @param {(state: "connected"|"reconnecting"|"reconnected"|"closed", error?: Error) => void} [options.onStateChange]
 * @param {(result: {stream: string, lastSeq: number, replayed: number, resyncRequired: boolean}) => void} [options.onResumed]
 *   after each catch-up (first connect, every reconnect, a gap): the server's answer to `stream.resume`
 * @param {(error: Error) => void} [options.onError]  a failed resume or a throwing `onEvent`
 * @param {number[]} [options.reconnectDelays]  backoff in ms; the last value repeats
 * @param {number} [options.maxReconnectAttempts]  default Infinity
 * @param {number} [options.gapTimeoutMs]  how long an early event may wait for the gap to fill by
 *   itself before a resume is asked for (default 500)
 * @param {boolean} [options.ackReceived]  acknowledge each delivered `notification.push` as `received`, which
 *   stops Hub's email/SMS fallback for it (default true; set false if your app acknowledges itself)
 * @param {signalR.LogLevel} [options.logLevel]  default Warning
 * @param {object} [options.connectionOptions]  extra `withUrl` options of @microsoft/signalr (headers,
 *   a `WebSocket` constructor, `skipNegotiation: false` with other transports…)
 * @returns {Promise<HubClient>}
 */
export async function connectHub(options) {
  const client = new HubClient(options);
  await client.start();
  return client;
}

/** A connection to one of Hub's hubs with gap-free delivery. Build it with {@link connectHub}. */
export class HubClient {
  constructor({
    url,
    accessTokenFactory,
    onEvent = noop,
    onResync = noop,
    lastSeq,
    storage,
    storageKey,
    onStateChange = noop,
    onResumed = noop,
    onError = (error) => console.error("[hub-client]", error),
    reconnectDelays = DEFAULT_RECONNECT_DELAYS,
    maxReconnectAttempts = Infinity,
    gapTimeoutMs = 500,
    ackReceived = true,
    logLevel = signalR.LogLevel.Warning,
    connectionOptions = {},
  }) {
    if (!url) throw new TypeError("connectHub: url is required");
    if (typeof accessTokenFactory !== "function") throw new TypeError("connectHub: accessTokenFactory must be a function");
    this.url = url;
    this._onEvent = onEvent;
    this._onResync = onResync;
    this._onStateChange = onStateChange;
    this._onResumed = onResumed;
    this._onError = onError;
    this._storage = storage ?? null;
    this._storageKey = storageKey ?? `hub:lastSeq:${url}`;
    this._gapTimeoutMs = gapTimeoutMs;
    this._ackReceived = ackReceived !== false;
    this._gapTimer = null;
    this._resuming = null; // the running resume, if any
    this._resumeAgain = false;
    this._resyncing = false;
    this._resyncDone = Promise.resolve();
    this._presence = null;
    this._stopped = false;
    this._listeners = new Map(); // event name → Set of handlers

    // The last seq we start from: explicit, else remembered, else 0 (everything the stream keeps).
    const stored = readStored(this._storage, this._storageKey);
    this._initial = Number.isSafeInteger(lastSeq)
      ? { stream: null, seq: lastSeq }
      : stored
        ? { stream: stored.stream, seq: stored.lastSeq }
        : { stream: null, seq: 0 };
    /** The stream this connection follows (`user:…` or `ws:…`), known after the first resume. */
    this.stream = this._initial.stream;

    this.sequencer = new StreamSequencer({
      // A new stream starts from the given/remembered seq if it is the one we remember (or we know none).
      initialSeq: (stream) => (this._initial.stream === null || this._initial.stream === stream ? this._initial.seq : 0),
      deliver: (event) => {
        this._emit(event);
        this._acknowledgeReceived(event);
      },
      onAdvance: (stream, last) => this._remember(stream, last),
    });

    this.connection = new signalR.HubConnectionBuilder()
      .withUrl(url, {
        transport: signalR.HttpTransportType.WebSockets,
        skipNegotiation: true,
        accessTokenFactory,
        ...connectionOptions,
      })
      .withAutomaticReconnect(retryPolicy(reconnectDelays, maxReconnectAttempts))
      .configureLogging(logLevel)
      .build();

    for (const name of SEQUENCED_EVENTS) {
      this.connection.on(name, (envelope) => {
        this._sequenced(name, envelope);
      });
    }
    for (const name of EPHEMERAL_EVENTS) {
      this.connection.on(name, (data) => {
        this._emit({ event: name, data, stream: null, seq: null, at: null });
      });
    }
    this.connection.on(RESYNC_EVENT, (resync) => {
      this._resync(resync); // returns nothing: SignalR would take a value for a client result
    });

    this.connection.onreconnecting((error) => {
      this._clearGapTimer();
      this._onStateChange("reconnecting", error);
    });
    this.connection.onreconnected(() => {
      this._onStateChange("reconnected");
      // A new server-side connection: fetch whatever happened while we were away.
      this.resume().catch((error) => this._onError(error));
      // It starts "online": tell it again if this client had said otherwise.
      if (this._presence && this._presence !== "online") {
        this.invoke("presence.update", { status: this._presence }).catch((error) => this._onError(error));
      }
    });
    this.connection.onclose((error) => {
      this._clearGapTimer();
      this._onStateChange("closed", error);
    });
  }

  /** Connects, then catches up from the last seq (`stream.resume`). Rejects if the first connect fails (bad token…). */
  async start() {
    this._stopped = false;
    await this.connection.start();
    this._onStateChange("connected");
    try {
      await this.resume();
    } catch (error) {
      // Dropped right after connecting: the reconnect will resume. Anything else is the caller's to see.
      if (this.connection.state === signalR.HubConnectionState.Reconnecting) {
        this._onError(error);
        return this;
      }
      await this.connection.stop().catch(() => {});
      throw error;
    }
    return this;
  }

  /** Closes the connection for good (no reconnect). */
  async stop() {
    this._stopped = true;
    this._clearGapTimer();
    await this.connection.stop();
  }

  /** "Connected", "Reconnecting", "Disconnected"… (signalR.HubConnectionState). */
  get state() {
    return this.connection.state;
  }

  /** The last seq delivered of this connection's stream (or of `stream`). */
  lastSeq(stream = this.stream) {
    return stream ? this.sequencer.lastSeq(stream) : this._initial.seq;
  }

  /**
   * Asks Hub for every event after our last seq; they are delivered (in order, without duplicates)
   * before this resolves with `{stream, lastSeq, replayed, resyncRequired}`. Concurrent calls share
   * one round trip, plus one more if a call came in while it ran.
   */
  resume() {
    if (this._resuming) {
      this._resumeAgain = true;
      return this._resuming;
    }
    this._clearGapTimer();
    this._resuming = (async () => {
      let result;
      let attempts = 0;
      try {
        do {
          this._resumeAgain = false;
          const afterSeq = this.lastSeq();
          result = await this.connection.invoke("stream.resume", { afterSeq });
          const known = this.stream;
          this.stream = result.stream;
          if (known !== null && known !== result.stream) {
            // Not the stream we remembered (another user signed in with this storage key): start over on this one.
            this._resumeAgain = true;
            continue;
          }
          if (result.resyncRequired) {
            // stream.resync came before this answer: let its handling (onResync) finish first.
            await this._resyncDone;
          } else if (result.lastSeq < afterSeq) {
            // The server's stream is behind what we have (its store was reset): nothing we hold is valid.
            await this._handleResync({ stream: result.stream, oldestAvailableSeq: 0, lastSeq: result.lastSeq }, true);
          } else if (this.sequencer.lastSeq(result.stream) < result.lastSeq) {
            // The replay came before the answer; still short of the server's last seq? Ask again, a few times at most.
            this._resumeAgain = true;
          }
        } while (this._resumeAgain && ++attempts < 5 && !this._stopped);
        if (this.stream && this.sequencer.lastSeq(this.stream) < result.lastSeq && !result.resyncRequired) {
          this._onError(new Error(`stream.resume left ${this.stream} at seq ${this.sequencer.lastSeq(this.stream)} of ${result.lastSeq}`));
        }
        try {
          this._onResumed(result);
        } catch (error) {
          this._onError(error);
        }
        return result;
      } finally {
        this._resuming = null;
        const again = this._resumeAgain;
        this._resumeAgain = false;
        if (again && !this._stopped && this.connection.state === signalR.HubConnectionState.Connected) {
          // Someone asked for a resume while this one failed or ran out of attempts: one more.
          this.resume().catch((error) => this._onError(error));
        } else if (this.sequencer.hasGap()) {
          this._armGapTimer();
        }
      }
    })();
    return this._resuming;
  }

  /**
   * Subscribes to one event by name (`message.received`, `typing.indicator`…). The handler gets
   * `(data, event)`; sequenced events come here exactly once and in order, like `onEvent`.
   * Returns a function that unsubscribes.
   */
  on(name, handler) {
    if (!this._listeners.has(name)) this._listeners.set(name, new Set());
    this._listeners.get(name).add(handler);
    return () => this._listeners.get(name)?.delete(handler);
  }

  /** Calls any hub method by its wire name and returns its answer. Hub errors reject with `.code` set. */
  async invoke(method, argument) {
    try {
      return argument === undefined ? await this.connection.invoke(method) : await this.connection.invoke(method, argument);
    } catch (error) {
      if (error && typeof error === "object") error.code = hubErrorCode(error);
      throw error;
    }
  }

  // ---- helpers for the hub methods ----

  /**
   * `message.send`: sends a chat message. End users may leave out `conversationId` (their open chat
   * conversation is used or opened). Resolves to `{conversationId, messageId, seq}`.
   */
  send(content, conversationId = null) {
    return this.invoke("message.send", { conversationId, content });
  }

  /** `message.read`: a read receipt for the other side's messages up to and including `messageId`. Resolves to how many turned read. */
  read(conversationId, messageId) {
    return this.invoke("message.read", { conversationId, messageId });
  }

  /** `typing.start`: call it while the user types (Hub debounces, and turns it off after a few seconds without a refresh). */
  typingStart(conversationId) {
    return this.invoke("typing.start", { conversationId });
  }

  /** `typing.stop`. */
  typingStop(conversationId) {
    return this.invoke("typing.stop", { conversationId });
  }

  /**
   * `presence.update`: "online", "away" or "offline" for this connection; resolves to the person's overall
   * status. Kept across reconnects.
   */
  setPresence(status) {
    this._presence = status; // re-applied after a reconnect (a new connection starts online)
    return this.invoke("presence.update", { status });
  }

  /**
   * `notification.ack` (end users): "received" (a device has it: no email/SMS fallback; sent for you unless
   * `ackReceived: false`), or the user "opened" or "clicked" it.
   */
  ack(notificationId, action) {
    return this.invoke("notification.ack", { notificationId, action });
  }

  /** `notification.list` (end users): `{items, unreadCount}`, newest first. */
  listNotifications({ unreadOnly = false, limit = 50 } = {}) {
    return this.invoke("notification.list", { unreadOnly, limit });
  }

  /** `notification.read` (end users): marks one notification, or with no id all, read; resolves to the unread count. */
  markNotificationRead(notificationId = null) {
    return this.invoke("notification.read", { notificationId });
  }

  /** `conversation.view` (agents): resolves to the viewers, and everyone gets `conversation.viewers`. */
  viewConversation(conversationId) {
    return this.invoke("conversation.view", { conversationId });
  }

  /** `conversation.leave` (agents). */
  leaveConversation(conversationId) {
    return this.invoke("conversation.leave", { conversationId });
  }

  // ---- internals ----

  _sequenced(name, envelope) {
    if (!envelope || typeof envelope !== "object" || !envelope.stream || envelope.seq == null) {
      this._onError(new Error(`${name} arrived without a stream and seq`));
      return;
    }
    const event = { event: envelope.event ?? name, data: envelope.data, stream: envelope.stream, seq: Number(envelope.seq), at: envelope.at ?? null };
    this.sequencer.accept(event);
    if (this.sequencer.hasGap()) {
      // Wait a little: the missing one may be on its way (a replay in progress, or two events raced on the server).
      if (!this._resuming) this._armGapTimer();
    } else {
      this._clearGapTimer();
    }
  }

  _resync(resync) {
    this._resyncDone = this._handleResync(resync, false);
  }

  async _handleResync(resync, reset) {
    this._resyncing = true;
    this._clearGapTimer();
    try {
      await this._onResync(resync);
    } catch (error) {
      this._onError(error);
    } finally {
      this._resyncing = false;
    }
    // The application reloaded over REST: continue after the stream's last seq.
    if (reset) this.sequencer.reset(resync.stream, Number(resync.lastSeq));
    else this.sequencer.skipTo(resync.stream, Number(resync.lastSeq));
    if (this.sequencer.hasGap()) this._armGapTimer();
  }

  _emit(event) {
    try {
      this._onEvent(event);
    } catch (error) {
      this._onError(error);
    }
    for (const handler of this._listeners.get(event.event) ?? []) {
      try {
        handler(event.data, event);
      } catch (error) {
        this._onError(error);
      }
    }
  }

  /** A push reached this device: tell Hub, so it does not fall back to email or SMS. Never blocks delivery. */
  _acknowledgeReceived(event) {
    const notificationId = event.event === "notification.push" ? event.data?.notification_id : null;
    if (!this._ackReceived || !notificationId || this.connection.state !== signalR.HubConnectionState.Connected) return;
    this.ack(notificationId, "received").catch((error) => {
      // Gone meanwhile (not_found) is nothing to report. An ack lost to a dropped connection only means the fallback may send.
      if (hubErrorCode(error) !== "not_found") this._onError(error);
    });
  }

  _remember(stream, lastSeq) {
    if (!this._storage || (this.stream !== null && stream !== this.stream)) return;
    try {
      this._storage.setItem(this._storageKey, JSON.stringify({ stream, lastSeq }));
    } catch (error) {
      this._onError(error);
    }
  }

  _armGapTimer() {
    if (this._gapTimer || this._stopped || this._resyncing) return;
    this._gapTimer = setTimeout(() => {
      this._gapTimer = null;
      if (this.sequencer.hasGap() && this.connection.state === signalR.HubConnectionState.Connected) {
        this.resume().catch((error) => this._onError(error));
      }
    }, this._gapTimeoutMs);
    this._gapTimer.unref?.();
  }

  _clearGapTimer() {
    if (this._gapTimer) clearTimeout(this._gapTimer);
    this._gapTimer = null;
  }
}

export { signalR };
