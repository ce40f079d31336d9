import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { Deps } from "../../deps.js";
import { CLAIM_LINK_BOUNDS, createBrowserLink, createClaimLink } from "../../services/claim-links.js";
import { authorizeDevice, DeviceTokenError, pollDeviceToken } from "../../services/device-flow.js";
import type { App, AppEnv } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { apiKeySecurity, errorResponses, jsonBody, jsonContent, MembershipRole, TenantSummary } from "../openapi.js";

const { maxUses, expiresInDays } = CLAIM_LINK_BOUNDS;

/** Body of POST /v1/tenant/claim-link and POST /auth/claim-links; every field optional. */
export const ClaimLinkRequest = z
  .strictObject({
    role: MembershipRole.optional().openapi({
      description:
        "Role the claimer gets (default member). owner: a signed-in owner, or the registration key while the tenant has no owner.",
    }),
    max_uses: z.number().int().min(maxUses.min).max(maxUses.max).optional().openapi({ description: "Default 1." }),
    expires_in_days: z.number().int().min(expiresInDays.min).max(expiresInDays.max).optional().openapi({ description: "Default 7." }),
  })
  .openapi("ClaimLinkRequest");

export const ClaimLink = z
  .object({
    id: z.uuid(),
    token: z.string().openapi({ description: "brct_… claim token, shown this once." }),
    url: z.url(),
    role: MembershipRole,
    max_uses: z.number().int(),
    expires_at: z.string(),
  })
  .openapi("ClaimLink");

export const BrowserLink = z.object({ id: z.uuid(), url: z.url(), token: z.string(), expires_at: z.string() }).openapi("BrowserLink");

const DeviceAuthorizeRequest = z
  .strictObject({
    role: MembershipRole.optional().openapi({
      description:
        "Role an identity new to the tenant gets on approval. owner: only the registration key of a tenant with no owner yet; " +
        "default owner for that key, admin for any other admin key.",
    }),
  })
  .openapi("DeviceAuthorizeRequest");

export const DeviceAuthorization = z
  .object({
    device_code: z.string(),
    user_code: z.string().openapi({ example: "BCDF-GHJK" }),
    verification_uri: z.url(),
    verification_uri_complete: z.url(),
    expires_in: z.number().int(),
    interval: z.number().int(),
  })
  .openapi("DeviceAuthorization");

const DeviceTokenRequest = z.strictObject({ device_code: z.string().min(1).max(256) }).openapi("DeviceTokenRequest");

export const DeviceLinked = z
  .object({
    status: z.literal("linked"),
    tenant: TenantSummary,
    user: z.object({ id: z.uuid(), subject: z.string(), email: z.string().nullable(), role: MembershipRole }),
  })
  .openapi("DeviceLinked");

export const DeviceTokenErrorBody = z
  .object({
    error: z.enum(["authorization_pending", "slow_down", "access_denied", "expired_token", "invalid_grant", "invalid_request"]),
    error_description: z.string(),
  })
  .openapi("DeviceTokenError");

/**
 * RFC 8628 §3.5 answers in the OAuth body shape, the one exception to the error envelope: every
 * 400 of the token route (poll outcomes, bad bodies, malformed JSON) is rewritten here, after the
 * error handler has run. 401/403/429 keep the envelope: they are about the API key, not the grant.
 */
function oauthErrorBody() {
  return createMiddleware<AppEnv>(async function oauthErrorBodyMiddleware(c, next) {
    await next();
    if (c.res.status === 400 && c.error) {
      const error = c.error instanceof DeviceTokenError ? c.error.error : "invalid_request";
      c.res = undefined;
      c.res = c.json({ error, error_description: c.error.message }, 400);
    }
    // RFC 6749 §5.1: token responses are never cached.
    c.res.headers.set("Cache-Control", "no-store");
  });
}

