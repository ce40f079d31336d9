import { createHmac } from "node:crypto";
import type { Deps } from "../../deps.js";
import { respondToAction, type SlackMessage } from "./api.js";
import {
  actorMention,
  APPROVE_ACTION,
  APPROVE_PROPOSAL_ACTION,
  DECLINE_PROPOSAL_ACTION,
  decidedMessage,
  deciderMention,
  proposalOutcomeMessage,
  REJECT_ACTION,
} from "./messages.js";
import { AppError } from "../../errors/index.js";
import { safeEqual, sha256 } from "../../lib/tokens.js";
import type { Actor } from "../../services/actor.js";
import { actorLabel } from "../../services/admin/access.js";
import { approveProposal, declineProposal, proposalEvent } from "../../services/admin/proposals.js";
import { approveTenant, rejectTenant } from "../../services/admin/tenant-admin.js";

// Slack's window (https://api.slack.com/authentication/verifying-requests-from-slack), both ways:
// a request from the future is as suspect as an old one.
const MAX_SKEW_SECONDS = 300;
// Longer than the window, so a replay is remembered for as long as its signature is acceptable.
const REPLAY_MEMORY_MS = 2 * MAX_SKEW_SECONDS * 1000;
const UPDATE_TIMEOUT_MS = 5_000;

type SlackDeps = Pick<Deps, "config" | "db" | "keyCache" | "log" | "cache">;

const forged = () => new AppError("invalid_slack_signature");

/** v0 signature: HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`), hex, compared in constant time. */
export function verifySlackSignature(
  secret: string,
  request: { timestamp: string | undefined; signature: string | undefined; rawBody: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): void {
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) throw forged();
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS) {
    throw new AppError("stale_slack_request");
  }
  const expected = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
  if (!safeEqual(expected, signature)) throw forged();
}

interface BlockActionsPayload {
  type?: string;
  user?: { id?: string; username?: string; name?: string };
  actions?: { action_id?: string; value?: string }[];
  response_url?: string;
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string };
}

function parsePayload(rawBody: string): BlockActionsPayload {
  const field = new URLSearchParams(rawBody).get("payload");
  try {
    const payload: unknown = field ? JSON.parse(field) : undefined;
    if (payload && typeof payload === "object") return payload as BlockActionsPayload;
  } catch {
    // falls through
  }
  throw new AppError("invalid_slack_payload");
}

export interface SlackActionResult {
  /** What the click did; Slack ignores the body, tests and logs read it. */
  outcome:
    | "approved"
    | "rejected"
    | "executed"
    | "declined"
    | "stale"
    | "duplicate"
    | "not_allowed"
    | "ignored"
    | "already_decided"
    | "refused";
  message?: string;
}

/**
 * A signed click on a signup's Approve/Reject or a proposal's Confirm/Decline: verified, remembered (a replay inside the window does nothing),
 * limited to BR_SLACK_ADMIN_USER_IDS, then the same service the admin API calls. The message is
 * replaced in the background so Slack gets its answer well within 3 s.
 */
