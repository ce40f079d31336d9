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
    // The path Hono already split off, and the query only when there is one: no URL parse per line.
    const url = c.req.url;
    const query = url.indexOf("?");
    log.info({
      requestId: c.get("requestId"),
      method: c.req.method,
      path: loggablePath(c.req.path, query < 0 ? "" : url.slice(query)),
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 100) / 100,
    });
  });
}
