import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../../src/store/db.js";
import { lockTenant } from "../../src/store/memberships.js";
import { registerTenant, startTestServer, type Registered, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { recordUsage } from "../support/usage-events.js";

const TENANT_TABLES = [
  "tenant_status_history",
  "users",
  "tenant_memberships",
  "api_keys",
  "claim_tokens",
  "device_authorizations",
  "usage_events",
  "usage_daily",
  "usage_hourly",
  "usage_tenant_daily",
] as const;

describe.each(ENGINES)("row-level security on %s", (engine) => {
  let server: TestServer;
  let a: Registered;
  let b: Registered;
  beforeAll(async () => {
    server = await startTestServer({ engine });
    a = await registerTenant(server, { active: true });
    b = await registerTenant(server, { active: true });
    // Give tenant A a row in every tenant table so "returns nothing" means something.
    await server.deps.db.asTenant(a.tenantId, async (tx) => {
      const user = await tx.selectFrom("users").select("id").executeTakeFirstOrThrow();
      await tx
        .insertInto("tenant_memberships")
        .values({ external_id: "ext-a", tenant_id: a.tenantId, user_id: user.id, role: "owner" })
        .execute();
      await tx
        .insertInto("device_authorizations")
        .values({
          device_code_hash: `h-${a.tenantId}`,
          user_code: "BCDFGHJK",
          tenant_id: a.tenantId,
          role: "member",
          expires_at: new Date(Date.now() + 60_000),
        })
        .execute();
      await tx
        .insertInto("usage_events")
        .values({ tenant_id: a.tenantId, model: "echo", prompt_tokens: 1, completion_tokens: 1, latency_ms: 1, status: 200 })
        .execute();
    });
    // The rollups are the meter's to write.
    recordUsage(server, a.tenantId);
    await server.deps.meter.flush();
  });
  afterAll(() => server.close());

  it.each(TENANT_TABLES)("%s: tenant A's rows are visible to A and invisible to B", async (table) => {
    const count = (tenantId: string) =>
      server.deps.db.asTenant(tenantId, async (tx) =>
        Number(
          (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE tenant_id = ${a.tenantId}`.execute(tx))
            .rows[0]!.n,
        ),
      );
    expect(await count(a.tenantId)).toBeGreaterThan(0);
    expect(await count(b.tenantId)).toBe(0);
  });

  it("a one-trip look-up runs as br_app with no tenant, and the role ends with it, even when the statement fails", async () => {
    const db = server.deps.db;
    const outside = async () => (await sql<{ u: string }>`SELECT current_user AS u`.execute(db.kysely)).rows[0]!.u;
    const login = await outside();
    expect(login).not.toBe("br_app");
    const [row] = await db.asAppInOneTrip("SELECT current_user AS u, current_setting('br.tenant_id') AS t");
    expect(row).toEqual({ u: "br_app", t: "" });
    // Nothing is visible but through the SECURITY DEFINER look-ups, as with asApp.
    expect(await db.asAppInOneTrip("SELECT count(*)::int AS n FROM api_keys")).toEqual([{ n: 0 }]);
    await expect(db.asAppInOneTrip("SELECT 1 / 0")).rejects.toThrow(/division by zero/);
    const after = await Promise.all(Array.from({ length: 10 }, outside));
    expect(new Set(after)).toEqual(new Set([login]));
  });

  it("a scope's settings are literals: a tenant id that is not a UUID is refused before anything is sent", async () => {
    const db = server.deps.db;
    const before = db.queryCount;
    for (const bad of ["x', true), set_config('role', 'br_platform', false) --", a.tenantId.replace(/-/g, ""), `${a.tenantId} `]) {
      await expect(db.asTenant(bad, (tx) => tx.selectFrom("tenants").select("id").execute())).rejects.toThrow(TypeError);
    }
    expect(db.queryCount).toBe(before);
    // And a well-formed one reaches the database as itself.
    const { rows } = await db.asTenant(a.tenantId, (tx) =>
      sql<{ t: string; u: string }>`SELECT current_setting('br.tenant_id') AS t, current_user AS u`.execute(tx),
    );
    expect(rows).toEqual([{ t: a.tenantId, u: "br_app" }]);
  });

  it("the platform's usage totals are not readable in a tenant's scope at all", async () => {
    await expect(server.deps.db.asTenant(a.tenantId, (tx) => sql`SELECT count(*) FROM usage_platform_hourly`.execute(tx))).rejects.toThrow(
      /permission denied/,
    );
    const { rows } = await server.deps.db.asPlatform((tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM usage_platform_hourly`.execute(tx),
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
  });

  it("tenants: each tenant sees only itself; no tenant context sees nothing", async () => {
    const slugs = await server.deps.db.asTenant(b.tenantId, (tx) => tx.selectFrom("tenants").select("id").execute());
    expect(slugs).toEqual([{ id: b.tenantId }]);
    expect(await server.deps.db.asApp((tx) => tx.selectFrom("api_keys").selectAll().execute())).toEqual([]);
  });

  it("refuses writing a row for another tenant (WITH CHECK) and updating its rows changes nothing", async () => {
    await expect(
      server.deps.db.asTenant(b.tenantId, (tx) =>
        tx.insertInto("users").values({ tenant_id: a.tenantId, kind: "machine", role: "admin" }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const result = await server.deps.db.asTenant(b.tenantId, (tx) =>
      tx.updateTable("api_keys").set({ name: "hijacked" }).where("tenant_id", "=", a.tenantId).executeTakeFirst(),
    );
    expect(Number(result.numUpdatedRows)).toBe(0);
  });

  it("forces RLS on every tenant table", async () => {
    const rows = await server.deps.db.asPlatform((tx) =>
      sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
        SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
        WHERE relname = ANY(${["tenants", ...TENANT_TABLES]}) AND relkind = 'r'`.execute(tx),
    );
    expect(rows.rows).toHaveLength(TENANT_TABLES.length + 1);
    for (const r of rows.rows) expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
  });

  it("auth look-ups are SECURITY DEFINER, owned by br_platform, with a pinned search_path and no PUBLIC execute", async () => {
    const { rows } = await server.deps.db.asPlatform((tx) =>
      sql<{ proname: string; prosecdef: boolean; owner: string; proconfig: string[] | null; public_exec: boolean; app_exec: boolean }>`
        SELECT p.proname, p.prosecdef, pg_get_userbyid(p.proowner) AS owner, p.proconfig,
               EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS public_exec,
               has_function_privilege('br_app', p.oid, 'EXECUTE') AS app_exec
          FROM pg_proc p
         WHERE p.proname IN ('lookup_api_key', 'resolve_tenant_memberships', 'lookup_claimable_by_email')`.execute(tx),
    );
    expect(rows).toHaveLength(3);
    for (const f of rows) {
      expect(f).toMatchObject({ prosecdef: true, owner: "br_platform", public_exec: false, app_exec: true });
      expect(f.proconfig).toContain("search_path=pg_catalog, pg_temp");
    }
  });

  it("resolve_tenant_memberships and lookup_claimable_by_email answer across tenants from a tenant-less context", async () => {
    const memberships = await server.deps.db.asApp((tx) =>
      sql<{ tenant_id: string }>`SELECT * FROM resolve_tenant_memberships('ext-a')`.execute(tx),
    );
    expect(memberships.rows.map((r) => r.tenant_id)).toEqual([a.tenantId]);
  });

  // Migration 0005 (decisions.md #100): what br_app may do at all, whatever tenant it works in.
  it("br_app cannot change its own tenant's status or delete it; locking the row still works", async () => {
    const asA = <T>(fn: (tx: Tx) => Promise<T>) => server.deps.db.asTenant(a.tenantId, fn);
    await expect(
      asA((tx) => tx.updateTable("tenants").set({ status: "suspended" }).where("id", "=", a.tenantId).execute()),
    ).rejects.toThrow(/permission denied for table tenants/);
    await expect(asA((tx) => tx.deleteFrom("tenants").where("id", "=", a.tenantId).execute())).rejects.toThrow(/permission denied/);
    // UPDATE (id) exists for FOR UPDATE only: the policy keeps the id the scope's own.
    await expect(asA((tx) => tx.updateTable("tenants").set({ id: b.tenantId }).where("id", "=", a.tenantId).execute())).rejects.toThrow(
      /row-level security/,
    );
    expect(await asA((tx) => lockTenant(tx, a.tenantId))).toMatchObject({ id: a.tenantId, status: "active" });
  });

  it("br_app cannot read invite codes; spend_invite_code is SECURITY DEFINER, owned by br_platform, not executable by PUBLIC", async () => {
    await expect(server.deps.db.asTenant(a.tenantId, (tx) => tx.selectFrom("invite_codes").select("code").execute())).rejects.toThrow(
      /permission denied for table invite_codes/,
    );
    await expect(server.deps.db.asApp((tx) => sql`UPDATE invite_codes SET used_count = 0`.execute(tx))).rejects.toThrow(
      /permission denied/,
    );
    const { rows } = await server.deps.db.asPlatform((tx) =>
      sql<{ prosecdef: boolean; owner: string; proconfig: string[] | null; public_exec: boolean; app_exec: boolean }>`
        SELECT p.prosecdef, pg_get_userbyid(p.proowner) AS owner, p.proconfig,
               EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS public_exec,
               has_function_privilege('br_app', p.oid, 'EXECUTE') AS app_exec
          FROM pg_proc p WHERE p.proname = 'spend_invite_code'`.execute(tx),
    );
    expect(rows).toEqual([expect.objectContaining({ prosecdef: true, owner: "br_platform", public_exec: false, app_exec: true })]);
    expect(rows[0]!.proconfig).toContain("search_path=pg_catalog, pg_temp");
  });

  it("br_app writes outbox rows for the tenant of its scope only, and reads none back", async () => {
    const event = (tenantId: string | null) => ({ id: randomUUID(), type: "tenant.signup", tenant_id: tenantId, data: "{}" });
    // Its own tenant's row is accepted; the transaction is then undone so no event is delivered.
    const undo = new Error("undo");
    await expect(
      server.deps.db.asTenant(b.tenantId, async (tx) => {
        await tx.insertInto("platform_events").values(event(b.tenantId)).execute();
        throw undo;
      }),
    ).rejects.toBe(undo);
    for (const tenantId of [a.tenantId, null]) {
      await expect(
        server.deps.db.asTenant(b.tenantId, (tx) => tx.insertInto("platform_events").values(event(tenantId)).execute()),
      ).rejects.toThrow(/row-level security/);
    }
    await expect(server.deps.db.asApp((tx) => tx.insertInto("platform_events").values(event(a.tenantId)).execute())).rejects.toThrow(
      /row-level security/,
    );
    await expect(server.deps.db.asTenant(b.tenantId, (tx) => tx.selectFrom("platform_events").select("id").execute())).rejects.toThrow(
      /permission denied for table platform_events/,
    );
  });

  it("runs every migration on this engine and records it", async () => {
    const rows = await server.deps.db.ownerSession((exec) => exec("SELECT name FROM schema_migrations ORDER BY name"));
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(["0001_schema.sql", "0002_security.sql", "0005_least_privilege.sql"]));
  });
});
