import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../store/db.js";
import { undeliveredCounts } from "../store/outbox-stats.js";

/** What the collectors read at scrape time; nothing is sampled between scrapes. */
export interface MetricSources {
  db: Database;
  keyCache: { stats(): { hits: number; misses: number; entries: number } };
  meter: { backlog(): { events: number; lagMs: number } };
}

/**
 * One registry per server (tests run several in one process), so nothing lands in prom-client's
 * global default registry.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "br_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status",
    labelNames: ["route", "method", "status"] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "br_http_request_duration_seconds",
    help: "Time to the response's headers, by route pattern and method (a stream's body is not included)",
    labelNames: ["route", "method"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    const { db, keyCache, meter } = sources;
    const registers = [this.registry];
    new Gauge({
      name: "br_key_cache_lookups",
      help: "API-key cache look-ups since start, by result (hit ratio = hit / (hit + miss))",
      labelNames: ["result"] as const,
      registers,
      collect() {
        const { hits, misses } = keyCache.stats();
        this.set({ result: "hit" }, hits);
        this.set({ result: "miss" }, misses);
      },
    });
    new Gauge({
      name: "br_key_cache_entries",
      help: "API keys cached in this instance",
      registers,
      collect() {
        this.set(keyCache.stats().entries);
      },
    });
    new Gauge({
      name: "br_outbox_undelivered",
      help: "Event deliveries by subscriber and status: pending (backlog) or failed (gave up)",
      labelNames: ["subscriber", "status"] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await db.asPlatform(undeliveredCounts)) {
          this.set({ subscriber: row.subscriber, status: row.status }, row.count);
        }
      },
    });
    new Gauge({
      name: "br_usage_buffered_events",
      help: "Metered usage events not yet written to the database",
      registers,
      collect() {
        this.set(meter.backlog().events);
      },
    });
    new Gauge({
      name: "br_usage_batch_lag_seconds",
      help: "How long the oldest unwritten usage event has waited",
      registers,
      collect() {
        this.set(meter.backlog().lagMs / 1000);
      },
    });
    new Gauge({
      name: "br_db_connections_in_use",
      help: "Database connections checked out of the pool",
      registers,
      collect() {
        this.set(db.connectionsInUse());
      },
    });
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
