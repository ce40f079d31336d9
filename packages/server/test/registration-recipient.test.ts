import { randomBytes, randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveriesIdle, startAdminServer } from "./admin/support.js";
import { RESEND_API_KEY, startFakeResend, type FakeResend } from "./support/fakes/resend.js";
import type { Database } from "../src/store/db.js";
import { createInviteCode, startTestServer, type TestServer } from "./support/harness.js";
import { startOwnRedis, type OwnRedis } from "./support/own-redis.js";
import { ENGINES, HAS_REDIS, RACE_ENGINES } from "./support/services.js";

const BUDGET = 3;

const mailbox = () => {
  const id = randomBytes(4).toString("hex");
  return { local: `victim-${id}`, domain: "inbox.test", address: `victim-${id}@inbox.test` };
};
const anyAddress = () => `198.51.${randomInt(256)}.${randomInt(256)}`;

function register(server: TestServer, admin_email: string, extra: Record<string, unknown> = {}, from = anyAddress()) {
  return server.request("/v1/register", {
    body: { tenant_name: "Bomb Lab", admin_email, accept_tos: true, ...extra },
    headers: { "x-forwarded-for": from },
  });
}

async function counts(server: TestServer) {
  return server.deps.db.asPlatform(async (tx) => {
    const n = async (table: "tenants" | "platform_events" | "api_keys" | "claim_tokens") =>
      Number(
        (
          await tx
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { tenants: await n("tenants"), events: await n("platform_events"), keys: await n("api_keys"), claims: await n("claim_tokens") };
  });
}

describe.each(ENGINES)("registration email budget per recipient on %s", (engine) => {
  let resend: FakeResend;
  let server: TestServer;
  beforeAll(async () => {
    resend = await startFakeResend();
    server = await startAdminServer(
      engine,
      {
        RESEND_API_KEY,
        RESEND_API_URL: resend.url,
        BR_TRUST_PROXY: "true",
        BR_REGISTRATIONS_PER_RECIPIENT_PER_HOUR: String(BUDGET),
      },
      HAS_REDIS,
    );
  });
  afterAll(async () => {
    await server.close();
    await resend.close();
  });

  /** Claim emails delivered to the mailbox, whatever case or +tag the registration gave. */
  const mailsTo = (box: ReturnType<typeof mailbox>) =>
    resend
      .delivered()
      .filter((r) => ((r.body?.to ?? []) as string[]).some((to) => new RegExp(`^${box.local}(\\+[^@]*)?@${box.domain}$`, "i").test(to)));

  it("mail-bombing one unverified admin_email from many addresses: past the budget, 429 with Retry-After, nothing created, no mail", async () => {
    const box = mailbox();
    // Each from its own address, so the per-address limit never sees more than one.
    for (const email of [box.address, box.address.toUpperCase(), `${box.local}+tag@${box.domain}`]) {
      expect((await register(server, email)).status).toBe(202);
    }
    // The claim emails mint their own tokens as they go out: let them, so the counts stand still.
    await deliveriesIdle(server, "email.tenant");
    const before = await counts(server);
    const refused = await register(server, `${box.local.toUpperCase()}+bomb@${box.domain}`);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limited", recovery: { action: "wait" } });
    expect(refused.body.error.message).toContain("admin_email");
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(3600);
    await deliveriesIdle(server, "email.tenant");
    expect(await counts(server)).toEqual(before);
    expect(mailsTo(box)).toHaveLength(BUDGET);
    // Another mailbox, from the very address that was just refused, is not affected.
    expect((await register(server, mailbox().address)).status).toBe(202);
  });

  it("registrations that fail send no mail and spend none of the budget (taken slug 409, unknown invite code 400)", async () => {
    const box = mailbox();
    const slug = `taken-${randomBytes(3).toString("hex")}`;
    expect((await register(server, mailbox().address, { tenant_slug: slug })).status).toBe(202);
    for (let i = 0; i < BUDGET + 1; i++) {
      expect((await register(server, box.address, { tenant_slug: slug })).status).toBe(409);
      expect((await register(server, box.address, { invite_code: `no-such-code-${i}` })).status).toBe(400);
    }
    const code = await createInviteCode(server, { maxUses: 5 });
    expect((await register(server, box.address, { invite_code: code })).status).toBe(201);
    for (let i = 1; i < BUDGET; i++) expect((await register(server, box.address)).status).toBe(202);
    expect((await register(server, box.address)).status).toBe(429);
  });

  it("a registration whose transaction fails after the charge (nothing committed, no mail) gives its point back", async () => {
    const box = mailbox();
    const db = server.deps.db;
    const asTenant = db.asTenant.bind(db);
    // Fails the registration's transaction after everything in it, the budget's charge included, ran.
    db.asTenant = (async (tenantId: string, fn: Parameters<Database["asTenant"]>[1]) =>
      asTenant(tenantId, async (tx) => {
        await fn(tx);
        throw new Error("injected failure before commit");
      })) as Database["asTenant"];
    try {
      for (let i = 0; i < BUDGET + 1; i++) expect((await register(server, box.address)).status).toBe(500);
    } finally {
      db.asTenant = asTenant;
    }
    for (let i = 0; i < BUDGET; i++) expect((await register(server, box.address)).status).toBe(202);
    expect((await register(server, box.address)).status).toBe(429);
  });
});

describe.each(RACE_ENGINES)("concurrent registrations naming one admin_email on %s", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      redis: HAS_REDIS,
      env: { BR_TRUST_PROXY: "true", BR_REGISTRATIONS_PER_RECIPIENT_PER_HOUR: String(BUDGET) },
    });
  });
  afterAll(() => server.close());

  it("20 at once from 20 addresses create exactly the budget's 3 tenants; the rest answer 429", async () => {
    const box = mailbox();
    const results = await Promise.all(Array.from({ length: 20 }, () => register(server, box.address)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(BUDGET);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - BUDGET);
    const tenants = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("tenants").select("id").where("admin_email", "=", box.address).execute(),
    );
    expect(tenants).toHaveLength(BUDGET);
  });
});

describe("registration email budget per recipient while Redis is dead", () => {
  let redis: OwnRedis;
  let server: TestServer;
  // Started in the hook: a server's start-up is the slow part, not the test.
  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startTestServer({
      env: {
        REDIS_URL: redis.url,
        BR_REDIS_PREFIX: "brt:dead-recipient:",
        BR_TRUST_PROXY: "true",
        BR_REGISTRATIONS_PER_RECIPIENT_PER_HOUR: "2",
      },
    });
  });
  afterAll(() => server?.close());

  it("falls back to an in-process limiter: 202 up to the budget, then 429, never 500", async () => {
    await redis.kill();
    const box = mailbox();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await register(server, box.address)).status);
    expect(statuses).toEqual([202, 202, 429]);
  });
});
