import { describe } from "vitest";
import { runCommonRouteTests, tableState, type RefusedStatus, type SecurityWorld } from "../support/route-security.js";
import { ENGINES } from "../support/services.js";
import { useSecurityWorld } from "./world.js";

/**
 * `/auth/*` routes of a signed-in human that take no tenant header: the tenant is the one the
 * identity belongs to (provision, me) or the one what it sends belongs to (a claim token, a device
 * user code). Holding the token or code is the proof, so there is no "another tenant's id" to try:
 * the cross-tenant cases live with the routes that take ids.
 */
describe.each(ENGINES)("identity routes: common security on %s", (engine) => {
  const world = useSecurityWorld(engine);
  const joins = tableState({ tenants: ["id", "status"], tenant_memberships: ["id", "role"], claim_tokens: ["id", "used_count"] });
  const devices = tableState({ device_authorizations: ["id", "status", "linked_external_id"], tenant_memberships: ["id"] });

  /** A claim of tenant A's fresh link by a fresh human. */
  const claimOfA = async (w: SecurityWorld) => ({ token: (await w.human()).jwt, body: { token: (await w.claimLink(w.a)).token } });
  const claimIn = async (w: SecurityWorld, status: RefusedStatus) => {
    const t = await w.tenantIn(status, (t) => w.claimLink(t));
    return { token: (await w.human()).jwt, body: { token: t.prepared.token } };
  };
  const userCodeOfA = async (w: SecurityWorld) => ({ body: { user_code: (await w.device(w.a)).userCode } });

  runCommonRouteTests({
    world,
    operationId: "auth.provision",
    auth: "jwt",
    tenantContext: "none",
    // A pending tenant is answered 202 with its memberships: waiting for approval is not refused.
    tenantStatus: {
      statuses: ["rejected", "suspended"],
      request: (w, status) => ({ token: w.inStatus[status].owner.jwt }),
    },
    state: joins,
  });

  runCommonRouteTests({
    world,
    operationId: "auth.me",
    auth: "jwt",
    tenantContext: "optional",
    tenantStatus: { skip: "shows the current tenant in any status: the dashboard explains a pending or suspended tenant from it" },
  });

  runCommonRouteTests({
    world,
    operationId: "auth.claim",
    auth: "jwt",
    tenantContext: "none",
    request: claimOfA,
    // Pending tenants may be claimed: the human then waits for approval with the agent.
    tenantStatus: { statuses: ["rejected", "suspended"], request: claimIn },
    state: joins,
  });

  runCommonRouteTests({
    world,
    operationId: "auth.previewClaim",
    auth: "jwt",
    tenantContext: "none",
    request: async (w) => ({ body: { token: (await w.claimLink(w.a)).token } }),
    tenantStatus: { skip: "shows the token's tenant in any status, so the page can say why it cannot be joined; spends nothing" },
    state: joins,
  });

  runCommonRouteTests({
    world,
    operationId: "auth.confirmDevice",
    auth: "jwt",
    tenantContext: "none",
    request: userCodeOfA,
    tenantStatus: {
      request: async (w, status) => ({ body: { user_code: (await w.tenantIn(status, (t) => w.device(t))).prepared.userCode } }),
    },
    state: devices,
  });

  runCommonRouteTests({
    world,
    operationId: "auth.lookupDevice",
    auth: "jwt",
    tenantContext: "none",
    request: userCodeOfA,
    tenantStatus: { skip: "shows the code's tenant in any status and decides nothing; confirming is refused (auth.confirmDevice)" },
    state: devices,
  });
});
