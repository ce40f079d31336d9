import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type TenantStatus = "pending" | "active" | "rejected" | "suspended";
export type MembershipRole = "owner" | "admin" | "member";
export type UserRole = "admin" | "developer";
/** Platform power a credential carries: execute admin actions, or only read, dry-run and propose. */
export type PlatformRole = "admin" | "proposer";

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  admin_email: string;
  source: "machine" | "oauth";
  status_reason: string | null;
  created_at: Timestamp;
  activated_at: NullableTimestamp;
  /** Tenant settings (migrations/0009): defaults and ceilings for every key. */
  rate_limit_rpm: ColumnType<number | null, number | null | undefined, number | null>;
  budget_usd: ColumnType<number | null, number | null | undefined, number | null>;
  budget_period: ColumnType<BudgetPeriod | null, BudgetPeriod | null | undefined, BudgetPeriod | null>;
  allowed_models: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  max_key_lifetime_days: ColumnType<number | null, number | null | undefined, number | null>;
}

export type BudgetPeriod = "daily" | "monthly" | "lifetime";

export interface TenantStatusHistoryTable {
  id: Generated<string>;
  tenant_id: string;
  from_status: TenantStatus | null;
  to_status: TenantStatus;
  reason: string | null;
  actor: string | null;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  tenant_id: string;
  kind: "machine" | "human";
  external_id: string | null;
  email: string | null;
  role: UserRole;
  created_at: Timestamp;
}

export interface TenantMembershipsTable {
  id: Generated<string>;
  external_id: string;
  tenant_id: string;
  user_id: string;
  role: MembershipRole;
  created_at: Timestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string | null;
  name: string;
  prefix: string;
  key_hash: string;
  role: UserRole;
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  rate_limit_rpm: number | null;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  platform_role: ColumnType<PlatformRole | null, PlatformRole | null | undefined, PlatformRole | null>;
  /** The secret a rotation replaced, live until previous_expires_at (migrations/0008). */
  previous_key_hash: ColumnType<string | null, string | null | undefined, string | null>;
  previous_expires_at: NullableTimestamp;
  rotated_at: NullableTimestamp;
  /** The key that created this one through /v1/tenant/api-keys; null: registration or a human. */
  created_by_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Key policy (migrations/0009). */
  budget_usd: ColumnType<number | null, number | null | undefined, number | null>;
  budget_period: ColumnType<BudgetPeriod | null, BudgetPeriod | null | undefined, BudgetPeriod | null>;
  allowed_models: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
}

export interface ClaimTokensTable {
  id: Generated<string>;
  tenant_id: string;
  token_hash: string;
  role: MembershipRole;
  max_uses: number;
  used_count: ColumnType<number, number | undefined, number>;
  expires_at: Timestamp;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
  kind: "registration" | "link" | "invite";
}

