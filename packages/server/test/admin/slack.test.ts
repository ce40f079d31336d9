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

describe.each(ENGINES)("Slack on %s", (engine) => {
  let slack: FakeSlack;
  let server: TestServer;
  beforeAll(async () => {
    slack = await startFakeSlack();
    server = await startAdminServer(engine, {
      SLACK_BOT_TOKEN,
      SLACK_CHANNEL_ID: "CADMIN",
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET,
      BR_SLACK_ADMIN_USER_IDS: `${SLACK_ADMIN},UOTHERADMIN`,
      BR_EVENTS_MAX_ATTEMPTS: "4",
    });
  });
  afterAll(async () => {
    await server.close();
    await slack.close();
  });

  const idle = () => deliveriesIdle(server, "slack");
  const signupMessage = (tenantId: string) =>
    waitFor(`the signup message of ${tenantId}`, () =>
      slack.posted().find((r) => r.status === 200 && JSON.stringify(r.body.blocks ?? []).includes(`tenant:${tenantId}`)),
    );
  const click = (
    action: "approve_tenant" | "reject_tenant",
    tenantId: string,
    options: { user?: string; timestamp?: number; secret?: string } = {},
  ) => {
    const req = slackRequest(buttonClick(action, tenantId, options.user ?? SLACK_ADMIN, slack.responseUrl()), options);
    return { req, send: () => server.request("/webhooks/slack/action", { rawBody: req.rawBody, headers: req.headers }) };
  };

  it("posts each signup in Block Kit with Approve / Reject buttons carrying the tenant id and the delivery id", async () => {
    const reg = await registerTenant(server, { name: "Button Lab" });
    const msg = await signupMessage(reg.tenantId);
    expect(msg.headers.authorization).toBe(`Bearer ${SLACK_BOT_TOKEN}`);
    expect(msg.body.channel).toBe("CADMIN");
    const actions = msg.body.blocks.find((b: { type: string }) => b.type === "actions");
    expect(actions.elements).toEqual([
      expect.objectContaining({ type: "button", action_id: "approve_tenant", value: reg.tenantId }),
      expect.objectContaining({ type: "button", action_id: "reject_tenant", value: reg.tenantId }),
    ]);
    const [delivery] = await server.deps.db.asPlatform((tx) =>
      tx
        .selectFrom("event_deliveries as d")
        .innerJoin("platform_events as e", "e.id", "d.event_id")
        .select("d.id")
        .where("d.subscriber", "=", "slack")
        .where("e.tenant_id", "=", reg.tenantId)
        .execute(),
    );
    expect(msg.headers["x-br-delivery-id"]).toBe(delivery!.id);
    expect(msg.body.metadata.event_payload.delivery_id).toBe(delivery!.id);
  });

  it("posts an invited (already active) signup without buttons", async () => {
    const reg = await registerTenant(server, { active: true });
    const msg = await signupMessage(reg.tenantId);
    expect(msg.body.blocks.some((b: { type: string }) => b.type === "actions")).toBe(false);
  });

  it("approves on a signed click by a Slack admin, through the admin service, and replaces the message", async () => {
    const reg = await registerTenant(server);
    await signupMessage(reg.tenantId);
    const { req, send } = click("approve_tenant", reg.tenantId, { timestamp: Math.floor(Date.now() / 1000) - 290 });
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("approved");
    expect(await statusOf(server, reg.tenantId)).toBe("active");
    expect((await server.request("/v1/tenant", { token: reg.key })).status).toBe(200);
    const detail = await server.request(`/v1/admin/tenants/${reg.tenantId}`, { token: await founderToken() });
    expect(detail.body.status_history.at(-1)).toMatchObject({ from: "pending", to: "active", actor: `slack:${SLACK_ADMIN}` });
    const responseUrlPath = new URL(JSON.parse(new URLSearchParams(req.rawBody).get("payload")!).response_url).pathname;
    const update = await waitFor("the message update", () => slack.to(responseUrlPath)[0]);
    expect(update.body.replace_original).toBe(true);
    expect(update.body.text).toContain(`approved by <@${SLACK_ADMIN}>`);
    expect(JSON.stringify(update.body.blocks)).not.toContain("approve_tenant");
  });

  it("replaces the clicked message with chat.update when the click carries no response_url", async () => {
    const reg = await registerTenant(server);
    const ts = `${Date.now() / 1000}1`; // a message of its own: the decision's own update targets the posted one
    const payload = { ...buttonClick("approve_tenant", reg.tenantId, SLACK_ADMIN, ""), response_url: undefined };
    payload.container.message_ts = ts;
    const req = slackRequest(payload);
    const res = await server.request("/webhooks/slack/action", { rawBody: req.rawBody, headers: req.headers });
    expect(res.body.outcome).toBe("approved");
    const update = await waitFor("the chat.update of the clicked message", () =>
      slack.to("/api/chat.update").find((r) => r.body.ts === ts),
    );
    expect(update.headers.authorization).toBe(`Bearer ${SLACK_BOT_TOKEN}`);
    expect(update.body.channel).toBe("CADMIN");
    expect(update.body.text).toContain(`approved by <@${SLACK_ADMIN}>`);
    expect(JSON.stringify(update.body.blocks)).not.toContain("approve_tenant");
  });

  it("rejects on a signed Reject click", async () => {
    const reg = await registerTenant(server);
    const res = await click("reject_tenant", reg.tenantId).send();
    expect(res.body.outcome).toBe("rejected");
    expect(await statusOf(server, reg.tenantId)).toBe("rejected");
  });

  it("refuses forged, tampered and unsigned requests with 401 and changes nothing", async () => {
    const reg = await registerTenant(server);
    const forged = click("approve_tenant", reg.tenantId, { secret: "not-the-secret" });
    expect((await forged.send()).status).toBe(401);
    const genuine = click("approve_tenant", reg.tenantId).req;
    const other = await registerTenant(server);
    const tampered = genuine.rawBody.replace(reg.tenantId, other.tenantId);
    const res = await server.request("/webhooks/slack/action", { rawBody: tampered, headers: genuine.headers });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("invalid_slack_signature");
    const unsigned = await server.request("/webhooks/slack/action", {
      rawBody: genuine.rawBody,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(unsigned.status).toBe(401);
    expect(await statusOf(server, reg.tenantId)).toBe("pending");
    expect(await statusOf(server, other.tenantId)).toBe("pending");
  });

  it.each([
    ["more than 300 s old", -301],
    ["more than 300 s in the future", 301],
  ])("refuses a correctly signed request %s", async (_, skew) => {
    const reg = await registerTenant(server);
    const res = await click("approve_tenant", reg.tenantId, { timestamp: Math.floor(Date.now() / 1000) + skew }).send();
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("stale_slack_request");
    expect(await statusOf(server, reg.tenantId)).toBe("pending");
  });

  it("does nothing twice for a replay inside the window, even after the admin changed the tenant since", async () => {
    const reg = await registerTenant(server);
    const { send } = click("approve_tenant", reg.tenantId);
    expect((await send()).body.outcome).toBe("approved");
    await server.request(`/v1/admin/tenants/${reg.tenantId}/suspend`, { token: await founderToken(), method: "POST" });
    const replay = await send();
    expect(replay.status).toBe(200);
    expect(replay.body.outcome).toBe("duplicate");
    expect(await statusOf(server, reg.tenantId)).toBe("suspended");
  });

  it("acts only for Slack users in BR_SLACK_ADMIN_USER_IDS, telling others privately", async () => {
    const reg = await registerTenant(server);
    const { req, send } = click("approve_tenant", reg.tenantId, { user: "UINTERN" });
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("not_allowed");
    expect(await statusOf(server, reg.tenantId)).toBe("pending");
    const path = new URL(JSON.parse(new URLSearchParams(req.rawBody).get("payload")!).response_url).pathname;
    const reply = await waitFor("the private reply", () => slack.to(path)[0]);
    expect(reply.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
  });

  it("tells a second admin the tenant was already decided (409 from the service), changing nothing", async () => {
    const reg = await registerTenant(server);
    expect((await click("approve_tenant", reg.tenantId).send()).body.outcome).toBe("approved");
    const late = await click("reject_tenant", reg.tenantId, { user: "UOTHERADMIN" }).send();
    expect(late.body).toMatchObject({ outcome: "already_decided" });
    expect(await statusOf(server, reg.tenantId)).toBe("active");
  });

  it("waits as long as a 429's Retry-After says before trying again", async () => {
    await idle();
    slack.failNext(1, { status: 429, headers: { "retry-after": "1" }, body: { ok: false, error: "ratelimited" } }, "/api/chat.postMessage");
    const reg = await registerTenant(server);
    await signupMessage(reg.tenantId);
    expect(slack.pendingFailures()).toBe(0);
    const row = await waitFor("the delivery recorded", async () => {
      const r = await server.deps.db.asPlatform((tx) =>
        tx
          .selectFrom("event_deliveries as d")
          .innerJoin("platform_events as e", "e.id", "d.event_id")
          .select(["d.attempts", "d.status", "d.created_at", "d.delivered_at"])
          .where("d.subscriber", "=", "slack")
          .where("e.tenant_id", "=", reg.tenantId)
          .executeTakeFirstOrThrow(),
      );
      return r.status === "delivered" ? r : null;
    });
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
    // A lower bound only: the retry cannot come before the second Slack asked for.
    expect(row.delivered_at!.getTime() - row.created_at.getTime()).toBeGreaterThanOrEqual(950);
  });

  it("survives an outage of 500s: every event ends delivered or failed, none lost, none duplicated", async () => {
    await idle();
    slack.failNext(9, { status: 500, body: { ok: false, error: "fatal_error" } }, "/api/chat.postMessage");
    const regs = [];
    for (let i = 0; i < 4; i++) regs.push(await registerTenant(server));
    const ids = regs.map((r) => r.tenantId);
    const rows = await waitFor("every delivery settled", async () => {
      const all = await server.deps.db.asPlatform((tx) =>
        tx
          .selectFrom("event_deliveries as d")
          .innerJoin("platform_events as e", "e.id", "d.event_id")
          .select(["d.id", "d.status", "d.attempts"])
          .where("d.subscriber", "=", "slack")
          .where("e.tenant_id", "in", ids)
          .execute(),
      );
      return all.length === 4 && all.every((r) => r.status !== "pending") ? all : null;
    });
    expect(slack.pendingFailures()).toBe(0);
    const accepted = slack.uniqueMessages().map((m) => String(m.headers["x-br-delivery-id"]));
    for (const row of rows) {
      if (row.status === "delivered") expect(accepted.filter((id) => id === row.id)).toHaveLength(1);
      else expect(row).toMatchObject({ status: "failed", attempts: 4 });
    }
    expect(rows.filter((r) => r.status === "delivered").length).toBeGreaterThanOrEqual(2);
  });
});

describe("Slack incoming webhook", () => {
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

  it("posts the signup message to SLACK_WEBHOOK_URL when no bot token is set", async () => {
    const reg = await registerTenant(server);
    const msg = await waitFor("the webhook post", () => slack.to("/hooks/incoming")[0]);
    expect(msg.headers.authorization).toBeUndefined();
    expect(JSON.stringify(msg.body.blocks)).toContain(reg.tenantId);
    expect(msg.headers["x-br-delivery-id"]).toEqual(expect.any(String));
  });
});
