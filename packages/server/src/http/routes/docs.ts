import { serveStatic } from "@hono/node-server/serve-static";
import type { Context } from "hono";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { App } from "../context.js";
import { setPageHeaders } from "../page-headers.js";

// The renderer comes from the installed swagger-ui-dist (pinned in the lockfile), never a CDN:
// the page works offline, and no third-party script runs on the origin that holds sign-in tokens.
const ASSETS = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const SERVED = new Set(["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"]);

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>BrainstormRouter API</title>
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/reference.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#reference", deepLinking: true });\n`;

// The renderer sets style attributes on the elements it draws.
const docsHeaders = (c: Context) => setPageHeaders(c, { style: "'self' 'unsafe-inline'", connect: ["'self'"] });

/** The API reference page over /openapi.json. */
export function registerDocs(app: App) {
  app.use("/docs", async (c, next) => {
    await next();
    docsHeaders(c);
  });
  app.use("/docs/*", async (c, next) => {
    await next();
    docsHeaders(c);
  });
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs/reference.js", (c) => c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8" }));
  app.get(
    "/docs/assets/:file",
    async (c, next) => (SERVED.has(c.req.param("file")) ? next() : c.notFound()),
    serveStatic({
      root: ASSETS,
      rewriteRequestPath: (path) => path.slice("/docs/assets".length),
      onFound: (_path, c) => c.header("Cache-Control", "public, max-age=86400"),
    }),
  );
}
