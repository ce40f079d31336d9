import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { isJSONRPCRequest, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { parse, UsageError } from "../output.js";

const USAGE = `usage: brainstormrouter mcp
  MCP over stdio (Claude Desktop and other local clients), relayed to the server's
  /v1/mcp/connect with BRAINSTORMROUTER_API_KEY, at BRAINSTORMROUTER_BASE_URL (default http://localhost:8787).`;

/**
 * A relay, not a second server: every message goes to the HTTP endpoint, so the tools, their
 * admin gating and the services behind them are the server's, and this process needs no database.
 */
export async function mcp(args: string[]): Promise<number | undefined> {
  parse(args, {}, USAGE);
  const apiKey = process.env.BRAINSTORMROUTER_API_KEY;
  if (!apiKey) throw new UsageError("BRAINSTORMROUTER_API_KEY is not set", USAGE);
  const base = (process.env.BRAINSTORMROUTER_BASE_URL || "http://localhost:8787").replace(/\/+$/, "");
  const upstream = new StreamableHTTPClientTransport(new URL(`${base}/v1/mcp/connect`), {
    requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
  });
  const local = new StdioServerTransport();

  local.onmessage = (message: JSONRPCMessage) => {
    upstream.send(message).catch((err: unknown) => {
      // The client waits on every request id: answer it with the failure rather than leave it hanging.
      if (isJSONRPCRequest(message)) {
        void local.send({
          jsonrpc: "2.0",
          id: message.id,
          error: { code: -32000, message: `BrainstormRouter: ${(err as Error).message}` },
        });
      }
    });
  };
  upstream.onmessage = (message) => void local.send(message);
  upstream.onerror = (err) => process.stderr.write(`brainstormrouter mcp: ${err.message}\n`);
  local.onclose = () => void upstream.close().finally(() => process.exit(0));

  await upstream.start();
  await local.start();
  return undefined; // runs until stdin closes
}
