import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { DIGEST_WINDOWS, digest, type DigestWindow } from "../../services/admin/digest.js";
import { createInviteCode, deleteInviteCode, INVITE_CODE_PATTERN, listInviteCodes } from "../../services/admin/invite-codes.js";
import { approveTenant, getTenant, listTenants, rejectTenant, suspendTenant } from "../../services/admin/tenant-admin.js";
import type { App } from "../context.js";
import { platformAccess } from "../middleware/platform-admin.js";
import { apiKeySecurity, displayString, errorResponses, jsonBody, jsonContent, jwtSecurity } from "../openapi.js";
import { BudgetPeriod } from "./api-key-schemas.js";

const TenantStatus = z.enum(["pending", "active", "rejected", "suspended"]);
const adminSecurity = [...apiKeySecurity, ...jwtSecurity];
const timestamp = z.string().openapi({ format: "date-time" });

export const AdminTenant = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    status: TenantStatus,
    admin_email: z.string(),
    source: z.enum(["machine", "oauth"]),
    status_reason: z.string().nullable(),
    created_at: timestamp,
    activated_at: timestamp.nullable(),
  })
  .openapi("AdminTenant");

export const TenantList = z.object({ data: z.array(AdminTenant), next_cursor: z.string().nullable() }).openapi("AdminTenantList");

export const TenantDetail = AdminTenant.extend({
  members: z.array(
    z.object({
      user_id: z.uuid(),
      subject: z.string(),
      email: z.string().nullable(),
      role: z.enum(["owner", "admin", "member"]),
      joined_at: timestamp,
    }),
  ),
  api_keys: z.object({ total: z.number().int(), active: z.number().int() }),
  usage: z.object({
    window_days: z.number().int(),
    requests: z.number().int(),
    errors: z.number().int(),
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
  }),
  status_history: z.array(
    z.object({
      from: TenantStatus.nullable(),
      to: TenantStatus,
      reason: z.string().nullable(),
      actor: z.string().nullable(),
      at: timestamp,
    }),
  ),
}).openapi("AdminTenantDetail");

export const DryRun = z
  .object({
    dry_run: z.literal(true),
    would_execute: z
      .object({ action: z.string() })
      .loose()
      .openapi({ description: "The change the call would make: action, id, from, to, …" }),
  })
  .openapi("DryRunResult");

const Transition = z.object({
  action: z.string(),
  id: z.uuid(),
  from: TenantStatus,
  to: TenantStatus,
  reason: z.string().nullable(),
  events: z.array(z.string()),
});
export const TransitionResult = z
  .object({ dry_run: z.literal(false), executed: Transition, tenant: AdminTenant })
  .openapi("TenantTransitionResult");

export const InviteCode = z
  .object({
    id: z.uuid(),
    code: z.string(),
    status: z.enum(["active", "expired", "used_up", "revoked"]),
    max_uses: z.number().int().nullable(),
    used_count: z.number().int(),
    uses_left: z.number().int().nullable().openapi({ description: "null: unlimited" }),
    expires_at: timestamp.nullable(),
    note: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: timestamp,
    revoked_at: timestamp.nullable(),
  })
  .openapi("InviteCode");

const InviteCreateBody = z
  .strictObject({
    code: z
      .string()
      .regex(INVITE_CODE_PATTERN, "4-64 letters, digits, '-' or '_'")
      .optional()
      .openapi({ description: "Generated when absent" }),
    max_uses: z.number().int().positive().nullable().optional().openapi({ description: "null or absent: unlimited" }),
    expires_at: z.iso.datetime({ offset: true }).optional(),
    note: displayString(500, 0).optional(),
  })
  .openapi("CreateInviteCodeRequest");

export const Digest = z
  .object({
    window: z.enum(["24h", "7d", "30d"]),
    since: timestamp,
    generated_at: timestamp,
    tenants: z.object({ by_status: z.record(TenantStatus, z.number().int()), total: z.number().int() }),
    signups: z.number().int(),
    approvals: z.number().int(),
    rejections: z.number().int(),
    suspensions: z.number().int(),
    oldest_pending: z.object({ id: z.uuid(), slug: z.string(), name: z.string(), created_at: timestamp, age_hours: z.number() }).nullable(),
    active_keys: z.number().int(),
    usage: z.object({
      requests: z.number().int(),
      errors: z.number().int(),
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      total_tokens: z.number().int(),
      top_tenants: z.array(
        z.object({ id: z.uuid(), slug: z.string(), name: z.string(), requests: z.number().int(), tokens: z.number().int() }),
      ),
    }),
    unpriced: z
      .object({ requests: z.number().int(), models: z.array(z.string()) })
      .openapi({ description: "Requests in the window to models without a price (counted as 0 USD), and those models" }),
    budgets: z
      .object({
        tenants_over: z.array(
          z.object({
            tenant_id: z.uuid(),
            slug: z.string(),
            budget_usd: z.number(),
            budget_period: BudgetPeriod,
            spend_usd: z.number(),
          }),
        ),
        keys_over: z.array(
          z.object({
            key_id: z.uuid(),
            tenant_id: z.uuid(),
            name: z.string(),
            budget_usd: z.number(),
            budget_period: BudgetPeriod,
            spend_usd: z.number(),
          }),
        ),
      })
      .openapi({
        description:
          "Tenants and live keys whose spend in their current period (UTC) has reached their budget; at most 50 of each, the furthest over first",
      }),
    invite_redemptions: z.number().int(),
    notifications: z.object({
      delivered: z.number().int(),
      pending: z.number().int(),
      failed: z.number().int(),
      failed_by_subscriber: z.record(z.string(), z.number().int()),
    }),
    failed_notifications: z.number().int(),
    proposals: z.object({
      open: z.number().int(),
      oldest_open_hours: z.number().nullable(),
      executed: z.number().int().openapi({ description: "In the window, like declined and expired" }),
      declined: z.number().int(),
      expired: z.number().int(),
    }),
    highlights: z.array(z.string()).openapi({ description: "Short sentences an agent can relay, most urgent first" }),
  })
  .openapi("AdminDigest");

