export type TenantStatus = "pending" | "active" | "rejected" | "suspended";
export type MembershipRole = "owner" | "admin" | "member";

export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
}

export interface Membership {
  tenant: TenantSummary;
  role: MembershipRole;
  joined_at: string;
}

/** A type, not an interface, so that list parameters fit the request core's query map. */
export type ListParams = {
  limit?: number;
  cursor?: string;
};

/** What a mutation answers with `dryRun: true`: the change it would make, nothing changed. */
export interface DryRunResult {
  dry_run: true;
  would_execute: { action: string; [detail: string]: unknown };
}

export interface DryRunOption {
  dryRun?: boolean;
}

export const dryRunQuery = (o: DryRunOption | undefined) => (o?.dryRun ? { dry_run: true } : undefined);
