import type { Logger } from "pino";
import type { Database } from "../../store/db.js";
import { sweepExpiredProposals } from "./proposals.js";

/**
 * Marks open proposals past expires_at as expired, so `proposal.expired` reaches Slack (the buttons
 * go) even when nobody reads them. Reads expire them too; this is for the proposals nobody reads.
 */
export function startProposalSweeper(db: Database, log: Logger, intervalMs: number): { stop(): void } {
  const timer = setInterval(() => {
    sweepExpiredProposals({ db }).catch((err: unknown) => log.warn({ err }, "proposal expiry sweep failed"));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
