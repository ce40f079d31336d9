import type { PagePromise } from "../core/pagination.js";
import { path, type RequestOptions } from "../core/request.js";
import type { ClaimLink, ClaimLinkParams } from "./identity-bridge.js";
import { APIResource } from "./resource.js";
import type { PolicyFields, SpendFields } from "./tenant-settings.js";
import type { ListParams, MembershipRole } from "./shared.js";

// The dashboard's management routes: a human's access token, acting in the tenant `tenantId`
// picks (it must be active).

export type ApiKeyRole = "admin" | "developer";

export interface ApiKey extends PolicyFields, SpendFields {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  user_id: string | null;
  /** The email of the human the key belongs to; null for agents' keys. */
  user_email: string | null;
  /** The key that created this one (headless management); null: a human or registration. */
  created_by_key_id: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  /** Platform power the key was minted with; null: a plain tenant key. */
  platform_role: "admin" | "proposer" | null;
  /** Last rotation; null: never rotated. */
  rotated_at: string | null;
  /** When the secret the last rotation replaced stops (or stopped) working; then it answers 401 `api_key_rotated`. */
  previous_secret_expires_at: string | null;
}

/** `key` is shown this once. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface CreateApiKeyParams extends Partial<PolicyFields> {
  name: string;
  /** Default developer; admin keys: owners on the dashboard, admin-role keys on `/v1`. */
  role?: ApiKeyRole;
  expires_in_days?: number;
  /** A future ISO 8601 date-time (not with `expires_in_days`); within the tenant's `max_key_lifetime_days`. */
  expires_at?: string | null;
  /** A platform-admin key (for MCP); platform admins only. */
  platform_admin?: boolean;
  /** A key that may read the admin API, dry-run and propose; platform admins and proposers only. */
  platform_proposer?: boolean;
}

/** At least one field; null clears a limit. */
export interface UpdateApiKeyParams extends Partial<PolicyFields> {
  name?: string;
  /** A future ISO 8601 date-time; null: never expires. */
  expires_at?: string | null;
}

export interface RotateApiKeyParams {
  /** How long the old secret keeps working: 0–86,400 s, default 3,600; 0 stops it at once. */
  grace_seconds?: number;
}

export interface Member {
  id: string;
  user_id: string;
  subject: string;
  email: string | null;
  role: MembershipRole;
  joined_at: string;
}

export interface RemovedMember {
  id: string;
  deleted: true;
}

export interface ClaimLinkSummary {
  id: string;
  kind: "registration" | "link" | "invite";
  role: MembershipRole;
  max_uses: number;
  used_count: number;
  uses_left: number;
  state: "active" | "expired" | "revoked" | "used_up";
  expires_at: string;
  revoked_at: string | null;
  created_at: string;
  /** The per-tenant user id that minted it, or a system label (`email`). */
  created_by: string | null;
  /** That user's email while they are a member; null for agents. */
  created_by_email: string | null;
}

export class ApiKeys extends APIResource {
  list(params: ListParams = {}, options?: RequestOptions): PagePromise<ApiKey> {
    return this.paginate("/auth/api-keys", "accessToken", params, options);
  }
  create(params: CreateApiKeyParams, options?: RequestOptions): Promise<CreatedApiKey> {
    return this.core.request({ method: "POST", path: "/auth/api-keys", credential: "accessToken", body: params, options });
  }
  /** Renames a key or changes its expiry or limits (rpm, budget, allowed models). */
  update(id: string, params: UpdateApiKeyParams, options?: RequestOptions): Promise<ApiKey> {
    return this.core.request({ method: "PATCH", path: path`/auth/api-keys/${id}`, credential: "accessToken", body: params, options });
  }
  /**
   * A new secret under the same id, shown this once; the old one works for `grace_seconds`, then
   * answers 401 `api_key_rotated`. Rotating again during a grace ends the older secret at once.
   */
  rotate(id: string, params: RotateApiKeyParams = {}, options?: RequestOptions): Promise<CreatedApiKey> {
    return this.core.request({ method: "POST", path: path`/auth/api-keys/${id}/rotate`, credential: "accessToken", body: params, options });
  }
  /** The key stops working at once. */
  revoke(id: string, options?: RequestOptions): Promise<ApiKey> {
    return this.core.request({ method: "DELETE", path: path`/auth/api-keys/${id}`, credential: "accessToken", options });
  }
}

export class Members extends APIResource {
  list(params: ListParams = {}, options?: RequestOptions): PagePromise<Member> {
    return this.paginate("/auth/members", "accessToken", params, options);
  }
  /** Owners only; the last owner cannot be demoted. */
  update(id: string, params: { role: MembershipRole }, options?: RequestOptions): Promise<Member> {
    return this.core.request({ method: "PATCH", path: path`/auth/members/${id}`, credential: "accessToken", body: params, options });
  }
  /** Owners only; also revokes the API keys the member made. */
  remove(id: string, options?: RequestOptions): Promise<RemovedMember> {
    return this.core.request({ method: "DELETE", path: path`/auth/members/${id}`, credential: "accessToken", options });
  }
}

export class ClaimLinks extends APIResource {
  list(params: ListParams = {}, options?: RequestOptions): PagePromise<ClaimLinkSummary> {
    return this.paginate("/auth/claim-links", "accessToken", params, options);
  }
  /** Owners only; the answer's `token` and `url` are shown this once. */
  create(params: ClaimLinkParams = {}, options?: RequestOptions): Promise<ClaimLink> {
    return this.core.request({ method: "POST", path: "/auth/claim-links", credential: "accessToken", body: params, options });
  }
  revoke(id: string, options?: RequestOptions): Promise<ClaimLinkSummary> {
    return this.core.request({ method: "DELETE", path: path`/auth/claim-links/${id}`, credential: "accessToken", options });
  }
}
