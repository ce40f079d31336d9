import { Hono } from "hono";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors/index.js";
import { safeEqual } from "../../lib/tokens.js";
import type { App } from "../context.js";
import { bearerToken } from "../middleware/api-key-auth.js";

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

// The API's own bearer parsing and constant-time comparison.
const bearerMatches = (header: string | undefined, token: string) => safeEqual(bearerToken(header) ?? "", token);

/** `GET /metrics` on the API port: only with `BR_METRICS_TOKEN`, presented as a bearer token. */
export function registerMetrics(app: App, deps: Deps) {
  const token = deps.config.BR_METRICS_TOKEN;
  if (!token) return;
  app.get("/metrics", async (c) => {
    if (!bearerMatches(c.req.header("authorization"), token)) throw new AppError("metrics_token_required");
    return c.body(await deps.metrics.scrape(), 200, { "content-type": CONTENT_TYPE });
  });
}

/**
 * The app of `BR_METRICS_PORT`: a port the operator keeps off the public network, so no token is
 * asked for there (one is still checked when configured).
 */
export function metricsOnlyApp(deps: Deps): Hono {
  const app = new Hono();
  const token = deps.config.BR_METRICS_TOKEN;
  app.get("/metrics", async (c) => {
    if (token && !bearerMatches(c.req.header("authorization"), token)) return c.text("bearer token required\n", 401);
    return c.body(await deps.metrics.scrape(), 200, { "content-type": CONTENT_TYPE });
  });
  return app;
}
