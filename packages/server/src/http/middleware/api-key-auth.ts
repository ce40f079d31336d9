import { createMiddleware } from "hono/factory";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors/index.js";
import { authenticateApiKey } from "../../auth/api-key/authenticate.js";
import { clientAddress } from "../client-address.js";
import type { AppEnv } from "../context.js";

/** RFC 6750 §2.1: `Bearer` and exactly one token; anything after it makes the header malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^bearer +([^\s]+) *$/i.exec(header)?.[1] : undefined;
}

/**
 * `/v1/*` authentication: `Authorization: Bearer br_live_…`, then the key's own requests per
 * minute (the key's `rate_limit_rpm` capped by the tenant's, from the cached record; with Redis the budget is shared by
 * every instance). One middleware rather than two: every keyed route needs both, and each layer
 * costs the hot path a few microseconds. With `role: "admin"`, keys of the developer role are
 * refused (claim links, device authorization).
 */
export function apiKeyAuth(deps: Deps, options: { role?: "admin" } = {}) {
  return createMiddleware<AppEnv>(async function apiKeyAuthMiddleware(c, next) {
    const key = bearerToken(c.req.header("authorization"));
    if (!key) throw new AppError("missing_api_key");
    const { actor, record } = await authenticateApiKey(deps, key, () => clientAddress(c, deps.config.BR_TRUST_PROXY), c.get("requestId"));
    if (options.role === "admin" && actor.role !== "admin") {
      throw new AppError("insufficient_role");
    }
    const rpm = record.policy.rateLimitRpm;
    if (rpm !== null && rpm > 0) {
      await deps.limits.limiter({ name: "key-rpm", points: rpm, durationSeconds: 60 }).consume(record.keyId);
    }
    c.set("actor", actor);
    c.set("apiKey", record);
    await next();
  });
}
