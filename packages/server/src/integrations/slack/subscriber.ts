import type { Logger } from "pino";
import type { SharedCache } from "../../cache/interface.js";
import type { Config } from "../../config.js";
import type { Database } from "../../store/db.js";
import { findProposal } from "../../store/proposals.js";
import { pendingDecision } from "../../store/tenants.js";
import { RetryLaterError, type Subscriber } from "../../events/bus.js";
import { callSlack, postToChannel, type PostedMessage, type SlackMessage } from "./api.js";
import type { PlatformEvent } from "../../events/types.js";
import {
  actorMention,
  decidedMessage,
  deciderMention,
  outcomeOf,
  type ProposalEventType,
  proposalMessage,
  proposalOutcomeMessage,
  SLACK_EVENT_TYPES,
  statusMessage,
  type SlackEventType,
} from "./messages.js";

// Where each pending signup message was posted, so a decision taken elsewhere (API, MCP, CLI)
// takes its buttons away. Signups wait days at most; past that a stale button is still refused.
const signupKey = (tenantId: string) => `slack-signup:${tenantId}`;
const SIGNUP_MEMORY_MS = 30 * 86_400_000;
// A proposal lives a week at most (expires_in_minutes ≤ 10080).
const proposalKey = (id: string) => `slack-proposal:${id}`;
const PROPOSAL_MEMORY_MS = 8 * 86_400_000;

const isProposalEvent = (e: PlatformEvent<SlackEventType>): e is PlatformEvent<ProposalEventType> => e.type.startsWith("proposal.");

export interface SlackSubscriberDeps {
  config: Config;
  db: Database;
  cache: SharedCache;
  log: Logger;
}

export function slackSubscriber({ config, db, cache, log }: SlackSubscriberDeps): Subscriber<SlackEventType> {
  /** Best effort: a message Slack no longer has must not hold up the notice that follows. */
  async function replaceMessage(where: PostedMessage, message: SlackMessage, signal: AbortSignal) {
    try {
      await callSlack(config, "chat.update", { ...where, ...message }, signal);
    } catch (err) {
      if (err instanceof RetryLaterError || signal.aborted) throw err;
      log.warn({ err }, "could not remove the buttons of a Slack message");
    }
  }

  /**
   * A proposal posts once with its buttons; its decision replaces them where they were posted (or
   * is posted as a notice when that message is unknown). The same read-after-store as signups:
   * a decision that committed before the post's bookkeeping is still seen.
   */
  async function handleProposal(event: PlatformEvent<ProposalEventType>, deliveryId: string, signal: AbortSignal) {
    const d = event.data;
    if (event.type !== "proposal.created") {
      const outcome = proposalOutcomeMessage(d, deciderMention(d));
      const stored = await cache.get(proposalKey(d.proposalId));
      if (!stored) {
        await postToChannel(config, outcome, deliveryId, signal);
        return;
      }
      await replaceMessage(JSON.parse(stored) as PostedMessage, outcome, signal);
      await cache.delete(proposalKey(d.proposalId));
      return;
    }
    const posted = await postToChannel(config, proposalMessage(d), deliveryId, signal);
    if (!posted) return;
    await cache.set(proposalKey(d.proposalId), JSON.stringify(posted), PROPOSAL_MEMORY_MS);
    const now = await db.asPlatform((tx) => findProposal(tx, d.proposalId));
    if (now && now.status !== "open") {
      const decided = { ...d, status: now.status, decidedBy: now.decided_by ?? undefined, reason: now.decision_reason };
      await replaceMessage(posted, proposalOutcomeMessage(decided, deciderMention(decided)), signal);
    }
  }

  return {
    name: "slack",
    patterns: SLACK_EVENT_TYPES,
    async handle(event, { deliveryId, signal }) {
      if (isProposalEvent(event)) return handleProposal(event, deliveryId, signal);
      // The platform's channel hears of tenants' budgets; how a tenant splits its money over its
      // keys is its own business (its owners get those by email).
      if ((event.type === "budget.threshold" || event.type === "budget.exceeded") && event.data.scope !== "tenant") return;
      const d = event.data;
      if (event.type === "tenant.approved" || event.type === "tenant.rejected") {
        const stored = await cache.get(signupKey(d.tenantId));
        if (stored) {
          const outcome = event.type === "tenant.approved" ? "approved" : "rejected";
          await replaceMessage(JSON.parse(stored) as PostedMessage, decidedMessage(d, outcome, actorMention(event.data.actor)), signal);
          await cache.delete(signupKey(d.tenantId));
        }
      }
      const posted = await postToChannel(config, statusMessage(event), deliveryId, signal);
      if (event.type === "tenant.signup" && event.data.status === "pending" && posted) {
        await cache.set(signupKey(d.tenantId), JSON.stringify(posted), SIGNUP_MEMORY_MS);
        // Stored before this read: a decision that committed before the read is seen here, one
        // after it finds the key — the buttons go either way, worded like the decision's own update
        // so the message reads the same whichever of the two lands last.
        const decision = await db.asPlatform((tx) => pendingDecision(tx, d.tenantId));
        if (decision)
          await replaceMessage(posted, decidedMessage(d, outcomeOf(decision.to_status), actorMention(decision.actor ?? undefined)), signal);
      }
    },
  };
}
