import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "kysely";
import type { Deps } from "../../deps.js";
import type { App } from "../context.js";
import { jsonContent } from "../openapi.js";

const route = createRoute({
  method: "get",
  path: "/health",
  operationId: "health",
  tags: ["Meta"],
  summary: "Liveness",
  "x-br-sdk": false,
  responses: { 200: jsonContent(z.object({ status: z.literal("ok") }), "The server is up") },
});

const Check = z.enum(["ok", "failing"]);
const Readiness = z
  .object({
    status: z.enum(["ready", "not_ready"]),
    database: Check,
    cache: z.enum(["ok", "failing", "memory"]).describe("`memory` when no REDIS_URL is configured"),
    rate_limits: z
      .enum(["shared", "local"])
      .describe("`local` without Redis, or while it fails: each instance counts on its own (decisions.md #91)"),
  })
  .openapi("Readiness");

const readyRoute = createRoute({
  method: "get",
  path: "/ready",
  operationId: "ready",
  tags: ["Meta"],
  summary: "Readiness: the database and, when configured, Redis answer",
  description: "A probe's answer, not an API error: 503 carries the same body, naming what is failing.",
  "x-br-sdk": false,
  responses: {
    200: jsonContent(Readiness, "Ready to serve"),
    503: jsonContent(Readiness, "The database or Redis is not answering"),
  },
});

// A probe must answer even when a dependency hangs: each check gets this long.
const CHECK_TIMEOUT_MS = 2_000;

async function passes(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("check timed out")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealth(app: App, deps: Deps) {
  app.openapi(route, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(readyRoute, async (c) => {
    const [database, cache] = await Promise.all([
      passes(() => deps.db.asApp((tx) => sql`SELECT 1`.execute(tx))),
      deps.cache.kind === "memory" ? Promise.resolve(null) : passes(() => deps.cache.get("ready-probe")),
    ]);
    const body = {
      status: database && cache !== false ? ("ready" as const) : ("not_ready" as const),
      database: database ? ("ok" as const) : ("failing" as const),
      cache: cache === null ? ("memory" as const) : cache ? ("ok" as const) : ("failing" as const),
      rate_limits: deps.limits.kind === "redis" && cache ? ("shared" as const) : ("local" as const),
    };
    return c.json(body, body.status === "ready" ? 200 : 503);
  });
}
