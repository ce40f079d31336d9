import { createMiddleware } from "hono/factory";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors/index.js";
import { actorFor, membershipsOf, selectMembership } from "../../services/memberships.js";
import { assertTenantActive } from "../../services/tenant-status.js";
import type { AppEnv } from "../context.js";
import { bearerToken } from "./api-key-auth.js";

/** `/auth/*` authentication: `Authorization: Bearer <OIDC JWT>`. Sets the identity only. */
export function jwtAuth(deps: Deps) {
  return createMiddleware<AppEnv>(async function jwtAuthMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (!token) throw new AppError("missing_token");
    c.set("identity", { ...(await deps.verifyJwt(token)), requestId: c.get("requestId") });
    await next();
  });
}

/**
 * Resolves the tenant a signed-in human acts in (X-BR-Tenant-Id, else their default) through
 * `resolve_tenant_memberships`, and — unless `requireActive` is false, as for /auth/me, which must
 * be able to show a pending tenant — refuses tenants that are not active.
 */
export function tenantContext(deps: Deps, options: { requireActive: boolean }) {
  return createMiddleware<AppEnv>(async function tenantContextMiddleware(c, next) {
    const identity = c.get("identity");
    const memberships = await membershipsOf(deps, identity.subject);
    const membership = selectMembership(memberships, c.req.header("x-br-tenant-id"));
    c.set("memberships", memberships);
    c.set("membership", membership);
    if (options.requireActive) {
      if (!membership) throw new AppError("no_tenant");
      assertTenantActive({ status: membership.tenant_status });
    }
    if (membership) c.set("actor", { ...actorFor(deps, identity, membership), requestId: c.get("requestId") });
    await next();
  });
}
