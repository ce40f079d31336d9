import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit } from "../../src/events/outbox.js";
import type { BudgetAlert } from "../../src/events/types.js";
import { budgetAlerter } from "../../src/governance/budget-alerts.js";
import { periodWindow } from "../../src/governance/budget-period.js";
import { waitFor } from "../support/fakes/http-fake.js";
import { RESEND_API_KEY, startFakeResend, type FakeResend } from "../support/fakes/resend.js";
import { SLACK_BOT_TOKEN, startFakeSlack, type FakeSlack } from "../support/fakes/slack.js";
import { registerTenant, type Registered, type TestServer } from "../support/harness.js";
import { ENGINES } from "../support/services.js";
import { human, joinAs, ownedTenant, type Human } from "../identity-bridge/helpers.js";
import { deliveriesIdle, startAdminServer } from "./support.js";

/** The deliveries of one event, by subscriber. */
async function deliveriesOf(server: TestServer, eventId: string) {
  const rows = await server.deps.db.asPlatform((tx) =>
    tx.selectFrom("event_deliveries").select(["id", "subscriber", "status"]).where("event_id", "=", eventId).execute(),
  );
  return Object.fromEntries(rows.map((r) => [r.subscriber, r]));
}

const alert = (reg: Registered, name: string, over: Partial<BudgetAlert> = {}): BudgetAlert => ({
  tenantId: reg.tenantId,
  tenantSlug: reg.slug,
  tenantName: name,
  scope: "tenant",
  keyId: null,
  keyName: null,
  budgetUsd: 50,
  budgetPeriod: "monthly",
  spentUsd: 41.5,
  period: "m2026-12",
  resetsAt: "2027-01-01T00:00:00.000Z",
  ...over,
});

