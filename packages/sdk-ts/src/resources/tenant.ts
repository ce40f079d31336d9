import type { PagePromise } from "../core/pagination.js";
import { path, type RequestOptions } from "../core/request.js";
import type { AuditEvent, ListAuditEventsParams } from "./audit.js";
import type { ApiKey, CreateApiKeyParams, CreatedApiKey, RotateApiKeyParams, UpdateApiKeyParams } from "./auth-management.js";
import { APIResource } from "./resource.js";
import type { TenantSettings, UpdateTenantSettingsParams } from "./tenant-settings.js";
import type { ListParams, TenantSummary } from "./shared.js";
import type { Usage, UsageParams, UsageRowFor } from "./usage.js";

export interface CurrentTenant {
  tenant: TenantSummary;
  key: { id: string; prefix: string; role: "admin" | "developer" };
}

export class Tenant extends APIResource {
  /** The calling key's tenant and the key itself. */
  retrieve(options?: RequestOptions): Promise<CurrentTenant> {
    return this.core.request({ method: "GET", path: "/v1/tenant", credential: "apiKey", options });
  }

  /** The tenant's audit trail, newest first (admin-role keys). */
  listAuditEvents(params: ListAuditEventsParams = {}, options?: RequestOptions): PagePromise<AuditEvent> {
    return this.paginate("/v1/tenant/audit", "apiKey", params, options);
  }

  /**
   * Requests, tokens, cost and errors over UTC days (default the last 30), per day, key or model
   * (admin-role keys). Keys and models come a page at a time: pass `next_cursor` as `cursor`.
   */
  usage<P extends UsageParams>(params?: P, options?: RequestOptions): Promise<Usage<UsageRowFor<P["group_by"]>>>;
  usage(params?: UsageParams, options?: RequestOptions): Promise<Usage>;
  usage(params: UsageParams = {}, options?: RequestOptions): Promise<Usage> {
    return this.core.request({ method: "GET", path: "/v1/tenant/usage", credential: "apiKey", query: { ...params }, options });
  }

  /** The tenant's budget, model access and key limits, with its spend this period (admin-role keys). */
  settings(options?: RequestOptions): Promise<TenantSettings> {
    return this.core.request({ method: "GET", path: "/v1/tenant/settings", credential: "apiKey", options });
  }

  /** Changes the tenant's settings; null clears a field. Every key reloads its policy at once. */
  updateSettings(params: UpdateTenantSettingsParams, options?: RequestOptions): Promise<TenantSettings> {
    return this.core.request({ method: "PATCH", path: "/v1/tenant/settings", credential: "apiKey", body: params, options });
  }

  // Headless key management (admin-role keys; a developer key gets 403 insufficient_role).

  /** The tenant's keys (prefix and last use, never the key). */
  listApiKeys(params: ListParams = {}, options?: RequestOptions): PagePromise<ApiKey> {
    return this.paginate("/v1/tenant/api-keys", "apiKey", params, options);
  }

  /** Admin or developer role; `key` is shown this once. Platform power only from a key that holds it. */
  createApiKey(params: CreateApiKeyParams, options?: RequestOptions): Promise<CreatedApiKey> {
    return this.core.request({ method: "POST", path: "/v1/tenant/api-keys", credential: "apiKey", body: params, options });
  }

  /** Renames a key or changes its expiry or limits (rpm, budget, allowed models). */
  updateApiKey(id: string, params: UpdateApiKeyParams, options?: RequestOptions): Promise<ApiKey> {
    return this.core.request({ method: "PATCH", path: path`/v1/tenant/api-keys/${id}`, credential: "apiKey", body: params, options });
  }

  /** The key stops working at once on every instance. */
  revokeApiKey(id: string, options?: RequestOptions): Promise<ApiKey> {
    return this.core.request({ method: "DELETE", path: path`/v1/tenant/api-keys/${id}`, credential: "apiKey", options });
  }

  /**
   * A new secret under the same id, shown this once; the old one works for `grace_seconds`
   * (default 3,600), then answers 401 `api_key_rotated`. A key may rotate itself.
   */
  rotateApiKey(id: string, params: RotateApiKeyParams = {}, options?: RequestOptions): Promise<CreatedApiKey> {
    return this.core.request({ method: "POST", path: path`/v1/tenant/api-keys/${id}/rotate`, credential: "apiKey", body: params, options });
  }
}
