import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import { FlexibleLimits } from "./flexible.js";

/**
 * Counters live in Redis, so every instance spends from the same budget. While Redis fails (down,
 * frozen past the command timeout) each limiter falls back to an in-process one of the same size:
 * budgets are then per instance for a while, which beats refusing every request with a 500.
 */
export const redisLimits = (client: Redis, prefix?: string) =>
  new FlexibleLimits(
    "redis",
    (keyPrefix, spec) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix,
        points: spec.points,
        duration: spec.durationSeconds,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points: spec.points, duration: spec.durationSeconds }),
      }),
    prefix,
  );
