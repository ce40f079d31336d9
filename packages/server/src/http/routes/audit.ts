import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { listPlatformAudit, listTenantAudit } from "../../services/audit.js";
import type { App } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { jwtAuth, tenantContext } from "../middleware/jwt-auth.js";
import { platformAccess } from "../middleware/platform-admin.js";
import { apiKeySecurity, errorResponses, jsonContent, jwtSecurity, TenantIdHeader } from "../openapi.js";
import { ActorRef } from "./admin-proposals.js";

const timestamp = z.string().openapi({ format: "date-time" });

export const AuditEvent = z
  .object({
    id: z.uuid(),
    at: timestamp,
    tenant_id: z.uuid().nullable().openapi({ description: "null: a platform-only action (invite codes)" }),
    action: z.string().openapi({ description: "resource.verb: api_key.created, member.role_changed, tenant.approved, …" }),
    actor: ActorRef,
    via: z.enum(["api", "dashboard", "mcp", "slack", "system"]),
    target: z.object({ type: z.string(), id: z.string().nullable() }),
    changes: z
      .record(z.string(), z.tuple([z.unknown(), z.unknown()]))
      .nullable()
      .openapi({ description: "field: [before, after]" }),
    request_id: z.string().nullable(),
    proposal_id: z.uuid().nullable(),
  })
  .openapi("AuditEvent");

const AuditList = z.object({ data: z.array(AuditEvent), next_cursor: z.string().nullable() }).openapi("AuditEventList");

const filters = {
  action: z.string().max(100).optional(),
  actor: z.string().max(200).optional().openapi({ description: "An actor's id or label" }),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(500).optional(),
};

export function registerAuditRoutes(app: App, deps: Deps) {
  const summary = "The audit trail, newest first: one row per mutation";
  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/admin/audit",
      operationId: "admin.listAuditEvents",
      tags: ["Admin"],
      summary: `${summary}, every tenant's and the platform's`,
      security: [...apiKeySecurity, ...jwtSecurity],
      middleware: [platformAccess(deps)] as const,
      request: { query: z.object({ tenant_id: z.uuid().optional(), ...filters }) },
      responses: { 200: jsonContent(AuditList, "A page"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await listPlatformAudit(deps, c.get("actor"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/tenant/audit",
      operationId: "tenant.listAuditEvents",
      tags: ["Tenant"],
      summary: `${summary}, of the key's tenant (admin-role keys)`,
      security: apiKeySecurity,
      middleware: [apiKeyAuth(deps, { role: "admin" })] as const,
      request: { query: z.object(filters) },
      responses: { 200: jsonContent(AuditList, "A page"), ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => c.json(await listTenantAudit(deps, c.get("actor"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/auth/audit",
      operationId: "auth.listAuditEvents",
      tags: ["Dashboard"],
      summary: `${summary}, of the current tenant (owners and admins)`,
      security: jwtSecurity,
      middleware: [jwtAuth(deps), tenantContext(deps, { requireActive: true })],
      request: { headers: TenantIdHeader, query: z.object(filters) },
      responses: { 200: jsonContent(AuditList, "A page"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await listTenantAudit(deps, c.get("actor"), c.req.valid("query")), 200),
  );
}