const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const DryRunQuery = z.object({
  dry_run: z.enum(["true", "false"]).optional().openapi({ description: "true: validate and describe the change, make none" }),
});
const ReasonBody = z.strictObject({ reason: displayString(500).optional() }).openapi("TenantDecisionRequest");
const Paging = {
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(500).optional(),
};
const dryRun = (q: { dry_run?: "true" | "false" | undefined }) => q.dry_run === "true";

export function registerAdminRoutes(app: App, deps: Deps) {
  const guard = platformAccess(deps);
  const base = { tags: ["Admin"], security: adminSecurity };

  app.openapi(
    createRoute({
      ...base,
      middleware: [guard] as const,
      method: "get",
      path: "/v1/admin/tenants",
      operationId: "admin.listTenants",
      summary: "List tenants, optionally by status",
      request: { query: z.object({ status: TenantStatus.optional(), ...Paging }) },
      responses: { 200: jsonContent(TenantList, "A page of tenants, oldest first"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await listTenants(deps, c.get("actor"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      ...base,
      middleware: [guard] as const,
      method: "get",
      path: "/v1/admin/tenants/{id}",
      operationId: "admin.getTenant",
      summary: "A tenant with members, key count, usage and status history",
      request: { params: IdParam },
      responses: { 200: jsonContent(TenantDetail, "The tenant"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await getTenant(deps, c.get("actor"), c.req.valid("param")), 200),
  );

  const transitions = [
    ["approve", "admin.approveTenant", "Approve a pending or suspended tenant (→ active)", approveTenant],
    ["reject", "admin.rejectTenant", "Reject a pending tenant (→ rejected)", rejectTenant],
    ["suspend", "admin.suspendTenant", "Suspend an active tenant (→ suspended); its keys stop at once", suspendTenant],
  ] as const;
  for (const [verb, operationId, summary, service] of transitions) {
    const route = createRoute({
      ...base,
      middleware: [guard] as const,
      method: "post",
      path: `/v1/admin/tenants/{id}/${verb}`,
      operationId,
      summary,
      request: { params: IdParam, query: DryRunQuery, body: { ...jsonBody(ReasonBody), required: false } },
      responses: {
        200: jsonContent(z.union([TransitionResult, DryRun]), "The change made, or with dry_run the change it would make"),
        ...errorResponses(400, 401, 403, 404, 409),
      },
    });
    app.openapi(route, async (c) => {
      // Optional body: absent and `{}` mean the same (no reason).
      const body = c.req.valid("json") ?? {};
      const input = { id: c.req.valid("param").id, reason: body.reason, dryRun: dryRun(c.req.valid("query")) };
      return c.json(await service(deps, c.get("actor"), input), 200);
    });
  }

  app.openapi(
    createRoute({
      ...base,
      middleware: [guard] as const,
      method: "post",
      path: "/v1/admin/invite-codes",
      operationId: "admin.createInviteCode",
      summary: "Create an invite code (generated when no code is given)",
      request: { query: DryRunQuery, body: jsonBody(InviteCreateBody) },
      responses: {
        201: jsonContent(InviteCode, "The invite code"),
        200: jsonContent(DryRun, "dry_run: the code that would be created"),
        ...errorResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const result = await createInviteCode(deps, c.get("actor"), { ...c.req.valid("json"), dryRun: dryRun(c.req.valid("query")) });
      return "dry_run" in result ? c.json(result, 200) : c.json(result, 201);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      middleware: [guard] as const,
      method: "get",
      path: "/v1/admin/invite-codes",
      operationId: "admin.listInviteCodes",
      summary: "List invite codes with uses left",
      request: { query: z.object({ include_revoked: z.enum(["true", "false"]).optional(), ...Paging }) },
      responses: {
        200: jsonContent(
          z.object({ data: z.array(InviteCode), next_cursor: z.string().nullable() }).openapi("InviteCodeList"),
          "A page of codes",
        ),
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      return c.json(await listInviteCodes(deps, c.get("actor"), { ...q, include_revoked: q.include_revoked === "true" }), 200);
    },
  );

  app.openapi(
    createRoute({
      ...base,
      middleware: [guard] as const,
      method: "delete",
      path: "/v1/admin/invite-codes/{id}",
      operationId: "admin.deleteInviteCode",
      summary: "Revoke an invite code (later registrations with it fail)",
      request: { params: IdParam, query: DryRunQuery },
      responses: {
        200: jsonContent(z.union([InviteCode, DryRun]), "The revoked code, or with dry_run the change it would make"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) =>
      c.json(await deleteInviteCode(deps, c.get("actor"), { id: c.req.valid("param").id, dryRun: dryRun(c.req.valid("query")) }), 200),
  );

  app.openapi(
    createRoute({
      ...base,
      middleware: [guard] as const,
      method: "get",
      path: "/v1/admin/digest",
      operationId: "admin.digest",
      summary: "The platform at a glance, with highlights an agent can relay",
      request: { query: z.object({ window: z.enum(Object.keys(DIGEST_WINDOWS) as [DigestWindow, ...DigestWindow[]]).optional() }) },
      responses: { 200: jsonContent(Digest, "The digest"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await digest(deps, c.get("actor"), c.req.valid("query")), 200),
  );
}
