import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepExpiredProposals } from "../../src/services/admin/proposals.js";
import { waitFor } from "../support/fakes/http-fake.js";
import { RESEND_API_KEY, startFakeResend, type FakeResend } from "../support/fakes/resend.js";
import { SLACK_BOT_TOKEN, startFakeSlack, type FakeSlack } from "../support/fakes/slack.js";
import { humanToken, registerTenant, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import {
  buttonClick,
  FOUNDER,
  FOUNDER_SUBJECT,
  founderToken,
  SLACK_ADMIN,
  SLACK_SIGNING_SECRET,
  slackRequest,
  startAdminServer,
} from "./support.js";

const SECOND_ADMIN = "cofounder@br.test";
const AGENT = "growth-agent@br.test";

/** DESIGN.md §8: proposers propose, admins (never the proposer) approve, exactly once. */
describe.each(ENGINES)("proposals on %s", (engine) => {
  let slack: FakeSlack;
  let resend: FakeResend;
  let server: TestServer;
  let founder: string;
  let cofounder: string;
  let agent: string;
  beforeAll(async () => {
    slack = await startFakeSlack();
    resend = await startFakeResend();
    server = await startAdminServer(engine, {
      BRAINSTORMROUTER_PLATFORM_ADMIN_IDS: `${FOUNDER_SUBJECT},user|${SECOND_ADMIN}`,
      BRAINSTORMROUTER_PLATFORM_PROPOSER_IDS: `user|${AGENT}`,
      SLACK_BOT_TOKEN,
      SLACK_CHANNEL_ID: "CFOUNDERS",
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET,
      BR_SLACK_ADMIN_USER_IDS: SLACK_ADMIN,
      RESEND_API_KEY,
      RESEND_API_URL: resend.url,
      BR_ADMIN_EMAILS: FOUNDER,
    });
    founder = await founderToken();
    cofounder = await humanToken(SECOND_ADMIN);
    agent = await humanToken(AGENT);
  });
  afterAll(async () => {
    await server.close();
    await slack.close();
    await resend.close();
  });

  const propose = (token: string, body: Record<string, unknown>) => server.request("/v1/admin/proposals", { token, body });
  const approve = (token: string, id: string, query = "") =>
    server.request(`/v1/admin/proposals/${id}/approve${query}`, { token, method: "POST" });
  const statusOf = async (tenantId: string) =>
    server.deps.db.asPlatform((tx) => tx.selectFrom("tenants").select("status").where("id", "=", tenantId).executeTakeFirstOrThrow());
  const eventsOf = (type: string, field: string, value: string) =>
    server.deps.db.asPlatform((tx) =>
      tx
        .selectFrom("platform_events")
        .select("id")
        .where("type", "=", type)
        .where(sql<boolean>`data->>${sql.lit(field)} = ${value}`)
        .execute(),
    );
  const auditOf = (action: string, targetId: string) =>
    server.deps.db.asPlatform((tx) =>
      tx.selectFrom("audit_events").selectAll().where("action", "=", action).where("target_id", "=", targetId).execute(),
    );

  it("a proposer reads and dry-runs the admin API but a real mutation is 403 proposal_required naming the proposal route", async () => {
    const pending = await registerTenant(server);
    expect((await server.request("/v1/admin/tenants?status=pending", { token: agent })).status).toBe(200);
    const dry = await server.request(`/v1/admin/tenants/${pending.tenantId}/approve?dry_run=true`, { token: agent, method: "POST" });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, would_execute: { from: "pending", to: "active" } });
    const real = await server.request(`/v1/admin/tenants/${pending.tenantId}/approve`, { token: agent, method: "POST" });
    expect(real.status).toBe(403);
    expect(real.body.error).toMatchObject({
      code: "proposal_required",
      recovery: { action: "escalate", route: "POST /v1/admin/proposals" },
    });
    const invite = await server.request("/v1/admin/invite-codes", { token: agent, body: { note: "x" } });
    expect(invite.body.error.code).toBe("proposal_required");
    expect((await statusOf(pending.tenantId)).status).toBe("pending");
    // A human with no platform power is refused outright.
    const nobody = await server.request("/v1/admin/proposals", { token: await humanToken("nobody@br.test") });
    expect(nobody.body.error.code).toBe("not_platform_admin");
  });

  it("creates a proposal with the dry run's would_execute, lists it by status with a cursor, and refuses an illegal one with the dry run's 409", async () => {
    const pending = await registerTenant(server, { name: "Icp Match Labs" });
    const created = await propose(agent, {
      action: "approve_tenant",
      target_id: pending.tenantId,
      rationale: "their domain matches our ICP",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: "open",
      action: "approve_tenant",
      target_id: pending.tenantId,
      would_execute: { action: "approve_tenant", id: pending.tenantId, from: "pending", to: "active" },
      proposed_by: { kind: "user", id: `user|${AGENT}`, label: AGENT },
      decided_by: null,
    });
    expect(created.body.summary).toContain("Icp Match Labs");
    expect(Date.parse(created.body.expires_at) - Date.parse(created.body.created_at)).toBeCloseTo(1440 * 60_000, -4);

    const active = await registerTenant(server, { active: true });
    const illegal = await propose(agent, { action: "approve_tenant", target_id: active.tenantId, rationale: "again" });
    expect(illegal.status).toBe(409);
    expect(illegal.body.error.code).toBe("invalid_transition");
    const noTarget = await propose(agent, { action: "suspend_tenant", rationale: "who?" });
    expect(noTarget.body.error.code).toBe("invalid_proposal");
    const badParams = await propose(agent, { action: "reject_tenant", target_id: pending.tenantId, rationale: "r", params: { reason: 7 } });
    expect(badParams.status).toBe(400);

    const second = await propose(agent, { action: "create_invite_code", params: { max_uses: 3 }, rationale: "for the meetup" });
    expect(second.status).toBe(201);
    expect(second.body.would_execute).toMatchObject({ action: "create_invite_code", generated: true, max_uses: 3 });
    expect(second.body.would_execute.code).toMatch(/^BR-/);

    const page1 = await server.request("/v1/admin/proposals?status=open&limit=1", { token: agent });
    expect(page1.body.data).toHaveLength(1);
    expect(page1.body.data[0].id).toBe(second.body.id);
    const page2 = await server.request(`/v1/admin/proposals?status=open&limit=1&cursor=${page1.body.next_cursor}`, { token: agent });
    expect(page2.body.data[0].id).toBe(created.body.id);
    expect((await server.request(`/v1/admin/proposals/${created.body.id}`, { token: agent })).body.id).toBe(created.body.id);
    expect(
      (await server.request("/v1/admin/proposals?status=executed", { token: agent })).body.data.map((p: { id: string }) => p.id),
    ).not.toContain(created.body.id);
  });

  it("nobody who proposed may decide, and proposers may not decide at all", async () => {
    const pending = await registerTenant(server);
    const byFounder = await propose(founder, { action: "approve_tenant", target_id: pending.tenantId, rationale: "mine" });
    const self = await approve(founder, byFounder.body.id);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe("self_approval_forbidden");
    const selfDecline = await server.request(`/v1/admin/proposals/${byFounder.body.id}/decline`, { token: founder, body: {} });
    expect(selfDecline.body.error.code).toBe("self_approval_forbidden");
    const byAgent = await propose(agent, { action: "reject_tenant", target_id: pending.tenantId, rationale: "spam" });
    expect((await approve(agent, byAgent.body.id)).body.error.code).toBe("not_platform_admin");
    // The approve dry run shows what would run and runs nothing.
    const dry = await approve(cofounder, byFounder.body.id, "?dry_run=true");
    expect(dry.body).toEqual({ dry_run: true, would_execute: byFounder.body.would_execute });
    expect((await statusOf(pending.tenantId)).status).toBe("pending");
    const done = await approve(cofounder, byFounder.body.id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "executed", decided_by: { kind: "user", id: `user|${SECOND_ADMIN}` } });
    expect(done.body.result.tenant.status).toBe("active");
  });

  it("10 simultaneous approvals execute once: one tenant.approved event, one audit row", async () => {
    const pending = await registerTenant(server);
    const p = await propose(agent, { action: "approve_tenant", target_id: pending.tenantId, rationale: "race me" });
    const results = await Promise.all(Array.from({ length: 10 }, () => approve(founder, p.body.id)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe("proposal_already_decided");
    expect(await eventsOf("tenant.approved", "tenantId", pending.tenantId)).toHaveLength(1);
    expect(await eventsOf("proposal.executed", "proposalId", p.body.id)).toHaveLength(1);
    const rows = await auditOf("tenant.approved", pending.tenantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ proposal_id: p.body.id, via: "api", changes: { status: ["pending", "active"] } });
    expect(rows[0]!.actor).toMatchObject({ kind: "user", id: FOUNDER_SUBJECT });
    expect((await statusOf(pending.tenantId)).status).toBe("active");
    // And the key works: the approval reached the key cache.
    expect((await server.request("/v1/tenant", { token: pending.key })).status).toBe(200);
  });

  it("a target changed meanwhile makes the proposal stale and changes nothing", async () => {
    const pending = await registerTenant(server);
    const p = await propose(agent, { action: "approve_tenant", target_id: pending.tenantId, rationale: "stale soon" });
    expect((await server.request(`/v1/admin/tenants/${pending.tenantId}/approve`, { token: cofounder, method: "POST" })).status).toBe(200);
    const history = () =>
      server.deps.db.asPlatform((tx) =>
        tx.selectFrom("tenant_status_history").select("id").where("tenant_id", "=", pending.tenantId).execute(),
      );
    const before = (await history()).length;
    const res = await approve(founder, p.body.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("proposal_stale");
    expect(res.body.error.message).toContain("already active");
    expect((await history()).length).toBe(before);
    const after = await server.request(`/v1/admin/proposals/${p.body.id}`, { token: founder });
    expect(after.body).toMatchObject({ status: "stale", decision_reason: "tenant is already active" });
    expect(await eventsOf("proposal.stale", "proposalId", p.body.id)).toHaveLength(1);
    expect((await approve(founder, p.body.id)).body.error.code).toBe("proposal_already_decided");
  });

  it("an approval's dry run reports a moved target and records nothing; an invite-code proposal creates the very code it showed", async () => {
    const pending = await registerTenant(server);
    const p = await propose(agent, { action: "approve_tenant", target_id: pending.tenantId, rationale: "moves" });
    await server.request(`/v1/admin/tenants/${pending.tenantId}/reject`, { token: cofounder, body: { reason: "no" } });
    const dry = await approve(founder, p.body.id, "?dry_run=true");
    expect(dry.status).toBe(409);
    expect(dry.body.error).toMatchObject({ code: "proposal_stale" });
    expect(dry.body.error.message).toContain("tenant is already rejected");
    expect((await server.request(`/v1/admin/proposals/${p.body.id}`, { token: founder })).body.status).toBe("open");

    const invite = await propose(agent, { action: "create_invite_code", params: { max_uses: 2, note: "meetup" }, rationale: "meetup" });
    const code = invite.body.would_execute.code as string;
    expect((await approve(founder, invite.body.id, "?dry_run=true")).body).toEqual({
      dry_run: true,
      would_execute: invite.body.would_execute,
    });
    const done = await approve(founder, invite.body.id);
    expect(done.body.result.invite_code).toMatchObject({ code, max_uses: 2, note: "meetup" });
    const del = await propose(agent, { action: "delete_invite_code", target_id: done.body.result.invite_code.id, rationale: "over" });
    expect(del.body.summary).toBe(`revoke invite code ${code}`);
    expect((await approve(founder, del.body.id)).body.result.invite_code.status).toBe("revoked");
  });

  it("declines with a reason; a proposal past expires_at is expired on read and refused on approval", async () => {
    const pending = await registerTenant(server);
    const p = await propose(agent, { action: "suspend_tenant", target_id: pending.tenantId, rationale: "no" });
    expect(p.status).toBe(409); // pending cannot be suspended: the dry run's 409
    const q = await propose(agent, { action: "reject_tenant", target_id: pending.tenantId, rationale: "looks like spam" });
    const declined = await server.request(`/v1/admin/proposals/${q.body.id}/decline`, {
      token: founder,
      body: { reason: "they are real" },
    });
    expect(declined.body).toMatchObject({ status: "declined", decision_reason: "they are real" });
    expect((await approve(founder, q.body.id)).body.error.code).toBe("proposal_already_decided");

    const r = await propose(agent, {
      action: "approve_tenant",
      target_id: pending.tenantId,
      rationale: "soon gone",
      expires_in_minutes: 1,
    });
    await server.deps.db.asPlatform((tx) =>
      tx.updateTable("proposals").set({ expires_at: sql<Date>`now() - interval '1 second'` }).where("id", "=", r.body.id).execute(),
    );
    expect((await server.request(`/v1/admin/proposals/${r.body.id}`, { token: agent })).body.status).toBe("expired");
    expect((await approve(founder, r.body.id)).body.error.code).toBe("proposal_expired");
    expect((await statusOf(pending.tenantId)).status).toBe("pending");
    expect(await eventsOf("proposal.expired", "proposalId", r.body.id)).toHaveLength(1);
  });

  it("an approval racing the expiry sweep either executes or expires, never both", async () => {
    for (let round = 0; round < 4; round++) {
      const pending = await registerTenant(server);
      const p = await propose(agent, { action: "approve_tenant", target_id: pending.tenantId, rationale: `race ${round}` });
      await server.deps.db.asPlatform((tx) =>
        tx
          .updateTable("proposals")
          .set({ expires_at: sql<Date>`now() + interval '30 milliseconds'` })
          .where("id", "=", p.body.id)
          .execute(),
      );
      await new Promise((resolve) => setTimeout(resolve, 15 + round * 10));
      await Promise.all([
        ...Array.from({ length: 3 }, () => approve(founder, p.body.id)),
        ...Array.from({ length: 3 }, () => sweepExpiredProposals(server.deps)),
      ]);
      const final = await server.request(`/v1/admin/proposals/${p.body.id}`, { token: founder });
      const tenant = (await statusOf(pending.tenantId)).status;
      const executed = (await eventsOf("proposal.executed", "proposalId", p.body.id)).length;
      const expired = (await eventsOf("proposal.expired", "proposalId", p.body.id)).length;
      if (final.body.status === "executed") {
        expect([tenant, executed, expired]).toEqual(["active", 1, 0]);
      } else {
        expect([final.body.status, tenant, executed, expired]).toEqual(["expired", "pending", 0, 1]);
      }
    }
  });

  it("Slack: Confirm / Decline buttons with the proposal id; a Confirm replayed 5 times executes once and the buttons say who executed it", async () => {
    const pending = await registerTenant(server, { name: "Button Labs" });
    const p = await propose(agent, { action: "approve_tenant", target_id: pending.tenantId, rationale: "ICP match" });
    const message = await waitFor("the Slack proposal message", () =>
      slack.posted().find((r) => r.status === 200 && JSON.stringify(r.body.blocks ?? []).includes(`proposal:${p.body.id}`)),
    );
    // User-supplied text is made inert (no bare links): a zero-width space breaks up the domain.
    const text = JSON.stringify(message.body.blocks).replaceAll("\u200b", "");
    expect(text).toContain(AGENT);
    expect(text).toContain("ICP match");
    expect(text).toContain("Button Labs");
    const buttons = message.body.blocks.find((b: { type: string }) => b.type === "actions").elements;
    expect(buttons.map((b: { action_id: string; value: string }) => [b.action_id, b.value])).toEqual([
      ["approve_proposal", p.body.id],
      ["decline_proposal", p.body.id],
    ]);
    // Not on the Slack allow-list: told privately, nothing happens.
    const stranger = slackRequest(buttonClick("approve_proposal", p.body.id, "USTRANGER", slack.responseUrl()));
    expect((await server.request("/webhooks/slack/action", { rawBody: stranger.rawBody, headers: stranger.headers })).body.outcome).toBe(
      "not_allowed",
    );
    const click = slackRequest(buttonClick("approve_proposal", p.body.id, SLACK_ADMIN, slack.responseUrl()));
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => server.request("/webhooks/slack/action", { rawBody: click.rawBody, headers: click.headers })),
    );
    expect(replies.map((r) => r.body.outcome).sort()).toEqual(["duplicate", "duplicate", "duplicate", "duplicate", "executed"]);
    expect(await eventsOf("tenant.approved", "tenantId", pending.tenantId)).toHaveLength(1);
    const rows = await auditOf("tenant.approved", pending.tenantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ via: "slack", actor: { kind: "slack_user", id: SLACK_ADMIN }, proposal_id: p.body.id });
    await waitFor("the buttons replaced with the outcome", () =>
      slack
        .to("/api/chat.update")
        .find(
          (r) =>
            JSON.stringify(r.body.blocks).includes(`proposal:${p.body.id}`) &&
            JSON.stringify(r.body).includes(`executed by <@${SLACK_ADMIN}>`),
        ),
    );
  });

  it("Slack: a stale Confirm says what changed, and a Decline declines", async () => {
    const pending = await registerTenant(server);
    const p = await propose(agent, { action: "approve_tenant", target_id: pending.tenantId, rationale: "x" });
    await server.request(`/v1/admin/tenants/${pending.tenantId}/approve`, { token: founder, method: "POST" });
    const responseUrl = slack.responseUrl();
    const click = slackRequest(buttonClick("approve_proposal", p.body.id, SLACK_ADMIN, responseUrl));
    const res = await server.request("/webhooks/slack/action", { rawBody: click.rawBody, headers: click.headers });
    expect(res.body.outcome).toBe("stale");
    const reply = await waitFor("the stale reply", () => slack.to(new URL(responseUrl).pathname)[0]);
    expect(JSON.stringify(reply.body)).toContain("tenant is already active");

    const q = await propose(agent, { action: "suspend_tenant", target_id: pending.tenantId, rationale: "abuse" });
    const decline = slackRequest(buttonClick("decline_proposal", q.body.id, SLACK_ADMIN, slack.responseUrl()));
    expect((await server.request("/webhooks/slack/action", { rawBody: decline.rawBody, headers: decline.headers })).body.outcome).toBe(
      "declined",
    );
    expect((await statusOf(pending.tenantId)).status).toBe("active");
  });

  it("Slack: the proposer's own Slack identity cannot confirm (self-approval on every surface)", async () => {
    const pending = await registerTenant(server);
    // A proposal made from Slack's identity (an admin acting as that Slack user) cannot be confirmed by it.
    const viaSlack = {
      tenantId: "",
      userId: null,
      role: "admin",
      isPlatformAdmin: true,
      via: "slack",
      channel: "slack",
      subject: SLACK_ADMIN,
    } as const;
    const { createProposal } = await import("../../src/services/admin/proposals.js");
    const p = await createProposal(server.deps, viaSlack, { action: "approve_tenant", target_id: pending.tenantId, rationale: "self" });
    const click = slackRequest(buttonClick("approve_proposal", p.id, SLACK_ADMIN, slack.responseUrl()));
    const res = await server.request("/webhooks/slack/action", { rawBody: click.rawBody, headers: click.headers });
    expect(res.body).toMatchObject({ outcome: "refused" });
    expect(res.body.message).toContain("cannot decide");
    expect((await statusOf(pending.tenantId)).status).toBe("pending");
  });

  it("emails the founder the facts and how to approve, with no one-click approve link", async () => {
    const pending = await registerTenant(server, { name: "Mail Labs" });
    const p = await propose(agent, { action: "approve_tenant", target_id: pending.tenantId, rationale: "mail me" });
    const mail = await waitFor("the founder's proposal email", () => resend.inbox(FOUNDER).find((m) => m.body.text?.includes(p.body.id)));
    expect(mail.body.subject.replaceAll("\u200b", "")).toContain(AGENT);
    expect(mail.body.text).toContain("mail me");
    expect(mail.body.text).toContain(`brainstormrouter admin proposals approve ${p.body.id}`);
    expect(mail.body.text).not.toMatch(/[?&](token|sig|signature)=/);
  });

  it("the digest counts open proposals, their age and the window's decisions, with a highlight", async () => {
    const pending = await registerTenant(server);
    await propose(agent, { action: "approve_tenant", target_id: pending.tenantId, rationale: "digest" });
    const d = await server.request("/v1/admin/digest", { token: agent });
    expect(d.status).toBe(200);
    expect(d.body.proposals.open).toBeGreaterThan(0);
    expect(d.body.proposals.oldest_open_hours).toBeGreaterThanOrEqual(0);
    expect(d.body.proposals.executed).toBeGreaterThan(0);
    expect(d.body.proposals.declined).toBeGreaterThan(0);
    expect(d.body.proposals.expired).toBeGreaterThan(0);
    expect(d.body.highlights.some((h: string) => h.includes("waiting for your decision"))).toBe(true);
  });
});
