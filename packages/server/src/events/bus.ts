import type { EventPattern, MatchedBy, PlatformEvent } from "./types.js";

export type { EventPattern } from "./types.js";

export interface DeliveryContext {
  /** event_deliveries.id: the same on every retry of this event to this subscriber, for dedupe. */
  deliveryId: string;
  attempt: number;
  /** Aborted on timeout and on shutdown; pass it to outgoing requests. */
  signal: AbortSignal;
}

/**
 * A durable subscriber. `name` is what its delivery rows are stored under, so a subscriber that
 * registers again under the same name after a restart receives what was still owed to it.
 */
export interface Subscriber<P extends EventPattern = EventPattern> {
  name: string;
  patterns: readonly P[];
  /** Receives only the events its patterns match, typed by the EventMap. */
  handle(event: PlatformEvent<MatchedBy<P>>, ctx: DeliveryContext): Promise<void>;
}

/** Thrown by a handler that was told when to come back (HTTP 429 Retry-After). */
export class RetryLaterError extends Error {
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
    this.name = "RetryLaterError";
  }
}

export function matches(pattern: EventPattern, type: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** The set of subscribers this instance delivers to; the dispatcher fans events out over it. */
export class EventBus {
  private readonly subscribers = new Map<string, Subscriber>();

  subscribe(subscriber: Subscriber): void {
    if (this.subscribers.has(subscriber.name)) throw new Error(`subscriber ${subscriber.name} is already registered`);
    this.subscribers.set(subscriber.name, subscriber);
  }

  unsubscribe(name: string): void {
    this.subscribers.delete(name);
  }

  get(name: string): Subscriber | undefined {
    return this.subscribers.get(name);
  }

  names(): string[] {
    return [...this.subscribers.keys()];
  }

  subscribersFor(type: string): string[] {
    return [...this.subscribers.values()].filter((s) => s.patterns.some((p) => matches(p, type))).map((s) => s.name);
  }
}
