import type { UsageEvent } from "../../src/store/usage-events.js";
import type { TestServer } from "./harness.js";

/** An ordinary, priced, keyless 200 for `tenantId`, now; `event` overrides any field. */
export function usageEvent(tenantId: string, event: Partial<UsageEvent> = {}): UsageEvent {
  return {
    tenantId,
    keyId: null,
    model: "echo",
    promptTokens: 1,
    completionTokens: 1,
    latencyMs: 1,
    status: 200,
    createdAt: new Date(),
    costUsd: 0,
    priced: true,
    ...event,
  };
}

/** Records through the server's meter, which keeps the rollups every usage read sums (decisions.md #130). */
export const recordUsage = (server: TestServer, tenantId: string, event: Partial<UsageEvent> = {}) =>
  server.deps.meter.record(usageEvent(tenantId, event));
