import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Metrics } from "../../metrics/registry.js";

/**
 * Counts each answer under its route pattern (`/v1/tenant/api-keys/:id`), never the raw path: ids
 * in a label would grow the series without bound. A path no route matched is one label.
 */
export function countRequests(metrics: Metrics): MiddlewareHandler {
  return async function metered(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const pattern = routePath(c);
      const route = status === 404 && pattern.endsWith("*") ? "(unmatched)" : pattern;
      const method = c.req.method;
      metrics.requests.inc({ route, method, status: String(status) });
      metrics.latency.observe({ route, method }, (performance.now() - started) / 1000);
    }
  };
}
