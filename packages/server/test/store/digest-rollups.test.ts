import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/store/migrate.js";
import { upsertUsageRollups } from "../../src/store/usage-rollups.js";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { recordUsage, usageEvent } from "../support/usage-events.js";

const HOUR_MS = 3_600_000;

/**
 * usage_tenant_daily and usage_platform_hourly (migrations/0011): kept exactly by concurrent
 * batches, and backfilled by the migration to what the meter keeps.
 */
describe.each(ENGINES)("the digest rollups on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine, env: { BR_USAGE_FLUSH_MS: "3600000" } });
  });
  afterAll(() => server.close());

  const snapshot = () =>
    server.deps.db.asPlatform(async (tx) => ({
      tenantDaily: (
        await sql`SELECT tenant_id, to_char(day, 'YYYY-MM-DD') AS day, requests::float8, prompt_tokens::float8,
                         completion_tokens::float8, round(cost_usd::numeric, 9)::float8 AS cost_usd
                    FROM usage_tenant_daily ORDER BY 1, 2`.execute(tx)
      ).rows,
      // Shards are where a batch happened to land: the hour's sum is what counts.
      platformHourly: (
        await sql`SELECT hour, sum(requests)::float8 AS requests, sum(errors)::float8 AS errors,
                         sum(prompt_tokens)::float8 AS prompt_tokens, sum(completion_tokens)::float8 AS completion_tokens
                    FROM usage_platform_hourly GROUP BY hour ORDER BY hour`.execute(tx)
      ).rows,
    }));

  it("equals what the meter kept, per tenant and day and per hour", async () => {
    const now = Date.now();
    for (const [i, t] of [await registerTenant(server), await registerTenant(server)].entries()) {
      for (const hoursAgo of [0, 1, 1.5, 30, 24 * 40]) {
        recordUsage(server, t.tenantId, {
          createdAt: new Date(now - hoursAgo * HOUR_MS),
          promptTokens: 3 + i,
          completionTokens: 2,
          costUsd: 0.25,
          status: hoursAgo === 1.5 ? 500 : 200,
        });
      }
      // A flush per tenant: the platform hours get more than one batch, in shards picked at random.
      await server.deps.meter.flush();
    }
    const kept = await snapshot();
    expect(kept.tenantDaily.length).toBeGreaterThanOrEqual(6);

    await server.deps.db.ownerSession(async (exec) => {
      await exec("DROP TABLE usage_tenant_daily, usage_platform_hourly");
      await exec("DELETE FROM schema_migrations WHERE name = '0011_digest_rollups.sql'");
    });
    expect(await migrate(server.deps.db)).toEqual(["0011_digest_rollups.sql"]);
    expect(await snapshot()).toEqual(kept);
  });

  it("concurrent batches over the same tenants and hours add up exactly, without a deadlock", async () => {
    const [a, b] = [await registerTenant(server), await registerTenant(server)];
    const hours = [0, 1, 2].map((h) => new Date(Date.now() - h * HOUR_MS));
    const events = (reverse: boolean) => {
      const all = [a, b].flatMap((t) => hours.map((createdAt) => usageEvent(t.tenantId, { createdAt, promptTokens: 2 })));
      return reverse ? all.reverse() : all;
    };
    const BATCHES = 24;
    // As many transactions at once as the pool gives (PGlite runs them one after another).
    await Promise.all(
      Array.from({ length: BATCHES }, (_, i) => server.deps.db.asPlatform((tx) => upsertUsageRollups(tx, events(i % 2 === 1)))),
    );
    const { rows } = await server.deps.db.asPlatform((tx) =>
      sql<{ tenant_id: string; requests: number; tokens: number }>`
        SELECT tenant_id, sum(requests)::int AS requests, sum(prompt_tokens + completion_tokens)::int AS tokens
          FROM usage_tenant_daily WHERE tenant_id IN (${a.tenantId}, ${b.tenantId}) GROUP BY tenant_id ORDER BY tenant_id`.execute(tx),
    );
    expect(rows.map((r) => [r.requests, r.tokens])).toEqual([
      [BATCHES * 3, BATCHES * 3 * 3],
      [BATCHES * 3, BATCHES * 3 * 3],
    ]);
  });
});
