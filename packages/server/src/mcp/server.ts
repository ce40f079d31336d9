import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Deps } from "../deps.js";
import { ADMIN_TOOLS } from "./admin-tools.js";
import { TENANT_ADMIN_TOOLS, TENANT_TOOLS } from "./tenant-tools.js";
import { registerToolSpec, type McpCaller } from "./tool.js";

export const MCP_SERVER_INFO = { name: "brainstormrouter", version: "0.1.0" };

/**
 * A server for one caller. Tools are registered only for callers allowed to use them (admin tools
 * for platform admins, claim and device links for admin-role keys), so others neither see them in
 * tools/list nor can call them (an unknown tool is refused by the SDK); the services check again.
 */
export function createMcpServer(deps: Deps, caller: McpCaller): McpServer {
  const server = new McpServer(MCP_SERVER_INFO, {
    instructions:
      "BrainstormRouter: tenant information, and for platform admins the admin tools (tenants, approvals, invite codes, digest). Mutating tools accept dry_run.",
  });
  const tools = [
    ...TENANT_TOOLS,
    ...(caller.actor.role === "admin" ? TENANT_ADMIN_TOOLS : []),
    ...(caller.actor.isPlatformAdmin ? ADMIN_TOOLS : []),
  ];
  for (const spec of tools) registerToolSpec(server, deps, caller, spec);
  return server;
}
