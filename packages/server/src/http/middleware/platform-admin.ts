import { createMiddleware } from "hono/factory";
import type { Deps } from "../../deps.js";
import { API_KEY_PREFIX } from "../../lib/tokens.js";
import { platformRoleOf, type Actor } from "../../services/actor.js";
import { authenticateApiKey } from "../../auth/api-key/authenticate.js";
import { AppError } from "../../errors/index.js";
import { membershipsOf } from "../../services/memberships.js";
import { clientAddress } from "../client-address.js";
import type { AppEnv } from "../context.js";
import { bearerToken } from "./api-key-auth.js";

const notPlatformAdmin = () =>
  new AppError("not_platform_admin", { message: "This credential is not a platform admin (BRAINSTORMROUTER_PLATFORM_ADMIN_IDS)." });

/**
 * `/v1/admin/*`: an API key or a sign-in JWT holding platform power — an admin, or a proposer who
 * may read, dry-run and propose (DESIGN.md §8); the services decide which of those a call needs.
 * The bearer's shape says which credential it is: API keys carry their prefix, anything else is
 * verified as a JWT.
 */
export function platformAccess(deps: Deps) {
  return createMiddleware<AppEnv>(async function platformAccessMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (!token) {
      throw new AppError("missing_credentials");
    }
    let actor: Actor;
    if (token.startsWith(API_KEY_PREFIX)) {
      const auth = await authenticateApiKey(deps, token, () => clientAddress(c, deps.config.BR_TRUST_PROXY), c.get("requestId"));
      c.set("apiKey", auth.record);
      actor = auth.actor;
    } else {
      const identity = await deps.verifyJwt(token);
      c.set("identity", identity);
      // The subject alone decides without a query; user ids need the identity's memberships, and
      // never count in a suspended or rejected tenant: its admin must not approve itself back
      // (decisions.md #98). A pending one counts, so an operator can bootstrap from a first sign-in.
      const bySubject = platformRoleOf(deps.config, null, identity.subject);
      const byUserId =
        bySubject === "admin"
          ? undefined
          : (await membershipsOf(deps, identity.subject)).find(
              (m) =>
                m.tenant_status !== "suspended" && m.tenant_status !== "rejected" && platformRoleOf(deps.config, null, m.user_id) !== null,
            );
      const platform = platformRoleOf(deps.config, null, identity.subject, byUserId?.user_id);
      actor = {
        tenantId: byUserId?.tenant_id ?? "",
        userId: byUserId?.user_id ?? null,
        role: "admin",
        isPlatformAdmin: platform === "admin",
        isPlatformProposer: platform === "proposer",
        via: "jwt",
        channel: "api",
        label: identity.email ?? identity.subject,
        requestId: c.get("requestId"),
        subject: identity.subject,
      };
    }
    if (!actor.isPlatformAdmin && !actor.isPlatformProposer) throw notPlatformAdmin();
    c.set("actor", actor);
    await next();
  });
}
