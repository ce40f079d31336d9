import type { Deps } from "../../deps.js";
import { AppError, type ErrorCode } from "../../errors/index.js";
import { guessWithinBudgets, type FailureBudget } from "../../limits/failure-budget.js";
import type { Tx } from "../../store/db.js";
import { consumeInviteCode } from "../../store/invite-codes.js";

export const INVITE_FAILURE_WINDOW_SECONDS = 60 * 60;

const INVITE_ERRORS = {
  unknown: "invite_code_invalid",
  expired: "invite_code_expired",
  used_up: "invite_code_used_up",
} as const satisfies Record<string, ErrorCode>;

type GuessDeps = Pick<Deps, "config" | "limits">;

/**
 * Spends one use of an invite code inside the signup's transaction, or throws a precise 400.
 * An invite code is a guessable secret (admins may choose short ones): every attempt reserves a
 * point of the per-address budget (and of the per-identity one at first sign-in) before the code is
 * looked up, and keeps it only for an unknown code — an expired or used-up code is a real one and
 * costs nothing. Reserving first is what keeps a concurrent burst inside the budget; once a budget
 * is spent, even a right code answers 429 until the window passes, or the beta gate could be
 * walked past by guessing (decisions.md #82).
 */
export function spendInviteCode(deps: GuessDeps, tx: Tx, guess: { code: string; address: string; subject?: string }): Promise<void> {
  const limiter = (name: string, points: number) => deps.limits.limiter({ name, points, durationSeconds: INVITE_FAILURE_WINDOW_SECONDS });
  const budgets: FailureBudget[] = [{ limiter: limiter("invite-address", deps.config.BR_INVITE_FAILURES_PER_ADDRESS), key: guess.address }];
  if (guess.subject !== undefined) {
    budgets.push({ limiter: limiter("invite-identity", deps.config.BR_INVITE_FAILURES_PER_IDENTITY), key: guess.subject });
  }
  return guessWithinBudgets(
    budgets,
    async () => {
      const outcome = await consumeInviteCode(tx, guess.code);
      if (outcome !== "spent") throw new AppError(INVITE_ERRORS[outcome]);
    },
    (err) => err instanceof AppError && err.code === "invite_code_invalid",
  );
}
