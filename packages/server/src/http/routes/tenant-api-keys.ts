import { createRoute } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import {
  createTenantApiKey,
  listTenantApiKeys,
  revokeTenantApiKey,
  rotateTenantApiKey,
  updateTenantApiKey,
} from "../../services/tenant-api-keys.js";
import type { App } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { apiKeySecurity, errorResponses, jsonBody, jsonContent } from "../openapi.js";
import {
  ApiKey,
  ApiKeyList,
  CreateApiKeyRequest,
  CreatedApiKey,
  ROTATE_DESCRIPTION,
  RotateApiKeyRequest,
  UpdateApiKeyRequest,
} from "./api-key-schemas.js";
import { IdParam, ListQuery } from "./dashboard-management.js";

/**
 * Headless key management (DESIGN.md §10): an agent manages its own tenant's keys with an
 * admin-role API key, through the same service as the dashboard's /auth/api-keys. Developer keys
 * are refused before the request is read (403 insufficient_role); another tenant's key id is not
 * found under RLS (404).
 */
export function registerTenantApiKeys(app: App, deps: Deps) {
  const base = { security: apiKeySecurity, middleware: [apiKeyAuth(deps, { role: "admin" })], tags: ["Tenant"] };

  app.openapi(
    createRoute({
      ...base,
      method: "get",
      path: "/v1/tenant/api-keys",
      operationId: "tenant.listApiKeys",
      summary: "The tenant's API keys (prefix and last use, never the key); admin-role keys",
      request: { query: ListQuery },
      responses: { 200: jsonContent(ApiKeyList, "Keys"), ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => c.json(await listTenantApiKeys(deps, c.get("actor"), c.req.valid("query")), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "post",
      path: "/v1/tenant/api-keys",
      operationId: "tenant.createApiKey",
      summary: "Create an API key (admin or developer role); the key is shown this once",
      description: "platform_admin / platform_proposer only for a key that holds that power itself (403 not_platform_admin).",
      request: { body: jsonBody(CreateApiKeyRequest) },
      responses: { 201: jsonContent(CreatedApiKey, "Created"), ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => c.json(await createTenantApiKey(deps, c.get("actor"), c.req.valid("json")), 201),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "patch",
      path: "/v1/tenant/api-keys/{id}",
      operationId: "tenant.updateApiKey",
      summary: "Rename an API key or change its policy: expiry, rpm, budget, allowed models",
      request: { params: IdParam, body: jsonBody(UpdateApiKeyRequest) },
      responses: { 200: jsonContent(ApiKey, "Updated"), ...errorResponses(400, 401, 403, 404, 409, 429) },
    }),
    async (c) => c.json(await updateTenantApiKey(deps, c.get("actor"), c.req.valid("param").id, c.req.valid("json")), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "delete",
      path: "/v1/tenant/api-keys/{id}",
      operationId: "tenant.revokeApiKey",
      summary: "Revoke an API key; it stops working at once on every instance",
      request: { params: IdParam },
      responses: { 200: jsonContent(ApiKey, "Revoked"), ...errorResponses(400, 401, 403, 404, 429) },
    }),
    async (c) => c.json(await revokeTenantApiKey(deps, c.get("actor"), c.req.valid("param").id), 200),
  );
  app.openapi(
    createRoute({
      ...base,
      method: "post",
      path: "/v1/tenant/api-keys/{id}/rotate",
      operationId: "tenant.rotateApiKey",
      summary: "Rotate an API key's secret; the new one is shown this once",
      description: ROTATE_DESCRIPTION,
      request: { params: IdParam, body: { ...jsonBody(RotateApiKeyRequest), required: false } },
      responses: {
        200: jsonContent(CreatedApiKey, "Rotated: the key with its new secret"),
        ...errorResponses(400, 401, 403, 404, 409, 429),
      },
    }),
    async (c) => c.json(await rotateTenantApiKey(deps, c.get("actor"), c.req.valid("param").id, c.req.valid("json")?.grace_seconds), 200),
  );
}
