import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { backoffMs } from "../../src/events/dispatcher.js";
import { EventBus, matches } from "../../src/events/bus.js";
import { builtInSubscribers } from "../../src/events/subscribers.js";
import type { SharedCache } from "../../src/cache/interface.js";
import { createMailTransport } from "../../src/integrations/email/transport.js";
import { createLogger } from "../../src/logger.js";
import type { Database } from "../../src/store/db.js";

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

  it("routes both budget alerts to the owners' mail and to Slack, and nothing else to the budget mail", () => {
    const config = loadConfig({ SLACK_WEBHOOK_URL: "http://127.0.0.1:9/hook", BR_ADMIN_EMAILS: "founder@br.test" });
    const log = createLogger("silent");
    const bus = new EventBus();
    // Building subscribers touches neither the database nor the cache.
    for (const s of builtInSubscribers(config, {} as Database, createMailTransport(config, log), {} as SharedCache, log)) bus.subscribe(s);
    expect(bus.subscribersFor("budget.threshold").sort()).toEqual(["email.budget", "slack"]);
    expect(bus.subscribersFor("budget.exceeded").sort()).toEqual(["email.budget", "slack"]);
    for (const type of ["tenant.signup", "tenant.suspended", "proposal.created", "device.linked"])
      expect(bus.subscribersFor(type)).not.toContain("email.budget");
  });
});
