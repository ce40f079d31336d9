import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database, Tx } from "../store/db.js";
import {
  claimDueDeliveries,
  fanOutEvents,
  findEvents,
  markDelivered,
  markFailed,
  releaseDelivery,
  scheduleRetry,
  type ClaimedDelivery,
} from "../store/events.js";
import { RetryLaterError, type EventBus } from "./bus.js";
import type { PlatformEvent } from "./types.js";

const FAN_OUT_BATCH = 200;
// Per subscriber: a slow or hanging receiver holds at most this many claims, never the others'.
const MAX_IN_FLIGHT = 8;

type DispatcherConfig = Pick<
  Config,
  | "BR_EVENTS_POLL_MS"
  | "BR_EVENTS_LEASE_MS"
  | "BR_EVENTS_TIMEOUT_MS"
  | "BR_EVENTS_MAX_ATTEMPTS"
  | "BR_EVENTS_BACKOFF_BASE_MS"
  | "BR_EVENTS_BACKOFF_MAX_MS"
>;

/** Exponential back-off with equal jitter: half fixed, half random, so retries of a burst spread out. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Delivers the outbox (platform_events) to every subscriber at least once. Each poll fans new
 * events out into event_deliveries rows, then claims each subscriber's due rows separately, so one
 * failing or slow subscriber only ever delays itself. Everything lives in the database: a restart
 * (or a crash, after the lease) picks up exactly where the last instance stopped.
 */
export class Dispatcher {
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;
  private stopped = true;
  private readonly inFlight = new Map<string, { subscriber: string; abort: AbortController; done: Promise<void> }>();

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly config: DispatcherConfig,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops polling, interrupts in-flight deliveries and hands their claims back for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    for (const { abort } of this.inFlight.values()) abort.abort(new Error("dispatcher stopping"));
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  /** One poll: fan out what is new, then start every due delivery there is room for. */
  private async runOnce(): Promise<void> {
    try {
      await this.db.asPlatform((tx) => fanOutEvents(tx, (type) => this.bus.subscribersFor(type), FAN_OUT_BATCH));
      const claimed = await this.db.asPlatform(async (tx) => {
        const rows: ClaimedDelivery[] = [];
        for (const name of this.bus.names()) {
          const room = MAX_IN_FLIGHT - this.inFlightOf(name);
          if (room > 0) rows.push(...(await claimDueDeliveries(tx, name, room, this.config.BR_EVENTS_LEASE_MS)));
        }
        const events = rows.length ? await findEvents(tx, [...new Set(rows.map((r) => r.event_id))]) : [];
        return { rows, events: new Map(events.map((e) => [e.id, e])) };
      });
      for (const row of claimed.rows) {
        this.deliver(row, claimed.events.get(row.event_id)!);
      }
    } catch (err) {
      this.log.warn({ err }, "event dispatch poll failed");
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // Deliveries started by the poll inherit the untracked context, handlers' queries included.
      this.tick = this.db
        .untracked(() => this.runOnce())
        .finally(() => {
          this.tick = undefined;
          this.schedule();
        });
    }, this.config.BR_EVENTS_POLL_MS);
    this.timer.unref();
  }

  private inFlightOf(name: string): number {
    let n = 0;
    for (const f of this.inFlight.values()) if (f.subscriber === name) n++;
    return n;
  }

  private deliver(row: ClaimedDelivery, event: PlatformEvent): void {
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(this.config.BR_EVENTS_TIMEOUT_MS)]);
    const done = this.attempt(row, event, signal, abort.signal).finally(() => this.inFlight.delete(row.id));
    this.inFlight.set(row.id, { subscriber: row.subscriber, abort, done });
  }

  private async attempt(row: ClaimedDelivery, event: PlatformEvent, signal: AbortSignal, shutdown: AbortSignal) {
    const subscriber = this.bus.get(row.subscriber);
    let error: unknown;
    try {
      if (!subscriber) throw new Error(`subscriber ${row.subscriber} is not registered`);
      const handled = subscriber.handle(event, { deliveryId: row.id, attempt: row.attempts, signal });
      handled.catch(() => undefined);
      // Raced against the signal: a handler that ignores it still cannot hold its claim forever.
      await Promise.race([
        handled,
        new Promise<never>((_, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        }),
      ]);
    } catch (err) {
      error = err;
    }
    try {
      await this.db.asPlatform((tx) => this.record(tx, row, error, shutdown.aborted));
    } catch (err) {
      // The claim's lease runs out and the delivery is retried: at least once, never lost.
      this.log.warn({ err, deliveryId: row.id }, "could not record a delivery result");
    }
  }

  private record(tx: Tx, row: ClaimedDelivery, error: unknown, interrupted: boolean) {
    if (error === undefined) return markDelivered(tx, row.id);
    if (interrupted) return releaseDelivery(tx, row.id);
    const message = error instanceof Error ? error.message : String(error);
    const log = { deliveryId: row.id, subscriber: row.subscriber, attempt: row.attempts, error: message };
    if (row.attempts >= this.config.BR_EVENTS_MAX_ATTEMPTS) {
      this.log.error(log, "event delivery failed for good");
      return markFailed(tx, row.id, message);
    }
    const { BR_EVENTS_BACKOFF_BASE_MS: base, BR_EVENTS_BACKOFF_MAX_MS: max } = this.config;
    const delay = error instanceof RetryLaterError ? error.retryAfterMs : backoffMs(row.attempts, base, max);
    this.log.warn({ ...log, retryInMs: Math.round(delay) }, "event delivery failed, will retry");
    return scheduleRetry(tx, row.id, delay, message);
  }
}
