import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { isPlatformAdmin } from "../../services/actor.js";
import { claimableFor, membershipView } from "../../services/memberships.js";
import { provision } from "../../services/provision.js";
import { clientAddress } from "../client-address.js";
import type { App } from "../context.js";
import { jwtAuth, tenantContext } from "../middleware/jwt-auth.js";
import { rateLimitByAddress } from "../middleware/rate-limit.js";
import {
  displayString,
  errorResponses,
  jsonBody,
  jsonContent,
  jwtSecurity,
  Membership,
  MembershipRole,
  TenantIdHeader,
  TenantSummary,
} from "../openapi.js";

const ProvisionBody = z
  .strictObject({
    tenant_name: displayString(100).optional(),
    invite_code: z.string().trim().min(1).max(64).optional(),
  })
  .openapi("ProvisionRequest");

export const ProvisionResponse = z
  .object({
    created: z.boolean(),
    tenant: TenantSummary,
    role: MembershipRole,
    memberships: z.array(Membership),
    claimable: z.array(TenantSummary),
  })
  .openapi("ProvisionResponse");

export const MeResponse = z
  .object({
    identity: z.object({ subject: z.string(), email: z.string().nullable(), email_verified: z.boolean() }),
    is_platform_admin: z.boolean(),
    tenant: TenantSummary.extend({ role: MembershipRole }).nullable(),
    memberships: z.array(Membership),
    claimable: z.array(TenantSummary),
  })
  .openapi("Me");

export function registerAuthRoutes(app: App, deps: Deps) {
  const provisionRoute = createRoute({
    method: "post",
    path: "/auth/provision",
    operationId: "auth.provision",
    tags: ["Identity"],
    summary: "First sign-in: create the identity's tenant, or return its memberships",
    description:
      "Requests are limited per address, and wrong invite codes per identity and per address: once either budget " +
      "is spent, even a right code answers 429 (with Retry-After) until the window passes.",
    security: jwtSecurity,
    middleware: [
      rateLimitByAddress(deps, { name: "provision", points: deps.config.BR_PROVISION_RATE_PER_MIN, durationSeconds: 60 }),
      jwtAuth(deps),
    ] as const,
    request: { body: { ...jsonBody(ProvisionBody), required: false } },
    responses: {
      200: jsonContent(ProvisionResponse, "Existing memberships"),
      201: jsonContent(ProvisionResponse, "Tenant created and active"),
      202: jsonContent(ProvisionResponse, "Tenant created (or existing) and pending approval"),
      ...errorResponses(400, 401, 403, 429),
    },
  });
  app.openapi(provisionRoute, async (c) => {
    const address = clientAddress(c, deps.config.BR_TRUST_PROXY);
    const result = await provision(deps, c.get("identity"), address, c.req.valid("json") ?? {});
    return c.json(result, result.tenant.status === "pending" ? 202 : result.created ? 201 : 200);
  });

  const meRoute = createRoute({
    method: "get",
    path: "/auth/me",
    operationId: "auth.me",
    tags: ["Identity"],
    summary: "The signed-in identity, its current tenant and every membership",
    security: jwtSecurity,
    middleware: [jwtAuth(deps), tenantContext(deps, { requireActive: false })] as const,
    request: { headers: TenantIdHeader },
    responses: { 200: jsonContent(MeResponse, "The identity"), ...errorResponses(400, 401, 403) },
  });
  app.openapi(meRoute, async (c) => {
    const identity = c.get("identity");
    const membership = c.get("membership");
    const memberships = c.get("memberships");
    const current = membership ? membershipView(membership) : null;
    return c.json(
      {
        identity: { subject: identity.subject, email: identity.email, email_verified: identity.emailVerified },
        is_platform_admin: isPlatformAdmin(deps.config.platformAdminIds, identity.subject, ...memberships.map((m) => m.user_id)),
        tenant: current ? { ...current.tenant, role: current.role } : null,
        memberships: memberships.map(membershipView),
        claimable: await claimableFor(deps, identity),
      },
      200,
    );
  });
}
