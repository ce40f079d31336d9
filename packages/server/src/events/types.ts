import type { ActorRef, MembershipRole, ProposalAction, ProposalStatus, TenantStatus } from "../store/schema.js";

/**
 * What every platform event carries (DESIGN.md §6): the one place to look up what a `tenant.signup`
 * or a `device.linked` holds. `emit` accepts only these shapes and subscribers receive them
 * narrowed by `type`, so a field renamed here breaks every writer and reader at compile time.
 */

/** The tenant an event is about, as it was when the event was written. */
export interface TenantRef {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
}

export interface TenantSignup extends TenantRef {
  /** The tenant's admin_email (machine registration) or the identity's email (first sign-in). */
  email: string | null;
  status: TenantStatus;
  source: "machine" | "oauth";
  /** The signup spent an invite code; the digest counts redemptions by it. */
  viaInvite: boolean;
}

/** approve / reject / suspend and the activation that follows an approval. */
export interface TenantStatusChange extends TenantRef {
  email: string;
  from: TenantStatus;
  to: TenantStatus;
  reason: string | null;
  /** actorLabel(): `slack:<user id>`, a subject or a user id. */
  actor: string;
}

export interface TenantClaimed extends TenantRef {
  subject: string;
  email: string | null;
  role: MembershipRole;
  /** A claim token, or the verified email matching an unclaimed tenant's admin_email. */
  via: "token" | "email";
  /** The claim token's kind (`registration` | `link` | `invite`); null for a claim by email. */
  kind: string | null;
}

export interface DeviceLinked extends TenantRef {
  deviceId: string;
  subject: string;
  email: string | null;
  role: MembershipRole;
  /** The identity joined the tenant by this approval (false: it was a member already). */
  newMember: boolean;
  /** The API key that started the device flow. */
  keyId: string | null;
}

/** A proposal's lifecycle (DESIGN.md §8): created, then executed, declined, expired or stale. */
export interface ProposalEvent {
  proposalId: string;
  action: ProposalAction;
  targetId: string | null;
  /** The would-execute line: "approve tenant Acme (acme): pending → active". */
  summary: string;
  rationale: string;
  proposedBy: ActorRef;
  status: ProposalStatus;
  expiresAt: string;
  /** Who decided it; absent while open and when it expired. */
  decidedBy?: ActorRef;
  /** A decline's reason, or what made it stale. */
  reason?: string | null;
}

/** A budget's spend crossed 80 % (`budget.threshold`) or 100 % (`budget.exceeded`) of its period (DESIGN.md §10). */
export interface BudgetAlert extends TenantRef {
  scope: "key" | "tenant";
  /** The key whose own budget it is; null for the tenant's budget. */
  keyId: string | null;
  keyName: string | null;
  budgetUsd: number;
  budgetPeriod: "daily" | "monthly" | "lifetime";
  spentUsd: number;
  /** The counter's period: `d2026-12-03`, `m2026-12`, `life`. */
  period: string;
  /** When the period resets (ISO); null for a lifetime budget. */
  resetsAt: string | null;
}

export interface EventMap {
  "tenant.signup": TenantSignup;
  "tenant.approved": TenantStatusChange;
  "tenant.rejected": TenantStatusChange;
  "tenant.activated": TenantStatusChange;
  "tenant.suspended": TenantStatusChange;
  "tenant.claimed": TenantClaimed;
  "device.linked": DeviceLinked;
  "proposal.created": ProposalEvent;
  "proposal.executed": ProposalEvent;
  "proposal.declined": ProposalEvent;
  "proposal.expired": ProposalEvent;
  "proposal.stale": ProposalEvent;
  "budget.threshold": BudgetAlert;
  "budget.exceeded": BudgetAlert;
}

export type EventType = keyof EventMap;

export const EVENT_TYPES = [
  "tenant.signup",
  "tenant.approved",
  "tenant.rejected",
  "tenant.activated",
  "tenant.suspended",
  "tenant.claimed",
  "device.linked",
  "proposal.created",
  "proposal.executed",
  "proposal.declined",
  "proposal.expired",
  "proposal.stale",
  "budget.threshold",
  "budget.exceeded",
] as const satisfies readonly EventType[];

// Compile-time check that the list names every type of the map.
type Missing = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
const everyTypeListed: Missing extends never ? true : Missing = true;
void everyTypeListed;

/** The wire shape of a platform event; with a type argument, narrowed to those types. */
export type PlatformEvent<T extends EventType = EventType> = {
  [K in T]: { type: K; id: string; timestamp: string; data: EventMap[K] };
}[T];

/** An exact event type, a family (`tenant.*`) or everything (`*`). */
export type EventPattern = EventType | `${EventFamily}.*` | "*";
type EventFamily = EventType extends `${infer F}.${string}` ? F : never;

/** The event types a pattern matches, at the type level (`matches` is the run-time twin). */
export type MatchedBy<P extends EventPattern> = P extends "*"
  ? EventType
  : P extends `${infer F}.*`
    ? Extract<EventType, `${F}.${string}`>
    : Extract<P, EventType>;
