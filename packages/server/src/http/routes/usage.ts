import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { parseDay, USAGE_BOUNDS, USAGE_GROUPS, usageReport } from "../../services/usage.js";
import type { App } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { jwtAuth, tenantContext } from "../middleware/jwt-auth.js";
import { apiKeySecurity, errorResponses, jsonContent, jwtSecurity, TenantIdHeader } from "../openapi.js";

const Figures = z.object({
  requests: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  cost_usd: z.number().openapi({ description: "USD, rounded to micro-dollars; models without a price count 0" }),
  errors: z.number().int().openapi({ description: "Requests answered with a status of 400 or more" }),
});
export const UsageTotals = Figures.openapi("UsageTotals");
export const UsageDay = Figures.extend({ day: z.string().openapi({ example: "2026-11-23" }) }).openapi("UsageDay");
export const UsageByKey = Figures.extend({
  key_id: z.uuid().nullable().openapi({ description: "null: requests made without an API key" }),
  key_name: z.string().nullable(),
}).openapi("UsageByKey");
export const UsageByModel = Figures.extend({ model: z.string() }).openapi("UsageByModel");

export const Usage = z
  .object({
    data: z.array(z.union([UsageDay, UsageByKey, UsageByModel])).openapi({
      description: "group_by=day: every day of the range, oldest first, empty days as zeros; key or model: by cost_usd, then requests",
    }),
    totals: UsageTotals,
    next_cursor: z.string().nullable().openapi({ description: "The next page of keys or models; always null for days" }),
  })
  .openapi("Usage");

const day = (which: string) =>
  z
    .string()
    .refine((d) => parseDay(d) !== undefined, { message: "must be a date YYYY-MM-DD" })
    .optional()
    .openapi({ format: "date", description: which });

const { limit } = USAGE_BOUNDS;
export const UsageQuery = z.object({
  from: day(`First UTC day (default: to − ${USAGE_BOUNDS.defaultDays - 1} days); at most ${USAGE_BOUNDS.maxDays} days before to`),
  to: day("Last UTC day, included (default: today)"),
  group_by: z.enum(USAGE_GROUPS).optional().openapi({ description: "day (default), key or model" }),
  limit: z.coerce
    .number()
    .int()
    .min(limit.min)
    .max(limit.max)
    .optional()
    .openapi({ description: `Keys or models per page (default ${limit.default})` }),
  cursor: z.string().max(2000).optional().openapi({ description: "next_cursor of the previous page (key and model)" }),
});

const SUMMARY = "Requests, tokens, cost and errors per day, key or model, over UTC days";
const DESCRIPTION =
  "Read from the daily rollups (decisions.md #130). A range with from after to, or longer than " +
  `${USAGE_BOUNDS.maxDays} days, is 400 validation_failed.`;

/** Usage analytics (DESIGN.md §10): headless for admin-role keys, and the dashboard's chart for members. */
export function registerUsageRoutes(app: App, deps: Deps) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/tenant/usage",
      operationId: "tenant.usage",
      tags: ["Tenant"],
      summary: `${SUMMARY} (admin-role keys)`,
      description: DESCRIPTION,
      security: apiKeySecurity,
      middleware: [apiKeyAuth(deps, { role: "admin" })] as const,
      request: { query: UsageQuery },
      responses: { 200: jsonContent(Usage, "Usage"), ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => c.json(await usageReport(deps, c.get("actor"), c.req.valid("query")), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/auth/usage",
      operationId: "auth.usage.retrieve",
      tags: ["Dashboard"],
      summary: `${SUMMARY}, for the current tenant (the dashboard's usage page)`,
      description: DESCRIPTION,
      security: jwtSecurity,
      middleware: [jwtAuth(deps), tenantContext(deps, { requireActive: true })] as const,
      request: { headers: TenantIdHeader, query: UsageQuery },
      responses: { 200: jsonContent(Usage, "Usage"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await usageReport(deps, c.get("actor"), c.req.valid("query")), 200),
  );
}
