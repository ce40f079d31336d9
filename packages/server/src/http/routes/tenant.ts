import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import type { App } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { apiKeySecurity, errorResponses, jsonContent, TenantSummary } from "../openapi.js";

export const TenantResponse = z
  .object({
    tenant: TenantSummary,
    key: z.object({ id: z.uuid(), prefix: z.string(), role: z.enum(["admin", "developer"]) }),
  })
  .openapi("CurrentTenant");

export function registerTenantRoutes(app: App, deps: Deps) {
  const route = createRoute({
    method: "get",
    path: "/v1/tenant",
    operationId: "tenant.retrieve",
    tags: ["Tenant"],
    summary: "The calling key's tenant",
    security: apiKeySecurity,
    middleware: [apiKeyAuth(deps)] as const,
    responses: { 200: jsonContent(TenantResponse, "The tenant and key"), ...errorResponses(401, 403, 429) },
  });
  // Served from the key cache: a warm call makes no database query.
  app.openapi(route, (c) => {
    const record = c.get("apiKey");
    return c.json({ tenant: record.tenant, key: { id: record.keyId, prefix: record.prefix, role: record.role } }, 200);
  });
}
