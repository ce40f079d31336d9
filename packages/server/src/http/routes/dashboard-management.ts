import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { createClaimLink, listClaimLinks, revokeClaimLink } from "../../services/claim-links.js";
import { changeMemberRole, listTenantMembers, removeMember } from "../../services/members.js";
import {
  createTenantApiKey,
  listTenantApiKeys,
  revokeTenantApiKey,
  rotateTenantApiKey,
  updateTenantApiKey,
} from "../../services/tenant-api-keys.js";
import {
  ApiKey,
  ApiKeyList,
  CreateApiKeyRequest,
  CreatedApiKey,
  ROTATE_DESCRIPTION,
  RotateApiKeyRequest,
  UpdateApiKeyRequest,
} from "./api-key-schemas.js";
import type { App } from "../context.js";
import { jwtAuth, tenantContext } from "../middleware/jwt-auth.js";
import { displayString, errorResponses, jsonBody, jsonContent, jwtSecurity, MembershipRole, TenantIdHeader } from "../openapi.js";
import { ClaimLink, ClaimLinkRequest } from "./identity-bridge.js";

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
});
export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
export const list = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name);

export const Member = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    subject: z.string(),
    email: z.string().nullable(),
    role: MembershipRole,
    joined_at: z.string(),
  })
  .openapi("Member");
const UpdateMemberRequest = z.strictObject({ role: MembershipRole }).openapi("UpdateMemberRequest");
export const DeletedMember = z.object({ id: z.uuid(), deleted: z.literal(true) }).openapi("DeletedMember");

export const ClaimLinkSummary = z
  .object({
    id: z.uuid(),
    kind: z.enum(["registration", "link", "invite"]),
    role: MembershipRole,
    max_uses: z.number().int(),
    used_count: z.number().int(),
    uses_left: z.number().int(),
    state: z.enum(["active", "expired", "revoked", "used_up"]),
    expires_at: z.string(),
    revoked_at: z.string().nullable(),
    created_at: z.string(),
    created_by: z.string().nullable().describe("The per-tenant user id that minted it, or a system label (`email`)"),
    created_by_email: z.string().nullable().describe("That user's email while they are a member; null for agents"),
  })
  .openapi("ClaimLinkSummary");

/**
 * The dashboard's management routes: a signed-in human acting in the tenant X-BR-Tenant-Id picks,
 * which must be active. Every query runs under that tenant's RLS, so another tenant's id is
 * simply not found.
 */
export function registerDashboardManagement(app: App, deps: Deps) {
  // One instance shared by every route below (a mutable array: createRoute refuses a spread `as const` tuple).
  const base = { security: jwtSecurity, middleware: [jwtAuth(deps), tenantContext(deps, { requireActive: true })] };
  const headers = TenantIdHeader;

  app.openapi(
    createRoute({
      ...base,
      method: "get",
      path: "/auth/members",
      operationId: "auth.members.list",
      tags: ["Dashboard"],
      summary: "Members of the current tenant",
      request: { headers, query: ListQuery },
      responses: { 200: jsonContent(list(Member, "MemberList"), "Members"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await listTenantMembers(deps, c.get("actor"), c.req.valid("query")), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "patch",
      path: "/auth/members/{id}",
      operationId: "auth.members.update",
      tags: ["Dashboard"],
      summary: "Change a member's role (owners; the last owner cannot be demoted)",
      request: { headers, params: IdParam, body: jsonBody(UpdateMemberRequest) },
      responses: { 200: jsonContent(Member, "Updated"), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await changeMemberRole(deps, c.get("actor"), c.req.valid("param").id, c.req.valid("json").role), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "delete",
      path: "/auth/members/{id}",
      operationId: "auth.members.remove",
      tags: ["Dashboard"],
      summary: "Remove a member and revoke the API keys they made (owners; not the last owner)",
      request: { headers, params: IdParam },
      responses: { 200: jsonContent(DeletedMember, "Removed"), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await removeMember(deps, c.get("actor"), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: "get",
      path: "/auth/api-keys",
      operationId: "auth.apiKeys.list",
      tags: ["Dashboard"],
      summary: "API keys of the current tenant (prefix and last use, never the key)",
      request: { headers, query: ListQuery },
      responses: { 200: jsonContent(ApiKeyList, "Keys"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await listTenantApiKeys(deps, c.get("actor"), c.req.valid("query")), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "post",
      path: "/auth/api-keys",
      operationId: "auth.apiKeys.create",
      tags: ["Dashboard"],
      summary: "Create an API key (owners and admins); the key is shown this once",
      request: { headers, body: jsonBody(CreateApiKeyRequest) },
      responses: { 201: jsonContent(CreatedApiKey, "Created"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await createTenantApiKey(deps, c.get("actor"), c.req.valid("json")), 201),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "patch",
      path: "/auth/api-keys/{id}",
      operationId: "auth.apiKeys.update",
      tags: ["Dashboard"],
      summary: "Rename an API key or change its policy: expiry, rpm, budget, allowed models (owners and admins)",
      request: { headers, params: IdParam, body: jsonBody(UpdateApiKeyRequest) },
      responses: { 200: jsonContent(ApiKey, "Updated"), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await updateTenantApiKey(deps, c.get("actor"), c.req.valid("param").id, c.req.valid("json")), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "post",
      path: "/auth/api-keys/{id}/rotate",
      operationId: "auth.apiKeys.rotate",
      tags: ["Dashboard"],
      summary: "Rotate an API key's secret; the new one is shown this once (owners and admins)",
      description: ROTATE_DESCRIPTION,
      request: { headers, params: IdParam, body: { ...jsonBody(RotateApiKeyRequest), required: false } },
      responses: { 200: jsonContent(CreatedApiKey, "Rotated: the key with its new secret"), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await rotateTenantApiKey(deps, c.get("actor"), c.req.valid("param").id, c.req.valid("json")?.grace_seconds), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "delete",
      path: "/auth/api-keys/{id}",
      operationId: "auth.apiKeys.revoke",
      tags: ["Dashboard"],
      summary: "Revoke an API key; it stops working at once (owners and admins)",
      request: { headers, params: IdParam },
      responses: { 200: jsonContent(ApiKey, "Revoked"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await revokeTenantApiKey(deps, c.get("actor"), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: "get",
      path: "/auth/claim-links",
      operationId: "auth.claimLinks.list",
      tags: ["Dashboard"],
      summary: "Claim links of the current tenant with uses left (owners)",
      request: { headers, query: ListQuery },
      responses: { 200: jsonContent(list(ClaimLinkSummary, "ClaimLinkList"), "Claim links"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await listClaimLinks(deps, c.get("actor"), c.req.valid("query")), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "post",
      path: "/auth/claim-links",
      operationId: "auth.claimLinks.create",
      tags: ["Dashboard"],
      summary: "Mint a claim link (owners)",
      request: { headers, body: { ...jsonBody(ClaimLinkRequest), required: false } },
      responses: { 201: jsonContent(ClaimLink, "The claim link, token shown once"), ...errorResponses(400, 401, 403) },
    }),
    async (c) => c.json(await createClaimLink(deps, c.get("actor"), c.req.valid("json") ?? {}), 201),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "delete",
      path: "/auth/claim-links/{id}",
      operationId: "auth.claimLinks.revoke",
      tags: ["Dashboard"],
      summary: "Revoke a claim link (owners)",
      request: { headers, params: IdParam },
      responses: { 200: jsonContent(ClaimLinkSummary, "Revoked"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await revokeClaimLink(deps, c.get("actor"), c.req.valid("param").id), 200),
  );
}
