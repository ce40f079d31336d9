import { createMiddleware } from "hono/factory";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../context.js";

/**
 * Hono's bodyLimit, skipped where it has nothing to do. Hono's version starts by reading
 * `c.req.raw.body`, which makes @hono/node-server build a full WHATWG Request for every request —
 * GETs included — and that was the largest single cost on the hot path. Headers alone settle
 * bodiless methods and bodies with an honest Content-Length; chunked bodies still go through the
 * counting reader.
 */
export function limitBody(maxSize: number, onError: () => never) {
  const counting = bodyLimit({ maxSize, onError });
  return createMiddleware<AppEnv>(async function limitBodyMiddleware(c, next) {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined && /^\d+$/.test(length)) {
      if (Number(length) > maxSize) onError();
      return next();
    }
    return counting(c, next);
  });
}
