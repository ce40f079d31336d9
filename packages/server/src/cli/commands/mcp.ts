import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { isJSONRPCRequest, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { resolve } from "../credentials.js";
import { HELP } from "../help.js";
import type { CliContext } from "../io.js";
import { parse, UsageError } from "../output.js";

const USAGE = HELP.mcp!;
const OPTIONS = { "base-url": { type: "string" }, "api-key": { type: "string" }, "access-token": { type: "string" } } as const;

/**
 * A relay, not a second server: every message goes to the HTTP endpoint, so the tools, their
 * admin gating and the services behind them are the server's, and this process needs no database.
 * It owns the process's stdio (that is the transport), so it runs only from the bin.
 */
export async function mcp(ctx: CliContext, args: string[]): Promise<number | undefined> {
  const { values } = parse(args, OPTIONS, USAGE);
  const { baseUrl, credential } = await resolve(values, ctx.env);
  if (!credential) {
    throw new UsageError("no credential: pass --api-key, set BRAINSTORMROUTER_API_KEY, or run `brainstormrouter login`", USAGE);
  }
  const upstream = new StreamableHTTPClientTransport(new URL(`${baseUrl}/v1/mcp/connect`), {
    requestInit: { headers: { authorization: `Bearer ${credential.token}` } },
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
  upstream.onerror = (err) => ctx.stderr.write(`brainstormrouter mcp: ${err.message}\n`);
  local.onclose = () => void upstream.close().finally(() => process.exit(0));

  await upstream.start();
  await local.start();
  return undefined; // runs until stdin closes
}
