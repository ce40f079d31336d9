import type { Deps } from "../../deps.js";
import { emit } from "../../events/outbox.js";
import type { EventType } from "../../events/types.js";
import { AppError } from "../../errors/index.js";
import { pageOf } from "../../store/pagination.js";
import type { Tenant, TenantStatus } from "../../store/schema.js";
import {
  apiKeyCounts,
  findTenant,
  listTenants as listTenantRows,
  recordStatusChange,
  statusHistory,
  tenantMembers,
  transitionTenant,
} from "../../store/tenants.js";
import { usageTotals } from "../../store/usage-rollups.js";
import type { Actor } from "../actor.js";
import { lastDays } from "../usage.js";
import type { Tx } from "../../store/db.js";
import { audit } from "../audit.js";
import { actorLabel, assertMayMutate, assertPlatformReader, iso, isUuid } from "./access.js";

type AdminDeps = Pick<Deps, "db" | "keyCache" | "log">;

const USAGE_DAYS = 30;

export function tenantView(t: Tenant) {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    status: t.status,
    admin_email: t.admin_email,
    source: t.source,
    status_reason: t.status_reason,
    created_at: t.created_at.toISOString(),
    activated_at: iso(t.activated_at),
  };
}

export async function listTenants(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { status?: TenantStatus | undefined; limit?: number | undefined; cursor?: string | undefined },
) {
  assertPlatformReader(actor);
  const limit = input.limit ?? 50;
  const rows = await deps.db.asPlatform((tx) => listTenantRows(tx, { status: input.status, limit, cursor: input.cursor }));
  const page = pageOf(rows, limit);
  return { data: page.data.map(tenantView), next_cursor: page.next_cursor };
}

const notFound = () => new AppError("tenant_not_found");

/** Detail for a decision: who is in it, its keys, what it used lately and how it got here. */
export async function getTenant(deps: Pick<Deps, "db">, actor: Actor, input: { id: string }) {
  assertPlatformReader(actor);
  if (!isUuid(input.id)) throw notFound();
  // In the tenant's own RLS scope: every figure below can only be this tenant's.
  return deps.db.asTenant(input.id, async (tx) => {
    const tenant = await findTenant(tx, input.id);
    if (!tenant) throw notFound();
    // One after the other: a transaction is one connection, parallel queries would only queue.
    const members = await tenantMembers(tx, input.id);
    const keys = await apiKeyCounts(tx, input.id);
    // The last 30 UTC days, today included, from the daily rollup.
    const usage = await usageTotals(tx, input.id, lastDays(USAGE_DAYS));
    const history = await statusHistory(tx, input.id);
    return {
      ...tenantView(tenant),
      members: members.map((m) => ({
        user_id: m.user_id,
        subject: m.external_id,
        email: m.email,
        role: m.role,
        joined_at: m.created_at.toISOString(),
      })),
      api_keys: keys,
      usage: {
        window_days: USAGE_DAYS,
        requests: usage.requests,
        errors: usage.errors,
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
      },
      status_history: history.map((h) => ({
        from: h.from_status,
        to: h.to_status,
        reason: h.reason,
        actor: h.actor,
        at: h.created_at.toISOString(),
      })),
    };
  });
}

const TRANSITIONS = {
  approve: { action: "approve_tenant", from: ["pending", "suspended"], to: "active", events: ["tenant.approved", "tenant.activated"] },
  reject: { action: "reject_tenant", from: ["pending"], to: "rejected", events: ["tenant.rejected"] },
  suspend: { action: "suspend_tenant", from: ["active"], to: "suspended", events: ["tenant.suspended"] },
} as const satisfies Record<string, { action: string; from: TenantStatus[]; to: TenantStatus; events: EventType[] }>;

export type TransitionKind = keyof typeof TRANSITIONS;

export interface TransitionInput {
  id: string;
  reason?: string | undefined;
  dryRun?: boolean | undefined;
  /**
   * Narrows the statuses this transition may start from, for a caller that decided on a stale
   * view: a Slack signup button means "decide this pending signup", never "re-activate".
   */
  allowedFrom?: readonly TenantStatus[] | undefined;
}

