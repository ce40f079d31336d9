import type { Deps } from "../../deps.js";
import { handleSlackAction } from "../../integrations/slack/actions.js";
import type { App } from "../context.js";

/**
 * Slack interactivity endpoint (Approve / Reject buttons). A plain route, not an OpenAPI one: it
 * is Slack's contract, not the SDK's, and the signature is over the raw body, read here as text
 * before anything parses it.
 */
export function registerSlackWebhook(app: App, deps: Deps) {
  app.post("/webhooks/slack/action", async (c) => {
    const result = await handleSlackAction(deps, {
      timestamp: c.req.header("x-slack-request-timestamp"),
      signature: c.req.header("x-slack-signature"),
      rawBody: await c.req.text(),
    });
    return c.json(result, 200);
  });
}
