import type { AuditEvent } from "brainstormrouter";

// No relative imports: the server's test suite imports this file as it is (NodeNext resolution).

/**
 * What the audit row's ids stand for, from lists the dashboard already has: API keys by id,
 * people (members) by membership id, user id and subject. A row whose target is gone from them
 * still reads as a sentence, with a short id instead of the name.
 */
export interface Names {
  apiKeys?: ReadonlyMap<string, string>;
  people?: ReadonlyMap<string, string>;
}

type Change = [unknown, unknown];

/** A short, stable stand-in for a name the lists no longer have. */
const shortId = (id: string | null) => (id ? id.slice(0, 8) : "");

const value = (v: unknown): string =>
  v === null || v === undefined ? "nothing" : typeof v === "string" ? v : Array.isArray(v) ? v.map(value).join(", ") : JSON.stringify(v);
const article = (word: string) => (/^[aeiou]/i.test(word) ? "an" : "a");
const after = (e: AuditEvent, field: string) => {
  const change = e.changes?.[field] as Change | undefined;
  return change && change[1] !== null && change[1] !== undefined ? value(change[1]) : null;
};

/** Who did it: the member's email where the list knows the actor, else the row's own label. */
export function actorName(e: AuditEvent, names: Names = {}): string {
  if (e.actor.kind === "system") return "The system";
  if (e.actor.kind === "user") return names.people?.get(e.actor.id) ?? e.actor.label;
  return e.actor.label || e.actor.id;
}

const keyName = (e: AuditEvent, names: Names) => (e.target.id && names.apiKeys?.get(e.target.id)) || shortId(e.target.id);

function personName(e: AuditEvent, names: Names) {
  return (e.target.id && names.people?.get(e.target.id)) || `member ${shortId(e.target.id)}`.trim();
}

/** `name from “old” to “new”, and …` for a settings change. */
function changeList(e: AuditEvent): string {
  const entries = Object.entries(e.changes ?? {}) as [string, Change][];
  if (entries.length === 0) return "the settings";
  return entries.map(([field, [before, next]]) => `${field.replaceAll("_", " ")} from ${value(before)} to ${value(next)}`).join(", and ");
}

type Phrase = (e: AuditEvent, names: Names) => string;

/** The verb phrase after the actor's name, per action. */
const PHRASES: Record<string, Phrase> = {
  "api_key.created": (e, n) => {
    const platform = after(e, "platform_role");
    return `created API key ${keyName(e, n)}${platform ? ` with platform role ${platform}` : ""}`;
  },
  "api_key.revoked": (e, n) => `revoked key ${keyName(e, n)}`,
  "api_key.rotated": (e, n) => `rotated key ${keyName(e, n)}`,
  "api_key.updated": (e, n) => `changed key ${keyName(e, n)}: ${changeList(e)}`,
  "tenant.settings_updated": (e) => `changed the tenant's settings: ${changeList(e)}`,
  "member.role_changed": (e, n) => {
    const role = e.changes?.role as Change | undefined;
    const who = personName(e, n);
    return role ? `changed ${who}'s role from ${value(role[0])} to ${value(role[1])}` : `changed ${who}'s role`;
  },
  "member.removed": (e, n) => `removed ${personName(e, n)}`,
  "claim_link.created": (e) => {
    const role = after(e, "role");
    return role ? `created ${article(role)} ${role} claim link` : "created a claim link";
  },
  "claim_link.revoked": () => "revoked a claim link",
  "claim.redeemed": (e) => {
    const role = after(e, "role");
    return `joined with a claim link${role ? ` as ${role}` : ""}`;
  },
  "device.approved": () => "linked a terminal",
  "device.denied": () => "denied a terminal's link request",
  "tenant.signup": (e) => `created the tenant${after(e, "status") === "pending" ? ", to wait for approval" : ""}`,
  "tenant.approved": () => "approved the tenant",
  "tenant.rejected": () => "rejected the tenant",
  "tenant.suspended": () => "suspended the tenant",
  "tenant.activated": () => "activated the tenant",
  "invite_code.created": () => "created an invite code",
  "invite_code.deleted": () => "revoked an invite code",
  "proposal.created": (e) => `proposed a change (proposal ${shortId(e.target.id)})`,
  "proposal.executed": (e) => `approved proposal ${shortId(e.target.id)}, and it ran`,
  "proposal.declined": (e) => `declined proposal ${shortId(e.target.id)}`,
  "proposal.expired": (e) => `let proposal ${shortId(e.target.id)} expire`,
  "proposal.stale": (e) => `found proposal ${shortId(e.target.id)} stale: its target had changed`,
};

const isSettingsChange = (action: string) => action.startsWith("settings.") || /\.(updated|changed|renamed)$/.test(action);

/** One audit row as a sentence a person reads: "alice@lab.ai revoked key ci-agent". */
export function describeEvent(e: AuditEvent, names: Names = {}): string {
  const who = actorName(e, names);
  const phrase = PHRASES[e.action];
  if (phrase) return `${who} ${phrase(e, names)}`;
  if (isSettingsChange(e.action)) return `${who} changed ${changeList(e)}`;
  return `${who} ${e.action} ${e.target.type}`;
}

/** The actions the Activity page offers as a filter, with what to call them. */
export const ACTION_LABELS: Record<string, string> = {
  "api_key.created": "API key created",
  "api_key.revoked": "API key revoked",
  "api_key.updated": "API key changed",
  "api_key.rotated": "API key rotated",
  "tenant.settings_updated": "Tenant settings changed",
  "member.role_changed": "Member role changed",
  "member.removed": "Member removed",
  "claim_link.created": "Claim link created",
  "claim_link.revoked": "Claim link revoked",
  "claim.redeemed": "Claim link redeemed",
  "device.approved": "Terminal linked",
  "device.denied": "Terminal denied",
  "tenant.signup": "Tenant created",
  "tenant.approved": "Tenant approved",
  "tenant.rejected": "Tenant rejected",
  "tenant.suspended": "Tenant suspended",
  "proposal.created": "Proposal created",
  "proposal.executed": "Proposal executed",
  "proposal.declined": "Proposal declined",
};