function invalidTransition(kind: TransitionKind, status: TenantStatus, from: readonly TenantStatus[]) {
  const allowed = from.join(" or ");
  return new AppError("invalid_transition", { message: `Cannot ${kind} a tenant that is ${status}; only a tenant that is ${allowed}.` });
}

/** The checks of a transition and the change it would make (its dry run), without making it. */
export async function planTransition(tx: Tx, kind: TransitionKind, input: TransitionInput) {
  const t = TRANSITIONS[kind];
  const from = (t.from as readonly TenantStatus[]).filter((s) => !input.allowedFrom || input.allowedFrom.includes(s));
  if (!isUuid(input.id)) throw notFound();
  const tenant = await findTenant(tx, input.id);
  if (!tenant) throw notFound();
  if (!from.includes(tenant.status)) throw invalidTransition(kind, tenant.status, from);
  const plan = { action: t.action, id: tenant.id, from: tenant.status, to: t.to, reason: input.reason ?? null, events: [...t.events] };
  return { kind, tenant, plan, allowed: from };
}

/**
 * One status change, or (dry run) the change it would make — with the same checks, so a dry run
 * of an illegal transition is a 409 too. The status update is conditional on the status read,
 * and the history row, the audit row and the outbox events commit with it or not at all. Runs in
 * the caller's platform transaction; a proposal's approval plans and applies through the same two.
 */
export async function transitionIn(tx: Tx, actor: Actor, kind: TransitionKind, input: TransitionInput) {
  const planned = await planTransition(tx, kind, input);
  if (input.dryRun) return { dry_run: true as const, would_execute: planned.plan };
  return applyTransition(tx, actor, planned);
}

/** Makes a planned transition: conditional update, history, audit row and events (see transitionIn). */
export async function applyTransition(
  tx: Tx,
  actor: Actor,
  { kind, tenant, plan, allowed }: Awaited<ReturnType<typeof planTransition>>,
  options: { proposalId?: string | undefined } = {},
) {
  const { reason, to } = plan;
  // The reason stays in the history; status_reason explains only a tenant that is not active.
  const statusReason = to === "active" ? null : reason;
  const updated = await transitionTenant(tx, { id: tenant.id, from: tenant.status, to, reason: statusReason });
  if (!updated) {
    // Another admin changed it between our read and our update; report what it is now.
    const now = await findTenant(tx, tenant.id);
    throw invalidTransition(kind, now?.status ?? tenant.status, allowed);
  }
  const by = actorLabel(actor);
  await recordStatusChange(tx, { tenantId: tenant.id, from: tenant.status, to, reason, actor: by });
  await audit(tx, actor, {
    tenantId: tenant.id,
    action: plan.events[0]!,
    target: { type: "tenant", id: tenant.id },
    changes: { status: [tenant.status, to] },
    proposalId: options.proposalId,
  });
  const data = {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    email: tenant.admin_email,
    from: tenant.status,
    to,
    reason,
    actor: by,
  };
  for (const type of plan.events) await emit(tx, type, data, tenant.id);
  return { dry_run: false as const, executed: plan, tenant: tenantView(updated) };
}

async function changeStatus(deps: AdminDeps, actor: Actor, kind: TransitionKind, input: TransitionInput) {
  assertMayMutate(actor, input.dryRun);
  const result = await deps.db.asPlatform((tx) => transitionIn(tx, actor, kind, input));
  if (!result.dry_run) await statusChanged(deps, input.id);
  return result;
}

/**
 * Cached key look-ups hold the old status: drop them here and, through the shared cache, on every
 * instance, so a suspension stops the keys on the next request and an approval frees them.
 */
export function statusChanged(deps: Pick<Deps, "keyCache">, tenantId: string) {
  return deps.keyCache.invalidate({ tenantIds: [tenantId] });
}

export const approveTenant = (deps: AdminDeps, actor: Actor, input: TransitionInput) => changeStatus(deps, actor, "approve", input);
export const rejectTenant = (deps: AdminDeps, actor: Actor, input: TransitionInput) => changeStatus(deps, actor, "reject", input);
export const suspendTenant = (deps: AdminDeps, actor: Actor, input: TransitionInput) => changeStatus(deps, actor, "suspend", input);
