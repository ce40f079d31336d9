import { PagePromise, type PageResponse } from "../core/pagination.js";
import { path, type RequestCore, type RequestOptions } from "../core/request.js";
import type { ClaimLink } from "./identity-bridge.js";
import { APIResource } from "./resource.js";
import type { ListParams, Membership, MembershipRole, TenantSummary } from "./shared.js";

// The dashboard's routes: a human's OIDC access token, the tenant picked by `tenantId`.

export interface ProvisionResult {
  created: boolean;
  tenant: TenantSummary;
  role: MembershipRole;
  memberships: Membership[];
  claimable: TenantSummary[];
}

export interface Me {
  identity: { subject: string; email: string | null; email_verified: boolean };
  is_platform_admin: boolean;
  tenant: (TenantSummary & { role: MembershipRole }) | null;
  memberships: Membership[];
  claimable: TenantSummary[];
}

export interface ClaimPreview {
  tenant: TenantSummary;
  role: MembershipRole;
  expires_at: string;
  uses_left: number;
  /** A claim by this identity would answer 409 already_member. */
  already_member: boolean;
}

export interface DeviceLookup {
  tenant: TenantSummary;
  /** The identity's role in the tenant once approved (a member keeps its own). */
  role: MembershipRole;
  expires_at: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: "admin" | "developer";
  user_id: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface Member {
  id: string;
  user_id: string;
  subject: string;
  email: string | null;
  role: MembershipRole;
  joined_at: string;
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
}

export interface ClaimResult {
  tenant: TenantSummary;
  membership: { id: string; role: MembershipRole; user_id: string; joined_at: string };
  [field: string]: unknown;
}

export interface Usage {
  days: (UsageCounts & { date: string })[];
  totals: UsageCounts;
}

export interface UsageCounts {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  [field: string]: number;
}

const list = <T>(core: RequestCore, p: string, params: ListParams, options?: RequestOptions) => {
  const { cursor, ...query } = params;
  return new PagePromise<T>(
    (c) => core.request<PageResponse<T>>({ method: "GET", path: p, credential: "accessToken", query: { ...query, cursor: c }, options }),
    cursor,
  );
};

class ApiKeys extends APIResource {
  list(params: ListParams = {}, options?: RequestOptions) {
    return list<ApiKey>(this.core, "/auth/api-keys", params, options);
  }
  /** The answer holds `key`, shown this once. */
  create(params: { name: string; role?: "admin" | "developer"; expires_in_days?: number }, options?: RequestOptions): Promise<ApiKey & { key: string }> {
    return this.core.request({ method: "POST", path: "/auth/api-keys", credential: "accessToken", body: params, options });
  }
  revoke(id: string, options?: RequestOptions): Promise<ApiKey> {
    return this.core.request({ method: "DELETE", path: path`/auth/api-keys/${id}`, credential: "accessToken", options });
  }
}

class Members extends APIResource {
  list(params: ListParams = {}, options?: RequestOptions) {
    return list<Member>(this.core, "/auth/members", params, options);
  }
  update(id: string, params: { role: MembershipRole }, options?: RequestOptions): Promise<Member> {
    return this.core.request({ method: "PATCH", path: path`/auth/members/${id}`, credential: "accessToken", body: params, options });
  }
  remove(id: string, options?: RequestOptions): Promise<{ id: string; deleted: true }> {
    return this.core.request({ method: "DELETE", path: path`/auth/members/${id}`, credential: "accessToken", options });
  }
}

class ClaimLinks extends APIResource {
  list(params: ListParams = {}, options?: RequestOptions) {
    return list<ClaimLinkSummary>(this.core, "/auth/claim-links", params, options);
  }
  create(params: { role?: MembershipRole; max_uses?: number; expires_in_days?: number } = {}, options?: RequestOptions): Promise<ClaimLink> {
    return this.core.request({ method: "POST", path: "/auth/claim-links", credential: "accessToken", body: params, options });
  }
  revoke(id: string, options?: RequestOptions): Promise<ClaimLinkSummary> {
    return this.core.request({ method: "DELETE", path: path`/auth/claim-links/${id}`, credential: "accessToken", options });
  }
}

class UsageResource extends APIResource {
  /** Per-day request and token counts of the current tenant (the dashboard's usage chart). */
  retrieve(params: { days?: number } = {}, options?: RequestOptions): Promise<Usage> {
    return this.core.request({ method: "GET", path: "/auth/usage", credential: "accessToken", query: params, options });
  }
}

export class Auth extends APIResource {
  readonly apiKeys = new ApiKeys(this.core);
  readonly members = new Members(this.core);
  readonly claimLinks = new ClaimLinks(this.core);
  readonly usage = new UsageResource(this.core);

  /** First sign-in: creates the identity's tenant, or returns its memberships. */
  provision(params: { tenant_name?: string; invite_code?: string } = {}, options?: RequestOptions): Promise<ProvisionResult> {
    return this.core.request({ method: "POST", path: "/auth/provision", credential: "accessToken", body: params, options });
  }

  me(options?: RequestOptions): Promise<Me> {
    return this.core.request({ method: "GET", path: "/auth/me", credential: "accessToken", options });
  }

  /** Redeems a claim token (or claims by verified email with `tenant_id`). */
  claim(params: { token: string } | { tenant_id: string }, options?: RequestOptions): Promise<ClaimResult> {
    return this.core.request({ method: "POST", path: "/auth/claim", credential: "accessToken", body: params, options });
  }

  /** The tenant and role a claim token grants, without claiming (the token travels in the body). */
  previewClaim(params: { token: string }, options?: RequestOptions): Promise<ClaimPreview> {
    return this.core.request({ method: "POST", path: "/auth/claim/preview", credential: "accessToken", body: params, options });
  }

  /** Which tenant a terminal's user code belongs to, before approving it. */
  lookupDevice(params: { user_code: string }, options?: RequestOptions): Promise<DeviceLookup> {
    return this.core.request({ method: "POST", path: "/auth/device/lookup", credential: "accessToken", body: params, options });
  }

  /** The human's side of the device flow: approve (default) or deny the code a terminal shows. */
  confirmDevice(params: { user_code: string; action?: "approve" | "deny" }, options?: RequestOptions): Promise<{ status: "linked" | "denied"; [field: string]: unknown }> {
    return this.core.request({ method: "POST", path: "/auth/device/confirm", credential: "accessToken", body: params, options });
  }
}
