import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLockstepServer, type LockstepServer } from "../../server/test/lockstep/fixtures.js";
import { createInviteCode, humanToken, startTestServer } from "../../server/test/support/harness.js";
import {
  AuthenticationError,
  BadRequestError,
  BrainstormRouter,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from "../src/index.js";

let server: LockstepServer;
let anonymous: BrainstormRouter;

beforeAll(async () => {
  server = await startLockstepServer();
  anonymous = new BrainstormRouter({ baseURL: server.url, apiKey: null, maxRetries: 0 });
});
afterAll(() => server?.close());

const registration = (extra: Record<string, string> = {}) => ({
  tenant_name: "SDK Lab",
  admin_email: `sdk-${Math.random().toString(36).slice(2, 8)}@lab.test`,
  accept_tos: true as const,
  ...extra,
});

describe("registration and the tenant", () => {
  it("registers with an invite code and the returned key reads its tenant", async () => {
    const invite = await createInviteCode(server, { maxUses: 1 });
    const reg = await anonymous.register(registration({ invite_code: invite }));
    expect(reg.tenant.status).toBe("active");
    expect(reg.claim.url).toContain("/dashboard/?claim=");
    const tenant = await anonymous.withOptions({ apiKey: reg.api_key.key }).tenant.retrieve();
    expect(tenant.tenant.id).toBe(reg.tenant.id);
    expect(tenant.key).toMatchObject({ id: reg.api_key.id, role: "admin" });
  });

  it("a pending tenant's key is refused with PermissionDeniedError tenant_pending, recovery wait", async () => {
    const reg = await anonymous.register(registration());
    expect(reg.tenant.status).toBe("pending");
    const err = await anonymous
      .withOptions({ apiKey: reg.api_key.key })
      .tenant.retrieve()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err).toMatchObject({ status: 403, type: "permission_error", code: "tenant_pending", recovery: { action: "wait" } });
    expect((err as PermissionDeniedError).requestId).toMatch(/.+/);
  });
});

describe("typed errors from the live server", () => {
  it("400 BadRequestError names the field", async () => {
    const err = await anonymous.register({ ...registration(), accept_tos: false as unknown as true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ code: "validation_failed", recovery: { action: "retry_with_params" } });
  });

  it("401 AuthenticationError for a key that is not one", async () => {
    const err = await anonymous
      .withOptions({ apiKey: "br_live_not-a-real-key" })
      .tenant.retrieve()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, type: "authentication_error", code: "invalid_api_key" });
  });

  it("429 RateLimitError once registrations per minute are spent", async () => {
    const limited = await startTestServer({ env: { BR_REGISTER_RATE_PER_MIN: "1" } });
    try {
      const br = new BrainstormRouter({ baseURL: limited.url, maxRetries: 0 });
      await br.register(registration());
      const err = await br.register(registration()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitError);
      expect(err).toMatchObject({ status: 429, code: "rate_limited", recovery: { action: "wait" } });
    } finally {
      await limited.close();
    }
  });
});

/** A registered tenant's key as a client; active unless `pending`. */
async function tenantClient(pending = false) {
  const invite = pending ? undefined : await createInviteCode(server, { maxUses: 1 });
  const reg = await anonymous.register(registration(invite ? { invite_code: invite } : {}));
  return { reg, client: anonymous.withOptions({ apiKey: reg.api_key.key }) };
}

const human = async (email: string) => anonymous.withOptions({ accessToken: await humanToken(email) });

describe("Identity Bridge", () => {
  it("a claim link lets a teammate join with the link's role", async () => {
    const { reg, client } = await tenantClient();
    const link = await client.identityBridge.generateClaimLink({ role: "admin", max_uses: 2, expires_in_days: 3 });
    expect(link).toMatchObject({ role: "admin", max_uses: 2 });
    const teammate = await human("teammate@sdk.test");
    expect(await teammate.auth.previewClaim({ token: link.token })).toMatchObject({
      tenant: { id: reg.tenant.id },
      role: "admin",
      already_member: false,
    });
    const claimed = await teammate.auth.claim({ token: link.token });
    expect(claimed.tenant.id).toBe(reg.tenant.id);
    expect(claimed.membership.role).toBe("admin");
    const again = await teammate.auth.claim({ token: link.token }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ code: "already_member" });
  });

  it("a browser link is a single-use owner link", async () => {
    const { client } = await tenantClient();
    const link = await client.identityBridge.createBrowserLink();
    expect(link.url).toContain(link.token);
    const owner = await human("browser-owner@sdk.test");
    expect((await owner.auth.claim({ token: link.token })).membership.role).toBe("owner");
  });

  it("the device flow: pending is a value, not an exception, then linked once confirmed", async () => {
    const { reg, client } = await tenantClient();
    const auth = await client.identityBridge.authorizeDevice();
    expect(auth).toMatchObject({ expires_in: 900, interval: 5 });
    expect(await client.identityBridge.pollDeviceToken(auth.device_code)).toMatchObject({ error: "authorization_pending" });
    // Polling again at once is too fast: slow_down, also a value.
    expect(await client.identityBridge.pollDeviceToken(auth.device_code)).toMatchObject({ error: "slow_down" });
    const person = await human("device@sdk.test");
    expect(await person.auth.lookupDevice({ user_code: auth.user_code })).toMatchObject({ tenant: { id: reg.tenant.id } });
    await person.auth.confirmDevice({ user_code: auth.user_code });
    const linked = await client.identityBridge.waitForDeviceLink(auth);
    expect(linked).toMatchObject({ status: "linked", tenant: { id: reg.tenant.id }, user: { subject: "user|device@sdk.test" } });
  });

  it("a device code that is not one is a BadRequestError with the OAuth error as code", async () => {
    const { client } = await tenantClient();
    const err = await client.identityBridge.pollDeviceToken("not-a-device-code").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).code).toMatch(/invalid_grant|expired_token|invalid_request/);
  });
});

