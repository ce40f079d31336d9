import { serveStatic } from "@hono/node-server/serve-static";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Context } from "hono";
import type { Deps } from "../../deps.js";
import type { App } from "../context.js";
import { setPageHeaders } from "../page-headers.js";
import { AppError } from "../../errors/index.js";

const DEFAULT_DIST = fileURLToPath(new URL("../../../../dashboard/dist", import.meta.url));
const DISCOVERY_TTL_MS = 60 * 60_000;
const DISCOVERY_RETRY_MS = 30_000;

interface OidcEndpoints {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint: string | null;
}

/**
 * The dashboard SPA at /dashboard/: hashed assets cached for good, every other path answered with
 * index.html (client-side routes) and never cached, and /dashboard/config.json telling the SPA which
 * sign-in to offer. Not OpenAPI routes: static files are no SDK surface.
 */
export function registerDashboard(app: App, deps: Deps) {
  const { config } = deps;
  const dist = config.BR_DASHBOARD_DIR ?? DEFAULT_DIST;
  const discover = discoveryCache(config.BR_AUTH_ISSUER, deps);

  app.use("/dashboard", securityHeaders(discover));
  app.use("/dashboard/*", securityHeaders(discover));

  // The claim URL is /dashboard/?claim=…; keep the query when the slash is missing.
  app.get("/dashboard", (c) => c.redirect(`/dashboard/${new URL(c.req.url).search}`, 308));

  app.get("/dashboard/config.json", async (c) => {
    c.header("Cache-Control", "no-store");
    if (config.authMode === "development") return c.json({ auth: { mode: "development" as const } });
    const endpoints = await discover();
    return c.json({
      auth: {
        mode: "oidc" as const,
        issuer: config.BR_AUTH_ISSUER ?? null,
        client_id: config.BR_AUTH_CLIENT_ID ?? null,
        scopes: config.BR_AUTH_SCOPES,
        audience: config.BR_AUTH_AUDIENCE ?? null,
        ...(endpoints ?? { authorization_endpoint: null, token_endpoint: null, end_session_endpoint: null }),
      },
    });
  });

  const toDistPath = (path: string) => path.replace(/^\/dashboard/, "");
  app.get(
    "/dashboard/assets/*",
    serveStatic({
      root: dist,
      rewriteRequestPath: toDistPath,
      // File names carry a content hash: a changed file is a new URL.
      onFound: (_path, c) => c.header("Cache-Control", "public, max-age=31536000, immutable"),
    }),
    () => {
      throw new AppError("asset_not_found");
    },
  );
  app.get(
    "/dashboard/*",
    serveStatic({
      root: dist,
      rewriteRequestPath: toDistPath,
      onFound: (path, c) => c.header("Cache-Control", path.endsWith(".html") ? "no-store" : "public, max-age=3600"),
    }),
    async (c) => {
      let html: string;
      try {
        html = await readFile(`${dist}/index.html`, "utf8");
      } catch {
        throw new AppError("dashboard_not_built");
      }
      c.header("Cache-Control", "no-store");
      return c.html(html);
    },
  );
}

function securityHeaders(discover: () => Promise<OidcEndpoints | null>) {
  return async function dashboardHeaders(c: Context, next: () => Promise<void>) {
    const endpoints = await discover();
    await next();
    const connect = ["'self'", ...new Set([endpoints?.token_endpoint].filter(Boolean).map((u) => new URL(u!).origin))];
    setPageHeaders(c, { style: "'self'", connect });
  };
}

/**
 * The issuer's OIDC discovery document, fetched by the server so the CSP can name the token
 * endpoint's origin and the SPA needs no CORS access to the document. Failures are retried after
 * 30 s and logged; the SPA then shows that sign-in is unavailable.
 */
function discoveryCache(issuer: string | undefined, deps: Pick<Deps, "config" | "log">) {
  let cached: { at: number; ttl: number; value: Promise<OidcEndpoints | null> } | undefined;
  const enabled = deps.config.authMode !== "development" && issuer && deps.config.BR_AUTH_CLIENT_ID;
  return function discover(): Promise<OidcEndpoints | null> {
    if (!enabled) return Promise.resolve(null);
    if (cached && Date.now() - cached.at < cached.ttl) return cached.value;
    const entry = { at: Date.now(), ttl: DISCOVERY_TTL_MS, value: Promise.resolve<OidcEndpoints | null>(null) };
    entry.value = fetchDiscovery(issuer).catch((err: unknown) => {
      entry.ttl = DISCOVERY_RETRY_MS;
      deps.log.warn({ err, issuer }, "OIDC discovery failed; dashboard sign-in unavailable");
      return null;
    });
    cached = entry;
    return entry.value;
  };
}

async function fetchDiscovery(issuer: string): Promise<OidcEndpoints> {
  const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  const doc = (await res.json()) as Record<string, unknown>;
  const str = (k: string) => (typeof doc[k] === "string" ? (doc[k] as string) : null);
  const authorization = str("authorization_endpoint");
  const token = str("token_endpoint");
  if (!authorization || !token) throw new Error(`${url} names no authorization or token endpoint`);
  return { authorization_endpoint: authorization, token_endpoint: token, end_session_endpoint: str("end_session_endpoint") };
}
