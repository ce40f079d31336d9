import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import { loggablePath } from "../../logger.js";
import type { AppEnv } from "../context.js";

/** One line per request; secret-bearing query parameters (`?claim=`) never reach the log. */
export function accessLog(log: Logger) {
  return createMiddleware<AppEnv>(async function accessLogMiddleware(c, next) {
    const start = performance.now();
    await next();
    if (!log.isLevelEnabled("info")) return;
    log.info({
      requestId: c.get("requestId"),
      method: c.req.method,
      path: loggablePath(new URL(c.req.url)),
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 100) / 100,
    });
  });
}
