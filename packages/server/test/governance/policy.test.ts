import { describe, expect, it } from "vitest";
import { periodWindow } from "../../src/governance/budget-period.js";
import { ModelAccess } from "../../src/governance/model-access.js";
import { compilePolicy } from "../../src/governance/policy.js";

const none = { budgetUsd: null, budgetPeriod: null, allowedModels: null, rateLimitRpm: null };

describe("allowed_models globs", () => {
  it.each([
    [["gpt-4o*"], "gpt-4o-mini", true],
    [["gpt-4o*"], "gpt-4", false],
    [["openai/*"], "gpt-4o", true],
    [["openai/gpt-4o"], "gpt-4o", true],
    [["anthropic/*"], "gpt-4o", false],
    [["gpt-?o"], "gpt-4o", true],
    [["gpt-?o"], "gpt-40o", false],
    // Literal everywhere but * and ?: a dot or a plus is not a pattern character.
    [["a.b"], "axb", false],
    [["a+b"], "aab", false],
    [["claude-3"], "claude-3-opus", false],
  ] as const)("%j against openai's %s: %s", (patterns, model, allowed) => {
    expect(new ModelAccess([patterns]).allows(model, "openai")).toBe(allowed);
  });

  it("a model is allowed only when every list matches one of its names", () => {
    const access = new ModelAccess([["echo*"], ["echo"]]);
    expect(access.allows("echo", "echo")).toBe(true);
    expect(access.allows("echo-pro", "echo")).toBe(false);
    expect(new ModelAccess([["echo/*"]]).allows("echo-pro", "echo")).toBe(true);
    // The verdict kept for one provider's model is not another provider's.
    const byProvider = new ModelAccess([["mock/*"]]);
    expect(byProvider.allows("m", "mock")).toBe(true);
    expect(byProvider.allows("m", "other")).toBe(false);
  });
});

describe("budget periods (UTC)", () => {
  const at = Date.parse("2026-12-31T23:59:59.999Z");
  it("daily resets at the next UTC midnight, monthly on the 1st, lifetime never", () => {
    const dayStart = Date.parse("2026-12-31T00:00:00Z");
    const monthStart = Date.parse("2026-12-01T00:00:00Z");
    const next = Date.parse("2027-01-01T00:00:00Z");
    expect(periodWindow("daily", at)).toEqual({ key: "d2026-12-31", startDay: "2026-12-31", startsAt: dayStart, resetsAt: next });
    expect(periodWindow("monthly", at)).toEqual({ key: "m2026-12", startDay: "2026-12-01", startsAt: monthStart, resetsAt: next });
    expect(periodWindow("lifetime", at)).toEqual({ key: "life", startDay: null, startsAt: null, resetsAt: null });
  });

  it("the window kept for the current period is never served outside it, in either direction", () => {
    expect(periodWindow("daily", at).key).toBe("d2026-12-31");
    expect(periodWindow("daily", at + 1).key).toBe("d2027-01-01");
    expect(periodWindow("monthly", at + 1).key).toBe("m2027-01");
    expect(periodWindow("daily", at).key).toBe("d2026-12-31");
    expect(periodWindow("monthly", Date.parse("2026-12-01T00:00:00Z") - 1).key).toBe("m2026-11");
    expect(periodWindow("daily", Date.parse("2026-12-31T00:00:00Z")).key).toBe("d2026-12-31");
  });
});

describe("compiled key policy", () => {
  it("the key's rpm is capped by the tenant's, and the tenant's is the default", () => {
    const rpm = (key: number | null, tenant: number | null) =>
      compilePolicy({ keyId: "k", tenantId: "t", key: { ...none, rateLimitRpm: key }, tenant: { ...none, rateLimitRpm: tenant } })
        .rateLimitRpm;
    expect(rpm(100, 60)).toBe(60);
    expect(rpm(30, 60)).toBe(30);
    expect(rpm(null, 60)).toBe(60);
    expect(rpm(30, null)).toBe(30);
    expect(rpm(null, null)).toBeNull();
  });

  it("both budgets apply, each in its own scope", () => {
    const policy = compilePolicy({
      keyId: "k",
      tenantId: "t",
      key: { ...none, budgetUsd: 1, budgetPeriod: "daily" },
      tenant: { ...none, budgetUsd: 10, budgetPeriod: "monthly" },
    });
    expect(policy.budgets).toEqual([
      { scope: "key", id: "k", tenantId: "t", usd: 1, period: "daily" },
      { scope: "tenant", id: "t", tenantId: "t", usd: 10, period: "monthly" },
    ]);
    expect(compilePolicy({ keyId: "k", tenantId: "t", key: none, tenant: none })).toMatchObject({ budgets: [], models: null });
  });
});
