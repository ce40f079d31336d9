import type { Logger } from "pino";
import { touchLastUsed } from "../../store/api-keys.js";
import type { Database } from "../../store/db.js";

const FLUSH_INTERVAL_MS = 10_000;

/**
 * Records which keys were used, and writes `last_used_at` in one batch every few seconds instead
 * of once per request: the hot path stays free of database writes.
 */
export class KeyUsageTracker {
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  used(keyId: string): void {
    this.pending.add(keyId);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    try {
      await this.db.asPlatform((tx) => touchLastUsed(tx, ids, new Date()));
    } catch (err) {
      this.log.warn({ err }, "could not record key usage");
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
