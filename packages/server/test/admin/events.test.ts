import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { EventPattern, Subscriber } from "../../src/events/bus.js";
import { emit } from "../../src/events/outbox.js";
import type { PlatformEvent } from "../../src/events/types.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { claimDueDeliveries } from "../../src/store/events.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { waitFor } from "../support/fakes/http-fake.js";
import { JWT_SECRET, registerTenant, type TestServer } from "../support/harness.js";
import { ENGINES, type EngineName } from "../support/services.js";
import { FAST_EVENTS, founderToken, startAdminServer } from "./support.js";

/** An in-process subscriber that records what it got; `fail` decides per call whether to throw. */
function probe(name: string, patterns: EventPattern[], fail: (attempt: number) => boolean | "hang" = () => false) {
  const calls: { event: PlatformEvent; deliveryId: string; attempt: number }[] = [];
  const subscriber: Subscriber = {
    name,
    patterns,
    async handle(event, ctx) {
      calls.push({ event, deliveryId: ctx.deliveryId, attempt: ctx.attempt });
      const outcome = fail(ctx.attempt);
      if (outcome === "hang") return new Promise<void>(() => undefined);
      if (outcome) throw new Error(`${name} refused attempt ${ctx.attempt}`);
    },
  };
  return { subscriber, calls, types: () => calls.map((c) => c.event.type) };
}

const deliveries = (server: { deps: RunningServer["deps"] }, subscriber: string) =>
  server.deps.db.asPlatform((tx) => tx.selectFrom("event_deliveries").selectAll().where("subscriber", "=", subscriber).execute());

describe.each(ENGINES)("event bus on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startAdminServer(engine, { BR_EVENTS_MAX_ATTEMPTS: "4" });
  });
  afterAll(() => server.close());

  it("fans each event out to exact, family (tenant.*) and catch-all (*) subscribers only", async () => {
    const exact = probe("t-exact", ["tenant.approved"]);
    const family = probe("t-family", ["tenant.*"]);
    const all = probe("t-all", ["*"]);
    const device = probe("t-device", ["device.*"]);
    for (const p of [exact, family, all, device]) server.deps.events.subscribe(p.subscriber);
    try {
      const reg = await registerTenant(server);
      await server.request(`/v1/admin/tenants/${reg.tenantId}/approve`, { token: await founderToken(), method: "POST" });
      await waitFor("three events to the catch-all", () => all.calls.length >= 3);
      await waitFor("three events to the family", () => family.calls.length >= 3);
      await waitFor("approval to the exact subscriber", () => exact.calls.length >= 1);
      expect(exact.types()).toEqual(["tenant.approved"]);
      expect(family.types().sort()).toEqual(["tenant.activated", "tenant.approved", "tenant.signup"]);
      expect(all.types().sort()).toEqual(["tenant.activated", "tenant.approved", "tenant.signup"]);
      expect(all.calls[0]!.event).toMatchObject({
        id: expect.any(String),
        timestamp: expect.any(String),
        data: { tenantId: reg.tenantId },
      });
      expect(device.calls).toEqual([]);
      expect(await deliveries(server, "t-device")).toEqual([]);
    } finally {
      for (const p of [exact, family, all, device]) server.deps.events.unsubscribe(p.subscriber.name);
    }
  });

  it("delivers to a healthy subscriber while another one hangs or keeps failing", async () => {
    const hanging = probe("t-hanging", ["tenant.signup"], () => "hang");
    const failing = probe("t-failing", ["tenant.signup"], () => true);
    const healthy = probe("t-healthy", ["tenant.signup"]);
    for (const p of [hanging, failing, healthy]) server.deps.events.subscribe(p.subscriber);
    try {
      const regs = [await registerTenant(server), await registerTenant(server)];
      await waitFor("both signups delivered to the healthy subscriber", async () => {
        const rows = await deliveries(server, "t-healthy");
        return rows.filter((r) => r.status === "delivered").length === 2;
      });
      const ids = new Set(regs.map((r) => r.tenantId));
      expect(healthy.calls.filter((c) => ids.has((c.event.data as { tenantId: string }).tenantId))).toHaveLength(2);
      expect((await deliveries(server, "t-hanging")).every((r) => r.status === "pending")).toBe(true);
    } finally {
      for (const p of [hanging, failing, healthy]) server.deps.events.unsubscribe(p.subscriber.name);
    }
  });

  it("retries with back-off under the same delivery id, then keeps the delivery as failed and counts it in the digest", async () => {
    const flaky = probe("t-flaky", ["tenant.signup"], (attempt) => attempt < 3);
    const broken = probe("t-broken", ["tenant.signup"], () => true);
    server.deps.events.subscribe(flaky.subscriber);
    server.deps.events.subscribe(broken.subscriber);
    try {
      await registerTenant(server);
      const failed = await waitFor("the broken delivery to fail for good", async () =>
        (await deliveries(server, "t-broken")).find((r) => r.status === "failed"),
      );
      expect(failed).toMatchObject({ attempts: 4, last_error: "t-broken refused attempt 4" });
      expect(broken.calls.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
      expect(new Set(broken.calls.map((c) => c.deliveryId))).toEqual(new Set([failed.id]));
      const ok = await waitFor("the flaky delivery to succeed", async () =>
        (await deliveries(server, "t-flaky")).find((r) => r.status === "delivered"),
      );
      expect(ok.attempts).toBe(3);
      expect(flaky.calls.map((c) => c.deliveryId)).toEqual([ok.id, ok.id, ok.id]);
      const digest = await server.request("/v1/admin/digest", { token: await founderToken() });
      expect(digest.body.failed_notifications).toBeGreaterThanOrEqual(1);
      expect(digest.body.notifications.failed_by_subscriber["t-broken"]).toBe(1);
      expect(digest.body.highlights.join(" ")).toMatch(/notifications? failed for good .*t-broken: 1/);
    } finally {
      server.deps.events.unsubscribe("t-flaky");
      server.deps.events.unsubscribe("t-broken");
    }
  });

  it("gives a crashed instance's claim back after its lease and delivers it", async () => {
    const ghost = probe("t-ghost", ["tenant.claimed"]);
    const event = await server.deps.db.asPlatform(async (tx) => {
      const e = await emit(tx, "tenant.claimed", {
        tenantId: "00000000-0000-4000-8000-000000000001",
        tenantSlug: "ghost",
        tenantName: "Ghost",
        subject: "ghost-subject",
        email: null,
        role: "member",
        via: "token",
        kind: "link",
      });
      await tx.updateTable("platform_events").set({ dispatched_at: new Date() }).where("id", "=", e.id).execute();
      await tx.insertInto("event_deliveries").values({ event_id: e.id, subscriber: "t-ghost" }).execute();
      return e;
    });
    // Another instance claims it with a short lease and dies without a word.
    const [claim] = await server.deps.db.asPlatform((tx) => claimDueDeliveries(tx, "t-ghost", 10, 300));
    expect(claim).toMatchObject({ attempts: 1 });
    server.deps.events.subscribe(ghost.subscriber);
    try {
      const done = await waitFor("the orphaned delivery", async () =>
        (await deliveries(server, "t-ghost")).find((r) => r.status === "delivered"),
      );
      expect(done.attempts).toBe(2);
      expect(ghost.calls.map((c) => c.event.id)).toEqual([event.id]);
    } finally {
      server.deps.events.unsubscribe("t-ghost");
    }
  });
});