describe.each(ENGINES)("budget alerts on %s", (engine) => {
  let resend: FakeResend;
  let slack: FakeSlack;
  let server: TestServer;
  // Owned: two owners, an admin and a developer. Unclaimed: only its admin_email.
  let owned: { reg: Registered; owners: Human[]; admin: Human; developer: Human };
  let unclaimed: Registered;
  let otherOwner: Human;

  beforeAll(async () => {
    [resend, slack] = await Promise.all([startFakeResend(), startFakeSlack()]);
    server = await startAdminServer(engine, {
      RESEND_API_KEY,
      RESEND_API_URL: resend.url,
      SLACK_BOT_TOKEN,
      SLACK_CHANNEL_ID: "CADMIN",
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: "unused-here",
    });
    const { reg, owner } = await ownedTenant(server);
    const [second, admin, developer] = [await human("second-owner"), await human("admin"), await human("developer")];
    await joinAs(server, reg, second, "owner", owner);
    await joinAs(server, reg, admin, "admin", owner);
    await joinAs(server, reg, developer, "member", owner);
    owned = { reg, owners: [owner, second], admin, developer };
    unclaimed = await registerTenant(server, { active: true, name: "Unclaimed Lab", email: "unclaimed-admin@lab.test" });
    // Another tenant's owner: a look-up not confined to the tenant would mail them too.
    otherOwner = (await ownedTenant(server)).owner;
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([resend?.close(), slack?.close()]);
  });

  // A budget notice names the tenant by name and slug; its signup message is the other post about it.
  const budgetPosts = (slug: string) =>
    slack.posted().filter((r) => String(r.body.text).includes(slug) && String(r.body.text).includes("budget"));

  it("mails every owner (not admins, developers or another tenant's owners) when a key crosses 80 %, and Slack hears nothing", async () => {
    const { reg, owners, admin, developer } = owned;
    const key = await server.request(`/v1/tenant/api-keys/${reg.keyId}`, { token: reg.key, method: "PATCH", body: { name: "ci-bot" } });
    expect(key.status).toBe(200);
    const now = Date.UTC(2026, 11, 3, 15);
    const alerter = budgetAlerter(server.deps.db, server.deps.log);
    alerter({
      budget: { scope: "key", id: reg.keyId, tenantId: reg.tenantId, usd: 10, period: "daily" },
      level: "threshold",
      spentUsd: 8.25,
      window: periodWindow("daily", now),
    });
    const mail = await waitFor("the owners' budget mail", () =>
      resend.inbox(owners[0]!.email).find((m) => m.body.subject.includes("ci-bot")),
    );
    expect([...mail.body.to].sort()).toEqual(owners.map((o) => o.email).sort());
    for (const other of [admin, developer, otherOwner]) expect(resend.inbox(other.email)).toEqual([]);
    expect(mail.body.subject).toMatch(/^API key "ci-bot" of Lab [0-9a-f]{6} has used 82% of its daily budget for 2026-12-03 \(UTC\)$/);
    expect(mail.body.text).toContain("has spent $8.25 of its $10.00 daily budget");
    expect(mail.body.text).toContain("It resets at 2026-12-04 00:00 UTC.");
    expect(mail.body.text).toContain(`http://br.test/dashboard/keys`);
    const [event] = await server.deps.db.asPlatform((tx) =>
      tx.selectFrom("platform_events").select("id").where("tenant_id", "=", reg.tenantId).where("type", "=", "budget.threshold").execute(),
    );
    // Idempotent across retries: the mail carries its delivery id; Slack's delivery ends without a post.
    const rows = await waitFor("both deliveries settled", async () => {
      const d = await deliveriesOf(server, event!.id);
      return d["email.budget"]?.status === "delivered" && d.slack?.status === "delivered" ? d : null;
    });
    expect(mail.headers["idempotency-key"]).toBe(rows["email.budget"]!.id);
    expect(budgetPosts(reg.slug)).toEqual([]);
  });

  it("mails an unclaimed tenant's admin_email and posts its tenant budget to Slack, saying a lifetime budget must be raised", async () => {
    await server.deps.db.asPlatform((tx) =>
      emit(
        tx,
        "budget.exceeded",
        alert(unclaimed, "Unclaimed Lab", { budgetPeriod: "lifetime", period: "life", resetsAt: null, spentUsd: 20.01, budgetUsd: 20 }),
        unclaimed.tenantId,
      ),
    );
    const mail = await waitFor("the admin_email's budget mail", () =>
      resend.inbox("unclaimed-admin@lab.test").find((m) => m.body.subject.includes("over")),
    );
    expect(mail.body.to).toEqual(["unclaimed-admin@lab.test"]);
    expect(mail.body.subject).toBe("Unclaimed Lab is over its lifetime budget");
    expect(mail.body.text).toContain("$20.01 of its $20.00 lifetime budget");
    expect(mail.body.text).toContain("has to be raised");
    expect(mail.body.text).toContain("http://br.test/dashboard/settings");
    const post = await waitFor("the Slack notice", () => budgetPosts(unclaimed.slug)[0]);
    expect(post.body.channel).toBe("CADMIN");
    expect(post.body.text).toContain("*Unclaimed Lab*");
    expect(post.body.text).toContain("over its lifetime budget: $20.01 of $20.00");
  });

  it("posts a tenant's 80 % to Slack and mails its owners, but never posts a key's budget", async () => {
    const { reg, owners } = owned;
    await server.deps.db.asPlatform(async (tx) => {
      await emit(tx, "budget.threshold", alert(reg, "Owned Lab"), reg.tenantId);
      await emit(tx, "budget.exceeded", alert(reg, "Owned Lab", { scope: "key", keyId: reg.keyId, keyName: "batch-job" }), reg.tenantId);
    });
    await waitFor("both mails", () => {
      const subjects = resend.inbox(owners[1]!.email).map((m) => m.body.subject as string);
      return (
        subjects.includes("Owned Lab has used 83% of its monthly budget for 2026-12 (UTC)") &&
        subjects.includes(`API key "batch-job" of Owned Lab is over its monthly budget for 2026-12 (UTC)`)
      );
    });
    await deliveriesIdle(server, "slack");
    const notices = slack.posted().filter((r) => String(r.body.text).includes("Owned Lab"));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body.text).toContain(":warning: has used 83% of its monthly budget for 2026-12 (UTC): $41.50 of $50.00");
    expect(notices[0]!.body.text).not.toContain("batch-job");
  });

  it("keeps forged tenant and key names inert in the mail and in Slack", async () => {
    const { reg, owners } = owned;
    const forgedTenant = "Acme\nTo change the budget: https://evil.example/pay <!channel> <https://evil.example|dashboard>";
    const forgedKey = "bot\r\nFrom now on: www.evil.example";
    await server.deps.db.asPlatform(async (tx) => {
      await emit(tx, "budget.exceeded", alert(reg, forgedTenant, { period: "m2026-11" }), reg.tenantId);
      await emit(tx, "budget.threshold", alert(reg, forgedTenant, { scope: "key", keyId: reg.keyId, keyName: forgedKey }), reg.tenantId);
    });
    const mails = await waitFor("both forged mails", () => {
      const found = resend
        .inbox(owners[0]!.email)
        .filter((m) => String(m.body.subject).startsWith("Acme") || String(m.body.subject).includes('"bot'));
      return found.length === 2 ? found : null;
    });
    for (const m of mails) {
      expect(m.body.subject).not.toMatch(/[\r\n]/);
      const lines = String(m.body.text).split("\n");
      expect(lines).toHaveLength(5); // our own five lines; the forged ones stay inline
      expect(lines.filter((l) => l.startsWith("To change the budget:"))).toHaveLength(1);
      expect(lines.at(-1)).toMatch(/^To change the budget: the (settings|API keys) page, http:\/\/br\.test\/dashboard\//);
      expect(m.body.text).not.toMatch(/https:\/\/evil|evil\.example/);
    }
    await deliveriesIdle(server, "slack");
    const notice = slack.posted().find((r) => String(r.body.text).includes("Acme"))!;
    expect(notice.body.text).not.toMatch(/[\r\n]/);
    expect(notice.body.text).not.toContain("<!channel>");
    expect(notice.body.text).not.toContain("<https://");
    expect(notice.body.text).toContain("&lt;!channel&gt;");
    expect(notice.body.text).not.toMatch(/evil\.example/);
  });
});
