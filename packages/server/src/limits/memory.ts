import { RateLimiterMemory } from "rate-limiter-flexible";
import { FlexibleLimits } from "./flexible.js";

export const memoryLimits = () =>
  new FlexibleLimits(
    "memory",
    (keyPrefix, spec) => new RateLimiterMemory({ keyPrefix, points: spec.points, duration: spec.durationSeconds }),
  );
