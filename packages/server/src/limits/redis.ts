import type { Redis } from "ioredis";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { FlexibleLimits } from "./flexible.js";

/** Counters live in Redis, so every instance spends from the same budget. */
export const redisLimits = (client: Redis, prefix?: string) =>
  new FlexibleLimits(
    "redis",
    (keyPrefix, spec) => new RateLimiterRedis({ storeClient: client, keyPrefix, points: spec.points, duration: spec.durationSeconds }),
    prefix,
  );
