import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import type { Deps } from "./deps.js";
import type { App, AppEnv } from "./http/context.js";
import { AppError, PayloadTooLargeError } from "./errors/index.js";
import { errorResponse, notFoundRoute } from "./http/errors.js";
import { accessLog } from "./http/middleware/access-log.js";
import { limitBody } from "./http/middleware/body-limit.js";
import { countRequests } from "./http/middleware/metrics.js";
import { OPENAPI_INFO } from "./http/openapi.js";
import { registerAdminRoutes } from "./http/routes/admin.js";
import { registerProposalRoutes } from "./http/routes/admin-proposals.js";
import { registerAuditRoutes } from "./http/routes/audit.js";
import { registerAuthRoutes } from "./http/routes/auth.js";
import { registerChatRoutes } from "./http/routes/chat.js";
import { registerClaimRoutes } from "./http/routes/claims.js";
import { registerDashboard } from "./http/routes/dashboard.js";
import { registerDashboardManagement } from "./http/routes/dashboard-management.js";
import { registerDevSignIn } from "./http/routes/dev-sign-in.js";
import { registerDocs } from "./http/routes/docs.js";
import { registerEmbeddingRoutes } from "./http/routes/embeddings.js";
import { registerHealth } from "./http/routes/health.js";
import { registerIdentityBridge } from "./http/routes/identity-bridge.js";
import { registerMcp } from "./http/routes/mcp.js";
import { registerMetrics } from "./http/routes/metrics.js";
import { registerModelRoutes } from "./http/routes/models.js";
import { registerRegistration } from "./http/routes/register.js";
import { registerRoot } from "./http/routes/root.js";
import { registerSlackWebhook } from "./http/routes/slack-webhook.js";
import { registerTenantRoutes } from "./http/routes/tenant.js";
import { registerTenantApiKeys } from "./http/routes/tenant-api-keys.js";
import { registerTenantSettings } from "./http/routes/tenant-settings.js";
import { registerUsageRoutes } from "./http/routes/usage.js";
import { registerWellKnown } from "./http/routes/well-known.js";

export function createApp(deps: Deps): App {
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures become the same envelope as every other error, naming the fields.
    defaultHook: (result) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      const first = issues[0]!;
      throw new AppError("validation_failed", {
        message: first.path ? `${first.path}: ${first.message}` : first.message,
        recovery: { issues },
      });
    },
  });

  app.use(countRequests(deps.metrics));
  app.use(requestId({ headerName: "x-br-request-id" }));
  // OpenAI's clients read their request id from x-request-id: one id, under both names.
  app.use(async (c, next) => {
    c.header("x-request-id", c.get("requestId"));
    await next();
  });
  app.use(accessLog(deps.log));
  if (deps.config.BR_CORS_ORIGINS.length > 0) {
    const origins = deps.config.BR_CORS_ORIGINS;
    app.use(
      "/v1/*",
      cors({
        origin: origins.includes("*") ? "*" : origins,
        allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
        exposeHeaders: ["x-request-id", "x-br-request-id", "x-br-overhead-ms", "retry-after"],
        maxAge: 600,
      }),
    );
  }
  app.use(
    limitBody(deps.config.BR_MAX_BODY_BYTES, () => {
      throw new PayloadTooLargeError(deps.config.BR_MAX_BODY_BYTES);
    }),
  );
  app.onError((err, c) => errorResponse(c, err, deps.log));
  app.notFound((c) => errorResponse(c, notFoundRoute(), deps.log));

  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKey", {
    type: "http",
    scheme: "bearer",
    description: "API key: br_live_…",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "OidcJwt", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "OIDC access token of a signed-in human",
  });

  registerRoot(app);
  registerHealth(app, deps);
  registerMetrics(app, deps);
  // Admin routes first: their own middleware stack, ahead of any tenant /v1/* chain.
  registerAdminRoutes(app, deps);
  registerProposalRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerSlackWebhook(app, deps);
  registerRegistration(app, deps);
  registerTenantRoutes(app, deps);
  registerTenantApiKeys(app, deps);
  registerTenantSettings(app, deps);
  registerAuthRoutes(app, deps);
  registerIdentityBridge(app, deps);
  registerClaimRoutes(app, deps);
  registerDashboardManagement(app, deps);
  registerDevSignIn(app, deps);
  registerChatRoutes(app, deps);
  registerModelRoutes(app, deps);
  registerEmbeddingRoutes(app, deps);
  registerUsageRoutes(app, deps);
  registerDashboard(app, deps);

  registerMcp(app, deps);
  registerWellKnown(app, deps);
  registerDocs(app);

  app.doc31("/openapi.json", OPENAPI_INFO);
  return app;
}
