import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Deps } from "../deps.js";
import { ADMIN_TOOLS } from "./admin-tools.js";
import { TENANT_ADMIN_TOOLS, TENANT_TOOLS } from "./tenant-tools.js";
import { dryRunOnly, registerToolSpec, type McpCaller, type ToolSpec } from "./tool.js";

export const MCP_SERVER_INFO = { name: "brainstormrouter", version: "0.1.0" };

/**
 * A server for one caller. Tools are registered only for callers allowed to use them (admin tools
 * for platform admins, claim and device links for admin-role keys), so others neither see them in
 * tools/list nor can call them (an unknown tool is refused by the SDK); the services check again.
 */
export function createMcpServer(deps: Deps, caller: McpCaller): McpServer {
  const server = new McpServer(MCP_SERVER_INFO, {
    instructions:
      "BrainstormRouter: tenant information, and for platform admins the admin tools (tenants, approvals, invite codes, digest, proposals, audit). Mutating tools accept dry_run. Proposers dry-run and propose (br_propose_action); a human approves.",
  });
  const tools = [...TENANT_TOOLS, ...(caller.actor.role === "admin" ? TENANT_ADMIN_TOOLS : []), ...platformTools(caller)];
  for (const spec of tools) registerToolSpec(server, deps, caller, spec);
  return server;
}

/** Admins get every admin tool; proposers the reads, dry runs and proposing, no executing tool at all. */
function platformTools(caller: McpCaller): ToolSpec[] {
  if (caller.actor.isPlatformAdmin) return ADMIN_TOOLS;
  if (!caller.actor.isPlatformProposer) return [];
  return ADMIN_TOOLS.flatMap((t) => (t.forProposers === "as_is" ? [t] : t.forProposers === "dry_run_only" ? [dryRunOnly(t)] : []));
}
