import { Scalar } from "@scalar/hono-api-reference";
import type { App } from "../context.js";

/**
 * The API reference page over /openapi.json. Scalar's page loads its renderer from a CDN in the
 * reader's browser; the server itself makes no outbound request.
 */
export function registerDocs(app: App) {
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "BrainstormRouter API" }));
}
