import type { PagePromise } from "../core/pagination.js";
import type { RequestOptions } from "../core/request.js";
import type { AuditEvent, ListAuditEventsParams } from "./audit.js";
import { ApiKeys, ClaimLinks, Members } from "./auth-management.js";
import { APIResource } from "./resource.js";
import { TenantSettingsResource } from "./tenant-settings.js";
import { UsageResource } from "./usage.js";
import type { Membership, MembershipRole, TenantSummary } from "./shared.js";

// A human's routes: the OIDC access token; `tenantId` picks the tenant where one is acted in.

export interface ProvisionParams {
  tenant_name?: string;
  invite_code?: string;
}

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
  /** The tenant `tenantId` names, else the identity's default; null with no membership. */
  tenant: (TenantSummary & { role: MembershipRole }) | null;
  memberships: Membership[];
  /** Unclaimed tenants whose admin email is this identity's verified email. */
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

export interface ClaimResult {
  tenant: TenantSummary;
  membership: { id: string; role: MembershipRole; user_id: string; joined_at: string };
}

export interface DeviceLookup {
  tenant: TenantSummary;
  /** The identity's role in the tenant once approved (a member keeps its own). */
  role: MembershipRole;
  expires_at: string;
}

export interface DeviceConfirmation {
  status: "linked" | "denied";
  tenant: TenantSummary;
  /** The identity's role in the tenant; null when denied. */
  role: MembershipRole | null;
}

export interface DevSignIn {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
}

export class Auth extends APIResource {
  readonly apiKeys = new ApiKeys(this.core);
  readonly members = new Members(this.core);
  readonly claimLinks = new ClaimLinks(this.core);
  readonly usage = new UsageResource(this.core);
  readonly tenantSettings = new TenantSettingsResource(this.core);

  /** First sign-in: creates the identity's tenant, or returns its memberships. */
  provision(params: ProvisionParams = {}, options?: RequestOptions): Promise<ProvisionResult> {
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
  confirmDevice(params: { user_code: string; action?: "approve" | "deny" }, options?: RequestOptions): Promise<DeviceConfirmation> {
    return this.core.request({ method: "POST", path: "/auth/device/confirm", credential: "accessToken", body: params, options });
  }

  /** The current tenant's audit trail, newest first (owners and admins): the dashboard's Activity. */
  listAuditEvents(params: ListAuditEventsParams = {}, options?: RequestOptions): PagePromise<AuditEvent> {
    return this.paginate("/auth/audit", "accessToken", params, options);
  }

  /**
   * A token for any email, no password: only servers without an identity provider outside
   * production offer it (the dashboard's development sign-in).
   */
  devSignIn(params: { email: string }, options?: RequestOptions): Promise<DevSignIn> {
    return this.core.request({ method: "POST", path: "/auth/dev/sign-in", credential: "none", body: params, options });
  }
}
