import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { usageByDay } from "../../services/usage.js";
import type { App } from "../context.js";
import { jwtAuth, tenantContext } from "../middleware/jwt-auth.js";
import { errorResponses, jsonContent, jwtSecurity, TenantIdHeader } from "../openapi.js";

const Counts = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
});
export const Usage = z
  .object({ days: z.array(Counts.extend({ date: z.string().openapi({ example: "2026-11-23" }) })), totals: Counts })
  .openapi("Usage");

export function registerUsageRoutes(app: App, deps: Deps) {
  const route = createRoute({
    method: "get",
    path: "/auth/usage",
    operationId: "auth.usage.retrieve",
    tags: ["Dashboard"],
    summary: "Requests and tokens per UTC day for the current tenant (dashboard usage chart)",
    security: jwtSecurity,
    middleware: [jwtAuth(deps), tenantContext(deps, { requireActive: true })] as const,
    request: {
      headers: TenantIdHeader,
      query: z.object({ days: z.coerce.number().int().min(1).max(90).default(30).openapi({ description: "Days back, today included" }) }),
    },
    responses: { 200: jsonContent(Usage, "Daily buckets, oldest first, empty days included"), ...errorResponses(400, 401, 403) },
  });
  app.openapi(route, async (c) => c.json(await usageByDay(deps, c.get("actor"), c.req.valid("query").days), 200));
}
