import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetryLaterError, type Subscriber } from "../../src/events/bus.js";
import { emit } from "../../src/events/outbox.js";
import { waitFor } from "../support/fakes/http-fake.js";
import type { TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { startAdminServer } from "./support.js";

const claimed = (n: number) => ({
  tenantId: "00000000-0000-4000-8000-000000000001",
  tenantSlug: `burst-${n}`,
  tenantName: "Burst",
  subject: `burst-${n}`,
  email: null,
  role: "member" as const,
  via: "token" as const,
  kind: "link" as const,
});

/**
 * The poll interval is a floor, not the pace (issue 15 §3): with a 60 s interval, events emitted in
 * this process are delivered because the emit wakes the dispatcher and a backlog is claimed again
 * as soon as a slot frees up. Before, each poll claimed at most 8 and the next poll waited 60 s.
 */
describe.each(ENGINES)("outbox dispatcher on %s with a 60 s poll interval", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startAdminServer(engine, { BR_EVENTS_POLL_MS: "60000" });
    // The startup poll has run: from here on only wake-ups can deliver anything before 60 s.
    await new Promise((r) => setTimeout(r, 200));
  });
  afterAll(() => server.close());

  it("delivers 50 emitted events without waiting for the interval, never more than 8 at once", async () => {
    let inFlight = 0;
    let peak = 0;
    const seen = new Set<string>();
    const sink: Subscriber = {
      name: "t-burst",
      patterns: ["tenant.claimed"],
      async handle(event) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        seen.add(event.id);
        inFlight--;
      },
    };
    server.deps.events.subscribe(sink);
    try {
      // Half in one transaction, half one per transaction: both kinds of commit wake it.
      const ids = await server.deps.db.asPlatform(async (tx) => {
        const out: string[] = [];
        for (let i = 0; i < 25; i++) out.push((await emit(tx, "tenant.claimed", claimed(i))).id);
        return out;
      });
      for (let i = 25; i < 50; i++) {
        ids.push((await server.deps.db.asPlatform((tx) => emit(tx, "tenant.claimed", claimed(i)))).id);
      }
      await waitFor("all 50 delivered well before the 60 s interval", () => ids.every((id) => seen.has(id)), 20_000);
      expect(peak).toBeLessThanOrEqual(8);
      expect(peak).toBeGreaterThan(1);
    } finally {
      server.deps.events.unsubscribe("t-burst");
    }
  });

  it("still waits out a receiver's Retry-After before the next attempt", async () => {
    const attempts: number[] = [];
    const slow: Subscriber = {
      name: "t-retry-after",
      patterns: ["tenant.claimed"],
      async handle() {
        attempts.push(Date.now());
        if (attempts.length === 1) throw new RetryLaterError(1_000, "429 Too Many Requests, Retry-After: 1");
      },
    };
    server.deps.events.subscribe(slow);
    try {
      await server.deps.db.asPlatform((tx) => emit(tx, "tenant.claimed", claimed(99)));
      await waitFor("the retry after Retry-After", () => attempts.length === 2, 20_000);
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1_000);
    } finally {
      server.deps.events.unsubscribe("t-retry-after");
    }
  });
  it("writes a lone success's mark without waiting for the interval", async () => {
    const seen: string[] = [];
    const lone: Subscriber = {
      name: "t-lone",
      patterns: ["tenant.claimed"],
      async handle(event) {
        seen.push(event.id);
      },
    };
    server.deps.events.subscribe(lone);
    try {
      const event = await server.deps.db.asPlatform((tx) => emit(tx, "tenant.claimed", claimed(98)));
      // No backlog, so no claim to carry it: only the mark's own short wake-up writes it.
      const row = await waitFor("the lone mark", () =>
        server.deps.db.asPlatform((tx) =>
          tx
            .selectFrom("event_deliveries")
            .select(["status", "attempts"])
            .where("event_id", "=", event.id)
            .where("subscriber", "=", "t-lone")
            .where("status", "=", "delivered")
            .executeTakeFirst(),
        ),
      );
      expect(row.attempts).toBe(1);
      expect(seen).toEqual([event.id]);
    } finally {
      server.deps.events.unsubscribe("t-lone");
    }
  });
  it("keeps a retry's wake-up when a sooner one replaces its timer", async () => {
    const attempts: number[] = [];
    const retrying: Subscriber = {
      name: "t-retry-kept",
      patterns: ["tenant.claimed"],
      async handle() {
        attempts.push(Date.now());
        if (attempts.length === 1) throw new RetryLaterError(500, "429 Too Many Requests, Retry-After: 0.5");
      },
    };
    // Finishes after the retry is scheduled: its mark's 10 ms wake-up takes the timer.
    const late: Subscriber = {
      name: "t-retry-late",
      patterns: ["tenant.claimed"],
      handle: () => new Promise((r) => setTimeout(r, 100)),
    };
    server.deps.events.subscribe(retrying);
    server.deps.events.subscribe(late);
    try {
      await server.deps.db.asPlatform((tx) => emit(tx, "tenant.claimed", claimed(97)));
      await waitFor("the retry, well before the 60 s interval", () => attempts.length === 2, 20_000);
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(500);
    } finally {
      server.deps.events.unsubscribe("t-retry-kept");
      server.deps.events.unsubscribe("t-retry-late");
    }
  });
});
