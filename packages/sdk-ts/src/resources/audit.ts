import type { ListParams } from "./shared.js";

/** Who did something, as proposals and audit rows name them (DESIGN.md §9); never a secret. */
export interface ActorRef {
  kind: "user" | "api_key" | "slack_user" | "system";
  id: string;
  /** An email, a key's name and prefix, a Slack user id. */
  label: string;
}

export type AuditVia = "api" | "dashboard" | "mcp" | "slack" | "system";

/** One mutation: who, through which surface, on what, and the fields it changed. */
export interface AuditEvent {
  id: string;
  at: string;
  /** null: a platform-only action (invite codes). */
  tenant_id: string | null;
  /** `resource.verb`: `api_key.created`, `member.role_changed`, `tenant.approved`, … */
  action: string;
  actor: ActorRef;
  via: AuditVia;
  target: { type: string; id: string | null };
  /** field: [before, after]. */
  changes: Record<string, [unknown, unknown]> | null;
  request_id: string | null;
  proposal_id: string | null;
}

/** Filters every audit list takes; the list is newest first. */
export type ListAuditEventsParams = ListParams & {
  action?: string;
  /** An actor's id or label. */
  actor?: string;
  /** ISO 8601 date-times: since inclusive, until exclusive. */
  since?: string;
  until?: string;
};

/** The platform's trail can also be narrowed to one tenant. */
export type ListPlatformAuditEventsParams = ListAuditEventsParams & { tenant_id?: string };
