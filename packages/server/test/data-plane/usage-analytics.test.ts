import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UsageEvent } from "../../src/store/usage-events.js";
import { humanToken, registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { recordUsage } from "../support/usage-events.js";

// Flushed by hand: each test decides what the rollups hold.
const NEVER = "3600000";
const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());

type Row = Record<string, number | string | null>;
/** Deterministic noise, so a failure reproduces. */
function noise(seed: number) {
  let state = seed;
  // Park–Miller: exact in doubles (16,807 × 2^31 < 2^53).
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

describe.each(ENGINES)("usage analytics from the rollups on %s", (engine) => {
  let server: TestServer;
  let a: Registered;
  let b: Registered;
  let member: string;
  let ciKey: string;

  const record = (tenantId: string, event: Partial<UsageEvent> = {}) => recordUsage(server, tenantId, event);
  const usage = (query: string, token = a.key) => server.request(`/v1/tenant/usage${query}`, { token });

  beforeAll(async () => {
    server = await startTestServer({ engine, env: { BR_USAGE_FLUSH_MS: NEVER } });
    a = await registerTenant(server, { active: true });
    b = await registerTenant(server, { active: true });
    member = await humanToken(`usage-member-${engine}@lab.test`);
    expect((await server.request("/auth/claim", { token: member, body: { token: a.claimToken } })).status).toBe(201);
    const ci = await server.request("/v1/tenant/api-keys", { token: a.key, body: { name: "ci", role: "developer" } });
    expect(ci.status).toBe(201);
    ciKey = ci.body.id;
  });
  afterAll(() => server.close());

  it("group_by=day answers every day of the range, oldest first, empty days as zeros, with totals", async () => {
    const t = await registerTenant(server, { active: true });
    record(t.tenantId, { createdAt: new Date(), promptTokens: 10, completionTokens: 5, costUsd: 0.25 });
    record(t.tenantId, { createdAt: new Date(), status: 502, costUsd: 0.5 });
    record(t.tenantId, { createdAt: new Date(TODAY - 2 * DAY_MS + 1000), costUsd: 1 });
    record(t.tenantId, { createdAt: new Date(TODAY - 40 * DAY_MS) }); // before the default range
    record(b.tenantId, { createdAt: new Date(), promptTokens: 999 });
    await server.deps.meter.flush();

    const res = await usage("", t.key);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(30);
    expect(res.body.data[0].day).toBe(dayOf(TODAY - 29 * DAY_MS));
    expect(res.body.data.at(-1)).toEqual({
      day: dayOf(TODAY),
      requests: 2,
      prompt_tokens: 11,
      completion_tokens: 6,
      cost_usd: 0.75,
      errors: 1,
    });
    expect(res.body.data.at(-3)).toEqual({
      day: dayOf(TODAY - 2 * DAY_MS),
      requests: 1,
      prompt_tokens: 1,
      completion_tokens: 1,
      cost_usd: 1,
      errors: 0,
    });
    expect(res.body.data.filter((d: { requests: number }) => d.requests === 0)).toHaveLength(28);
    expect(res.body.totals).toEqual({ requests: 3, prompt_tokens: 12, completion_tokens: 7, cost_usd: 1.75, errors: 1 });
    expect(res.body.next_cursor).toBeNull();

    const span = await usage(`?from=${dayOf(TODAY - 45 * DAY_MS)}&to=${dayOf(TODAY - 40 * DAY_MS)}`, t.key);
    expect(span.body.data.map((d: { day: string }) => d.day)).toEqual([45, 44, 43, 42, 41, 40].map((n) => dayOf(TODAY - n * DAY_MS)));
    expect(span.body.totals.requests).toBe(1);
    // A single day, and a full leap year's worth of days.
    expect((await usage(`?from=${dayOf(TODAY)}&to=${dayOf(TODAY)}`, t.key)).body.data).toHaveLength(1);
    expect((await usage(`?from=2024-01-01&to=2024-12-31`, t.key)).body.data).toHaveLength(366);
  });

  it("group_by=key and model order by cost, then requests, then id, and page through with a keyset cursor", async () => {
    const t = await registerTenant(server, { active: true });
    const keyless = { keyId: null };
    for (let i = 0; i < 3; i++) record(t.tenantId, { keyId: t.keyId, model: "gpt-b", costUsd: 1 });
    for (let i = 0; i < 2; i++) record(t.tenantId, { ...keyless, model: "gpt-a", costUsd: 1.5 }); // 3 USD, 2 requests
    record(t.tenantId, { keyId: randomUUID(), model: "free", costUsd: 0, status: 429 });
    record(t.tenantId, { keyId: randomUUID(), model: "free-too", costUsd: 0, status: 200 });
    await server.deps.meter.flush();

    const keys = await usage("?group_by=key", t.key);
    expect(keys.status).toBe(200);
    expect(keys.body.data.slice(0, 2)).toEqual([
      { key_id: t.keyId, key_name: expect.any(String), requests: 3, prompt_tokens: 3, completion_tokens: 3, cost_usd: 3, errors: 0 },
      { key_id: null, key_name: null, requests: 2, prompt_tokens: 2, completion_tokens: 2, cost_usd: 3, errors: 0 },
    ]);
    // Equal cost and requests: by id.
    const [x, y] = keys.body.data.slice(2);
    expect([x.key_id < y.key_id, x.key_name, x.requests, y.requests]).toEqual([true, null, 1, 1]);
    expect(keys.body.totals).toEqual({ requests: 7, prompt_tokens: 7, completion_tokens: 7, cost_usd: 6, errors: 1 });

    const models = await usage("?group_by=model", t.key);
    expect(models.body.data.map((m: { model: string }) => m.model)).toEqual(["gpt-b", "gpt-a", "free", "free-too"]);
    expect(models.body.data[2]).toEqual({ model: "free", requests: 1, prompt_tokens: 1, completion_tokens: 1, cost_usd: 0, errors: 1 });

    for (const group of ["key", "model"]) {
      const all = (await usage(`?group_by=${group}`, t.key)).body.data;
      const paged: Row[] = [];
      let cursor: string | null = null;
      do {
        const page = await usage(`?group_by=${group}&limit=1${cursor ? `&cursor=${cursor}` : ""}`, t.key);
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(1);
        paged.push(...page.body.data);
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(paged).toEqual(all);
    }
    const last = await usage("?group_by=model&limit=4", t.key);
    expect(last.body.next_cursor).toBeNull();
  });

  it("GET /auth/usage answers the member's current tenant the same as /v1/tenant/usage", async () => {
    record(a.tenantId, { keyId: ciKey, model: "m1", costUsd: 0.1 });
    await server.deps.meter.flush();
    for (const group of ["day", "key", "model"]) {
      const dashboard = await server.request(`/auth/usage?group_by=${group}`, { token: member, headers: { "x-br-tenant-id": a.tenantId } });
      expect(dashboard.status).toBe(200);
      expect(dashboard.body).toEqual((await usage(`?group_by=${group}`)).body);
    }
    const byKey = await usage("?group_by=key");
    expect(byKey.body.data).toContainEqual(expect.objectContaining({ key_id: ciKey, key_name: "ci", cost_usd: 0.1 }));
  });

  it("another tenant's usage never shows, through the API or the rollup tables under row-level security", async () => {
    const marker = `only-b-${randomUUID()}`;
    record(b.tenantId, { model: marker, keyId: b.keyId, costUsd: 5 });
    await server.deps.meter.flush();
    for (const group of ["day", "key", "model"]) {
      const body = JSON.stringify((await usage(`?group_by=${group}`)).body);
      expect(body).not.toContain(marker);
      expect(body).not.toContain(b.keyId);
    }
    expect(JSON.stringify((await usage("?group_by=model", b.key)).body)).toContain(marker);
    for (const table of ["usage_daily", "usage_hourly"]) {
      const seen = await server.deps.db.asTenant(a.tenantId, (tx) =>
        sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE tenant_id = ${b.tenantId}`.execute(tx),
      );
      expect(seen.rows[0]!.n).toBe(0);
      const own = await server.deps.db.asTenant(b.tenantId, (tx) =>
        sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE model = ${marker}`.execute(tx),
      );
      expect(own.rows[0]!.n).toBe(1);
      // The tenant scope reads its rollups; only the meter (platform scope) writes them.
      await expect(
        server.deps.db.asTenant(b.tenantId, (tx) => sql`UPDATE ${sql.table(table)} SET requests = 0`.execute(tx)),
      ).rejects.toThrow(/permission denied/);
    }
  });

  it("reads from the rollups give the same numbers as counting the raw events, for every grouping", async () => {
    const t = await registerTenant(server, { active: true });
    const keys = [t.keyId, randomUUID(), null];
    const random = noise(engine.length);
    for (let i = 0; i < 400; i++) {
      record(t.tenantId, {
        keyId: keys[Math.floor(random() * keys.length)]!,
        model: `model-${Math.floor(random() * 5)}`,
        promptTokens: Math.floor(random() * 5000),
        completionTokens: Math.floor(random() * 500),
        status: random() < 0.1 ? 500 : 200,
        costUsd: random() * 0.01,
        priced: random() > 0.2,
        createdAt: new Date(TODAY + DAY_MS - Math.floor(random() * 45 * DAY_MS)),
      });
    }
    await server.deps.meter.flush();
    const from = dayOf(TODAY - 29 * DAY_MS);
    const raw = async (group: string) => {
      const { rows } = await server.deps.db.asPlatform((tx) =>
        sql<Row>`
          SELECT ${sql.raw(group)} AS id, count(*)::float8 AS requests, sum(prompt_tokens)::float8 AS prompt_tokens,
                 sum(completion_tokens)::float8 AS completion_tokens, round(sum(cost_usd)::numeric, 6)::float8 AS cost_usd,
                 (count(*) FILTER (WHERE status >= 400))::float8 AS errors
            FROM usage_events
           WHERE tenant_id = ${t.tenantId} AND created_at >= ${from}::date AT TIME ZONE 'UTC'
           GROUP BY 1`.execute(tx),
      );
      return rows;
    };
    const figures = ({ requests, prompt_tokens, completion_tokens, cost_usd, errors }: Row) => ({
      requests,
      prompt_tokens,
      completion_tokens,
      cost_usd,
      errors,
    });
    const byDay = await raw("to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')");
    const days = (await usage("", t.key)).body;
    expect(days.data.filter((d: Row) => Number(d.requests) > 0)).toEqual(
      byDay.sort((x, y) => String(x.id).localeCompare(String(y.id))).map((r) => ({ day: r.id, ...figures(r) })),
    );
    const byKey = await raw("key_id");
    const keyRows = (await usage("?group_by=key", t.key)).body.data.map((r: Row) => ({ id: r.key_id, ...figures(r) }));
    expect(keyRows).toEqual(expect.arrayContaining(byKey.map((r) => ({ id: r.id, ...figures(r) }))));
    expect(keyRows).toHaveLength(byKey.length);
    const byModel = await raw("model");
    const modelRows = (await usage("?group_by=model", t.key)).body.data.map((r: Row) => ({ id: r.model, ...figures(r) }));
    expect(modelRows).toEqual(expect.arrayContaining(byModel.map((r) => ({ id: r.id, ...figures(r) }))));
    const sum = (k: string) => byModel.reduce((n, r) => n + Number(r[k]), 0);
    expect(days.totals).toMatchObject({ requests: sum("requests"), errors: sum("errors"), prompt_tokens: sum("prompt_tokens") });
    expect(days.totals.cost_usd).toBeCloseTo(sum("cost_usd"), 5);
  });

  it("refuses bad queries with a 400 envelope: malformed or impossible dates, backwards or over-long ranges, unknown groups, limits, cursors", async () => {
    const cases: [string, string][] = [
      ["?from=2026-13-01", "validation_failed"],
      ["?to=2026-02-30", "validation_failed"],
      ["?from=yesterday", "validation_failed"],
      ["?to=2026-1-1", "validation_failed"],
      ["?from=2026-03-02&to=2026-03-01", "validation_failed"],
      ["?from=2024-01-01&to=2025-01-01", "validation_failed"], // 367 days
      ["?group_by=week", "validation_failed"],
      ["?group_by=key&limit=0", "validation_failed"],
      ["?group_by=key&limit=1001", "validation_failed"],
      ["?group_by=key&limit=99999999999999999999", "validation_failed"],
      ["?group_by=key&limit=ten", "validation_failed"],
      ["?group_by=key&cursor=not-a-cursor", "invalid_cursor"],
      [`?group_by=key&cursor=${Buffer.from(JSON.stringify(["model", "1.000000", "1", "x"])).toString("base64url")}`, "invalid_cursor"],
      ["?cursor=abc", "invalid_cursor"],
    ];
    for (const [query, code] of cases) {
      const res = await usage(query);
      expect([query, res.status, res.body.error?.code, res.body.error?.type]).toEqual([query, 400, code, "invalid_request_error"]);
    }
    const dashboard = await server.request("/auth/usage?group_by=week", { token: member, headers: { "x-br-tenant-id": a.tenantId } });
    expect([dashboard.status, dashboard.body.error.code]).toEqual([400, "validation_failed"]);
  });

  it("a batch whose rollup upsert fails is not left half-written: retried, its events and rollups count once", async () => {
    const t = await registerTenant(server, { active: true });
    // The rollup statement fails (serialization failure: the meter keeps the batch for the next flush).
    await server.deps.db.ownerSession((exec) =>
      exec(`CREATE FUNCTION fail_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN IF NEW.tenant_id = '${t.tenantId}' THEN RAISE EXCEPTION 'injected' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER fail_rollup BEFORE INSERT ON usage_daily FOR EACH ROW EXECUTE FUNCTION fail_rollup();`),
    );
    try {
      for (let i = 0; i < 5; i++) record(t.tenantId);
      await server.deps.meter.flush();
      const events = () =>
        server.deps.db.asPlatform((tx) => tx.selectFrom("usage_events").select("id").where("tenant_id", "=", t.tenantId).execute());
      expect(await events()).toHaveLength(0);
      await server.deps.db.ownerSession((exec) => exec("DROP TRIGGER fail_rollup ON usage_daily; DROP FUNCTION fail_rollup();"));
      await server.deps.meter.flush();
      expect(await events()).toHaveLength(5);
      expect((await usage(`?from=${dayOf(TODAY)}`, t.key)).body.totals.requests).toBe(5);
    } finally {
      await server.deps.db.ownerSession((exec) =>
        exec("DROP TRIGGER IF EXISTS fail_rollup ON usage_daily; DROP FUNCTION IF EXISTS fail_rollup();"),
      );
    }
  });

  it("a batch the database refuses a row of counts each written row once in the rollups (the halving retries the rest)", async () => {
    const t = await registerTenant(server, { active: true });
    for (let i = 0; i < 40; i++) {
      record(t.tenantId, { costUsd: 0.5 });
      // A tenant that does not exist breaks the foreign key: the slice is refused and halved.
      if (i % 13 === 5) record(randomUUID());
    }
    await server.deps.meter.flush();
    const res = await usage(`?from=${dayOf(TODAY)}`, t.key);
    expect(res.body.totals).toMatchObject({ requests: 40, cost_usd: 20 });
    const hourly = await server.deps.db.asPlatform((tx) =>
      sql<{ n: number }>`SELECT coalesce(sum(requests), 0)::int AS n FROM usage_hourly WHERE tenant_id = ${t.tenantId}`.execute(tx),
    );
    expect(hourly.rows[0]!.n).toBe(40);
  });
});
