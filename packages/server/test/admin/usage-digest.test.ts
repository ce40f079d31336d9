import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UsageEvent } from "../../src/store/usage-events.js";
import { registerTenant, type Registered, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { recordUsage } from "../support/usage-events.js";
import { founderToken, startAdminServer } from "./support.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TODAY = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());

/** The digest's and the admin tenant detail's usage, read from the rollups, against the raw events. */
describe.each(ENGINES)("the digest's usage, unpriced models and budgets from the rollups on %s", (engine) => {
  let server: TestServer;
  let admin: string;
  // Two prompt tokens and one completion token per request: token sums tell events apart from requests.
  const record = (tenantId: string, event: Partial<UsageEvent> = {}) => recordUsage(server, tenantId, { promptTokens: 2, ...event });
  const digest = async (window: string) => {
    const res = await server.request(`/v1/admin/digest?window=${window}`, { token: admin });
    expect(res.status).toBe(200);
    return res.body;
  };
  const budget = (table: "tenants" | "api_keys", id: string, usd: number, period: "daily" | "monthly" | "lifetime", revoked = false) =>
    server.deps.db.asPlatform((tx) =>
      sql`UPDATE ${sql.table(table)} SET budget_usd = ${usd}, budget_period = ${period}
          ${table === "api_keys" && revoked ? sql`, revoked_at = now()` : sql``} WHERE id = ${id}`.execute(tx),
    );

  beforeAll(async () => {
    // A server of its own: the digest is platform-wide, so nothing else may add usage to it.
    server = await startAdminServer(engine, { BR_USAGE_FLUSH_MS: "3600000" });
    admin = await founderToken();
  });
  afterAll(() => server.close());

  it("each window counts exactly the events since its hour-aligned start, partial first day included (24h, 7d, 30d)", async () => {
    const t = await registerTenant(server, { active: true });
    const now = Date.now();
    // Around every window's edge: inside, just outside, and in the first day's partial hours.
    for (const hoursAgo of [
      0.1,
      5,
      23,
      24.2,
      24.9,
      25.5,
      30,
      47,
      7 * 24 - 1,
      7 * 24 + 0.5,
      7 * 24 + 2,
      30 * 24 - 3,
      30 * 24 + 0.6,
      30 * 24 + 5,
    ]) {
      record(t.tenantId, { createdAt: new Date(now - hoursAgo * HOUR_MS), status: hoursAgo > 24 ? 500 : 200 });
    }
    await server.deps.meter.flush();
    for (const window of ["24h", "7d", "30d"]) {
      const d = await digest(window);
      expect(new Date(d.since).getTime() % HOUR_MS).toBe(0);
      const { rows } = await server.deps.db.asPlatform((tx) =>
        sql<{ requests: number; errors: number; tokens: number }>`
          SELECT count(*)::int AS requests, (count(*) FILTER (WHERE status >= 400))::int AS errors,
                 coalesce(sum(prompt_tokens + completion_tokens), 0)::int AS tokens
            FROM usage_events WHERE created_at >= ${new Date(d.since)}`.execute(tx),
      );
      expect([window, d.usage.requests, d.usage.errors, d.usage.total_tokens]).toEqual([
        window,
        rows[0]!.requests,
        rows[0]!.errors,
        rows[0]!.tokens,
      ]);
      expect(d.usage.top_tenants[0]).toMatchObject({ id: t.tenantId, requests: rows[0]!.requests });
    }
    expect((await digest("24h")).usage.requests).toBeGreaterThanOrEqual(3);
  });

  it("names the window's five busiest tenants exactly, when the busiest is never among any day's busiest", async () => {
    // 20 tenants (the first depth the digest reads per day) outdo `steady` on each of two days;
    // over the window it leads. Reading only each day's busiest would miss it.
    const steady = await registerTenant(server, { active: true });
    const at = (daysAgo: number) => new Date(TODAY - daysAgo * DAY_MS + 12 * HOUR_MS);
    for (const daysAgo of [2, 3]) {
      for (let i = 0; i < 20; i++) {
        const spiky = await registerTenant(server, { active: true });
        for (let r = 0; r < 8; r++) record(spiky.tenantId, { createdAt: at(daysAgo) });
      }
      for (let r = 0; r < 7; r++) record(steady.tenantId, { createdAt: at(daysAgo) });
    }
    await server.deps.meter.flush();
    const d = await digest("7d");
    const { rows } = await server.deps.db.asPlatform((tx) =>
      sql<{ id: string; requests: number; tokens: number }>`
        SELECT tenant_id AS id, count(*)::int AS requests, sum(prompt_tokens + completion_tokens)::int AS tokens
          FROM usage_events WHERE created_at >= ${new Date(d.since)}
         GROUP BY tenant_id ORDER BY count(*) DESC, tenant_id LIMIT 5`.execute(tx),
    );
    expect(
      d.usage.top_tenants.map((t: { id: string; requests: number; tokens: number }) => ({
        id: t.id,
        requests: t.requests,
        tokens: t.tokens,
      })),
    ).toEqual(rows);
    expect(rows).toContainEqual(expect.objectContaining({ id: steady.tenantId, requests: 14 }));
  });

  it("the admin tenant detail's 30 days are the raw events of the last 30 UTC days", async () => {
    const t = await registerTenant(server, { active: true });
    for (const daysAgo of [0, 1, 29, 29.5, 30.1, 60]) record(t.tenantId, { createdAt: new Date(TODAY + HOUR_MS - daysAgo * DAY_MS) });
    await server.deps.meter.flush();
    const res = await server.request(`/v1/admin/tenants/${t.tenantId}`, { token: admin });
    expect(res.status).toBe(200);
    const { rows } = await server.deps.db.asPlatform((tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM usage_events
                          WHERE tenant_id = ${t.tenantId} AND created_at >= ${new Date(TODAY - 29 * DAY_MS)}`.execute(tx),
    );
    expect(res.body.usage).toEqual({
      window_days: 30,
      requests: rows[0]!.n,
      errors: 0,
      prompt_tokens: 2 * rows[0]!.n,
      completion_tokens: rows[0]!.n,
    });
    expect(rows[0]!.n).toBe(3); // today, yesterday and 29 days ago
  });

  it("lists the models served without a price in the window, and says so in the highlights", async () => {
    const t = await registerTenant(server, { active: true });
    const [fresh, old] = [`mystery-${randomUUID().slice(0, 8)}`, `ancient-${randomUUID().slice(0, 8)}`];
    record(t.tenantId, { model: fresh, priced: false });
    record(t.tenantId, { model: fresh, priced: false, status: 500 });
    record(t.tenantId, { model: old, priced: false, createdAt: new Date(Date.now() - 10 * DAY_MS) });
    record(t.tenantId, { model: "priced-model", costUsd: 0.2 });
    await server.deps.meter.flush();
    const week = await digest("7d");
    expect(week.unpriced).toEqual({ requests: 2, models: [fresh] });
    expect(week.highlights.join("\n")).toContain(`2 requests in the last 7 days to models without a price (${fresh})`);
    const month = await digest("30d");
    expect(month.unpriced.requests).toBe(3);
    expect(month.unpriced.models).toEqual([old, fresh].sort());
  });

  it("lists tenants and live keys whose spend this period reached their budget, computed per period from the rollup", async () => {
    const tenants: Registered[] = [];
    for (let i = 0; i < 4; i++) tenants.push(await registerTenant(server, { active: true }));
    const [daily, monthly, lifetime, keyed] = tenants as [Registered, Registered, Registered, Registered];
    const spend = (t: Registered, usd: number, daysAgo = 0, keyId: string | null = null) =>
      record(t.tenantId, { costUsd: usd, keyId, createdAt: new Date(Date.now() - daysAgo * DAY_MS) });
    await budget("tenants", daily.tenantId, 1, "daily");
    spend(daily, 0.75);
    spend(daily, 0.75); // 1.50 today ≥ 1
    spend(daily, 50, 40); // another period
    await budget("tenants", monthly.tenantId, 5, "monthly");
    spend(monthly, 4);
    spend(monthly, 10, 40); // last month or earlier: 4 < 5, not over
    await budget("tenants", lifetime.tenantId, 5, "lifetime");
    spend(lifetime, 4);
    spend(lifetime, 10, 40); // 14 ≥ 5
    await budget("api_keys", keyed.keyId, 2, "daily");
    spend(keyed, 2, 0, keyed.keyId); // exactly the budget counts as reached
    const revoked = await server.request("/v1/tenant/api-keys", { token: keyed.key, body: { name: "old", role: "developer" } });
    await budget("api_keys", revoked.body.id, 1, "lifetime", true);
    spend(keyed, 3, 0, revoked.body.id); // over, but revoked: it cannot spend any more
    await server.deps.meter.flush();

    const d = await digest("24h");
    const ours = new Set(tenants.map((t) => t.tenantId));
    expect(d.budgets.tenants_over.filter((t: { tenant_id: string }) => ours.has(t.tenant_id))).toEqual([
      { tenant_id: lifetime.tenantId, slug: lifetime.slug, budget_usd: 5, budget_period: "lifetime", spend_usd: 14 },
      { tenant_id: daily.tenantId, slug: daily.slug, budget_usd: 1, budget_period: "daily", spend_usd: 1.5 },
    ]);
    expect(d.budgets.keys_over.filter((k: { tenant_id: string }) => ours.has(k.tenant_id))).toEqual([
      { key_id: keyed.keyId, tenant_id: keyed.tenantId, name: expect.any(String), budget_usd: 2, budget_period: "daily", spend_usd: 2 },
    ]);
    const sentence = d.highlights.find((h: string) => h.startsWith("At or over budget this period:"));
    expect(sentence).toContain(`${lifetime.slug} $14.00 of $5.00 lifetime`);
    expect(sentence).toMatch(/1 API key \(/);
  });
});
