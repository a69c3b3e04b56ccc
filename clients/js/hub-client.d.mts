// Types for hub-client.mjs (TypeScript users: `import { connectHub } from "./hub-client.mjs"`).
import * as signalR from "@microsoft/signalr";

export { signalR };

export type SequencedEventName =
  | "message.received"
  | "message.updated"
  | "conversation.updated"
  | "notification.push"
  | "inbox.sla.warning"
  | "inbox.sla.breach";
export type EphemeralEventName = "typing.indicator" | "presence.changed" | "conversation.viewers";
export type PresenceStatus = "online" | "away" | "offline";
export type HubErrorCode = "not_found" | "payload_too_large" | "invalid" | "rate_limited" | "forbidden" | "refused";

export declare const SEQUENCED_EVENTS: readonly SequencedEventName[];
export declare const EPHEMERAL_EVENTS: readonly EphemeralEventName[];
export declare const RESYNC_EVENT: "stream.resync";
export declare const HUB_ERROR_CODES: readonly HubErrorCode[];
export declare const DEFAULT_RECONNECT_DELAYS: readonly number[];

/** Every event: sequenced ones carry stream/seq/at; ephemeral ones have them null. */
export interface HubEvent<T = any> {
  event: SequencedEventName | EphemeralEventName | string;
  data: T;
  stream: string | null;
  seq: number | null;
  at: string | null;
}

export interface MessagePayload {
  id: string;
  conversationId: string;
  channel: string;
  direction: "inbound" | "outbound";
  status: "queued" | "sending" | "sent" | "delivered" | "read" | "failed" | "bounced" | "received";
  senderType: string;
  senderId: string | null;
  text: string;
  html: string | null;
  attachments: unknown[];
  sentimentScore: number | null;
  sentimentLabel: string | null;
  intent: string | null;
  intentConfidence: number | null;
  createdAt: string;
  deliveredAt: string | null;
  readAt: string | null;
}

/** notification.push: the spec's PushNotificationMessage (snake_case). */
export interface PushNotificationMessage {
  notification_id: string;
  user_id: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  priority: string;
  created_at: string;
}

export interface TypingIndicator { conversationId: string; userId: string; isTyping: boolean }
export interface PresenceChanged { userId: string; status: PresenceStatus }
export interface ResyncRequired { stream: string; oldestAvailableSeq: number; lastSeq: number }
export interface ResumeResult { stream: string; lastSeq: number; replayed: number; resyncRequired: boolean }
export interface SendMessageResult { conversationId: string; messageId: string; seq: number }
export interface NotificationList { items: PushNotificationMessage[]; unreadCount: number }
export interface Viewer { memberId: string; name: string }

export interface SeqStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface ConnectHubOptions {
  url: string;
  accessTokenFactory: () => string | Promise<string>;
  onEvent?: (event: HubEvent) => void;
  onResync?: (resync: ResyncRequired) => void | Promise<void>;
  lastSeq?: number;
  storage?: SeqStorage;
  storageKey?: string;
  onStateChange?: (state: "connected" | "reconnecting" | "reconnected" | "closed", error?: Error) => void;
  onResumed?: (result: ResumeResult) => void;
  onError?: (error: Error) => void;
  reconnectDelays?: number[];
  maxReconnectAttempts?: number;
  gapTimeoutMs?: number;
  /** Acknowledge each delivered notification.push as "received" (stops Hub's email/SMS fallback). Default true. */
  ackReceived?: boolean;
  logLevel?: signalR.LogLevel;
  connectionOptions?: signalR.IHttpConnectionOptions;
}

export declare function connectHub(options: ConnectHubOptions): Promise<HubClient>;

export declare function hubErrorCode(error: unknown): HubErrorCode | null;

export declare class StreamSequencer {
  constructor(options: {
    deliver: (event: HubEvent) => void;
    initialSeq?: (stream: string) => number;
    onAdvance?: (stream: string, lastSeq: number) => void;
  });
  accept(event: HubEvent): "delivered" | "duplicate" | "held";
  lastSeq(stream: string): number;
  snapshot(): Record<string, number>;
  hasGap(stream?: string): boolean;
  skipTo(stream: string, seq: number): void;
  reset(stream: string, seq: number): void;
}

export declare class HubClient {
  constructor(options: ConnectHubOptions);
  readonly url: string;
  readonly connection: signalR.HubConnection;
  readonly sequencer: StreamSequencer;
  /** `user:…` or `ws:…`, known after the first resume. */
  stream: string | null;
  readonly state: signalR.HubConnectionState;
  start(): Promise<this>;
  stop(): Promise<void>;
  lastSeq(stream?: string): number;
  resume(): Promise<ResumeResult>;
  on<T = any>(name: string, handler: (data: T, event: HubEvent<T>) => void): () => void;
  invoke<T = any>(method: string, argument?: unknown): Promise<T>;
  send(content: string, conversationId?: string | null): Promise<SendMessageResult>;
  read(conversationId: string, messageId: string): Promise<number>;
  typingStart(conversationId: string): Promise<void>;
  typingStop(conversationId: string): Promise<void>;
  setPresence(status: PresenceStatus): Promise<PresenceStatus>;
  ack(notificationId: string, action: "received" | "opened" | "clicked"): Promise<void>;
  listNotifications(options?: { unreadOnly?: boolean; limit?: number }): Promise<NotificationList>;
  markNotificationRead(notificationId?: string | null): Promise<number>;
  viewConversation(conversationId: string): Promise<Viewer[]>;
  leaveConversation(conversationId: string): Promise<void>;
}
