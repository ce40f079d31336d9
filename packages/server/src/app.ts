import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import type { Deps } from "./deps.js";
import type { App, AppEnv } from "./http/context.js";
import { AppError, PayloadTooLargeError } from "./errors/index.js";
import { errorResponse, notFoundRoute } from "./http/errors.js";
import { accessLog } from "./http/middleware/access-log.js";
import { limitBody } from "./http/middleware/body-limit.js";
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
import { registerHealth } from "./http/routes/health.js";
import { registerIdentityBridge } from "./http/routes/identity-bridge.js";
import { registerMcp } from "./http/routes/mcp.js";
import { registerRegistration } from "./http/routes/register.js";
import { registerSlackWebhook } from "./http/routes/slack-webhook.js";
import { registerTenantRoutes } from "./http/routes/tenant.js";
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

  app.use(requestId({ headerName: "x-br-request-id" }));
  app.use(accessLog(deps.log));
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

  registerHealth(app, deps);
  // Admin routes first: their own middleware stack, ahead of any tenant /v1/* chain.
  registerAdminRoutes(app, deps);
  registerProposalRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerSlackWebhook(app, deps);
  registerRegistration(app, deps);
  registerTenantRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerIdentityBridge(app, deps);
  registerClaimRoutes(app, deps);
  registerDashboardManagement(app, deps);
  registerDevSignIn(app, deps);
  registerChatRoutes(app, deps);
  registerUsageRoutes(app, deps);
  registerDashboard(app, deps);

  registerMcp(app, deps);
  registerWellKnown(app, deps);
  registerDocs(app);

  app.doc31("/openapi.json", OPENAPI_INFO);
  return app;
}
