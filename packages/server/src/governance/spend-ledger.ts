import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { SharedCache } from "../cache/interface.js";
import { AppError } from "../errors/index.js";
import type { Database } from "../store/db.js";
import { budgetedSpend, spendSince } from "../store/spend.js";
import type { BudgetPeriod } from "../store/schema.js";
import { periodWindow, type PeriodWindow } from "./budget-period.js";
import type { Budget } from "./policy.js";

// Counters hold integer nano-dollars: INCRBY is integer-only, and a cheap model's request costs
// far less than a micro-dollar.
const NANOS_PER_USD = 1e9;
const DAY_MS = 86_400_000;
// A lifetime counter never resets; it is re-raised from the database at every reconciliation.
const LIFETIME_TTL_MS = 3_650 * DAY_MS;
export const THRESHOLD = 0.8;
// One warning per interval while the counters cannot be read, not one per request.
const UNREADABLE_WARNING_MS = 10_000;
// How long a counter's last read (or a charge's answer) admits requests without another read. A
// read per request was half a budget's cost with Redis (decisions.md #155); what other instances
// charge meanwhile may be admitted past the budget, a sliver of what requests in flight already
// can be (#121).
export const ADMISSION_READ_MS = 10;

export interface BudgetCrossing {
  budget: Budget;
  level: "threshold" | "exceeded";
  spentUsd: number;
  window: PeriodWindow;
}

const toNanos = (usd: number) => Math.round(usd * NANOS_PER_USD);
const counterKey = (scope: { scope: string; id: string }, window: PeriodWindow) => `spend:${scope.scope}:${scope.id}:${window.key}`;
// A day past the period's end, so a reader at the boundary still finds it.
const ttlOf = (window: PeriodWindow, now: number) => (window.resetsAt === null ? LIFETIME_TTL_MS : window.resetsAt - now + DAY_MS);

/**
 * Spend per budgeted scope and period, in the shared cache (in-process, or Redis shared by every
 * instance): read before each budgeted request, charged from each response's usage. The database
 * (the usage rollup) is the truth the counters are raised to at start and at every
 * reconciliation, so a restart, a flushed Redis or charges lost while Redis was down never reset
 * a budget; a counter is only ever raised to it, never lowered, so charges the meter has not yet
 * written are not undone.
 */
export class SpendLedger {
  private timer?: NodeJS.Timeout;
  private lastUnreadableWarning = -Infinity;
  // Counter key → its latest value seen here (nano-dollars) and when: admission reads from it.
  private readonly seen = new LRUCache<string, { nanos: number; at: number }>({ max: 10_000 });
  // Charges of this event-loop turn by counter key, added up; `flushQueued` once their write is.
  private pending = new Map<string, { budget: Budget; window: PeriodWindow; nanos: number; ttlMs: number }>();
  private flushQueued = false;

  constructor(
    private readonly cache: SharedCache,
    /** Database.background: reconciliation is not a request's query. */
    private readonly db: Database,
    private readonly log: Logger,
    private readonly onCrossing: (crossing: BudgetCrossing) => void,
  ) {}

