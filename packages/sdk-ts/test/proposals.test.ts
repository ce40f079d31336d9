import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLockstepServer, type LockstepServer } from "../../server/test/lockstep/fixtures.js";
import { humanToken, registerTenant } from "../../server/test/support/harness.js";
import { BrainstormRouter, ConflictError, PermissionDeniedError, type AuditEvent } from "../src/index.js";

/** An agent's sign-in on BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS: it proposes, a human approves. */
const PROPOSER_EMAIL = "agent@platform.test";

let server: LockstepServer;
let admin: BrainstormRouter;
let proposer: BrainstormRouter;

beforeAll(async () => {
  server = await startLockstepServer({ env: { BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS: `user|${PROPOSER_EMAIL}` } });
  const anonymous = new BrainstormRouter({ baseURL: server.url, apiKey: null, maxRetries: 0 });
  admin = anonymous.withOptions({ apiKey: server.adminKey });
  proposer = anonymous.withOptions({ accessToken: await humanToken(PROPOSER_EMAIL) });
});
afterAll(() => server?.close());

const caught = (p: PromiseLike<unknown>) =>
  Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );

describe("proposals", () => {
  it("a proposer proposes, cannot act itself, and an admin approves after a dry run", async () => {
    const pending = await registerTenant(server);
    const direct = await caught(proposer.admin.approveTenant(pending.tenantId));
    expect(direct).toBeInstanceOf(PermissionDeniedError);
    expect(direct).toMatchObject({ code: "proposal_required", recovery: { action: "escalate" } });
    // A proposer's dry run is allowed: it is how it learns what to propose.
    expect(await proposer.admin.approveTenant(pending.tenantId, { dryRun: true })).toMatchObject({ dry_run: true });

    const proposal = await proposer.admin.createProposal({
      action: "approve_tenant",
      target_id: pending.tenantId,
      rationale: "Verified company domain",
      expires_in_minutes: 60,
    });
    expect(proposal).toMatchObject({
      status: "open",
      action: "approve_tenant",
      target_id: pending.tenantId,
      proposed_by: { kind: "user", id: `user|${PROPOSER_EMAIL}` },
      would_execute: { action: "approve_tenant", from: "pending", to: "active" },
      decided_by: null,
    });
    expect(proposal.summary).toMatch(/pending → active/);
    expect((await admin.admin.getProposal(proposal.id)).status).toBe("open");
    const open = await admin.admin.listProposals({ status: "open" });
    expect(open.data.map((p) => p.id)).toContain(proposal.id);

    const mine = await caught(proposer.admin.approveProposal(proposal.id));
    expect(mine).toBeInstanceOf(PermissionDeniedError);

    const dry = await admin.admin.approveProposal(proposal.id, { dryRun: true });
    expect(dry).toMatchObject({ dry_run: true, would_execute: { to: "active" } });
    expect((await admin.admin.getTenant(pending.tenantId)).status).toBe("pending");

    const executed = await admin.admin.approveProposal(proposal.id);
    expect(executed).toMatchObject({ id: proposal.id, status: "executed", decided_by: { kind: "api_key" } });
    expect((await admin.admin.getTenant(pending.tenantId)).status).toBe("active");
    const again = await caught(admin.admin.approveProposal(proposal.id));
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ code: "proposal_already_decided" });
  });

  it("an admin may not approve its own proposal: PermissionDeniedError self_approval_forbidden", async () => {
    const pending = await registerTenant(server);
    const byToken = admin.withOptions({ apiKey: null, accessToken: server.adminToken });
    const proposal = await byToken.admin.createProposal({ action: "reject_tenant", target_id: pending.tenantId, rationale: "spam" });
    const err = await caught(byToken.admin.approveProposal(proposal.id));
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err).toMatchObject({ code: "self_approval_forbidden" });
  });

  it("declines with a reason; create_invite_code takes params and no target", async () => {
    const proposal = await proposer.admin.createProposal({
      action: "create_invite_code",
      params: { max_uses: 5, note: "conference" },
      rationale: "Booth at the conference",
    });
    expect(proposal).toMatchObject({ target_id: null, params: { max_uses: 5, note: "conference" } });
    const declined = await admin.admin.declineProposal(proposal.id, { reason: "not this year" });
    expect(declined).toMatchObject({ status: "declined", decision_reason: "not this year" });
    const listed: string[] = [];
    for await (const p of admin.admin.listProposals({ status: "declined", limit: 1 })) listed.push(p.id);
    expect(listed).toContain(proposal.id);
  });

  it("the digest counts proposals", async () => {
    const digest = await proposer.admin.digest();
    expect(digest.proposals).toMatchObject({ open: expect.any(Number), executed: expect.any(Number), declined: expect.any(Number) });
    expect(digest.proposals.executed).toBeGreaterThanOrEqual(1);
  });
});

