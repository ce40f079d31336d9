import type { PlatformEvent, ProposalEvent, TenantRef, TenantSignup } from "../../events/types.js";
import { inertText } from "../../lib/plain-text.js";
import { budgetFigures, type BudgetEvent } from "../email/budget-mail.js";
import type { SlackMessage } from "./api.js";

/** Block Kit for the Slack channel: signup messages with their buttons, notices, decided states. */

export const SLACK_EVENT_TYPES = [
  "tenant.signup",
  "tenant.approved",
  "tenant.rejected",
  "tenant.suspended",
  "proposal.created",
  "proposal.executed",
  "proposal.declined",
  "proposal.expired",
  "proposal.stale",
  // Tenant budgets only: the subscriber posts no key-scope alert (a key's budget is the tenant's business).
  "budget.threshold",
  "budget.exceeded",
] as const;
export type SlackEventType = (typeof SLACK_EVENT_TYPES)[number];
export type ProposalEventType = Extract<SlackEventType, `proposal.${string}`>;

export const APPROVE_ACTION = "approve_tenant";
export const REJECT_ACTION = "reject_tenant";
export const APPROVE_PROPOSAL_ACTION = "approve_proposal";
export const DECLINE_PROPOSAL_ACTION = "decline_proposal";

// Slack's mrkdwn treats these three as control characters; user-supplied names must not inject links.
const mrkdwn = (s: unknown) =>
  String(s ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
// What a signup chose (names, emails, reasons) must not add lines or bare URLs either.
const user = (s: unknown) => mrkdwn(inertText(s));

function tenantLine(d: TenantRef): string {
  return `*${user(d.tenantName)}* (\`${user(d.tenantSlug)}\`)`;
}

/** The signup message (Block Kit): who signed up, and Approve / Reject buttons while pending. */
export function signupMessage(d: TenantSignup): SlackMessage {
  const pending = d.status === "pending";
  const text = `New signup: ${user(d.tenantName)} (${user(d.email ?? "no email")})${pending ? " is waiting for approval" : ""}`;
  const blocks: unknown[] = [
    {
      type: "section",
      block_id: `tenant:${d.tenantId}`,
      text: {
        type: "mrkdwn",
        text: `:wave: New signup ${tenantLine(d)}\nAdmin: ${user(d.email ?? "—")} · via ${mrkdwn(d.source)} · status *${mrkdwn(d.status)}*`,
      },
    },
  ];
  if (pending) {
    blocks.push({
      type: "actions",
      block_id: `decide:${d.tenantId}`,
      elements: [
        { type: "button", action_id: APPROVE_ACTION, style: "primary", value: d.tenantId, text: { type: "plain_text", text: "Approve" } },
        { type: "button", action_id: REJECT_ACTION, style: "danger", value: d.tenantId, text: { type: "plain_text", text: "Reject" } },
      ],
    });
  }
  return { text, blocks };
}

/**
 * The Slack mention of an actor recorded as `slack:<user id>`, else the escaped label. Returned as
 * mrkdwn, ready to interpolate.
 */
export function actorMention(actor: string | undefined): string {
  const slackUser = /^slack:([A-Z0-9]+)$/.exec(actor ?? "")?.[1];
  return slackUser ? `<@${slackUser}>` : mrkdwn(actor ?? "an admin");
}

/**
 * What replaces the buttons once the tenant is decided, so nobody clicks twice. `by` is mrkdwn
 * (see actorMention), everything else is escaped here.
 */
export function decidedMessage(d: TenantRef, outcome: string, by?: string): SlackMessage {
  const suffix = by ? ` by ${by}` : "";
  return {
    text: `${user(d.tenantName)} ${mrkdwn(outcome)}${suffix}`,
    blocks: [
      {
        type: "section",
        block_id: `tenant:${d.tenantId}`,
        text: { type: "mrkdwn", text: `${tenantLine(d)} ${mrkdwn(outcome)}${suffix}` },
      },
    ],
  };
}

/** How a signup message names the status its pending state ended in. */
export const outcomeOf = (status: string) => (status === "active" ? "approved" : status);

/** An agent's proposal: who proposed, why, what would run, and Confirm / Decline while open. */
export function proposalMessage(d: ProposalEvent): SlackMessage {
  const by = user(d.proposedBy.label);
  const blocks: unknown[] = [
    {
      type: "section",
      block_id: `proposal:${d.proposalId}`,
      text: {
        type: "mrkdwn",
        text: `:robot_face: *Proposal* from ${by}: ${user(d.summary)}\n>${user(d.rationale)}\nExpires ${mrkdwn(d.expiresAt)}`,
      },
    },
    {
      type: "actions",
      block_id: `decide-proposal:${d.proposalId}`,
      elements: [
        {
          type: "button",
          action_id: APPROVE_PROPOSAL_ACTION,
          style: "primary",
          value: d.proposalId,
          text: { type: "plain_text", text: "Confirm" },
        },
        { type: "button", action_id: DECLINE_PROPOSAL_ACTION, value: d.proposalId, text: { type: "plain_text", text: "Decline" } },
      ],
    },
  ];
  return { text: `Proposal from ${by}: ${user(d.summary)}`, blocks };
}

/**
 * What replaces a proposal's buttons once it is decided: "executed by …", "declined by …",
 * "stale: tenant is already active", "expired". `by` is mrkdwn (see actorMention).
 */
export function proposalOutcomeMessage(d: ProposalEvent, by?: string): SlackMessage {
  const outcome =
    d.status === "stale"
      ? `stale: ${user(d.reason ?? "the target changed")}`
      : `${mrkdwn(d.status)}${by ? ` by ${by}` : ""}${d.status === "declined" && d.reason ? ` — ${user(d.reason)}` : ""}`;
  const line = `Proposal from ${user(d.proposedBy.label)}: ${user(d.summary)} — ${outcome}`;
  return { text: line, blocks: [{ type: "section", block_id: `proposal:${d.proposalId}`, text: { type: "mrkdwn", text: line } }] };
}

/** The Slack mention of whoever decided a proposal. */
export const deciderMention = (d: ProposalEvent) =>
  d.decidedBy ? actorMention(d.decidedBy.kind === "slack_user" ? `slack:${d.decidedBy.id}` : inertText(d.decidedBy.label)) : undefined;

/** A tenant's spend crossed 80 % or 100 % of its budget: a notice, figures in our own words. */
export function budgetMessage(event: BudgetEvent): SlackMessage {
  const d = event.data;
  const f = budgetFigures(d);
  const whose = d.scope === "key" ? `API key "${user(d.keyName ?? d.keyId)}" of ${tenantLine(d)}` : tenantLine(d);
  const state = event.type === "budget.exceeded" ? ":no_entry: is over its" : `:warning: has used ${f.percent} of its`;
  return { text: `${whose} ${state} ${f.period}: ${f.spent} of ${f.budget}. ${f.resets}` };
}

/** The channel notice of an event the Slack subscriber listens to. */
export function statusMessage(event: PlatformEvent<Exclude<SlackEventType, ProposalEventType>>): SlackMessage {
  if (event.type === "tenant.signup") return signupMessage(event.data);
  if (event.type === "budget.threshold" || event.type === "budget.exceeded") return budgetMessage(event);
  const d = event.data;
  const verb = { "tenant.approved": "approved", "tenant.rejected": "rejected", "tenant.suspended": "suspended" }[event.type];
  return {
    text: `${user(d.tenantName)} (${user(d.tenantSlug)}) was ${verb} by ${actorMention(d.actor)}${d.reason ? ` — ${user(d.reason)}` : ""}`,
  };
}
