import type { Logger } from "pino";
import type { SharedCache } from "../../cache/interface.js";
import type { Config } from "../../config.js";
import type { Database } from "../../store/db.js";
import { pendingDecision } from "../../store/tenants.js";
import { RetryLaterError, type Subscriber } from "../bus.js";
import type { PlatformEvent } from "../types.js";
import { callSlack, postToChannel, type PostedMessage, type SlackMessage } from "./slack-api.js";

export const APPROVE_ACTION = "approve_tenant";
export const REJECT_ACTION = "reject_tenant";

interface TenantEventData {
  tenantId: string;
  tenantName?: string;
  tenantSlug?: string;
  email?: string | null;
  status?: string;
  source?: string;
  reason?: string | null;
  actor?: string;
}

// Slack's mrkdwn treats these three as control characters; user-supplied names must not inject links.
const escape = (s: unknown) => String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function tenantLine(d: TenantEventData): string {
  return `*${escape(d.tenantName)}* (\`${escape(d.tenantSlug)}\`)`;
}

/** The signup message (Block Kit): who signed up, and Approve / Reject buttons while pending. */
export function signupMessage(d: TenantEventData): SlackMessage {
  const pending = d.status === "pending";
  const text = `New signup: ${escape(d.tenantName)} (${escape(d.email ?? "no email")})${pending ? " is waiting for approval" : ""}`;
  const blocks: unknown[] = [
    {
      type: "section",
      block_id: `tenant:${d.tenantId}`,
      text: {
        type: "mrkdwn",
        text: `:wave: New signup ${tenantLine(d)}\nAdmin: ${escape(d.email ?? "—")} · via ${escape(d.source)} · status *${escape(d.status)}*`,
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
  return slackUser ? `<@${slackUser}>` : escape(actor ?? "an admin");
}

/**
 * What replaces the buttons once the tenant is decided, so nobody clicks twice. `by` is mrkdwn
 * (see actorMention), everything else is escaped here.
 */
export function decidedMessage(d: { tenantId: string; tenantName?: string; tenantSlug?: string }, outcome: string, by?: string): SlackMessage {
  const suffix = by ? ` by ${by}` : "";
  return {
    text: `${escape(d.tenantName)} ${escape(outcome)}${suffix}`,
    blocks: [
      {
        type: "section",
        block_id: `tenant:${d.tenantId}`,
        text: { type: "mrkdwn", text: `${tenantLine(d)} ${escape(outcome)}${suffix}` },
      },
    ],
  };
}

/** How a signup message names the status its pending state ended in. */
const outcomeOf = (status: string) => (status === "active" ? "approved" : status);

function statusMessage(event: PlatformEvent): SlackMessage | null {
  const d = event.data as unknown as TenantEventData;
  const what = `${escape(d.tenantName)} (${escape(d.tenantSlug)}) was`;
  const by = `by ${actorMention(d.actor)}${d.reason ? ` — ${escape(d.reason)}` : ""}`;
  switch (event.type) {
    case "tenant.signup":
      return signupMessage(d);
    case "tenant.approved":
      return { text: `${what} approved ${by}` };
    case "tenant.rejected":
      return { text: `${what} rejected ${by}` };
    case "tenant.suspended":
      return { text: `${what} suspended ${by}` };
    default:
      return null;
  }
}

// Where each pending signup message was posted, so a decision taken elsewhere (API, MCP, CLI)
// takes its buttons away. Signups wait days at most; past that a stale button is still refused.
const signupKey = (tenantId: string) => `slack-signup:${tenantId}`;
const SIGNUP_MEMORY_MS = 30 * 86_400_000;

export interface SlackSubscriberDeps {
  config: Config;
  db: Database;
  cache: SharedCache;
  log: Logger;
}

export function slackSubscriber({ config, db, cache, log }: SlackSubscriberDeps): Subscriber {
  /** Best effort: a message Slack no longer has must not hold up the notice that follows. */
  async function replaceSignup(where: PostedMessage, message: SlackMessage, signal: AbortSignal) {
    try {
      await callSlack(config, "chat.update", { ...where, ...message }, signal);
    } catch (err) {
      if (err instanceof RetryLaterError || signal.aborted) throw err;
      log.warn({ err }, "could not remove the buttons of a Slack signup message");
    }
  }

  return {
    name: "slack",
    patterns: ["tenant.signup", "tenant.approved", "tenant.rejected", "tenant.suspended"],
    async handle(event, { deliveryId, signal }) {
      const d = event.data as unknown as TenantEventData;
      if (event.type === "tenant.approved" || event.type === "tenant.rejected") {
        const stored = await cache.get(signupKey(d.tenantId));
        if (stored) {
          const outcome = event.type === "tenant.approved" ? "approved" : "rejected";
          await replaceSignup(JSON.parse(stored) as PostedMessage, decidedMessage(d, outcome, actorMention(d.actor)), signal);
          await cache.delete(signupKey(d.tenantId));
        }
      }
      const message = statusMessage(event);
      if (!message) return;
      const posted = await postToChannel(config, message, deliveryId, signal);
      if (event.type === "tenant.signup" && d.status === "pending" && posted) {
        await cache.set(signupKey(d.tenantId), JSON.stringify(posted), SIGNUP_MEMORY_MS);
        // Stored before this read: a decision that committed before the read is seen here, one
        // after it finds the key — the buttons go either way, worded like the decision's own update
        // so the message reads the same whichever of the two lands last.
        const decision = await db.asPlatform((tx) => pendingDecision(tx, d.tenantId));
        if (decision) await replaceSignup(posted, decidedMessage(d, outcomeOf(decision.to_status), actorMention(decision.actor ?? undefined)), signal);
      }
    },
  };
}
