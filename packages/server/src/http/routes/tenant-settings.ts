import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { getTenantSettings, updateTenantSettings } from "../../services/tenant-settings.js";
import type { App } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { jwtAuth, tenantContext } from "../middleware/jwt-auth.js";
import { apiKeySecurity, errorResponses, jsonBody, jsonContent, jwtSecurity, TenantIdHeader } from "../openapi.js";
import { policyFields, spendFields } from "./api-key-schemas.js";

const maxKeyLifetime = z
  .number()
  .int()
  .min(1)
  .max(3650)
  .nullable()
  .openapi({ description: "New keys expire within this many days (their default expiry); null: no bound" });

export const TenantSettings = z
  .object({
    ...policyFields,
    rate_limit_rpm: policyFields.rate_limit_rpm.openapi({ description: "Each key's default and ceiling, requests per minute" }),
    budget_usd: policyFields.budget_usd.openapi({ description: "The tenant's budget over every key's spend, USD per budget_period" }),
    allowed_models: policyFields.allowed_models.openapi({
      description: "Globs of the models any key may use; a key's own list narrows it",
    }),
    max_key_lifetime_days: maxKeyLifetime,
    ...spendFields,
  })
  .openapi("TenantSettings");

export const UpdateTenantSettingsRequest = z
  .strictObject({
    rate_limit_rpm: policyFields.rate_limit_rpm.optional(),
    budget_usd: policyFields.budget_usd.optional(),
    budget_period: policyFields.budget_period.optional().openapi({ description: "Default monthly when budget_usd is set" }),
    allowed_models: policyFields.allowed_models.optional(),
    max_key_lifetime_days: maxKeyLifetime.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "at least one field is required" })
  .openapi("UpdateTenantSettingsRequest");

const DESCRIPTION =
  "Defaults and ceilings for every key (DESIGN.md §10): a key's rpm may not exceed rate_limit_rpm, its expiry max_key_lifetime_days; " +
  "budget_usd is the tenant's whole spend per period and allowed_models applies with each key's own list. A change reaches every " +
  "instance at once (key-cache invalidation).";

/** GET/PATCH of the tenant's settings: headless (admin-role API key) and on the dashboard (members read, owners and admins change). */
export function registerTenantSettings(app: App, deps: Deps) {
  const headless = { security: apiKeySecurity, middleware: [apiKeyAuth(deps, { role: "admin" })], tags: ["Tenant"] };
  const dashboard = {
    security: jwtSecurity,
    middleware: [jwtAuth(deps), tenantContext(deps, { requireActive: true })],
    tags: ["Dashboard"],
  };

  app.openapi(
    createRoute({
      ...headless,
      method: "get",
      path: "/v1/tenant/settings",
      operationId: "tenant.settings",
      summary: "The tenant's budget, model access and key limits, with its spend this period (admin-role keys)",
      description: DESCRIPTION,
      responses: { 200: jsonContent(TenantSettings, "Settings"), ...errorResponses(401, 403, 429) },
    }),
    async (c) => c.json(await getTenantSettings(deps, c.get("actor")), 200),
  );
  app.openapi(
    createRoute({
      ...headless,
      method: "patch",
      path: "/v1/tenant/settings",
      operationId: "tenant.updateSettings",
      summary: "Change the tenant's budget, model access or key limits (admin-role keys; null clears a field)",
      description: DESCRIPTION,
      request: { body: jsonBody(UpdateTenantSettingsRequest) },
      responses: { 200: jsonContent(TenantSettings, "Updated"), ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => c.json(await updateTenantSettings(deps, c.get("actor"), c.req.valid("json")), 200),
  );
  app.openapi(
    createRoute({
      ...dashboard,
      method: "get",
      path: "/auth/tenant/settings",
      operationId: "auth.tenantSettings.retrieve",
      summary: "The current tenant's budget, model access and key limits, with its spend this period (members)",
      description: DESCRIPTION,
      request: { headers: TenantIdHeader },
      responses: { 200: jsonContent(TenantSettings, "Settings"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await getTenantSettings(deps, c.get("actor")), 200),
  );
  app.openapi(
    createRoute({
      ...dashboard,
      method: "patch",
      path: "/auth/tenant/settings",
      operationId: "auth.tenantSettings.update",
      summary: "Change the current tenant's budget, model access or key limits (owners and admins; null clears a field)",
      description: DESCRIPTION,
      request: { headers: TenantIdHeader, body: jsonBody(UpdateTenantSettingsRequest) },
      responses: { 200: jsonContent(TenantSettings, "Updated"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await updateTenantSettings(deps, c.get("actor"), c.req.valid("json")), 200),
  );
}