describe.each(ENGINES)("restart on %s", (engine: EngineName) => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    dataDir = await mkdtemp(join(tmpdir(), "br-restart-"));
  });
  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  // Two servers over one database, one after the other, as a deploy or a crash would have it.
  function start(subscribers: Subscriber[], env: Record<string, string> = {}) {
    const config = loadConfig({
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      BR_DATA_DIR: dataDir,
      BR_AUTH_JWT_SECRET: JWT_SECRET,
      BR_PUBLIC_URL: "http://br.test",
      ...database.env,
      ...FAST_EVENTS,
      ...env,
    });
    const silent = new Writable({ write: (_c, _e, done) => done() });
    return startServer(config, createLogger("warn", silent), { subscribers });
  }

  async function register(server: RunningServer, n: number) {
    for (let i = 0; i < n; i++) {
      const res = await fetch(`http://127.0.0.1:${server.port}/v1/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tenant_name: `Restart ${i}`, admin_email: `r${i}@lab.test`, accept_tos: true }),
      });
      expect(res.status).toBe(202);
    }
  }

  // Three server starts on an on-disk database: slow on a loaded machine, hence the longer timeout.
  it("loses nothing: in-flight and not-yet-dispatched events reach the subscriber after a restart", async () => {
    // First life: the subscriber hangs on everything; a second batch is written while no poll runs.
    const first = probe("t-restart", ["tenant.signup"], () => "hang");
    const a = await start([first.subscriber]);
    await register(a, 3);
    await waitFor("deliveries in flight", () => first.calls.length >= 1);
    await a.close();

    // Its dispatcher stopped before the writes (an emit would wake it): the claims its first poll
    // took from the hanging probe are handed back, and the two new events stay undispatched.
    const idle = await start([probe("t-restart", ["tenant.signup"], () => "hang").subscriber], { BR_EVENTS_POLL_MS: "600000" });
    await idle.deps.dispatcher.stop();
    await register(idle, 2);
    await idle.close();

    const second = probe("t-restart", ["tenant.signup"]);
    const b = await start([second.subscriber]);
    try {
      await waitFor(
        "all five signups delivered",
        async () => (await deliveries(b, "t-restart")).filter((r) => r.status === "delivered").length === 5,
      );
      const rows = await deliveries(b, "t-restart");
      expect(rows).toHaveLength(5);
      expect(new Set(second.calls.map((c) => c.deliveryId))).toEqual(new Set(rows.map((r) => r.id)));
      expect(new Set(second.calls.map((c) => c.event.id)).size).toBe(5);
    } finally {
      await b.close();
    }
  }, 120_000);
});

describe("dispatcher and the request-path query counter", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startAdminServer("pglite");
  });
  afterAll(() => server.close());

  it("does not count its background polls as queries (hot-path tests compare queryCount around requests)", async () => {
    const seen = probe("t-quiet", ["*"]);
    server.deps.events.subscribe(seen.subscriber);
    await registerTenant(server);
    await waitFor("the signup delivered", () => seen.calls.length === 1);
    const before = server.deps.db.queryCount;
    await new Promise((r) => setTimeout(r, 300));
    expect(server.deps.db.queryCount).toBe(before);
  });
});
