import type { Deps } from "../../deps.js";
import type { App } from "../context.js";

/**
 * /.well-known/agents.json: how an agent that found this host registers, authenticates and
 * reaches the MCP endpoint, without reading the docs first.
 */
export function registerWellKnown(app: App, deps: Deps) {
  const base = deps.config.publicUrl;
  const document = {
    schema_version: "1",
    name: "BrainstormRouter",
    description: "Self-hostable AI gateway for agents: register a tenant by API, hand a human a claim link, call an OpenAI-compatible API.",
    openapi: `${base}/openapi.json`,
    docs: `${base}/docs`,
    registration: {
      method: "POST",
      url: `${base}/v1/register`,
      auth: "none",
      body: {
        tenant_name: "string",
        admin_email: "string",
        accept_tos: true,
        invite_code: "string (optional; without one the tenant may wait for approval)",
      },
      returns: "tenant, api_key.key (shown once), claim.url (give it to the human who will manage the tenant)",
      pending: "202 with tenant.status=pending: calls answer 403 tenant_pending until a platform admin approves",
    },
    auth: {
      api_key: { scheme: "bearer", header: "Authorization: Bearer br_live_…", applies_to: "/v1/*" },
      oidc_jwt: { scheme: "bearer", applies_to: "/auth/*", tenant_header: "X-BR-Tenant-Id" },
      device_flow: {
        authorize: `${base}/v1/auth/device/authorize`,
        token: `${base}/v1/auth/device/token`,
        grant: "RFC 8628: poll the token endpoint every `interval` seconds; slow_down adds 5 seconds",
      },
    },
    mcp: {
      transport: "streamable-http",
      url: `${base}/v1/mcp/connect`,
      auth: "Authorization: Bearer <API key>",
      stdio: { command: "npx", args: ["brainstormrouter", "mcp"], env: ["BRAINSTORMROUTER_API_KEY", "BRAINSTORMROUTER_BASE_URL"] },
    },
    sdks: { typescript: "npm install brainstormrouter", python: "pip install brainstormrouter" },
  };
  app.get("/.well-known/agents.json", (c) => c.json(document));
}
