import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/lib/tokens.js";
import { waitFor } from "../support/fakes/http-fake.js";
import { RESEND_API_KEY, startFakeResend, type FakeResend } from "../support/fakes/resend.js";
import { startSmtpReceiver, type SmtpReceiver } from "../support/fakes/smtp.js";
import { humanToken, registerTenant, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { deliveriesIdle, FOUNDER, founderToken, startAdminServer } from "./support.js";

const CLAIM_TOKEN = /brct_[0-9A-Za-z]{38}/;

async function emailDeliveries(server: TestServer, tenantId: string) {
  return server.deps.db.asPlatform((tx) =>
    tx
      .selectFrom("event_deliveries as d")
      .innerJoin("platform_events as e", "e.id", "d.event_id")
      .select(["d.id", "d.subscriber", "d.status", "d.attempts", "e.type"])
      .where("d.subscriber", "like", "email.%")
      .where("e.tenant_id", "=", tenantId)
      .execute(),
  );
}

describe.each(ENGINES)("email through Resend on %s", (engine) => {
  let resend: FakeResend;
  let server: TestServer;
  beforeAll(async () => {
    resend = await startFakeResend();
    server = await startAdminServer(engine, {
      RESEND_API_KEY,
      RESEND_API_URL: resend.url,
      BR_ADMIN_EMAILS: FOUNDER,
      BR_EMAIL_FROM: "BrainstormRouter <noreply@br.test>",
      BR_EVENTS_MAX_ATTEMPTS: "6",
    });
  });
  afterAll(async () => {
    await server.close();
    await resend.close();
  });

  it("tells the founder of a signup and sends the tenant a freshly minted claim link that works", async () => {
    const email = "agent-owner@lab.test";
    const reg = await registerTenant(server, { active: true, name: "Mail Lab", email });
    const founderMail = await waitFor("the founder's email", () => resend.inbox(FOUNDER).find((m) => m.body.subject.includes("Mail Lab")));
    expect(founderMail.body.from).toBe("BrainstormRouter <noreply@br.test>");
    expect(founderMail.headers.authorization).toBe(`Bearer ${RESEND_API_KEY}`);
    const claimMail = await waitFor("the claim email", () => resend.inbox(email)[0]);
    expect(claimMail.body.subject).toContain("Claim Mail Lab");
    const token = claimMail.body.text.match(CLAIM_TOKEN)![0];
    expect(claimMail.body.text).toContain(`http://br.test/dashboard/?claim=${token}`);
    // Not the token the agent got back, and not anything the outbox held.
    expect(token).not.toBe(reg.claimToken);
    const outbox = await server.deps.db.asPlatform((tx) => tx.selectFrom("platform_events").select("data").execute());
    expect(JSON.stringify(outbox)).not.toMatch(CLAIM_TOKEN);
    const stored = await server.deps.db.asPlatform((tx) =>
      tx
        .selectFrom("claim_tokens")
        .select(["kind", "role", "max_uses", "expires_at", "tenant_id"])
        .where("token_hash", "=", sha256(token))
        .executeTakeFirstOrThrow(),
    );
    expect(stored).toMatchObject({ kind: "registration", role: "owner", max_uses: 1, tenant_id: reg.tenantId });
    expect((stored.expires_at.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(29.9);
    const claim = await server.request("/auth/claim", { token: await humanToken("human-owner@lab.test"), body: { token } });
    expect(claim.status).toBe(201);
    // Each email carries its delivery id as Resend's Idempotency-Key.
    const ids = (await emailDeliveries(server, reg.tenantId)).map((d) => d.id).sort();
    expect([founderMail.headers["idempotency-key"], claimMail.headers["idempotency-key"]].sort()).toEqual(ids);
  });

  it("tells the tenant's admin_email of approval, rejection and suspension, with the reason", async () => {
    const admin = await founderToken();
    const a = await registerTenant(server, { email: "a@decide.test" });
    const b = await registerTenant(server, { email: "b@decide.test" });
    await server.request(`/v1/admin/tenants/${a.tenantId}/approve`, { token: admin, method: "POST" });
    await server.request(`/v1/admin/tenants/${a.tenantId}/suspend`, { token: admin, body: { reason: "unpaid invoices" } });
    await server.request(`/v1/admin/tenants/${b.tenantId}/reject`, { token: admin, body: { reason: "duplicate account" } });
    const subjects = (address: string) => resend.inbox(address).map((m) => m.body.subject as string);
    await waitFor("a's three emails", () => subjects("a@decide.test").length >= 3);
    await waitFor("b's two emails", () => subjects("b@decide.test").length >= 2);
    expect(subjects("a@decide.test").some((s) => s.includes("is approved"))).toBe(true);
    const suspended = resend.inbox("a@decide.test").find((m) => m.body.subject.includes("suspended"))!;
    expect(suspended.body.text).toContain("unpaid invoices");
    const rejected = resend.inbox("b@decide.test").find((m) => m.body.subject.includes("not approved"))!;
    expect(rejected.body.text).toContain("duplicate account");
  });

  it("rides out 500s and a 429 with Retry-After: every email ends delivered once, none lost", async () => {
    await deliveriesIdle(server, "email.%");
    resend.failNext(3, { status: 500, body: { statusCode: 500, name: "internal_server_error", message: "boom" } });
    resend.failNext(1, {
      status: 429,
      headers: { "retry-after": "1" },
      body: { statusCode: 429, name: "rate_limit_exceeded", message: "slow down" },
    });
    const regs = [await registerTenant(server), await registerTenant(server)];
    const rows = await waitFor("all four emails settled", async () => {
      const all = [...(await emailDeliveries(server, regs[0]!.tenantId)), ...(await emailDeliveries(server, regs[1]!.tenantId))];
      return all.length === 4 && all.every((r) => r.status !== "pending") ? all : null;
    });
    expect(rows.every((r) => r.status === "delivered")).toBe(true);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
    const accepted = resend.delivered().map((m) => String(m.headers["idempotency-key"]));
    for (const row of rows) expect(accepted.filter((id) => id === row.id)).toHaveLength(1);
  });
});

describe.each(ENGINES)("claim emails during an email outage on %s", (engine) => {
  let resend: FakeResend;
  let server: TestServer;
  beforeAll(async () => {
    resend = await startFakeResend();
    server = await startAdminServer(engine, { RESEND_API_KEY, RESEND_API_URL: resend.url, BR_EVENTS_MAX_ATTEMPTS: "8" });
  });
  afterAll(async () => {
    await server.close();
    await resend.close();
  });

  it("retries one claim email 4 times and still mints one owner token: every attempt carries the same link", async () => {
    await deliveriesIdle(server, "email.%");
    resend.failNext(4, { status: 500, body: { statusCode: 500, name: "internal_server_error", message: "boom" } });
    const email = "outage-owner@lab.test";
    const reg = await registerTenant(server, { email });
    await waitFor("the claim email delivered", () => resend.inbox(email)[0]);
    const sent = resend.attempts().filter((r) => (r.body?.to as string[] | undefined)?.includes(email));
    expect(sent.length).toBeGreaterThanOrEqual(5);
    const tokens = new Set(sent.map((r) => String(r.body.text).match(CLAIM_TOKEN)![0]));
    expect(tokens.size).toBe(1);
    const minted = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("claim_tokens").select("token_hash").where("tenant_id", "=", reg.tenantId).where("created_by", "=", "email").execute(),
    );
    expect(minted).toEqual([{ token_hash: sha256([...tokens][0]!) }]);
  });
});

describe("email through SMTP", () => {
  let smtp: SmtpReceiver;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    server = await startAdminServer("pglite", { BR_SMTP_URL: smtp.url, BR_ADMIN_EMAILS: FOUNDER, BR_EMAIL_FROM: "noreply@br.test" });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it("delivers the founder's signup email and the tenant's claim link to a real SMTP receiver, Message-ID = delivery id", async () => {
    const reg = await registerTenant(server, { name: "Smtp Lab", email: "owner@smtp.test" });
    const founderMail = await waitFor("the founder's email", () => smtp.inbox(FOUNDER).find((m) => m.subject.includes("Smtp Lab")));
    expect(founderMail.subject).toContain("waiting for approval");
    const claimMail = await waitFor("the claim email", () => smtp.inbox("owner@smtp.test")[0]);
    expect(claimMail.raw).toMatch(CLAIM_TOKEN);
    const ids = (await emailDeliveries(server, reg.tenantId)).map((d) => `<${d.id}@brainstormrouter>`).sort();
    expect([founderMail.messageId, claimMail.messageId].sort()).toEqual(ids);
  });
});

describe("email without a transport", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startAdminServer("pglite", { BR_ADMIN_EMAILS: FOUNDER });
  });
  afterAll(() => server.close());

  it("logs subject and recipients only, and mints no claim token nobody would receive", async () => {
    const reg = await registerTenant(server, { email: "quiet@lab.test" });
    await waitFor("both emails handled", async () => {
      const rows = await emailDeliveries(server, reg.tenantId);
      return rows.length === 2 && rows.every((r) => r.status === "delivered");
    });
    const tokens = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("claim_tokens").select("id").where("tenant_id", "=", reg.tenantId).execute(),
    );
    expect(tokens).toHaveLength(1);
    const logs = server.logs.join("");
    expect(logs).toContain("no transport configured");
    expect(logs).toContain("quiet@lab.test");
    expect(logs).not.toMatch(CLAIM_TOKEN);
  });
});
