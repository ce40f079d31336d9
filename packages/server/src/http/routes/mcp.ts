import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Deps } from "../../deps.js";
import { createMcpServer } from "../../mcp/server.js";
import type { App } from "../context.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";

export const MCP_PATH = "/v1/mcp/connect";

/**
 * Stateless Streamable HTTP: a new server and transport per POST, so any instance can answer any
 * request and nothing is kept between them. JSON responses (no SSE): no tool streams progress.
 */
export function registerMcp(app: App, deps: Deps) {
  app.post(MCP_PATH, apiKeyAuth(deps), async (c) => {
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const server = createMcpServer(deps, { actor: { ...c.get("actor"), via: "mcp", channel: "mcp" }, tenant: c.get("apiKey").tenant });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      // The JSON response is complete by now; nothing of this request's server outlives it.
      await server.close();
    }
  });
  // Without sessions there is no server-initiated stream to open (GET) or session to end (DELETE).
  app.on(["GET", "DELETE"], MCP_PATH, (c) =>
    c.json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: this MCP endpoint is stateless." }, id: null }, 405, {
      Allow: "POST",
    }),
  );
}
