import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { sha256 } from "../src/lib/tokens.js";
import type { Database } from "../src/store/db.js";
import { createInviteCode, humanToken, registerTenant, startTestServer, type TestServer } from "./support/harness.js";
import { ENGINES, RACE_ENGINES } from "./support/services.js";

const body = (extra: Record<string, unknown> = {}) => ({
  tenant_name: "My Lab",
  admin_email: "Me@Lab.ai",
  accept_tos: true,
  ...extra,
});

async function counts(server: TestServer) {
  return server.deps.db.asPlatform(async (tx) => {
    const n = async (table: "tenants" | "users" | "api_keys" | "claim_tokens" | "platform_events") =>
      Number(
        (
          await tx
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      tenants: await n("tenants"),
      users: await n("users"),
      keys: await n("api_keys"),
      claims: await n("claim_tokens"),
      events: await n("platform_events"),
    };
  });
}

describe.each(ENGINES)("POST /v1/register on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it("holds a signup without invite pending (202) behind the beta gate, with key and claim link", async () => {
    const res = await server.request("/v1/register", { body: body() });
    expect(res.status).toBe(202);
    expect(res.body.tenant).toMatchObject({ slug: "my-lab", name: "My Lab", status: "pending" });
    expect(res.body.api_key.key).toMatch(/^br_live_[0-9A-Za-z]{38}$/);
    expect(res.body.api_key.prefix).toBe(res.body.api_key.key.slice(0, 12));
    expect(res.body.claim.token).toMatch(/^brct_[0-9A-Za-z]{38}$/);
    expect(res.body.claim.url).toBe(`http://br.test/dashboard/?claim=${res.body.claim.token}`);
    const days = (Date.parse(res.body.claim.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it("stores only hashes of the key and the claim token", async () => {
    const reg = await registerTenant(server);
    const stored = await server.deps.db.asPlatform(async (tx) => ({
      key: await tx.selectFrom("api_keys").select(["key_hash", "prefix"]).where("id", "=", reg.keyId).executeTakeFirstOrThrow(),
      claim: await tx
        .selectFrom("claim_tokens")
        .select(["token_hash", "role", "max_uses", "kind"])
        .where("tenant_id", "=", reg.tenantId)
        .executeTakeFirstOrThrow(),
    }));
    expect(stored.key.key_hash).toBe(sha256(reg.key));
    expect(stored.claim).toEqual({ token_hash: sha256(reg.claimToken), role: "owner", max_uses: 1, kind: "registration" });
  });

  it("activates at once with a valid invite code (201), matched case-insensitively, and spends one use", async () => {
    const code = await createInviteCode(server, { code: "Launch-Week", maxUses: 5 });
    const res = await server.request("/v1/register", { body: body({ invite_code: "LAUNCH-week" }) });
    expect(res.status).toBe(201);
    expect(res.body.tenant.status).toBe("active");
    const tenant = await server.request("/v1/tenant", { token: res.body.api_key.key });
    expect(tenant.status).toBe(200);
    const used = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("invite_codes").select("used_count").where("code", "=", code).executeTakeFirstOrThrow(),
    );
    expect(used.used_count).toBe(1);
  });

  it("writes tenant.signup to the outbox in the same transaction", async () => {
    const reg = await registerTenant(server, { name: "Outbox Lab" });
    const events = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("platform_events").selectAll().where("tenant_id", "=", reg.tenantId).execute(),
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe("tenant.signup");
    expect(events[0]!.data).toMatchObject({ tenantId: reg.tenantId, tenantName: "Outbox Lab", status: "pending" });
    expect(JSON.stringify(events[0]!.data)).not.toContain("brct_");
  });

  it.each([
    ["unknown", async () => "no-such-code", "invite_code_invalid"],
    ["expired", async (s: TestServer) => createInviteCode(s, { expiresAt: new Date(Date.now() - 1000) }), "invite_code_expired"],
    [
      "used up",
      async (s: TestServer) => {
        const code = await createInviteCode(s, { maxUses: 1 });
        await registerTenant(s, { inviteCode: code });
        return code;
      },
      "invite_code_used_up",
    ],
    [
      "deleted",
      async (s: TestServer) => {
        const code = await createInviteCode(s, { maxUses: 3 });
        await s.deps.db.asPlatform((tx) =>
          tx.updateTable("invite_codes").set({ deleted_at: new Date() }).where("code", "=", code).execute(),
        );
        return code;
      },
      "invite_code_invalid",
    ],
  ])("refuses a %s invite code with 400, creating and consuming nothing", async (_, make, code) => {
    const invite = await make(server);
    const before = await counts(server);
    const uses = () =>
      server.deps.db.asPlatform((tx) => tx.selectFrom("invite_codes").select("used_count").where("code", "=", invite).executeTakeFirst());
    const usesBefore = await uses();
    const res = await server.request("/v1/register", { body: body({ invite_code: invite }) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code });
    expect(await counts(server)).toEqual(before);
    expect(await uses()).toEqual(usesBefore);
  });

  it("generates a unique slug when the name's slug is taken, and 409s a chosen slug that is taken", async () => {
    const a = await server.request("/v1/register", { body: body({ tenant_name: "Twin Lab" }) });
    const b = await server.request("/v1/register", { body: body({ tenant_name: "Twin Lab" }) });
    expect(a.body.tenant.slug).toBe("twin-lab");
    expect(b.body.tenant.slug).toMatch(/^twin-lab-[0-9a-f]{6}$/);
    const before = await counts(server);
    const taken = await server.request("/v1/register", { body: body({ tenant_slug: "twin-lab" }) });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ type: "conflict_error", code: "slug_taken" });
    expect(await counts(server)).toEqual(before);
  });

  it.each([
    ["accept_tos false", body({ accept_tos: false }), "accept_tos"],
    ["accept_tos missing", { tenant_name: "x", admin_email: "a@b.co" }, "accept_tos"],
    ["wrong type", body({ tenant_name: 42 }), "tenant_name"],
    ["bad email", body({ admin_email: "not-an-email" }), "admin_email"],
    ["unknown field", body({ invite: "typo" }), ""],
    ["bad slug", body({ tenant_slug: "Not A Slug" }), "tenant_slug"],
  ])("answers %s with a 400 envelope naming the field", async (_, payload, field) => {
    const before = await counts(server);
    const res = await server.request("/v1/register", { body: payload });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe("invalid_request_error");
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.recovery.action).toBe("retry_with_params");
    expect(res.body.error.recovery.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect(await counts(server)).toEqual(before);
  });

  it("answers a NUL character in a name with a 400 envelope, not a 500, and creates nothing", async () => {
    const before = await counts(server);
    const res = await server.request("/v1/register", { body: body({ tenant_name: "a\u0000b" }) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_value" });
    expect(await counts(server)).toEqual(before);
  });

  it("answers malformed JSON and an oversized body with 4xx envelopes", async () => {
    const malformed = await server.request("/v1/register", { rawBody: '{"tenant_name":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ type: "invalid_request_error" });
    const huge = await server.request("/v1/register", { body: body({ tenant_name: "x".repeat(2 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ type: "invalid_request_error", code: "body_too_large", recovery: { action: "reduce_input" } });
  });

  it("never writes the key or claim token to the logs", async () => {
    const reg = await registerTenant(server);
    await server.request(`/dashboard/?claim=${reg.claimToken}`);
    await server.request("/v1/tenant", { token: reg.key });
    const logs = server.logs.join("");
    expect(logs).toContain("/v1/register");
    expect(logs).not.toContain(reg.key);
    expect(logs).not.toContain(reg.claimToken);
  });

  it("redacts a key or claim token anywhere in a logged URL, not only in known parameters", async () => {
    const reg = await registerTenant(server);
    await server.request(`/v1/nowhere/${reg.key}`);
    await server.request(`/dashboard/?next=${encodeURIComponent(`/x?t=${reg.claimToken}`)}&k=${reg.key}`);
    const logs = server.logs.join("");
    expect(logs).toContain("/v1/nowhere/br_live_[redacted]");
    expect(logs).not.toContain(reg.key);
    expect(logs).not.toContain(reg.claimToken);
  });
});

describe.each(ENGINES)("registration atomicity on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(() => server.close());

  it("writes tenant.signup in the tenant's transaction: a failure after both inserts leaves neither", async () => {
    const db = server.deps.db;
    const asTenant = db.asTenant.bind(db);
    // Fails the registration's transaction after everything in it, the outbox row included, ran.
    db.asTenant = (async (tenantId: string, fn: Parameters<Database["asTenant"]>[1]) =>
      asTenant(tenantId, async (tx) => {
        await fn(tx);
        throw new Error("injected failure before commit");
      })) as Database["asTenant"];
    let status: number;
    try {
      status = (await server.request("/v1/register", { body: body({ tenant_name: "Atomic Lab", tenant_slug: "atomic-lab" }) })).status;
    } finally {
      db.asTenant = asTenant;
    }
    expect(status).toBe(500);
    const left = await db.asPlatform(async (tx) => ({
      tenants: await tx.selectFrom("tenants").select("id").where("slug", "=", "atomic-lab").execute(),
      events: await tx.selectFrom("platform_events").select("id").where(sql<boolean>`data->>'tenantSlug' = 'atomic-lab'`).execute(),
    }));
    expect(left).toEqual({ tenants: [], events: [] });
  });
});

describe("registration rate limit", () => {
  it("limits registrations per address with 429 and Retry-After", async () => {
    const server = await startTestServer({ env: { BR_REGISTER_RATE_PER_MIN: "2" } });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await server.request("/v1/register", { body: body() })).status);
      expect(statuses).toEqual([202, 202, 429]);
      const limited = await server.request("/v1/register", { body: body() });
      expect(limited.body.error).toMatchObject({ type: "rate_limit_error", recovery: { action: "wait" } });
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});

describe("invite-code guessing at registration", () => {
  it("spends the address's invite budget on unknown codes only, then refuses even a right code with 429", async () => {
    const server = await startTestServer({ env: { BR_INVITE_FAILURES_PER_ADDRESS: "2" } });
    try {
      const used = await createInviteCode(server, { maxUses: 1 });
      await registerTenant(server, { inviteCode: used });
      // A real but used-up code is not a guess: it costs nothing.
      for (let i = 0; i < 3; i++)
        expect((await server.request("/v1/register", { body: body({ invite_code: used }) })).body.error.code).toBe("invite_code_used_up");
      const valid = await createInviteCode(server, { maxUses: 5 });
      expect((await server.request("/v1/register", { body: body({ invite_code: "guess-1" }) })).status).toBe(400);
      expect((await server.request("/v1/register", { body: body({ invite_code: "guess-2" }) })).status).toBe(400);
      const refused = await server.request("/v1/register", { body: body({ invite_code: valid }) });
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).not.toBeNull();
      // Registrations without a code are not affected.
      expect((await server.request("/v1/register", { body: body() })).status).toBe(202);
    } finally {
      await server.close();
    }
  });
});

describe.each(RACE_ENGINES)("invite-code guessing burst on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine, env: { BR_INVITE_FAILURES_PER_ADDRESS: "5" } });
  });
  afterAll(() => server.close());

  it("30 concurrent wrong codes from one address are looked up at most 5 times: 5 answer 400, 25 answer 429", async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => server.request("/v1/register", { body: body({ invite_code: `burst-guess-${i}` }) })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    // The budget is spent: a right code waits too, and nothing was created by the burst.
    const valid = await createInviteCode(server, { maxUses: 5 });
    expect((await server.request("/v1/register", { body: body({ invite_code: valid }) })).status).toBe(429);
    const tenants = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("tenants").select("id").where("name", "like", "burst-guess%").execute(),
    );
    expect(tenants).toEqual([]);
  });

  it("a first sign-in from the same address draws on the same spent budget", async () => {
    const refused = await server.request("/auth/provision", {
      token: await humanToken("after-burst@lab.test"),
      body: { invite_code: "one-more-guess" },
    });
    expect(refused.status).toBe(429);
  });
});