describe("admin", () => {
  const admin = () => anonymous.withOptions({ apiKey: server.adminKey });

  it("approves a pending tenant after a dry run that changes nothing", async () => {
    const { reg, client } = await tenantClient(true);
    const dry = await admin().admin.approveTenant(reg.tenant.id, { dryRun: true });
    expect(dry).toMatchObject({ dry_run: true, would_execute: { action: "approve_tenant", from: "pending", to: "active" } });
    expect((await admin().admin.getTenant(reg.tenant.id)).status).toBe("pending");
    const done = await admin().admin.approveTenant(reg.tenant.id);
    expect(done).toMatchObject({ dry_run: false, tenant: { status: "active" } });
    expect((await client.tenant.retrieve()).tenant.status).toBe("active");
  });

  it("rejects and suspends, each with a dry run first; an illegal transition is a ConflictError", async () => {
    const pending = await tenantClient(true);
    expect(await admin().admin.rejectTenant(pending.reg.tenant.id, { reason: "spam", dryRun: true })).toMatchObject({ dry_run: true });
    expect(await admin().admin.rejectTenant(pending.reg.tenant.id, { reason: "spam" })).toMatchObject({ tenant: { status: "rejected" } });
    const active = await tenantClient();
    expect(await admin().admin.suspendTenant(active.reg.tenant.id, { dryRun: true })).toMatchObject({ dry_run: true });
    expect((await active.client.tenant.retrieve()).tenant.status).toBe("active");
    await admin().admin.suspendTenant(active.reg.tenant.id, { reason: "abuse" });
    await expect(active.client.tenant.retrieve()).rejects.toMatchObject({ code: "tenant_suspended" });
    const err = await admin()
      .admin.rejectTenant(active.reg.tenant.id)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ status: 409, code: "invalid_transition" });
  });

  it("invite codes: create (dry run first), list with for await, delete", async () => {
    const dry = await admin().admin.createInviteCode({ note: "sdk", dryRun: true });
    expect(dry).toMatchObject({ dry_run: true });
    const code = await admin().admin.createInviteCode({ max_uses: 3, note: "sdk" });
    expect(code).toMatchObject({ max_uses: 3, uses_left: 3, status: "active" });
    const seen: string[] = [];
    for await (const invite of admin().admin.listInviteCodes({ limit: 1 })) seen.push(invite.id);
    expect(seen).toContain(code.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(await admin().admin.deleteInviteCode(code.id, { dryRun: true })).toMatchObject({ dry_run: true });
    expect(await admin().admin.deleteInviteCode(code.id)).toMatchObject({ id: code.id, status: "revoked" });
  });

  it("lists tenants page by page and reads the digest", async () => {
    await tenantClient(true);
    const page = await admin().admin.listTenants({ status: "pending", limit: 1 });
    expect(page.data).toHaveLength(1);
    const all: string[] = [];
    for await (const t of admin().admin.listTenants({ limit: 2 })) all.push(t.id);
    expect(all.length).toBeGreaterThan(2);
    const digest = await admin().admin.digest({ window: "7d" });
    expect(digest.window).toBe("7d");
    expect(digest.signups).toBeGreaterThan(0);
    expect(digest.highlights.length).toBeGreaterThan(0);
  });

  it("a platform admin's access token works as well as its key", async () => {
    const byToken = anonymous.withOptions({ accessToken: server.adminToken });
    expect((await byToken.admin.listTenants()).data.length).toBeGreaterThan(0);
  });

  it("403 PermissionDeniedError for a tenant key, 404 NotFoundError for an unknown tenant", async () => {
    const { client } = await tenantClient();
    const denied = await client.admin.listTenants().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(denied).toMatchObject({ code: "not_platform_admin", recovery: { action: "escalate" } });
    const missing = await admin()
      .admin.getTenant("00000000-0000-4000-8000-000000000000")
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, type: "not_found_error" });
  });
});

describe("data plane", () => {
  it("lists models and completes a chat with the built-in echo provider", async () => {
    const { client } = await tenantClient();
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain("echo");
    const completion = await client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "hello lockstep" }] });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]!.message.content).toContain("hello lockstep");
  });

  it("streams a chat completion chunk by chunk until [DONE]", async () => {
    const { client } = await tenantClient();
    const stream = await client.chat.completions.create({
      model: "echo",
      messages: [{ role: "user", content: "stream me please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(text).toContain("stream me please");
    expect(chunks.at(-1)!.usage?.total_tokens).toBeGreaterThan(0);
  });
});
