import type { App } from "../context.js";

/**
 * `GET /`: a browser goes to the dashboard; an API client gets a small index of where things are,
 * so the first request a newcomer makes is not a 404.
 */
export function registerRoot(app: App) {
  app.get("/", (c) => {
    if (c.req.header("accept")?.includes("text/html")) return c.redirect("/dashboard/", 302);
    return c.json({
      name: "BrainstormRouter",
      dashboard: "/dashboard/",
      docs: "/docs",
      openapi: "/openapi.json",
      agents: "/.well-known/agents.json",
      health: "/health",
      ready: "/ready",
    });
  });
}
