import type { AuditEvent } from "brainstormrouter";
import { describe, expect, it } from "vitest";
import { describeEvent, type Names } from "../../../dashboard/src/features/activity/sentence.js";

const KEY_ID = "7d6f0c1e-1111-4000-8000-000000000001";
const MEMBER_ID = "9a8b7c6d-2222-4000-8000-000000000002";

function row(action: string, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: "00000000-0000-4000-8000-000000000000",
    at: "2025-01-01T00:00:00.000Z",
    tenant_id: "00000000-0000-4000-8000-0000000000aa",
    action,
    actor: { kind: "user", id: "user|alice@lab.ai", label: "alice@lab.ai" },
    via: "dashboard",
    target: { type: "api_key", id: KEY_ID },
    changes: null,
    request_id: null,
    proposal_id: null,
    ...extra,
  };
}

const names: Names = {
  apiKeys: new Map([[KEY_ID, "ci-agent"]]),
  people: new Map([
    [MEMBER_ID, "bob@lab.ai"],
    ["user|alice-subject", "alice@lab.ai"],
  ]),
};
const member = { type: "member", id: MEMBER_ID };

describe("Activity sentences (dashboard/src/features/activity/sentence.ts)", () => {
  it.each([
    ["api_key.created", {}, "alice@lab.ai created API key ci-agent"],
    [
      "api_key.created",
      { changes: { platform_role: [null, "proposer"] } },
      "alice@lab.ai created API key ci-agent with platform role proposer",
    ],
    ["api_key.revoked", {}, "alice@lab.ai revoked key ci-agent"],
    [
      "member.role_changed",
      { target: member, changes: { role: ["member", "admin"] } },
      "alice@lab.ai changed bob@lab.ai's role from member to admin",
    ],
    ["member.removed", { target: member }, "alice@lab.ai removed bob@lab.ai"],
    [
      "claim_link.created",
      { target: { type: "claim_link", id: "x" }, changes: { role: [null, "admin"] } },
      "alice@lab.ai created an admin claim link",
    ],
    [
      "claim_link.created",
      { target: { type: "claim_link", id: "x" }, changes: { role: [null, "member"] } },
      "alice@lab.ai created a member claim link",
    ],
    ["claim_link.revoked", { target: { type: "claim_link", id: "x" } }, "alice@lab.ai revoked a claim link"],
    ["claim.redeemed", { target: member, changes: { role: [null, "member"] } }, "alice@lab.ai joined with a claim link as member"],
    ["device.approved", { target: { type: "device", id: "d" } }, "alice@lab.ai linked a terminal"],
    ["device.denied", { target: { type: "device", id: "d" } }, "alice@lab.ai denied a terminal's link request"],
    ["tenant.signup", { target: { type: "tenant", id: "t" }, changes: { status: [null, "active"] } }, "alice@lab.ai created the tenant"],
    [
      "tenant.signup",
      { target: { type: "tenant", id: "t" }, changes: { status: [null, "pending"] } },
      "alice@lab.ai created the tenant, to wait for approval",
    ],
    ["tenant.approved", { target: { type: "tenant", id: "t" } }, "alice@lab.ai approved the tenant"],
    ["tenant.rejected", { target: { type: "tenant", id: "t" } }, "alice@lab.ai rejected the tenant"],
    ["tenant.suspended", { target: { type: "tenant", id: "t" } }, "alice@lab.ai suspended the tenant"],
    ["proposal.executed", { target: { type: "proposal", id: "abcdef0123456789" } }, "alice@lab.ai approved proposal abcdef01, and it ran"],
    ["proposal.declined", { target: { type: "proposal", id: "abcdef0123456789" } }, "alice@lab.ai declined proposal abcdef01"],
    [
      "settings.updated",
      { target: { type: "tenant", id: "t" }, changes: { name: ["Old Lab", "New Lab"] } },
      "alice@lab.ai changed name from Old Lab to New Lab",
    ],
    [
      "api_key.updated",
      { changes: { budget_usd: [null, 5], allowed_models: [null, ["gpt-4o*", "openai/*"]] } },
      "alice@lab.ai changed key ci-agent: budget usd from nothing to 5, and allowed models from nothing to gpt-4o*, openai/*",
    ],
    [
      "tenant.settings_updated",
      { target: { type: "tenant", id: "t" }, changes: { rate_limit_rpm: [60, 120] } },
      "alice@lab.ai changed the tenant's settings: rate limit rpm from 60 to 120",
    ],
    ["widget.frobbed", { target: { type: "widget", id: "w" } }, "alice@lab.ai widget.frobbed widget"],
  ] as const)("%s → %s", (action, extra, sentence) => {
    expect(describeEvent(row(action, extra as Partial<AuditEvent>), names)).toBe(sentence);
  });

  it("names a key or member the lists no longer have by a short id, not a blank", () => {
    expect(describeEvent(row("api_key.revoked"), {})).toBe("alice@lab.ai revoked key 7d6f0c1e");
    expect(describeEvent(row("member.removed", { target: member }), {})).toBe("alice@lab.ai removed member 9a8b7c6d");
  });

  it("a person whose label is their subject reads as their email once the members list knows them", () => {
    const bySubject = row("api_key.created", { actor: { kind: "user", id: "user|alice-subject", label: "user|alice-subject" } });
    expect(describeEvent(bySubject, names)).toBe("alice@lab.ai created API key ci-agent");
  });

  it("keys, Slack users and the system speak as themselves", () => {
    const key = row("api_key.revoked", { actor: { kind: "api_key", id: "k", label: "deploy-bot (br_live_ab12…)" }, via: "api" });
    expect(describeEvent(key, names)).toBe("deploy-bot (br_live_ab12…) revoked key ci-agent");
    const expired = row("proposal.expired", {
      actor: { kind: "system", id: "system", label: "system" },
      target: { type: "proposal", id: "abcdef0123456789" },
    });
    expect(describeEvent(expired, names)).toBe("The system let proposal abcdef01 expire");
  });
});
