import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { ownPostgresAvailable, startOwnPostgres, type OwnPostgres } from "../support/own-postgres.js";

const required = process.env.BR_REQUIRE_SERVICES === "1";
const available = ownPostgresAvailable();
if (required && !available) throw new Error("BR_REQUIRE_SERVICES=1 but initdb/pg_ctl (as root, for the postgres user) are not available");
if (!available) console.warn("SKIPPED: PostgreSQL restart fault test (no initdb/pg_ctl as root)");

const register = (server: TestServer, name: string) =>
  server.request("/v1/register", { body: { tenant_name: name, admin_email: "pg@lab.test", accept_tos: true } });

describe.runIf(available)("PostgreSQL restarted under load", () => {
  let pg: OwnPostgres;
  let server: TestServer;
  beforeAll(async () => {
    pg = await startOwnPostgres();
    server = await startTestServer({ env: { DATABASE_URL: pg.url } });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    pg?.destroy();
  });

  it("answers 503 (never 500) while it is down, keeps warm keys working, and recovers without a restart", async () => {
    const reg = await registerTenant(server, { active: true });
    expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);

    pg.stop();
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => register(server, `Down ${i}`)));
    expect(new Set(during.map((r) => r.status))).toEqual(new Set([503]));
    expect(during[0]!.body.error).toMatchObject({ type: "api_error", code: "service_unavailable", recovery: { action: "retry" } });
    expect(during[0]!.headers.get("retry-after")).toBeTruthy();
    expect((await server.request("/health")).status).toBe(200);
    const ready = await server.request("/ready");
    expect(ready.status).toBe(503);
    expect(ready.body.database).toBe("failing");
    // A key already in the cache needs no database: the data plane stays up.
    expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);

    pg.start();
    let after = await register(server, "Back");
    for (let i = 0; i < 40 && after.status !== 202; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await register(server, `Back ${i}`);
    }
    expect(after.status).toBe(202);
    expect((await server.request("/ready")).status).toBe(200);
  });
});
