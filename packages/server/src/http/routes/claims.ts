import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { claimTenant, previewClaim } from "../../services/claims.js";
import { confirmDevice, lookupDevice } from "../../services/device-flow.js";
import { clientAddress } from "../client-address.js";
import type { App } from "../context.js";
import { jwtAuth } from "../middleware/jwt-auth.js";
import { errorResponses, jsonBody, jsonContent, jwtSecurity, MembershipRole, TenantSummary } from "../openapi.js";

const ClaimRequest = z
  .strictObject({
    token: z.string().min(1).max(128).optional().openapi({ description: "The brct_… token of a claim URL (`?claim=`)." }),
    tenant_id: z
      .uuid()
      .optional()
      .openapi({ description: "Claim without a token: only when the JWT's verified email is this unclaimed tenant's admin_email." }),
  })
  .refine((b) => (b.token === undefined) !== (b.tenant_id === undefined), { error: "send exactly one of token or tenant_id" })
  .openapi("ClaimRequest");

export const ClaimResult = z
  .object({
    tenant: TenantSummary,
    membership: z.object({ id: z.uuid(), role: MembershipRole, user_id: z.uuid(), joined_at: z.string() }),
  })
  .openapi("ClaimResult");

const DeviceConfirmRequest = z
  .strictObject({
    user_code: z.string().min(1).max(32).openapi({ description: "As shown on the terminal; case and dashes do not matter." }),
    action: z.enum(["approve", "deny"]).default("approve"),
  })
  .openapi("DeviceConfirmRequest");

export const DeviceConfirmation = z
  .object({
    status: z.enum(["linked", "denied"]),
    tenant: TenantSummary,
    role: MembershipRole.nullable().openapi({ description: "The identity's role in the tenant; null when denied." }),
  })
  .openapi("DeviceConfirmation");

const ClaimPreviewRequest = z
  .strictObject({
    token: z
      .string()
      .min(1)
      .max(128)
      .openapi({ description: "The brct_… token of a claim URL, sent in the body so it never sits in a URL." }),
  })
  .openapi("ClaimPreviewRequest");

export const ClaimPreview = z
  .object({
    tenant: TenantSummary,
    role: MembershipRole.openapi({ description: "The role a claim grants." }),
    expires_at: z.string(),
    uses_left: z.int(),
    already_member: z.boolean().openapi({ description: "A claim by this identity would answer 409 already_member." }),
  })
  .openapi("ClaimPreview");

const DeviceLookupRequest = z
  .strictObject({
    user_code: z.string().min(1).max(32).openapi({ description: "As shown on the terminal; case and dashes do not matter." }),
  })
  .openapi("DeviceLookupRequest");

export const DeviceLookup = z
  .object({
    tenant: TenantSummary,
    role: MembershipRole.openapi({ description: "The identity's role in the tenant once approved (a member keeps its own)." }),
    expires_at: z.string(),
  })
  .openapi("DeviceLookup");

export function registerClaimRoutes(app: App, deps: Deps) {
  const claimRoute = createRoute({
    method: "post",
    path: "/auth/claim",
    operationId: "auth.claim",
    tags: ["Identity"],
    summary: "Link the signed-in identity to a tenant",
    description:
      "Atomic: the per-tenant user, the membership and the token's use are written together. 409 already_member; " +
      "400 claim_token_invalid / claim_token_expired / claim_token_fully_redeemed; 403 for rejected or suspended tenants " +
      "(pending tenants may be claimed and then wait for approval).",
    security: jwtSecurity,
    middleware: [jwtAuth(deps)] as const,
    request: { body: jsonBody(ClaimRequest) },
    responses: { 201: jsonContent(ClaimResult, "Claimed"), ...errorResponses(400, 401, 403, 409) },
  });
  app.openapi(claimRoute, async (c) => {
    const body = c.req.valid("json");
    const input = body.token !== undefined ? { token: body.token } : { tenant_id: body.tenant_id! };
    return c.json(await claimTenant(deps, c.get("identity"), input), 201);
  });

  const previewRoute = createRoute({
    method: "post",
    path: "/auth/claim/preview",
    operationId: "auth.previewClaim",
    tags: ["Identity"],
    summary: "Show the tenant and role a claim token grants, without claiming",
    description:
      "Spends nothing. The same 400 codes as POST /auth/claim (claim_token_invalid / claim_token_expired / " +
      "claim_token_fully_redeemed); the tenant is returned in any status, and already_member tells in advance what a claim would answer.",
    security: jwtSecurity,
    middleware: [jwtAuth(deps)] as const,
    request: { body: jsonBody(ClaimPreviewRequest) },
    responses: { 200: jsonContent(ClaimPreview, "What a claim would do"), ...errorResponses(400, 401) },
  });
  app.openapi(previewRoute, async (c) => c.json(await previewClaim(deps, c.get("identity"), c.req.valid("json").token), 200));

  const confirmRoute = createRoute({
    method: "post",
    path: "/auth/device/confirm",
    operationId: "auth.confirmDevice",
    tags: ["Identity"],
    summary: "Approve or deny a terminal's device code",
    description: "Wrong codes are limited per signed-in identity (429 with Retry-After).",
    security: jwtSecurity,
    middleware: [jwtAuth(deps)] as const,
    request: { body: jsonBody(DeviceConfirmRequest) },
    responses: { 200: jsonContent(DeviceConfirmation, "Decided"), ...errorResponses(400, 401, 403, 409, 429) },
  });
  app.openapi(confirmRoute, async (c) => {
    const address = clientAddress(c, deps.config.BR_TRUST_PROXY);
    return c.json(await confirmDevice(deps, c.get("identity"), address, c.req.valid("json")), 200);
  });

  const lookupRoute = createRoute({
    method: "post",
    path: "/auth/device/lookup",
    operationId: "auth.lookupDevice",
    tags: ["Identity"],
    summary: "Show which tenant a terminal's user code belongs to, before approving",
    description:
      "Decides nothing. Unknown, used and expired codes answer as POST /auth/device/confirm does, and wrong codes " +
      "spend the same per-identity budget (429 with Retry-After).",
    security: jwtSecurity,
    middleware: [jwtAuth(deps)] as const,
    request: { body: jsonBody(DeviceLookupRequest) },
    responses: { 200: jsonContent(DeviceLookup, "The terminal's tenant"), ...errorResponses(400, 401, 409, 429) },
  });
  app.openapi(lookupRoute, async (c) => {
    const address = clientAddress(c, deps.config.BR_TRUST_PROXY);
    return c.json(await lookupDevice(deps, c.get("identity"), address, c.req.valid("json").user_code), 200);
  });
}
