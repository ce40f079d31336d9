import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { EventPattern, Subscriber } from "../../src/events/bus.js";
import { emit } from "../../src/events/outbox.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { waitFor } from "../support/fakes/http-fake.js";
import { JWT_SECRET, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { FAST_EVENTS, startAdminServer } from "./support.js";

const claimed = (slug: string) => ({
  tenantId: "00000000-0000-4000-8000-000000000001",
  tenantSlug: slug,
  tenantName: "Marks",
  subject: slug,
  email: null,
  role: "member" as const,
  via: "token" as const,
  kind: "link" as const,
});

/** Records every event id it is handed; `onCall` runs inside the delivery, before it succeeds. */
function counter(name: string, onCall: (calls: number) => unknown = () => undefined, patterns: EventPattern[] = ["tenant.claimed"]) {
  const calls: string[] = [];
  const subscriber: Subscriber = {
    name,
    patterns,
    async handle(event) {
      calls.push(event.id);
      await onCall(calls.length);
    },
  };
  return { subscriber, calls };
}

const deliveryOf = (server: Pick<TestServer, "deps">, eventId: string, subscriber: string) =>
  server.deps.db.asPlatform((tx) =>
    tx
      .selectFrom("event_deliveries")
      .select(["status", "attempts"])
      .where("event_id", "=", eventId)
      .where("subscriber", "=", subscriber)
      .executeTakeFirst(),
  );

/**
 * A success is written by the next poll's transaction, with the claims it makes (decisions.md
 * #138), not in a transaction of its own: these are the ways that could lose or delay it.
 */
describe.each(ENGINES)("delivery marks on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    // A lease far longer than any wait below: a lost mark shows as a row left pending, not as a
    // quiet second delivery once the lease runs out.
    server = await startAdminServer(engine, { BR_EVENTS_POLL_MS: "200", BR_EVENTS_LEASE_MS: "120000" });
  });
  afterAll(() => server.close());

  it("keeps a success whose poll failed and writes it with a later poll, without delivering it again", async () => {
    const failMarks = () =>
      server.deps.db.ownerSession((exec) =>
        exec(`CREATE FUNCTION fail_mark() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'mark refused'; END $$;
          CREATE TRIGGER fail_mark BEFORE UPDATE ON event_deliveries FOR EACH ROW WHEN (NEW.status = 'delivered') EXECUTE FUNCTION fail_mark();`),
      );
    const allowMarks = () =>
      server.deps.db.ownerSession((exec) => exec("DROP TRIGGER fail_mark ON event_deliveries; DROP FUNCTION fail_mark();"));
    // The first delivery turns marking off while it runs: the poll that carries its success fails.
    const sink = counter("t-mark-fail", (n) => n === 1 && failMarks());
    server.deps.events.subscribe(sink.subscriber);
    try {
      const logsBefore = server.logs.length;
      const event = await server.deps.db.asPlatform((tx) => emit(tx, "tenant.claimed", claimed("mark-fail")));
      await waitFor("the delivery", () => sink.calls.length === 1);
      await waitFor("a poll to fail on the mark", () =>
        server.logs.slice(logsBefore).some((line) => line.includes("event dispatch poll failed") && line.includes("mark refused")),
      );
      expect(await deliveryOf(server, event.id, "t-mark-fail")).toMatchObject({ status: "pending" });
      await allowMarks();
      const done = await waitFor(
        "the kept mark to be written",
        async () => {
          const row = await deliveryOf(server, event.id, "t-mark-fail");
          return row?.status === "delivered" ? row : undefined;
        },
        10_000,
      );
      expect(done.attempts).toBe(1);
      expect(sink.calls).toEqual([event.id]);
    } finally {
      server.deps.events.unsubscribe("t-mark-fail");
    }
  });

  it("keeps the interval tick under a steady trickle of short wake-ups", async () => {
    // A due row this instance cannot know of (another instance's fan-out): only the interval
    // tick claims it. Meanwhile a delivery finishes every 50 ms, each asking for a wake-up 10 ms on.
    // Its pattern matches none of the trickle's events, so no fan-out names it either.
    const other = counter("t-mark-other", undefined, ["device.linked"]);
    const busy = counter("t-mark-busy");
    const { id } = await server.deps.db.asPlatform(async (tx) => {
      const e = await emit(tx, "tenant.claimed", claimed("mark-other"));
      await tx.updateTable("platform_events").set({ dispatched_at: new Date() }).where("id", "=", e.id).execute();
      await tx.insertInto("event_deliveries").values({ event_id: e.id, subscriber: "t-mark-other" }).execute();
      return e;
    });
    server.deps.events.subscribe(busy.subscriber);
    let trickling = true;
    const trickle = (async () => {
      for (let i = 0; trickling; i++) {
        await server.deps.db.asPlatform((tx) => emit(tx, "tenant.claimed", claimed(`mark-busy-${i}`)));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      // Subscribed only now, with the trickle running: no poll so far claimed for it.
      server.deps.events.subscribe(other.subscriber);
      await waitFor("the interval tick to claim the unknown row", () => other.calls.includes(id), 3_000);
      expect(busy.calls.length).toBeGreaterThan(0);
    } finally {
      trickling = false;
      await trickle;
      server.deps.events.unsubscribe("t-mark-busy");
      server.deps.events.unsubscribe("t-mark-other");
    }
  });
});

describe.each(ENGINES)("delivery marks at shutdown on %s", (engine) => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    dataDir = await mkdtemp(join(tmpdir(), "br-marks-"));
  });
  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = (subscribers: Subscriber[]) =>
    startServer(
      loadConfig({
        NODE_ENV: "test",
        PORT: "0",
        HOST: "127.0.0.1",
        BR_DATA_DIR: dataDir,
        BR_AUTH_JWT_SECRET: JWT_SECRET,
        BR_PUBLIC_URL: "http://br.test",
        ...database.env,
        ...FAST_EVENTS,
        BR_EVENTS_LEASE_MS: "120000",
      }),
      createLogger("warn", new Writable({ write: (_c, _e, done) => done() })),
      { subscribers },
    );

  it("writes the successes no poll has carried yet before it closes", async () => {
    let server!: RunningServer;
    let closing: Promise<void> | undefined;
    // The shutdown starts right after the delivery succeeds, before the mark's wake-up (10 ms).
    const sink = counter("t-mark-close", () => {
      setImmediate(() => {
        closing = server.close();
      });
    });
    server = await start([sink.subscriber]);
    const event = await server.deps.db.asPlatform((tx) => emit(tx, "tenant.claimed", claimed("mark-close")));
    await waitFor("the shutdown", () => closing !== undefined);
    await closing;
    // The next life sees it delivered: nothing for it to claim and send again.
    const next = await start([]);
    try {
      expect(await deliveryOf(next, event.id, "t-mark-close")).toMatchObject({ status: "delivered", attempts: 1 });
    } finally {
      await next.close();
    }
    expect(sink.calls).toEqual([event.id]);
  });
});