export interface InviteCodesTable {
  id: Generated<string>;
  code: string;
  max_uses: number | null;
  used_count: ColumnType<number, number | undefined, number>;
  expires_at: NullableTimestamp;
  note: string | null;
  created_by: string | null;
  created_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface DeviceAuthorizationsTable {
  id: Generated<string>;
  device_code_hash: string;
  user_code: string;
  tenant_id: string;
  role: MembershipRole;
  interval: ColumnType<number, number | undefined, number>;
  expires_at: Timestamp;
  status: ColumnType<"pending" | "linked" | "denied" | "expired", string | undefined, string>;
  linked_external_id: string | null;
  linked_user_id: string | null;
  last_polled_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  created_by_key_id: string | null;
  created_at: Timestamp;
}

export interface PlatformEventsTable {
  id: string;
  type: string;
  tenant_id: string | null;
  // The JSON of an EventMap value; read back through store/events.ts claimDueDeliveries.
  data: ColumnType<unknown, string, string>;
  created_at: Timestamp;
  dispatched_at: NullableTimestamp;
}

export interface EventDeliveriesTable {
  id: Generated<string>;
  event_id: string;
  subscriber: string;
  status: ColumnType<"pending" | "delivered" | "failed", string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  next_at: Timestamp;
  last_error: string | null;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface UsageEventsTable {
  id: Generated<string>;
  tenant_id: string;
  key_id: string | null;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  status: number;
  created_at: Timestamp;
  cost_usd: ColumnType<number, number | undefined, number>;
  /** False when the model had no price: counted as 0 and flagged in the digest. */
  priced: ColumnType<boolean, boolean | undefined, boolean>;
}

/** A rollup's bigint sum: read it cast to float8 (node-postgres answers a bigint as a string). */
type BigintSum = ColumnType<string, number | string, number | string>;
/** A UTC day, written as YYYY-MM-DD; the drivers read a date back as a local-time Date, so reads select to_char(day, 'YYYY-MM-DD'). */
type UtcDay = ColumnType<Date, string, string>;

/**
 * usage_daily / usage_hourly (migrations/0010): usage_events summed per tenant, UTC day (hour),
 * key (the nil uuid for keyless events) and model; the meter upserts them with each batch.
 */
interface UsageRollupColumns {
  tenant_id: string;
  key_id: string;
  model: string;
  requests: BigintSum;
  errors: BigintSum;
  prompt_tokens: BigintSum;
  completion_tokens: BigintSum;
  cost_usd: number;
  /** Events whose model had no price (counted as 0 USD). */
  unpriced: BigintSum;
}

export interface UsageDailyTable extends UsageRollupColumns {
  day: UtcDay;
}

export interface UsageHourlyTable extends UsageRollupColumns {
  /** The UTC hour's start. */
  hour: Timestamp;
}

/** usage_tenant_daily (migrations/0011): usage_daily summed per tenant and day, for the digest and tenant budgets. */
export interface UsageTenantDailyTable {
  tenant_id: string;
  day: UtcDay;
  requests: BigintSum;
  prompt_tokens: BigintSum;
  completion_tokens: BigintSum;
  cost_usd: number;
}

/** usage_platform_hourly (migrations/0011): every tenant's usage per UTC hour, in a few shards per hour. */
export interface UsagePlatformHourlyTable {
  hour: Timestamp;
  shard: number;
  requests: BigintSum;
  errors: BigintSum;
  prompt_tokens: BigintSum;
  completion_tokens: BigintSum;
}

// jsonb columns: written as JSON text, read back parsed (the driver parses jsonb).
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

export type ProposalStatus = "open" | "executed" | "declined" | "expired" | "stale";
export type ProposalAction = "approve_tenant" | "reject_tenant" | "suspend_tenant" | "create_invite_code" | "delete_invite_code";

/** A dry run's answer: the action and what it would change. */
export type WouldExecute = { action: string } & Record<string, unknown>;

/** Who acted, as stored in proposals and audit rows (DESIGN.md §9). */
export interface ActorRef {
  kind: "user" | "api_key" | "slack_user" | "system";
  id: string;
  label: string;
}

export interface ProposalsTable {
  id: Generated<string>;
  status: ColumnType<ProposalStatus, ProposalStatus | undefined, ProposalStatus>;
  action: ProposalAction;
  target_id: string | null;
  params: Json<Record<string, unknown>>;
  rationale: string;
  would_execute: Json<WouldExecute>;
  summary: string;
  proposed_by: Json<ActorRef>;
  proposer_ids: string[];
  created_at: Timestamp;
  expires_at: Timestamp;
  decided_by: NullableJson<ActorRef>;
  decided_at: NullableTimestamp;
  decision_reason: string | null;
  result: NullableJson<Record<string, unknown>>;
}

export type AuditVia = "api" | "dashboard" | "mcp" | "slack" | "system";

export interface AuditEventsTable {
  id: Generated<string>;
  at: Timestamp;
  tenant_id: string | null;
  action: string;
  actor: Json<ActorRef>;
  via: AuditVia;
  target_type: string;
  target_id: string | null;
  changes: NullableJson<Record<string, [unknown, unknown]>>;
  request_id: string | null;
  proposal_id: string | null;
}

export interface ServerSecretsTable {
  name: string;
  secret: string;
  created_at: Generated<Date>;
}

export interface DB {
  tenants: TenantsTable;
  tenant_status_history: TenantStatusHistoryTable;
  users: UsersTable;
  tenant_memberships: TenantMembershipsTable;
  api_keys: ApiKeysTable;
  claim_tokens: ClaimTokensTable;
  invite_codes: InviteCodesTable;
  device_authorizations: DeviceAuthorizationsTable;
  platform_events: PlatformEventsTable;
  server_secrets: ServerSecretsTable;
  event_deliveries: EventDeliveriesTable;
  usage_events: UsageEventsTable;
  usage_daily: UsageDailyTable;
  usage_hourly: UsageHourlyTable;
  usage_tenant_daily: UsageTenantDailyTable;
  usage_platform_hourly: UsagePlatformHourlyTable;
  proposals: ProposalsTable;
  audit_events: AuditEventsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type NewTenant = Insertable<TenantsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type InviteCode = Selectable<InviteCodesTable>;
export type Proposal = Selectable<ProposalsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
