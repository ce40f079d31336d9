import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { backoffMs } from "../../src/events/dispatcher.js";
import { matches } from "../../src/events/bus.js";

describe("event bus configuration and rules", () => {
  it("refuses a lease that is not longer than a delivery attempt, naming the variable", () => {
    expect(() => loadConfig({ BR_EVENTS_LEASE_MS: "5000", BR_EVENTS_TIMEOUT_MS: "5000" })).toThrow(ConfigError);
    expect(() => loadConfig({ BR_EVENTS_LEASE_MS: "5000", BR_EVENTS_TIMEOUT_MS: "5000" })).toThrow(/^BR_EVENTS_LEASE_MS /);
    expect(loadConfig({}).BR_EVENTS_POLL_MS).toBe(1000);
  });

  it("backs off exponentially with jitter, within [ceiling/2, ceiling] and capped", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      for (let i = 0; i < 20; i++) {
        const d = backoffMs(attempt, 1000, 60_000);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it("matches exact types, families and everything", () => {
    expect(matches("tenant.signup", "tenant.signup")).toBe(true);
    expect(matches("tenant.signup", "tenant.approved")).toBe(false);
    expect(matches("tenant.*", "tenant.suspended")).toBe(true);
    expect(matches("tenant.*", "device.linked")).toBe(false);
    expect(matches("tenant.*", "tenantx.signup")).toBe(false);
    expect(matches("*", "device.linked")).toBe(true);
  });
});
