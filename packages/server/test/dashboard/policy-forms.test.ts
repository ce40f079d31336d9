import { describe, expect, it } from "vitest";
import { timeLeft } from "../../../dashboard/src/lib/dates.js";
import { changedPolicy, EMPTY_DRAFT, patternProblem, readPolicy } from "../../../dashboard/src/lib/policy.js";

const NONE = { rate_limit_rpm: null, budget_usd: null, budget_period: null, allowed_models: null };

describe("dashboard policy forms: what the page sends", () => {
  it("reads empty fields as no limit, and a period only with an amount", () => {
    expect(readPolicy(EMPTY_DRAFT)).toEqual({ value: NONE, errors: {} });
    expect(readPolicy({ ...EMPTY_DRAFT, budget: "2.5", period: "daily" }).value).toMatchObject({ budget_usd: 2.5, budget_period: "daily" });
  });

  it("refuses the contract's out-of-range values at their fields", () => {
    const { errors } = readPolicy({ ...EMPTY_DRAFT, rpm: "100001", budget: "0", pendingModel: "gpt 4" });
    expect(Object.keys(errors).sort()).toEqual(["allowed_models", "budget_usd", "rate_limit_rpm"]);
    expect(readPolicy({ ...EMPTY_DRAFT, rpm: "1.5" }).errors.rate_limit_rpm).toMatch(/whole number/);
    expect(readPolicy({ ...EMPTY_DRAFT, budget: "1000000.01" }).errors.budget_usd).toMatch(/at most/);
  });

  it("keeps a pattern typed but not added (saving must not drop it)", () => {
    expect(readPolicy({ ...EMPTY_DRAFT, models: ["echo*"], pendingModel: " gpt-4o " }).value.allowed_models).toEqual(["echo*", "gpt-4o"]);
  });

  it("limits the list to 50 patterns of 200 characters, no duplicates", () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `m${i}`);
    expect(patternProblem("extra", fifty)).toMatch(/At most 50/);
    expect(patternProblem("x".repeat(201), [])).toMatch(/200/);
    expect(patternProblem("m1", fifty)).toMatch(/already/);
    expect(patternProblem("openai/gpt-4o?", [])).toBeNull();
  });

  it("patches only what changed, an amount together with its period, null to clear", () => {
    const before = { rate_limit_rpm: 60, budget_usd: 5, budget_period: "monthly" as const, allowed_models: ["echo*"] };
    expect(changedPolicy(before, before)).toEqual({});
    expect(changedPolicy(before, { ...before, budget_period: "daily" })).toEqual({ budget_usd: 5, budget_period: "daily" });
    expect(changedPolicy(before, { ...before, rate_limit_rpm: null, allowed_models: null })).toEqual({
      rate_limit_rpm: null,
      allowed_models: null,
    });
    expect(changedPolicy(before, { ...before, budget_usd: null, budget_period: null })).toEqual({ budget_usd: null, budget_period: null });
  });
});

describe("dashboard: a rotated key's old secret, in words", () => {
  const now = Date.parse("2026-12-03T09:00:00Z");
  it("counts the grace down in minutes, then hours, then says it is over", () => {
    expect(timeLeft("2026-12-03T10:00:00Z", now + 500)).toBe("59 more minutes");
    expect(timeLeft("2026-12-03T09:01:30Z", now)).toBe("1 more minute");
    expect(timeLeft("2026-12-03T09:00:20Z", now)).toBe("less than a minute");
    expect(timeLeft("2026-12-04T09:00:00Z", now)).toBe("about 24 more hours");
    expect(timeLeft("2026-12-03T09:00:00Z", now)).toBeNull();
  });
});
