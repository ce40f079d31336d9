import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { RateLimitError } from "../errors/index.js";
import type { LimitSpec, Limits, RateLimiter } from "./interface.js";

type Create = (keyPrefix: string, spec: LimitSpec) => RateLimiterAbstract;

/** Limits on rate-limiter-flexible; memory and Redis differ only in the limiter they create. */
export class FlexibleLimits implements Limits {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(
    readonly kind: "memory" | "redis",
    private readonly create: Create,
    /** Namespaces the counters, so servers sharing one Redis (or one test run) keep their own. */
    private readonly prefix = "br:",
  ) {}

  limiter(spec: LimitSpec): RateLimiter {
    const id = `${spec.name}:${spec.points}:${spec.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = wrap(this.create(`${this.prefix}rl:${id}`, spec), spec.points);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

function wrap(inner: RateLimiterAbstract, points: number): RateLimiter {
  const refuse = (res: RateLimiterRes) => new RateLimitError(res.msBeforeNext / 1000);
  return {
    async consume(key, cost = 1) {
      try {
        await inner.consume(key, cost);
      } catch (err) {
        if (err instanceof RateLimiterRes) throw refuse(err);
        throw err;
      }
    },
    async assertNotBlocked(key) {
      const res = await inner.get(key);
      if (res && res.consumedPoints >= points) throw refuse(res);
    },
    async refund(key, cost = 1) {
      await inner.reward(key, cost);
    },
    async reset(key) {
      await inner.delete(key);
    },
  };
}
