import { createMiddleware } from "hono/factory";
import type { Deps } from "../../deps.js";
import type { LimitSpec } from "../../limits/interface.js";
import { clientAddress } from "../client-address.js";
import type { AppEnv } from "../context.js";

/** Spends one point per request from the caller's address budget; 429 with Retry-After when spent. */
export function rateLimitByAddress(deps: Deps, spec: LimitSpec) {
  const limiter = deps.limits.limiter(spec);
  return createMiddleware<AppEnv>(async function rateLimitByAddressMiddleware(c, next) {
    await limiter.consume(clientAddress(c, deps.config.BR_TRUST_PROXY));
    await next();
  });
}
