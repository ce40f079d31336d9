import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startServer } from "../../src/server.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { humanToken, JWT_SECRET, registerTenant, startTestServer, type TestServer } from "../support/harness.js";
import { POSTGRES_ADMIN_URL, POSTGRES_URL } from "../support/services.js";

// PostgreSQL only: PGlite has one built-in superuser and no logins. Without DATABASE_URL this is
// skipped, unless BR_REQUIRE_SERVICES=1, where services.ts already fails the run.
if (!POSTGRES_URL) console.warn("SKIPPED: non-superuser login role tests (no DATABASE_URL)");

// The subject humanToken("ops@br.test") signs.
const PLATFORM_ADMIN = "user|ops@br.test";

/**
 * What docs/architecture.md ("PostgreSQL roles") tells an operator to create: a login that is no
 * superuser, inherits nothing, and may only SET ROLE br_app / br_platform.
 */
async function createLoginRole(admin: pg.Client, name: string, password: string) {
  for (const role of ["br_app", "br_platform"]) {
    await admin.query(`DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
  }
  await admin.query(
    `CREATE ROLE ${name} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '${password}'`,
  );
  await admin.query(`GRANT br_app, br_platform TO ${name}`);
}

describe.runIf(POSTGRES_URL)("a non-superuser login role (LOGIN NOINHERIT, member of br_app and br_platform)", () => {
  const login = `br_login_${randomBytes(4).toString("hex")}`;
  let database: TestDatabase;
  let adminUrl: string;
  let loginUrl: string;
  let admin: pg.Client;
  let server: TestServer;

  /** A session of the login role's own, as an attacker with the pool's credentials would have. */
  async function asLogin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: loginUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    // Whatever this run's DATABASE_URL is, the admin login created the database and may migrate it.
    adminUrl = database.migrationDatabaseUrl ?? database.databaseUrl!;
    // Roles are cluster-wide: made and dropped from the run's own database, which outlives the test's.
    admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    const password = randomBytes(12).toString("hex");
    await createLoginRole(admin, login, password);
    const u = new URL(adminUrl);
    u.username = login;
    u.password = password;
    loginUrl = u.toString();
    server = await startTestServer({
      env: { DATABASE_URL: loginUrl, BR_MIGRATION_DATABASE_URL: adminUrl, BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: PLATFORM_ADMIN },
    });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
    await admin?.query(`DROP ROLE IF EXISTS ${login}`);
    await admin?.end();
  });

  it("the server's pool logs in as that role, which is no superuser; the migration login ran every migration", async () => {
    const { rows } = await server.deps.db.asApp((tx) =>
      sql<{ login: string; role: string; superuser: boolean }>`
        SELECT session_user AS login, current_user AS role,
               (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) AS superuser`.execute(tx),
    );
    expect(rows).toEqual([{ login, role: "br_app", superuser: false }]);
    const migrations = await server.deps.db.ownerSession((exec) => exec("SELECT name FROM schema_migrations ORDER BY name"));
    expect(migrations.map((r) => r.name)).toContain("0005_least_privilege.sql");
  });

  it("RESET ROLE leads back to the login, not a superuser; SET ROLE and SET SESSION AUTHORIZATION to a superuser fail", async () => {
    const superusers = (await admin.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolsuper")).rows.map((r) => r.rolname);
    expect(superusers).toContain("postgres");
    await asLogin(async (c) => {
      await c.query("BEGIN");
      await c.query("SELECT set_config('role', 'br_app', true), set_config('br.tenant_id', '', true)");
      await c.query("RESET ROLE");
      const who = await c.query("SELECT current_user AS role, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser");
      expect(who.rows).toEqual([{ role: login, superuser: false }]);
      await c.query("ROLLBACK");
      for (const su of superusers) {
        await expect(c.query(`SET ROLE ${su}`)).rejects.toThrow(/permission denied to set role/);
        await expect(c.query(`SET SESSION AUTHORIZATION ${su}`)).rejects.toThrow(/permission denied to set session authorization/);
      }
      await expect(c.query(`ALTER ROLE ${login} SUPERUSER`)).rejects.toThrow(/permission denied|must be superuser/);
    });
  });

  it("outside SET ROLE the login has no privileges of its own (NOINHERIT), and cannot create objects for a migration to run", async () => {
    await asLogin(async (c) => {
      await expect(c.query("SELECT count(*) FROM tenants")).rejects.toThrow(/permission denied for table tenants/);
      await expect(c.query("SELECT * FROM lookup_api_key('x')")).rejects.toThrow(/permission denied for function lookup_api_key/);
      await expect(c.query("CREATE FUNCTION public.lower(varchar) RETURNS text LANGUAGE sql AS 'SELECT 1::text'")).rejects.toThrow(
        /permission denied for schema public/,
      );
    });
  });

  it("as br_app: UPDATE tenants SET status on its own tenant is refused", async () => {
    const reg = await registerTenant(server);
    expect(reg.status).toBe("pending");
    await expect(
      server.deps.db.asTenant(reg.tenantId, (tx) =>
        tx.updateTable("tenants").set({ status: "active" }).where("id", "=", reg.tenantId).execute(),
      ),
    ).rejects.toThrow(/permission denied for table tenants/);
    // The same from the login's own session, with every escape it has short of br_platform.
    await asLogin(async (c) => {
      await c.query("BEGIN");
      await c.query("SELECT set_config('role', 'br_app', true), set_config('br.tenant_id', $1, true)", [reg.tenantId]);
      await expect(c.query("UPDATE tenants SET status = 'active'")).rejects.toThrow(/permission denied for table tenants/);
      await c.query("ROLLBACK");
      await expect(c.query("UPDATE tenants SET status = 'active'")).rejects.toThrow(/permission denied for table tenants/);
    });
    const row = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("tenants").select("status").where("id", "=", reg.tenantId).executeTakeFirst(),
    );
    expect(row).toEqual({ status: "pending" });
  });

  it("as br_app: SELECT from invite_codes is refused", async () => {
    const reg = await registerTenant(server, { active: true });
    await expect(server.deps.db.asTenant(reg.tenantId, (tx) => tx.selectFrom("invite_codes").selectAll().execute())).rejects.toThrow(
      /permission denied for table invite_codes/,
    );
    await expect(server.deps.db.asApp((tx) => tx.selectFrom("invite_codes").selectAll().execute())).rejects.toThrow(
      /permission denied for table invite_codes/,
    );
  });

  it("as br_app: INSERT platform_events for another tenant is refused", async () => {
    const a = await registerTenant(server, { active: true });
    const b = await registerTenant(server, { active: true });
    await expect(
      server.deps.db.asTenant(a.tenantId, (tx) =>
        tx.insertInto("platform_events").values({ id: randomUUID(), type: "tenant.signup", tenant_id: b.tenantId, data: "{}" }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("the app's flows work through the login: register (with and without an invite code), approve, authenticate a key, claim, chat", async () => {
    const invited = await registerTenant(server, { active: true });
    expect(invited.status).toBe("active");
    expect((await server.request("/v1/tenant", { token: invited.key })).status).toBe(200);

    const pending = await registerTenant(server);
    expect((await server.request("/v1/tenant", { token: pending.key })).status).toBe(403);
    const approved = await server.request(`/v1/admin/tenants/${pending.tenantId}/approve`, {
      method: "POST",
      token: await humanToken("ops@br.test"),
    });
    expect(approved.status).toBe(200);
    expect((await server.request("/v1/tenant", { token: pending.key })).status).toBe(200);

    // Claiming locks the tenant row (SELECT … FOR UPDATE) as br_app, which holds UPDATE on id only.
    const claim = await server.request("/auth/claim", { token: await humanToken("owner@br.test"), body: { token: invited.claimToken } });
    expect(claim.status).toBe(201);
    const chat = await server.request("/v1/chat/completions", {
      token: invited.key,
      body: { model: "echo", messages: [{ role: "user", content: "hello" }] },
    });
    expect(chat.status).toBe(200);
    expect((await server.request("/ready")).status).toBe(200);
    // The outbox rows the signups wrote as br_app are there for the dispatcher (br_platform).
    const events = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("platform_events").select("type").where("tenant_id", "in", [invited.tenantId, pending.tenantId]).execute(),
    );
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["tenant.signup", "tenant.approved", "tenant.claimed"]));
  });

  it("start-up with the login alone (no BR_MIGRATION_DATABASE_URL) is refused, naming the variable", async () => {
    const config = loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", BR_AUTH_JWT_SECRET: JWT_SECRET, DATABASE_URL: loginUrl });
    await expect(startServer(config, createLogger("silent"))).rejects.toThrow(/may not migrate: set BR_MIGRATION_DATABASE_URL/);
  });
});
