import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/fakes/http-fake.js";
import { SLACK_BOT_TOKEN, startFakeSlack, type FakeSlack } from "../support/fakes/slack.js";
import { registerTenant, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { buttonClick, deliveriesIdle, founderToken, SLACK_ADMIN, SLACK_SIGNING_SECRET, slackRequest, startAdminServer } from "./support.js";

const statusOf = (server: TestServer, id: string) =>
  server.deps.db.asPlatform(
    async (tx) => (await tx.selectFrom("tenants").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status,
  );

const slackDelivery = (server: TestServer, tenantId: string) =>
  server.deps.db.asPlatform((tx) =>
    tx
      .selectFrom("event_deliveries as d")
      .innerJoin("platform_events as e", "e.id", "d.event_id")
      .select(["d.status", "d.attempts", "d.last_error"])
      .where("d.subscriber", "=", "slack")
      .where("e.tenant_id", "=", tenantId)
      .where("e.type", "=", "tenant.signup")
      .executeTakeFirst(),
  );

const admin = async (server: TestServer, id: string, action: "approve" | "reject" | "suspend") => {
  const res = await server.request(`/v1/admin/tenants/${id}/${action}`, { token: await founderToken(), method: "POST" });
  expect(res.status).toBe(200);
};

describe.each(ENGINES)("Slack security on %s", (engine) => {
  let slack: FakeSlack;
  let server: TestServer;
  beforeAll(async () => {
    slack = await startFakeSlack();
    server = await startAdminServer(engine, {
      SLACK_BOT_TOKEN,
      SLACK_CHANNEL_ID: "CADMIN",
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET,
      BR_SLACK_ADMIN_USER_IDS: SLACK_ADMIN,
    });
  });
  afterAll(async () => {
    await server.close();
    await slack.close();
  });

  const signupMessage = (tenantId: string) =>
    waitFor(`the signup message of ${tenantId}`, () =>
      slack.posted().find((r) => r.status === 200 && JSON.stringify(r.body.blocks ?? []).includes(`tenant:${tenantId}`)),
    );
  const click = (tenantId: string, responseUrl = slack.responseUrl()) => {
    const req = slackRequest(buttonClick("approve_tenant", tenantId, SLACK_ADMIN, responseUrl));
    return server.request("/webhooks/slack/action", { rawBody: req.rawBody, headers: req.headers });
  };
  const updatesOf = (tenantId: string) =>
    slack.to("/api/chat.update").filter((r) => JSON.stringify(r.body.blocks).includes(`tenant:${tenantId}`));

  it("a stale Approve button does not re-activate a tenant suspended through the API", async () => {
    const reg = await registerTenant(server);
    await signupMessage(reg.tenantId);
    await admin(server, reg.tenantId, "approve");
    await admin(server, reg.tenantId, "suspend");
    const responseUrl = slack.responseUrl();
    const res = await click(reg.tenantId, responseUrl);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("already_decided");
    expect(await statusOf(server, reg.tenantId)).toBe("suspended");
    const reply = await waitFor("the private reply", () => slack.to(new URL(responseUrl).pathname)[0]);
    expect(reply.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(reply.body.text).toMatch(/already decided/i);
  });

  it("takes the buttons off the signup message when the tenant is approved through the API", async () => {
    const reg = await registerTenant(server);
    const posted = await signupMessage(reg.tenantId);
    await admin(server, reg.tenantId, "approve");
    const update = await waitFor("the signup message update", () => updatesOf(reg.tenantId)[0]);
    const where = posted.answer as { channel: string; ts: string };
    expect(update.body).toMatchObject({ channel: where.channel, ts: where.ts });
    expect(JSON.stringify(update.body.blocks)).not.toContain("approve_tenant");
    expect(update.body.text).toContain("approved by");
  });

  it("a decision taken before the signup message could be posted still takes its buttons away, naming who decided", async () => {
    await deliveriesIdle(server, "slack");
    // The signup post waits out a 429 while the approval is delivered: the approval finds no
    // message to update, so the signup delivery must notice the decision itself.
    slack.failNext(1, { status: 429, headers: { "retry-after": "2" }, body: { ok: false, error: "ratelimited" } }, "/api/chat.postMessage");
    const reg = await registerTenant(server, { name: "Late Lab" });
    await waitFor("the refused signup post", () => slack.pendingFailures() === 0);
    await admin(server, reg.tenantId, "approve");
    const posted = await signupMessage(reg.tenantId);
    const notice = slack
      .posted()
      .findIndex((r) => r.status === 200 && String(r.body.text).includes("Late Lab") && String(r.body.text).includes("was approved"));
    expect(notice).toBeGreaterThanOrEqual(0);
    expect(notice).toBeLessThan(slack.posted().indexOf(posted));
    const update = await waitFor("the signup message update", () => updatesOf(reg.tenantId)[0]);
    expect(update.body.ts).toBe((posted.answer as { ts: string }).ts);
    expect(JSON.stringify(update.body.blocks)).not.toContain("approve_tenant");
    expect(update.body.text).toMatch(/^Late Lab approved by \S*user\|founder@br\.test$/);
  });

  it("takes the buttons off the signup message when the tenant is rejected through the API", async () => {
    const reg = await registerTenant(server);
    const posted = await signupMessage(reg.tenantId);
    await admin(server, reg.tenantId, "reject");
    const update = await waitFor("the signup message update", () => updatesOf(reg.tenantId)[0]);
    expect(update.body.ts).toBe((posted.answer as { ts: string }).ts);
    expect(JSON.stringify(update.body.blocks)).not.toContain("reject_tenant");
  });

  it("a tenant name with Slack control sequences posts no unescaped <!channel> or link in any text or block", async () => {
    const reg = await registerTenant(server, { name: "<!channel> <https://evil/|x>" });
    await signupMessage(reg.tenantId);
    await admin(server, reg.tenantId, "approve");
    // This tenant's notice: earlier tests post "was approved" for their own tenants.
    await waitFor("the approval notice", () =>
      slack.posted().find((r) => String(r.body.text).includes("was approved") && r.raw.includes("channel&gt;")),
    );
    await waitFor("the signup message update", () => updatesOf(reg.tenantId)[0]);
    const sent = slack.requests.filter((r) => r.path.startsWith("/api/") && r.raw.includes("channel&gt;"));
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (const r of slack.requests.filter((x) => x.path.startsWith("/api/"))) {
      const visible = JSON.stringify({ text: r.body.text, blocks: r.body.blocks });
      expect(visible).not.toContain("<!channel>");
      expect(visible).not.toContain("<https://evil");
    }
  });

  it("a 429 on a click's response_url does not put the response_url in the logs", async () => {
    const reg = await registerTenant(server);
    const responseUrl = slack.responseUrl();
    const path = new URL(responseUrl).pathname;
    slack.failNext(1, { status: 429, headers: { "retry-after": "1" } }, path);
    expect((await click(reg.tenantId, responseUrl)).body.outcome).toBe("approved");
    await waitFor("the update attempt", () => slack.to(path)[0]);
    await waitFor("the warning", () => server.logs.some((l) => l.includes("could not update the Slack message")));
    expect(server.logs.join("\n")).not.toContain(path);
  });
});

describe("Slack incoming webhook secrecy", () => {
  let slack: FakeSlack;
  let server: TestServer;
  beforeAll(async () => {
    slack = await startFakeSlack();
    server = await startAdminServer("pglite", { SLACK_WEBHOOK_URL: slack.webhookUrl });
  });
  afterAll(async () => {
    await server.close();
    await slack.close();
  });

  it("a 429 from the incoming webhook leaves its URL out of last_error and the logs", async () => {
    // Retry-After far beyond the test: the delivery stays pending with its error recorded.
    slack.failNext(1, { status: 429, headers: { "retry-after": "600" }, body: "rate_limited" }, "/hooks/incoming");
    const reg = await registerTenant(server);
    const row = await waitFor("the failed attempt recorded", async () => {
      const r = await slackDelivery(server, reg.tenantId);
      return r?.last_error ? r : null;
    });
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.last_error).toContain("incoming webhook");
    expect(row.last_error).not.toContain("/hooks/incoming");
    await waitFor("the retry warning", () => server.logs.some((l) => l.includes("will retry")));
    const logs = server.logs.join("\n");
    expect(logs).toContain("incoming webhook");
    expect(logs).not.toContain("/hooks/incoming");
  });
});
