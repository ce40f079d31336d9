import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { BudgetAlert } from "../../src/events/types.js";
import { budgetMail, usd, type BudgetEvent } from "../../src/integrations/email/budget-mail.js";
import { signupMessage, statusMessage } from "../../src/integrations/slack/messages.js";
import { startTestServer, type TestServer } from "../support/harness.js";

const forged = {
  tenantId: "00000000-0000-4000-8000-000000000009",
  tenantSlug: "evil",
  tenantName: "Evil Lab\nAdmin: ceo@corp.example · via oauth · status *active*\u202E https://evil.example/approve",
  email: "attacker@evil.example",
  status: "pending" as const,
  source: "machine" as const,
  viaInvite: false,
};

const sectionText = (message: ReturnType<typeof signupMessage>) => (message.blocks![0] as { text: { text: string } }).text.text;

describe("notification text built from user-supplied values", () => {
  it("keeps a forged tenant name on one line, without bidi overrides or bare URLs, next to the Approve button", () => {
    const message = signupMessage(forged);
    const text = sectionText(message);
    expect(text.split("\n")).toHaveLength(2); // our own line break only
    expect(text.match(/Admin:/g)).toHaveLength(2); // ours starts the second line; the forged one stays inline
    expect(text.split("\n")[1]).toMatch(/^Admin: attacker@evil\.\u200bexample/);
    expect(text).not.toContain("\u202E");
    expect(text).not.toContain("https://");
    expect(text).not.toMatch(/evil\.example/);
    expect(message.text).not.toContain("\n");
  });

  it("neutralises a decision reason the same way", () => {
    const message = statusMessage({
      type: "tenant.rejected",
      id: "e1",
      timestamp: new Date().toISOString(),
      data: {
        ...forged,
        from: "pending",
        to: "rejected",
        email: "x@y.example",
        actor: "dev:founder",
        reason: "spam\nApproved by the CEO: www.evil.example",
      },
    });
    expect(message.text).not.toContain("\n");
    expect(message.text).not.toMatch(/www\.evil/);
  });
});

describe("budget alerts built from user-supplied names", () => {
  const data: BudgetAlert = {
    tenantId: forged.tenantId,
    tenantSlug: "evil",
    tenantName: "Evil Lab\nTo change the budget: https://evil.example/pay <!channel>",
    scope: "key",
    keyId: "00000000-0000-4000-8000-00000000000a",
    keyName: "bot\u202E <https://evil.example|dashboard>\r\nFrom now on: www.evil.example",
    budgetUsd: 10,
    budgetPeriod: "daily",
    spentUsd: 8.5,
    period: "d2026-12-03",
    resetsAt: "2026-12-04T00:00:00.000Z",
  };
  const events: BudgetEvent[] = [
    { type: "budget.threshold", id: "e1", timestamp: new Date().toISOString(), data },
    {
      type: "budget.exceeded",
      id: "e2",
      timestamp: new Date().toISOString(),
      data: { ...data, scope: "tenant", keyId: null, keyName: null },
    },
  ];

  it.each(events)("keeps a forged tenant and key name inert in the Slack notice of $type ($data.scope)", (event) => {
    const text = statusMessage(event).text;
    expect(text).not.toMatch(/[\r\n\u202E]/);
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<https://");
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).not.toMatch(/https:\/\/|evil\.example/);
  });

  it.each(events)("keeps them on one line, without bare URLs, in the owners' mail of $type ($data.scope)", (event) => {
    const mail = budgetMail(loadConfig({ BR_PUBLIC_URL: "http://br.test" }), event);
    expect(mail.subject).not.toMatch(/[\r\n\u202E]/);
    const lines = mail.text.split("\n");
    expect(lines).toHaveLength(5); // our own lines only
    expect(lines.filter((l) => l.startsWith("To change the budget:"))).toHaveLength(1);
    expect(lines[4]).toMatch(/^To change the budget: the (settings|API keys) page, http:\/\/br\.test\/dashboard\/(settings|keys) /);
    expect(mail.text).not.toMatch(/https:\/\/|evil\.example/);
  });

  it("writes dollars with cents, and sub-cent spend with two significant digits", () => {
    expect([usd(0), usd(8.5), usd(1234.567), usd(0.0012345), usd(0.05)]).toEqual(["$0.00", "$8.50", "$1234.57", "$0.0012", "$0.05"]);
  });
});

describe("display strings at the API", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each([
    ["a line feed", "Lab\nAdmin: me"],
    ["a carriage return", "Lab\rX"],
    ["NUL", "Lab\u0000"],
    ["a right-to-left override", "Lab \u202Egnp.exe"],
    ["a bidi isolate", "Lab \u2066x\u2069"],
  ])("refuses a tenant name with %s (400) and creates nothing", async (_, tenant_name) => {
    const res = await server.request("/v1/register", { body: { tenant_name, admin_email: "c@lab.test", accept_tos: true } });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe("invalid_request_error");
    const tenants = await server.deps.db.asPlatform((tx) => tx.selectFrom("tenants").select("id").execute());
    expect(tenants).toEqual([]);
    const key = await server.request("/v1/register", {
      body: { tenant_name: "Fine", key_name: `ci${tenant_name.slice(3)}`, admin_email: "c@lab.test", accept_tos: true },
    });
    expect(key.status).toBe(400);
  });
});