describe("audit trail", () => {
  it("admin, tenant key and signed-in owner each read their trail, newest first, across pages", async () => {
    const tenant = await registerTenant(server);
    const proposal = await proposer.admin.createProposal({ action: "approve_tenant", target_id: tenant.tenantId, rationale: "ok" });
    await admin.admin.approveProposal(proposal.id);

    const platform: AuditEvent[] = [];
    for await (const e of admin.admin.listAuditEvents({ tenant_id: tenant.tenantId, limit: 1 })) platform.push(e);
    // Newest first, one row per page; the approval and its execution share a transaction (and a time).
    const actions = platform.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["proposal.executed", "tenant.approved", "proposal.created"]));
    expect(actions.indexOf("proposal.created")).toBeGreaterThan(
      Math.max(actions.indexOf("proposal.executed"), actions.indexOf("tenant.approved")),
    );
    expect(platform.map((e) => e.at)).toEqual(
      platform
        .map((e) => e.at)
        .sort()
        .reverse(),
    );
    expect(new Set(platform.map((e) => e.id)).size).toBe(platform.length);
    const approved = platform.find((e) => e.action === "tenant.approved");
    expect(approved).toMatchObject({ target: { type: "tenant", id: tenant.tenantId }, changes: { status: ["pending", "active"] } });
    expect(approved!.proposal_id).toBe(proposal.id);
    const byActor = await proposer.admin.listAuditEvents({ actor: `user|${PROPOSER_EMAIL}`, action: "proposal.created" });
    expect(byActor.data.every((e) => e.actor.id === `user|${PROPOSER_EMAIL}`)).toBe(true);

    // The tenant's admin-role key sees its own tenant's rows.
    const own = await admin.withOptions({ apiKey: tenant.key }).tenant.listAuditEvents({ action: "tenant.approved" });
    expect(own.data.map((e) => e.tenant_id)).toEqual([tenant.tenantId]);

    // The platform admin's tenant: the fixture's key creation, seen by its owner in the dashboard's way.
    const owner = admin.withOptions({ apiKey: null, accessToken: server.adminToken, tenantId: server.adminTenantId });
    const created = await owner.auth.listAuditEvents({ action: "api_key.created" });
    expect(created.data).toHaveLength(1);
    expect(created.data[0]).toMatchObject({ tenant_id: server.adminTenantId, target: { type: "api_key" } });
  });

  it("an API key created with platform_proposer says so and may propose but not act", async () => {
    const owner = admin.withOptions({ apiKey: null, accessToken: server.adminToken, tenantId: server.adminTenantId });
    const key = await owner.auth.apiKeys.create({ name: "mcp agent", role: "admin", platform_proposer: true });
    expect(key.platform_role).toBe("proposer");
    const plain = await owner.auth.apiKeys.create({ name: "plain" });
    expect(plain.platform_role).toBeNull();
    const agent = admin.withOptions({ apiKey: key.key });
    expect((await agent.admin.listProposals()).data.length).toBeGreaterThan(0);
    const err = await caught(agent.admin.createInviteCode({ note: "x" }));
    expect(err).toMatchObject({ code: "proposal_required" });
  });
});
