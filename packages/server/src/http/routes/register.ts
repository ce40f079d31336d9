import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { SLUG_PATTERN } from "../../lib/slug.js";
import { registerTenant } from "../../services/registration.js";
import { clientAddress } from "../client-address.js";
import type { App } from "../context.js";
import { rateLimitByAddress } from "../middleware/rate-limit.js";
import { displayString, errorResponses, jsonBody, jsonContent, TenantSummary } from "../openapi.js";

// Strict: a misspelt optional field (say `invite` for `invite_code`) must not be ignored silently.
const RegisterBody = z
  .strictObject({
    invite_code: z.string().trim().min(1).max(64).optional(),
    tenant_name: displayString(100),
    admin_email: z.email().max(254),
    accept_tos: z.literal(true, { error: "accept_tos must be true" }),
    tenant_slug: z.string().regex(SLUG_PATTERN, "lowercase letters, digits and dashes, 1-40 characters").optional(),
    key_name: displayString(100).optional(),
  })
  .openapi("RegisterRequest");

export const RegisterResponse = z
  .object({
    tenant: TenantSummary,
    api_key: z.object({ id: z.uuid(), key: z.string(), prefix: z.string() }),
    claim: z.object({ token: z.string(), url: z.url(), expires_at: z.string() }),
  })
  .openapi("RegisterResponse");

export function registerRegistration(app: App, deps: Deps) {
  const route = createRoute({
    method: "post",
    path: "/v1/register",
    operationId: "register",
    tags: ["Registration"],
    summary: "Register a tenant (machine registration)",
    description:
      "Creates a tenant, its API key (shown once) and a claim token a human uses to link a dashboard identity. " +
      "A valid invite code activates the tenant at once; without one, the beta gate holds it pending (202).",
    middleware: [
      rateLimitByAddress(deps, { name: "register", points: deps.config.BR_REGISTER_RATE_PER_MIN, durationSeconds: 60 }),
    ] as const,
    request: { body: jsonBody(RegisterBody) },
    responses: {
      201: jsonContent(RegisterResponse, "Registered and active"),
      202: jsonContent(RegisterResponse, "Registered, pending approval by the beta gate"),
      ...errorResponses(400, 409, 413, 429),
    },
  });
  app.openapi(route, async (c) => {
    const result = await registerTenant(deps, c.req.valid("json"), clientAddress(c, deps.config.BR_TRUST_PROXY), c.get("requestId"));
    return c.json(result, result.tenant.status === "active" ? 201 : 202);
  });
}