export async function handleSlackAction(
  deps: SlackDeps,
  request: { timestamp: string | undefined; signature: string | undefined; rawBody: string },
): Promise<SlackActionResult> {
  const secret = deps.config.SLACK_SIGNING_SECRET;
  if (!secret) throw new AppError("slack_not_configured");
  verifySlackSignature(secret, request);
  const payload = parsePayload(request.rawBody);
  if (!(await deps.cache.add(`slack-action:${sha256(request.signature!)}`, "1", REPLAY_MEMORY_MS))) {
    return { outcome: "duplicate" };
  }
  const action = payload.actions?.[0];
  const id = action?.value;
  const kind = BUTTONS[action?.action_id ?? ""];
  if (payload.type !== "block_actions" || !id || !kind) return { outcome: "ignored" };
  const target = {
    responseUrl: payload.response_url,
    channel: payload.container?.channel_id ?? payload.channel?.id,
    ts: payload.container?.message_ts ?? payload.message?.ts,
  };
  const slackUser = payload.user?.id ?? "";
  if (!deps.config.slackAdminUserIds.has(slackUser)) {
    const message = kind.proposal ? "Only platform admins can decide proposals." : "Only platform admins can approve or reject signups.";
    reply(deps, target, { text: message }, false);
    return { outcome: "not_allowed", message };
  }
  const actor: Actor = {
    tenantId: "",
    userId: null,
    role: "admin",
    isPlatformAdmin: true,
    via: "slack",
    channel: "slack",
    label: `slack:${slackUser}`,
    subject: slackUser,
  };
  try {
    return await (kind.proposal ? decideProposalClick : decideSignupClick)(deps, actor, kind.approve, id, target);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    if (err.code === "invalid_transition" || err.code === "proposal_already_decided" || err.code === "proposal_expired") {
      const message = `Already decided: ${err.message}`;
      reply(deps, target, { text: message }, false);
      return { outcome: "already_decided", message };
    }
    // Gone, not an id, or the clicker proposed it: say so to the clicker, leave the message as it is.
    reply(deps, target, { text: `Could not ${kind.verb}: ${err.message}` }, false);
    return { outcome: "refused", message: err.message };
  }
}

const BUTTONS: Record<string, { proposal: boolean; approve: boolean; verb: string }> = {
  [APPROVE_ACTION]: { proposal: false, approve: true, verb: "approve" },
  [REJECT_ACTION]: { proposal: false, approve: false, verb: "reject" },
  [APPROVE_PROPOSAL_ACTION]: { proposal: true, approve: true, verb: "confirm" },
  [DECLINE_PROPOSAL_ACTION]: { proposal: true, approve: false, verb: "decline" },
};

async function decideSignupClick(
  deps: SlackDeps,
  actor: Actor,
  approve: boolean,
  tenantId: string,
  target: Target,
): Promise<SlackActionResult> {
  // The buttons decide a pending signup and nothing else: a stale Approve on a message posted
  // before a suspension must not re-activate the tenant (the API's approve still can).
  const input = { id: tenantId, dryRun: false, allowedFrom: ["pending"] as const };
  const result = await (approve ? approveTenant : rejectTenant)(deps, actor, input);
  const t = (result as Extract<typeof result, { dry_run: false }>).tenant;
  const outcome = approve ? "approved" : "rejected";
  reply(
    deps,
    target,
    decidedMessage({ tenantId: t.id, tenantName: t.name, tenantSlug: t.slug }, outcome, actorMention(actorLabel(actor))),
    true,
  );
  return { outcome };
}

/**
 * Confirm / Decline on a proposal: the same service as the API, so the proposer cannot decide it
 * and a replayed or concurrent Confirm executes once. A stale one says what changed, in place.
 */
async function decideProposalClick(
  deps: SlackDeps,
  actor: Actor,
  approve: boolean,
  id: string,
  target: Target,
): Promise<SlackActionResult> {
  try {
    const decided = approve ? await approveProposal(deps, actor, { id }) : await declineProposal(deps, actor, { id });
    // Without dry_run, approval answers the executed proposal.
    const event = proposalEvent(decided as Awaited<ReturnType<typeof declineProposal>>);
    reply(deps, target, proposalOutcomeMessage(event, deciderMention(event)), true);
    return { outcome: approve ? "executed" : "declined" };
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "proposal_stale") throw err;
    reply(deps, target, { text: `Stale: ${err.message}` }, true);
    return { outcome: "stale", message: err.message };
  }
}

type Target = Parameters<typeof respondToAction>[1];

function reply(deps: SlackDeps, target: Target, message: SlackMessage, replace: boolean) {
  respondToAction(deps.config, target, message, { replace, signal: AbortSignal.timeout(UPDATE_TIMEOUT_MS) }).catch((err: unknown) =>
    deps.log.warn({ err }, "could not update the Slack message"),
  );
}
