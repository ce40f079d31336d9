import { RateLimitError } from "../errors/index.js";
import type { RateLimiter } from "./interface.js";

export interface FailureBudget {
  limiter: RateLimiter;
  key: string;
}

/**
 * Runs one guess at a secret (a device user code, an invite code) so that only wrong guesses
 * count. Every budget is charged before the guess is looked up: checking first and charging after
 * a miss would let a burst of concurrent guesses all pass the check. Charges come back when the
 * guess is refused (it looked nothing up) and when it ends any way but `isMiss` — a right guess, or
 * a failure that says nothing about the secret, costs nothing.
 */
export async function guessWithinBudgets<T>(
  budgets: FailureBudget[],
  guess: () => Promise<T>,
  isMiss: (err: unknown) => boolean,
): Promise<T> {
  // allSettled, not all: one refusal must not leave another budget's charge unsettled (and unrefunded).
  const charged = await Promise.allSettled(budgets.map((b) => b.limiter.consume(b.key)));
  const refund = () => Promise.all(budgets.filter((_, i) => charged[i]!.status === "fulfilled").map((b) => b.limiter.refund(b.key)));
  const failures = charged.flatMap((c) => (c.status === "rejected" ? [c.reason as unknown] : []));
  if (failures.length > 0) {
    await refund();
    // Several budgets spent: the answer names the wait until the last of them frees up.
    throw failures.reduce((a, b) => (waitOf(b) > waitOf(a) ? b : a));
  }
  try {
    const result = await guess();
    await refund();
    return result;
  } catch (err) {
    if (!isMiss(err)) await refund();
    throw err;
  }
}

// Anything but a refusal (the limiter's store failing) is passed on first.
const waitOf = (err: unknown) => (err instanceof RateLimitError ? err.retryAfterSeconds : Infinity);