export function registerIdentityBridge(app: App, deps: Deps) {
  const claimLinkRoute = createRoute({
    method: "post",
    path: "/v1/tenant/claim-link",
    operationId: "identityBridge.generateClaimLink",
    tags: ["Identity Bridge"],
    summary: "Mint a claim link for teammates",
    description: `Role default member, max_uses ${maxUses.min}-${maxUses.max} (default 1), expires_in_days ${expiresInDays.min}-${expiresInDays.max} (default 7).`,
    security: apiKeySecurity,
    middleware: [apiKeyAuth(deps, { role: "admin" })] as const,
    request: { body: { ...jsonBody(ClaimLinkRequest), required: false } },
    responses: { 201: jsonContent(ClaimLink, "The claim link, token shown once"), ...errorResponses(400, 401, 403, 429) },
  });
  app.openapi(claimLinkRoute, async (c) => c.json(await createClaimLink(deps, c.get("actor"), c.req.valid("json") ?? {}), 201));

  const browserLinkRoute = createRoute({
    method: "post",
    path: "/v1/auth/link",
    operationId: "identityBridge.createBrowserLink",
    tags: ["Identity Bridge"],
    summary: "Single-use owner link that opens the dashboard signed in to this tenant",
    description:
      "Single use, valid 7 days, role owner. Needs the tenant's registration key while the tenant has no owner (403 owner_required otherwise).",
    security: apiKeySecurity,
    middleware: [apiKeyAuth(deps, { role: "admin" })] as const,
    responses: { 201: jsonContent(BrowserLink, "The link, token shown once"), ...errorResponses(401, 403, 429) },
  });
  app.openapi(browserLinkRoute, async (c) => c.json(await createBrowserLink(deps, c.get("actor")), 201));

  const authorizeRoute = createRoute({
    method: "post",
    path: "/v1/auth/device/authorize",
    operationId: "identityBridge.authorizeDevice",
    tags: ["Identity Bridge"],
    summary: "Start the device flow (RFC 8628 §3.1)",
    description: "Show `user_code` and `verification_uri` to the human, then poll /v1/auth/device/token every `interval` seconds.",
    security: apiKeySecurity,
    middleware: [apiKeyAuth(deps, { role: "admin" })] as const,
    request: { body: { ...jsonBody(DeviceAuthorizeRequest), required: false } },
    responses: { 200: jsonContent(DeviceAuthorization, "Device and user codes"), ...errorResponses(400, 401, 403, 429) },
  });
  app.openapi(authorizeRoute, async (c) => {
    const body = c.req.valid("json") ?? {};
    // The device code is a bearer secret until it is used (RFC 8628 §3.2 responses follow RFC 6749 §5.1).
    c.header("Cache-Control", "no-store");
    return c.json(await authorizeDevice(deps, c.get("actor"), { role: body.role }), 200);
  });

  const tokenRoute = createRoute({
    method: "post",
    path: "/v1/auth/device/token",
    operationId: "identityBridge.pollDeviceToken",
    tags: ["Identity Bridge"],
    summary: "Poll the device flow (RFC 8628 §3.4)",
    description:
      "400 answers use the RFC 8628 body `{error, error_description}`: authorization_pending, slow_down (wait interval + 5 s from now on), " +
      "access_denied, expired_token, invalid_grant (unknown code, another tenant's code, or already delivered). " +
      "200 `linked` is answered once.",
    security: apiKeySecurity,
    middleware: [oauthErrorBody(), apiKeyAuth(deps)] as const,
    request: { body: jsonBody(DeviceTokenRequest) },
    responses: {
      200: jsonContent(DeviceLinked, "The human approved; the link is reported this once"),
      400: jsonContent(DeviceTokenErrorBody, "Not (yet) linked, RFC 8628 §3.5"),
      ...errorResponses(401, 403, 429),
    },
  });
  app.openapi(tokenRoute, async (c) => c.json(await pollDeviceToken(deps, c.get("actor"), c.req.valid("json").device_code), 200));
}
