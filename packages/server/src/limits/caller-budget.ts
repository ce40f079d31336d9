import type { FailureBudget } from "./failure-budget.js";
import type { Limits } from "./interface.js";

export interface CallerBudgetSpec {
  /** Limiter names; the counters of identities and of addresses are kept apart. */
  name: { identity: string; address: string };
  points: { identity: number; address: number };
  durationSeconds: number;
}

/**
 * The one budget a caller spends (decisions.md #102): its identity's when it has one, its address's
 * only when it is anonymous. Charging a signed-in caller's address as well would let one guesser, or
 * a handful of people mistyping, lock out everyone behind the same NAT or carrier-grade NAT; the
 * identity is what the guesser cannot share with them. `address` is the bucketed one
 * (`clientAddress`: an IPv6 /64 counts as one address).
 */
export function callerBudget(
  limits: Limits,
  spec: CallerBudgetSpec,
  caller: { identity?: string | undefined; address: string },
): FailureBudget {
  const kind = caller.identity !== undefined ? "identity" : "address";
  return {
    limiter: limits.limiter({ name: spec.name[kind], points: spec.points[kind], durationSeconds: spec.durationSeconds }),
    key: caller.identity ?? caller.address,
  };
}
