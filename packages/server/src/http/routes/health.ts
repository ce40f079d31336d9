import { createRoute, z } from "@hono/zod-openapi";
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

export function registerHealth(app: App) {
  app.openapi(route, (c) => c.json({ status: "ok" as const }, 200));
}
