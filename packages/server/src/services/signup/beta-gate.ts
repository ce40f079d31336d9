import type { Config } from "../../config.js";
import { isPlatformAdmin } from "../actor.js";

/**
 * The beta gate (BR_BETA_GATE, DESIGN.md §1): a new tenant starts `active` when its signup spent an
 * invite code, when the gate is off, or when the signing-up identity is a platform admin; otherwise
 * it waits `pending` for an admin's approval. Machine registration has no identity to check.
 */
export function admitsWithoutApproval(
  config: Pick<Config, "betaGate" | "platformAdminIds">,
  signup: { inviteSpent: boolean; subject?: string },
): boolean {
  return (
    signup.inviteSpent || !config.betaGate || (signup.subject !== undefined && isPlatformAdmin(config.platformAdminIds, signup.subject))
  );
}