describe("registration rate limit behind a trusted proxy", () => {
  it("keys on the address the proxy appended, not on what the client put in X-Forwarded-For", async () => {
    const server = await startTestServer({ env: { BR_REGISTER_RATE_PER_MIN: "2", BR_TRUST_PROXY: "true" } });
    try {
      const from = (spoofed: string, real: string) =>
        server.request("/v1/register", { body: body(), headers: { "x-forwarded-for": `${spoofed}, ${real}` } });
      expect((await from("1.1.1.1", "203.0.113.7")).status).toBe(202);
      expect((await from("2.2.2.2", "203.0.113.7")).status).toBe(202);
      expect((await from("3.3.3.3", "203.0.113.7")).status).toBe(429);
      expect((await from("3.3.3.3", "203.0.113.8")).status).toBe(202);
    } finally {
      await server.close();
    }
  });
});

describe.each(RACE_ENGINES)("invite-code race on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    // Every attempt reserves a point of the per-address guess budget while it is looked up: 50
    // at once from one address need 50 points, or the excess is (rightly) refused with 429.
    // Three rounds of 3 tenants all name one admin_email: more than its default 5 an hour (#101).
    server = await startTestServer({
      engine,
      env: { BR_INVITE_FAILURES_PER_ADDRESS: "100", BR_REGISTRATIONS_PER_RECIPIENT_PER_HOUR: "100" },
    });
  });
  afterAll(() => server.close());

  it.each([1, 2, 3])("50 concurrent registrations on a 3-use code give exactly 3 tenants (round %i)", async () => {
    const code = await createInviteCode(server, { maxUses: 3 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.request("/v1/register", { body: body({ invite_code: code, tenant_name: `Racer ${i}` }) }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 400)).toHaveLength(47);
    const row = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("invite_codes").select("used_count").where("code", "=", code).executeTakeFirstOrThrow(),
    );
    expect(row.used_count).toBe(3);
  });
});
