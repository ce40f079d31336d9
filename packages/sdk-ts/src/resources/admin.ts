import type { PagePromise } from "../core/pagination.js";
import { path, type RequestOptions } from "../core/request.js";
import { APIResource } from "./resource.js";
import { dryRunQuery, type DryRunOption, type DryRunResult, type ListParams, type TenantStatus, type TenantSummary } from "./shared.js";

export interface AdminTenant extends TenantSummary {
  admin_email: string;
  source: "machine" | "oauth";
  status_reason: string | null;
  created_at: string;
  activated_at: string | null;
}

/** Tenant detail: members, key count, usage and status history. */
export interface AdminTenantDetail extends AdminTenant {
  members: { user_id: string; subject: string; email: string | null; role: "owner" | "admin" | "member"; joined_at: string }[];
  api_keys: { total: number; active: number };
  usage: { window_days: number; requests: number; errors: number; prompt_tokens: number; completion_tokens: number };
  status_history: { from: TenantStatus | null; to: TenantStatus; reason: string | null; actor: string | null; at: string }[];
}

/** A status change that was made (without dryRun). */
export interface TenantTransitionResult {
  dry_run: false;
  executed: { action: string; id: string; from: TenantStatus; to: TenantStatus; reason: string | null; events: string[] };
  tenant: AdminTenant;
}

export interface InviteCode {
  id: string;
  code: string;
  status: "active" | "expired" | "used_up" | "revoked";
  max_uses: number | null;
  used_count: number;
  /** null: unlimited. */
  uses_left: number | null;
  expires_at: string | null;
  note: string | null;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
}

type Counts = { requests: number; errors: number; prompt_tokens: number; completion_tokens: number; total_tokens: number };

export interface Digest {
  window: "24h" | "7d" | "30d";
  since: string;
  generated_at: string;
  tenants: { by_status: Record<TenantStatus, number>; total: number };
  signups: number;
  approvals: number;
  rejections: number;
  suspensions: number;
  oldest_pending: { id: string; slug: string; name: string; created_at: string; age_hours: number } | null;
  active_keys: number;
  usage: Counts & { top_tenants: { id: string; slug: string; name: string; requests: number; tokens: number }[] };
  invite_redemptions: number;
  notifications: { delivered: number; pending: number; failed: number; failed_by_subscriber: Record<string, number> };
  failed_notifications: number;
  /** Short sentences an agent can relay, most urgent first. */
  highlights: string[];
}

/** With `dryRun: true` a mutation answers a DryRunResult, without it the change made. */
export type Outcome<P, R> = P extends { dryRun: true }
  ? DryRunResult
  : P extends { dryRun: false }
    ? R
    : P extends { dryRun: boolean }
      ? R | DryRunResult
      : R;

export type ListTenantsParams = ListParams & { status?: TenantStatus };
export type ListInviteCodesParams = ListParams & { include_revoked?: boolean };

export interface ReasonParams extends DryRunOption {
  reason?: string;
}

export interface CreateInviteCodeParams extends DryRunOption {
  code?: string;
  max_uses?: number | null;
  expires_at?: string | null;
  note?: string;
}

/** Platform administration (DESIGN.md §6); callers must be platform admins (key or token). */
export class Admin extends APIResource {
  listTenants(params: ListTenantsParams = {}, options?: RequestOptions): PagePromise<AdminTenant> {
    return this.paginate("/v1/admin/tenants", "either", params, options);
  }

  getTenant(id: string, options?: RequestOptions): Promise<AdminTenantDetail> {
    return this.core.request({ method: "GET", path: path`/v1/admin/tenants/${id}`, credential: "either", options });
  }

  approveTenant<const P extends DryRunOption = {}>(
    id: string,
    params?: P,
    options?: RequestOptions,
  ): Promise<Outcome<P, TenantTransitionResult>> {
    return this.transition("approve", id, params, options);
  }

  rejectTenant<const P extends ReasonParams = {}>(
    id: string,
    params?: P,
    options?: RequestOptions,
  ): Promise<Outcome<P, TenantTransitionResult>> {
    return this.transition("reject", id, params, options);
  }

  suspendTenant<const P extends ReasonParams = {}>(
    id: string,
    params?: P,
    options?: RequestOptions,
  ): Promise<Outcome<P, TenantTransitionResult>> {
    return this.transition("suspend", id, params, options);
  }

  createInviteCode<const P extends CreateInviteCodeParams = {}>(params?: P, options?: RequestOptions): Promise<Outcome<P, InviteCode>> {
    const { dryRun, ...body } = params ?? {};
    return this.core.request({
      method: "POST",
      path: "/v1/admin/invite-codes",
      credential: "either",
      query: dryRunQuery({ dryRun }),
      body,
      options,
    });
  }

  listInviteCodes(params: ListInviteCodesParams = {}, options?: RequestOptions): PagePromise<InviteCode> {
    return this.paginate("/v1/admin/invite-codes", "either", params, options);
  }

  deleteInviteCode<const P extends DryRunOption = {}>(id: string, params?: P, options?: RequestOptions): Promise<Outcome<P, InviteCode>> {
    return this.core.request({
      method: "DELETE",
      path: path`/v1/admin/invite-codes/${id}`,
      credential: "either",
      query: dryRunQuery(params),
      options,
    });
  }

  digest(params: { window?: "24h" | "7d" | "30d" } = {}, options?: RequestOptions): Promise<Digest> {
    return this.core.request({ method: "GET", path: "/v1/admin/digest", credential: "either", query: { ...params }, options });
  }

  private transition<R>(action: string, id: string, params: ReasonParams | undefined, options?: RequestOptions) {
    const { dryRun, ...body } = params ?? {};
    return this.core.request<R>({
      method: "POST",
      path: path`/v1/admin/tenants/${id}/` + action,
      credential: "either",
      query: dryRunQuery({ dryRun }),
      body,
      options,
    });
  }
}
