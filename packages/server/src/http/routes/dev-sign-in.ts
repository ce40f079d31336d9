import { createRoute, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import type { App } from "../context.js";
import { errorResponses, jsonBody, jsonContent } from "../openapi.js";

const SignInBody = z.strictObject({ email: z.email().max(254) }).openapi("DevSignInRequest");
export const SignInResponse = z
  .object({ access_token: z.string(), token_type: z.literal("Bearer"), expires_in: z.number().int() })
  .openapi("DevSignInResponse");

/**
 * Development sign-in: any email, no password. Mounted only when no OIDC issuer is configured and
 * NODE_ENV is not production (config refuses that combination), so it cannot exist in production.
 */
export function registerDevSignIn(app: App, deps: Deps) {
  const signer = deps.devSigner;
  if (!signer) return;
  const route = createRoute({
    method: "post",
    path: "/auth/dev/sign-in",
    operationId: "auth.devSignIn",
    tags: ["Identity"],
    summary: "Development sign-in (embedded default only)",
    "x-br-sdk": false,
    request: { body: jsonBody(SignInBody) },
    responses: { 200: jsonContent(SignInResponse, "A token for that email"), ...errorResponses(400) },
  });
  app.openapi(route, async (c) => c.json(await signer.sign(c.req.valid("json").email), 200));
}
