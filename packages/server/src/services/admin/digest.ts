import type { Deps } from "../../deps.js";
import {
  activeKeyCount,
  decisionsSince,
  deliveriesSince,
  inviteRedemptionsSince,
  keysOverBudget,
  oldestPending,
  signupsSince,
  tenantsByStatus,
  tenantsOverBudget,
  usageSince,
} from "../../store/digest.js";
import { periodWindow } from "../../governance/budget-period.js";
import { proposalFigures } from "../../store/proposals.js";
import type { Tx } from "../../store/db.js";
import type { Actor } from "../actor.js";
import { assertPlatformReader } from "./access.js";

export const DIGEST_WINDOWS = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24 } as const;
export type DigestWindow = keyof typeof DIGEST_WINDOWS;

const HOUR_MS = 3_600_000;
/** Scopes over budget listed per kind; the highlight counts what it lists. */
const OVER_BUDGET_LISTED = 50;
const usd = (x: number) => `$${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const n = (x: number) => x.toLocaleString("en-US");
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;
const age = (hours: number) => (hours < 48 ? `${Math.floor(hours)} h` : `${Math.floor(hours / 24)} days`);

/**
 * The state of the platform in one answer, for an agent to relay: counts for a dashboard-less
 * founder, and `highlights`, a few sentences that say what needs attention first.
 */
export async function digest(deps: Pick<Deps, "db">, actor: Actor, input: { window?: DigestWindow | undefined }, now = new Date()) {
  assertPlatformReader(actor);
  const window = input.window ?? "24h";
  // From an hour boundary, so the usage rollups answer exactly (decisions.md #131): the window
  // covers at least its nominal length, and less than an hour more.
  const since = new Date(Math.floor((now.getTime() - DIGEST_WINDOWS[window] * HOUR_MS) / HOUR_MS) * HOUR_MS);
  const days = { today: periodWindow("daily", now.getTime()).startDay!, monthStart: periodWindow("monthly", now.getTime()).startDay! };
  // The independent reads in parallel, each in a platform transaction of its own: the digest
  // waits for its slowest part, not their sum (bench:scale, decisions.md #136). PGlite has one
  // connection and runs them in turn.
  const read = <T>(part: (tx: Tx) => Promise<T>) => deps.db.asPlatform(part);
  const [byStatus, activeKeys, usage, budgets, rest] = await Promise.all([
    read(tenantsByStatus),
    read(activeKeyCount),
    read((tx) => usageSince(tx, since)),
    read(async (tx) => ({
      tenantsOver: await tenantsOverBudget(tx, days, OVER_BUDGET_LISTED),
      keysOver: await keysOverBudget(tx, days, OVER_BUDGET_LISTED),
    })),
    read(async (tx) => ({
      signups: await signupsSince(tx, since),
      decisions: await decisionsSince(tx, since),
      oldest: await oldestPending(tx),
      redemptions: await inviteRedemptionsSince(tx, since),
      deliveries: await deliveriesSince(tx, since),
      proposals: await proposalFigures(tx, since),
    })),
  ]);
  const facts: RawFacts = { byStatus, activeKeys, usage, ...budgets, ...rest };
  const result = shape(facts, window, since, now);
  return { ...result, highlights: highlights(result) };
}

type RawFacts = {
  byStatus: Awaited<ReturnType<typeof tenantsByStatus>>;
  signups: number;
  decisions: Awaited<ReturnType<typeof decisionsSince>>;
  oldest: Awaited<ReturnType<typeof oldestPending>>;
  activeKeys: number;
  usage: Awaited<ReturnType<typeof usageSince>>;
  redemptions: number;
  deliveries: Awaited<ReturnType<typeof deliveriesSince>>;
  proposals: Awaited<ReturnType<typeof proposalFigures>>;
  tenantsOver: Awaited<ReturnType<typeof tenantsOverBudget>>;
  keysOver: Awaited<ReturnType<typeof keysOverBudget>>;
};

function shape(facts: RawFacts, window: DigestWindow, since: Date, now: Date) {
  const failedBySubscriber: Record<string, number> = {};
  let failed = 0;
  let pendingDeliveries = 0;
  let delivered = 0;
  for (const d of facts.deliveries) {
    if (d.status === "failed") {
      failed += d.n;
      failedBySubscriber[d.subscriber] = (failedBySubscriber[d.subscriber] ?? 0) + d.n;
    } else if (d.status === "pending") pendingDeliveries += d.n;
    else delivered += d.n;
  }
  const oldestHours = facts.oldest ? (now.getTime() - facts.oldest.created_at.getTime()) / HOUR_MS : null;
  const { totals, top, unpriced } = facts.usage;
  return {
    window,
    since: since.toISOString(),
    generated_at: now.toISOString(),
    tenants: { by_status: facts.byStatus, total: Object.values(facts.byStatus).reduce((a, b) => a + b, 0) },
    signups: facts.signups,
    approvals: facts.decisions.active ?? 0,
    rejections: facts.decisions.rejected ?? 0,
    suspensions: facts.decisions.suspended ?? 0,
    oldest_pending: facts.oldest
      ? {
          id: facts.oldest.id,
          slug: facts.oldest.slug,
          name: facts.oldest.name,
          created_at: facts.oldest.created_at.toISOString(),
          age_hours: Math.round(oldestHours! * 10) / 10,
        }
      : null,
    active_keys: facts.activeKeys,
    usage: {
      requests: totals.requests,
      errors: totals.errors,
      prompt_tokens: Number(totals.prompt_tokens),
      completion_tokens: Number(totals.completion_tokens),
      total_tokens: Number(totals.prompt_tokens) + Number(totals.completion_tokens),
      top_tenants: top.map((t) => ({ id: t.id, slug: t.slug, name: t.name, requests: t.requests, tokens: Number(t.tokens) })),
    },
    unpriced: { requests: unpriced.reduce((sum, m) => sum + m.requests, 0), models: unpriced.map((m) => m.model) },
    budgets: { tenants_over: facts.tenantsOver, keys_over: facts.keysOver },
    invite_redemptions: facts.redemptions,
    notifications: { delivered, pending: pendingDeliveries, failed, failed_by_subscriber: failedBySubscriber },
    failed_notifications: failed,
    proposals: {
      open: facts.proposals.open,
      oldest_open_hours: facts.proposals.oldestOpen
        ? Math.round(((now.getTime() - facts.proposals.oldestOpen.getTime()) / HOUR_MS) * 10) / 10
        : null,
      executed: facts.proposals.decided.executed ?? 0,
      declined: facts.proposals.decided.declined ?? 0,
      expired: facts.proposals.decided.expired ?? 0,
    },
  };
}

type DigestFacts = ReturnType<typeof shape>;

function highlights(d: DigestFacts): string[] {
  const out: string[] = [];
  const span = d.window === "24h" ? "the last 24 h" : `the last ${d.window === "7d" ? "7" : "30"} days`;
  const pending = d.tenants.by_status.pending;
  if (pending > 0 && d.oldest_pending) {
    out.push(`${plural(pending, "tenant")} waiting for approval, oldest ${age(d.oldest_pending.age_hours)} (${d.oldest_pending.name}).`);
  }
  if (d.proposals.open > 0) {
    out.push(
      `${plural(d.proposals.open, "proposal")} waiting for your decision, oldest ${age(d.proposals.oldest_open_hours ?? 0)}: GET /v1/admin/proposals?status=open.`,
    );
  }
  const { tenants_over: tenantsOver, keys_over: keysOver } = d.budgets;
  if (tenantsOver.length + keysOver.length > 0) {
    const spend = (s: { spend_usd: number; budget_usd: number; budget_period: string }) =>
      `${usd(s.spend_usd)} of ${usd(s.budget_usd)} ${s.budget_period}`;
    const parts: string[] = [];
    if (tenantsOver.length > 0) {
      const named = tenantsOver.slice(0, 3).map((t) => `${t.slug} ${spend(t)}`);
      parts.push(`${plural(tenantsOver.length, "tenant")} (${named.join(", ")})`);
    }
    if (keysOver.length > 0) {
      const named = keysOver.slice(0, 3).map((k) => `${k.name} ${spend(k)}`);
      parts.push(`${plural(keysOver.length, "API key")} (${named.join(", ")})`);
    }
    out.push(`At or over budget this period: ${parts.join("; ")}; their requests are refused with budget_exceeded.`);
  }
  if (d.failed_notifications > 0) {
    const which = Object.entries(d.notifications.failed_by_subscriber)
      .map(([s, c]) => `${s}: ${c}`)
      .join(", ");
    out.push(
      `${plural(d.failed_notifications, "notification")} failed for good in ${span} (${which}); check the Slack and email settings.`,
    );
  }
  const decided = [
    d.approvals ? `${n(d.approvals)} approved` : "",
    d.rejections ? `${n(d.rejections)} rejected` : "",
    d.suspensions ? `${n(d.suspensions)} suspended` : "",
  ].filter(Boolean);
  if (d.signups > 0 || decided.length > 0) {
    const invites = d.invite_redemptions ? ` (${n(d.invite_redemptions)} with an invite code)` : "";
    out.push(`${plural(d.signups, "signup")} in ${span}${invites}${decided.length ? `; ${decided.join(", ")}` : ""}.`);
  }
  if (d.usage.requests > 0) {
    const leader = d.usage.top_tenants[0];
    const errors = d.usage.errors ? `, ${n(d.usage.errors)} failed (${Math.round((d.usage.errors / d.usage.requests) * 100)}%)` : "";
    const topText = leader ? `; busiest tenant ${leader.name} with ${plural(leader.requests, "request")}` : "";
    out.push(`${plural(d.usage.requests, "request")} and ${plural(d.usage.total_tokens, "token")} in ${span}${errors}${topText}.`);
  }
  if (d.unpriced.requests > 0) {
    out.push(
      `${plural(d.unpriced.requests, "request")} in ${span} to models without a price (${d.unpriced.models.join(", ")}), counted as $0: add their prices to BR_PROVIDERS.`,
    );
  }
  out.push(`${plural(d.tenants.by_status.active, "active tenant")} with ${plural(d.active_keys, "working API key")}.`);
  const { executed, declined, expired } = d.proposals;
  if (executed + declined + expired > 0) {
    out.push(`Proposals in ${span}: ${n(executed)} executed, ${n(declined)} declined, ${n(expired)} expired.`);
  }
  if (out.length === 1 && pending === 0 && d.proposals.open === 0) out.unshift(`Quiet ${span}: nothing waiting for you.`);
  return out;
}
