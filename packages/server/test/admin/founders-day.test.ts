import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/fakes/http-fake.js";
import { RESEND_API_KEY, startFakeResend, type FakeResend } from "../support/fakes/resend.js";
import { SLACK_BOT_TOKEN, startFakeSlack, type FakeSlack } from "../support/fakes/slack.js";
import type { TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { buttonClick, FOUNDER, founderToken, SLACK_ADMIN, SLACK_SIGNING_SECRET, slackRequest, startAdminServer } from "./support.js";

/** The "Done when": the founder runs the beta from Slack, email and the admin API. */
describe.each(ENGINES)("the founder's day on %s", (engine) => {
  let slack: FakeSlack;
  let resend: FakeResend;
  let server: TestServer;
  beforeAll(async () => {
    slack = await startFakeSlack();
    resend = await startFakeResend();
    server = await startAdminServer(engine, {
      SLACK_BOT_TOKEN,
      SLACK_CHANNEL_ID: "CFOUNDERS",
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET,
      BR_SLACK_ADMIN_USER_IDS: SLACK_ADMIN,
      RESEND_API_KEY,
      RESEND_API_URL: resend.url,
      BR_ADMIN_EMAILS: FOUNDER,
    });
  });
  afterAll(async () => {
    await server.close();
    await slack.close();
    await resend.close();
  });

  it("signup → Slack buttons and founder email → signed click approves → key works → dry-run then suspend → key stops → digest tells it all", async () => {
    // 1. An agent registers without an invite: held pending, its key refused with `wait`.
    const signup = await server.request("/v1/register", {
      body: { tenant_name: "Night Owl Agents", admin_email: "owl@agents.test", accept_tos: true },
    });
    expect(signup.status).toBe(202);
    const tenantId: string = signup.body.tenant.id;
    const key: string = signup.body.api_key.key;
    const pending = await server.request("/v1/tenant", { token: key });
    expect(pending.body.error).toMatchObject({ code: "tenant_pending", recovery: { action: "wait" } });

    // 2. Slack gets the signup with buttons; the founder's inbox gets the email.
    const message = await waitFor("the Slack signup message", () =>
      slack.posted().find((r) => r.status === 200 && JSON.stringify(r.body.blocks ?? []).includes(tenantId)),
    );
    const buttons = message.body.blocks.find((b: { type: string }) => b.type === "actions").elements;
    expect(buttons.map((b: { action_id: string }) => b.action_id)).toEqual(["approve_tenant", "reject_tenant"]);
    const founderMail = await waitFor("the founder's email", () =>
      resend.inbox(FOUNDER).find((m) => m.body.subject.includes("Night Owl Agents")),
    );
    expect(founderMail.body.text).toContain(`/v1/admin/tenants/${tenantId}/approve`);

    // 3. The founder clicks Approve in Slack; the request is signed as Slack signs it.
    const responseUrl = slack.responseUrl();
    const click = slackRequest(buttonClick("approve_tenant", buttons[0].value, SLACK_ADMIN, responseUrl));
    const clicked = await server.request("/webhooks/slack/action", { rawBody: click.rawBody, headers: click.headers });
    expect(clicked.body.outcome).toBe("approved");
    await waitFor("the Slack message update", () => slack.to(new URL(responseUrl).pathname)[0]);

    // 4. The agent's key works.
    const working = await server.request("/v1/tenant", { token: key });
    expect(working.status).toBe(200);
    expect(working.body.tenant.status).toBe("active");

    // 5. The admin suspends: a dry run first (nothing happens), then for real.
    const admin = await founderToken();
    const dry = await server.request(`/v1/admin/tenants/${tenantId}/suspend?dry_run=true`, {
      token: admin,
      body: { reason: "runaway spend" },
    });
    expect(dry.body).toEqual({
      dry_run: true,
      would_execute: {
        action: "suspend_tenant",
        id: tenantId,
        from: "active",
        to: "suspended",
        reason: "runaway spend",
        events: ["tenant.suspended"],
      },
    });
    expect((await server.request("/v1/tenant", { token: key })).status).toBe(200);
    const suspended = await server.request(`/v1/admin/tenants/${tenantId}/suspend`, { token: admin, body: { reason: "runaway spend" } });
    expect(suspended.status).toBe(200);

    // 6. The key stops at once.
    const stopped = await server.request("/v1/tenant", { token: key });
    expect(stopped.status).toBe(403);
    expect(stopped.body.error.code).toBe("tenant_suspended");

    // 7. The digest reports all of it, once the notifications have gone out.
    await waitFor("the tenant's suspension email", () => resend.inbox("owl@agents.test").find((m) => m.body.subject.includes("suspended")));
    const digest = await waitFor("a digest with every notification delivered", async () => {
      const d = (await server.request("/v1/admin/digest?window=24h", { token: admin })).body;
      return d.notifications.pending === 0 ? d : null;
    });
    expect(digest).toMatchObject({
      signups: 1,
      approvals: 1,
      suspensions: 1,
      tenants: { by_status: { pending: 0, active: 0, rejected: 0, suspended: 1 } },
      oldest_pending: null,
      active_keys: 0,
      failed_notifications: 0,
    });
    expect(digest.notifications.delivered).toBeGreaterThanOrEqual(6);
    expect(digest.highlights).toContain("1 signup in the last 24 h; 1 approved, 1 suspended.");
    const detail = await server.request(`/v1/admin/tenants/${tenantId}`, { token: admin });
    expect(detail.body.status_history.map((h: { to: string; actor: string }) => `${h.to} by ${h.actor}`)).toEqual([
      "pending by registration",
      `active by slack:${SLACK_ADMIN}`,
      "suspended by jwt:user|founder@br.test",
    ]);
  });
});
