import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Database, Tx } from "../store/db.js";
import {
  claimDueDeliveries,
  fanOutEvents,
  markDelivered,
  markFailed,
  releaseDelivery,
  scheduleRetry,
  type ClaimedDelivery,
} from "../store/events.js";
import { RetryLaterError, type EventBus } from "./bus.js";
import { onEmitted } from "./outbox.js";
import type { PlatformEvent } from "./types.js";

const FAN_OUT_BATCH = 200;
// Per subscriber: a slow or hanging receiver holds at most this many claims, never the others'.
const MAX_IN_FLIGHT = 8;
// After a local emit, how long an empty fan-out is retried before the interval takes over, and
// the pauses in between (doubling): commits normally follow their emit within milliseconds.
const RECHECK_WINDOW_MS = 2_000;
const RECHECK_MIN_MS = 5;
const RECHECK_MAX_MS = 250;
// A due retry can be a few ms short of next_at (timer vs. database clock); wake a little after.
const DUE_SLACK_MS = 10;
// How long a success waits for its mark when no claim is due to carry it: the ones finishing
// meanwhile share its write.
const MARK_DELAY_MS = 10;

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
 *
 * The poll interval is the floor, not the pace: while a subscriber has a backlog, every finished
 * delivery frees its slot for the next claim at once; an `emit` in this process wakes the
 * dispatcher (other instances' events wait for the interval); a retry wakes it when it is due.
 */
export class Dispatcher {
  // Two timers, so that short wake-ups (marks, rechecks, retries) never push the interval tick
  // back: under a steady trickle of deliveries it would never come, and with it other instances'
  // events and expired leases.
  private interval?: NodeJS.Timeout;
  private soon?: { at: number; fanOut: boolean; timer: NodeJS.Timeout };
  private tick?: Promise<void>;
  private stopped = true;
  // A wake-up that arrived while a poll ran: it may have missed what the wake-up announced.
  private again = false;
  // The next poll fans out too (interval tick, emit, or the last fan-out filled its batch);
  // polls woken only by finished deliveries claim, and skip the outbox scan.
  private fanOutDue = true;
  // Subscribers whose last claim filled every free slot: more may be due once one frees up.
  private readonly backlog = new Set<string>();
  // Whether the next poll claims for every subscriber (start, the interval tick, a failed poll)
  // or only for those known to have due rows: the backlog, what this poll fans out, retries this
  // instance scheduled. An empty claim is a statement per subscriber per poll; on PGlite's one
  // connection they were two thirds of the dispatcher's claims (decisions.md #137). Rows this
  // instance cannot know of (another's fan-out, retries or expired leases) wait for the interval.
  private claimAllDue = true;
  // Subscriber → when the latest retry this instance scheduled for it falls due (epoch ms).
  private readonly retrying = new Map<string, number>();
  // Local emits not yet seen by a fan-out. The emitting transaction commits after `emit`
  // returns, so the poll it wakes can run before the row is visible; until the window passes,
  // an empty fan-out is retried after a short pause instead of waiting for the interval.
  private unseen = { count: 0, until: 0, pauseMs: RECHECK_MIN_MS };
  private stopListening?: () => void;
  // Successes whose row is not yet marked delivered: the next poll writes them all, in its first
  // claim's statement (or on their own when it claims nothing). A transaction of their own per
  // delivery was the ceiling on PGlite's single connection (decisions.md #137, #138). Until
  // written, the row stays claimed (its lease).
  private finished: string[] = [];
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
    this.stopListening = onEmitted((count) => {
      this.unseen = { count: this.unseen.count + count, until: Date.now() + RECHECK_WINDOW_MS, pauseMs: RECHECK_MIN_MS };
      this.fanOutDue = true;
      this.wake();
    });
    this.fanOutDue = true;
    this.claimAllDue = true;
    this.wake();
  }

  /** Stops polling, interrupts in-flight deliveries and hands their claims back for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    clearTimeout(this.interval);
    clearTimeout(this.soon?.timer);
    this.interval = this.soon = undefined;
    await this.tick;
    for (const { abort } of this.inFlight.values()) abort.abort(new Error("dispatcher stopping"));
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
    // Successes no poll has written yet: unwritten, their leases would run out and deliver them again.
    const marks = this.finished;
    this.finished = [];
    if (marks.length === 0) return;
    await this.db
      .asPlatform((tx) => markDelivered(tx, marks))
      .catch((err: unknown) => this.log.warn({ err, deliveries: marks.length }, "could not record delivery results"));
  }

  /**
   * One poll: fan out what is new (when due), mark what finished and start every due delivery
   * there is room for — one transaction, or none when there is nothing to do.
   */
  private async runOnce(): Promise<void> {
    const fanOut = this.fanOutDue;
    const claimAll = this.claimAllDue;
    this.fanOutDue = false;
    this.claimAllDue = false;
    const marks = this.finished;
    this.finished = [];
    const wanted = new Set<string>();
    // A backlog is claimed again once half its slots are free, so that one claim fills several.
    for (const name of this.backlog) if (this.inFlightOf(name) <= MAX_IN_FLIGHT / 2) wanted.add(name);
    const now = Date.now();
    let nextRetryAt = Number.POSITIVE_INFINITY;
    for (const [name, dueAt] of this.retrying) {
      if (dueAt > now) nextRetryAt = Math.min(nextRetryAt, dueAt);
      else {
        wanted.add(name);
        this.retrying.delete(name);
      }
    }
    // A sooner wake-up may have replaced the retry's own.
    if (nextRetryAt < Number.POSITIVE_INFINITY) this.wakeIn(nextRetryAt - now + DUE_SLACK_MS);
    if (!fanOut && !claimAll && marks.length === 0 && wanted.size === 0) return;
    try {
      const claimed = await this.db.asPlatform(async (tx) => {
        // One transaction for both steps: rows fanned out here are claimable in the same one.
        const fanned = fanOut
          ? await fanOutEvents(tx, (type) => this.bus.subscribersFor(type), FAN_OUT_BATCH)
          : { events: 0, subscribers: new Set<string>() };
        for (const name of fanned.subscribers) wanted.add(name);
        const rows: ClaimedDelivery[] = [];
        let unmarked = marks;
        for (const name of this.bus.names()) {
          if (!claimAll && !wanted.has(name)) continue;
          const room = MAX_IN_FLIGHT - this.inFlightOf(name);
          if (room <= 0) continue;
          // The first claim also writes the marks.
          const got = await claimDueDeliveries(tx, name, room, this.config.BR_EVENTS_LEASE_MS, unmarked);
          unmarked = [];
          if (got.length === room) this.backlog.add(name);
          else this.backlog.delete(name);
          rows.push(...got);
        }
        if (unmarked.length) await markDelivered(tx, unmarked);
        return { fanned: fanned.events, rows };
      });
      if (fanOut) this.noteFanOut(claimed.fanned);
      for (const row of claimed.rows) this.deliver(row);
    } catch (err) {
      // The marks are written by a later poll: the receivers are done, their rows still claimed.
      this.finished.unshift(...marks);
      if (fanOut) this.fanOutDue = true;
      // What this poll meant to claim is unknown now: the next one claims for everyone.
      this.claimAllDue = true;
      this.log.warn({ err }, "event dispatch poll failed");
    }
  }

  private noteFanOut(fanned: number): void {
    // A full batch: more is waiting in the outbox right now.
    if (fanned === FAN_OUT_BATCH) this.fanOutDue = true;
    const u = this.unseen;
    if (u.count === 0) return;
    u.count = Math.max(0, u.count - fanned);
    if (u.count === 0 || Date.now() > u.until) {
      // Seen, or rolled back, or fanned out by another instance: the interval covers the rest.
      this.unseen = { count: 0, until: 0, pauseMs: RECHECK_MIN_MS };
    } else if (fanned === 0) {
      this.wakeIn(u.pauseMs, true);
      u.pauseMs = Math.min(u.pauseMs * 2, RECHECK_MAX_MS);
    }
  }

  /** Polls as soon as possible; a poll under way runs once more afterwards. */
  private wake(): void {
    if (this.stopped) return;
    if (this.tick) {
      this.again = true;
      return;
    }
    // Timers already set stay: a pending recheck or due retry must still fire after this poll.
    this.tick = this.runOnce().finally(() => {
      this.tick = undefined;
      this.tickIn(this.config.BR_EVENTS_POLL_MS);
      if (this.again || this.fanOutDue) {
        this.again = false;
        // setImmediate, not a direct call: a long backlog must not starve the event loop.
        setImmediate(() => this.wake());
      }
    });
  }

  /**
   * The interval tick in `ms` unless one is set already: it scans the outbox (other instances'
   * emits only arrive this way) and claims for every subscriber.
   */
  private tickIn(ms: number): void {
    if (this.stopped || this.interval) return;
    this.interval = setTimeout(() => {
      this.interval = undefined;
      this.fanOutDue = true;
      this.claimAllDue = true;
      this.wake();
    }, ms);
    this.interval.unref();
  }

  /** Polls in `ms` unless a short wake-up is due sooner; `fanOut` makes that poll scan the outbox. */
  private wakeIn(ms: number, fanOut = false): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.soon && this.soon.at <= at) {
      this.soon.fanOut ||= fanOut;
      return;
    }
    clearTimeout(this.soon?.timer);
    const soon = {
      at,
      fanOut: fanOut || (this.soon?.fanOut ?? false),
      timer: setTimeout(() => {
        this.soon = undefined;
        if (soon.fanOut) this.fanOutDue = true;
        this.wake();
      }, ms),
    };
    soon.timer.unref();
    this.soon = soon;
  }

  private inFlightOf(name: string): number {
    let n = 0;
    for (const f of this.inFlight.values()) if (f.subscriber === name) n++;
    return n;
  }

  private deliver(row: ClaimedDelivery): void {
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(this.config.BR_EVENTS_TIMEOUT_MS)]);
    const done = this.attempt(row, signal, abort.signal).finally(() => {
      this.inFlight.delete(row.id);
      // A subscriber with a backlog gets its next claim now, not at the interval, once half its
      // slots are free: that poll also carries the marks. Otherwise the marks wait a moment for
      // company.
      if (this.backlog.has(row.subscriber) && this.inFlightOf(row.subscriber) <= MAX_IN_FLIGHT / 2) this.wake();
      else if (this.finished.length) this.wakeIn(MARK_DELAY_MS);
    });
    this.inFlight.set(row.id, { subscriber: row.subscriber, abort, done });
  }

  private async attempt(row: ClaimedDelivery, signal: AbortSignal, shutdown: AbortSignal) {
    const subscriber = this.bus.get(row.subscriber);
    let error: unknown;
    try {
      if (!subscriber) throw new Error(`subscriber ${row.subscriber} is not registered`);
      const handled = subscriber.handle(row.event, { deliveryId: row.id, attempt: row.attempts, signal });
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
    if (error === undefined) {
      this.finished.push(row.id);
      return;
    }
    try {
      const retryInMs = await this.db.asPlatform((tx) => this.record(tx, row, error, shutdown.aborted));
      // Claimed only once next_at has passed (Retry-After is honoured): polled then, after the
      // commit, rather than at the next interval.
      if (retryInMs !== undefined && retryInMs < this.config.BR_EVENTS_POLL_MS) {
        const dueAt = Date.now() + retryInMs;
        this.retrying.set(row.subscriber, Math.min(dueAt, this.retrying.get(row.subscriber) ?? dueAt));
        this.wakeIn(retryInMs + DUE_SLACK_MS);
      }
    } catch (err) {
      // The claim's lease runs out and the delivery is retried: at least once, never lost.
      this.log.warn({ err, deliveryId: row.id }, "could not record a delivery result");
    }
  }

  /** Stores a failed or interrupted attempt; returns the delay of the retry it scheduled, if any. */
  private async record(tx: Tx, row: ClaimedDelivery, error: unknown, interrupted: boolean): Promise<number | undefined> {
    if (interrupted) {
      await releaseDelivery(tx, row.id);
      return undefined;
    }
    const message = error instanceof Error ? error.message : String(error);
    const log = { deliveryId: row.id, subscriber: row.subscriber, attempt: row.attempts, error: message };
    if (row.attempts >= this.config.BR_EVENTS_MAX_ATTEMPTS) {
      this.log.error(log, "event delivery failed for good");
      await markFailed(tx, row.id, message);
      return undefined;
    }
    const { BR_EVENTS_BACKOFF_BASE_MS: base, BR_EVENTS_BACKOFF_MAX_MS: max } = this.config;
    const delay = error instanceof RetryLaterError ? error.retryAfterMs : backoffMs(row.attempts, base, max);
    this.log.warn({ ...log, retryInMs: Math.round(delay) }, "event delivery failed, will retry");
    await scheduleRetry(tx, row.id, delay, message);
    return delay;
  }
}
