import type { PagePromise } from "../core/pagination.js";
import { path, type RequestOptions } from "../core/request.js";
import type { AuditEvent, ListPlatformAuditEventsParams } from "./audit.js";
import type { CreateProposalParams, DeclineProposalParams, ListProposalsParams, Proposal } from "./proposals.js";
import { APIResource } from "./resource.js";
import type { BudgetPeriod } from "./tenant-settings.js";
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

export interface TenantOverBudget {
  tenant_id: string;
  slug: string;
  budget_usd: number;
  budget_period: BudgetPeriod;
  spend_usd: number;
}

export interface KeyOverBudget {
  key_id: string;
  tenant_id: string;
  name: string;
  budget_usd: number;
  budget_period: BudgetPeriod;
  spend_usd: number;
}

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
  /** Requests in the window to models without a price (counted as 0 USD), and those models. */
  unpriced: { requests: number; models: string[] };
  /** Scopes whose spend in their current period (UTC) has reached their budget; at most 50 of each, furthest over first. */
  budgets: { tenants_over: TenantOverBudget[]; keys_over: KeyOverBudget[] };
  invite_redemptions: number;
  notifications: { delivered: number; pending: number; failed: number; failed_by_subscriber: Record<string, number> };
  failed_notifications: number;
  /** Open now; executed, declined and expired in the window. */
  proposals: { open: number; oldest_open_hours: number | null; executed: number; declined: number; expired: number };
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

/**
 * Platform administration (DESIGN.md §6, §8); callers must be platform admins (key or token).
 * Proposers may read, dry-run and create proposals; their real mutations answer 403
 * `proposal_required`.
 */
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

  /** Runs the action's dry run now (an illegal transition is its 409) and opens the proposal. */
  createProposal(params: CreateProposalParams, options?: RequestOptions): Promise<Proposal> {
    return this.core.request({ method: "POST", path: "/v1/admin/proposals", credential: "either", body: params, options });
  }

  /** Newest first. */
  listProposals(params: ListProposalsParams = {}, options?: RequestOptions): PagePromise<Proposal> {
    return this.paginate("/v1/admin/proposals", "either", params, options);
  }

  getProposal(id: string, options?: RequestOptions): Promise<Proposal> {
    return this.core.request({ method: "GET", path: path`/v1/admin/proposals/${id}`, credential: "either", options });
  }

  /**
   * Executes the proposal once (admins, never its proposer: 403 `self_approval_forbidden`). A
   * target that changed since the dry run is 409 `proposal_stale`, and nothing runs.
   */
  approveProposal<const P extends DryRunOption = {}>(id: string, params?: P, options?: RequestOptions): Promise<Outcome<P, Proposal>> {
    return this.core.request({
      method: "POST",
      path: path`/v1/admin/proposals/${id}/approve`,
      credential: "either",
      query: dryRunQuery(params),
      options,
    });
  }

  declineProposal(id: string, params: DeclineProposalParams = {}, options?: RequestOptions): Promise<Proposal> {
    return this.core.request({
      method: "POST",
      path: path`/v1/admin/proposals/${id}/decline`,
      credential: "either",
      body: params,
      options,
    });
  }

  /** Every tenant's audit trail and the platform's own, newest first. */
  listAuditEvents(params: ListPlatformAuditEventsParams = {}, options?: RequestOptions): PagePromise<AuditEvent> {
    return this.paginate("/v1/admin/audit", "either", params, options);
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
