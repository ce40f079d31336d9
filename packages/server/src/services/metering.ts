import type { Logger } from "pino";
import type { Database } from "../store/db.js";
import { insertUsageEvents, type UsageEvent } from "../store/usage-events.js";
import { upsertUsageRollups } from "../store/usage-rollups.js";

export interface MeterOptions {
  flushIntervalMs: number;
  /** A buffer this full is flushed at once instead of waiting for the timer. */
  batchSize: number;
}

// While the database is unreachable, keep at most this many events: memory stays bounded and the
// loss is logged rather than the process dying.
const MAX_BUFFERED = 100_000;
const ROWS_PER_INSERT = 5_000;
// At shutdown, how long `stop` waits for streams whose connections were just closed to report.
const OPEN_STREAMS_WAIT_MS = 2_000;

/**
 * Usage events are buffered in memory and written in one multi-row INSERT per interval, so a
 * request never waits on the database for metering. `stop` writes what is left (graceful shutdown).
 */
export class UsageMeter {
  private buffer: UsageEvent[] = [];
  /** When the oldest event still in the buffer was recorded (the batch lag /metrics reports). */
  private oldestBufferedAt: number | null = null;
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  // Streams still being relayed: they are metered when they end, which may be during shutdown.
  private openStreams = 0;
  private streamsClosed?: () => void;

  constructor(
    /** Database.background: a flush a request starts when the buffer fills is not its query. */
    private readonly db: Database,
    private readonly log: Logger,
    private readonly options: MeterOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  record(event: UsageEvent): void {
    this.oldestBufferedAt ??= Date.now();
    this.buffer.push(sanitised(event));
    if (this.buffer.length >= this.options.batchSize) void this.flush();
  }

  /** Events not yet written, and for how long the oldest of them has waited. */
  backlog(): { events: number; lagMs: number } {
    return { events: this.buffer.length, lagMs: this.oldestBufferedAt === null ? 0 : Date.now() - this.oldestBufferedAt };
  }

  /** Writes everything recorded so far; concurrent calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** A stream began; call the returned function once it has recorded its usage. */
  streamOpened(): () => void {
    this.openStreams++;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      if (--this.openStreams === 0) this.streamsClosed?.();
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.openStreams > 0) {
      // The server has closed their connections; their cancellations arrive within a few ticks.
      const settled = new Promise<void>((resolve) => (this.streamsClosed = resolve));
      await Promise.race([settled, new Promise((r) => setTimeout(r, OPEN_STREAMS_WAIT_MS).unref())]);
    }
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.buffer.length === 0) return;
    // A stack of slices still to write, the oldest on top; each slice is its own transaction, so a
    // failure never undoes (and a retry never duplicates) rows already written.
    const pending: UsageEvent[][] = [];
    for (let i = 0; i < this.buffer.length; i += ROWS_PER_INSERT) pending.unshift(this.buffer.slice(i, i + ROWS_PER_INSERT));
    this.buffer = [];
    const bufferedSince = this.oldestBufferedAt;
    this.oldestBufferedAt = null;
    let dropped = 0;
    let refusal: unknown;
    try {
      // Platform scope: one batch holds many tenants' rows.
      for (let rows = pending.at(-1); rows; rows = pending.at(-1)) {
        try {
          // The rollups in the same transaction (decisions.md #130): a refused slice counts nowhere,
          // so halving it and writing the halves again never counts a row twice.
          await this.db.asPlatform(async (tx) => {
            await insertUsageEvents(tx, rows);
            await upsertUsageRollups(tx, rows);
          });
          pending.pop();
        } catch (err) {
          if (!refusesRow(err)) throw err;
          // One bad row must not hold every tenant's metering back: halve until it stands alone.
          pending.pop();
          if (rows.length > 1) pending.push(rows.slice(rows.length >> 1), rows.slice(0, rows.length >> 1));
          else {
            dropped++;
            refusal ??= err;
          }
        }
      }
    } catch (err) {
      this.buffer = pending.reverse().flat().concat(this.buffer);
      this.oldestBufferedAt = bufferedSince;
      const overflow = this.buffer.length - MAX_BUFFERED;
      if (overflow > 0) this.buffer.splice(0, overflow);
      this.log.warn({ err, pending: this.buffer.length, dropped: Math.max(0, overflow) }, "could not write usage events; will retry");
    }
    if (dropped > 0) this.log.error({ err: refusal, dropped }, "dropped usage events the database refused");
  }
}

const INT4_MAX = 2_147_483_647;

/** Counts as the int4 columns take them, whatever a client or an upstream reported. */
function int4(n: number): number {
  const whole = Math.trunc(Number(n));
  return Number.isNaN(whole) ? 0 : Math.min(Math.max(whole, 0), INT4_MAX);
}

/** An event every row of the batch INSERT accepts: text without NUL, non-negative int4 numbers. */
function sanitised(event: UsageEvent): UsageEvent {
  return {
    ...event,
    model: String(event.model).replaceAll("\0", ""),
    promptTokens: int4(event.promptTokens),
    completionTokens: int4(event.completionTokens),
    latencyMs: int4(event.latencyMs),
    status: int4(event.status),
    costUsd: Number.isFinite(event.costUsd) && event.costUsd > 0 ? event.costUsd : 0,
    createdAt: event.createdAt instanceof Date && !Number.isNaN(event.createdAt.getTime()) ? event.createdAt : new Date(),
  };
}

/** SQLSTATE classes 22 (data exception) and 23 (constraint): this row is wrong, not the database down. */
function refusesRow(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}