  /** Raises every counter to the database's figure, then again every `intervalMs`. */
  async start(intervalMs: number): Promise<void> {
    await this.reconcile();
    this.timer = setInterval(() => {
      this.reconcile().catch((err: unknown) => this.log.warn({ err }, "could not reconcile spend counters; will retry"));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async reconcile(now = Date.now()): Promise<void> {
    const today = periodWindow("daily", now);
    const month = periodWindow("monthly", now);
    const rows = await this.db.asPlatform((tx) => budgetedSpend(tx, { today: today.startDay!, monthStart: month.startDay! }));
    await Promise.all(rows.map((r) => this.raise({ scope: r.scope, id: r.id }, r.period, r.spent_usd, now)));
  }

  /** After a budget is set or changed: the scope may have no counter yet (unbudgeted spend is not counted). */
  async resync(scope: { scope: "key" | "tenant"; id: string; tenantId: string }, period: BudgetPeriod, now = Date.now()): Promise<void> {
    const window = periodWindow(period, now);
    const spent = await this.db.asTenant(scope.tenantId, (tx) =>
      spendSince(tx, { kind: scope.scope, id: scope.id, tenantId: scope.tenantId }, window.startDay),
    );
    await this.raise(scope, period, spent, now);
  }

  /** The spend of each budget in its current period, USD. */
  async spentUsd(budgets: readonly Budget[], now = Date.now()): Promise<number[]> {
    const values = await this.cache.counters(budgets.map((b) => counterKey(b, periodWindow(b.period, now))));
    return values.map((nanos) => nanos / NANOS_PER_USD);
  }

  /**
   * 429 budget_exceeded when any budget's period is spent. Requests already admitted are not
   * held back: the overshoot is at most what the requests in flight when the budget is crossed
   * cost (docs/decisions.md #121).
   */
  async assertWithin(budgets: readonly Budget[], now = Date.now()): Promise<void> {
    if (budgets.length === 0) return;
    let spent: number[];
    try {
      spent = await this.admissionSpend(budgets, now);
    } catch (err) {
      // The cache (Redis) is down: admit, as the rate limits do, rather than refuse every
      // request; reconciliation restores the counters from the rollup (decisions.md #122).
      this.warnUnreadable(err, now);
      return;
    }
    budgets.forEach((budget, i) => {
      if (spent[i]! >= budget.usd) throw budgetExceeded(budget, periodWindow(budget.period, now), now);
    });
  }

  /** Each budget's spend, USD, from what was seen of its counter in the last ADMISSION_READ_MS, or read now. */
  private async admissionSpend(budgets: readonly Budget[], now: number): Promise<number[]> {
    const keys = budgets.map((b) => counterKey(b, periodWindow(b.period, now)));
    const stale = keys.filter((key) => now - (this.seen.get(key)?.at ?? -Infinity) >= ADMISSION_READ_MS);
    if (stale.length > 0) {
      const values = await this.cache.counters(stale);
      for (const [i, key] of stale.entries()) this.see(key, values[i]!, now);
    }
    return keys.map((key) => this.seen.get(key)!.nanos / NANOS_PER_USD);
  }

  // A counter only grows within its period (a new period is a new key), so a lower figure is an
  // older one, or a Redis that lost it: the higher is kept.
  private see(key: string, nanos: number, at: number) {
    this.seen.set(key, { nanos: Math.max(nanos, this.seen.get(key)?.nanos ?? 0), at });
  }

  /**
   * Adds a request's cost to each budget, at the end of this event-loop turn together with the
   * other requests' charges of the turn: one increment per counter (decisions.md #155). Reports
   * each threshold a charge crosses (once: counters only grow).
   */
  charge(budgets: readonly Budget[], costUsd: number, now = Date.now()): void {
    const nanos = toNanos(costUsd);
    if (nanos <= 0) return;
    for (const budget of budgets) {
      const window = periodWindow(budget.period, now);
      const key = counterKey(budget, window);
      const waiting = this.pending.get(key);
      if (waiting) waiting.nanos += nanos;
      else this.pending.set(key, { budget, window, nanos, ttlMs: ttlOf(window, now) });
    }
    if (this.pending.size > 0 && !this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    const charges = this.pending;
    this.pending = new Map();
    for (const [key, { budget, window, nanos, ttlMs }] of charges) {
      this.cache.incrBy(key, nanos, ttlMs).then(
        (after) => {
          // The counter's latest total, as fresh as a read.
          this.see(key, after, Date.now());
          this.crossings(budget, window, after - nanos, after);
        },
        (err: unknown) =>
          this.log.warn({ err, scope: budget.scope, id: budget.id }, "could not charge a spend counter; reconciliation will"),
      );
    }
  }

  private warnUnreadable(err: unknown, now: number) {
    if (now - this.lastUnreadableWarning < UNREADABLE_WARNING_MS) return;
    this.lastUnreadableWarning = now;
    this.log.warn({ err }, "spend counters unreadable: budgets are not enforced until the cache answers");
  }

  private crossings(budget: Budget, window: PeriodWindow, before: number, after: number) {
    const limit = toNanos(budget.usd);
    const spentUsd = after / NANOS_PER_USD;
    const threshold = limit * THRESHOLD;
    if (before < threshold && after >= threshold && after < limit) this.onCrossing({ budget, level: "threshold", spentUsd, window });
    if (before < limit && after >= limit) this.onCrossing({ budget, level: "exceeded", spentUsd, window });
  }

  private raise(scope: { scope: string; id: string }, period: BudgetPeriod, spentUsd: number, now: number) {
    const window = periodWindow(period, now);
    return this.cache.raiseCounter(counterKey(scope, window), toNanos(spentUsd), ttlOf(window, now));
  }
}

function budgetExceeded(budget: Budget, window: PeriodWindow, now: number): AppError {
  const whose = budget.scope === "key" ? "This key's" : "The tenant's";
  const details = { scope: budget.scope, budget_usd: budget.usd, budget_period: budget.period };
  if (window.resetsAt === null) {
    return new AppError("budget_exceeded", {
      message: `${whose} lifetime budget of $${budget.usd} is spent; ask an owner or admin to raise it.`,
      recovery: { action: "escalate", ...details },
    });
  }
  const waitMs = window.resetsAt - now;
  const resetsAt = new Date(window.resetsAt).toISOString();
  return new AppError("budget_exceeded", {
    message: `${whose} ${budget.period} budget of $${budget.usd} is spent; it resets at ${resetsAt}.`,
    recovery: { action: "wait", wait_ms: waitMs, resets_at: resetsAt, ...details },
    headers: { "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))) },
  });
}
